/**
 * Go toolchain versions: parsing, formatting and ordering.
 *
 * The one parser of Go versions in goplatform; components and policies both use it.
 * Ordering follows the go command's own rules (golang.org/x/mod, cmd/go gover):
 * a bare language version sorts before its prereleases, which sort before its
 * releases, so `1.27 < 1.27rc1 < 1.27rc2 < 1.27.0 < 1.27.1`, and numbers
 * compare numerically, so `1.9 < 1.10`.
 */

export type GoPrereleaseKind = "beta" | "rc";

export interface GoVersion {
  readonly major: number;
  readonly minor: number;
  /** Patch number of a release (`1.26.8` → 8); absent for a language version or a prerelease. */
  readonly patch?: number;
  /** Prerelease such as `rc1` or `beta2`; absent for releases and language versions. */
  readonly prerelease?: { readonly kind: GoPrereleaseKind; readonly number: number };
}

export const ACCEPTED_GO_VERSION_FORMS =
  "go1.26.8 or 1.26.8 (a release), 1.26 or go1.26 (a minor line / language version), go1.27rc1 or go1.27beta1 (a prerelease)";

/** A Go version string that does not match any accepted form. */
export class GoVersionError extends Error {
  constructor(
    readonly input: unknown,
    readonly argument?: string,
  ) {
    const where = argument === undefined ? "" : `${argument}: `;
    super(`${where}invalid Go version ${JSON.stringify(input)}; expected ${ACCEPTED_GO_VERSION_FORMS}`);
    this.name = "GoVersionError";
  }
}

const GO_VERSION_PATTERN = /^(?:go)?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)|(rc|beta)([1-9]\d*))?$/;

/**
 * Parses a Go version. Accepts `go1.26.8`, `1.26.8`, `1.26.0`, `1.26`, `go1.26`,
 * `go1.27rc1`, `1.27beta2`. Throws {@link GoVersionError} naming the input (and the
 * argument, when given) for anything else, including surrounding whitespace.
 */
export function parseGoVersion(input: unknown, argument?: string): GoVersion {
  if (typeof input !== "string") {
    throw new GoVersionError(input, argument);
  }
  const match = GO_VERSION_PATTERN.exec(input);
  if (match === null) {
    throw new GoVersionError(input, argument);
  }
  const [, major, minor, patch, kind, number] = match;
  const version: GoVersion = { major: Number(major), minor: Number(minor) };
  if (version.major !== 1) {
    // Go 2 does not exist; a "2.0" here is far more likely a typo than a toolchain.
    throw new GoVersionError(input, argument);
  }
  if (patch !== undefined) {
    return { ...version, patch: Number(patch) };
  }
  if (kind !== undefined) {
    return { ...version, prerelease: { kind: kind as GoPrereleaseKind, number: Number(number) } };
  }
  return version;
}

/** True when `input` parses as a Go version. */
export function isGoVersion(input: unknown): boolean {
  try {
    parseGoVersion(input);
    return true;
  } catch {
    return false;
  }
}

/** `1.26.8`, `1.26`, `1.27rc1`: the form Go uses in go.mod `go` lines. */
export function formatGoVersion(version: GoVersion): string {
  const base = `${version.major}.${version.minor}`;
  if (version.patch !== undefined) return `${base}.${version.patch}`;
  if (version.prerelease !== undefined) return `${base}${version.prerelease.kind}${version.prerelease.number}`;
  return base;
}

/** `go1.26.8`: the form of toolchain names, `go version` output and GOTOOLCHAIN. */
export function goToolchainName(version: GoVersion): string {
  return `go${formatGoVersion(version)}`;
}

/** The minor line a version belongs to: `1.26.8` → `1.26`. */
export function goMinorLine(version: GoVersion): string {
  return `${version.major}.${version.minor}`;
}

export function isGoRelease(version: GoVersion): boolean {
  return version.patch !== undefined;
}

// Rank within a minor line: language version < beta < rc < release.
function stage(version: GoVersion): number {
  if (version.patch !== undefined) return 3;
  if (version.prerelease?.kind === "rc") return 2;
  if (version.prerelease?.kind === "beta") return 1;
  return 0;
}

/** Negative when a < b, zero when equal, positive when a > b. Strings are parsed first. */
export function compareGoVersions(a: GoVersion | string, b: GoVersion | string): number {
  const x = typeof a === "string" ? parseGoVersion(a) : a;
  const y = typeof b === "string" ? parseGoVersion(b) : b;
  return (
    x.major - y.major ||
    x.minor - y.minor ||
    stage(x) - stage(y) ||
    (x.patch ?? 0) - (y.patch ?? 0) ||
    (x.prerelease?.number ?? 0) - (y.prerelease?.number ?? 0)
  );
}
