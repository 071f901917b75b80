/**
 * ArgoCd: installs Argo CD from its Helm chart at a pinned version (HA optional) and
 * creates an AppProject that restricts where applications come from and where they
 * deploy, and (by default) requires GPG-signed commits.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel } from "../args";
import type { Cluster } from "../cluster";
import { chartRelease } from "./chart-release";
import { checkChartVersion, checkList, checkRepoUrl } from "./checks";
import { ARGO_CD_CHART } from "./images";

const COMPONENT = "ArgoCd";
export const IN_CLUSTER = "https://kubernetes.default.svc";

export interface ArgoCdDestination {
  /** Namespace applications may deploy to (no wildcards). */
  namespace: string;
  /** API server URL. Default: "https://kubernetes.default.svc" (the cluster Argo CD runs in). */
  server?: string;
}

export interface ArgoCdArgs {
  cluster: Cluster;
  /** Install Argo CD from its Helm chart. Default: true. With false, Argo CD must already run in `namespace`; only the AppProject is created. */
  install?: boolean;
  /** Namespace Argo CD runs in. Default: "argocd". */
  namespace?: string;
  /** Chart version. Default: "9.5.2". */
  chartVersion?: string;
  /** Chart repository, or a local chart path/archive for air-gapped clusters (then `chartRepository: ""`). Default: "https://argoproj.github.io/argo-helm". */
  chartRepository?: string;
  /** Chart name or path. Default: "argo-cd". */
  chart?: string;
  /** High availability: Redis HA, two or more replicas of server, repo server and ApplicationSet controller. Default: false. */
  ha?: boolean;
  /** Extra chart values, merged over goplatform's. Default: none. */
  values?: Record<string, unknown>;
  /** The AppProject applications of this platform belong to. */
  project: {
    /** Project name. Default: "goplatform". */
    name?: string;
    /** Git repositories applications may come from (no wildcards). */
    sourceRepos: string[];
    /** Clusters and namespaces applications may deploy to. */
    destinations: ArgoCdDestination[];
    /**
     * GPG key IDs (16 hex digits) whose signatures Argo CD requires on the commits it
     * syncs. Required unless `requireSignedCommits` is false.
     */
    signatureKeys?: string[];
    /** Require signed commits. Default: true. false is an explicit opt-out. */
    requireSignedCommits?: boolean;
    /** Cluster-scoped kinds applications may create ({ group, kind }). Default: none. */
    clusterResourceWhitelist?: { group: string; kind: string }[];
  };
}

export class ArgoCd extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly projectName: string;
  readonly chartVersion: string;
  readonly installed: boolean;
  readonly cluster: Cluster;
  /** Wait on this before creating Argo CD custom resources. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "argocd");
    const chartVersion = checkChartVersion(COMPONENT, "chartVersion", args.chartVersion ?? ARGO_CD_CHART.version);
    const project = args.project;
    const projectName = checkDnsLabel(COMPONENT, "project.name", project.name ?? "goplatform");
    checkList(COMPONENT, "project.sourceRepos", project.sourceRepos, (repo, i) => checkRepoUrl(COMPONENT, `project.sourceRepos[${i}]`, repo));
    checkList(COMPONENT, "project.destinations", project.destinations, (d, i) => {
      if (typeof d.namespace !== "string" || /[*?[\]]/.test(d.namespace)) throw new ArgumentError(COMPONENT, `project.destinations[${i}].namespace`, d.namespace, "expected a namespace name (no wildcards)");
      checkDnsLabel(COMPONENT, `project.destinations[${i}].namespace`, d.namespace);
      if (d.server !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/\S*)?$/.test(d.server)) {
        throw new ArgumentError(COMPONENT, `project.destinations[${i}].server`, d.server, "expected an https API server URL (no wildcards)");
      }
    });
    const requireSigned = project.requireSignedCommits ?? true;
    const keys = project.signatureKeys ?? [];
    if (requireSigned) {
      checkList(COMPONENT, "project.signatureKeys", keys, (key, i) => {
        if (!/^[0-9A-F]{16}$/.test(key)) throw new ArgumentError(COMPONENT, `project.signatureKeys[${i}]`, key, "expected a GPG key ID of 16 uppercase hex digits");
      });
    } else if (keys.length > 0) {
      throw new ArgumentError(COMPONENT, "project.signatureKeys", keys, "signature keys are given but requireSignedCommits is false; drop one of the two");
    }
    for (const [i, r] of (project.clusterResourceWhitelist ?? []).entries()) {
      if (r.kind === "*" || r.group === "*") throw new ArgumentError(COMPONENT, `project.clusterResourceWhitelist[${i}]`, r, "expected a named group and kind (no wildcards)");
    }
    const install = args.install ?? true;
    super("goplatform:k8s:ArgoCd", name, {}, opts);
    this.namespace = namespace;
    this.projectName = projectName;
    this.chartVersion = chartVersion;
    this.installed = install;
    this.cluster = args.cluster;

    const child = { parent: this, provider: args.cluster.provider };
    const installed: pulumi.Resource[] = [];
    if (install) {
      const chart = { repository: args.chartRepository ?? ARGO_CD_CHART.repository, chart: args.chart ?? ARGO_CD_CHART.chart, version: chartVersion };
      installed.push(chartRelease(name, chart, namespace, deepMerge(argoCdValues(args.ha ?? false), args.values ?? {}), child));
    }
    const appProject = new k8s.apiextensions.CustomResource(
      `${name}-project`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: projectName, namespace, labels: { "app.kubernetes.io/managed-by": "goplatform" } },
        spec: appProjectSpec({ ...project, requireSignedCommits: requireSigned, signatureKeys: keys }),
      },
      { ...child, dependsOn: installed },
    );
    this.ready = [...installed, appProject];
    this.registerOutputs({ namespace, projectName, chartVersion, installed: install });
  }
}

/** Chart values: HA replicas and Redis HA when asked; the server not exposed outside the cluster either way. */
export function argoCdValues(ha: boolean): Record<string, unknown> {
  const base = { server: { service: { type: "ClusterIP" } }, configs: { params: { "server.insecure": false } } };
  if (!ha) return base;
  return deepMerge(base, {
    "redis-ha": { enabled: true },
    controller: { replicas: 1 },
    server: { autoscaling: { enabled: true, minReplicas: 2 } },
    repoServer: { autoscaling: { enabled: true, minReplicas: 2 } },
    applicationSet: { replicas: 2 },
  });
}

export function appProjectSpec(project: ArgoCdArgs["project"] & { requireSignedCommits: boolean; signatureKeys: string[] }): Record<string, unknown> {
  return {
    description: "goplatform: Go services, from pinned revisions of known repositories to known namespaces",
    sourceRepos: project.sourceRepos,
    destinations: project.destinations.map((d) => ({ server: d.server ?? IN_CLUSTER, namespace: d.namespace })),
    clusterResourceWhitelist: project.clusterResourceWhitelist ?? [],
    ...(project.requireSignedCommits ? { signatureKeys: project.signatureKeys.map((keyID) => ({ keyID })) } : {}),
    orphanedResources: { warn: true },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}
