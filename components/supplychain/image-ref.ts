/**
 * Container image references, read the way the container tools read them
 * (distribution/reference): `[registry/]repository[:tag][@digest]`, where the first
 * path component is a registry when it has a `.` or `:` or is `localhost`, and a
 * reference without one means Docker Hub (`docker.io`, `library/` for single names).
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
    registry = first;
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
