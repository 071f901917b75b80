/**
 * Every place a resource chooses a Go toolchain, as the Go version rules see it:
 * recorded metadata (goplatform.dev/go-version, or its GCP label encoding), `golang`
 * images in pod specs and Tekton steps, the Go builder stage of a Dockerfile built
 * by @pulumi/docker or @pulumi/docker-build, the bootstrap binary inside a local
 * Lambda archive, and — when configured (`imageBinaries`) — the Go binary inside a
 * digest-pinned image, read from its registry (both by their real build info, not
 * their labels).
 */
import { readFile, stat } from "node:fs/promises";
import { unzipSync } from "fflate";
import { formatGoVersion, GCP_GO_VERSION_KEY, GO_VERSION_KEY, parseBuildInfo, parseGoVersion, readRecordedGoVersion, type GoBuildInfo } from "../components/go";
import { parseImageRef } from "../components/supplychain";
import { describeBinary, groupBinaries, imageBinariesOf, type ImageBinariesConfig } from "./image-binaries";
import { at, imagesOf, isRecord, isUnknown, str, type Props } from "./resources";

export type GoSource = { readonly where: string; readonly version: string } | { readonly where: string; readonly invalid: string };

/** Where goplatform records Go metadata, per resource shape. */
function recorded(props: Props): GoSource[] {
  const places: [string, unknown][] = [
    ["metadata.labels", at(props, "metadata", "labels")],
    ["metadata.annotations", at(props, "metadata", "annotations")],
    ["tags", props.tags],
    ["labels", props.labels],
  ];
  const found: GoSource[] = [];
  for (const [where, value] of places) {
    if (!isRecord(value) || isUnknown(value[GO_VERSION_KEY]) || isUnknown(value[GCP_GO_VERSION_KEY])) continue;
    const version = readRecordedGoVersion(value);
    if (version !== undefined) found.push({ where, ...version });
  }
  return found;
}

/**
 * The Go version a `golang` image tag selects (`golang:1.27.4-bookworm@sha256:…` →
 * 1.27.4); `{ invalid }` for a golang image whose tag names no version (`latest`,
 * `alpine`, none); undefined for other images.
 */
export function goVersionOfImage(image: string, where: string): GoSource | undefined {
  const ref = parseImageRef(image);
  if (ref === undefined || !/(^|\/)golang$/.test(ref.repository)) return undefined;
  const match = /^(\d+\.\d+(?:\.\d+|rc\d+|beta\d+)?)(?:-|$)/.exec(ref.tag ?? "");
  if (match?.[1] === undefined) return { where, invalid: `image ${JSON.stringify(image)} (its tag pins no Go version)` };
  try {
    return { where, version: formatGoVersion(parseGoVersion(match[1])) };
  } catch {
    return { where, invalid: `image ${JSON.stringify(image)}` };
  }
}

/**
 * `FROM golang:…` lines of a Dockerfile (every stage that can build Go), with
 * `${NAME}` / `$NAME` filled from the `ARG NAME=default` lines before them (build
 * args given at build time are not known here). A golang image whose tag still holds
 * a variable is reported as not pinning a Go version.
 */
function dockerfileGoSources(dockerfile: string, where: string): GoSource[] {
  const found: GoSource[] = [];
  const args = new Map<string, string>();
  for (const line of dockerfile.split(/\r?\n/)) {
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=("?)([^"\s]*)\2\s*$/i.exec(line);
    if (arg?.[1] !== undefined) args.set(arg[1], arg[3] ?? "");
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (from?.[1] === undefined) continue;
    const image = from[1].replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, bare?: string) => args.get(braced ?? bare ?? "") ?? all);
    const at = `${where}: ${line.trim()}`;
    if (image.includes("$")) {
      if (/(^|\/)golang[:@]/.test(image)) found.push({ where: at, invalid: `image ${JSON.stringify(image)} (its tag is a build argument with no default here)` });
      continue;
    }
    const source = goVersionOfImage(image, at);
    if (source !== undefined) found.push(source);
  }
  return found;
}

/** A local file behind an asset or archive value (engine objects or their serialized form). */
async function localPath(value: unknown): Promise<string | undefined> {
  if (!isRecord(value)) return undefined;
  const p: unknown = value.path;
  const resolved: unknown = p instanceof Promise ? await (p as Promise<unknown>) : p;
  return str(resolved);
}

