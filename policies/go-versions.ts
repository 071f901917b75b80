/**
 * Go version rules: every place a resource chooses a Go toolchain (see go-sources)
 * must name a released Go at or above the configured floor, in a line the Go project
 * still supports, at or above that line's patch floor. Lambda functions must not use
 * the retired go1.x runtime, and a local Lambda archive's bootstrap must be a static,
 * trimmed Go build. With `imageBinaries` configured, the same rules also judge the Go
 * binary inside each digest-pinned image under its prefixes, read from the registry
 * (see image-binaries); an image that cannot be read is the advisory
 * go-image-binary-readable. Pulumi gives each policy only its own config, so
 * `imageBinaries` is set on each rule that should read images (the same object).
 * Judged with the same release table the components use.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ACCEPTED_GO_VERSION_FORMS, compareGoVersions, formatGoVersion, goReleases, parseGoVersion, toDay, type GoVersionAssessment } from "../components/go";
import { refreshGoReleases } from "../components/go/release-refresh";
import type { GoReleaseTable } from "../components/go/releases";
import { goVersionsOf, lambdaBootstrap, usesRetiredGoRuntime } from "./go-sources";
import { describeBinary, groupBinaries, imageBinariesOf, type ImageBinariesConfig } from "./image-binaries";
import { policyDocsUrl } from "./docs";
import { asOfSchema } from "./judging-day";
import { daysBetween, MAX_TABLE_AGE_DAYS } from "../components/days";

/** Policy config: `asOf` pins the day the release table is read for (default: today, UTC). */
export interface GoVersionPolicyConfig {
  asOf?: string;
  /** go-version-supported: days the release table may lag the judging day before it is too stale to trust. Default: 90. */
  maxTableAgeDays?: number;
  /** go-version-floor: the lowest Go release allowed, e.g. "1.26.8". */
  minimum?: string;
  /**
   * Read the Go binary of digest-pinned images under these prefixes from their
   * registry and judge it too (go-version-supported, go-patch-level,
   * go-version-floor, go-binary-build-settings; go-image-binary-readable advises
   * when an image cannot be read).
   * @default undefined (no image is read)
   */
  imageBinaries?: ImageBinariesConfig;
  /**
   * go-version-supported, go-patch-level: where the release table comes from. By
   * default the table shipped with goplatform (deterministic, no network). With
   * `refresh: true`, once per policy run the Go module proxy's newer releases are
   * merged in (new patches count as security releases, raising their line's patch
   * floor); an unreachable proxy (or one slower than `timeoutMs`) leaves the shipped
   * table, with no error.
   * @default undefined (the shipped table)
   */
  releaseSource?: GoReleaseSourceConfig;
}

export interface GoReleaseSourceConfig {
  /** Merge the module proxy's newer releases into the shipped table. Default: false. */
  refresh?: boolean;
  /** Module proxy base URL. Default: the first http(s) entry of $GOPROXY, else https://proxy.golang.org. */
  proxy?: string;
  /** Milliseconds for the whole refresh. Default: 3000. */
  timeoutMs?: number;
}

const releaseSourceSchema = {
  type: "object" as const,
  description: "Refresh the Go release table from the Go module proxy once per run (default: the shipped table).",
  properties: {
    refresh: { type: "boolean" as const, description: "Merge the proxy's newer releases into the shipped table. Default false." },
    proxy: { type: "string" as const, pattern: "^https?://", description: "Module proxy base URL. Default: $GOPROXY's first http(s) entry, else https://proxy.golang.org." },
    timeoutMs: { type: "integer" as const, minimum: 1, description: "Milliseconds for the whole refresh. Default 3000." },
  },
  additionalProperties: false,
};

/** One refresh per proxy and timeout per policy run; every Go rule configured alike shares it. */
const refreshed = new Map<string, Promise<GoReleaseTable>>();

