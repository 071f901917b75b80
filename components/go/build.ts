/**
 * The Go build helper the runtime components share: builds a static Linux binary
 * with exactly the Go toolchain the caller pins (selected through GOTOOLCHAIN; the
 * go command fetches it from the Go module proxy), with reproducible settings, and
 * packs Lambda archives whose bytes depend only on the binary.
 */
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { zipSync } from "fflate";
import { ArgumentError, checkBoolean, checkOneOf } from "../args";
import { readBuildInfo } from "./buildinfo";
import { checkAsOf, toDay } from "../days";
import { goReleases } from "./releases";
import { formatGoVersion, goToolchainName, parseGoVersion } from "./version";

const run = promisify(execFile);

/** A Linux CPU architecture the Go build targets (GOARCH; GOOS is always linux). */
export const GoArch = {
  /** 64-bit ARM (AWS Graviton, Ampere). */
  Arm64: "arm64",
  /** x86-64. */
  Amd64: "amd64",
} as const;
export type GoArch = (typeof GoArch)[keyof typeof GoArch];

export interface GoBuildArgs {
  /** Directory of the Go module to build (must contain go.mod). */
  source: string;
  /** Package to build, relative to `source`. Default: ".". */
  package?: string;
  /**
   * Go toolchain release to build with, e.g. "1.27.4" or "go1.27.4". Default: the newest
   * patch of the newest supported line on `asOf`. Must be a supported release at or
   * above its line's patch floor.
   */
  goVersion?: string;
  /** Target architecture (GOOS is always linux). Default: "arm64". */
  arch?: GoArch;
  /** Build tags. Default: none. */
  tags?: string[];
  /** Linker flags. Default: "-s -w" (no symbol table or DWARF; build info stays). */
  ldflags?: string;
  /** Stamp VCS information into the binary (-buildvcs=true). Default: false. */
  vcs?: boolean;
  /** Name of the binary. Default: "bootstrap" (what provided.al2023 runs). */
  binaryName?: string;
  /** Directory for build outputs. Default: `.cache/goplatform/go-build/<key>` under the working directory. */
  outDir?: string;
  /** Day the version rules are judged for (YYYY-MM-DD). Default: today. */
  asOf?: string;
}

/** Arguments after validation and defaults. */
export interface ResolvedGoBuild {
  readonly source: string;
  readonly package: string;
  readonly goVersion: string;
  readonly arch: GoArch;
  readonly tags: readonly string[];
  readonly ldflags: string;
  readonly vcs: boolean;
  readonly binaryName: string;
  readonly outDir: string;
}

export interface GoBuildResult extends ResolvedGoBuild {
  /** Absolute path of the binary. */
  readonly binary: string;
  readonly sha256: string;
  readonly size: number;
  /** Main module path, from the binary's build info. */
  readonly module: string;
}

const ARCHES: readonly GoArch[] = Object.values(GoArch);
const TAG = /^[A-Za-z0-9_.]+$/;

/** The default toolchain: newest patch of the newest line the Go project supports on `asOf`. */
export function defaultGoVersion(asOf: Date | string = new Date()): string {
  const day = toDay(asOf, "asOf");
  const [newest] = goReleases.supportedLines(day);
  const latest = newest === undefined ? undefined : goReleases.latestPatch(newest, day);
  if (latest === undefined) throw new Error(`Go release table has no release for ${day}`);
  return latest;
}

/**
 * Build tags as the caller wrote them under `argument`: a list (not a comma-separated
 * string, which would be split into characters) of names of letters, digits, '_' and '.'.
 */
export function checkBuildTags(component: string, argument: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ArgumentError(component, argument, value, "expected a list of build tags such as [\"netgo\", \"osusergo\"]");
  return value.map((tag: unknown, i) => {
    if (typeof tag !== "string" || !TAG.test(tag)) throw new ArgumentError(component, `${argument}[${i}]`, tag, "expected a build tag of letters, digits, '_' and '.'");
    return tag;
  });
}

