/**
 * Test-only cluster data for every cloud: the ClusterData an EksCluster, GkeCluster,
 * AksCluster or ExistingCluster outputs, made of constants, so in-cluster components
 * can be run under mocks without creating a cluster. The cloud identities and buckets
 * they bind are the real per-cloud bindings (components/cluster/clouds), so tests
 * assert on the IAM roles, Google service accounts and managed identities the mocks record.
 */
import type { ClusterData } from "../../components/cluster/contract";

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
