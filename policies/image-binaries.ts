/**
 * The Go binaries inside digest-pinned container images, read from their registry,
 * so the Go version rules judge the toolchain that built what runs — not a `golang`
 * tag or a `goplatform.dev/go-version` label, which can say anything.
 *
 * Per image (once per digest and settings: a module-level map of promises every rule
 * shares): the manifest — an OCI index or Docker manifest list gives one image per
 * linux platform, and every platform's binary is judged — then the config blob for
 * Entrypoint / Cmd / WorkingDir / PATH, then the layers from the top down, stopping
 * at the first layer that decides the entrypoint file (whiteouts, opaque
 * directories, symbolic and hard links followed as the container runtime would).
 * If the entrypoint is not a Go executable (a shell script, `tini`, no entrypoint),
 * every remaining layer is read and every Go executable visible in the image's
 * filesystem is judged instead. Every byte read is checked against its digest.
 *
 * Bounded: the layer sizes the manifests declare (every platform's) must add up to
 * at most `maxImageBytes` before any layer is downloaded. An image that cannot be
 * read is a problem for the advisory rule, never a pass or a failure of the others.
 */
import { createHash } from "node:crypto";
import { Readable, Transform, pipeline } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import { parseBuildInfo, type GoBuildInfo } from "../components/go";
import { imageName, isUnderPrefix, parseImageRef, RegistryClient, repositoryUrl, sha256Digest, type ImageRef } from "../components/supplychain";
import { dockerConfigCredentials } from "./images";
import { imagesOf, isRecord, type Props } from "./resources";

/** Which images the Go version rules read the binary of (config `imageBinaries` of each of them). */
export interface ImageBinariesConfig {
  /** Only digest-pinned images under these `registry` or `registry/path` prefixes are read (whole path segments, e.g. "ghcr.io/acme"). */
  prefixes: string[];
  /**
   * Largest image read, in bytes: the sum of the layer sizes its manifests declare
   * (every platform's), checked before any layer is downloaded.
   * @default 536870912 (512 MiB)
   */
  maxImageBytes?: number;
  /**
   * Registries spoken to over plain HTTP (loopback test registries).
   * @default []
   */
  insecureRegistries?: string[];
}

export const DEFAULT_MAX_IMAGE_BYTES = 512 * 1024 * 1024;

export interface ImageGoBinary {
  /** `linux/amd64`, `linux/arm64/v8`. */
  readonly platform: string;
  /** Absolute path in the image's filesystem, e.g. `/app/server`. */
  readonly path: string;
  /** Whether it is the file the image's entrypoint runs (otherwise the fallback found it). */
  readonly entrypoint: boolean;
  readonly info: GoBuildInfo;
}

export interface ImageBinaryRead {
  /** The Go binaries judged: each platform's entrypoint, or every Go executable in a platform whose entrypoint is not one. */
  readonly binaries: readonly ImageGoBinary[];
  /** Why the image, or one of its platforms, could not be judged. */
  readonly problems: readonly string[];
  /** Bytes downloaded from the registry (manifests, configs, layers). */
  readonly bytesRead: number;
}

export interface ImageBinaries {
  readonly where: string;
  /** `registry/repository[:tag]@sha256:…`, as the resource names it (normalised). */
  readonly image: string;
  readonly read: ImageBinaryRead;
}

// ---------------------------------------------------------------------------------
// The image's filesystem: layers as the container runtime unions them.

export type LayerEntry =
  | { readonly kind: "file"; readonly info?: GoBuildInfo; /** Why it is not a Go executable. */ readonly problem?: string }
  | { readonly kind: "symlink"; readonly target: string }
  | { readonly kind: "hardlink"; /** Normalised path of the linked file. */ readonly target: string }
  | { readonly kind: "directory" | "other" };

/** One layer's entries, by normalised path (no leading `/`; the root is ""). */
export interface LayerIndex {
  readonly entries: ReadonlyMap<string, LayerEntry>;
  /** Paths a whiteout (`.wh.<name>`) removes from the layers below. */
  readonly whiteouts: ReadonlySet<string>;
  /** Directories whose contents in the layers below an opaque whiteout (`.wh..wh..opq`) hides. */
  readonly opaque: ReadonlySet<string>;
}

/** `path` resolved against directory `from` (both inside the image's root; `..` stops at the root), without a leading `/`. */
export function normalisePath(path: string, from = ""): string {
  const parts = path.startsWith("/") ? [] : from.split("/").filter((p) => p !== "" && p !== ".");
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf("/")));
const ELF_MAGIC = 0x7f454c46;

