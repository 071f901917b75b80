/**
 * The plain data Observability puts in its resources, built from checked arguments:
 * the kube-prometheus-stack chart values, the objstore.yml of the Thanos components,
 * the ServiceMonitor specs, Thanos Query's endpoints and the dashboard ConfigMap's
 * data. Pure functions (no resources, no mocks needed to test them); observability.ts
 * creates the resources around them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ArgumentError, isRecord } from "../args";
import { goRuntimeDashboard } from "./go-dashboard";
import type { GoRuntimeAlertThresholds } from "./go-runtime-alerts";
import { GRPC_PORT, HTTP_PORT, OBJSTORE_KEY, type ThanosRetention } from "./thanos";

export const KUBE_PROMETHEUS_STACK_REPO = "https://prometheus-community.github.io/helm-charts";
/** kube-prometheus-stack 88.5.3 (Prometheus Operator v0.93.1). */
export const KUBE_PROMETHEUS_STACK_VERSION = "88.5.3";

/** Label selecting the Go services to scrape, unless `goServiceSelector` says otherwise. */
export const GO_SERVICE_LABELS: Readonly<Record<string, string>> = { "goplatform.dev/runtime": "go" };

/** Label (and value) the Go services' ServiceMonitor puts on every series it scrapes. */
export const GO_SERIES_LABEL = "goplatform_runtime";

/** The Secret holding Grafana's admin login (the chart reads it through grafana.admin.existingSecret). */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** The Secret holding `objstore.yml` (key OBJSTORE_KEY) that the sidecar and every Thanos component read. */
export const OBJSTORE_SECRET = "thanos-objstore";

/** Name of the Go runtime dashboard ConfigMap. */
export const DASHBOARD_CONFIGMAP = "goplatform-go-runtime-dashboard";

/** The Thanos object store types a bucket's configuration may name. */
const OBJSTORE_TYPES = ["S3", "GCS", "AZURE"];

/** Observability's arguments, checked and with their defaults applied (checkObservabilityArgs). */
export interface CheckedObservability {
  readonly namespace: string;
  readonly install: boolean;
  readonly releaseName: string;
  readonly chartVersion: string;
  readonly noncurrentVersionDays: number;
  readonly prometheusReplicas: number;
  readonly prometheusRetention: string;
  readonly retention: ThanosRetention;
  readonly downsampling: boolean;
  readonly queryReplicas: number;
  readonly storeReplicas: number;
  readonly storeVolumeSize: string;
  readonly compactorVolumeSize: string;
  /** Undefined: the cluster's default storage class. */
  readonly storageClassName?: string;
  readonly thanosImage: string;
  readonly goServiceSelector: Readonly<Record<string, string>>;
  readonly metricsPort: string;
  readonly scrapeInterval: string;
  /** The GoRuntimeAlerts thresholds, the selector defaulting to the scraped Go series. */
  readonly alerts: GoRuntimeAlertThresholds;
  /** The one label (key, value) the Grafana sidecar loads dashboards by. */
  readonly dashboardLabel: readonly [string, string];
}

/** The chart's `kube-prometheus-stack.fullname`: names of the services it creates start with it. */
export function kubePrometheusStackFullname(releaseName: string): string {
  const name = releaseName.includes("kube-prometheus-stack") ? releaseName : `${releaseName}-kube-prometheus-stack`;
  return name.slice(0, 26).replace(/-+$/, "");
}

/** The ServiceAccount the chart's Prometheus pods (and so the Thanos sidecar) run as. */
export function prometheusServiceAccountName(releaseName: string): string {
  return `${kubePrometheusStackFullname(releaseName)}-prometheus`;
}

/** In-cluster URL of Thanos Query's HTTP API in `namespace`. */
export function thanosQueryUrl(namespace: string): string {
  return `http://thanos-query.${namespace}.svc:${HTTP_PORT}`;
}

/** What the values take besides the checked arguments: facts of the cluster and the bound Prometheus identity. */
export interface StackContext {
  /** The cluster's name: Prometheus' `cluster` external label. */
  readonly clusterName: pulumi.Input<string>;
  /** Labels the Prometheus pods must carry for their workload identity (AKS); empty elsewhere. */
  readonly prometheusPodLabels: Readonly<Record<string, string>>;
}

