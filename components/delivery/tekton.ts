/**
 * Tekton: installs Tekton Pipelines, Triggers (with its core interceptors) and Chains
 * from their release manifests at pinned versions, and configures Chains to sign
 * TaskRun results and the images they name and to record SLSA provenance, with the
 * platform's cosign key held in the `signing-secrets` Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkHttpsUrl, checkNotEmpty, checkOneOf, componentToken, isPending, isRecord, shownSecret, withLegacyType } from "../args";
import { checkClusterData, connectCluster, type ClusterData } from "../cluster";
import { checkPrivateKey, checkPublicKey, checkRegistryRepositories } from "./checks";
import { TEKTON_RELEASES, TEKTON_VERSIONS } from "./images";
import { clusterAfter } from "./ready";
import { validateArgs } from "../arg-validation";

const COMPONENT = "Tekton";
export const CHAINS_NAMESPACE = "tekton-chains";
export const CHAINS_SIGNING_SECRET = "signing-secrets";
export const CHAINS_CONFIG = "chains-config";
/** The ServiceAccount and Deployment of the Chains controller, as the Chains release names them. */
export const CHAINS_CONTROLLER = "tekton-chains-controller";

/** The attestation format Chains records for TaskRuns and PipelineRuns. */
export const ChainsTaskRunFormat = {
  /** SLSA provenance v1. */
  SlsaV1: "slsa/v1",
  /** Chains' plain in-toto format. */
  InToto: "in-toto",
} as const;
export type ChainsTaskRunFormat = (typeof ChainsTaskRunFormat)[keyof typeof ChainsTaskRunFormat];

/** Release versions of the Tekton projects, each `vX.Y.Z`. */
export interface TektonVersions {
  /** Tekton Pipelines. Default: "v1.16.0". */
  pipeline?: string;
  /** Tekton Triggers (and its core interceptors). Default: "v0.37.0". */
  triggers?: string;
  /** Tekton Chains. Default: "v0.29.0". */
  chains?: string;
}

/** Release manifest locations (URL or local path). */
export interface TektonManifests {
  /** Tekton Pipelines' release.yaml. Default: the infra.tekton.dev file of `versions.pipeline`. */
  pipeline?: string;
  /** Tekton Triggers' release.yaml. Default: the infra.tekton.dev file of `versions.triggers`. */
  triggers?: string;
  /** Tekton Triggers' interceptors.yaml. Default: the infra.tekton.dev file of `versions.triggers`. */
  interceptors?: string;
  /** Tekton Chains' release.yaml. Default: the infra.tekton.dev file of `versions.chains`. */
  chains?: string;
}

/** The platform's cosign key pair, from `cosign generate-key-pair`. */
export interface TektonSigningKey {
  /** cosign.key (encrypted PEM). Pass a Pulumi secret (`config.requireSecret`). */
  privateKey: pulumi.Input<string>;
  /** The key's password. Pass a Pulumi secret. */
  password: pulumi.Input<string>;
  /** cosign.pub (PEM), the key admission policies verify against. */
  publicKey: string;
}

/** A Rekor transparency log. */
export interface TransparencyLog {
  /** The Rekor instance's https URL, e.g. "https://rekor.sigstore.dev". */
  url: string;
}

export interface TektonArgs {
  /** The cluster to install into (its data, e.g. an EksCluster's `cluster` output). */
  cluster: ClusterData;
  /**
   * Install Tekton from its release manifests. With false, Tekton Pipelines, Triggers
   * and Chains must already run in the cluster; only the Chains configuration and
   * signing key are applied (to the existing objects). Default: true.
   */
  install?: boolean;
  /** Release versions. Default: pipeline v1.16.0, triggers v0.37.0, chains v0.29.0. */
  versions?: TektonVersions;
  /**
   * Manifest locations (URL or local path), for air-gapped clusters that mirror the
   * release files. Default: the infra.tekton.dev release files of `versions`.
   */
  manifests?: TektonManifests;
  /** The platform's cosign signing key, from `cosign generate-key-pair`. */
  signingKey: TektonSigningKey;
  /** Chains TaskRun attestation format. Default: "slsa/v1" (SLSA provenance). */
  taskRunFormat?: ChainsTaskRunFormat;
  /**
   * Upload signatures to this Rekor transparency log. Default: none, no upload (private
   * images, nothing leaves the cluster).
   */
  transparencyLog?: TransparencyLog;
  /** SLSA builder id recorded in provenance. Default: "https://goplatform.dev/tekton-chains". */
  builderId?: string;
  /**
   * Registry repositories Chains pushes signatures (.sig) and attestations (.att) to, in
   * the cluster's registryPush format: ECR repository ARNs (AWS), Artifact Registry ids
   * `projects/<p>/locations/<l>/repositories/<r>` (GCP), ACR resource ids (Azure). The
   * `tekton-chains-controller` ServiceAccount gets a cloud identity allowed to push
   * there. Default: none, no identity is bound (Chains then needs registry credentials
   * some other way, e.g. a docker-registry Secret on that ServiceAccount).
   */
  registryPush?: pulumi.Input<string>[];
}

