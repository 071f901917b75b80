/**
 * Daemonless container images for Go services: the Go toolchain builds the static
 * binary, this module lays it on a minimal non-root root filesystem as OCI layers
 * and pushes them through the registry (OCI distribution) API. No Docker daemon.
 *
 * Every byte is a function of the binary and the arguments (fixed timestamps,
 * owners and entry order, deterministic gzip), so the same build gives the same
 * image digest.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { rootCertificates } from "node:tls";
import { gzipSync } from "fflate";
import { pack, type Header } from "tar-stream";
import { goMetadata, parseBuildInfo, type GoBuildInfo } from "../go";
import { signAndAttestGoImage, type GoImageBuild, type ImageSigningKey, type SignedImage } from "./signing";
import { jsonBlob, OCI_MANIFEST, RegistryRepository, sha256Digest, type Blob, type PushTarget } from "./registry-repository";

type EntryHeader = Partial<Header> & { name: string };

export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

/** uid/gid of the unprivileged user the service runs as (distroless's `nonroot`). */
export const NONROOT_ID = 65532;

export interface OciImage {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
  /**
   * The Go build of the binary the image runs: its build info (`parseBuildInfo`) and the
   * ldflags it was built with, what its SBOM and provenance are made from; undefined when
   * the binary carries no build info (not a Go binary).
   */
  readonly goBuild?: GoImageBuild;
}

export interface GoImageArgs {
  /** Path of the static linux binary (e.g. from buildGo). */
  binary: string;
  /** File name of the binary inside the image, under /app. Default: "server". */
  name?: string;
  arch: "arm64" | "amd64";
  /** Go toolchain and main module, recorded as image labels. */
  goVersion: string;
  goModule: string;
  /** Extra environment, `KEY=value`. Default: none. */
  env?: string[];
  /**
   * The linker flags the binary was built with (buildGo's `ldflags`), for its provenance:
   * under `-trimpath` cmd/go does not record them in the binary. Default: not recorded.
   */
  ldflags?: string;
}

const EPOCH = new Date(0);

