/**
 * checkResources: runs the pack's resource policies over plain resource
 * descriptions, outside the Pulumi engine. For unit tests of programs and for the
 * policies' own tests; the engine runs the same policy objects through PolicyPack.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

export interface ResourceToCheck {
  type: string;
  name: string;
  props: Record<string, unknown>;
}

export interface Violation {
  policy: string;
  enforcementLevel: string;
  resource: string;
  message: string;
}

export async function checkResources(
  policies: readonly ResourceValidationPolicy[],
  resources: readonly ResourceToCheck[],
  config: Record<string, Record<string, unknown>> = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    const validate = policy.validateResource;
    if (validate === undefined) continue;
    const validations = Array.isArray(validate) ? validate : [validate];
    for (const resource of resources) {
      const args = {
        type: resource.type,
        name: resource.name,
        urn: `urn:pulumi:check::goplatform::${resource.type}::${resource.name}`,
        props: resource.props,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map<string, string>(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => config[policy.name] ?? {},
        notApplicable: (reason?: string): never => {
          throw new NotApplicable(reason);
        },
      } as unknown as ResourceValidationArgs;
      for (const run of validations) {
        try {
          await run(args, (message) => violations.push({ policy: policy.name, enforcementLevel: policy.enforcementLevel ?? "advisory", resource: resource.name, message }));
        } catch (err) {
          if (!(err instanceof NotApplicable)) throw err;
        }
      }
    }
  }
  return violations;
}

class NotApplicable extends Error {}