async function fileEntry(data: AsyncIterable<Buffer>, size: number, maxFileBytes: number, path: string): Promise<LayerEntry> {
  const chunks: Buffer[] = [];
  let held = 0;
  let elf: boolean | undefined;
  for await (const chunk of data) {
    if (elf === false || size > maxFileBytes) continue;
    chunks.push(chunk);
    held += chunk.length;
    if (elf === undefined && held >= 4) {
      elf = Buffer.concat(chunks).readUInt32BE(0) === ELF_MAGIC;
      if (!elf) chunks.length = 0;
    }
  }
  if (size > maxFileBytes) return { kind: "file", problem: `it is ${String(size)} bytes, more than maxImageBytes` };
  if (elf !== true) return { kind: "file", problem: "it is not an ELF executable" };
  try {
    return { kind: "file", info: parseBuildInfo(Buffer.concat(chunks), `/${path}`) };
  } catch (err) {
    return { kind: "file", problem: (err as Error).message };
  }
}

/**
 * Reads one layer's tar stream (uncompressed): every entry's kind and link target,
 * whiteouts, and the build info of every ELF file (held in memory one at a time,
 * none larger than `maxFileBytes`).
 */
export async function indexLayer(tar: NodeJS.ReadableStream, maxFileBytes: number): Promise<LayerIndex> {
  const entries = new Map<string, LayerEntry>();
  const whiteouts = new Set<string>();
  const opaque = new Set<string>();
  const ex = extract();
  tar.on("error", (err: Error) => {
    ex.destroy(err);
  });
  tar.pipe(ex);
  for await (const entry of ex) {
    const { name, type, linkname, size } = entry.header;
    const path = normalisePath(name);
    const dir = parentOf(path);
    const base = path.slice(path.lastIndexOf("/") + 1);
    const data = entry as unknown as AsyncIterable<Buffer>;
    if (type === "file" || type === "contiguous-file") {
      if (base === ".wh..wh..opq") opaque.add(dir);
      else if (base.startsWith(".wh.")) whiteouts.add(normalisePath(base.slice(4), dir));
      else {
        entries.set(path, await fileEntry(data, size, maxFileBytes, path));
        continue;
      }
    } else if (type === "symlink") {
      entries.set(path, { kind: "symlink", target: linkname });
    } else if (type === "link") {
      entries.set(path, { kind: "hardlink", target: normalisePath(linkname) });
    } else {
      entries.set(path, { kind: type === "directory" ? "directory" : "other" });
    }
    entry.resume(); // the next entry comes once this one's data is skipped
  }
  return { entries, whiteouts, opaque };
}

export type Resolution = { readonly found: string; /** Index in the layers given (0 = top). */ readonly layer: number } | { readonly missing: string } | { readonly undetermined: true };

const MAX_LINKS = 40;

/**
 * Where `path` (normalised) is in the union of `layers`, given top first. With
 * `complete` false the layers below the ones given are not read yet, and a path
 * none of these decides is undetermined.
 */
export function resolvePath(layers: readonly LayerIndex[], complete: boolean, path: string, links = 0): Resolution {
  if (links > MAX_LINKS) return { missing: `/${path}: too many levels of symbolic links` };
  const parts = path.split("/").filter((p) => p !== "");
  const follow = (target: string) => resolvePath(layers, complete, target, links + 1);
  for (const [index, layer] of layers.entries()) {
    for (let k = 1; k < parts.length; k++) {
      const dir = parts.slice(0, k).join("/");
      const above = layer.entries.get(dir);
      if (above === undefined || above.kind === "directory") continue;
      if (above.kind === "symlink") return follow(normalisePath(parts.slice(k).join("/"), normalisePath(above.target, parentOf(dir))));
      return { missing: `/${dir} is not a directory` };
    }
    const entry = layer.entries.get(path);
    if (entry?.kind === "file") return { found: path, layer: index };
    if (entry?.kind === "symlink") return follow(normalisePath(entry.target, parentOf(path)));
    if (entry?.kind === "hardlink") return follow(entry.target);
    if (entry !== undefined) return { missing: `/${path} is a ${entry.kind === "other" ? "special file" : entry.kind}` };
    for (let k = 1; k <= parts.length; k++) {
      const p = parts.slice(0, k).join("/");
      if (layer.whiteouts.has(p)) return { missing: `/${p} is deleted by a whiteout` };
    }
    for (let k = 0; k < parts.length; k++) {
      const d = parts.slice(0, k).join("/");
      if (layer.opaque.has(d)) return { missing: `/${path} is not in the image (/${d} is an opaque directory above it)` };
    }
  }
  return complete ? { missing: `/${path} is not in the image` } : { undetermined: true };
}

