/**
 * Provenance rules: every digest-pinned image under the configured prefixes — in
 * workloads (resources.imagesOf) and in Argo CD Applications' Kustomize image
 * overrides (GoApp's `images`) — has a SLSA provenance attestation in its registry,
 * signed by a configured key, naming its digest, from an allowed builder and an
 * allowed source repository. Where an Argo CD Application in the stack deploys that
 * same repository, the provenance's commit must be the revision it deploys.
 *
 * Stack policies, because the revision rule pairs an image with the Applications of
 * the stack; an Application's own image overrides are paired with that Application
 * only. A registry that cannot be asked is an advisory (its own policy, same config,
 * one registry round trip per image shared with the mandatory one).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { imageName, isUnderPrefix, parseImageRef, readCosignAttestations, type CosignAttestations, type ImageRef } from "../components/supplychain";
import { judgeProvenance, normaliseRepository, type ProvenanceResult, type ProvenanceSource } from "../components/supplychain/attestation-verify";
import { cosignConfigSchema, readOncePerImage, type CosignPolicyConfig } from "./images";
import { at, imagesOf, list, str, type Props } from "./resources";
import { policyDocsUrl } from "./docs";

export interface ProvenancePolicyConfig extends CosignPolicyConfig {
  /** Builder ids (exact) whose provenance is trusted, e.g. "https://goplatform.dev/builders/go-image/v1" or Tekton Chains' builder id. Default: none (no provenance passes). */
  builderIds?: string[];
  /** Repositories images must be built from, in any URL form ("https://github.com/org/repo", "github.com/org/repo", "git@github.com:org/repo.git"). Default: none (no provenance passes). */
  sourceRepositories?: string[];
}

const provenanceConfigSchema = {
  properties: {
    ...cosignConfigSchema.properties,
    builderIds: { type: "array" as const, items: { type: "string" as const, minLength: 1 }, description: "Builder ids whose SLSA provenance is trusted (exact match)." },
    sourceRepositories: { type: "array" as const, items: { type: "string" as const, minLength: 1 }, description: "Git repositories images must be built from." },
  },
};

const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";

/** One source of an Argo CD Application: the repository and revision it deploys. */
interface AppSource {
  application: PolicyResource;
  /** `spec.source` or `spec.sources[i]`. */
  where: string;
  repository: string;
  revision: string;
}

function appSources(application: PolicyResource): { where: string; source: unknown }[] {
  const spec = at(application.props, "spec");
  const out: { where: string; source: unknown }[] = [];
  if (at(spec, "source") !== undefined) out.push({ where: "spec.source", source: at(spec, "source") });
  list(at(spec, "sources")).forEach((source, i) => out.push({ where: `spec.sources[${String(i)}]`, source }));
  return out;
}

/** An image the policy checks: where it is, and the Application source that deploys it, if it is an Application's image override. */
interface ImageCheck {
  resource: PolicyResource;
  where: string;
  ref: ImageRef;
  /** For an Application's image override: the source that deploys it, or null when its repository or revision is not known (not judged). */
  deployedBy?: AppSource | null;
}

/** `[old=]new[:tag][@digest]`, Argo CD's Kustomize image override: the image it sets. */
function overrideImage(entry: string): string {
  const eq = entry.indexOf("=");
  return eq < 0 ? entry : entry.slice(eq + 1);
}

function applicationSources(resources: readonly PolicyResource[]): AppSource[] {
  return resources
    .filter((r) => r.type === APPLICATION)
    .flatMap((application) =>
      appSources(application).flatMap(({ where, source }) => {
        const url = str(at(source, "repoURL"));
        const revision = str(at(source, "targetRevision"));
        const repository = url === undefined ? undefined : normaliseRepository(url);
        return repository === undefined || revision === undefined || revision === "" ? [] : [{ application, where, repository, revision }];
      }),
    );
}

