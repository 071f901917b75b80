/**
 * The kubeconfig an EksCluster outputs: the cluster's endpoint and CA, and a token from
 * `aws eks get-token` (AWS CLI v2) with the deploying caller's credentials.
 */
import { stringify } from "yaml";

/** A kubeconfig that gets a token from `aws eks get-token` (AWS CLI v2) with the caller's credentials. */
export function eksKubeconfig(clusterName: string, endpoint: string, caData: string, region: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"], interactiveMode: "Never" } },
      },
    ],
  });
}