/** A `transparencyLog` argument (Tekton's, SignatureAdmission's): absent, or `{ url }` with an https URL. */
export function checkTransparencyLog(component: string, value: TransparencyLog | undefined): TransparencyLog | undefined {
  if (value === undefined) return undefined;
  const given: unknown = value;
  if (!isRecord(given)) throw new ArgumentError(component, "transparencyLog", value, "expected { url: \"https://…\" } of a Rekor instance, or no transparencyLog (none)");
  return { url: checkHttpsUrl(component, "transparencyLog.url", value.url) };
}

/** The own checks of Tekton's args. */
function checkTektonArgs(args: TektonArgs) {
  const { cloud } = checkClusterData(COMPONENT, args.cluster);
  const givenVersions: unknown = args.versions;
  if (givenVersions !== undefined && !isRecord(givenVersions)) {
    throw new ArgumentError(COMPONENT, "versions", givenVersions, "expected { pipeline?, triggers?, chains? }, each a release version such as \"v1.16.0\"");
  }
  const versions = { ...TEKTON_VERSIONS, ...args.versions };
  for (const [key, value] of Object.entries(versions)) {
    if (typeof value !== "string" || !/^v\d+\.\d+\.\d+$/.test(value)) throw new ArgumentError(COMPONENT, `versions.${key}`, value, "expected a release version such as \"v1.16.0\"");
  }
  const signingKey: unknown = args.signingKey;
  if (!isRecord(signingKey)) {
    throw new ArgumentError(COMPONENT, "signingKey", shownSecret(signingKey), "expected { privateKey, password, publicKey }, the platform's cosign key pair from `cosign generate-key-pair`");
  }
  const publicKey = checkPublicKey(COMPONENT, "signingKey.publicKey", args.signingKey.publicKey);
  const privateKey = checkPrivateKey(COMPONENT, "signingKey.privateKey", args.signingKey.privateKey);
  const password: unknown = args.signingKey.password;
  if (!isPending(password) && (typeof password !== "string" || password.length === 0)) {
    throw new ArgumentError(COMPONENT, "signingKey.password", shownSecret(password), "expected the cosign key password (cosign keys are always encrypted)");
  }
  const format = checkOneOf(COMPONENT, "taskRunFormat", args.taskRunFormat ?? ChainsTaskRunFormat.SlsaV1, Object.values(ChainsTaskRunFormat));
  const tlog = checkTransparencyLog(COMPONENT, args.transparencyLog);
  checkNotEmpty(COMPONENT, "builderId", args.builderId, "the builder id URI written into provenance");
  const manifests: unknown = args.manifests;
  if (isRecord(manifests)) for (const [key, file] of Object.entries(manifests)) checkNotEmpty(COMPONENT, `manifests.${key}`, file, "a release manifest's path or URL");
  const builderId = args.builderId ?? "https://goplatform.dev/tekton-chains";
  const install = checkBoolean(COMPONENT, "install", args.install ?? true);
  const registryPush = checkRegistryRepositories(COMPONENT, "registryPush", cloud, args.registryPush, "an ExistingCluster has no cloud identity for Chains; give the tekton-chains-controller ServiceAccount registry credentials instead");
  return { versions, publicKey, privateKey, format, tlog, builderId, install, registryPush };
}

export class Tekton extends pulumi.ComponentResource {
  /** The release versions installed (or expected, with `install: false`). */
  readonly versions: TektonVersions;
  /** The public key matching the signing key: what SignatureAdmission verifies. */
  readonly publicKey: string;
  /** Whether this component installed Tekton from its release manifests. */
  readonly installed: boolean;
  /**
   * The cluster, with a kubeconfig that resolves once Tekton is installed and Chains
   * configured: pass it as GoPipeline's `cluster` so the pipeline objects wait for Tekton.
   */
  readonly cluster: ClusterData;