function imageChecks(resources: readonly PolicyResource[], config: ProvenancePolicyConfig): ImageCheck[] {
  const sources = applicationSources(resources);
  const out: ImageCheck[] = [];
  const add = (resource: PolicyResource, where: string, image: string, deployedBy?: AppSource | null) => {
    const ref = parseImageRef(image);
    if (ref?.digest === undefined) return; // images-pinned-by-digest reports those
    if (config.imagePrefixes !== undefined && !config.imagePrefixes.some((p) => isUnderPrefix(ref, p))) return;
    out.push({ resource, where, ref, ...(deployedBy === undefined ? {} : { deployedBy }) });
  };
  for (const resource of resources) {
    for (const { where, image } of imagesOf(resource.type, resource.props as Props)) add(resource, where, image);
    if (resource.type !== APPLICATION) continue;
    for (const { where, source } of appSources(resource)) {
      const deployedBy = sources.find((s) => s.application === resource && s.where === where) ?? null;
      list(at(source, "kustomize", "images")).forEach((entry, i) => {
        const image = str(entry);
        if (image !== undefined) add(resource, `${where}.kustomize.images[${String(i)}]`, overrideImage(image), deployedBy);
      });
    }
  }
  return out;
}

const reads = new Map<string, Promise<CosignAttestations>>();

function readOnce(ref: ImageRef, config: ProvenancePolicyConfig, publicKeys: string[]): Promise<CosignAttestations> {
  return readOncePerImage(reads, ref, publicKeys, config.insecureRegistries, (options) => readCosignAttestations(ref, options));
}

type Judged = ImageCheck & { result: ProvenanceResult };

async function judged(resources: readonly PolicyResource[], config: ProvenancePolicyConfig): Promise<Judged[]> {
  const publicKeys = config.publicKeys ?? [];
  if (publicKeys.length === 0) return [];
  const out: Judged[] = [];
  for (const check of imageChecks(resources, config)) {
    const read = await readOnce(check.ref, config, publicKeys);
    const result: ProvenanceResult =
      read.status === "unreachable"
        ? { status: "unreachable", detail: read.detail, provenances: [] }
        : judgeProvenance(imageName(check.ref), check.ref.digest ?? "", read.attestations, { builderIds: config.builderIds ?? [], sourceRepositories: config.sourceRepositories ?? [] });
    out.push({ ...check, result });
  }
  return out;
}

