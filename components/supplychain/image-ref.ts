/**
 * Container image references, read the way the container tools read them
 * (distribution/reference): `[registry/]repository[:tag][@digest]`, where the first
 * path component is a registry when it has a `.` or `:` or is `localhost`, and a
 * reference without one means Docker Hub (`docker.io`, `library/` for single names).
 * Hosts are normalised (lowercase, no `:443`, `index.docker.io` is `docker.io`), so
 * one registry has one name.
 */

export interface ImageRef {
  /** Registry host[:port], e.g. "europe-docker.pkg.dev", "docker.io". */
  readonly registry: string;
  /** Repository path in the registry, e.g. "my-project/images/api", "library/golang". */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` when the reference pins a digest. */
  readonly digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;

/** One name per registry: lowercase, no default HTTPS port, Docker Hub's aliases as `docker.io`. */
export function normaliseRegistry(host: string): string {
  const lower = host.toLowerCase().replace(/:443$/, "");
  return lower === "index.docker.io" || lower === "registry-1.docker.io" ? "docker.io" : lower;
}

/** Parses an image reference; undefined when it is not one. */
export function parseImageRef(reference: string): ImageRef | undefined {
  if (reference.length === 0 || reference.length > 4096 || /\s/.test(reference)) return undefined;
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) return undefined;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    if (!TAG.test(tag)) return undefined;
    rest = rest.slice(0, lastColon);
  }
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  let registry = "docker.io";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    if (!HOST.test(first)) return undefined;
    registry = normaliseRegistry(first);
    parts.shift();
  }
  if (parts.length === 0 || !parts.every((p) => COMPONENT.test(p))) return undefined;
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  return { registry, repository: parts.join("/"), ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** `registry/repository` — the name an allow-list entry is matched against. */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * Whether `ref` is under `prefix` (`registry`, `registry/path` or `registry/path/`),
 * whole path segments only: "ghcr.io/acme" covers ghcr.io/acme/api but not
 * ghcr.io/acme-evil/api, and "ghcr.io" does not cover ghcr.io.evil.example.
 */
export function isUnderPrefix(ref: ImageRef, prefix: string): boolean {
  const trimmed = prefix.replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  const host = normaliseRegistry(slash < 0 ? trimmed : trimmed.slice(0, slash));
  const path = slash < 0 ? "" : trimmed.slice(slash + 1);
  if (ref.registry !== host) return false;
  return path === "" || ref.repository === path || ref.repository.startsWith(`${path}/`);
}