  constructor(name: string, args: TektonArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs("Tekton", args, checkTektonArgs, withLegacyType("goplatform:k8s:Tekton", opts));
    const { versions, publicKey, privateKey, format, tlog, builderId, install, registryPush } = validated.checked;
    super(componentToken("Tekton"), name, {}, validated.opts);
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    this.versions = versions;
    this.publicKey = publicKey;
    this.installed = install;
    const identity =
      registryPush.length === 0
        ? undefined
        : cluster.bindExistingServiceAccount(
            `${name}-chains`,
            { namespace: CHAINS_NAMESPACE, serviceAccountName: CHAINS_CONTROLLER, permissions: registryPush.map((repository) => ({ kind: "registryPush", repository })) },
          );

    const child = { parent: this, provider: cluster.provider };
    const manifest = (component: keyof typeof versions, file: string): string => `${TEKTON_RELEASES}/${component}/previous/${versions[component]}/${file}`;
    const installed: pulumi.Resource[] = [];
    if (install) {
      const pipeline = new k8s.yaml.v2.ConfigFile(`${name}-pipeline`, { file: args.manifests?.pipeline ?? manifest("pipeline", "release.yaml") }, child);
      const triggers = new k8s.yaml.v2.ConfigFile(`${name}-triggers`, { file: args.manifests?.triggers ?? manifest("triggers", "release.yaml") }, { ...child, dependsOn: [pipeline] });
      const interceptors = new k8s.yaml.v2.ConfigFile(`${name}-interceptors`, { file: args.manifests?.interceptors ?? manifest("triggers", "interceptors.yaml") }, { ...child, dependsOn: [triggers] });
      const chains = new k8s.yaml.v2.ConfigFile(`${name}-chains`, { file: args.manifests?.chains ?? manifest("chains", "release.yaml") }, { ...child, dependsOn: [pipeline] });
      installed.push(pipeline, triggers, interceptors, chains);
    }

    // The Chains release ships both objects (empty); patch them so that Chains keeps
    // owning them and an existing installation is configured the same way.
    const labels = { "app.kubernetes.io/managed-by": "goplatform" };
    const signing = new k8s.core.v1.SecretPatch(
      `${name}-chains-signing`,
      {
        metadata: { name: CHAINS_SIGNING_SECRET, namespace: CHAINS_NAMESPACE, labels, annotations: { "pulumi.com/patchForce": "true" } },
        stringData: pulumi.secret(pulumi.all([privateKey, args.signingKey.password]).apply(([key, password]) => ({ "cosign.key": key, "cosign.password": password, "cosign.pub": publicKey }))),
      },
      { ...child, dependsOn: installed },
    );
    const config = new k8s.core.v1.ConfigMapPatch(
      `${name}-chains-config`,
      {
        metadata: { name: CHAINS_CONFIG, namespace: CHAINS_NAMESPACE, labels, annotations: { "pulumi.com/patchForce": "true" } },
        data: chainsConfig(format, tlog, builderId),
      },
      { ...child, dependsOn: installed },
    );
    const ready: pulumi.Resource[] = [...installed, signing, config];
    if (identity !== undefined) {
      const serviceAccount = new k8s.core.v1.ServiceAccountPatch(
        `${name}-chains-identity`,
        { metadata: { name: CHAINS_CONTROLLER, namespace: CHAINS_NAMESPACE, labels, annotations: { ...identity.annotations, "pulumi.com/patchForce": "true" } } },
        { ...child, dependsOn: installed },
      );
      ready.push(serviceAccount);
      // Identities attach when a pod starts (IRSA, AKS workload identity), and the controller
      // started with the release: changing its pod template rolls it after the ServiceAccount
      // carries the identity. The annotation changes when the identity does, so it rolls again then.
      ready.push(
        new k8s.apps.v1.DeploymentPatch(
          `${name}-chains-controller`,
          {
            metadata: { name: CHAINS_CONTROLLER, namespace: CHAINS_NAMESPACE, annotations: { "pulumi.com/patchForce": "true" } },
            spec: { template: { metadata: { labels: identity.podLabels, annotations: { [CLOUD_IDENTITY_ANNOTATION]: identity.cloudIdentity } } } },
          },
          { ...child, dependsOn: [...installed, serviceAccount] },
        ),
      );
    }
    this.cluster = clusterAfter(args.cluster, ready);
    this.registerOutputs({ versions: this.versions, publicKey: this.publicKey, installed: this.installed, cluster: this.cluster });
  }
}

/** Pod template annotation naming the cloud identity the Chains controller runs as. */
export const CLOUD_IDENTITY_ANNOTATION = "goplatform.dev/cloud-identity";

/** The chains-config data: sign TaskRuns and OCI images with the x509 (cosign key) signer, store in the registry. */
export function chainsConfig(format: ChainsTaskRunFormat, tlog: TransparencyLog | undefined, builderId: string): Record<string, string> {
  return {
    "artifacts.taskrun.format": format,
    "artifacts.taskrun.storage": "oci",
    "artifacts.taskrun.signer": "x509",
    "artifacts.pipelinerun.format": format,
    "artifacts.pipelinerun.storage": "oci",
    "artifacts.pipelinerun.signer": "x509",
    "artifacts.oci.format": "simplesigning",
    "artifacts.oci.storage": "oci",
    "artifacts.oci.signer": "x509",
    "transparency.enabled": tlog === undefined ? "false" : "true",
    ...(tlog === undefined ? {} : { "transparency.url": tlog.url }),
    "builder.id": builderId,
  };
}
