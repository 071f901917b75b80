/**
 * Image rules: every image a workload runs (see resources.imagesOf) is pinned by
 * digest, comes from an allowed registry when an allow-list is configured, and
 * carries a cosign signature from a configured key — fetched from the registry and
 * verified with real cryptography. A registry that cannot be asked is an advisory,
 * not a pass and not a failure.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { imageName, isUnderPrefix, normaliseRegistry, parseImageRef, verifyCosignSignature, type CosignResult, type CosignVerifyOptions, type ImageRef, type RegistryCredentials } from "../components/supplychain";
import { imagesOf, isRecord, str } from "./resources";
import { policyDocsUrl } from "./docs";

export interface AllowedRegistriesConfig {
  /** `registry` or `registry/path` images may come from, matched by whole segments, e.g. "europe-docker.pkg.dev/my-project". */
  allowedRegistries?: string[];
}

export interface CosignPolicyConfig {
  /** PEM public keys (`-----BEGIN PUBLIC KEY-----`); a signature must verify with one. */
  publicKeys?: string[];
  /** Registries to speak plain HTTP to (loopback test registries). */
  insecureRegistries?: string[];
  /** Only images under these `registry` or `registry/path` prefixes are checked. Default: all (set it: public images are often signed keyless by their projects). */
  imagePrefixes?: string[];
  /** Report an image whose registry cannot be asked as a mandatory violation too (fail closed). Default: false (advisory only). */
  requireReachable?: boolean;
}

export const imagesPinnedByDigest: ResourceValidationPolicy = {
  name: "images-pinned-by-digest",
  description: "Container images in workloads, Tekton steps, Cloud Run and Lambda are referenced by digest (@sha256:…), so what runs is what was built, signed and scanned.",
  enforcementLevel: "mandatory",
  displayName: "Images pinned by digest",
  severity: "high",
  tags: ["supply-chain", "images"],
  remediationSteps:
    "Reference the image as `registry/repository@sha256:<digest>` (the digest from the build's output or `crane digest <image>`); goplatform's build components and GoApp pin by digest.",
  url: policyDocsUrl("images-pinned-by-digest"),
  validateResource: (args, report) => {
    for (const { where, image } of imagesOf(args.type, args.props)) {
      const ref = parseImageRef(image);
      if (ref === undefined) report(`${where} is ${JSON.stringify(image)}, which is not an image reference; use registry/repository@sha256:<digest>.`);
      else if (ref.digest === undefined) report(`${where} uses ${JSON.stringify(image)} by tag; pin it by digest (${imageName(ref)}@sha256:…, e.g. from \`crane digest ${image}\`).`);
    }
  },
};

export const imagesFromAllowedRegistries: ResourceValidationPolicy = {
  name: "images-from-allowed-registries",
  description: "Container images come from the registries the organisation allows (config allowedRegistries); no allow-list, no check.",
  enforcementLevel: "mandatory",
  displayName: "Images from allowed registries",
  severity: "high",
  tags: ["supply-chain", "images"],
  remediationSteps:
    "Mirror the image into a registry under allowedRegistries (e.g. `crane copy <image> <allowed-registry>/<repository>`) and reference it there, or have the platform team add its registry to the policy's allowedRegistries config.",
  url: policyDocsUrl("images-from-allowed-registries"),
  configSchema: { properties: { allowedRegistries: { type: "array", items: { type: "string", minLength: 1 }, description: "Prefixes of registry/repository, e.g. \"europe-docker.pkg.dev/my-project/\"." } } },
  validateResource: (args, report) => {
    const allowed = args.getConfig<AllowedRegistriesConfig>().allowedRegistries;
    if (allowed === undefined || allowed.length === 0) return;
    for (const { where, image } of imagesOf(args.type, args.props)) {
      const ref = parseImageRef(image);
      if (ref !== undefined && !allowed.some((prefix) => isUnderPrefix(ref, prefix))) {
        report(`${where} pulls ${imageName(ref)}, which is outside the allowed registries (${allowed.join(", ")}); mirror the image into one of them.`);
      }
    }
  },
};

