/**
 * Delivery rules: Tekton pipelines that build images sign them and produce
 * provenance (Tekton Chains, or explicit cosign steps); Argo CD deploys pinned
 * revisions from projects that require signed commits.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isPinnedRevision } from "../components/delivery/checks";
import { at, isRecord, isUnknown, list, str, type Props } from "./resources";
import { policyDocsUrl } from "./docs";

const TEKTON_PIPELINE = /^kubernetes:tekton\.dev\/v1(beta1)?:Pipeline$/;
const TEKTON_TASK = /^kubernetes:tekton\.dev\/v1(beta1)?:Task$/;
/** Steps that build container images. */
const IMAGE_BUILD = /\bko\s+(build|publish|resolve|apply)\b|kaniko|\bbuildah\s+(bud|build)\b|buildctl|\bdocker\s+(buildx\s+)?build\b/;
const IMAGE_BUILDER_IMAGES = /(^|\/)(ko|kaniko-project\/executor|buildah|buildkit|moby\/buildkit)([:@]|$)/;
/** Results Tekton Chains reads to find the images a run built. */
const CHAINS_RESULT = /^(IMAGE_URL|IMAGE_DIGEST|IMAGES|[A-Z0-9_]*_IMAGE_(URL|DIGEST)|[A-Z0-9_]*ARTIFACT_OUTPUTS)$/;
const PROVENANCE_FORMATS = new Set(["in-toto", "slsa/v1", "slsa/v2alpha2", "slsa/v2alpha3", "slsa/v2alpha4"]);

interface Step {
  text: string;
  image: string;
}

function stepsOf(taskSpec: unknown): Step[] {
  return list(at(taskSpec, "steps")).map((s) => ({
    image: str(at(s, "image")) ?? "",
    text: [str(at(s, "script")), ...list(at(s, "command")).map(str), ...list(at(s, "args")).map(str)].filter((x) => x !== undefined).join(" "),
  }));
}

/** The steps a pipeline runs: embedded task specs and Tasks of the stack it names. */
function pipelineSteps(pipeline: Props, tasks: ReadonlyMap<string, Props>): Step[] {
  const steps: Step[] = [];
  for (const task of [...list(at(pipeline, "spec", "tasks")), ...list(at(pipeline, "spec", "finally"))]) {
    const embedded = at(task, "taskSpec");
    if (embedded !== undefined) steps.push(...stepsOf(embedded));
    const ref = str(at(task, "taskRef", "name"));
    const named = ref === undefined ? undefined : tasks.get(ref);
    if (named !== undefined) steps.push(...stepsOf(named.spec));
  }
  return steps;
}

/**
 * How Tekton Chains is configured in the stack: its chains-config ConfigMap, or the
 * ConfigMapPatch that configures the one a Chains release ships (the Tekton
 * component's way), if any.
 */
function chainsConfig(resources: readonly PolicyResource[]): Props | undefined {
  const map = resources.find((r) => (r.type === "kubernetes:core/v1:ConfigMap" || r.type === "kubernetes:core/v1:ConfigMapPatch") && at(r.props, "metadata", "name") === "chains-config");
  if (map === undefined) return undefined;
  const data = at(map.props, "data");
  return isRecord(data) ? data : {};
}

/** Why Chains, as configured, would not sign and attest (undefined when it would). */
function chainsGap(data: Props): string | undefined {
  const value = (key: string, fallback: string) => (isUnknown(data[key]) ? fallback : (str(data[key]) ?? fallback));
  if (value("artifacts.oci.signer", "x509") === "none") return "chains-config sets artifacts.oci.signer to none (images are not signed)";
  const formats = [value("artifacts.taskrun.format", "in-toto"), value("artifacts.pipelinerun.format", "in-toto")];
  const signers = [value("artifacts.taskrun.signer", "x509"), value("artifacts.pipelinerun.signer", "x509")];
  if (!formats.some((f, i) => PROVENANCE_FORMATS.has(f) && signers[i] !== "none")) return "chains-config produces no signed provenance (artifacts.taskrun/pipelinerun format or signer)";
  return undefined;
}