/** The release table a Go rule judges with under `config`. */
export function releaseTableFor(config: GoVersionPolicyConfig): Promise<GoReleaseTable> {
  const source = config.releaseSource;
  if (source?.refresh !== true) return Promise.resolve(goReleases);
  const key = JSON.stringify([source.proxy ?? null, source.timeoutMs ?? null]);
  let table = refreshed.get(key);
  if (table === undefined) {
    table = refreshGoReleases(goReleases, { ...(source.proxy === undefined ? {} : { proxy: source.proxy }), ...(source.timeoutMs === undefined ? {} : { timeoutMs: source.timeoutMs }) }).then((r) => r.table);
    refreshed.set(key, table);
  }
  return table;
}

const imageBinariesSchema = {
  type: "object" as const,
  description: "Judge the Go binary inside digest-pinned images under these prefixes, read from their registry.",
  properties: {
    prefixes: { type: "array" as const, items: { type: "string" as const, minLength: 1 }, description: "registry or registry/path prefixes of the images to read, e.g. \"ghcr.io/acme\"." },
    maxImageBytes: { type: "integer" as const, minimum: 1, description: "Largest image read (sum of its layer sizes). Default 536870912 (512 MiB)." },
    insecureRegistries: { type: "array" as const, items: { type: "string" as const }, description: "Registries reached over plain HTTP (loopback only)." },
  },
  required: ["prefixes"],
  additionalProperties: false,
};

/** Judges every Go version a resource chooses; values that are not Go versions are reported by go-version-supported only. */
async function assessAll(
  args: ResourceValidationArgs,
  report: ReportViolation,
  judge: (a: GoVersionAssessment, where: string, day: string) => string | undefined,
  reportInvalid = false,
): Promise<void> {
  const config = args.getConfig<GoVersionPolicyConfig>();
  const day = toDay(config.asOf ?? new Date(), "asOf");
  const releases = await releaseTableFor(config);
  for (const source of await goVersionsOf(args.type, args.props, config.imageBinaries)) {
    if ("invalid" in source) {
      if (reportInvalid) report(`${source.where} chooses Go ${source.invalid}, which is not a Go release; expected ${ACCEPTED_GO_VERSION_FORMS}.`);
      continue;
    }
    const message = judge(releases.assess(source.version, day), source.where, day);
    if (message !== undefined) report(message);
  }
}

export const goVersionSupported: ResourceValidationPolicy = {
  name: "go-version-supported",
  description: "Go toolchains must be releases in a minor line the Go project supports (the two newest), judged by a release table that is not stale.",
  enforcementLevel: "mandatory",
  displayName: "Go release supported",
  severity: "high",
  tags: ["go", "versions"],
  remediationSteps:
    "Move to a release of one of the two newest Go lines (the message names them): change the `goVersion` argument, the `goplatform.dev/go-version` label, the `golang:<version>` image tag or the Dockerfile `FROM` stage, and rebuild. If the message says the release table is stale, upgrade goplatform so its table is current.",
  url: policyDocsUrl("go-version-supported"),
  configSchema: { properties: { asOf: asOfSchema, maxTableAgeDays: { type: "integer", minimum: 1, description: "Days the release table may lag the judging day. Default 90." }, imageBinaries: imageBinariesSchema, releaseSource: releaseSourceSchema } },
  validateResource: async (args, report) => {
    const config = args.getConfig<GoVersionPolicyConfig>();
    const day = toDay(config.asOf ?? new Date(), "asOf");
    const maxAge = config.maxTableAgeDays ?? MAX_TABLE_AGE_DAYS;
    const table = await releaseTableFor(config);
    const age = daysBetween(table.asOf, day);
    let stale = false;
    await assessAll(
      args,
      report,
      (a, where) => {
        if (age > maxAge && !stale) {
          stale = true;
          return `${where} chooses Go ${a.version}, but goplatform's Go release table is from ${table.asOf}, ${String(age)} days before ${day} (limit ${String(maxAge)}): newer Go lines or security releases may exist. Upgrade goplatform (or run scripts/refresh-go-releases.mjs) to judge it.`;
        }
        if (a.prerelease) return `${where} chooses Go ${a.version}, a prerelease; use a release of Go ${a.supportedLines.join(" or ")}.`;
        if (!a.supported) return `${where} chooses Go ${a.version}; on ${day} the Go project supports only the ${a.supportedLines.join(" and ")} lines: move to Go ${a.supportedLines[0] ?? "?"}.`;
        return undefined;
      },
      true,
    );
  },
};

