/**
 * SignatureAdmission: the Sigstore policy-controller (Helm chart, pinned) and a
 * ClusterImagePolicy that admits the platform's images only with a valid cosign
 * signature from the platform's key, in the namespaces the platform owns (labelled
 * `policy.sigstore.dev/include=true`, the label policy-controller opts namespaces in by).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkChartVersion, checkDnsLabel, checkList, checkNotEmpty, checkNumber, checkOneOf, componentToken, withLegacyType } from "../args";
import { checkClusterData, connectCluster, type BoundIdentity, type ClusterData } from "../cluster";
import { chartRelease } from "./chart-release";
import { checkImageGlob, checkPublicKey, checkRegistryRepositories } from "./checks";
import { POLICY_CONTROLLER_CHART } from "./images";
import { checkTransparencyLog, CLOUD_IDENTITY_ANNOTATION, type TransparencyLog } from "./tekton";
import { validateArgs } from "../arg-validation";

const COMPONENT = "SignatureAdmission";
export const INCLUDE_LABEL = "policy.sigstore.dev/include";

/** What the ClusterImagePolicy does with an image that fails verification. */
export const AdmissionMode = {
  /** Reject the pod. */
  Enforce: "enforce",
  /** Admit it with a warning. */
  Warn: "warn",
} as const;
export type AdmissionMode = (typeof AdmissionMode)[keyof typeof AdmissionMode];

/** What policy-controller does with an image no ClusterImagePolicy matches (its `no-match-policy`). */
export const NoMatchPolicy = {
  /** Reject the pod. */
  Deny: "deny",
  /** Admit it with a warning. */
  Warn: "warn",
  /** Admit it. */
  Allow: "allow",
} as const;
export type NoMatchPolicy = (typeof NoMatchPolicy)[keyof typeof NoMatchPolicy];

export interface SignatureAdmissionArgs {
  /** The cluster to install into (its data, e.g. an EksCluster's `cluster` output). */
  cluster: ClusterData;
  /** Install policy-controller from its Helm chart. With false it must already run; only the policy and namespace labels are applied. Default: true. */
  install?: boolean;
  /** Namespace policy-controller runs in. Default: "cosign-system". */
  namespace?: string;
  /** Chart version. Default: "0.10.6". */
  chartVersion?: string;
  /** Chart repository, or "" with a local `chart` path for air-gapped clusters. Default: "https://sigstore.github.io/helm-charts". */
  chartRepository?: string;
  /** Chart name, or a local chart path with `chartRepository: ""`. Default: "policy-controller". */
  chart?: string;
  /** cosign.pub (PEM) of the key the pipeline signs with (e.g. `tekton.publicKey`). */
  publicKey: string;
  /** Image globs of the images the platform owns, e.g. "ghcr.io/acme/**". `*` and `**` are refused. */
  images: string[];
  /** Namespaces the policy applies to; they get the `policy.sigstore.dev/include: "true"` label. */
  namespaces: string[];
  /**
   * Create the namespaces with the label (namespaces the platform itself creates)
   * instead of patching the label onto existing ones. Default: false (label existing
   * namespaces).
   */
  createNamespaces?: boolean;
  /** "enforce" rejects unsigned images; "warn" only warns. Default: "enforce". */
  mode?: AdmissionMode;
  /** Rekor instance signatures must be in. Default: none (key-only verification, matching Tekton's default). */
  transparencyLog?: TransparencyLog;
  /**
   * What policy-controller does with an image no ClusterImagePolicy matches, in the
   * opted-in namespaces (its `no-match-policy`). Default: "deny".
   */
  noMatchPolicy?: NoMatchPolicy;
  /** ClusterImagePolicy name. Default: "goplatform-signed-images". */
  policyName?: string;
  /**
   * Webhook replicas, 2–10. Default: 3. The webhook fails closed, so one replica would
   * stop every pod in the opted-in namespaces whenever it restarts. The replicas prefer
   * distinct zones, then distinct nodes (podAntiAffinity: the chart has no
   * topologySpreadConstraints value), and a PodDisruptionBudget lets one go at a time
   * (maxUnavailable 1, in place of the chart's minAvailable 1, which blocks the drain
   * of a node running a single replica). Only with `install`.
   */
  replicas?: number;
  /**
   * Registry repositories the webhook reads signatures from, in the cluster's
   * registryRead format: ECR repository ARNs (AWS), Artifact Registry ids
   * `projects/<p>/locations/<l>/repositories/<r>` (GCP), ACR resource ids (Azure). The
   * chart's webhook ServiceAccount gets a cloud identity allowed to pull there.
   * Default: none, no identity is bound (public registries, or credentials from the
   * admitted pod's imagePullSecrets). Only with `install` (the identity goes on the
   * ServiceAccount the chart creates), and not on an ExistingCluster (no cloud identity).
   */
  registryRead?: pulumi.Input<string>[];
}