/**
 * kube-prometheus-stack chart values: Prometheus replicas with the Thanos sidecar
 * shipping blocks with the objstore Secret, running as the ServiceAccount bound to the
 * bucket (not created by the chart); the Thanos discovery Service; Grafana with the
 * generated admin Secret, the dashboard sidecar and Thanos Query as a data source.
 */
export function kubePrometheusStackValues(c: CheckedObservability, context: StackContext): Record<string, unknown> {
  const [dashboardLabel, dashboardLabelValue] = c.dashboardLabel;
  return {
    prometheus: {
      serviceAccount: { create: false, name: prometheusServiceAccountName(c.releaseName) },
      thanosService: { enabled: true },
      prometheusSpec: {
        replicas: c.prometheusReplicas,
        retention: c.prometheusRetention,
        externalLabels: { cluster: context.clusterName },
        podMetadata: { labels: { ...context.prometheusPodLabels } },
        thanos: { image: c.thanosImage, objectStorageConfig: { existingSecret: { name: OBJSTORE_SECRET, key: OBJSTORE_KEY } } },
      },
    },
    grafana: {
      admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
      sidecar: { dashboards: { enabled: true, label: dashboardLabel, labelValue: dashboardLabelValue, searchNamespace: "ALL" } },
      additionalDataSources: [{ name: "Thanos", uid: "thanos", type: "prometheus", access: "proxy", url: thanosQueryUrl(c.namespace) }],
    },
  };
}

/**
 * A bucket's Thanos object store configuration (JSON text, `{"type": …, "config": {…}}`)
 * checked and turned into the `objstore.yml` the Thanos components read.
 */
export function thanosObjstoreYaml(component: string, argument: string, json: string): string {
  const allowed = `expected the JSON text of a Thanos object store configuration: {"type": ${OBJSTORE_TYPES.map((t) => JSON.stringify(t)).join(" | ")}, "config": {…}}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ArgumentError(component, argument, json, allowed);
  }
  if (!isRecord(parsed) || typeof parsed.type !== "string" || !OBJSTORE_TYPES.includes(parsed.type) || !isRecord(parsed.config)) {
    throw new ArgumentError(component, argument, json, allowed);
  }
  return stringify(parsed);
}

/** The Query endpoints: the sidecars (through the chart's discovery Service) and the Store Gateway. */
export function thanosQueryEndpoints(c: CheckedObservability): string[] {
  const fullname = kubePrometheusStackFullname(c.releaseName);
  return [`dnssrv+_grpc._tcp.${fullname}-thanos-discovery.${c.namespace}.svc.cluster.local`, `dnssrv+_grpc._tcp.thanos-store.${c.namespace}.svc.cluster.local`];
}

/** The ServiceMonitor spec of Thanos' own metrics (every pod labelled part-of thanos). */
export function thanosMonitorSpec(): Record<string, unknown> {
  return { selector: { matchLabels: { "app.kubernetes.io/part-of": "thanos" } }, endpoints: [{ port: "http", interval: "30s" }] };
}

/** The ServiceMonitor spec of the Go services, in any namespace, by label; every series gets GO_SERIES_LABEL="go". */
export function goServicesMonitorSpec(c: CheckedObservability): Record<string, unknown> {
  return {
    namespaceSelector: { any: true },
    selector: { matchLabels: { ...c.goServiceSelector } },
    endpoints: [
      {
        port: c.metricsPort,
        path: "/metrics",
        interval: c.scrapeInterval,
        relabelings: [{ action: "replace", targetLabel: GO_SERIES_LABEL, replacement: "go" }],
      },
    ],
  };
}

/** The data of the dashboard ConfigMap: the Go runtime dashboard on the scraped Go series. */
export function goDashboardData(): Record<string, string> {
  return { "go-runtime.json": JSON.stringify(goRuntimeDashboard({ selector: `${GO_SERIES_LABEL}="go"` }), null, 2) };
}

/** The ports Thanos Services expose, by component. */
export function thanosServicePorts(component: "store" | "compact" | "query"): { name: string; port: number; targetPort: string }[] {
  const http = { name: "http", port: HTTP_PORT, targetPort: "http" };
  const grpc = { name: "grpc", port: GRPC_PORT, targetPort: "grpc" };
  switch (component) {
    case "store":
      return [grpc, http];
    case "compact":
      return [http];
    case "query":
      return [http, grpc];
  }
}