/**
 * Checks the arguments and fills in defaults, without running anything. Errors name
 * the argument (prefixed with `component`) as the caller wrote it (`names` maps a build
 * argument to the component's own name for it, e.g. tags → "buildTags"), the value and
 * what is allowed.
 */
export function resolveGoBuild(args: GoBuildArgs, component = "GoBuild", names: Partial<Record<keyof GoBuildArgs, string>> = {}): ResolvedGoBuild {
  const named = (key: keyof GoBuildArgs): string => names[key] ?? key;
  const day = checkAsOf(component, args.asOf, named("asOf"), goReleases.coversFrom());
  const goVersion = checkGoVersion(component, args.goVersion ?? defaultGoVersion(day), day, named("goVersion"));

  if (typeof args.source !== "string" || args.source === "") {
    throw new ArgumentError(component, named("source"), args.source, "expected the path of an existing directory holding a Go module");
  }
  const source = path.resolve(args.source);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new ArgumentError(component, named("source"), args.source, "expected an existing directory holding a Go module");
  }
  if (!existsSync(path.join(source, "go.mod"))) {
    throw new ArgumentError(component, named("source"), args.source, "expected a Go module directory, but it has no go.mod");
  }
  const pkg: unknown = args.package ?? ".";
  if (typeof pkg !== "string" || pkg === "" || path.isAbsolute(pkg) || pkg.split(/[\\/]/).includes("..")) {
    throw new ArgumentError(component, named("package"), pkg, "expected a package path inside source, such as \".\" or \"./cmd/api\"");
  }
  const arch = args.arch ?? "arm64";
  checkOneOf(component, named("arch"), arch, ARCHES);
  const tags = checkBuildTags(component, named("tags"), args.tags);
  const ldflags: unknown = args.ldflags ?? "-s -w";
  if (typeof ldflags !== "string") throw new ArgumentError(component, named("ldflags"), ldflags, "expected linker flags as one string, such as \"-s -w\"");
  const vcs = checkBoolean(component, named("vcs"), args.vcs ?? false);
  const binaryName: unknown = args.binaryName ?? "bootstrap";
  if (typeof binaryName !== "string" || !/^[A-Za-z0-9_.-]+$/.test(binaryName)) throw new ArgumentError(component, named("binaryName"), binaryName, "expected a file name");
  const resolved = { source, package: pkg, goVersion, arch, tags, ldflags, vcs, binaryName };
  const key = createHash("sha256").update(JSON.stringify(resolved)).digest("hex").slice(0, 16);
  return { ...resolved, outDir: path.resolve(args.outDir ?? path.join(".cache", "goplatform", "go-build", key)) };
}

/**
 * Checks that `value` is a Go release allowed on `day` (supported line, at or above
 * the patch floor) and returns it formatted (`1.27.4`); otherwise throws an
 * ArgumentError naming `argument`.
 */
export function checkGoVersion(component: string, value: string, day: string, argument = "goVersion"): string {
  let version;
  try {
    version = parseGoVersion(value);
  } catch {
    throw new ArgumentError(component, argument, value, "expected a Go release such as \"1.27.4\" or \"go1.27.4\"");
  }
  const a = goReleases.assess(version, day);
  const allowed = a.supportedLines.map((line) => `${goReleases.patchFloor(line, day) ?? line}+`).join(" or ");
  if (version.patch === undefined) {
    throw new ArgumentError(component, argument, value, `expected a release with a patch number (on ${day}: ${allowed})`);
  }
  if (!a.supported) {
    throw new ArgumentError(component, argument, value, `expected a release in a supported line; on ${day}: ${allowed}`);
  }
  if (!a.meetsPatchFloor) {
    throw new ArgumentError(component, argument, value, `it is below the ${a.line} patch floor ${a.patchFloor ?? "?"} on ${day}; expected ${allowed}`);
  }
  return formatGoVersion(version);
}

