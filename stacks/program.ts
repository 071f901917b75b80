/**
 * The example program: composes goplatform components for the stack's target.
 *
 * - `local`: applied to the local Kubernetes control plane (scripts/cluster.sh: etcd,
 *   kube-apiserver, controller manager, scheduler and kwok on loopback) through the
 *   kubeconfig at `goplatform:kubeconfig`: no cloud, no credentials.
 *   Observability, Tekton, Argo CD and the signature admission run with their installs
 *   switched off (charts and release manifests cannot be fetched offline), so they
 *   configure installations that already run: Observability targets an existing
 *   kube-prometheus-stack and an S3-compatible bucket endpoint, Tekton patches the
 *   Chains release's `chains-config` and `signing-secrets`.
 * - `aws`: the sample Lambda handler (examples/lambda-hello) as a signed GoLambdaFunction,
 *   and an EksCluster with Observability (its Thanos bucket in S3).
 * - `gcp`: the sample HTTP service (examples/http-service) as a GoCloudRunService signed
 *   and attested with the platform's cosign key, and a GkeCluster with Observability (GCS).
 * - `azure`: an AksCluster with Observability (Blob storage).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster, ArgoCd, EksCluster, ExistingCluster, GkeCluster, GoApp, GoAppSet, GoCloudRunService, GoLambdaFunction, GoPipeline, Observability, s3CompatibleBucket, SignatureAdmission, Tekton, type ClusterData } from "../components";

export const TARGETS = ["local", "aws", "gcp", "azure"] as const;
export type Target = (typeof TARGETS)[number];

const projectRoot = path.join(__dirname, "..", "..");
const examples = path.join(projectRoot, "examples");

export function program(): Record<string, unknown> {
  const config = new pulumi.Config();
  const target = config.get("target") ?? "local";
  switch (target) {
    case "local":
      return local(config);
    case "aws":
      return awsStack();
    case "gcp":
      return gcpStack();
    case "azure":
      return azureStack();
    default:
      throw new Error(`config goplatform:target: invalid value ${JSON.stringify(target)}; expected one of ${TARGETS.join(", ")}`);
  }
}

function local(config: pulumi.Config): Record<string, unknown> {
  // Relative to the project root: the provider process runs in another directory.
  const kubeconfigPath = path.resolve(projectRoot, config.get("kubeconfig") ?? ".pulumi/cluster/kubeconfig");
  if (!existsSync(kubeconfigPath)) {
    throw new Error(`config goplatform:kubeconfig: ${JSON.stringify(kubeconfigPath)} does not exist; start the local control plane first (npm start does, or: bash scripts/cluster.sh start)`);
  }
  // The kubeconfig carries the cluster admin's client key.
  const kubeconfig = pulumi.secret(readFileSync(kubeconfigPath, "utf8"));
  const { cluster } = new ExistingCluster("local", { clusterName: "local", kubernetesVersion: "1.34", kubeconfig });
  const observability = new Observability("observability", {
    cluster,
    install: false,
    bucket: s3CompatibleBucket({ bucket: "thanos", endpoint: config.get("metricsEndpoint") ?? "minio.minio.svc:9000" }),
  });
  const delivery = localDelivery(config, cluster);
  return {
    target: "local",
    ...delivery,
    goRuntimeAlerts: observability.alerts,
    thanosQueryUrl: observability.queryUrl,
    objstoreSecretName: observability.objstoreSecretName,
  };
}

/**
 * Demo values for the `local` stack's delivery objects. The golang digest is NOT a real image
 * digest (goplatform ships none it could not verify): set `goplatform:golangImageDigests`
 * to `{ "<go version>": "sha256:…" }` from your registry before running the pipeline.
 */