/** `auths` of the Docker config file ($DOCKER_CONFIG/config.json): `auth` entries only, no credential helpers. */
export function dockerConfigCredentials(): Record<string, RegistryCredentials> {
  const file = path.join(process.env.DOCKER_CONFIG ?? path.join(homedir(), ".docker"), "config.json");
  const found: Record<string, RegistryCredentials> = {};
  try {
    const auths: unknown = (JSON.parse(readFileSync(file, "utf8")) as { auths?: unknown }).auths;
    if (!isRecord(auths)) return found;
    for (const [host, entry] of Object.entries(auths)) {
      const auth = str(isRecord(entry) ? entry.auth : undefined);
      if (auth === undefined) continue;
      const decoded = Buffer.from(auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      // Docker Hub's entry is "https://index.docker.io/v1/"; normalised, it is "docker.io" like its image references.
      if (colon > 0) found[normaliseRegistry(host.replace(/^https?:\/\//, "").replace(/\/.*$/, ""))] = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  } catch {
    // No Docker config: anonymous pulls.
  }
  return found;
}

/**
 * One registry round trip per image, keys and insecure registries: a policy and its
 * advisory twin each get their own config from Pulumi, so they meet in `cache`.
 */
export function readOncePerImage<T>(cache: Map<string, Promise<T>>, ref: ImageRef, publicKeys: string[], insecureRegistries: string[] | undefined, read: (options: CosignVerifyOptions) => Promise<T>): Promise<T> {
  const key = JSON.stringify([imageName(ref), ref.digest, publicKeys, insecureRegistries ?? []]);
  let result = cache.get(key);
  if (result === undefined) {
    result = read({ publicKeys, insecureRegistries, credentials: dockerConfigCredentials() });
    cache.set(key, result);
  }
  return result;
}

const verifications = new Map<string, Promise<CosignResult>>();

function verifyOnce(ref: ImageRef, config: CosignPolicyConfig, publicKeys: string[]): Promise<CosignResult> {
  return readOncePerImage(verifications, ref, publicKeys, config.insecureRegistries, (options) => verifyCosignSignature(ref, options));
}

/** The digest-pinned images a cosign policy checks, with their verification. */
async function cosignResults(type: string, props: Record<string, unknown>, config: CosignPolicyConfig): Promise<{ where: string; ref: ImageRef; result: CosignResult }[]> {
  const publicKeys = config.publicKeys ?? [];
  if (publicKeys.length === 0) return [];
  const out: { where: string; ref: ImageRef; result: CosignResult }[] = [];
  for (const { where, image } of imagesOf(type, props)) {
    const ref = parseImageRef(image);
    if (ref?.digest === undefined) continue; // images-pinned-by-digest reports those
    if (config.imagePrefixes !== undefined && !config.imagePrefixes.some((p) => isUnderPrefix(ref, p))) continue;
    out.push({ where, ref, result: await verifyOnce(ref, config, publicKeys) });
  }
  return out;
}

export const cosignConfigSchema = {
  properties: {
    publicKeys: { type: "array" as const, items: { type: "string" as const, pattern: "-----BEGIN PUBLIC KEY-----" }, description: "PEM public keys; a signature must verify with one." },
    insecureRegistries: { type: "array" as const, items: { type: "string" as const }, description: "Registries reached over plain HTTP (loopback only)." },
    imagePrefixes: { type: "array" as const, items: { type: "string" as const }, description: "Only check images under these registry or registry/path prefixes." },
    requireReachable: { type: "boolean" as const, description: "Fail (not just advise) when an image's registry cannot be asked." },
  },
};

export const imageCosignSignature: ResourceValidationPolicy = {
  name: "image-cosign-signature",
  description: "Digest-pinned images carry a cosign signature, read from their registry, that verifies with a configured public key (config publicKeys; none configured, no check).",
  enforcementLevel: "mandatory",
  displayName: "Images signed with cosign",
  severity: "critical",
  tags: ["supply-chain", "signing", "images"],
  remediationSteps:
    "Sign the image's digest with the platform key (`cosign sign --key <key> <image>@sha256:<digest>`, or build it with GoPipeline / Tekton Chains), or add the signer's public key to publicKeys. For public images signed keyless by their projects, narrow imagePrefixes to your own registries.",
  url: policyDocsUrl("image-cosign-signature"),
  configSchema: cosignConfigSchema,
  validateResource: async (args, report) => {
    for (const { where, ref, result } of await cosignResults(args.type, args.props, args.getConfig<CosignPolicyConfig>())) {
      if (result.status === "unreachable" && args.getConfig<CosignPolicyConfig>().requireReachable === true) {
        report(`${where}: could not check the cosign signature of ${imageName(ref)}@${ref.digest ?? ""} (${result.detail}), and requireReachable is set; give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`);
      } else if (result.status === "unsigned" || result.status === "invalid") {
        report(`${where}: ${imageName(ref)}@${ref.digest ?? ""} has no valid cosign signature from the configured key (${result.detail}); sign it with \`cosign sign --key <key> ${imageName(ref)}@${ref.digest ?? ""}\` (GoPipeline and Tekton Chains do).`);
      }
    }
  },
};

export const imageCosignReachable: ResourceValidationPolicy = {
  name: "image-cosign-reachable",
  description: "Advisory: the registry of a digest-pinned image could not be asked for its cosign signature, so the signature rule could not judge it (same config as image-cosign-signature).",
  enforcementLevel: "advisory",
  displayName: "Signature registry reachable",
  severity: "low",
  tags: ["supply-chain", "signing", "images"],
  remediationSteps:
    "Give the policy run network access to the registry and credentials in $DOCKER_CONFIG/config.json; list plain-HTTP loopback registries in insecureRegistries. Set requireReachable to make this a failure of image-cosign-signature instead.",
  url: policyDocsUrl("image-cosign-reachable"),
  configSchema: cosignConfigSchema,
  validateResource: async (args, report) => {
    for (const { where, ref, result } of await cosignResults(args.type, args.props, args.getConfig<CosignPolicyConfig>())) {
      if (result.status === "unreachable") report(`${where}: could not check the cosign signature of ${imageName(ref)}@${ref.digest ?? ""}: ${result.detail}. Give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`);
    }
  },
};

export const imagePolicies: readonly ResourceValidationPolicy[] = [imagesPinnedByDigest, imagesFromAllowedRegistries, imageCosignSignature, imageCosignReachable];