/** The module path declared by the go.mod in `source`. */
export function goModulePath(source: string, component = "GoBuild"): string {
  const match = /^module\s+"?([^\s"]+)"?/m.exec(readFileSync(path.join(source, "go.mod"), "utf8"));
  if (match?.[1] === undefined) throw new ArgumentError(component, "source", source, "expected a go.mod with a module line");
  return match[1];
}

/**
 * Builds the binary of arguments checked by {@link resolveGoBuild}. Same source and
 * arguments give the same bytes.
 */
export function buildGo(r: ResolvedGoBuild, component = "GoBuild"): Promise<GoBuildResult> {
  // Identical builds (same arguments, so the same output directory) share one run.
  const key = `${r.outDir}/${r.binaryName}`;
  let pending = inFlight.get(key);
  if (pending === undefined) {
    pending = runBuild(r, component);
    inFlight.set(key, pending);
    void pending.finally(() => inFlight.delete(key)).catch(() => undefined);
  }
  return pending;
}

const inFlight = new Map<string, Promise<GoBuildResult>>();

async function runBuild(r: ResolvedGoBuild, component: string): Promise<GoBuildResult> {
  await mkdir(r.outDir, { recursive: true });
  const binary = path.join(r.outDir, r.binaryName);
  const partial = `${binary}.partial`;
  const flags = ["build", "-trimpath", `-buildvcs=${String(r.vcs)}`, "-ldflags", r.ldflags, "-o", partial];
  if (r.tags.length > 0) flags.push("-tags", r.tags.join(","));
  flags.push(r.package);
  try {
    await run("go", flags, { cwd: r.source, env: buildEnv(r), maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`${component}: go build of ${r.source} (${r.package}) with ${goToolchainName(parseGoVersion(r.goVersion))} failed:\n${stderr.trim()}`, { cause: err });
  }
  await rename(partial, binary);
  const bytes = await readFile(binary);
  const info = await readBuildInfo(binary);
  if (info.goVersion !== goToolchainName(parseGoVersion(r.goVersion))) {
    throw new Error(`${component}: asked for go${r.goVersion} but the binary was built by ${info.goVersion}`);
  }
  return { ...r, binary, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, module: info.main?.path ?? "" };
}

/** The environment of a build: only what matters to the output, set explicitly. */
function buildEnv(r: ResolvedGoBuild): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "GOPATH", "GOCACHE", "GOMODCACHE", "GOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GOPRIVATE", "GONOPROXY", "GOSUMDB", "GOINSECURE", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "TMPDIR"];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    GOTOOLCHAIN: goToolchainName(parseGoVersion(r.goVersion)),
    CGO_ENABLED: "0",
    GOOS: "linux",
    GOARCH: r.arch,
    GOAMD64: "v1",
    GOARM64: "v8.0",
    GOFLAGS: "-mod=readonly",
    GOWORK: "off",
    GOEXPERIMENT: "",
    GOENV: "off",
    GOFIPS140: "off",
  };
}

/**
 * Fixed entry time, the zip format's epoch. Zip stores local (DOS) time and fflate
 * reads the Date's local fields, so build it from local fields: the same bytes in
 * every time zone.
 */
const ZIP_EPOCH = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Packs a binary as a Lambda deployment archive with a single `bootstrap` entry,
 * mode 0755, fixed timestamp and deflate level: the archive's bytes depend only on
 * the binary's. Returns the archive path and its sha256.
 */
export async function zipLambdaBootstrap(binary: string, zipPath: string): Promise<{ path: string; sha256: string; size: number }> {
  const data = new Uint8Array(await readFile(binary));
  const zip = zipSync({ bootstrap: [data, { level: 9, mtime: ZIP_EPOCH, os: 3, attrs: (0o100755 << 16) >>> 0 }] });
  await mkdir(path.dirname(zipPath), { recursive: true });
  // Written aside and renamed, so a concurrent reader never sees half an archive.
  const partial = `${zipPath}.${randomUUID()}.partial`;
  await writeFile(partial, zip);
  await rename(partial, zipPath);
  return { path: path.resolve(zipPath), sha256: createHash("sha256").update(zip).digest("hex"), size: zip.length };
}