export interface TektonSigningConfig {
  /** Tekton Chains runs in the cluster with signing and provenance on, installed outside this stack. Default: false. */
  chainsInstalledElsewhere?: boolean;
}

export const tektonPipelineSigning: StackValidationPolicy = {
  name: "tekton-pipeline-signing",
  description: "Tekton pipelines that build images sign them and produce provenance: explicit `cosign sign` and `cosign attest` steps, or Tekton Chains (chains-config in the stack) with pipeline results (IMAGE_URL/IMAGE_DIGEST) Chains can read.",
  enforcementLevel: "mandatory",
  displayName: "Tekton pipelines sign and attest",
  severity: "high",
  tags: ["supply-chain", "delivery", "tekton"],
  remediationSteps:
    "Build with GoPipeline on the Tekton component (Tekton Chains signs and attests, reading the IMAGE_URL/IMAGE_DIGEST results), or add explicit `cosign sign` and `cosign attest` steps to the pipeline. If Chains runs in the cluster but is installed outside this stack, set chainsInstalledElsewhere.",
  url: policyDocsUrl("tekton-pipeline-signing"),
  configSchema: { properties: { chainsInstalledElsewhere: { type: "boolean", description: "Chains signs and attests in this cluster though it is installed outside this stack." } } },
  validateStack: (args, report) => {
    const tasks = new Map<string, Props>();
    for (const r of args.resources) {
      const name = str(at(r.props, "metadata", "name"));
      if (TEKTON_TASK.test(r.type) && name !== undefined) tasks.set(name, r.props as Props);
    }
    const chains = args.getConfig<TektonSigningConfig>().chainsInstalledElsewhere === true ? {} : chainsConfig(args.resources);
    for (const pipeline of args.resources.filter((r) => TEKTON_PIPELINE.test(r.type))) {
      const steps = pipelineSteps(pipeline.props as Props, tasks);
      if (!steps.some((s) => IMAGE_BUILD.test(s.text) || IMAGE_BUILDER_IMAGES.test(s.image))) continue;
      // `sign`, not `sign-blob`: a blob signature does not sign the image.
      const explicitSign = steps.some((s) => /\bcosign\s+sign(?![\w-])/.test(s.text));
      const explicitAttest = steps.some((s) => /\bcosign\s+attest(?![\w-])/.test(s.text));
      if (explicitSign && explicitAttest) continue;
      const rawResults = at(pipeline.props, "spec", "results");
      // Not known yet during preview: not judged.
      if (isUnknown(rawResults) || list(rawResults).some((r) => isUnknown(r) || isUnknown(at(r, "name")))) continue;
      const results = list(rawResults).map((r) => str(at(r, "name")) ?? "");
      const exposesImage = results.some((n) => CHAINS_RESULT.test(n));
      const gap = chains === undefined ? "no chains-config in the stack (Tekton component with Chains)" : chainsGap(chains);
      if (gap === undefined && exposesImage) continue;
      const why = [!explicitSign ? "no `cosign sign` step" : "", !explicitAttest ? "no `cosign attest` step" : "", gap ?? "", exposesImage ? "" : "no IMAGE_URL/IMAGE_DIGEST pipeline result for Chains"].filter((x) => x !== "");
      report(`pipeline ${pipeline.name} builds images without signing them and attesting provenance (${why.join("; ")}); use GoPipeline on the Tekton component (Chains), or add cosign sign and cosign attest steps.`, pipeline.urn);
    }
  },
};

const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
/** `{{.key}}`, `{{ key }}` or `{{.values.key}}`: the generator parameter a templated revision reads. */
function templateKey(revision: string): string | undefined {
  return /^\{\{\s*\.?([\w.]+)\s*\}\}$/.exec(revision)?.[1]?.replace(/^values\./, "");
}

export interface ArgoRevisionConfig {
  /** Accept branch names and HEAD (not recommended). Default: false. */
  allowUnpinned?: boolean;
}