/** The run settings of an image config (`config` of the config blob). */
export interface ImageRunConfig {
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly WorkingDir?: string;
  readonly Env?: readonly string[] | null;
}

/** PATH when the image sets none (what Docker and containerd use). */
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The program an image runs (Entrypoint[0], else Cmd[0]) and the paths the runtime
 * tries for it, in order: one path when it holds a `/` (relative to WorkingDir when
 * not absolute), otherwise each PATH directory.
 */
export function entrypointCandidates(config: ImageRunConfig): { program?: string; paths: string[] } {
  const argv = config.Entrypoint !== undefined && config.Entrypoint !== null && config.Entrypoint.length > 0 ? config.Entrypoint : (config.Cmd ?? []);
  const program = argv[0];
  if (program === undefined || program === "") return { paths: [] };
  const workdir = normalisePath(config.WorkingDir ?? "/");
  if (program.includes("/")) return { program, paths: [normalisePath(program, workdir)] };
  const env = (config.Env ?? []).filter((e) => e.startsWith("PATH=")).at(-1);
  const dirs = (env === undefined ? DEFAULT_PATH : env.slice(5)).split(":").filter((d) => d !== "");
  return { program, paths: dirs.map((d) => normalisePath(program, normalisePath(d, workdir))) };
}

function resolveEntrypoint(layers: readonly LayerIndex[], complete: boolean, paths: readonly string[]): Resolution {
  let last: Resolution = { missing: "it is not in the image" };
  for (const path of paths) {
    const r = resolvePath(layers, complete, path);
    if (!("missing" in r)) return r;
    last = r;
  }
  return paths.length > 1 ? { missing: `it is in none of the PATH directories (${paths.map((p) => `/${parentOf(p)}`).join(":")})` } : last;
}

/**
 * The Go binaries of one platform's image: reads layers top down through
 * `openLayer(i)` (0 = bottom, as the manifest lists them) until the entrypoint file
 * is decided; if it is a Go executable, that one binary; otherwise every layer, and
 * every Go executable visible in the filesystem.
 */
export async function goBinariesOfLayers(
  config: ImageRunConfig,
  layerCount: number,
  openLayer: (i: number) => Promise<LayerIndex>,
  platform: string,
): Promise<{ binaries: ImageGoBinary[]; problem?: string }> {
  const { program, paths } = entrypointCandidates(config);
  const layers: LayerIndex[] = [];
  let entry: Resolution = paths.length === 0 ? { missing: "" } : layerCount === 0 ? { missing: "the image has no layers" } : { undetermined: true };
  for (let i = layerCount - 1; i >= 0; i--) {
    layers.push(await openLayer(i));
    if ("undetermined" in entry) entry = resolveEntrypoint(layers, i === 0, paths);
    if ("found" in entry) {
      const file = layers[entry.layer]?.entries.get(entry.found);
      if (file?.kind === "file" && file.info !== undefined) return { binaries: [{ platform, path: `/${entry.found}`, entrypoint: true, info: file.info }] };
    }
  }
  const binaries: ImageGoBinary[] = [];
  const seen = new Set<string>();
  for (const [index, layer] of layers.entries()) {
    for (const [path, file] of layer.entries) {
      if (file.kind !== "file" || file.info === undefined || seen.has(path)) continue;
      seen.add(path);
      const r = resolvePath(layers, true, path);
      if ("found" in r && r.found === path && r.layer === index) binaries.push({ platform, path: `/${path}`, entrypoint: false, info: file.info });
    }
  }
  binaries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (binaries.length > 0) return { binaries };
  let why: string;
  if (program === undefined) why = "it sets no Entrypoint or Cmd";
  else if ("found" in entry) {
    const file = layers[entry.layer]?.entries.get(entry.found);
    why = `its entrypoint ${program} (/${entry.found}) is not a Go executable (${file?.kind === "file" ? (file.problem ?? "") : ""})`;
  } else why = `its entrypoint ${program} is not there (${"missing" in entry ? entry.missing : "it is not in the image"})`;
  return { binaries, problem: `${why}, and no other file in it is a Go executable` };
}

