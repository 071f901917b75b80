/**
 * How goplatform installs a pinned Helm chart: a Helm v3 release (hooks run, so
 * charts that make their own certificates work), atomic and cleaned up on failure,
 * from the chart's repository or, with repository "", a local chart path for
 * air-gapped clusters.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface PinnedChart {
  /** Chart repository URL, or "" when `chart` is a local path. */
  repository: string;
  chart: string;
  version: string;
}

export function chartRelease(name: string, chart: PinnedChart, namespace: string, values: Record<string, unknown>, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name,
      chart: chart.chart,
      version: chart.version,
      ...(chart.repository === "" ? {} : { repositoryOpts: { repo: chart.repository } }),
      namespace,
      createNamespace: true,
      atomic: true,
      cleanupOnFail: true,
      values,
    },
    opts,
  );
}