export const argocdRevisionPinned: ResourceValidationPolicy = {
  name: "argocd-revision-pinned",
  description: "Argo CD Applications (and ApplicationSet templates) deploy a pinned revision: a full commit SHA, an exact semver tag or chart version — not HEAD, a branch or a range.",
  enforcementLevel: "mandatory",
  displayName: "Argo CD revisions pinned",
  severity: "medium",
  tags: ["delivery", "argocd"],
  remediationSteps:
    "Set targetRevision (or the list-generator value it reads) to a full 40-character commit SHA or an exact version tag such as v1.2.3; GoApp and GoAppSet do.",
  url: policyDocsUrl("argocd-revision-pinned"),
  configSchema: { properties: { allowUnpinned: { type: "boolean", description: "Accept HEAD and branch names." } } },
  validateResource: (args, report) => {
    let spec: unknown;
    let base: string;
    if (args.type === APPLICATION) [spec, base] = [at(args.props, "spec"), "spec"];
    else if (args.type === APPLICATION_SET) [spec, base] = [at(args.props, "spec", "template", "spec"), "spec.template.spec"];
    else return;
    if (args.getConfig<ArgoRevisionConfig>().allowUnpinned === true) return;
    const sources: [string, unknown][] = [];
    if (at(spec, "source") !== undefined) sources.push([`${base}.source`, at(spec, "source")]);
    list(at(spec, "sources")).forEach((s, i) => sources.push([`${base}.sources[${String(i)}]`, s]));
    for (const [where, source] of sources) {
      const revision = at(source, "targetRevision");
      if (isUnknown(revision)) continue;
      const value = str(revision) ?? "";
      if (args.type === APPLICATION_SET && value.includes("{{")) {
        // Templated: judge the values the list generators give it; other generators are not known here.
        const key = templateKey(value);
        const elements = list(at(args.props, "spec", "generators")).flatMap((g) => list(at(g, "list", "elements")));
        for (const [i, element] of elements.entries()) {
          const given = key === undefined ? undefined : at(element, ...key.split("."));
          if (typeof given === "string" && !isUnknown(given) && !isPinnedRevision(given)) {
            report(`${where}.targetRevision takes ${JSON.stringify(given)} from list generator element ${String(i)}; pin a full 40-character commit SHA or an exact version tag so a push cannot change what is deployed (GoAppSet does).`);
          }
        }
        continue;
      }
      if (!isPinnedRevision(value)) {
        report(`${where}.targetRevision is ${JSON.stringify(value === "" ? "unset (HEAD)" : value)}; pin a full 40-character commit SHA or an exact version tag so a push cannot change what is deployed (GoApp does).`);
      }
    }
  },
};

export interface ArgoProjectConfig {
  /** Require `signatureKeys` on every AppProject. Default: true. */
  requireSignatureKeys?: boolean;
}

export const argocdProjectSignatureKeys: ResourceValidationPolicy = {
  name: "argocd-project-signature-keys",
  description: "Argo CD AppProjects require signed commits: spec.signatureKeys lists the GPG keys allowed to sign what is synced (config requireSignatureKeys, default true).",
  enforcementLevel: "mandatory",
  displayName: "Argo CD requires signed commits",
  severity: "medium",
  tags: ["delivery", "argocd", "signing"],
  remediationSteps:
    "List the GPG key IDs allowed to sign commits in the AppProject's spec.signatureKeys (ArgoCd's signatureKeys argument) and import those keys into Argo CD's GnuPG keyring.",
  url: policyDocsUrl("argocd-project-signature-keys"),
  configSchema: { properties: { requireSignatureKeys: { type: "boolean", description: "Require signatureKeys on every AppProject." } } },
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:argoproj.io/v1alpha1:AppProject" || args.getConfig<ArgoProjectConfig>().requireSignatureKeys === false) return;
    const keys = at(args.props, "spec", "signatureKeys");
    if (isUnknown(keys) || list(keys).some((k) => isUnknown(k) || isUnknown(at(k, "keyID")))) return;
    if (!list(keys).some((k) => (str(at(k, "keyID")) ?? "") !== "")) {
      report("spec.signatureKeys is empty, so Argo CD syncs unsigned commits; list the GPG key IDs allowed to sign (ArgoCd's signatureKeys argument).");
    }
  },
};

export const deliveryPolicies = { resource: [argocdRevisionPinned, argocdProjectSignatureKeys], stack: [tektonPipelineSigning] } as const;
