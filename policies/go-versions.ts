/**
 * Go version rules: every resource that records a Go toolchain (the
 * goplatform.dev/go-version key, or its GCP label encoding) must name a released
 * Go in a line the Go project still supports, at or above that line's patch floor.
 * Judged with the same release table the components use (goplatform/go).
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ACCEPTED_GO_VERSION_FORMS, goReleases, readRecordedGoVersion, toDay, type GoVersionAssessment } from "../components/go";

/** Policy config: `asOf` pins the day the release table is read for (default: today, UTC). */
export interface GoVersionPolicyConfig {
  asOf?: string;
}

const configSchema = {
  properties: { asOf: { type: "string" as const, pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Judge as of this day (YYYY-MM-DD); default today." } },
};

type Recorded = { where: string; version: string } | { where: string; invalid: string };

/** Where goplatform records Go metadata, per resource shape. */
function recordedVersions(props: Record<string, unknown>): Recorded[] {
  const metadata = (props.metadata ?? {}) as Record<string, unknown>;
  const places: [string, unknown][] = [
    ["metadata.labels", metadata.labels],
    ["metadata.annotations", metadata.annotations],
    ["tags", props.tags],
    ["labels", props.labels],
  ];
  const found: Recorded[] = [];
  for (const [where, value] of places) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    const recorded = readRecordedGoVersion(value as Record<string, unknown>);
    if (recorded !== undefined) found.push({ where, ...recorded });
  }
  return found;
}

/** Judges every recorded version; values that are not Go versions are reported by go-version-supported only. */
function assessAll(
  args: ResourceValidationArgs,
  report: ReportViolation,
  reportInvalid: boolean,
  judge: (a: GoVersionAssessment, where: string, day: string) => string | undefined,
): void {
  const config = args.getConfig<GoVersionPolicyConfig>();
  const day = toDay(config.asOf ?? new Date(), "asOf");
  for (const recorded of recordedVersions(args.props)) {
    if ("invalid" in recorded) {
      if (reportInvalid) report(`${recorded.where} records Go version ${recorded.invalid}, which is not a Go version; expected ${ACCEPTED_GO_VERSION_FORMS}.`);
      continue;
    }
    const message = judge(goReleases.assess(recorded.version, day), recorded.where, day);
    if (message !== undefined) report(message);
  }
}

export const goVersionSupported: ResourceValidationPolicy = {
  name: "go-version-supported",
  description: "Go toolchains must be releases in a minor line the Go project supports (the two newest).",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, report) => {
    assessAll(args, report, true, (a, where, day) => {
      if (a.prerelease) return `${where} records Go ${a.version}, a prerelease; deploy a release of Go ${a.supportedLines.join(" or ")}.`;
      if (!a.supported) return `${where} records Go ${a.version}; on ${day} the Go project supports only the ${a.supportedLines.join(" and ")} lines.`;
      return undefined;
    });
  },
};

export const goPatchLevel: ResourceValidationPolicy = {
  name: "go-patch-level",
  description: "Go toolchains must be at or above their line's patch floor (its newest security release).",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, report) => {
    assessAll(args, report, false, (a, where, day) => {
      if (!a.supported || a.prerelease || a.meetsPatchFloor) return undefined;
      return `${where} records Go ${a.version}, below the ${a.line} patch floor ${a.patchFloor ?? "?"} on ${day} (latest ${a.latestPatch ?? "?"}); rebuild with Go ${a.latestPatch ?? a.patchFloor ?? a.line}.`;
    });
  },
};

export const goVersionPolicies: readonly ResourceValidationPolicy[] = [goVersionSupported, goPatchLevel];
