/**
 * The cluster contract: the plain data a cluster hands to in-cluster components
 * (delivery, observability, admission), whichever cloud runs it and whichever language
 * the stack is written in. EksCluster, GkeCluster, AksCluster and ExistingCluster output
 * a `ClusterData`; in-cluster components take one, build their own Kubernetes provider
 * from its kubeconfig and bind cloud identities from its per-cloud block
 * (`connectCluster`, connect.ts). Nothing in it is a method or a resource, so it
 * crosses a component-package boundary (YAML, Python, Go, C#) and a StackReference.
 * A fourth cloud is one file in clouds/ implementing `CloudBinding`.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Where a cluster runs. */
export const Cloud = {
  /** Amazon EKS. */
  Aws: "aws",
  /** Google GKE. */
  Gcp: "gcp",
  /** Azure AKS. */
  Azure: "azure",
  /** A cluster goplatform did not create: no cloud identity, no cloud object storage. */
  Existing: "existing",
} as const;
export type Cloud = (typeof Cloud)[keyof typeof Cloud];

/** How an EKS cluster gives Kubernetes ServiceAccounts IAM roles. */
export const AwsWorkloadIdentity = {
  /** IAM roles for service accounts: an OIDC trust per role, the ServiceAccount annotated with the role ARN. */
  Irsa: "irsa",
  /** EKS Pod Identity: a pod identity association per ServiceAccount, no annotation. */
  PodIdentity: "podIdentity",
} as const;
export type AwsWorkloadIdentity = (typeof AwsWorkloadIdentity)[keyof typeof AwsWorkloadIdentity];

/** What binding a workload identity on an EKS cluster needs. */
export interface AwsClusterData {
  /** The AWS partition ("aws", "aws-cn", "aws-us-gov"). */
  partition: pulumi.Input<string>;
  /** The cluster's region, e.g. "eu-west-1". */
  region: pulumi.Input<string>;
  /** ARN of the cluster's IAM OIDC identity provider (IRSA trust). */
  oidcProviderArn: pulumi.Input<string>;
  /**
   * How ServiceAccounts get IAM roles: "irsa" or "podIdentity" (an `AwsWorkloadIdentity`;
   * a string for the same reason as `ClusterData.cloud`). Default: "irsa".
   */
  workloadIdentity?: pulumi.Input<string>;
  /**
   * Tags for the IAM roles and buckets made for in-cluster workloads. Default: {}.
   */
  tags?: { [key: string]: string };
}

/** What binding a workload identity on a GKE cluster needs. */
export interface GcpClusterData {
  /** The Google Cloud project of the cluster. */
  project: pulumi.Input<string>;
  /** The cluster's region, e.g. "europe-west1". */
  region: pulumi.Input<string>;
  /** The Workload Identity pool, `<project>.svc.id.goog`. */
  workloadPool: pulumi.Input<string>;
  /**
   * Labels for the buckets made for in-cluster workloads. Default: {}.
   */
  labels?: { [key: string]: string };
}

/** What binding a workload identity on an AKS cluster needs. */
export interface AzureClusterData {
  /** The subscription id of the cluster. */
  subscriptionId: pulumi.Input<string>;
  /** The resource group the workload identities and storage accounts go in. */
  resourceGroupName: pulumi.Input<string>;
  /** The Azure location, e.g. "westeurope". */
  location: pulumi.Input<string>;
  /**
   * Tags for the identities and storage accounts made for in-cluster workloads. Default: {}.
   */
  tags?: { [key: string]: string };
}

/** The data a cluster hands to in-cluster components. */
export interface ClusterData {
  /**
   * Where the cluster runs: "aws", "gcp", "azure" or "existing" (a `Cloud`). It decides
   * which per-cloud block identities are bound from, so it must be known when an
   * in-cluster component is created. A string rather than the `Cloud` enum, and an
   * Input, so that a YAML program can pass a cluster component's output (Pulumi YAML
   * does not assign an enum output to an enum input).
   */
  cloud: pulumi.Input<string>;
  /** The cluster's name in its cloud (for an existing cluster: a name used in labels). */
  name: pulumi.Input<string>;
  /** Kubernetes minor version, e.g. "1.34". */
  kubernetesVersion: pulumi.Input<string>;
  /**
   * A kubeconfig for the cluster. A secret; the cluster components always output it as one. Default: "" (only with `renderYamlToDirectory`).
   */
  kubeconfig?: pulumi.Input<string>;
  /**
   * Write the Kubernetes manifests to this directory instead of applying them (review,
   * GitOps). Only for `cloud: "existing"`. Default: unset: apply to the cluster.
   */
  renderYamlToDirectory?: pulumi.Input<string>;
  /**
   * The service account token issuer URL. Default: "".
   */
  oidcIssuerUrl?: pulumi.Input<string>;
  /** Identity binding data for `cloud: "aws"`. */
  aws?: AwsClusterData;
  /** Identity binding data for `cloud: "gcp"`. */
  gcp?: GcpClusterData;
  /** Identity binding data for `cloud: "azure"`. */
  azure?: AzureClusterData;
}

/**
 * An object storage location in the cluster's cloud (S3 bucket, GCS bucket, Azure Blob
 * container), encrypted, versioned, closed to the public and retained when the stack is
 * destroyed; or an S3-compatible bucket goplatform did not create.
 */