const DEMO = {
  goVersion: "1.27.4",
  golangImageDigests: { "1.27.4": `sha256:${"0".repeat(64)}` },
  appRepo: "https://github.com/example/payments.git",
  deployRepo: "https://github.com/example/deploy.git",
  imageRepository: "registry.example.com/platform/payments",
  // A real ed25519 GnuPG key made for the demo (private half discarded): its primary key ID and armoured public key.
  gpgKey: "EE97B17BE63605F7",
  gpgPublicKey: `-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawQpbhYJKwYBBAHaRw8BAQdA2dJm5lRPL0liaEGp2J/udHCv//Arm+ecerLV
9IRwCQK0LGdvcGxhdGZvcm0gbG9jYWwgZGVtbyA8ZGVtb0BleGFtcGxlLmludmFs
aWQ+iJAEExYIADgWIQTcH4qKDGjRCgUpjFzul7F75jYF9wUCawQpbgIbAwULCQgH
AgYVCgkICwIEFgIDAQIeAQIXgAAKCRDul7F75jYF9xNpAQCBBUBQi0XM+8JWhYgR
OMPPV0josm2ew5rg7xscQjXy9wEAi/d4THsb4f2NoTgL0TjeqQltARCc68pHnTG4
sxSopgc=
=dHpB
-----END PGP PUBLIC KEY BLOCK-----\n`,
  revision: "0123456789abcdef0123456789abcdef01234567",
};

function localDelivery(config: pulumi.Config, cluster: ClusterData): Record<string, unknown> {
  const goVersion = config.get("pipelineGoVersion") ?? DEMO.goVersion;
  // The stack's signing key is the repository's throwaway test key (tests/fixtures/cosign),
  // kept in Pulumi.local.yaml as passphrase-encrypted secrets.
  const tekton = new Tekton("tekton", {
    cluster,
    install: false,
    signingKey: { privateKey: config.requireSecret("cosignPrivateKey"), password: config.requireSecret("cosignPassword"), publicKey: config.require("cosignPublicKey") },
  });
  const pipeline = new GoPipeline("payments-ci", {
    // Tekton's cluster data: ready once its install and the Chains configuration are.
    cluster: tekton.cluster,
    repoUrl: DEMO.appRepo,
    imageRepository: DEMO.imageRepository,
    goVersion,
    goImageDigests: config.getObject<Record<string, string>>("golangImageDigests") ?? DEMO.golangImageDigests,
    goModule: "github.com/example/payments",
    package: "./cmd/payments",
  });
  const argoCd = new ArgoCd("argocd", {
    cluster,
    install: false,
    project: { sourceRepos: [DEMO.deployRepo], destinations: [{ namespace: "payments" }], gpgPublicKeys: { [DEMO.gpgKey]: DEMO.gpgPublicKey } },
  });
  // No Argo CD controller runs on the local control plane to remove the cascade-delete finalizer.
  const app = new GoApp("payments", { argoCd: argoCd.argoCd, repoUrl: DEMO.deployRepo, path: "apps/payments", targetRevision: DEMO.revision, namespace: "payments", goVersion, cascadeDelete: false });
  const apps = new GoAppSet("payments-services", {
    argoCd: argoCd.argoCd,
    cascadeDelete: false,
    repoUrl: DEMO.deployRepo,
    services: [
      { name: "ledger", path: "apps/ledger", targetRevision: "v1.4.2", namespace: "payments" },
      { name: "fx-rates", path: "apps/fx-rates", targetRevision: DEMO.revision, namespace: "payments" },
    ],
  });
  const admission = new SignatureAdmission("signed-images", {
    cluster,
    install: false,
    publicKey: tekton.publicKey,
    images: [`${DEMO.imageRepository}*`, "registry.example.com/platform/**"],
    namespaces: ["payments"],
    createNamespaces: true,
  });
  return { tektonVersions: tekton.versions, pipeline: pipeline.pipelineName, pipelineGoVersion: pipeline.goVersion, application: app.applicationName, applicationSet: apps.applicationSetName, imagePolicy: admission.policyName };
}

