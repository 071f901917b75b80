/**
 * Ordering through data: a component that installs something (Tekton, Argo CD) hands
 * on the cluster data with a kubeconfig that resolves only once its resources exist,
 * so whatever connects with that data (GoPipeline, GoApp) waits for the installation
 * without holding a resource reference (which cannot cross a language boundary).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterData } from "../cluster";

/** `data`, with its kubeconfig (or render directory) resolving after every resource of `after`. */
export function clusterAfter(data: ClusterData, after: readonly pulumi.Resource[]): ClusterData {
  if (after.length === 0) return data;
  const ready = pulumi.all(after.map((resource) => resource.urn));
  const wait = (value: pulumi.Input<string>): pulumi.Output<string> => pulumi.all([value, ready]).apply(([v]) => v);
  return data.renderYamlToDirectory === undefined
    ? { ...data, kubeconfig: pulumi.secret(wait(data.kubeconfig ?? "")) }
    : { ...data, renderYamlToDirectory: wait(data.renderYamlToDirectory) };
}