async function readDockerfile(type: string, props: Props): Promise<{ where: string; text: string } | undefined> {
  try {
    if (type === "docker:index/image:Image") {
      const file = str(at(props, "build", "dockerfile"));
      return file === undefined ? undefined : { where: `build.dockerfile ${file}`, text: await readFile(file, "utf8") };
    }
    if (type === "docker-build:index:Image") {
      const inline = str(at(props, "dockerfile", "inline"));
      if (inline !== undefined) return { where: "dockerfile.inline", text: inline };
      const file = str(at(props, "dockerfile", "location"));
      return file === undefined ? undefined : { where: `dockerfile.location ${file}`, text: await readFile(file, "utf8") };
    }
  } catch {
    // Not readable where the policy runs (another machine's path): nothing to judge.
  }
  return undefined;
}

export interface LambdaBinary {
  readonly where: string;
  readonly info?: GoBuildInfo;
  /** Why the archive's bootstrap could not be read as a Go binary. */
  readonly error?: string;
}

/**
 * The `bootstrap` of a local Lambda zip: a function's `code` archive, or a bucket
 * object uploading a Go Lambda archive (tagged with the Go version, as
 * GoLambdaFunction's unsigned upload is). Undefined when there is no local archive.
 */
export async function lambdaBootstrap(type: string, props: Props): Promise<LambdaBinary | undefined> {
  let where: string;
  let file: string | undefined;
  if (type === "aws:lambda/function:Function") {
    where = "code";
    file = await localPath(props.code);
  } else if ((type === "aws:s3/bucketObjectv2:BucketObjectv2" || type === "aws:s3/bucketObject:BucketObject") && isRecord(props.tags) && GO_VERSION_KEY in props.tags) {
    where = "source";
    file = await localPath(props.source);
  } else {
    return undefined;
  }
  if (file?.endsWith(".zip") !== true) return undefined;
  return readBootstrap(file, `${where} ${file}`);
}

/**
 * Archives already read, by path, size and modification time: several rules judge the
 * same archive, and it is unzipped once.
 */
const bootstraps = new Map<string, Promise<LambdaBinary | undefined>>();

async function readBootstrap(file: string, where: string): Promise<LambdaBinary | undefined> {
  let key: string;
  try {
    const info = await stat(file);
    key = `${file}\0${String(info.size)}\0${String(info.mtimeMs)}`;
  } catch {
    return undefined;
  }
  let pending = bootstraps.get(key);
  if (pending === undefined) {
    pending = unzipBootstrap(file, where);
    bootstraps.set(key, pending);
  }
  return pending;
}

async function unzipBootstrap(file: string, where: string): Promise<LambdaBinary | undefined> {
  let archive: Uint8Array;
  try {
    archive = new Uint8Array(await readFile(file));
  } catch {
    return undefined;
  }
  try {
    const bootstrap = unzipSync(archive, { filter: (entry) => entry.name === "bootstrap" }).bootstrap;
    if (bootstrap === undefined) return { where, error: "the archive has no bootstrap entry" };
    return { where, info: parseBuildInfo(bootstrap, `${file}:bootstrap`) };
  } catch (err) {
    return { where, error: (err as Error).message };
  }
}

/** A Go binary's own toolchain (`go1.27.4` in its build info) as a source. */
function binarySource(where: string, goVersion: string): GoSource {
  try {
    return { where, version: formatGoVersion(parseGoVersion(goVersion.replace(/^go/, ""))) };
  } catch {
    return { where, invalid: JSON.stringify(goVersion) };
  }
}

/**
 * Every Go toolchain choice a resource makes; with `imageBinaries`, also the Go
 * version that built the binary of each digest-pinned image under its prefixes
 * (one source per platform and Go version).
 */
export async function goVersionsOf(type: string, props: Props, imageBinaries?: ImageBinariesConfig): Promise<GoSource[]> {
  const found = recorded(props);
  for (const { where, image } of imagesOf(type, props)) {
    const source = goVersionOfImage(image, where);
    if (source !== undefined) found.push(source);
  }
  const dockerfile = await readDockerfile(type, props);
  if (dockerfile !== undefined) found.push(...dockerfileGoSources(dockerfile.text, dockerfile.where));
  const binary = await lambdaBootstrap(type, props);
  if (binary?.info !== undefined) found.push(binarySource(`${binary.where} (bootstrap build info)`, binary.info.goVersion));
  for (const { where, image, read } of await imageBinariesOf(type, props, imageBinaries)) {
    for (const group of groupBinaries(read.binaries, (b) => b.info.goVersion)) found.push(binarySource(`${where} ${describeBinary(image, group)}`, group.key));
  }
  return found;
}

/** Lambda runtimes that are Go's retired `go1.x`. */
export function usesRetiredGoRuntime(type: string, props: Props): boolean {
  return type === "aws:lambda/function:Function" && str(props.runtime) === "go1.x";
}
