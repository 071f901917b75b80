/**
 * Tekton: installs Tekton Pipelines, Triggers (with its core interceptors) and Chains
 * from their release manifests at pinned versions, and configures Chains to sign
 * TaskRun results and the images they name and to record SLSA provenance, with the
 * platform's cosign key held in the `signing-secrets` Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, componentToken, withLegacyType } from "../args";
import { connectCluster, type ClusterData } from "../cluster";
import { checkOneOf } from "../args";
import { checkPrivateKey, checkPublicKey, checkRegistryRepositories } from "./checks";
import { TEKTON_RELEASES, TEKTON_VERSIONS } from "./images";

const COMPONENT = "Tekton";
export const CHAINS_NAMESPACE = "tekton-chains";
export const CHAINS_SIGNING_SECRET = "signing-secrets";
export const CHAINS_CONFIG = "chains-config";
/** The ServiceAccount and Deployment of the Chains controller, as the Chains release names them. */
export const CHAINS_CONTROLLER = "tekton-chains-controller";

export type ChainsTaskRunFormat = "slsa/v1" | "in-toto";

export interface TektonArgs {
  /** The cluster to install into (its provider is used for every object). */
  cluster: ClusterData;
  /**
   * Install Tekton from its release manifests. Default: true. With false, Tekton
   * Pipelines, Triggers and Chains must already run in the cluster; only the Chains
   * configuration and signing key are applied (to the existing objects).
   */
  install?: boolean;
  /** Release versions. Default: pipeline v1.16.0, triggers v0.37.0, chains v0.29.0. */
  versions?: { pipeline?: string; triggers?: string; chains?: string };
  /**
   * Manifest locations (URL or local path), for air-gapped clusters that mirror the
   * release files. Default: the infra.tekton.dev release files of `versions`.
   */
  manifests?: { pipeline?: string; triggers?: string; interceptors?: string; chains?: string };
  /** The platform's cosign signing key, from `cosign generate-key-pair`. */
  signingKey: {
    /** cosign.key (encrypted PEM). Pass a Pulumi secret (`config.requireSecret`). */
    privateKey: pulumi.Input<string>;
    /** The key's password. Pass a Pulumi secret. */
    password: pulumi.Input<string>;
    /** cosign.pub (PEM), the key admission policies verify against. */
    publicKey: string;
  };
  /** Chains TaskRun attestation format. Default: "slsa/v1" (SLSA provenance). */
  taskRunFormat?: ChainsTaskRunFormat;
  /**
   * Upload signatures to a Rekor transparency log. Default: false (private images,
   * nothing leaves the cluster); `{ url }` enables it (e.g. "https://rekor.sigstore.dev").
   */
  transparencyLog?: false | { url: string };
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

export class Tekton extends pulumi.ComponentResource {
  readonly versions: { readonly pipeline: string; readonly triggers: string; readonly chains: string };
  /** The public key matching the signing key: what SignatureAdmission verifies. */
  readonly publicKey: string;
  readonly installed: boolean;
  /** Wait on this before creating Tekton custom resources. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: TektonArgs, opts?: pulumi.ComponentResourceOptions) {
    const versions = { ...TEKTON_VERSIONS, ...args.versions };
    for (const [key, value] of Object.entries(versions)) {
      if (!/^v\d+\.\d+\.\d+$/.test(value)) throw new ArgumentError(COMPONENT, `versions.${key}`, value, "expected a release version such as \"v1.16.0\"");
    }
    const publicKey = checkPublicKey(COMPONENT, "signingKey.publicKey", args.signingKey.publicKey);
    const privateKey = checkPrivateKey(COMPONENT, "signingKey.privateKey", args.signingKey.privateKey);
    if (typeof args.signingKey.password === "string" && args.signingKey.password.length === 0) {
      throw new ArgumentError(COMPONENT, "signingKey.password", "", "expected the cosign key password (cosign keys are always encrypted)");
    }
    const format = checkOneOf(COMPONENT, "taskRunFormat", args.taskRunFormat ?? "slsa/v1", ["slsa/v1", "in-toto"]);
    const tlog = args.transparencyLog ?? false;
    if (tlog !== false && !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/.*)?$/.test(tlog.url)) {
      throw new ArgumentError(COMPONENT, "transparencyLog.url", tlog.url, "expected an https URL of a Rekor instance");
    }
    const builderId = args.builderId ?? "https://goplatform.dev/tekton-chains";
    const install = args.install ?? true;
    const registryPush = checkRegistryRepositories(COMPONENT, "registryPush", args.cluster, args.registryPush, "an ExistingCluster has no cloud identity for Chains; give the tekton-chains-controller ServiceAccount registry credentials instead");
    super(componentToken("Tekton"), name, {}, withLegacyType("goplatform:k8s:Tekton", opts));
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    this.versions = versions;
    this.publicKey = publicKey;
    this.installed = install;
    // First child: the cluster checks each repository's format for its cloud and throws before anything else exists.
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
    this.ready = ready;
    this.registerOutputs({ versions: this.versions, publicKey: this.publicKey, installed: this.installed });
  }
}

/** Pod template annotation naming the cloud identity the Chains controller runs as. */
export const CLOUD_IDENTITY_ANNOTATION = "goplatform.dev/cloud-identity";

/** The chains-config data: sign TaskRuns and OCI images with the x509 (cosign key) signer, store in the registry. */
export function chainsConfig(format: ChainsTaskRunFormat, tlog: false | { url: string }, builderId: string): Record<string, string> {
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
    "transparency.enabled": tlog === false ? "false" : "true",
    ...(tlog === false ? {} : { "transparency.url": tlog.url }),
    "builder.id": builderId,
  };
}