export const goPatchLevel: ResourceValidationPolicy = {
  name: "go-patch-level",
  description: "Go toolchains must be at or above their line's patch floor (its newest security release).",
  enforcementLevel: "mandatory",
  displayName: "Go patch level current",
  severity: "high",
  tags: ["go", "versions", "security"],
  remediationSteps:
    "Rebuild with the newest patch release of the same Go line (the message names it) and record it where the version is chosen (`goVersion` argument, `goplatform.dev/go-version` label or `golang:<version>` tag).",
  url: policyDocsUrl("go-patch-level"),
  configSchema: { properties: { asOf: asOfSchema, imageBinaries: imageBinariesSchema, releaseSource: releaseSourceSchema } },
  validateResource: (args, report) =>
    assessAll(args, report, (a, where, day) => {
      if (!a.supported || a.prerelease || a.meetsPatchFloor) return undefined;
      return `${where} chooses Go ${a.version}, below the ${a.line} patch floor ${a.patchFloor ?? "?"} on ${day} (latest ${a.latestPatch ?? "?"}); rebuild with Go ${a.latestPatch ?? a.patchFloor ?? a.line}.`;
    }),
};

export const goVersionFloor: ResourceValidationPolicy = {
  name: "go-version-floor",
  description: "Go toolchains must be at or above the organisation's minimum Go release (config `minimum`).",
  enforcementLevel: "mandatory",
  displayName: "Organisation's minimum Go",
  severity: "medium",
  tags: ["go", "versions"],
  remediationSteps:
    "Use Go at or above the organisation's minimum (go-version-floor's `minimum` config, named in the message) where the version is chosen, and rebuild.",
  url: policyDocsUrl("go-version-floor"),
  configSchema: { properties: { minimum: { type: "string", description: "Lowest Go release allowed, e.g. \"1.26.8\"." }, imageBinaries: imageBinariesSchema } },
  validateResource: async (args, report) => {
    const { minimum, imageBinaries } = args.getConfig<GoVersionPolicyConfig>();
    if (minimum === undefined) return;
    const floor = formatGoVersion(parseGoVersion(minimum, "go-version-floor config minimum"));
    for (const source of await goVersionsOf(args.type, args.props, imageBinaries)) {
      if ("version" in source && compareGoVersions(source.version, floor) < 0) {
        report(`${source.where} chooses Go ${source.version}, below this organisation's floor Go ${floor}; use Go ${floor} or newer.`);
      }
    }
  },
};

export const goLambdaRuntime: ResourceValidationPolicy = {
  name: "go-lambda-runtime",
  description: "Go Lambda functions must run on an OS-only runtime (provided.al2023), not the retired go1.x.",
  enforcementLevel: "mandatory",
  displayName: "Go Lambda on provided.al2023",
  severity: "high",
  tags: ["go", "lambda"],
  remediationSteps:
    "Set the function's runtime to \"provided.al2023\" and ship a `bootstrap` Go binary built with -tags lambda.norpc; GoLambdaFunction does both.",
  url: policyDocsUrl("go-lambda-runtime"),
  validateResource: (args, report) => {
    if (usesRetiredGoRuntime(args.type, args.props)) {
      report("runtime go1.x is retired and no longer receives security patches; set runtime \"provided.al2023\" with a `bootstrap` binary built with -tags lambda.norpc (GoLambdaFunction does this).");
    }
  },
};