/** Default webhook replicas: one per zone of a three-zone cluster. */
export const DEFAULT_WEBHOOK_REPLICAS = 3;

/** The own checks of SignatureAdmission's args. */
function checkSignatureAdmissionArgs(args: SignatureAdmissionArgs) {
  const { cloud } = checkClusterData(COMPONENT, args.cluster);
  const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "cosign-system");
  const chartVersion = checkChartVersion(COMPONENT, "chartVersion", args.chartVersion ?? POLICY_CONTROLLER_CHART.version);
  checkNotEmpty(COMPONENT, "chart", args.chart, "a chart name or a local chart path");
  const publicKey = checkPublicKey(COMPONENT, "publicKey", args.publicKey);
  const images = checkList(COMPONENT, "images", args.images, (glob, i) => checkImageGlob(COMPONENT, `images[${i}]`, glob));
  const namespaces = checkList(COMPONENT, "namespaces", args.namespaces, (ns, i) => checkDnsLabel(COMPONENT, `namespaces[${i}]`, ns));
  for (const reserved of ["kube-system", namespace]) {
    if (namespaces.includes(reserved)) throw new ArgumentError(COMPONENT, "namespaces", reserved, "expected namespaces of the platform's workloads, not kube-system or policy-controller's own");
  }
  const createNamespaces = checkBoolean(COMPONENT, "createNamespaces", args.createNamespaces ?? false);
  const mode = checkOneOf(COMPONENT, "mode", args.mode ?? AdmissionMode.Enforce, Object.values(AdmissionMode));
  const tlog = checkTransparencyLog(COMPONENT, args.transparencyLog);
  const noMatchPolicy = checkOneOf(COMPONENT, "noMatchPolicy", args.noMatchPolicy ?? NoMatchPolicy.Deny, Object.values(NoMatchPolicy));
  const policyName = checkDnsLabel(COMPONENT, "policyName", args.policyName ?? "goplatform-signed-images");
  const install = checkBoolean(COMPONENT, "install", args.install ?? true);
  if (!install && args.replicas !== undefined) {
    throw new ArgumentError(COMPONENT, "replicas", args.replicas, "expected no replicas with install: false (the existing policy-controller installation sets its own)");
  }
  const replicas = checkNumber(COMPONENT, "replicas", args.replicas ?? DEFAULT_WEBHOOK_REPLICAS, { min: 2, max: 10, integer: true });
  const registryRead = checkRegistryRepositories(COMPONENT, "registryRead", cloud, args.registryRead, "an ExistingCluster has no cloud identity for the webhook; give its ServiceAccount registry credentials (imagePullSecrets) instead");
  if (!install && registryRead.length > 0) {
    throw new ArgumentError(COMPONENT, "registryRead", registryRead, "expected no registryRead with install: false; bind a cloud identity to the existing policy-controller webhook ServiceAccount instead");
  }
  return { namespace, chartVersion, publicKey, images, namespaces, createNamespaces, mode, tlog, noMatchPolicy, policyName, install, replicas, registryRead };
}

export class SignatureAdmission extends pulumi.ComponentResource {
  /** The ClusterImagePolicy's name. */
  readonly policyName: string;
  /** The image globs the policy covers. */
  readonly images: string[];
  /** The namespaces the policy applies to (labelled `policy.sigstore.dev/include: "true"`). */
  readonly namespaces: string[];

