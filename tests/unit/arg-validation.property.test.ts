/**
 * Issue 18: bad input never slips through. A property test over every component the
 * component package declares (provider/schema.json `resources`):
 *  - valid args construct: a minimal valid fixture, with optional arguments varied
 *    over small valid sets, constructs under mocks;
 *  - wrong values are refused before anything exists: for every input (top-level, the
 *    fields of the object types they reference one level deep, and list items), values
 *    of the wrong class for its declared type, empty values, a short table of known-bad
 *    values and unknown argument names are refused with an ArgumentError naming the
 *    argument (`<Component>: invalid <path>`), nothing but the component registered;
 *  - wrapped in an Output: the same wrong values arriving as `pulumi.output(value)` (and
 *    one as `pulumi.secret(value)`) are refused once known, before any child registers,
 *    as an unhandled rejection of a child's registration naming the argument.
 *
 * Runs are bounded (small `numRuns`, fixed `SEED`); a failure prints its counterexample.
 * Cases that fail on today's code are listed in KNOWN_GAPS with the reason: the test
 * fails both when an unlisted case fails and when a listed one passes (then remove it).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { schema, type PropertySpec, type TypeSpec } from "../../components/arg-schema";
import {
  AksCluster,
  ArgoCd,
  ArgumentError,
  EksCluster,
  ExistingCluster,
  GkeCluster,
  GoApp,
  GoAppSet,
  GoCloudRunService,
  GoLambdaFunction,
  GoPipeline,
  GoRuntimeAlerts,
  Observability,
  SignatureAdmission,
  Tekton,
} from "../../components";
import { awsMocks, azureMocks, cloudRunMocks, gcpMocks, lambdaMocks } from "../harness/cloud-mocks";
import { fakeCluster } from "../harness/fake-clusters";
import { failureUnderMocks, runUnderMocks, unhandledUnderMocks, type MockOptions } from "../harness/mocks";
import { REPO_ROOT } from "../harness/pulumi-cli";
import { AS_OF, cloudIdentityOutputs, COMMIT, ECR_ARN, GO_DIGESTS, GPG_KEY, GPG_PUBLIC_KEY, IMAGE_REPO, PRIVATE_KEY, PUBLIC_KEY, REPO, WEBHOOK_SECRET } from "./delivery/fixtures";

/** One seed for every property, so a failure reproduces. */
const SEED = 18;
/** Random wrong values tried per (argument, class), after the class's canonical example. */
const WRONG_RUNS = 2;
/** Valid variations constructed per component (the runtimes build Go code: fewer). */
const VALID_RUNS = 4;
const VALID_RUNS_BUILDING = 2;
/** (argument, class) pairs tried wrapped in an Output, per component. */
const OUTPUT_RUNS = 6;
const OUTPUT_RUNS_BUILDING = 1;

// ---------------------------------------------------------------------------------------
// The schema: what every component declares.


const SCHEMA = schema();
const TOKEN_PREFIX = "goplatform:index:";
const SCHEMA_COMPONENTS = Object.keys(SCHEMA.resources).map((token) => token.slice(TOKEN_PREFIX.length)).sort();

/** The object or enum type a `$ref` names; undefined for pulumi.json#/Any, assets and archives. */
function refType(spec: PropertySpec): TypeSpec | undefined {
  if (spec.$ref === undefined || !spec.$ref.startsWith("#/types/")) return undefined;
  return SCHEMA.types[spec.$ref.slice("#/types/".length)];
}

// ---------------------------------------------------------------------------------------
// Fixtures: a minimal valid args object per component (as the unit tests build them).

type Args = Record<string, unknown>;

interface Fixture {
  construct: (name: string, args: Args) => unknown;
  /** The minimal valid args; a fresh object each call. */
  minimal: () => Args;
  /** Optional arguments varied over small valid sets; merged into `minimal`. */
  variations: fc.Arbitrary<Args>;
  /**
   * Valid values of optional object (or list-of-object) arguments that `minimal` leaves
   * out and whose type has required fields: the parent a mutated field is put in.
   */
  parents?: Args;
  mocks?: MockOptions;
  /** Constructing builds Go code (seconds): fewer valid runs, fewer Output runs. */
  builds?: boolean;
}