export const goBinaryBuildSettings: ResourceValidationPolicy = {
  name: "go-binary-build-settings",
  description: "A local Lambda archive's bootstrap, and the Go binary of a digest-pinned image under imageBinaries.prefixes, must be built with CGO disabled and -trimpath (read from the binary's build info).",
  enforcementLevel: "mandatory",
  displayName: "Go binaries static and trimmed",
  severity: "medium",
  tags: ["go", "build"],
  remediationSteps:
    "Rebuild the binary with CGO_ENABLED=0 and `go build -trimpath` (buildGo and GoLambdaFunction do), then push the image or re-archive the bootstrap.",
  url: policyDocsUrl("go-binary-build-settings"),
  configSchema: { properties: { imageBinaries: imageBinariesSchema } },
  validateResource: async (args, report) => {
    const binary = await lambdaBootstrap(args.type, args.props);
    if (binary?.info === undefined && binary !== undefined) {
      report(`${binary.where}: the bootstrap is not a readable Go binary (${binary.error ?? "unknown error"}); build it with GoLambdaFunction or go build -trimpath with CGO_ENABLED=0.`);
    } else if (binary?.info !== undefined) {
      const settings = binary.info.settings;
      if (settings.CGO_ENABLED !== "0") report(`${binary.where}: the bootstrap was built with CGO_ENABLED=${settings.CGO_ENABLED ?? "(unset)"}; rebuild with CGO_ENABLED=0 for a static binary.`);
      if (settings["-trimpath"] !== "true") report(`${binary.where}: the bootstrap was built without -trimpath (it embeds build machine paths); rebuild with go build -trimpath.`);
    }
    // An image that cannot be read is go-image-binary-readable's (advisory), not a failure here.
    for (const { where, image, read } of await imageBinariesOf(args.type, args.props, args.getConfig<GoVersionPolicyConfig>().imageBinaries)) {
      const cgo = (b: { info: { settings: Readonly<Record<string, string>> } }) => (b.info.settings.CGO_ENABLED === "0" ? undefined : (b.info.settings.CGO_ENABLED ?? "(unset)"));
      for (const group of groupBinaries(read.binaries, cgo)) report(`${where} ${describeBinary(image, group)}: the Go binary was built with CGO_ENABLED=${group.key}; rebuild with CGO_ENABLED=0 for a static binary.`);
      for (const group of groupBinaries(read.binaries, (b) => (b.info.settings["-trimpath"] === "true" ? undefined : "untrimmed"))) {
        report(`${where} ${describeBinary(image, group)}: the Go binary was built without -trimpath (it embeds build machine paths); rebuild with go build -trimpath.`);
      }
    }
  },
};

export const goImageBinaryReadable: ResourceValidationPolicy = {
  name: "go-image-binary-readable",
  description:
    "Advisory: a digest-pinned image under imageBinaries.prefixes could not be read for its Go binary (registry unreachable, image above maxImageBytes, no Go executable in it), so the Go version rules could not judge what it runs (same imageBinaries config as those rules).",
  enforcementLevel: "advisory",
  displayName: "Image's Go binary readable",
  severity: "low",
  tags: ["go", "images"],
  remediationSteps:
    "Give the policy run network access to the registry and credentials in $DOCKER_CONFIG/config.json (plain-HTTP loopback registries in imageBinaries.insecureRegistries); raise imageBinaries.maxImageBytes for a larger image; or narrow imageBinaries.prefixes to images whose entrypoint is a Go binary in gzip or uncompressed layers.",
  url: policyDocsUrl("go-image-binary-readable"),
  configSchema: { properties: { imageBinaries: imageBinariesSchema } },
  validateResource: async (args, report) => {
    for (const { where, image, read } of await imageBinariesOf(args.type, args.props, args.getConfig<GoVersionPolicyConfig>().imageBinaries)) {
      for (const problem of read.problems) {
        report(`${where}: could not read the Go binary of ${image}: ${problem}. The Go version rules judged only its tags and labels; give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`);
      }
    }
  },
};

export const goVersionPolicies: readonly ResourceValidationPolicy[] = [goVersionSupported, goPatchLevel, goVersionFloor, goLambdaRuntime, goBinaryBuildSettings, goImageBinaryReadable];
