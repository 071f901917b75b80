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
import { goMetadata } from "../go";
import { RegistryClient, type RegistryCredentials } from "./registry-client";

type EntryHeader = Partial<Header> & { name: string };

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

/** uid/gid of the unprivileged user the service runs as (distroless's `nonroot`). */
export const NONROOT_ID = 65532;

export interface Blob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly data: Buffer;
}

export interface OciImage {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
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
}

const EPOCH = new Date(0);

const digestOf = (data: Buffer): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

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
  return { blob: { mediaType: OCI_LAYER_GZIP, digest: digestOf(data), size: data.length, data }, diffId: digestOf(tar) };
}

function jsonBlob(mediaType: string, value: unknown): Blob {
  const data = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: digestOf(data), size: data.length, data };
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
  const rootfs = await tarOf(baseRootFilesystem());
  const app = await tarOf([
    { header: { name: "app/", type: "directory", mode: 0o755 } },
    { header: { name: `app/${name}`, mode: 0o755 }, data: await readFile(args.binary) },
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
  return { manifest, config, layers: layers.map((l) => l.blob) };
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

export interface PushTarget {
  /** Registry host[:port], e.g. "europe-docker.pkg.dev" or "127.0.0.1:5000". */
  registry: string;
  /** Repository path, e.g. "my-project/services/api". */
  repository: string;
  /** Tag to set as well as the digest. Default: none (pushed by digest only). */
  tag?: string;
  /** Plain HTTP, for a registry on loopback in tests. Default: false (HTTPS). */
  insecure?: boolean;
  /** Credentials: Basic auth, also used to obtain a Bearer token when the registry asks for one. */
  credentials?: RegistryCredentials;
}

/** Pushes blobs then the manifest; returns `registry/repository@sha256:…`. */
export async function pushImage(image: OciImage, target: PushTarget): Promise<{ digest: string; reference: string }> {
  const base = `${target.insecure === true ? "http" : "https"}://${target.registry}/v2/${target.repository}`;
  const client = new RegistryClient(target.registry, target.credentials, target.insecure === true);
  for (const blob of [...image.layers, image.config]) {
    const head = await client.request("HEAD", `${base}/blobs/${blob.digest}`);
    if (head.status === 200) continue;
    const start = await client.request("POST", `${base}/blobs/uploads/`);
    const location = start.headers.get("location");
    if (start.status !== 202 || location === null) throw new Error(`registry ${target.registry}: starting an upload to ${target.repository} failed with HTTP ${start.status}`);
    const url = new URL(location, base);
    url.searchParams.set("digest", blob.digest);
    const put = await client.request("PUT", url.toString(), blob.data, { "Content-Type": "application/octet-stream" });
    if (put.status !== 201) throw new Error(`registry ${target.registry}: uploading ${blob.digest} failed with HTTP ${put.status}`);
  }
  const manifestRef = target.tag ?? image.manifest.digest;
  const put = await client.request("PUT", `${base}/manifests/${manifestRef}`, image.manifest.data, { "Content-Type": image.manifest.mediaType });
  if (put.status !== 201) throw new Error(`registry ${target.registry}: pushing the manifest failed with HTTP ${put.status}: ${await put.text()}`);
  const returned = put.headers.get("docker-content-digest");
  if (returned !== null && returned !== image.manifest.digest) {
    throw new Error(`registry ${target.registry}: stored the manifest as ${returned}, expected ${image.manifest.digest}`);
  }
  return { digest: image.manifest.digest, reference: `${target.registry}/${target.repository}@${image.manifest.digest}` };
}
