/**
 * Test-only Clusters for aws, gcp and azure: they implement the Cluster contract
 * without any cloud resource. `createBucket` returns an ObjectBucket with the Thanos
 * objstore configuration the real bucket component gives for that cloud, and
 * `bindServiceAccount` creates the annotated ServiceAccount (`bindExistingServiceAccount`
 * returns the annotations instead); all record their calls
 * so tests can assert what an in-cluster component asked for.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type {
  BindServiceAccountArgs,
  BoundIdentity,
  BoundServiceAccount,
  Cluster,
  ObjectBucket,
  ObjectBucketArgs,
} from "../../components/cluster/contract";

export type FakeCloud = "aws" | "gcp" | "azure";

export interface BucketCall {
  readonly name: string;
  readonly args: ObjectBucketArgs;
  readonly parent: pulumi.Resource;
}

export interface BindCall {
  readonly name: string;
  readonly args: BindServiceAccountArgs;
  readonly parent: pulumi.Resource;
  readonly cloudIdentity: string;
  /** True for bindExistingServiceAccount (no ServiceAccount created). */
  readonly existing: boolean;
}

const identity = (cloud: FakeCloud, sa: string): string =>
  ({
    aws: `arn:aws:iam::123456789012:role/fake-${sa}`,
    gcp: `fake-${sa}@demo-project.iam.gserviceaccount.com`,
    azure: `00000000-0000-4000-8000-${String(sa.length).padStart(12, "0")}`,
  })[cloud];

const annotations = (cloud: FakeCloud, id: string): Record<string, string> =>
  ({
    aws: { "eks.amazonaws.com/role-arn": id },
    gcp: { "iam.gke.io/gcp-service-account": id },
    azure: { "azure.workload.identity/client-id": id },
  })[cloud];

/**
 * The objstore.yml document each cloud's bucket gives Thanos, in the shape EksCluster,
 * GkeCluster and AksCluster produce (no credentials: workload identity). The example
 * stacks test checks the real clusters' documents reach Observability the same way.
 */
export function fakeThanosObjectStore(cloud: FakeCloud, bucketName: string): Record<string, unknown> {
  switch (cloud) {
    case "aws":
      return { type: "S3", config: { bucket: bucketName, endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", aws_sdk_auth: true } };
    case "gcp":
      return { type: "GCS", config: { bucket: bucketName } };
    case "azure":
      return { type: "AZURE", config: { storage_account: "fakemetrics", container: bucketName, endpoint: "blob.core.windows.net" } };
  }
}

export class FakeCluster implements Cluster {
  readonly clusterName: pulumi.Output<string>;
  readonly kubernetesVersion = pulumi.output("1.34");
  readonly kubeconfig = pulumi.secret("apiVersion: v1\nkind: Config\n");
  readonly provider: k8s.Provider;
  readonly oidcIssuerUrl: pulumi.Output<string>;
  readonly bucketCalls: BucketCall[] = [];
  readonly bindCalls: BindCall[] = [];

  constructor(readonly cloud: FakeCloud) {
    this.clusterName = pulumi.output(`${cloud}-demo`);
    this.oidcIssuerUrl = pulumi.output(`https://oidc.${cloud}.example/demo`);
    this.provider = new k8s.Provider(`fake-${cloud}`, { kubeconfig: this.kubeconfig });
  }

  bindServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundServiceAccount {
    const cloudIdentity = identity(this.cloud, args.serviceAccountName);
    this.bindCalls.push({ name, args, parent, cloudIdentity, existing: false });
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      { metadata: { name: args.serviceAccountName, namespace: args.namespace, annotations: annotations(this.cloud, cloudIdentity) } },
      { parent, provider: this.provider },
    );
    return {
      serviceAccount,
      serviceAccountName: serviceAccount.metadata.name,
      podLabels: this.cloud === "azure" ? { "azure.workload.identity/use": "true" } : {},
      cloudIdentity: pulumi.output(cloudIdentity),
    };
  }

  bindExistingServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity {
    const cloudIdentity = identity(this.cloud, args.serviceAccountName);
    this.bindCalls.push({ name, args, parent, cloudIdentity, existing: true });
    return {
      annotations: Object.fromEntries(Object.entries(annotations(this.cloud, cloudIdentity)).map(([k, v]) => [k, pulumi.output(v)])),
      podLabels: this.cloud === "azure" ? { "azure.workload.identity/use": "true" } : {},
      cloudIdentity: pulumi.output(cloudIdentity),
    };
  }

  createBucket(name: string, args: ObjectBucketArgs, parent: pulumi.Resource): ObjectBucket {
    this.bucketCalls.push({ name, args, parent });
    const bucketName = `${name}-${this.cloud}`;
    const output = pulumi.output(bucketName);
    return { cloud: this.cloud, bucketName: output, thanosObjectStore: output.apply<Record<string, unknown>>((b) => fakeThanosObjectStore(this.cloud, b)) };
  }
}
