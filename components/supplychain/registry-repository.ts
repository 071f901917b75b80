/**
 * One repository of a registry, spoken to through the OCI distribution API: what
 * pushing an image, its signatures and its attestations is made of.
 */
import { createHash } from "node:crypto";
import { RegistryClient, type RegistryCredentials } from "./registry-client";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

/** A blob: its bytes, their media type, digest and size. */
export interface Blob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly data: Buffer;
}

export const sha256Digest = (data: Buffer): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** A JSON document as a blob (compact `JSON.stringify`, so the same value gives the same digest). */
export function jsonBlob(mediaType: string, value: unknown): Blob {
  const data = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: sha256Digest(data), size: data.length, data };
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

/**
 * One repository of a registry, through the OCI distribution API: blobs pushed only
 * when missing, manifests put and read. One client, so a Bearer token is asked for once.
 */
export class RegistryRepository {
  private readonly client: RegistryClient;
  private readonly base: string;

  constructor(readonly target: PushTarget) {
    this.base = `${target.insecure === true ? "http" : "https"}://${target.registry}/v2/${target.repository}`;
    this.client = new RegistryClient(target.registry, target.credentials, target.insecure === true);
  }

  /** `registry/repository`, the name image references and signature claims use. */
  get name(): string {
    return `${this.target.registry}/${this.target.repository}`;
  }

  async pushBlob(blob: Blob): Promise<void> {
    const { registry, repository } = this.target;
    const head = await this.client.request("HEAD", `${this.base}/blobs/${blob.digest}`);
    if (head.status === 200) return;
    const start = await this.client.request("POST", `${this.base}/blobs/uploads/`);
    const location = start.headers.get("location");
    if (start.status !== 202 || location === null) throw new Error(`registry ${registry}: starting an upload to ${repository} failed with HTTP ${start.status}`);
    const url = new URL(location, this.base);
    url.searchParams.set("digest", blob.digest);
    const put = await this.client.request("PUT", url.toString(), blob.data, { "Content-Type": "application/octet-stream" });
    if (put.status !== 201) throw new Error(`registry ${registry}: uploading ${blob.digest} failed with HTTP ${put.status}`);
  }

  /** Puts a manifest under `reference` (a tag or its digest) and checks the digest the registry stored it as. */
  async putManifest(reference: string, manifest: Blob): Promise<void> {
    const { registry } = this.target;
    const put = await this.client.request("PUT", `${this.base}/manifests/${reference}`, manifest.data, { "Content-Type": manifest.mediaType });
    if (put.status !== 201) throw new Error(`registry ${registry}: pushing the manifest ${reference} to ${this.target.repository} failed with HTTP ${put.status}: ${await put.text()}`);
    const returned = put.headers.get("docker-content-digest");
    if (returned !== null && returned !== manifest.digest) {
      throw new Error(`registry ${registry}: stored the manifest as ${returned}, expected ${manifest.digest}`);
    }
  }

  /** An OCI image manifest by tag or digest; undefined when the registry has none. */
  async getManifest(reference: string): Promise<Buffer | undefined> {
    return this.get(`manifests/${reference}`, `${OCI_MANIFEST}, application/vnd.docker.distribution.manifest.v2+json`);
  }

  /** A blob, checked against its digest; undefined when missing. */
  async getBlob(digest: string): Promise<Buffer | undefined> {
    const data = await this.get(`blobs/${digest}`);
    if (data !== undefined && sha256Digest(data) !== digest) throw new Error(`registry ${this.target.registry}: blob ${digest} in ${this.target.repository} does not match its digest`);
    return data;
  }

  private async get(pathAndQuery: string, accept?: string): Promise<Buffer | undefined> {
    const response = await this.client.request("GET", `${this.base}/${pathAndQuery}`, undefined, accept === undefined ? {} : { Accept: accept });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`registry ${this.target.registry}: GET ${pathAndQuery} in ${this.target.repository} failed with HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
}
