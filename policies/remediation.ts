/**
 * images-pin-digest: the fix for what images-pinned-by-digest flags. With enforcement
 * level "remediate" (opt-in: the default is "disabled"), every tag-only image a
 * resource runs — the same fields imagesOf reads: pod specs of every workload kind,
 * Tekton steps, Cloud Run containers, Lambda images — is rewritten to the digest its
 * registry serves for that tag right now, so the engine deploys the pinned reference
 * and the mandatory digest rule, which runs on the remediated props, passes.
 *
 * The reference keeps its tag for readability (`registry/repo:tag@sha256:…`; the
 * runtimes pull by the digest), except a Lambda `imageUri`, which becomes
 * `registry/repo@sha256:…` (Lambda takes a tag or a digest, not both). A tag that
 * names an index (multi-platform image) is pinned to the index digest, so each node
 * still pulls its own platform. The digest is the sha256 of the manifest bytes the
 * registry served; a `Docker-Content-Digest` header that disagrees is refused.
 *
 * An image whose registry cannot be asked (unreachable, timeout, 404, auth) is left
 * unchanged: images-pinned-by-digest then reports it, and this policy's own check
 * names why it could not be pinned. With level "advisory" the policy is a dry run: it
 * reports the digest each tag would be pinned to and changes nothing.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { imageName, isUnderPrefix, normaliseRegistry, parseImageRef, RegistryClient, repositoryUrl, sha256Digest, type ImageRef } from "../components/supplychain";
import { dockerConfigCredentials } from "./images";
import { imagesOf, isRecord, rewriteImages, type Props } from "./resources";
import { policyDocsUrl } from "./docs";

export interface PinDigestConfig {
  /** Registries to speak plain HTTP to (loopback test registries). Default: none. */
  insecureRegistries?: string[];
  /** Only pin images under these `registry` or `registry/path` prefixes. Default: every tag-only image. */
  imagePrefixes?: string[];
  /** Milliseconds to wait for a registry's answer before leaving the image unchanged. Default: 10000. */
  timeoutMs?: number;
}

/** Manifest media types asked for, an index first: a multi-platform tag is pinned to its index. */
export const PIN_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export type PinResult = { digest: string; mediaType: string } | { problem: string };