// ---------------------------------------------------------------------------------
// Reading from the registry.

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");
/** The distribution spec's manifest size limit; image configs are far smaller. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
}

function descriptor(value: unknown, what: string): Descriptor {
  if (!isRecord(value) || typeof value.digest !== "string" || !DIGEST.test(value.digest) || typeof value.size !== "number" || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new Error(`${what} is not a sha256 descriptor with a size`);
  }
  const platform = isRecord(value.platform) ? (value.platform as Descriptor["platform"]) : undefined;
  return { mediaType: typeof value.mediaType === "string" ? value.mediaType : "", digest: value.digest, size: value.size, ...(platform === undefined ? {} : { platform }) };
}


/** Registry reads for one image, each counted and checked against its digest. */
class ImageReader {
  bytesRead = 0;

  constructor(
    private readonly client: RegistryClient,
    private readonly base: string,
  ) {}

  private async get(path: string, accept?: string): Promise<Response> {
    let response: Response;
    try {
      response = await this.client.request("GET", `${this.base}/${path}`, undefined, accept === undefined ? {} : { Accept: accept });
    } catch (err) {
      throw new Error(`${this.client.registry} could not be reached: ${(err as Error).message}`, { cause: err });
    }
    if (!response.ok) throw new Error(`${this.client.registry} answered HTTP ${String(response.status)} for ${path}`);
    return response;
  }

  async json(path: string, digest: string): Promise<Record<string, unknown>> {
    const response = await this.get(path, path.startsWith("manifests/") ? MANIFEST_ACCEPT : undefined);
    const data = Buffer.from(await response.arrayBuffer());
    this.bytesRead += data.length;
    if (data.length > MAX_JSON_BYTES) throw new Error(`${path} is ${String(data.length)} bytes, more than ${String(MAX_JSON_BYTES)}`);
    if (sha256Digest(data) !== digest) throw new Error(`${path}: the registry's content does not match its digest`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString("utf8"));
    } catch {
      throw new Error(`${path} is not JSON`);
    }
    if (!isRecord(parsed)) throw new Error(`${path} is not a JSON object`);
    return parsed;
  }

  async layer(layer: Descriptor, maxFileBytes: number): Promise<LayerIndex> {
    if (/zstd/.test(layer.mediaType)) throw new Error(`layer ${layer.digest} is ${layer.mediaType}, which goplatform does not read (gzip and uncompressed tar only)`);
    const response = await this.get(`blobs/${layer.digest}`);
    if (response.body === null) throw new Error(`${this.client.registry} sent no body for layer ${layer.digest}`);
    const hash = createHash("sha256");
    let count = 0;
    const counted = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        count += chunk.length;
        this.bytesRead += chunk.length;
        if (count > layer.size) {
          done(new Error(`layer ${layer.digest} is larger than the ${String(layer.size)} bytes its manifest declares`));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const noop = () => undefined;
    const tar = /gzip/.test(layer.mediaType) ? pipeline(source, counted, createGunzip(), noop) : pipeline(source, counted, noop);
    const index = await indexLayer(tar, maxFileBytes);
    if (count !== layer.size || `sha256:${hash.digest("hex")}` !== layer.digest) throw new Error(`layer ${layer.digest}: the registry's content does not match its digest and size`);
    return index;
  }
}

function platformName(p: Descriptor["platform"] | { os?: unknown; architecture?: unknown; variant?: unknown }): string {
  const part = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return [part(p?.os) ?? "?", part(p?.architecture) ?? "?", part(p?.variant)].filter((x) => x !== undefined).join("/");
}

