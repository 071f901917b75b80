/**
 * SignatureAdmission: the Sigstore policy-controller (Helm chart, pinned) and a
 * ClusterImagePolicy that admits the platform's images only with a valid cosign
 * signature from the platform's key, in the namespaces the platform owns (labelled
 * `policy.sigstore.dev/include=true`, the label policy-controller opts namespaces in by).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel } from "../args";
import type { Cluster } from "../cluster";
import { chartRelease } from "./chart-release";
import { checkChartVersion, checkImageGlob, checkList, checkOneOf, checkPublicKey } from "./checks";
import { POLICY_CONTROLLER_CHART } from "./images";

const COMPONENT = "SignatureAdmission";
export const INCLUDE_LABEL = "policy.sigstore.dev/include";

export interface SignatureAdmissionArgs {
  cluster: Cluster;
  /** Install policy-controller from its Helm chart. Default: true. With false it must already run; only the policy and namespace labels are applied. */
  install?: boolean;
  /** Namespace policy-controller runs in. Default: "cosign-system". */
  namespace?: string;
  /** Chart version. Default: "0.10.6". */
  chartVersion?: string;
  /** Chart repository, or "" with a local `chart` path for air-gapped clusters. Default: "https://sigstore.github.io/helm-charts". */
  chartRepository?: string;
  chart?: string;
  /** cosign.pub (PEM) of the key the pipeline signs with (e.g. `tekton.publicKey`). */
  publicKey: string;
  /** Image globs of the images the platform owns, e.g. "ghcr.io/acme/**". `*` and `**` are refused. */
  images: string[];
  /** Namespaces the policy applies to; they get the `policy.sigstore.dev/include: "true"` label. */
  namespaces: string[];
  /**
   * How namespaces get the label: "label" patches existing namespaces (default);
   * "create" creates them with the label (namespaces the platform itself creates).
   */
  namespaceMode?: "label" | "create";
  /** "enforce" rejects unsigned images (default); "warn" only warns. */
  mode?: "enforce" | "warn";
  /** Rekor instance signatures must be in. Default: none (key-only verification, matching Tekton's default). */
  transparencyLog?: { url: string };
  /**
   * What policy-controller does with an image no ClusterImagePolicy matches, in the
   * opted-in namespaces (its `no-match-policy`). Default: "deny".
   */
  noMatchPolicy?: "deny" | "warn" | "allow";
  /** ClusterImagePolicy name. Default: "goplatform-signed-images". */
  policyName?: string;
}

export class SignatureAdmission extends pulumi.ComponentResource {
  readonly policyName: string;
  readonly images: readonly string[];
  readonly namespaces: readonly string[];

  constructor(name: string, args: SignatureAdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
    const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "cosign-system");
    const chartVersion = checkChartVersion(COMPONENT, "chartVersion", args.chartVersion ?? POLICY_CONTROLLER_CHART.version);
    const publicKey = checkPublicKey(COMPONENT, "publicKey", args.publicKey);
    const images = checkList(COMPONENT, "images", args.images, (glob, i) => checkImageGlob(COMPONENT, `images[${i}]`, glob));
    const namespaces = checkList(COMPONENT, "namespaces", args.namespaces, (ns, i) => checkDnsLabel(COMPONENT, `namespaces[${i}]`, ns));
    for (const reserved of ["kube-system", namespace]) {
      if (namespaces.includes(reserved)) throw new ArgumentError(COMPONENT, "namespaces", reserved, "expected namespaces of the platform's workloads, not kube-system or policy-controller's own");
    }
    const namespaceMode = checkOneOf(COMPONENT, "namespaceMode", args.namespaceMode ?? "label", ["label", "create"]);
    const mode = checkOneOf(COMPONENT, "mode", args.mode ?? "enforce", ["enforce", "warn"]);
    if (args.transparencyLog !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/\S*)?$/.test(args.transparencyLog.url)) {
      throw new ArgumentError(COMPONENT, "transparencyLog.url", args.transparencyLog.url, "expected an https URL of a Rekor instance");
    }
    const noMatchPolicy = checkOneOf(COMPONENT, "noMatchPolicy", args.noMatchPolicy ?? "deny", ["deny", "warn", "allow"]);
    const policyName = checkDnsLabel(COMPONENT, "policyName", args.policyName ?? "goplatform-signed-images");
    const install = args.install ?? true;
    super("goplatform:k8s:SignatureAdmission", name, {}, opts);
    this.policyName = policyName;
    this.images = images;
    this.namespaces = namespaces;

    const child = { parent: this, provider: args.cluster.provider };
    const installed: pulumi.Resource[] = [];
    if (install) {
      // Fail closed: when the webhook cannot answer, pods in opted-in namespaces are not admitted.
      const chart = { repository: args.chartRepository ?? POLICY_CONTROLLER_CHART.repository, chart: args.chart ?? POLICY_CONTROLLER_CHART.chart, version: chartVersion };
      installed.push(chartRelease(name, chart, namespace, { webhook: { failurePolicy: "Fail", configData: { "no-match-policy": noMatchPolicy } } }, child));
    }
    const policy = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "policy.sigstore.dev/v1beta1",
        kind: "ClusterImagePolicy",
        metadata: { name: policyName, labels: { "app.kubernetes.io/managed-by": "goplatform" } },
        spec: clusterImagePolicySpec(images, publicKey, mode, args.transparencyLog),
      },
      { ...child, dependsOn: installed },
    );
    const labels = { [INCLUDE_LABEL]: "true" };
    for (const ns of namespaces) {
      if (namespaceMode === "create") {
        new k8s.core.v1.Namespace(`${name}-${ns}`, { metadata: { name: ns, labels: { ...labels, "app.kubernetes.io/managed-by": "goplatform" } } }, { ...child, dependsOn: [policy] });
      } else {
        new k8s.core.v1.NamespacePatch(`${name}-${ns}`, { metadata: { name: ns, labels, annotations: { "pulumi.com/patchForce": "true" } } }, { ...child, dependsOn: [policy] });
      }
    }
    this.registerOutputs({ policyName, images, namespaces });
  }
}

export function clusterImagePolicySpec(images: readonly string[], publicKey: string, mode: "enforce" | "warn", tlog?: { url: string }): Record<string, unknown> {
  return {
    images: images.map((glob) => ({ glob })),
    authorities: [{ name: "goplatform-signing-key", key: { data: publicKey, hashAlgorithm: "sha256" }, ...(tlog === undefined ? {} : { ctlog: { url: tlog.url } }) }],
    mode,
  };
}