/** The digest `registry` serves for `ref`'s tag: GET the manifest, hash what came back. */
export async function servedDigest(ref: ImageRef, options: { insecure: boolean; timeoutMs: number }): Promise<PinResult> {
  const tag = ref.tag ?? "latest";
  const client = new RegistryClient(ref.registry, dockerConfigCredentials()[ref.registry], options.insecure);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${String(options.timeoutMs)} ms`));
    }, options.timeoutMs);
    timer.unref();
  });
  try {
    const response = await Promise.race([client.request("GET", `${repositoryUrl(ref, options.insecure)}/manifests/${tag}`, undefined, { Accept: PIN_ACCEPT }), timeout]);
    if (!response.ok) return { problem: `${ref.registry} answered HTTP ${String(response.status)} for ${imageName(ref)}:${tag}` };
    const body = Buffer.from(await Promise.race([response.arrayBuffer(), timeout]));
    const digest = sha256Digest(body);
    const claimed = response.headers.get("docker-content-digest");
    if (claimed !== null && claimed !== digest) return { problem: `${ref.registry} says ${imageName(ref)}:${tag} is ${claimed}, but the manifest it served hashes to ${digest}` };
    return { digest, mediaType: response.headers.get("content-type") ?? "" };
  } catch (err) {
    return { problem: `${ref.registry} could not be reached: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** One registry round trip per tag and policy run (the remediation and its check meet here). */
const pins = new Map<string, Promise<PinResult>>();

function pinOnce(ref: ImageRef, config: PinDigestConfig): Promise<PinResult> {
  const insecure = (config.insecureRegistries ?? []).some((r) => normaliseRegistry(r) === ref.registry);
  const key = JSON.stringify([imageName(ref), ref.tag ?? "latest", insecure]);
  let result = pins.get(key);
  if (result === undefined) {
    result = servedDigest(ref, { insecure, timeoutMs: config.timeoutMs ?? 10_000 });
    pins.set(key, result);
  }
  return result;
}

/** The tag-only image `image`, or undefined when it is pinned, not a reference, or outside the prefixes. */
function pinnable(image: string, config: PinDigestConfig): ImageRef | undefined {
  const ref = parseImageRef(image);
  if (ref === undefined || ref.digest !== undefined) return undefined;
  if (config.imagePrefixes !== undefined && !config.imagePrefixes.some((p) => isUnderPrefix(ref, p))) return undefined;
  return ref;
}

/** The pinned form of `image` at `where`. */
export function pinnedReference(image: string, where: string, ref: ImageRef, digest: string): string {
  return where === "imageUri" ? `${imageName(ref)}@${digest}` : `${image}@${digest}`;
}

/**
 * The object the engine sent, without @pulumi/policy's unknown-checking proxy: the
 * remediation copies whole objects on the way to an image, and reading a sibling that
 * is unknown during preview through the proxy would throw.
 */
function unproxied(props: Props): Props {
  const target: unknown = props.__getSpecialProxyTarget;
  return isRecord(target) ? target : props;
}

export const imagesPinDigest: ResourceValidationPolicy = {
  name: "images-pin-digest",
  description:
    "Remediation (opt-in: set its enforcement level to \"remediate\"): tag-only container images are rewritten to the digest their registry serves for the tag (repo:tag@sha256:…; Lambda imageUri repo@sha256:…), so what is deployed is pinned. Unreachable registries leave the image unchanged (images-pinned-by-digest reports it). As \"advisory\", a dry run that reports the digests.",
  enforcementLevel: "disabled",
  displayName: "Pin image tags to digests (remediation)",
  severity: "medium",
  tags: ["supply-chain", "images", "remediation"],
  remediationSteps:
    "Set `\"images-pin-digest\": { \"enforcementLevel\": \"remediate\" }` in the policy pack config to have the pack pin tags during pulumi up/preview, or pin the image in the program: replace `repo:tag` with `repo:tag@sha256:<digest>` (`crane digest repo:tag`).",
  url: policyDocsUrl("images-pin-digest"),
  configSchema: {
    properties: {
      insecureRegistries: { type: "array", items: { type: "string" }, description: "Registries reached over plain HTTP (loopback only)." },
      imagePrefixes: { type: "array", items: { type: "string", minLength: 1 }, description: "Only pin images under these registry or registry/path prefixes. Default: all." },
      timeoutMs: { type: "integer", minimum: 1, description: "Milliseconds to wait for a registry. Default 10000." },
    },
  },
  remediateResource: async (args) => {
    const config = args.getConfig<PinDigestConfig>();
    return rewriteImages(args.type, unproxied(args.props), async ({ where, image }) => {
      const ref = pinnable(image, config);
      if (ref === undefined) return undefined;
      const pin = await pinOnce(ref, config);
      return "digest" in pin ? pinnedReference(image, where, ref, pin.digest) : undefined;
    });
  },
  // After a remediation this sees the remediated props: what is left is what could not be pinned.
  validateResource: async (args, report) => {
    const config = args.getConfig<PinDigestConfig>();
    for (const { where, image } of imagesOf(args.type, args.props)) {
      const ref = pinnable(image, config);
      if (ref === undefined) continue;
      const pin = await pinOnce(ref, config);
      if ("digest" in pin) report(`${where}: ${image} would be pinned to ${pinnedReference(image, where, ref, pin.digest)} (set this policy's enforcement level to "remediate" to pin it).`);
      else report(`${where}: could not pin ${image} to a digest: ${pin.problem}. It is deployed as is only if images-pinned-by-digest allows it; pin it in the program or give the policy run access to the registry.`);
    }
  },
};

export const remediationPolicies: readonly ResourceValidationPolicy[] = [imagesPinDigest];