async function readImage(ref: ImageRef, digest: string, config: ImageBinariesConfig): Promise<ImageBinaryRead> {
  const insecure = config.insecureRegistries?.includes(ref.registry) === true;
  const max = config.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const reader = new ImageReader(new RegistryClient(ref.registry, dockerConfigCredentials()[ref.registry], insecure), repositoryUrl(ref, insecure));
  const binaries: ImageGoBinary[] = [];
  const problems: string[] = [];
  try {
    const top = await reader.json(`manifests/${digest}`, digest);
    const images: { platform?: string; manifest: Record<string, unknown> }[] = [];
    if (Array.isArray(top.manifests)) {
      const entries = top.manifests.map((m, i) => descriptor(m, `manifests[${String(i)}]`)).filter((m) => m.platform?.os === "linux" && m.platform.architecture !== "unknown");
      if (entries.length === 0) throw new Error("its index lists no linux image");
      for (const entry of entries) images.push({ platform: platformName(entry.platform), manifest: await reader.json(`manifests/${entry.digest}`, entry.digest) });
    } else {
      images.push({ manifest: top });
    }
    const parsed = images.map(({ platform, manifest }) => {
      if (!Array.isArray(manifest.layers)) throw new Error("its manifest is not an OCI or Docker v2 image manifest (no layers)");
      return { platform, config: descriptor(manifest.config, "config"), layers: manifest.layers.map((l, i) => descriptor(l, `layers[${String(i)}]`)) };
    });
    const total = parsed.reduce((sum, image) => sum + image.layers.reduce((s, l) => s + l.size, 0), 0);
    if (total > max) throw new Error(`its layers total ${String(total)} bytes, more than maxImageBytes ${String(max)}; raise imageBinaries.maxImageBytes to read it`);
    for (const image of parsed) {
      const blob = await reader.json(`blobs/${image.config.digest}`, image.config.digest);
      const platform = image.platform ?? platformName(blob);
      const run = isRecord(blob.config) ? (blob.config as ImageRunConfig) : {};
      const found = await goBinariesOfLayers(run, image.layers.length, (i) => reader.layer(image.layers[i] as Descriptor, max), platform);
      binaries.push(...found.binaries);
      if (found.problem !== undefined) problems.push(parsed.length > 1 ? `${platform}: ${found.problem}` : found.problem);
    }
  } catch (err) {
    problems.push((err as Error).message);
  }
  return { binaries, problems, bytesRead: reader.bytesRead };
}

/** Images already read (by digest, size limit and transport): every rule judges the same read. */
const reads = new Map<string, Promise<ImageBinaryRead>>();

function readOnce(ref: ImageRef, digest: string, config: ImageBinariesConfig): Promise<ImageBinaryRead> {
  const key = JSON.stringify([imageName(ref), digest, config.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES, config.insecureRegistries?.includes(ref.registry) === true]);
  let read = reads.get(key);
  if (read === undefined) {
    read = readImage(ref, digest, config);
    reads.set(key, read);
  }
  return read;
}

/** The digest-pinned images of a resource under `config.prefixes`, with their Go binaries. None without a config. */
export async function imageBinariesOf(type: string, props: Props, config: ImageBinariesConfig | undefined): Promise<ImageBinaries[]> {
  const prefixes = config?.prefixes ?? [];
  if (config === undefined || prefixes.length === 0) return [];
  const out: ImageBinaries[] = [];
  for (const { where, image } of imagesOf(type, props)) {
    const ref = parseImageRef(image);
    if (ref?.digest === undefined || !prefixes.some((p) => isUnderPrefix(ref, p))) continue;
    out.push({ where, image: `${imageName(ref)}${ref.tag === undefined ? "" : `:${ref.tag}`}@${ref.digest}`, read: await readOnce(ref, ref.digest, config) });
  }
  return out;
}

/**
 * Binaries of one read grouped by `key` (the fallback can find many, e.g. a Go
 * toolchain image's tools): the first of each group by path, and how many more.
 */
export function groupBinaries(binaries: readonly ImageGoBinary[], key: (b: ImageGoBinary) => string | undefined): { first: ImageGoBinary; key: string; others: number }[] {
  const groups = new Map<string, { first: ImageGoBinary; key: string; others: number }>();
  for (const b of binaries) {
    const k = key(b);
    if (k === undefined) continue;
    const g = groups.get(`${b.platform}\0${k}`);
    if (g === undefined) groups.set(`${b.platform}\0${k}`, { first: b, key: k, others: 0 });
    else g.others++;
  }
  return [...groups.values()];
}

/** How a message names a binary of an image: `image (linux/amd64 /app/server, …)`. */
export function describeBinary(image: string, group: { first: ImageGoBinary; others: number }): string {
  const b = group.first;
  const more = group.others === 0 ? "" : ` and ${String(group.others)} other Go binar${group.others === 1 ? "y" : "ies"} alike`;
  return `${image} (${b.platform} ${b.path}${more}, ${b.entrypoint ? "its entrypoint" : "not its entrypoint, which is not a Go binary"}; from the binary's build info)`;
}