export interface ObjectBucket {
  /** The cloud whose identities can be granted access to it: "aws", "gcp", "azure" or "existing", known when the bucket is used. */
  cloud: pulumi.Input<string>;
  /** The bucket (S3, GCS) or container (Azure) name. */
  bucketName: pulumi.Input<string>;
  /**
   * What access is granted on: the bucket ARN (S3), the bucket name (GCS), the container's
   * resource id (Azure). Default: "" (an S3-compatible bucket: no cloud grant).
   */
  resourceId?: pulumi.Input<string>;
  /**
   * The Thanos object store configuration (`objstore.yml`) as JSON text:
   * `{"type": "S3" | "GCS" | "AZURE", "config": {…}}`. Never holds credentials: access
   * comes from the workload identity.
   */
  thanosObjectStore: pulumi.Input<string>;
}

export interface ObjectBucketArgs {
  /** Days after which noncurrent object versions are deleted. Default: 30. */
  noncurrentVersionDays?: number;
  /** Keep the bucket and its data when the stack is destroyed. Default: true. */
  retainOnDelete?: boolean;
}

/** A cloud permission a Kubernetes ServiceAccount can be given. */
export type CloudPermission =
  /** Objects in a bucket made for this cluster: list and read, or also write and delete. */
  | { readonly kind: "bucket"; readonly bucket: ObjectBucket; readonly access: "read" | "readWrite" }
  /**
   * Push images to one registry repository: an ECR repository ARN (AWS), an Artifact
   * Registry repository id `projects/<p>/locations/<l>/repositories/<r>` (GCP), or an
   * Azure Container Registry resource id (Azure).
   */
  | { readonly kind: "registryPush"; readonly repository: pulumi.Input<string> }
  /** Pull images, signatures and attestations from one registry repository, named as for `registryPush`. */
  | { readonly kind: "registryRead"; readonly repository: pulumi.Input<string> };

export interface BindServiceAccountArgs {
  /** Namespace of the ServiceAccount (created by the caller or another component). */
  namespace: pulumi.Input<string>;
  /** The ServiceAccount's name: bindServiceAccount creates it; bindExistingServiceAccount expects it to exist. */
  serviceAccountName: string;
  /** What the workload may do in the cloud. Default: nothing (an identity with no grants). */
  permissions?: readonly CloudPermission[];
}

export interface BoundServiceAccount {
  /** The Kubernetes ServiceAccount, annotated for the cloud identity. */
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly serviceAccountName: pulumi.Output<string>;
  /**
   * Labels the pods using the ServiceAccount must carry (AKS workload identity needs
   * `azure.workload.identity/use: "true"`); empty where the cloud needs none.
   */
  readonly podLabels: Record<string, string>;
  /** The cloud identity: IAM role ARN (AWS), Google service account email (GCP), managed identity client id (Azure). */
  readonly cloudIdentity: pulumi.Output<string>;
}

/**
 * A cloud identity bound to a ServiceAccount the cluster does not create (one a release
 * manifest ships): the caller puts `annotations` on that ServiceAccount and `podLabels`
 * on its pods' template.
 */
export interface BoundIdentity {
  /** Annotations the ServiceAccount must carry; empty where the cloud needs none (EKS Pod Identity). */
  readonly annotations: Record<string, pulumi.Output<string>>;
  /** Labels its pods must carry (AKS: `azure.workload.identity/use: "true"`); empty where the cloud needs none. */
  readonly podLabels: Record<string, string>;
  /** The cloud identity: IAM role ARN (AWS), Google service account email (GCP), managed identity client id (Azure). */
  readonly cloudIdentity: pulumi.Output<string>;
}

/**
 * What one cloud implements (a file in clouds/): identities and buckets made from the
 * ClusterData alone. Every resource is a child of `parent` (the calling component).
 */
export interface CloudBinding {
  /** The cloud identity, grants and trust for `namespace`/`serviceAccountName`; no ServiceAccount is created. */
  bindIdentity(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity;
  /** A bucket in the cluster's cloud and region. */
  createBucket(name: string, args: ObjectBucketArgs, parent: pulumi.Resource): ObjectBucket;
}

/**
 * A cluster as an in-cluster component uses it (`connectCluster`): its data, a
 * Kubernetes provider built from the kubeconfig, and the cloud's identity binding.
 */
export interface Cluster {
  readonly data: ClusterData;
  readonly cloud: Cloud;
  readonly clusterName: pulumi.Output<string>;
  /** Kubernetes minor version, e.g. "1.34". */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** The Kubernetes provider for the cluster, a child of the component that connected. */
  readonly provider: k8s.Provider;
  /**
   * Creates a Kubernetes ServiceAccount with a cloud identity holding `permissions`:
   * IRSA (or EKS Pod Identity) on AWS, Workload Identity on GKE, workload identity
   * federation on AKS. The resources are children of the connecting component.
   */
  bindServiceAccount(name: string, args: BindServiceAccountArgs): BoundServiceAccount;
  /**
   * The same cloud identity, grants and trust, for a ServiceAccount something else
   * creates: the caller applies the returned annotations and pod labels.
   */
  bindExistingServiceAccount(name: string, args: BindServiceAccountArgs): BoundIdentity;
  /** Creates an object storage bucket in the cluster's cloud and region. */
  createBucket(name: string, args: ObjectBucketArgs): ObjectBucket;
}
