/**
 * Go version rules: every place a resource chooses a Go toolchain (see go-sources)
 * must name a released Go at or above the configured floor, in a line the Go project
 * still supports, at or above that line's patch floor. Lambda functions must not use
 * the retired go1.x runtime, and a local Lambda archive's bootstrap must be a static,
 * trimmed Go build. Judged with the same release table the components use.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ACCEPTED_GO_VERSION_FORMS, compareGoVersions, formatGoVersion, goReleases, parseGoVersion, toDay, type GoVersionAssessment } from "../components/go";
import { goVersionsOf, lambdaBootstrap, usesRetiredGoRuntime } from "./go-sources";

/** Policy config: `asOf` pins the day the release table is read for (default: today, UTC). */
export interface GoVersionPolicyConfig {
  asOf?: string;
  /** go-version-supported: days the release table may lag the judging day before it is too stale to trust. Default: 90. */
  maxTableAgeDays?: number;
  /** go-version-floor: the lowest Go release allowed, e.g. "1.26.8". */
  minimum?: string;
}

const asOfSchema = { type: "string" as const, pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Judge as of this day (YYYY-MM-DD); default today." };
const DAY_MS = 86_400_000;

/** Judges every Go version a resource chooses; values that are not Go versions are reported by go-version-supported only. */
async function assessAll(
  args: ResourceValidationArgs,
  report: ReportViolation,
  judge: (a: GoVersionAssessment, where: string, day: string) => string | undefined,
  reportInvalid = false,
): Promise<void> {
  const config = args.getConfig<GoVersionPolicyConfig>();
  const day = toDay(config.asOf ?? new Date(), "asOf");
  for (const source of await goVersionsOf(args.type, args.props)) {
    if ("invalid" in source) {
      if (reportInvalid) report(`${source.where} chooses Go ${source.invalid}, which is not a Go release; expected ${ACCEPTED_GO_VERSION_FORMS}.`);
      continue;
    }
    const message = judge(goReleases.assess(source.version, day), source.where, day);
    if (message !== undefined) report(message);
  }
}

export const goVersionSupported: ResourceValidationPolicy = {
  name: "go-version-supported",
  description: "Go toolchains must be releases in a minor line the Go project supports (the two newest), judged by a release table that is not stale.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { asOf: asOfSchema, maxTableAgeDays: { type: "integer", minimum: 1, description: "Days the release table may lag the judging day. Default 90." } } },
  validateResource: async (args, report) => {
    const config = args.getConfig<GoVersionPolicyConfig>();
    const day = toDay(config.asOf ?? new Date(), "asOf");
    const maxAge = config.maxTableAgeDays ?? 90;
    const age = Math.floor((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${goReleases.asOf}T00:00:00Z`)) / DAY_MS);
    let stale = false;
    await assessAll(
      args,
      report,
      (a, where) => {
        if (age > maxAge && !stale) {
          stale = true;
          return `${where} chooses Go ${a.version}, but goplatform's Go release table is from ${goReleases.asOf}, ${String(age)} days before ${day} (limit ${String(maxAge)}): newer Go lines or security releases may exist. Upgrade goplatform (or run scripts/refresh-go-releases.mjs) to judge it.`;
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
  configSchema: { properties: { asOf: asOfSchema } },
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
  configSchema: { properties: { minimum: { type: "string", description: "Lowest Go release allowed, e.g. \"1.26.8\"." } } },
  validateResource: async (args, report) => {
    const minimum = args.getConfig<GoVersionPolicyConfig>().minimum;
    if (minimum === undefined) return;
    const floor = formatGoVersion(parseGoVersion(minimum, "go-version-floor config minimum"));
    for (const source of await goVersionsOf(args.type, args.props)) {
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
  validateResource: (args, report) => {
    if (usesRetiredGoRuntime(args.type, args.props)) {
      report("runtime go1.x is retired and no longer receives security patches; set runtime \"provided.al2023\" with a `bootstrap` binary built with -tags lambda.norpc (GoLambdaFunction does this).");
    }
  },
};

export const goBinaryBuildSettings: ResourceValidationPolicy = {
  name: "go-binary-build-settings",
  description: "A local Lambda archive's bootstrap must be a Go binary built with CGO disabled and -trimpath (read from the binary's build info).",
  enforcementLevel: "mandatory",
  validateResource: async (args, report) => {
    const binary = await lambdaBootstrap(args.type, args.props);
    if (binary === undefined) return;
    if (binary.info === undefined) {
      report(`${binary.where}: the bootstrap is not a readable Go binary (${binary.error ?? "unknown error"}); build it with GoLambdaFunction or go build -trimpath with CGO_ENABLED=0.`);
      return;
    }
    const settings = binary.info.settings;
    if (settings.CGO_ENABLED !== "0") report(`${binary.where}: the bootstrap was built with CGO_ENABLED=${settings.CGO_ENABLED ?? "(unset)"}; rebuild with CGO_ENABLED=0 for a static binary.`);
    if (settings["-trimpath"] !== "true") report(`${binary.where}: the bootstrap was built without -trimpath (it embeds build machine paths); rebuild with go build -trimpath.`);
  },
};

export const goVersionPolicies: readonly ResourceValidationPolicy[] = [goVersionSupported, goPatchLevel, goVersionFloor, goLambdaRuntime, goBinaryBuildSettings];
