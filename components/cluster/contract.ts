/**
 * The Cluster contract: what every in-cluster component (delivery, observability,
 * admission) may rely on, whichever cloud runs the cluster. EksCluster, GkeCluster
 * and AksCluster implement it; in-cluster components take a `Cluster` and never an
 * EKS/GKE/AKS type. A fourth cloud is one new file implementing this interface.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Where the cluster runs; "existing" is a cluster goplatform did not create (no cloud identity). */
export type Cloud = "aws" | "gcp" | "azure" | "existing";

/**
 * An object storage location created in the cluster's cloud (S3 bucket, GCS bucket,
 * Azure Blob container), encrypted, versioned, closed to the public and retained
 * when the stack is destroyed.
 */
export interface ObjectBucket {
  readonly cloud: Cloud;
  /** The bucket (S3, GCS) or container (Azure) name. */
  readonly bucketName: pulumi.Output<string>;
  /**
   * Thanos object store configuration (the `objstore.yml` document as an object):
   * `{ type: "S3" | "GCS" | "AZURE", config: {…} }`. Never holds credentials: access
   * comes from the workload identity `bindServiceAccount` sets up.
   */
  readonly thanosObjectStore: pulumi.Output<Record<string, unknown>>;
}

export interface ObjectBucketArgs {
  /** Days after which noncurrent object versions are deleted. Default: 30. */
  noncurrentVersionDays?: number;
  /** Keep the bucket and its data when the stack is destroyed. Default: true. */
  retainOnDelete?: boolean;
}

/** A cloud permission a Kubernetes ServiceAccount can be given. */
export type CloudPermission =
  /** Objects in a bucket made by `Cluster.createBucket`: list and read, or also write and delete. */
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

export interface Cluster {
  readonly cloud: Cloud;
  readonly clusterName: pulumi.Output<string>;
  /** Kubernetes minor version, e.g. "1.34". */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** A kubeconfig for the cluster. Always a secret output. */
  readonly kubeconfig: pulumi.Output<string>;
  /** A Kubernetes provider wired to `kubeconfig`, ready for in-cluster components. */
  readonly provider: k8s.Provider;
  /** The cluster's OIDC issuer URL (service account token issuer). */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /**
   * Creates a Kubernetes ServiceAccount with a cloud identity holding `permissions`:
   * IRSA on AWS, Workload Identity on GKE, workload identity federation on AKS. The
   * resources are children of `parent` (the calling component).
   */
  bindServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundServiceAccount;
  /**
   * The same cloud identity, grants and trust for `namespace`/`serviceAccountName`, for a
   * ServiceAccount something else creates: no ServiceAccount is created; the caller
   * applies the returned annotations and pod labels.
   */
  bindExistingServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity;
  /** Creates an object storage bucket in the cluster's cloud and region, as a child of `parent`. */
  createBucket(name: string, args: ObjectBucketArgs, parent: pulumi.Resource): ObjectBucket;
}
