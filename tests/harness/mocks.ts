/**
 * The one way tests run Pulumi programs under mocks.
 *
 * `runUnderMocks(program)` installs Pulumi's mock monitor, runs the program, waits
 * until every resource registration has finished and returns the resource graph:
 * each registered resource with its type token, name, inputs, parent and the
 * resource options the engine would see (protect, retainOnDelete, dependsOn,
 * ignoreChanges, aliases, provider). Tests assert on that graph.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { UNKNOWN, type ResourceToCheck } from "../../policies/index";

function withUnknowns(value: unknown): unknown {
  if (pulumi.isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(withUnknowns);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknowns(v)]));
  }
  return value;
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  /** Inputs as the provider would receive them (outputs resolved, secrets unwrapped). */
  readonly inputs: Record<string, unknown>;
  /** URN of the parent; undefined for resources created at the top of the program. */
  readonly parent?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependsOn: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly aliasCount: number;
  readonly provider?: string;
}

export interface MockOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Stack configuration, keys without the project prefix (`goVersion`) or with it (`aws:region`). */
  readonly config?: Readonly<Record<string, string>>;
  /** Config keys to treat as secret. */
  readonly secretConfig?: readonly string[];
  /** Extra outputs a mocked resource returns, by type token. */
  readonly outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
  /** Run as a preview (`pulumi.runtime.isDryRun()` true). Default: false, like `up`. */
  readonly preview?: boolean;
  /** Results of provider function calls (`aws:iam/getPolicyDocument:getPolicyDocument` …), by token. */
  readonly calls?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown> | undefined;
}

export interface MockRun<T> {
  readonly result: T;
  readonly resources: ResourceGraph;
}

export class ResourceGraph {
  constructor(readonly all: readonly RecordedResource[]) {}

  ofType(type: string): RecordedResource[] {
    return this.all.filter((r) => r.type === type);
  }

  /** The single resource of `type` (and `name`, when given); throws listing what exists otherwise. */
  one(type: string, name?: string): RecordedResource {
    const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
      const present = this.all.map((r) => `${r.type} ${r.name}`).join("\n  ");
      throw new Error(`expected one ${type}${name === undefined ? "" : ` named ${name}`}, found ${found.length}; registered:\n  ${present}`);
    }
    return found[0] as RecordedResource;
  }

  childrenOf(parent: RecordedResource): RecordedResource[] {
    return this.all.filter((r) => r.parent === parent.urn);
  }

  /**
   * The resources as the policy pack sees them in a preview: values not known yet
   * become the engine's unknown sentinel, which policies must not judge.
   */
  forPolicies(): ResourceToCheck[] {
    return this.all.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: withUnknowns(r.inputs) as Record<string, unknown> }));
  }

  types(): string[] {
    return [...new Set(this.all.map((r) => r.type))].sort();
  }
}

class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];

  override async registerResource(req: RegisterResourceRequest, callback: (err: unknown, response: unknown) => void): Promise<void> {
    await super.registerResource(req, (err, response) => {
      if (err === null || err === undefined) {
        this.recorded.push(record(req, urnOf(response)));
      }
      callback(err, response);
    });
  }
}

function urnOf(response: unknown): string {
  const getUrn = (response as { getUrn?: () => string } | undefined)?.getUrn;
  return typeof getUrn === "function" ? getUrn.call(response) : "";
}

function record(req: RegisterResourceRequest, urn: string): RecordedResource {
  const object = req.getObject();
  const inputs = (object === undefined ? {} : pulumi.runtime.deserializeProperties(object)) as Record<string, unknown>;
  const parent = req.getParent();
  const provider = req.getProvider();
  return {
    type: req.getType(),
    name: req.getName(),
    urn,
    custom: req.getCustom(),
    inputs,
    ...(parent === "" ? {} : { parent }),
    protect: req.getProtect() === true,
    retainOnDelete: req.getRetainondelete() === true,
    dependsOn: req.getDependenciesList(),
    ignoreChanges: req.getIgnorechangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliasCount: req.getAliasesList().length + req.getAliasurnsList().length,
    ...(provider === "" ? {} : { provider }),
  };
}

const mockState = (args: pulumi.runtime.MockResourceArgs, options: MockOptions): Record<string, unknown> => ({
  ...(args.inputs as Record<string, unknown>),
  ...options.outputs?.(args),
});

/**
 * Runs `program` under mocks and returns its result and resource graph. Runs are
 * sequential (Pulumi's runtime state is global), so tests must await each one.
 */
export async function runUnderMocks<T>(program: () => T | Promise<T>, options: MockOptions = {}): Promise<MockRun<T>> {
  const outcome = await run(program, options);
  if ("error" in outcome) throw outcome.error;
  return outcome;
}

/**
 * Runs a program that is expected to fail; returns the error and what had been
 * registered by then, so a test can prove bad input created nothing.
 */
export async function failureUnderMocks(program: () => unknown, options: MockOptions = {}): Promise<{ error: Error; resources: ResourceGraph }> {
  const outcome = await run(program, options);
  if (!("error" in outcome)) throw new Error("expected the program to fail, but it succeeded");
  return outcome;
}

async function run<T>(program: () => T | Promise<T>, options: MockOptions): Promise<MockRun<T> | { error: Error; resources: ResourceGraph }> {
  const project = options.project ?? "goplatform";
  const stack = options.stack ?? "test";
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: mockState(args, options) }),
    call: (args) => options.calls?.(args) ?? (args.inputs as Record<string, unknown>),
  };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[key.includes(":") ? key : `${project}:${key}`] = value;
  }
  const secretKeys = (options.secretConfig ?? []).map((k) => (k.includes(":") ? k : `${project}:${k}`));
  pulumi.runtime.setAllConfig(config, secretKeys);

  const preview = options.preview ?? false;
  await pulumi.runtime.setMocks(mocks, project, stack, preview);
  const monitor = new RecordingMonitor(mocks);
  pulumi.runtime.setMockOptions(monitor, project, stack, preview);

  try {
    const result = await program();
    await pulumi.runtime.disconnect();
    return { result, resources: new ResourceGraph(monitor.recorded) };
  } catch (err) {
    await pulumi.runtime.disconnect();
    return { error: err instanceof Error ? err : new Error(String(err)), resources: new ResourceGraph(monitor.recorded) };
  }
}

/** The value of an output; rejects if it is unknown (which does not happen when not previewing). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    pulumi.output(output).apply((value) => {
      resolve(value as T);
      return value;
    });
  });
}

/**
 * Runs `program` under mocks and returns the messages of the promise rejections nobody
 * handled. An error thrown in an `apply` that feeds a resource input surfaces that way:
 * the real Node language host fails `pulumi up` on it, the mock monitor only drops the
 * resource. Mocha's own listener is set aside for the run and put back afterwards.
 */
export async function unhandledUnderMocks(program: () => unknown, mocks: MockOptions = {}): Promise<{ messages: string[]; resources: ResourceGraph }> {
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const messages: string[] = [];
  process.on("unhandledRejection", (reason) => messages.push(reason instanceof Error ? reason.message : String(reason)));
  try {
    const { resources } = await runUnderMocks(program, mocks);
    await new Promise((resolve) => setImmediate(resolve));
    return { messages, resources };
  } finally {
    process.removeAllListeners("unhandledRejection");
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
}
