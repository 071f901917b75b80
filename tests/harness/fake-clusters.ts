/**
 * Test-only cluster data for every cloud: the ClusterData an EksCluster, GkeCluster,
 * AksCluster or ExistingCluster outputs, made of constants, so in-cluster components
 * can be run under mocks without creating a cluster. The cloud identities and buckets
 * they bind are the real per-cloud bindings (components/cluster/clouds), so tests
 * assert on the IAM roles, Google service accounts and managed identities the mocks record.
 */
import * as pulumi from "@pulumi/pulumi";
import { connectCluster } from "../../components/cluster/connect";
import type { Cluster, ClusterData } from "../../components/cluster/contract";
import { valueOf } from "./mocks";

export type FakeCloud = "aws" | "gcp" | "azure";

export const FAKE_KUBECONFIG = "apiVersion: v1\nkind: Config\n";

/** Cluster data for `cloud`, as that cloud's cluster component would output it. */
export function fakeCluster(cloud: FakeCloud | "existing", overrides: Partial<ClusterData> = {}): ClusterData {
  const common = { name: `${cloud}-demo`, kubernetesVersion: "1.34", kubeconfig: FAKE_KUBECONFIG, oidcIssuerUrl: `https://oidc.${cloud}.example/demo` };
  switch (cloud) {
    case "aws":
      return { cloud, ...common, aws: { partition: "aws", region: "eu-west-1", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.aws.example/demo", tags: { team: "platform" } }, ...overrides };
    case "gcp":
      return { cloud, ...common, gcp: { project: "demo-project", region: "europe-west1", workloadPool: "demo-project.svc.id.goog" }, ...overrides };
    case "azure":
      return { cloud, ...common, azure: { subscriptionId: "00000000-0000-4000-8000-000000000000", resourceGroupName: "platform", location: "westeurope" }, ...overrides };
    case "existing":
      return { cloud, ...common, oidcIssuerUrl: "", ...overrides };
  }
}

/** The objstore.yml document each cloud's bucket gives Thanos (no credentials: workload identity). */
export function expectedThanosObjectStore(cloud: FakeCloud, bucketName: string): Record<string, unknown> {
  switch (cloud) {
    case "aws":
      return { type: "S3", config: { bucket: bucketName, endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", aws_sdk_auth: true } };
    case "gcp":
      return { type: "GCS", config: { bucket: bucketName } };
    case "azure":
      return { type: "AZURE", config: { storage_account: "fakemetrics", container: bucketName, endpoint: "blob.core.windows.net" } };
  }
}

/**
 * `data` connected as an in-cluster component connects it: from a component of its own
 * (`test:index:Caller` "caller"), children named "x-…", errors naming "Test".
 */
export function connectAsCaller(data: ClusterData, parent: pulumi.Resource = new pulumi.ComponentResource("test:index:Caller", "caller")): Cluster {
  return connectCluster("Test", "x", data, parent);
}

/** A cluster component's `.cluster` with its Outputs resolved. */
export interface ResolvedClusterData {
  cloud: string;
  name: string;
  kubernetesVersion: string;
  secretKubeconfig: boolean;
  kubeconfig: string;
  oidcIssuerUrl: string;
  aws?: unknown;
  gcp?: unknown;
  azure?: unknown;
}

/** What a cluster component's `.cluster` resolves to, for assertions. */
export async function resolveClusterData(data: ClusterData): Promise<ResolvedClusterData> {
  return {
    cloud: await valueOf(data.cloud),
    name: await valueOf(data.name),
    kubernetesVersion: await valueOf(data.kubernetesVersion),
    secretKubeconfig: await pulumi.isSecret(pulumi.output(data.kubeconfig ?? "")),
    kubeconfig: await valueOf(data.kubeconfig ?? ""),
    oidcIssuerUrl: await valueOf(data.oidcIssuerUrl ?? ""),
    aws: data.aws === undefined ? undefined : await valueOf(pulumi.output(data.aws)),
    gcp: data.gcp === undefined ? undefined : await valueOf(pulumi.output(data.gcp)),
    azure: data.azure === undefined ? undefined : await valueOf(pulumi.output(data.azure)),
  };
}
