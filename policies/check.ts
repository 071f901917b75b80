/**
 * checkResources: runs the pack's policies — resource and stack policies, the very
 * same objects the engine runs through PolicyPack — over plain resource
 * descriptions, outside the Pulumi engine. For program tests, benchmarks and other
 * tools.
 */
import type { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { goplatformPolicies, type GoplatformPolicy } from "./catalog";

export interface ResourceToCheck {
  /** Type token as the Pulumi SDKs send it, e.g. `kubernetes:apps/v1:Deployment`. */
  type: string;
  name: string;
  /** Default: `urn:pulumi:check::goplatform::<type>::<name>`. */
  urn?: string;
  props: Record<string, unknown>;
}

export interface PolicyViolation {
  policyName: string;
  /** The resource, for resource policies (and stack policies that name one). */
  urn?: string;
  message: string;
  enforcementLevel: EnforcementLevel;
}

/**
 * The pack's config file, as `pulumi preview --policy-pack-config` reads it: policy
 * name → its config object (with an optional `enforcementLevel`) or just an
 * enforcement level; `all` sets the level of every policy.
 */
export type PolicyConfig = Readonly<Record<string, Readonly<Record<string, unknown>> | EnforcementLevel>>;

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A policy's effective enforcement level and config under `config`. */
function settingsOf(policy: GoplatformPolicy, config: PolicyConfig): { level: EnforcementLevel; settings: Readonly<Record<string, unknown>> } {
  const own = config[policy.name];
  const all = config.all;
  const settings = typeof own === "object" ? own : {};
  const candidates = [typeof own === "string" ? own : settings.enforcementLevel, typeof all === "string" ? all : undefined, policy.enforcementLevel, "advisory"];
  const level = candidates.find((c): c is EnforcementLevel => typeof c === "string" && LEVELS.includes(c)) ?? "advisory";
  return { level, settings };
}

/** The SDK resource class's type token, as @pulumi/policy's `isType` compares it. */
function matches(type: string, resourceClass: unknown): boolean {
  const token = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof token === "string" && token === type;
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function isStackPolicy(policy: GoplatformPolicy): policy is StackValidationPolicy {
  return "validateStack" in policy;
}

/** Runs `policies` (default: the whole goplatform pack) over `resources`. */
export async function checkResources(
  resources: readonly ResourceToCheck[],
  config: PolicyConfig = {},
  policies: readonly GoplatformPolicy[] = goplatformPolicies,
): Promise<PolicyViolation[]> {
  const described = resources.map((r) => ({ ...r, urn: r.urn ?? `urn:pulumi:check::goplatform::${r.type}::${r.name}` }));
  const opts = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };
  const violations: PolicyViolation[] = [];
  for (const policy of policies) {
    const { level: enforcementLevel, settings } = settingsOf(policy, config);
    if (enforcementLevel === "disabled") continue;
    const getConfig = (() => settings) as StackValidationArgs["getConfig"];
    const reporter = (defaultUrn?: string): ReportViolation => (message, urn) => {
      violations.push({ policyName: policy.name, ...((urn ?? defaultUrn) === undefined ? {} : { urn: urn ?? defaultUrn }), message, enforcementLevel });
    };
    const run = async (validate: () => void | Promise<void>) => {
      try {
        await validate();
      } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
      }
    };
    const stackTags = new Map<string, string>();
    if (isStackPolicy(policy)) {
      const policyResources: PolicyResource[] = described.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        opts,
        dependencies: [],
        propertyDependencies: {},
        isType: (cls: unknown) => matches(r.type, cls),
        asType: (cls: unknown) => (matches(r.type, cls) ? r.props : undefined),
      }) as PolicyResource);
      const args: StackValidationArgs = { resources: policyResources, stackTags, getConfig, notApplicable };
      await run(() => policy.validateStack(args, reporter()));
      continue;
    }
    const validate = policy.validateResource;
    for (const validator of validate === undefined ? [] : Array.isArray(validate) ? validate : [validate]) {
      for (const r of described) {
        const args = {
          type: r.type,
          name: r.name,
          urn: r.urn,
          props: r.props,
          opts,
          stackTags,
          isType: (cls: unknown) => matches(r.type, cls),
          asType: (cls: unknown) => (matches(r.type, cls) ? r.props : undefined),
          getConfig,
          notApplicable,
        } as unknown as ResourceValidationArgs;
        await run(() => validator(args, reporter(r.urn)));
      }
    }
  }
  return violations;
}
