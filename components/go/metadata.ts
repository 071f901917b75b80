/**
 * How goplatform records the Go toolchain and module of what it deploys, so that
 * policies can read it back: one key set for Kubernetes labels/annotations and
 * AWS/Azure tags, and an encoded form for GCP labels, whose keys and values allow
 * only lowercase letters, digits, `_` and `-` (values at most 63 characters).
 * Components write through these functions; policies read through them.
 */
import { formatGoVersion, goToolchainName, parseGoVersion, type GoVersion } from "./version";

export const GO_VERSION_KEY = "goplatform.dev/go-version";
export const GO_MODULE_KEY = "goplatform.dev/go-module";
export const GCP_GO_VERSION_KEY = "goplatform-go-version";
export const GCP_GO_MODULE_KEY = "goplatform-go-module";

/** Labels/annotations/tags for Kubernetes, AWS and Azure: `{ "goplatform.dev/go-version": "go1.26.8", … }`. */
export function goMetadata(version: GoVersion | string, module?: string): Record<string, string> {
  const parsed = typeof version === "string" ? parseGoVersion(version, "goVersion") : version;
  return {
    [GO_VERSION_KEY]: goToolchainName(parsed),
    ...(module === undefined ? {} : { [GO_MODULE_KEY]: module }),
  };
}

/**
 * Kubernetes objects: the Go version as a label (a valid label value, and selectable),
 * the module path as an annotation, because label values cannot hold its `/`
 * (`github.com/example/payments` is refused by the API server).
 */
export function kubernetesGoMetadata(version: GoVersion | string, module?: string): { labels: Record<string, string>; annotations: Record<string, string> } {
  const { [GO_MODULE_KEY]: modulePath, ...labels } = goMetadata(version, module);
  return { labels, annotations: modulePath === undefined ? {} : { [GO_MODULE_KEY]: modulePath } };
}

/** `go1.26.8` → `go1_26_8`. */
export function encodeGcpGoVersion(version: GoVersion | string): string {
  const parsed = typeof version === "string" ? parseGoVersion(version, "goVersion") : version;
  return goToolchainName(parsed).replaceAll(".", "_");
}

/** `go1_26_8` → the version; undefined when the value is not an encoded Go version. */
export function decodeGcpGoVersion(value: string): GoVersion | undefined {
  if (!value.startsWith("go")) return undefined;
  try {
    return parseGoVersion(value.replaceAll("_", "."));
  } catch {
    return undefined;
  }
}

/**
 * A Go module path as a GCP label value: lowercase, every other character as `-`,
 * cut to 63 characters. Lossy by necessity; the module is a hint for people, the
 * version is what policies judge.
 */
export function encodeGcpGoModule(module: string): string {
  return module.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
}

/** GCP labels: `{ "goplatform-go-version": "go1_26_8", "goplatform-go-module": "example-com-hello" }`. */
export function gcpGoLabels(version: GoVersion | string, module?: string): Record<string, string> {
  return {
    [GCP_GO_VERSION_KEY]: encodeGcpGoVersion(version),
    ...(module === undefined ? {} : { [GCP_GO_MODULE_KEY]: encodeGcpGoModule(module) }),
  };
}

/**
 * Reads the recorded Go version from any of the forms above. Returns undefined when
 * no version is recorded, and `{ invalid }` when a value is there but is not a Go version.
 */
export function readRecordedGoVersion(
  metadata: Readonly<Record<string, unknown>> | undefined,
): { version: string } | { invalid: string } | undefined {
  if (metadata === undefined) return undefined;
  const plain = metadata[GO_VERSION_KEY];
  if (plain !== undefined) {
    try {
      return { version: formatGoVersion(parseGoVersion(plain)) };
    } catch {
      return { invalid: JSON.stringify(plain) };
    }
  }
  const encoded = metadata[GCP_GO_VERSION_KEY];
  if (encoded !== undefined) {
    const decoded = typeof encoded === "string" ? decodeGcpGoVersion(encoded) : undefined;
    return decoded === undefined ? { invalid: JSON.stringify(encoded) } : { version: formatGoVersion(decoded) };
  }
  return undefined;
}