function awsStack(): Record<string, unknown> {
  const hello = new GoLambdaFunction("hello", { source: path.join(examples, "lambda-hello"), functionUrl: {} });
  const cluster = new EksCluster("platform", { publicEndpoint: { allowedCidrs: deployerCidrs() } });
  return { target: "aws", functionName: hello.functionName, url: hello.url, goVersion: hello.goVersion, archiveSha256: hello.archiveSha256, ...clusterOutputs(cluster) };
}

function gcpStack(): Record<string, unknown> {
  const region = new pulumi.Config("gcp").require("region");
  const config = new pulumi.Config();
  // Signed with the platform's cosign key (the stack's secrets) right after the push, with its SBOM and provenance.
  const service = new GoCloudRunService("hello", {
    source: path.join(examples, "http-service"),
    location: region,
    signing: { mode: "cosign", privateKey: config.requireSecret("cosignPrivateKey"), password: config.requireSecret("cosignPassword") },
  });
  const cluster = new GkeCluster("platform", { region });
  return { target: "gcp", uri: service.uri, image: service.image, goVersion: service.goVersion, ...clusterOutputs(cluster) };
}

function azureStack(): Record<string, unknown> {
  const location = new pulumi.Config("azure-native").require("location");
  const cluster = new AksCluster("platform", { location, publicEndpoint: { allowedCidrs: deployerCidrs() } });
  return { target: "azure", ...clusterOutputs(cluster) };
}

/**
 * The networks `pulumi up` runs from (`goplatform:apiAllowedCidrs`): the in-cluster
 * components below reach the API server from there, so the EKS and AKS examples open a
 * public endpoint to those blocks only (GKE uses its IAM-protected DNS endpoint instead).
 */
function deployerCidrs(): string[] {
  return new pulumi.Config().requireObject<string[]>("apiAllowedCidrs");
}

/**
 * What every cloud's example runs on its cluster, through the Cluster contract only:
 * Observability (its Thanos bucket in the cloud's object storage), Tekton with Chains
 * signing with the platform's cosign key, and SignatureAdmission requiring that key
 * for the platform's images. The key comes from stack config:
 * `goplatform:cosignPublicKey`, and the secrets `goplatform:cosignPrivateKey` and
 * `goplatform:cosignPassword` (`pulumi config set --secret`). Chains pushes signatures
 * and attestations with a cloud identity allowed to push to the repositories listed in
 * `goplatform:chainsRegistryPush` (none when unset); the admission webhook gets a cloud
 * identity that reads those repositories, where the signatures are.
 */
function clusterOutputs(platform: EksCluster | GkeCluster | AksCluster): Record<string, unknown> {
  const { cluster } = platform;
  const config = new pulumi.Config();
  const publicKey = config.require("cosignPublicKey");
  const observability = new Observability("observability", { cluster });
  // Chains pushes signatures and attestations to these repositories; the admission webhook reads them back.
  const platformRepositories = config.getObject<string[]>("chainsRegistryPush");
  const tekton = new Tekton("tekton", {
    cluster,
    signingKey: { privateKey: config.requireSecret("cosignPrivateKey"), password: config.requireSecret("cosignPassword"), publicKey },
    registryPush: platformRepositories,
  });
  const admission = new SignatureAdmission("signed-images", {
    cluster,
    publicKey: tekton.publicKey,
    images: [config.require("platformImages")],
    namespaces: config.requireObject<string[]>("platformNamespaces"),
    createNamespaces: true,
    registryRead: platformRepositories,
  });
  return {
    clusterName: platform.clusterName,
    kubernetesVersion: platform.kubernetesVersion,
    kubeconfig: platform.kubeconfig,
    oidcIssuerUrl: platform.oidcIssuerUrl,
    thanosBucket: observability.bucketName,
    thanosQueryUrl: observability.queryUrl,
    tektonVersions: tekton.versions,
    imagePolicy: admission.policyName,
  };
}