const CIDR = "203.0.113.0/24";
const cosignKey = readFileSync(path.join(REPO_ROOT, "tests", "fixtures", "cosign", "cosign.key"), "utf8");
const lambdaSource = path.join(REPO_ROOT, "examples", "lambda-hello");
const cloudRunSource = path.join(REPO_ROOT, "examples", "http-service");
const DEPLOY_REPO = "https://github.com/acme/deploy.git";
const argoCdData = (): Args => ({ cluster: fakeCluster("aws"), namespace: "argocd", projectName: "payments" });
const bucket = (): Args => ({ cloud: "existing", bucketName: "thanos", thanosObjectStore: JSON.stringify({ type: "S3", config: { bucket: "thanos", endpoint: "minio:9000" } }) });

/** `{ name: arbitrary }` where each argument is left out or given one of its valid values. */
function optional(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Args> {
  return fc.record(fields, { requiredKeys: [] });
}
const bool = fc.boolean();

const FIXTURES: Record<string, Fixture> = {
  EksCluster: {
    construct: (name, args) => new EksCluster(name, args),
    minimal: () => ({}),
    variations: optional({ protect: bool, clusterName: fc.constantFrom("prod", "payments-eu"), logRetentionDays: fc.constantFrom(30, 90), nodeGroups: fc.constant([{ name: "general", minSize: 1, maxSize: 3 }]) }),
    parents: {
      existingNetwork: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
      nodeGroups: [{ name: "general", minSize: 1, maxSize: 3 }],
      publicEndpoint: { allowedCidrs: [CIDR] },
    },
    mocks: awsMocks,
  },
  GkeCluster: {
    construct: (name, args) => new GkeCluster(name, args),
    minimal: () => ({ project: "acme-prod", region: "europe-west1" }),
    variations: optional({ protect: bool, autopilot: bool, dnsEndpoint: bool, holdMinorVersion: bool, clusterName: fc.constantFrom("prod", "payments-eu") }),
    parents: {
      existingNetwork: { network: "shared", subnetwork: "gke", podRangeName: "pods", serviceRangeName: "services" },
      maintenanceWindow: { days: ["SA", "SU"], startHour: 2, hours: 6 },
      nodePools: [{ name: "general", minSize: 1, maxSize: 3 }],
      publicEndpoint: { allowedCidrs: [CIDR] },
      secretsEncryption: { mode: "create" },
    },
    mocks: gcpMocks,
  },
  AksCluster: {
    construct: (name, args) => new AksCluster(name, args as never),
    minimal: () => ({ location: "westeurope" }),
    variations: optional({ protect: bool, defender: bool, grantDeployerClusterAdmin: bool, clusterName: fc.constantFrom("prod", "payments-eu") }),
    parents: {
      publicEndpoint: { allowedCidrs: [CIDR] },
      systemPool: { name: "system", minSize: 1, maxSize: 3 },
      userPools: [{ name: "user", minSize: 1, maxSize: 3 }],
    },
    mocks: azureMocks,
  },
  ExistingCluster: {
    construct: (name, args) => new ExistingCluster(name, args as never),
    minimal: () => ({ clusterName: "shared", kubernetesVersion: "1.34", kubeconfig: "apiVersion: v1\nkind: Config\n" }),
    variations: optional({ oidcIssuerUrl: fc.constant("https://oidc.example/shared"), kubernetesVersion: fc.constantFrom("1.33", "1.34") }),
  },
  Tekton: {
    construct: (name, args) => new Tekton(name, args as never),
    minimal: () => ({ cluster: fakeCluster("aws"), signingKey: { privateKey: PRIVATE_KEY, password: "correct horse", publicKey: PUBLIC_KEY } }),
    variations: optional({ install: bool, registryPush: fc.constantFrom([], [ECR_ARN]) }),
    parents: { transparencyLog: { url: "https://rekor.sigstore.dev" } },
    mocks: { outputs: cloudIdentityOutputs },
  },
  GoPipeline: {
    construct: (name, args) => new GoPipeline(name, args as never),
    minimal: () => ({ cluster: fakeCluster("aws"), repoUrl: REPO, imageRepository: IMAGE_REPO, registryPush: ECR_ARN, goImageDigests: GO_DIGESTS, goModule: "github.com/acme/payments", asOf: AS_OF }),
    variations: optional({ createNamespace: bool, namespace: fc.constantFrom("payments", "ci"), testGoVersions: fc.constantFrom(["1.27.4"], ["1.27.4", "1.26.11"]) }),
    parents: { trigger: { provider: "github", secret: WEBHOOK_SECRET } },
    mocks: { outputs: cloudIdentityOutputs },
  },
  ArgoCd: {
    construct: (name, args) => new ArgoCd(name, args as never),
    minimal: () => ({ cluster: fakeCluster("aws"), project: { sourceRepos: [DEPLOY_REPO], destinations: [{ namespace: "payments" }], gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY } } }),
    // createGpgKeysConfigMap only without the chart (which writes the ConfigMap itself).
    variations: fc.tuple(optional({ ha: bool, namespace: fc.constantFrom("argocd", "gitops") }), fc.oneof(fc.constantFrom({}, { install: true }), fc.record({ install: fc.constant(false), createGpgKeysConfigMap: bool }, { requiredKeys: ["install"] }))).map(([a, b]) => ({ ...a, ...b })),
    mocks: { outputs: cloudIdentityOutputs },
  },
  GoApp: {
    construct: (name, args) => new GoApp(name, args as never),
    minimal: () => ({ argoCd: argoCdData(), repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace: "payments" }),
    variations: optional({ cascadeDelete: bool, revisionHistoryLimit: fc.constantFrom(3, 10), retry: fc.constantFrom({}, { limit: 3 }) }),
    mocks: { outputs: cloudIdentityOutputs },
  },
  GoAppSet: {
    construct: (name, args) => new GoAppSet(name, args as never),
    minimal: () => ({ argoCd: argoCdData(), repoUrl: DEPLOY_REPO, services: [{ name: "payments", path: "apps/payments", targetRevision: COMMIT, namespace: "payments" }] }),
    variations: optional({ cascadeDelete: bool, revisionHistoryLimit: fc.constantFrom(3, 10) }),
    mocks: { outputs: cloudIdentityOutputs },
  },
  SignatureAdmission: {
    construct: (name, args) => new SignatureAdmission(name, args as never),
    minimal: () => ({ cluster: fakeCluster("aws"), publicKey: PUBLIC_KEY, images: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/**"], namespaces: ["payments"] }),
    variations: optional({ install: bool, createNamespaces: bool, mode: fc.constantFrom("enforce", "warn"), replicas: fc.constantFrom(2, 3) }),
    parents: { transparencyLog: { url: "https://rekor.sigstore.dev" } },
    mocks: { outputs: cloudIdentityOutputs },
  },
  Observability: {
    construct: (name, args) => new Observability(name, args as never),
    minimal: () => ({ cluster: fakeCluster("existing"), bucket: bucket() }),
    variations: optional({ install: bool, downsampling: bool, prometheusReplicas: fc.constantFrom(1, 2), storeVolumeSize: fc.constantFrom("20Gi", "1Ti") }),
    mocks: { outputs: cloudIdentityOutputs },
  },
  GoRuntimeAlerts: {
    construct: (name, args) => new GoRuntimeAlerts(name, args),
    minimal: () => ({}),
    variations: optional({ maxGoroutines: fc.constantFrom(1000, 50_000), for: fc.constantFrom("5m", "15m"), ruleLabels: fc.constant({ release: "kube-prometheus-stack" }) }),
    parents: { cluster: fakeCluster("aws") },
  },
  GoLambdaFunction: {
    construct: (name, args) => new GoLambdaFunction(name, args as never),
    minimal: () => ({ source: lambdaSource, asOf: AS_OF }),
    // Not the arch, Go version or build tags: each would be another Go build.
    variations: optional({ codeSigning: bool, memorySize: fc.constantFrom(128, 512), timeout: fc.constantFrom(1, 900), functionUrl: fc.constantFrom({}, { authorization: "NONE" }, { enabled: false }) }),
    parents: { policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-data/*"] }] },
    mocks: lambdaMocks,
    builds: true,
  },
  GoCloudRunService: {
    construct: (name, args) => new GoCloudRunService(name, args as never),
    minimal: () => ({ source: cloudRunSource, location: "europe-west1", asOf: AS_OF, signing: { mode: "cosign", privateKey: cosignKey, password: "test-only" } }),
    variations: optional({ protect: bool, minInstances: fc.constantFrom(0, 1), maxInstances: fc.constantFrom(3, 10), ingress: fc.constantFrom("internal", "all") }),
    mocks: cloudRunMocks,
    builds: true,
  },
};

// ---------------------------------------------------------------------------------------
// Wrong values, by argument class.

/** A class of wrong values: a canonical example tried first, then random ones (when the class has more than the one). */
interface WrongClass {
  readonly kind: string;
  readonly example: unknown;
  readonly random?: fc.Arbitrary<unknown>;
}
const wrong = (kind: string, example: unknown, random?: fc.Arbitrary<unknown>): WrongClass => ({ kind, example, ...(random === undefined ? {} : { random }) });

const smallString = fc.string({ minLength: 1, maxLength: 6 });
const STRING_WRONG = [
  wrong("a number for a string", 3, fc.integer()),
  wrong("a boolean for a string", true, bool),
  wrong("an object for a string", {}, fc.dictionary(smallString, smallString, { maxKeys: 2 })),
  wrong("a list for a string", ["a"], fc.array(smallString, { minLength: 1, maxLength: 2 })),
  wrong("an empty string", ""),
];
const BOOLEAN_WRONG = [wrong("a string for a boolean", "true", fc.constantFrom("true", "false")), wrong("a number for a boolean", 1, fc.constantFrom(1, 0))];
const NUMBER_WRONG = [wrong("a string for a number", "3", fc.constantFrom("3", "0", "1.5")), wrong("a boolean for a number", true, bool), wrong("a non-finite number", Number.NaN, fc.constantFrom(Number.NaN, Infinity, -Infinity))];
const LIST_WRONG = [wrong("a string for a list", "a,b", smallString), wrong("an object for a list", { 0: "a" }, fc.dictionary(smallString, smallString, { maxKeys: 2 })), wrong("a number for a list", 3, fc.integer())];
const OBJECT_WRONG = [wrong("a string for an object", "k=v", smallString), wrong("a list for an object", ["k"], fc.array(smallString, { maxLength: 2 })), wrong("a number for an object", 1, fc.integer())];
const ENUM_WRONG = [wrong("a value not in the enum", "not-a-member", fc.constantFrom("not-a-member", "NONE-OF-THESE")), wrong("a number for an enum", 1, fc.integer())];
const EMPTY_LIST = wrong("an empty list where one is needed", []);
const UNKNOWN_NAME = wrong("an unknown argument name", "zzUnknown", fc.stringMatching(/^zz[a-z]{1,8}$/));
/** Arguments of goplatform 0.1, gone in 0.2: refused as unknown everywhere. */
const NAMES_01 = ["installStack", "namespaceMode", "gpgKeysMode", "secretsEncryptionKey"];

/**
 * Lists that must not be empty, by component and argument path (where [] is valid, it is
 * not asserted on).
 */
const NON_EMPTY: Record<string, readonly string[]> = {
  ArgoCd: ["project.sourceRepos", "project.destinations"],
  EksCluster: ["existingNetwork.privateSubnetIds"],
  GkeCluster: ["maintenanceWindow.days"],
  GoAppSet: ["services"],
  GoLambdaFunction: ["policyStatements[0].actions", "policyStatements[0].resources"],
  GoPipeline: ["platforms", "testGoVersions"],
  SignatureAdmission: ["images", "namespaces"],
};

/** Strings where "" is a valid value (not a wrong one), with the reason. */
const EMPTY_STRING_VALID: Record<string, readonly string[]> = {
  // An ExistingCluster without an OIDC issuer outputs "": fakeCluster("existing") has it.
  // No extra chart values; no GOPRIVATE; no GOFLAGS (-mod=readonly is go's default);
  // chartRepository "" is how a local chart path is given.
  ArgoCd: ["cluster.oidcIssuerUrl", "valuesYaml", "chartRepository"],
  ExistingCluster: ["oidcIssuerUrl"],
  GoPipeline: ["cluster.oidcIssuerUrl", "goFlags", "goPrivate"],
  GoRuntimeAlerts: ["cluster.oidcIssuerUrl"],
  Observability: ["cluster.oidcIssuerUrl"],
  SignatureAdmission: ["cluster.oidcIssuerUrl", "chartRepository"],
  Tekton: ["cluster.oidcIssuerUrl"],
};

/** Known-bad values by component and argument path: out of range or malformed. Kept short. */
const BAD_VALUES: Record<string, readonly [string, unknown, string][]> = {
  EksCluster: [["vpcCidr", "10.0.0.0/33", "a prefix length over 32"], ["logRetentionDays", -1, "a negative count"], ["nodeGroups[0].minSize", -1, "a negative count"], ["clusterName", "Prod_Cluster", "uppercase and '_' in a name"]],
  GkeCluster: [["podCidr", "10.0.0.0", "a CIDR without a prefix length"], ["nodePools[0].maxSize", -1, "a negative count"], ["maintenanceWindow.startHour", 24, "an hour past 23"]],
  AksCluster: [["serviceCidr", "300.0.0.0/16", "an octet over 255"], ["systemPool.minSize", -1, "a negative count"], ["deployerAccessTimeoutSeconds", -5, "a negative timeout"]],
  ExistingCluster: [["clusterName", "Shared Cluster", "a space and uppercase in a name"], ["kubernetesVersion", "v1.34", "a leading v"], ["oidcIssuerUrl", "http://oidc.example", "not https"]],
  Tekton: [["registryPush[0]", "*", "a wildcard repository"], ["transparencyLog.url", "http://rekor.example", "not https"]],
  GoPipeline: [["namespace", "Payments", "uppercase in a DNS label"], ["workspaceSize", "-1Gi", "a negative size"], ["trigger.secret", "short", "a webhook secret under 32 characters"]],
  ArgoCd: [["namespace", "ArgoCD", "uppercase in a DNS label"], ["chartVersion", "^7.0.0", "a version range"], ["project.destinations[0].namespace", "Payments", "uppercase in a DNS label"]],
  GoApp: [["namespace", "Payments", "uppercase in a DNS label"], ["revisionHistoryLimit", -1, "a negative count"], ["repoUrl", "ftp://example.com/repo.git", "not a git URL"]],
  GoAppSet: [["services[0].name", "Web_App", "uppercase and '_' in a name"], ["revisionHistoryLimit", -1, "a negative count"]],
  SignatureAdmission: [["namespaces[0]", "Payments", "uppercase in a DNS label"], ["replicas", -1, "a negative count"], ["publicKey", "not a PEM key", "not a PEM public key"]],
  Observability: [["prometheusReplicas", -1, "a negative count"], ["storeVolumeSize", "20GB", "not a Kubernetes quantity in Mi/Gi/Ti"], ["scrapeInterval", "5 minutes", "not a Prometheus duration"]],
  GoRuntimeAlerts: [["maxGoroutines", -1, "a negative count"], ["for", "5 minutes", "not a Prometheus duration"], ["ruleLabels", { "bad key!": "x" }, "a label key Kubernetes refuses"]],
  GoLambdaFunction: [["memorySize", 64, "under Lambda's 128 MB"], ["timeout", 0, "a zero timeout"], ["policyStatements[0].actions", ["s3:*"], "a wildcard action"]],
  GoCloudRunService: [["port", 70_000, "a port over 65535"], ["maxInstances", -1, "a negative count"], ["location", "Europe West1", "not a region"]],
};

/**
 * Cases that fail on today's code, `<Component> <path>: <class>`, with the reason. The
 * lead's layer (and the other helpers' fixes) empty this list; a listed case that passes
 * fails the test, so it gets removed.
 */
const KNOWN_GAPS: Record<string, string> = {
};

// ---------------------------------------------------------------------------------------
// Targets: the arguments a wrong value is put at.

type Segment = string | number;

interface Target {
  /** Where the value goes in the args. */
  readonly at: readonly Segment[];
  /** The wrong values tried there. */
  readonly classes: readonly WrongClass[];
  /** Argument paths an error may name: the mutated one, or (for a list item) its list. */
  readonly accepted: readonly string[];
  /** For unknown names: the object the name is added to, and the name is the value. */
  readonly unknownNameIn?: readonly Segment[];
}

function showPath(at: readonly Segment[]): string {
  return at.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

function classesFor(spec: PropertySpec): WrongClass[] {
  const type = refType(spec);
  if (type !== undefined) return type.enum !== undefined ? ENUM_WRONG : OBJECT_WRONG;
  if (spec.$ref !== undefined) return []; // pulumi.json#/Any, assets, archives
  switch (spec.type) {
    case "string":
      return STRING_WRONG;
    case "boolean":
      return BOOLEAN_WRONG;
    case "number":
    case "integer":
      return NUMBER_WRONG;
    case "array":
      return LIST_WRONG;
    case "object":
      return OBJECT_WRONG;
    default:
      return [];
  }
}

function getAt(value: unknown, at: readonly Segment[]): unknown {
  let current = value;
  for (const s of at) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<Segment, unknown>)[s];
  }
  return current;
}

/** A copy of `args` with `value` at `at`; containers on the way come from `args`, then `parents`. */
function setAt(args: Args, at: readonly Segment[], value: unknown, parents: Args): Args {
  const put = (container: unknown, i: number): unknown => {
    const s = at[i] as Segment;
    if (i === at.length - 1) {
      if (Array.isArray(container)) return Object.assign([...(container as unknown[])], { [s]: value });
      return { ...(container as Args), [s]: value };
    }
    const existing = (container as Record<Segment, unknown>)[s] ?? (i === 0 ? parents[s as string] : undefined) ?? (typeof at[i + 1] === "number" ? [] : {});
    const next = put(existing, i + 1);
    if (Array.isArray(container)) return Object.assign([...(container as unknown[])], { [s]: next });
    return { ...(container as Args), [s]: next };
  };
  return put(args, 0) as Args;
}

/** Whether a valid parent object exists at `at` (in the minimal args or the fixture's parents), or can be `{}`. */
function parentAvailable(component: string, at: readonly Segment[], type: TypeSpec): boolean {
  const fixture = FIXTURES[component] as Fixture;
  return getAt(fixture.minimal(), at) !== undefined || getAt(fixture.parents ?? {}, at) !== undefined || (type.required ?? []).length === 0;
}

/** `a.b[0].c` as segments. */
function parsePath(p: string): Segment[] {
  return p.split(/\.|(?=\[)/).map((s) => (s.startsWith("[") ? Number(s.slice(1, -1)) : s));
}

/** Whether the schema declares an argument at `at` in `component`'s args, at any depth. */
function declared(component: string, at: readonly Segment[]): boolean {
  let properties = SCHEMA.resources[`${TOKEN_PREFIX}${component}`]?.inputProperties ?? {};
  let spec: PropertySpec | undefined;
  for (const s of at) {
    if (typeof s === "number") {
      spec = spec?.items;
    } else {
      spec = properties[s];
    }
    if (spec === undefined) return false;
    properties = (refType(spec.items ?? spec) ?? {}).properties ?? {};
  }
  return true;
}

function targetsFor(component: string): Target[] {
  const resource = SCHEMA.resources[`${TOKEN_PREFIX}${component}`];
  assert.ok(resource, component);
  const nonEmpty = NON_EMPTY[component] ?? [];
  const emptyValid = EMPTY_STRING_VALID[component] ?? [];
  const targets: Target[] = [];
  const add = (at: Segment[], spec: PropertySpec, accepted: string[]): void => {
    const p = showPath(at);
    const classes = classesFor(spec).filter((c) => c.kind !== "an empty string" || !emptyValid.includes(p));
    if (spec.type === "array" && nonEmpty.includes(p)) classes.push(EMPTY_LIST);
    if (classes.length > 0) targets.push({ at, classes, accepted: [p, ...accepted] });
  };
  const addObjectFields = (at: Segment[], type: TypeSpec): void => {
    if (!parentAvailable(component, at, type)) return;
    const p = showPath(at);
    for (const [field, fieldSpec] of Object.entries(type.properties ?? {})) {
      add([...at, field], fieldSpec, []);
      if (fieldSpec.type === "array" && fieldSpec.items !== undefined && refType(fieldSpec.items) === undefined) add([...at, field, 0], fieldSpec.items, [showPath([...at, field])]);
    }
    targets.push({ at: [...at, "zzUnknown"], classes: [UNKNOWN_NAME], accepted: [p], unknownNameIn: at });
  };
  for (const [name, spec] of Object.entries(resource.inputProperties ?? {})) {
    add([name], spec, []);
    const type = refType(spec);
    if (type?.properties !== undefined) addObjectFields([name], type);
    if (spec.type === "array" && spec.items !== undefined) {
      const itemType = refType(spec.items);
      if (itemType?.properties !== undefined) addObjectFields([name, 0], itemType);
      else add([name, 0], spec.items, [name]);
    }
  }
  targets.push({ at: ["zzUnknown"], classes: [UNKNOWN_NAME, ...NAMES_01.map((n) => wrong(`the 0.1 argument ${n}`, n))], accepted: [], unknownNameIn: [] });
  for (const [p, value, why] of BAD_VALUES[component] ?? []) {
    const at = parsePath(p);
    targets.push({ at, classes: [wrong(`a known-bad value (${why})`, value)], accepted: [p, ...(typeof at.at(-1) === "number" ? [showPath(at.slice(0, -1))] : [])] });
  }
  return targets;
}

/** The args with the wrong value put in (or the unknown name added), optionally wrapped. */
function mutate(component: string, target: Target, value: unknown, wrap: (v: unknown) => unknown = (v) => v): { args: Args; accepted: readonly string[] } {
  const fixture = FIXTURES[component] as Fixture;
  if (target.unknownNameIn !== undefined) {
    const name = value as string;
    const at = [...target.unknownNameIn, name];
    const p = showPath(at);
    return { args: setAt(fixture.minimal(), at, wrap("x"), fixture.parents ?? {}), accepted: [p] };
  }
  return { args: setAt(fixture.minimal(), target.at, wrap(value), fixture.parents ?? {}), accepted: target.accepted };
}

function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value === undefined ? "undefined" : JSON.stringify(value);
}

/** Whether `message` names one of `accepted` (or a path under it) as the wrong argument. */
function namesArgument(component: string, message: string, accepted: readonly string[]): boolean {
  return accepted.some((p) => {
    const head = `${component}: invalid ${p}`;
    return message.startsWith(head) && [" ", ".", "["].includes(message.charAt(head.length));
  });
}

/** Why a plain wrong value was not refused properly; undefined when it was. */
async function plainOutcome(component: string, target: Target, value: unknown): Promise<string | undefined> {
  const fixture = FIXTURES[component] as Fixture;
  const { args, accepted } = mutate(component, target, value);
  let outcome: { error: Error; types: string[] };
  try {
    const { error, resources } = await failureUnderMocks(() => fixture.construct("prod", args), fixture.mocks);
    outcome = { error, types: resources.all.map((r) => r.type) };
  } catch (err) {
    return `accepted (${(err as Error).message})`;
  }
  const { error, types } = outcome;
  if (!(error instanceof ArgumentError)) return `${error.name}, not an ArgumentError: ${error.message}`;
  if (!namesArgument(component, error.message, accepted)) return `the error does not name ${accepted.join(" or ")}: ${error.message}`;
  const others = types.filter((t) => t !== `${TOKEN_PREFIX}${component}`);
  if (others.length > 0) return `registered ${others.join(", ")} before refusing: ${error.message}`;
  return undefined;
}

/** Why a wrong value wrapped by `wrap` was not refused properly; undefined when it was. */
async function wrappedOutcome(component: string, target: Target, value: unknown, wrap: (v: unknown) => unknown, secret?: string): Promise<string | undefined> {
  const fixture = FIXTURES[component] as Fixture;
  const { args, accepted } = mutate(component, target, value, wrap);
  let run: { messages: string[]; types: string[] };
  try {
    const { messages, resources } = await unhandledUnderMocks(() => fixture.construct("prod", args), fixture.mocks);
    run = { messages, types: resources.all.map((r) => r.type) };
  } catch (err) {
    // Refused while constructing: also before anything exists, if it names the argument.
    const message = (err as Error).message;
    return err instanceof ArgumentError && namesArgument(component, message, accepted) && (secret === undefined || !message.includes(secret)) ? undefined : `threw ${message}`;
  }
  // The engine wraps a registration's error: `error serializing property "spec": <the ArgumentError>`.
  const messages = [...new Set(run.messages.map((m) => m.replace(/^(error serializing property "[^"]*": )+/, "")))];
  const naming = messages.filter((m) => namesArgument(component, m, accepted));
  if (naming.length === 0) return `no unhandled rejection names ${accepted.join(" or ")}${messages.length === 0 ? "" : `; got: ${messages.join(" | ")}`}`;
  if (secret !== undefined && naming.some((m) => m.includes(secret))) return `the message shows the secret value: ${naming.join(" | ")}`;
  const children = run.types.filter((t) => t !== `${TOKEN_PREFIX}${component}`);
  if (children.length > 0) return `registered ${[...new Set(children)].join(", ")} although the value was wrong`;
  return undefined;
}

const gapKey = (component: string, target: Target, kind: string): string => `${component} ${target.unknownNameIn === undefined ? showPath(target.at) : showPath(target.unknownNameIn) || "args"}: ${kind}`;

// ---------------------------------------------------------------------------------------

describe("argument validation, as properties over every component (issue 18)", function () {
  this.timeout(600_000);

  it("has a fixture for every component in provider/schema.json, and none for a component it does not declare", () => {
    assert.deepEqual(Object.keys(FIXTURES).sort(), SCHEMA_COMPONENTS);
  });

  it("lists only real arguments and cases in its tables", () => {
    const cases = new Set<string>();
    for (const component of SCHEMA_COMPONENTS) {
      const targets = targetsFor(component);
      const mutated = new Set(targets.filter((t) => t.unknownNameIn === undefined && !t.classes.some((c) => c.kind.startsWith("a known-bad value"))).map((t) => showPath(t.at)));
      for (const p of [...(NON_EMPTY[component] ?? []), ...(EMPTY_STRING_VALID[component] ?? [])]) assert.ok(mutated.has(p), `${component} ${p} is not an argument the test mutates`);
      for (const [p] of BAD_VALUES[component] ?? []) assert.ok(declared(component, parsePath(p)), `${component} ${p} is not an argument in provider/schema.json`);
      for (const t of targets) for (const c of t.classes) cases.add(gapKey(component, t, c.kind));
    }
    const stale = Object.keys(KNOWN_GAPS).filter((key) => !cases.has(key));
    assert.deepEqual(stale, [], "KNOWN_GAPS entries that name no case of this test");
  });

  describe("valid args construct", () => {
    for (const component of SCHEMA_COMPONENTS) {
      const fixture = FIXTURES[component];
      if (fixture === undefined) continue;
      it(`${component}: the minimal args, with optional arguments varied over valid values`, async () => {
        const details = await fc.check(
          fc.asyncProperty(fixture.variations, async (extra) => {
            await runUnderMocks(() => fixture.construct("prod", { ...fixture.minimal(), ...extra }), fixture.mocks);
          }),
          // First the minimal args alone, then with every parent the wrong values are put in (a
          // component that builds Go code: only the latter, which holds the former), then variations.
          { seed: SEED, numRuns: fixture.builds === true ? VALID_RUNS_BUILDING : VALID_RUNS, examples: fixture.builds === true ? [[fixture.parents ?? {}]] : [[{}], [fixture.parents ?? {}]] },
        );
        assert.ok(!details.failed, `${component} refused valid args ${show(details.counterexample?.[0])}: ${String(details.errorInstance)}`);
      });
    }
  });

  describe("wrong values are refused before anything exists", () => {
    for (const component of SCHEMA_COMPONENTS) {
      if (FIXTURES[component] === undefined) continue;
      describe(component, () => {
        const byArgument = new Map<string, Target[]>();
        for (const target of targetsFor(component)) {
          const p = target.unknownNameIn === undefined ? showPath(target.at) : `${showPath(target.unknownNameIn) || "args"} (unknown names)`;
          byArgument.set(p, [...(byArgument.get(p) ?? []), target]);
        }
        for (const [argument, targets] of byArgument) {
          it(argument, async () => {
            const unexpected: string[] = [];
            const fixedGaps: string[] = [];
            for (const target of targets) {
              for (const cls of target.classes) {
                const key = gapKey(component, target, cls.kind);
                const known = KNOWN_GAPS[key] !== undefined;
                let counterexample: string | undefined;
                const details = await fc.check(
                  fc.asyncProperty(cls.random ?? fc.constant(cls.example), async (value) => {
                    const why = await plainOutcome(component, target, value);
                    if (why !== undefined) counterexample = `${show(value)}: ${why}`;
                    return why === undefined;
                  }),
                  { seed: SEED, numRuns: cls.random === undefined ? 1 : 1 + WRONG_RUNS, examples: [[cls.example]], endOnFailure: true },
                );
                if (details.failed && !known) unexpected.push(`${key} — counterexample ${counterexample ?? show(details.counterexample?.[0])}`);
                if (!details.failed && known) fixedGaps.push(key);
              }
            }
            assert.deepEqual({ unexpected, fixedGaps }, { unexpected: [], fixedGaps: [] }, `\n${[...unexpected.map((u) => `not refused: ${u}`), ...fixedGaps.map((f) => `refused now, remove from KNOWN_GAPS: ${f}`)].join("\n")}`);
          });
        }
      });
    }
  });

  describe("wrapped in an Output", () => {
    for (const component of SCHEMA_COMPONENTS) {
      if (FIXTURES[component] === undefined) continue;
      it(`${component}: wrong values in pulumi.output(...) are refused once known, before any child registers`, async () => {
        // Not the unknown names: a name is never an Output (the schema layer refuses it at once).
        const cases = targetsFor(component).filter((t) => t.unknownNameIn === undefined).flatMap((target) => target.classes.map((cls) => ({ target, cls })));
        let counterexample = "";
        const details = await fc.check(
          fc.asyncProperty(
            fc.constantFrom(...cases).chain(({ target, cls }) => fc.tuple(fc.constant(target), fc.constant(cls), cls.random === undefined ? fc.constant(cls.example) : fc.oneof(fc.constant(cls.example), cls.random))),
            async ([target, cls, value]) => {
              const why = await wrappedOutcome(component, target, value, (v) => pulumi.output(v));
              if (why !== undefined) counterexample = `${gapKey(component, target, cls.kind)} = pulumi.output(${show(value)}): ${why}`;
              return why === undefined;
            },
          ),
          { seed: SEED, numRuns: FIXTURES[component]?.builds === true ? OUTPUT_RUNS_BUILDING : OUTPUT_RUNS, endOnFailure: true },
        );
        assert.ok(!details.failed, `not refused: ${counterexample}`);
      });
    }

    it("GoPipeline: a webhook secret too short, as pulumi.secret(...), is refused without showing it", async () => {
      const secret = "short-webhook-secret";
      const target: Target = { at: ["trigger", "secret"], classes: [], accepted: ["trigger.secret", "trigger"] };
      const why = await wrappedOutcome("GoPipeline", target, secret, (v) => pulumi.secret(v), secret);
      assert.equal(why, undefined);
    });
  });
});