  constructor(name: string, args: SignatureAdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs("SignatureAdmission", args, checkSignatureAdmissionArgs, withLegacyType("goplatform:k8s:SignatureAdmission", opts));
    const { namespace, chartVersion, publicKey, images, namespaces, createNamespaces, mode, tlog, noMatchPolicy, policyName, install, replicas, registryRead } = validated.checked;
    super(componentToken("SignatureAdmission"), name, {}, validated.opts);
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    this.policyName = policyName;
    this.images = [...images];
    this.namespaces = [...namespaces];

    const identity =
      registryRead.length === 0
        ? undefined
        : cluster.bindExistingServiceAccount(
            `${name}-webhook`,
            { namespace, serviceAccountName: webhookServiceAccountName(name), permissions: registryRead.map((repository) => ({ kind: "registryRead", repository })) },
          );

    const child = { parent: this, provider: cluster.provider };
    const installed: pulumi.Resource[] = [];
    if (install) {
      const chart = { repository: args.chartRepository ?? POLICY_CONTROLLER_CHART.repository, chart: args.chart ?? POLICY_CONTROLLER_CHART.chart, version: chartVersion };
      installed.push(chartRelease(name, chart, namespace, { webhook: webhookValues(name, replicas, noMatchPolicy, identity) }, child));
    }
    const policy = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "policy.sigstore.dev/v1beta1",
        kind: "ClusterImagePolicy",
        metadata: { name: policyName, labels: { "app.kubernetes.io/managed-by": "goplatform" } },
        spec: clusterImagePolicySpec(images, publicKey, mode, tlog),
      },
      { ...child, dependsOn: installed },
    );
    const labels = { [INCLUDE_LABEL]: "true" };
    for (const ns of namespaces) {
      if (createNamespaces) {
        new k8s.core.v1.Namespace(`${name}-${ns}`, { metadata: { name: ns, labels: { ...labels, "app.kubernetes.io/managed-by": "goplatform" } } }, { ...child, dependsOn: [policy] });
      } else {
        new k8s.core.v1.NamespacePatch(`${name}-${ns}`, { metadata: { name: ns, labels, annotations: { "pulumi.com/patchForce": "true" } } }, { ...child, dependsOn: [policy] });
      }
    }
    this.registerOutputs({ policyName, images, namespaces });
  }
}

/**
 * The `fullname` the policy-controller chart (0.10.x, `_helpers.tpl`) gives a release:
 * the release name when it contains the chart name, else `<release>-policy-controller`,
 * cut to 63 characters and without a trailing '-'.
 */
export function policyControllerFullname(release: string): string {
  const full = release.includes(POLICY_CONTROLLER_CHART.chart) ? release : `${release}-${POLICY_CONTROLLER_CHART.chart}`;
  const cut = full.slice(0, 63);
  return cut.endsWith("-") ? cut.slice(0, -1) : cut;
}

/** The webhook ServiceAccount the chart creates (its `webhook.serviceAccountName` with create: true and no name). */
export function webhookServiceAccountName(release: string): string {
  return `${policyControllerFullname(release)}-webhook`;
}

/**
 * The chart's `webhook` values: fail closed (when the webhook cannot answer, pods in
 * opted-in namespaces are not admitted), so several replicas, spread, and a budget that
 * lets one go; and the cloud identity, when there is one, on its ServiceAccount and pods.
 */
function webhookValues(release: string, replicas: number, noMatchPolicy: string, identity?: BoundIdentity): Record<string, unknown> {
  // The label the chart puts on the webhook pods (and selects them by).
  const selector = { matchLabels: { "control-plane": `${policyControllerFullname(release)}-webhook` } };
  const spread = (topologyKey: string) => ({ weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey } });
  return {
    failurePolicy: "Fail",
    configData: { "no-match-policy": noMatchPolicy },
    replicaCount: replicas,
    // Preferred, not required: a required term would leave a rollout's surge pod (or a
    // replica on a cluster with fewer zones or nodes than replicas) Pending for good.
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")] } },
    // The template writes minAvailable only when it is truthy: 0 drops the chart's default of 1.
    podDisruptionBudget: { enabled: true, minAvailable: 0, maxUnavailable: 1 },
    ...(identity === undefined
      ? {}
      : {
          serviceAccount: { create: true, annotations: identity.annotations },
          // The chart writes customLabels unquoted (`key: value`) into every object's labels,
          // pod template included: JSON-quoted, "true" stays a string and not a YAML boolean.
          customLabels: Object.fromEntries(Object.entries(identity.podLabels).map(([key, value]) => [key, JSON.stringify(value)])),
          // Identities attach when a pod starts: a new identity rolls the webhook.
          podAnnotations: { [CLOUD_IDENTITY_ANNOTATION]: identity.cloudIdentity },
        }),
  };
}

export function clusterImagePolicySpec(images: readonly string[], publicKey: string, mode: AdmissionMode, tlog?: TransparencyLog): Record<string, unknown> {
  return {
    images: images.map((glob) => ({ glob })),
    authorities: [{ name: "goplatform-signing-key", key: { data: publicKey, hashAlgorithm: "sha256" }, ...(tlog === undefined ? {} : { ctlog: { url: tlog.url } }) }],
    mode,
  };
}