/** Whether provenance sources of one repository match a deployed revision: a commit SHA is compared with the commit, a tag with a recorded tag ref. */
function revisionMatch(sources: readonly ProvenanceSource[], revision: string): "match" | "mismatch" | "unknown" {
  if (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(revision)) return sources.some((s) => s.commit === revision.toLowerCase()) ? "match" : "mismatch";
  const tag = revision.replace(/^refs\/tags\//, "");
  const tags = sources.flatMap((s) => (s.ref?.startsWith("refs/tags/") === true ? [s.ref.slice("refs/tags/".length)] : []));
  // A tag cannot be resolved to a commit at preview: judged only against a tag the provenance records.
  if (tags.length === 0) return "unknown";
  return tags.includes(tag) ? "match" : "mismatch";
}

const built = (sources: readonly ProvenanceSource[]) => sources.map((s) => `${s.repository} at ${s.commit ?? s.ref ?? "an unrecorded commit"}`).join(", ");

/** Why a verified image's provenance contradicts the revisions the stack's Applications deploy of its source (undefined when it does not). */
function revisionProblem(check: Judged, sources: readonly AppSource[]): string | undefined {
  if (check.deployedBy === null) return undefined;
  const provenanceSources = check.result.provenances.flatMap((p) => p.allowedSources);
  const repositories = new Set(provenanceSources.map((s) => s.repository));
  // An Application's own image override is judged against that Application; other images against every Application of their source.
  const candidates = (check.deployedBy === undefined ? sources : [check.deployedBy]).filter((s) => repositories.has(s.repository));
  const judgements = candidates.map((s) => ({ source: s, match: revisionMatch(provenanceSources.filter((p) => p.repository === s.repository), s.revision) }));
  if (judgements.some((j) => j.match === "match")) return undefined;
  const mismatched = judgements.filter((j) => j.match === "mismatch");
  if (mismatched.length === 0) return undefined;
  const deployed = mismatched.map((j) => `Application ${j.source.application.name} deploys ${j.source.repository} at ${j.source.revision} (${j.source.where}.targetRevision)`).join("; ");
  return `${check.where}: ${imageName(check.ref)}@${check.ref.digest ?? ""} was built from ${built(provenanceSources.filter((p) => mismatched.some((j) => j.source.repository === p.repository)))}, but ${deployed}; build the image from the deployed revision, or deploy the revision it was built from.`;
}

export const imageProvenance: StackValidationPolicy = {
  name: "image-provenance",
  description:
    "Digest-pinned images (config imagePrefixes) have SLSA provenance (v1 or v0.2), read from their registry, signed by a configured key (publicKeys), naming their digest, from an allowed builder (builderIds) and source repository (sourceRepositories); where an Argo CD Application of the stack deploys that repository, the provenance's commit is the deployed revision. No key configured, no check.",
  enforcementLevel: "mandatory",
  displayName: "Images with trusted SLSA provenance",
  severity: "high",
  tags: ["supply-chain", "provenance", "images"],
  remediationSteps:
    "Attest the image with SLSA provenance from an allowed builder (Tekton Chains, or `cosign attest --key <key> --type slsaprovenance1 --predicate <provenance.json> <image>@sha256:<digest>`), built from a repository in sourceRepositories at the commit the stack's Argo CD Applications deploy; or add the key, builder or repository to publicKeys, builderIds or sourceRepositories.",
  url: policyDocsUrl("image-provenance"),
  framework: { name: "SLSA", version: "1.0", reference: "Verifying artifacts: provenance", specification: "Before an artifact is used, its provenance is checked: signed by a trusted key, from the expected builder, built from the expected source repository and revision (https://slsa.dev/spec/v1.0/verifying-artifacts)." },
  configSchema: provenanceConfigSchema,
  validateStack: async (args, report) => {
    const config = args.getConfig<ProvenancePolicyConfig>();
    const checks = await judged(args.resources, config);
    const sources = applicationSources(args.resources);
    for (const check of checks) {
      const image = `${imageName(check.ref)}@${check.ref.digest ?? ""}`;
      const { status, detail } = check.result;
      if (status === "unreachable" && config.requireReachable === true) {
        report(`${check.where}: could not check the SLSA provenance of ${image} (${detail}), and requireReachable is set; give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`, check.resource.urn);
      } else if (status === "missing" || status === "invalid") {
        report(`${check.where}: ${image} has no valid SLSA provenance (${detail}); attest it from an allowed builder (Tekton Chains, or \`cosign attest --key <key> --type slsaprovenance1 --predicate <provenance.json> ${image}\`).`, check.resource.urn);
      } else if (status === "verified") {
        const problem = revisionProblem(check, sources);
        if (problem !== undefined) report(problem, check.resource.urn);
      }
    }
  },
};

export const imageProvenanceReachable: StackValidationPolicy = {
  name: "image-provenance-reachable",
  description: "Advisory: the registry of a digest-pinned image could not be asked for its SLSA provenance, so the provenance rule could not judge it (same config as image-provenance).",
  enforcementLevel: "advisory",
  displayName: "Provenance registry reachable",
  severity: "low",
  tags: ["supply-chain", "provenance", "images"],
  remediationSteps:
    "Give the policy run network access to the registry and credentials in $DOCKER_CONFIG/config.json; list plain-HTTP loopback registries in insecureRegistries. Set requireReachable to make this a failure of image-provenance instead.",
  url: policyDocsUrl("image-provenance-reachable"),
  configSchema: provenanceConfigSchema,
  validateStack: async (args, report) => {
    for (const check of await judged(args.resources, args.getConfig<ProvenancePolicyConfig>())) {
      if (check.result.status === "unreachable") {
        report(`${check.where}: could not check the SLSA provenance of ${imageName(check.ref)}@${check.ref.digest ?? ""}: ${check.result.detail}. Give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`, check.resource.urn);
      }
    }
  },
};

export const provenancePolicies = { stack: [imageProvenance, imageProvenanceReachable] } as const;
