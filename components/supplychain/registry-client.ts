/**
 * A small OCI distribution API client: requests go out without credentials, and
 * answer a 401 the way registries ask — Basic auth, or a Bearer token from the
 * challenge's realm (docker token auth, anonymous when no credentials are given).
 * Credentials are sent only to the registry host and the realm it names, only for a
 * challenge the registry itself sent, and to a realm over HTTPS (plain HTTP only for
 * an insecure loopback test registry).
 */
import { normaliseRegistry, type ImageRef } from "./image-ref";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export class RegistryClient {
  private authorization: string | undefined;

  constructor(
    readonly registry: string,
    private readonly credentials?: RegistryCredentials,
    private readonly insecure = false,
  ) {}

  async request(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Response> {
    const send = () => fetch(url, { method, body, headers: { ...headers, ...(this.authorization === undefined ? {} : { Authorization: this.authorization }) }, redirect: "follow" });
    const first = await send();
    if (first.status !== 401 || this.authorization !== undefined) return first;
    // A 401 from somewhere a redirect led to is not the registry asking.
    if (first.url !== "" && normaliseRegistry(new URL(first.url).host) !== normaliseRegistry(this.registry)) return first;
    const challenge = first.headers.get("www-authenticate") ?? "";
    if (/^Basic/i.test(challenge) && this.credentials !== undefined) {
      this.authorization = `Basic ${this.basic(this.credentials)}`;
    } else if (/^Bearer /i.test(challenge)) {
      this.authorization = `Bearer ${await this.fetchToken(challenge)}`;
    } else {
      return first;
    }
    return send();
  }

  private basic(c: RegistryCredentials): string {
    return Buffer.from(`${c.username}:${c.password}`).toString("base64");
  }

  private async fetchToken(challenge: string): Promise<string> {
    const params: Partial<Record<string, string>> = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
    if (params.realm === undefined) throw new Error(`registry ${this.registry}: Bearer challenge without a realm`);
    const url = new URL(params.realm);
    if (url.protocol !== "https:" && !(this.insecure && url.protocol === "http:")) {
      throw new Error(`registry ${this.registry}: refusing token realm ${url.origin}: credentials go only over HTTPS`);
    }
    if (params.service !== undefined) url.searchParams.set("service", params.service);
    if (params.scope !== undefined) url.searchParams.set("scope", params.scope);
    const c = this.credentials;
    const response = await fetch(url, { headers: c === undefined ? {} : { Authorization: `Basic ${this.basic(c)}` } });
    if (!response.ok) throw new Error(`registry ${this.registry}: token request to ${url.origin} failed with HTTP ${String(response.status)}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined) throw new Error(`registry ${this.registry}: token response from ${url.origin} has no token`);
    return token;
  }
}

/**
 * The `/v2/<repository>` URL of an image's repository, where its manifests and blobs
 * are: HTTPS, or plain HTTP for an insecure (loopback test) registry; Docker Hub's
 * API host for `docker.io`.
 */
export function repositoryUrl(ref: ImageRef, insecure: boolean): string {
  const host = ref.registry === "docker.io" ? "registry-1.docker.io" : ref.registry;
  return `${insecure ? "http" : "https"}://${host}/v2/${ref.repository}`;
}