async function tarOf(entries: { header: EntryHeader; data?: Buffer }[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  for (const { header, data } of entries) {
    await new Promise<void>((resolve, reject) => {
      tar.entry({ ...{ mtime: EPOCH, uname: "", gname: "", uid: 0, gid: 0 }, ...header }, data ?? Buffer.alloc(0), (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

function layerBlob(tar: Buffer): { blob: Blob; diffId: string } {
  // fflate's gzip: fixed header (mtime 0), same bytes on every Node.js version.
  const data = Buffer.from(gzipSync(tar, { level: 9, mtime: 0 }));
  return { blob: { mediaType: OCI_LAYER_GZIP, digest: sha256Digest(data), size: data.length, data }, diffId: sha256Digest(tar) };
}

/**
 * The base root filesystem, distroless-style: `root` and the unprivileged `nonroot`
 * user, a home and /tmp, and the Mozilla CA bundle so the service can call TLS
 * endpoints. The CA bundle is the one Node.js ships (`tls.rootCertificates`), so it
 * changes only when the pinned Node.js version does.
 */
export function baseRootFilesystem(): { header: EntryHeader; data?: Buffer }[] {
  return [
    { header: { name: "etc/", type: "directory", mode: 0o755 } },
    { header: { name: "etc/passwd", mode: 0o644 }, data: Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_ID}:${NONROOT_ID}:nonroot:/home/nonroot:/sbin/nologin\n`) },
    { header: { name: "etc/group", mode: 0o644 }, data: Buffer.from(`root:x:0:\nnonroot:x:${NONROOT_ID}:\n`) },
    { header: { name: "etc/ssl/", type: "directory", mode: 0o755 } },
    { header: { name: "etc/ssl/certs/", type: "directory", mode: 0o755 } },
    { header: { name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644 }, data: Buffer.from(`${rootCertificates.join("\n")}\n`) },
    { header: { name: "home/", type: "directory", mode: 0o755 } },
    { header: { name: "home/nonroot/", type: "directory", mode: 0o700, uid: NONROOT_ID, gid: NONROOT_ID } },
    { header: { name: "tmp/", type: "directory", mode: 0o1777 } },
  ];
}

/**
 * Builds the image: the base root filesystem layer and an application layer with
 * the binary at /app/<name>, owned by root and not writable by the service user,
 * which the image runs as.
 */
export async function buildGoImage(args: GoImageArgs): Promise<OciImage> {
  const name = args.name ?? "server";
  const binary = await readFile(args.binary);
  const rootfs = await tarOf(baseRootFilesystem());
  const app = await tarOf([
    { header: { name: "app/", type: "directory", mode: 0o755 } },
    { header: { name: `app/${name}`, mode: 0o755 }, data: binary },
  ]);
  const layers = [layerBlob(rootfs), layerBlob(app)];
  const config = jsonBlob(OCI_CONFIG, {
    architecture: args.arch,
    os: "linux",
    created: EPOCH.toISOString(),
    config: {
      User: `${NONROOT_ID}:${NONROOT_ID}`,
      Entrypoint: [`/app/${name}`],
      Env: ["PATH=/app", ...(args.env ?? [])],
      WorkingDir: "/",
      Labels: goMetadata(args.goVersion, args.goModule),
    },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
  });
  const manifest = jsonBlob(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map(({ blob }) => ({ mediaType: blob.mediaType, digest: blob.digest, size: blob.size })),
  });
  let info: GoBuildInfo | undefined;
  try {
    info = parseBuildInfo(binary, args.binary);
  } catch {
    info = undefined;
  }
  const goBuild = info === undefined ? undefined : { info, ...(args.ldflags === undefined ? {} : { ldflags: args.ldflags }) };
  return { manifest, config, layers: layers.map((l) => l.blob), ...(goBuild === undefined ? {} : { goBuild }) };
}

export interface DockerContext {
  /** The build context directory; its Dockerfile is at `<context>/Dockerfile`. */
  readonly context: string;
  /** sha256 (hex) over the context's files: the same inputs give the same value. */
  readonly contentHash: string;
}

/**
 * Writes a Docker build context for the same image under `parentDir`: the base root
 * filesystem, the binary and a Dockerfile `FROM scratch`, so the Docker builder
 * pulls no base image and produces the same files, user, entrypoint and labels as
 * {@link buildGoImage}. (Docker stamps its own layer metadata, so its digest differs
 * from the daemonless build's.) The directory is named by its content and written
 * atomically, so concurrent and repeated calls agree.
 */
export async function writeDockerContext(args: GoImageArgs, parentDir: string): Promise<DockerContext> {
  const name = args.name ?? "server";
  const labels = Object.entries(goMetadata(args.goVersion, args.goModule)).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const dockerfile = [
    "# Generated by goplatform (writeDockerContext); the daemonless builder makes the same filesystem.",
    "FROM scratch",
    "COPY --chown=0:0 rootfs/ /",
    `COPY --chown=${NONROOT_ID}:${NONROOT_ID} rootfs/home/nonroot/ /home/nonroot/`,
    `COPY --chown=0:0 ${name} /app/${name}`,
    `ENV ${["PATH=/app", ...(args.env ?? [])].map(dockerEnv).join(" ")}`,
    `LABEL ${labels.join(" ")}`,
    `USER ${NONROOT_ID}:${NONROOT_ID}`,
    "WORKDIR /",
    `ENTRYPOINT ["/app/${name}"]`,
    "",
  ].join("\n");
  const files: { rel: string; mode: number; data?: Buffer }[] = [
    ...baseRootFilesystem().map(({ header, data }) => ({ rel: path.join("rootfs", header.name), mode: header.mode ?? 0o644, data: header.type === "directory" ? undefined : (data ?? Buffer.alloc(0)) })),
    { rel: name, mode: 0o755, data: await readFile(args.binary) },
    { rel: "Dockerfile", mode: 0o644, data: Buffer.from(dockerfile) },
  ];
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.rel}\0${f.mode.toString(8)}\0`).update(f.data ?? "");
  const contentHash = hash.digest("hex");
  const context = path.join(parentDir, `docker-context-${contentHash.slice(0, 16)}`);
  if (existsSync(path.join(context, "Dockerfile"))) return { context, contentHash };

  const staging = `${context}.${randomUUID()}.partial`;
  for (const f of files) {
    const target = path.join(staging, f.rel);
    if (f.data === undefined) await mkdir(target, { recursive: true });
    else await writeFile(target, f.data);
    await chmod(target, f.mode);
  }
  try {
    await rename(staging, context);
  } catch (err) {
    // Another writer got there first with the same content.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(path.join(context, "Dockerfile"))) throw err;
  }
  return { context, contentHash };
}

/** `KEY=value` as a Dockerfile ENV pair with the value quoted. */
function dockerEnv(entry: string): string {
  const eq = entry.indexOf("=");
  return `${entry.slice(0, eq)}=${JSON.stringify(entry.slice(eq + 1))}`;
}

export interface PushOptions {
  /**
   * Sign the image with the platform's cosign key right after the push, and attach its
   * SBOM and SLSA provenance (see {@link signAndAttestGoImage}): the encrypted
   * cosign.key and its password, or a key already opened with `loadCosignKey`. The
   * image must carry Go build info (built by {@link buildGoImage} from a Go binary).
   * Default: none (not signed).
   */
  signing?: ImageSigningKey;
}

export interface PushedImage {
  readonly digest: string;
  /** `registry/repository@sha256:…`. */
  readonly reference: string;
  /** Where the signature and attestations went, when `signing` was given. */
  readonly signed?: SignedImage;
}

/**
 * Pushes blobs then the manifest; with `signing`, then signs and attests it. Returns
 * `registry/repository@sha256:…`.
 */
export async function pushImage(image: OciImage, target: PushTarget, options: PushOptions = {}): Promise<PushedImage> {
  if (options.signing !== undefined && image.goBuild === undefined) {
    throw new Error(`pushImage: cannot attest ${target.registry}/${target.repository}@${image.manifest.digest}: its binary has no Go build info to make the SBOM and provenance from`);
  }
  const repository = new RegistryRepository(target);
  for (const blob of [...image.layers, image.config]) await repository.pushBlob(blob);
  await repository.putManifest(target.tag ?? image.manifest.digest, image.manifest);
  const pushed = { digest: image.manifest.digest, reference: `${repository.name}@${image.manifest.digest}` };
  if (options.signing === undefined || image.goBuild === undefined) return pushed;
  return { ...pushed, signed: await signAndAttestGoImage(target, image.manifest.digest, image.goBuild, options.signing) };
}
