/**
 * Observability: Prometheus with long-term storage in the cluster's cloud, and Go
 * service monitoring, on any `Cluster`.
 *
 * - kube-prometheus-stack (Helm chart, pinned) with the Thanos sidecar shipping
 *   blocks to an object storage bucket made by `cluster.createBucket`;
 * - Thanos Query, Store Gateway and Compactor (image pinned by digest) with
 *   retention per resolution and downsampling;
 * - bucket access through `cluster.bindServiceAccount` (IRSA, GKE Workload Identity,
 *   AKS workload identity): no static keys; the objstore Secret holds only the
 *   bucket configuration;
 * - a ServiceMonitor for Go services selected by label, the GoRuntimeAlerts rules and
 *   the Go runtime Grafana dashboard (a ConfigMap the chart's Grafana sidecar loads).
 *
 * With `installStack: false` the chart is not installed and the custom resources
 * target a cluster where kube-prometheus-stack already runs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stringify } from "yaml";
import { ArgumentError, checkDnsLabel, checkNumber, checkPromDuration, componentToken, withLegacyType } from "../args";
import { connectCluster } from "../cluster/connect";
import type { BoundServiceAccount, CloudPermission, ClusterData, ObjectBucket } from "../cluster/contract";
import { goRuntimeDashboard } from "./go-dashboard";
import { GoRuntimeAlerts, goRuntimeAlertRules, type GoRuntimeAlertsArgs } from "./go-runtime-alerts";
import {
  compactorArgs,
  dataClaim,
  GRPC_PORT,
  HTTP_PORT,
  OBJSTORE_KEY,
  queryArgs,
  storeArgs,
  THANOS_IMAGE,
  thanosPodTemplate,
  type ThanosRetention,
} from "./thanos";

/** The Secret holding Grafana's admin login (the chart reads it through grafana.admin.existingSecret). */
const GRAFANA_ADMIN_SECRET = "grafana-admin";
const COMPONENT = "Observability";

export const KUBE_PROMETHEUS_STACK_REPO = "https://prometheus-community.github.io/helm-charts";
/** kube-prometheus-stack 88.5.3 (Prometheus Operator v0.93.1). */
export const KUBE_PROMETHEUS_STACK_VERSION = "88.5.3";

/** Label selecting the Go services to scrape, unless `goServiceSelector` says otherwise. */
export const GO_SERVICE_LABELS: Readonly<Record<string, string>> = { "goplatform.dev/runtime": "go" };

/** Label (and value) the Go services' ServiceMonitor puts on every series it scrapes. */
export const GO_SERIES_LABEL = "goplatform_runtime";

export interface ObservabilityArgs {
  /** The cluster to observe; its provider, identity binding and bucket factory are used. */
  cluster: ClusterData;
  /** Namespace of the whole stack. Default: "monitoring". */
  namespace?: string;
  /**
   * Install kube-prometheus-stack (and the namespace). Default: true. With false, the
   * stack must already run in `namespace` as release `releaseName`, with the Thanos
   * sidecar configured from the Secret `objstoreSecretName` and `prometheus.thanosService`
   * enabled; Observability then adds the Thanos components and the custom resources.
   */
  installStack?: boolean;
  /** Helm release name; also the `release` label Prometheus selects rules and monitors by. Default: "kube-prometheus-stack". */
  releaseName?: string;
  /** kube-prometheus-stack chart version. Default: KUBE_PROMETHEUS_STACK_VERSION. */
  chartVersion?: string;
  /**
   * The object storage bucket for metric blocks. Default: `cluster.createBucket(...)`
   * (encrypted, versioned, private, retained on delete). Required for a cluster with no
   * cloud storage (cloud "existing"), e.g. an S3-compatible endpoint.
   */
  bucket?: ObjectBucket;
  /** Days noncurrent object versions are kept in the created bucket. Default: 30. */
  noncurrentVersionDays?: number;
  /** Prometheus replicas (deduplicated by Thanos Query). Default: 2. */
  prometheusReplicas?: number;
  /** How long Prometheus keeps blocks locally; older data is served from the bucket. Default: "2d". */
  prometheusRetention?: string;
  /**
   * How long the Compactor keeps each resolution in the bucket ("0d" = forever).
   * Default: raw "30d", fiveMinutes "180d", oneHour "2y".
   */
  retention?: Partial<ThanosRetention>;
  /** Downsample blocks to 5m and 1h resolutions. Default: true. */
  downsampling?: boolean;
  /** Thanos Query replicas. Default: 2. */
  queryReplicas?: number;
  /** Thanos Store Gateway replicas. Default: 1. */
  storeReplicas?: number;
  /** Volume size of each Store Gateway replica (index cache). Default: "20Gi". */
  storeVolumeSize?: string;
  /** Volume size of the Compactor (work space for compaction). Default: "50Gi". */
  compactorVolumeSize?: string;
  /** Storage class of the Thanos volumes. Default: the cluster's default class. */
  storageClassName?: string;
  /** Thanos image, pinned by digest. Default: THANOS_IMAGE (v0.42.4). */
  thanosImage?: string;
  /** Labels selecting the Services of Go services to scrape. Default: GO_SERVICE_LABELS. */
  goServiceSelector?: Record<string, string>;
  /** Name of the Services' metrics port. Default: "metrics". */
  metricsPort?: string;
  /** Scrape interval of Go services. Default: "30s". */
  scrapeInterval?: string;
  /**
   * Go runtime alert thresholds (GoRuntimeAlertsArgs). The selector defaults to the
   * series of the Go services this component scrapes. Default: GoRuntimeAlerts' defaults.
   */
  alerts?: Omit<GoRuntimeAlertsArgs, "namespace" | "ruleLabels">;
  /** The one label the Grafana sidecar loads dashboards by. Default: { grafana_dashboard: "1" }. */
  dashboardLabel?: Record<string, string>;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const QUANTITY = /^[1-9][0-9]*(Mi|Gi|Ti)$/;
const DIGEST_IMAGE = /^[a-z0-9][a-z0-9./_-]*(:[A-Za-z0-9_.-]+)?@sha256:[a-f0-9]{64}$/;
const CHART_VERSION = /^\d+\.\d+\.\d+$/;

function checkLabels(argument: string, labels: Record<string, string>, what: string): Record<string, string> {
  const entries = Object.entries(labels);
  if (!entries.every(([k, v]) => LABEL_KEY.test(k) && typeof v === "string" && LABEL_VALUE.test(v))) {
    throw new ArgumentError(COMPONENT, argument, labels, `expected ${what} of Kubernetes labels (key: [prefix/]name, value: up to 63 letters, digits, '-', '_', '.')`);
  }
  return { ...labels };
}

/** The chart's `kube-prometheus-stack.fullname`: names of the services it creates start with it. */
export function kubePrometheusStackFullname(releaseName: string): string {
  const name = releaseName.includes("kube-prometheus-stack") ? releaseName : `${releaseName}-kube-prometheus-stack`;
  return name.slice(0, 26).replace(/-+$/, "");
}

interface Checked {
  namespace: string;
  installStack: boolean;
  releaseName: string;
  chartVersion: string;
  noncurrentVersionDays: number;
  prometheusReplicas: number;
  prometheusRetention: string;
  retention: ThanosRetention;
  downsampling: boolean;
  queryReplicas: number;
  storeReplicas: number;
  storeVolumeSize: string;
  compactorVolumeSize: string;
  storageClassName: string | undefined;
  thanosImage: string;
  goServiceSelector: Record<string, string>;
  metricsPort: string;
  scrapeInterval: string;
  alerts: GoRuntimeAlertsArgs;
  dashboardLabel: [string, string];
}

function checkArgs(args: ObservabilityArgs): Checked {
  const cluster = args.cluster;
  if (!["aws", "gcp", "azure", "existing"].includes(cluster.cloud)) {
    throw new ArgumentError(COMPONENT, "cluster", cluster.cloud, "expected a Cluster (EksCluster, GkeCluster, AksCluster or ExistingCluster)");
  }
  if (args.bucket === undefined && cluster.cloud === "existing") {
    throw new ArgumentError(COMPONENT, "bucket", undefined, "a cluster with no cloud object storage (cloud \"existing\") needs an explicit bucket, e.g. an S3-compatible endpoint");
  }
  if (args.bucket !== undefined && cluster.cloud !== "existing" && args.bucket.cloud !== cluster.cloud) {
    throw new ArgumentError(COMPONENT, "bucket", args.bucket.cloud, `expected a bucket in the cluster's cloud (${cluster.cloud}); its workload identity cannot be granted access to another cloud's storage`);
  }
  const check = (argument: string, value: number, min: number) => checkNumber(COMPONENT, argument, value, { min, integer: true });
  const size = (argument: string, value: string) => {
    if (!QUANTITY.test(value)) throw new ArgumentError(COMPONENT, argument, value, "expected a volume size such as \"20Gi\" (Mi, Gi or Ti)");
    return value;
  };
  const installStack = args.installStack ?? true;
  if (typeof installStack !== "boolean") throw new ArgumentError(COMPONENT, "installStack", installStack, "expected true or false");
  const chartVersion = args.chartVersion ?? KUBE_PROMETHEUS_STACK_VERSION;
  if (!CHART_VERSION.test(chartVersion)) throw new ArgumentError(COMPONENT, "chartVersion", chartVersion, "expected an exact chart version such as \"88.5.3\"");
  const thanosImage = args.thanosImage ?? THANOS_IMAGE;
  if (!DIGEST_IMAGE.test(thanosImage)) throw new ArgumentError(COMPONENT, "thanosImage", thanosImage, "expected an image pinned by digest: <repository>[:tag]@sha256:<64 hex>");
  const storageClassName = args.storageClassName === undefined ? undefined : checkDnsLabel(COMPONENT, "storageClassName", args.storageClassName);
  const goServiceSelector = checkLabels("goServiceSelector", args.goServiceSelector ?? GO_SERVICE_LABELS, "a non-empty map");
  if (Object.keys(goServiceSelector).length === 0) {
    throw new ArgumentError(COMPONENT, "goServiceSelector", goServiceSelector, "expected at least one label; an empty selector would scrape every Service in the cluster");
  }
  const dashboardLabel = checkLabels("dashboardLabel", args.dashboardLabel ?? { grafana_dashboard: "1" }, "exactly one entry");
  const [dashboardEntry] = Object.entries(dashboardLabel);
  if (dashboardEntry === undefined || Object.keys(dashboardLabel).length !== 1) {
    throw new ArgumentError(COMPONENT, "dashboardLabel", dashboardLabel, "expected exactly one label (the Grafana sidecar watches one)");
  }
  const alerts: GoRuntimeAlertsArgs = { selector: `${GO_SERIES_LABEL}="go"`, ...args.alerts };
  // GoRuntimeAlerts checks these again in its constructor; here they must fail before anything exists.
  goRuntimeAlertRules(alerts);
  if (alerts.interval !== undefined) checkPromDuration("GoRuntimeAlerts", "interval", alerts.interval);
  return {
    namespace: checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "monitoring"),
    installStack,
    releaseName: checkDnsLabel(COMPONENT, "releaseName", args.releaseName ?? "kube-prometheus-stack"),
    chartVersion,
    noncurrentVersionDays: check("noncurrentVersionDays", args.noncurrentVersionDays ?? 30, 1),
    prometheusReplicas: check("prometheusReplicas", args.prometheusReplicas ?? 2, 1),
    prometheusRetention: checkPromDuration(COMPONENT, "prometheusRetention", args.prometheusRetention ?? "2d"),
    retention: {
      raw: checkPromDuration(COMPONENT, "retention.raw", args.retention?.raw ?? "30d"),
      fiveMinutes: checkPromDuration(COMPONENT, "retention.fiveMinutes", args.retention?.fiveMinutes ?? "180d"),
      oneHour: checkPromDuration(COMPONENT, "retention.oneHour", args.retention?.oneHour ?? "2y"),
    },
    downsampling: args.downsampling ?? true,
    queryReplicas: check("queryReplicas", args.queryReplicas ?? 2, 1),
    storeReplicas: check("storeReplicas", args.storeReplicas ?? 1, 1),
    storeVolumeSize: size("storeVolumeSize", args.storeVolumeSize ?? "20Gi"),
    compactorVolumeSize: size("compactorVolumeSize", args.compactorVolumeSize ?? "50Gi"),
    storageClassName,
    thanosImage,
    goServiceSelector,
    metricsPort: checkDnsLabel(COMPONENT, "metricsPort", args.metricsPort ?? "metrics"),
    scrapeInterval: checkPromDuration(COMPONENT, "scrapeInterval", args.scrapeInterval ?? "30s"),
    alerts,
    dashboardLabel: dashboardEntry,
  };
}

export class Observability extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** The metrics bucket (created or passed in). */
  readonly bucketName: pulumi.Output<string>;
  /** Name of the Secret holding `objstore.yml` (key OBJSTORE_KEY) that every Thanos component reads. */
  readonly objstoreSecretName: pulumi.Output<string>;
  /** In-cluster URL of Thanos Query's HTTP API (a Prometheus-compatible data source). */
  readonly queryUrl: pulumi.Output<string>;
  /** Cloud identities bound to the ServiceAccounts with bucket access, by ServiceAccount name. */
  readonly bucketIdentities: pulumi.Output<Record<string, string>>;
  /** Names of the Go runtime alerts. */
  readonly alerts: pulumi.Output<string[]>;
  /** Name of the dashboard ConfigMap. */
  readonly dashboardConfigMap: pulumi.Output<string>;
  /** Grafana's generated admin password (a secret); undefined when the stack is not installed here. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    const c = checkArgs(args);
    super(componentToken("Observability"), name, {}, withLegacyType("goplatform:k8s:Observability", opts));
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    const k8sOpts = { parent: this, provider: cluster.provider };
    const ns = c.namespace;
    const partOf = { "app.kubernetes.io/part-of": "thanos", "app.kubernetes.io/managed-by": "goplatform" };

    const namespace = c.installStack
      ? new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ns, labels: { "app.kubernetes.io/managed-by": "goplatform" } } }, k8sOpts)
      : undefined;
    const inNamespace = namespace === undefined ? k8sOpts : { ...k8sOpts, dependsOn: [namespace] };

    const bucket = args.bucket ?? cluster.createBucket(`${name}-metrics`, { noncurrentVersionDays: c.noncurrentVersionDays, retainOnDelete: true });

    const objstore = new k8s.core.v1.Secret(
      `${name}-objstore`,
      {
        metadata: { name: "thanos-objstore", namespace: ns, labels: partOf },
        type: "Opaque",
        stringData: { [OBJSTORE_KEY]: pulumi.secret(pulumi.output(bucket.thanosObjectStore).apply((config) => stringify(JSON.parse(config)))) },
      },
      inNamespace,
    );
    const objstoreSecretName = "thanos-objstore";

    // Workload identity with access to the bucket; none on a cluster without a cloud.
    const identities: Record<string, pulumi.Output<string>> = {};
    const bind = (component: string, serviceAccountName: string, access: "read" | "readWrite"): BoundServiceAccount => {
      const permissions: CloudPermission[] = cluster.cloud === "existing" ? [] : [{ kind: "bucket", bucket, access }];
      const bound = cluster.bindServiceAccount(`${name}-${component}`, { namespace: namespace?.metadata.name ?? ns, serviceAccountName, permissions });
      identities[serviceAccountName] = bound.cloudIdentity;
      return bound;
    };

    const fullname = kubePrometheusStackFullname(c.releaseName);
    let release: k8s.helm.v3.Release | undefined;
    if (c.installStack) {
      // The sidecar runs in the Prometheus pods: their ServiceAccount writes blocks.
      const prometheusSa = bind("prometheus", `${fullname}-prometheus`, "readWrite");
      // Grafana's admin password: generated once and kept in state as a secret, never the chart's well-known default.
      const grafanaPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
      const grafanaAdmin = new k8s.core.v1.Secret(
        `${name}-grafana-admin`,
        {
          metadata: { name: GRAFANA_ADMIN_SECRET, namespace: ns, labels: { "app.kubernetes.io/managed-by": "goplatform" } },
          type: "Opaque",
          stringData: { "admin-user": "admin", "admin-password": grafanaPassword.result },
        },
        inNamespace,
      );
      this.grafanaAdminPassword = grafanaPassword.result;
      release = new k8s.helm.v3.Release(
        `${name}-kube-prometheus-stack`,
        {
          name: c.releaseName,
          chart: "kube-prometheus-stack",
          version: c.chartVersion,
          repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_REPO },
          namespace: ns,
          atomic: true,
          cleanupOnFail: true,
          values: {
            prometheus: {
              serviceAccount: { create: false, name: prometheusSa.serviceAccountName },
              thanosService: { enabled: true },
              prometheusSpec: {
                replicas: c.prometheusReplicas,
                retention: c.prometheusRetention,
                externalLabels: { cluster: cluster.clusterName },
                podMetadata: { labels: prometheusSa.podLabels },
                thanos: { image: c.thanosImage, objectStorageConfig: { existingSecret: { name: objstoreSecretName, key: OBJSTORE_KEY } } },
              },
            },
            grafana: {
              admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
              sidecar: { dashboards: { enabled: true, label: c.dashboardLabel[0], labelValue: c.dashboardLabel[1], searchNamespace: "ALL" } },
              additionalDataSources: [{ name: "Thanos", uid: "thanos", type: "prometheus", access: "proxy", url: `http://thanos-query.${ns}.svc:${HTTP_PORT}` }],
            },
          },
        },
        { ...k8sOpts, dependsOn: [objstore, grafanaAdmin, prometheusSa.serviceAccount, ...(namespace === undefined ? [] : [namespace])] },
      );
    }
    // Custom resources need the operator's CRDs: after the release when this component installs it.
    const afterStack = release === undefined ? inNamespace : { ...k8sOpts, dependsOn: [release] };

    // Thanos Store Gateway: reads blocks from the bucket.
    const storeSa = bind("thanos-store", "thanos-store", "read");
    const storeLabels = { ...partOf, "app.kubernetes.io/name": "thanos-store", ...storeSa.podLabels };
    const storeSelector = { "app.kubernetes.io/name": "thanos-store" };
    const storeService = new k8s.core.v1.Service(
      `${name}-thanos-store`,
      {
        metadata: { name: "thanos-store", namespace: ns, labels: { ...partOf, "app.kubernetes.io/name": "thanos-store" } },
        spec: { clusterIP: "None", selector: storeSelector, ports: [{ name: "grpc", port: GRPC_PORT, targetPort: "grpc" }, { name: "http", port: HTTP_PORT, targetPort: "http" }] },
      },
      inNamespace,
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-thanos-store`,
      {
        metadata: { name: "thanos-store", namespace: ns, labels: partOf },
        spec: {
          serviceName: storeService.metadata.name,
          replicas: c.storeReplicas,
          selector: { matchLabels: storeSelector },
          template: thanosPodTemplate({ component: "store", image: c.thanosImage, args: storeArgs(), serviceAccountName: storeSa.serviceAccountName, labels: storeLabels, objstoreSecretName, dataVolume: "data", grpc: true }),
          volumeClaimTemplates: [dataClaim("data", c.storeVolumeSize, c.storageClassName)],
        },
      },
      { ...inNamespace, dependsOn: [objstore, storeSa.serviceAccount] },
    );

    // Thanos Compactor: compacts, downsamples and applies retention; must be a singleton.
    const compactSa = bind("thanos-compact", "thanos-compact", "readWrite");
    const compactSelector = { "app.kubernetes.io/name": "thanos-compact" };
    const compactService = new k8s.core.v1.Service(
      `${name}-thanos-compact`,
      {
        metadata: { name: "thanos-compact", namespace: ns, labels: { ...partOf, ...compactSelector } },
        spec: { clusterIP: "None", selector: compactSelector, ports: [{ name: "http", port: HTTP_PORT, targetPort: "http" }] },
      },
      inNamespace,
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-thanos-compact`,
      {
        metadata: { name: "thanos-compact", namespace: ns, labels: partOf },
        spec: {
          serviceName: compactService.metadata.name,
          replicas: 1,
          selector: { matchLabels: compactSelector },
          template: thanosPodTemplate({
            component: "compact",
            image: c.thanosImage,
            args: compactorArgs(c.retention, c.downsampling),
            serviceAccountName: compactSa.serviceAccountName,
            labels: { ...partOf, ...compactSelector, ...compactSa.podLabels },
            objstoreSecretName,
            dataVolume: "data",
            grpc: false,
          }),
          volumeClaimTemplates: [dataClaim("data", c.compactorVolumeSize, c.storageClassName)],
        },
      },
      { ...inNamespace, dependsOn: [objstore, compactSa.serviceAccount] },
    );

    // Thanos Query: no bucket access, no Kubernetes API access.
    const querySa = new k8s.core.v1.ServiceAccount(
      `${name}-thanos-query`,
      { metadata: { name: "thanos-query", namespace: ns, labels: partOf }, automountServiceAccountToken: false },
      inNamespace,
    );
    const querySelector = { "app.kubernetes.io/name": "thanos-query" };
    const endpoints = [`dnssrv+_grpc._tcp.${fullname}-thanos-discovery.${ns}.svc.cluster.local`, `dnssrv+_grpc._tcp.thanos-store.${ns}.svc.cluster.local`];
    new k8s.apps.v1.Deployment(
      `${name}-thanos-query`,
      {
        metadata: { name: "thanos-query", namespace: ns, labels: partOf },
        spec: {
          replicas: c.queryReplicas,
          selector: { matchLabels: querySelector },
          template: thanosPodTemplate({ component: "query", image: c.thanosImage, args: queryArgs(endpoints), serviceAccountName: querySa.metadata.name, labels: { ...partOf, ...querySelector }, grpc: true }),
        },
      },
      inNamespace,
    );
    const queryService = new k8s.core.v1.Service(
      `${name}-thanos-query`,
      {
        metadata: { name: "thanos-query", namespace: ns, labels: { ...partOf, ...querySelector } },
        spec: { selector: querySelector, ports: [{ name: "http", port: HTTP_PORT, targetPort: "http" }, { name: "grpc", port: GRPC_PORT, targetPort: "grpc" }] },
      },
      inNamespace,
    );

    const releaseLabel = { release: c.releaseName };
    // Thanos' own metrics.
    new k8s.apiextensions.CustomResource(
      `${name}-thanos`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "thanos", namespace: ns, labels: { ...partOf, ...releaseLabel } },
        spec: { selector: { matchLabels: { "app.kubernetes.io/part-of": "thanos" } }, endpoints: [{ port: "http", interval: "30s" }] },
      },
      afterStack,
    );

    // Go services, in any namespace, by label; every series gets GO_SERIES_LABEL="go".
    new k8s.apiextensions.CustomResource(
      `${name}-go-services`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "go-services", namespace: ns, labels: { "app.kubernetes.io/managed-by": "goplatform", ...releaseLabel } },
        spec: {
          namespaceSelector: { any: true },
          selector: { matchLabels: c.goServiceSelector },
          endpoints: [
            {
              port: c.metricsPort,
              path: "/metrics",
              interval: c.scrapeInterval,
              relabelings: [{ action: "replace", targetLabel: GO_SERIES_LABEL, replacement: "go" }],
            },
          ],
        },
      },
      afterStack,
    );

    const alerts = new GoRuntimeAlerts(
      `${name}-go-runtime`,
      { ...c.alerts, namespace: ns, ruleLabels: releaseLabel },
      { parent: this, providers: [cluster.provider], dependsOn: release === undefined ? (namespace === undefined ? [] : [namespace]) : [release] },
    );

    const dashboard = new k8s.core.v1.ConfigMap(
      `${name}-go-dashboard`,
      {
        metadata: { name: "goplatform-go-runtime-dashboard", namespace: ns, labels: { [c.dashboardLabel[0]]: c.dashboardLabel[1], "app.kubernetes.io/managed-by": "goplatform" } },
        data: { "go-runtime.json": JSON.stringify(goRuntimeDashboard({ selector: `${GO_SERIES_LABEL}="go"` }), null, 2) },
      },
      inNamespace,
    );

    this.namespace = pulumi.output(ns);
    this.bucketName = pulumi.output(bucket.bucketName);
    this.objstoreSecretName = objstore.metadata.name;
    this.queryUrl = pulumi.interpolate`http://${queryService.metadata.name}.${ns}.svc:${HTTP_PORT}`;
    this.bucketIdentities = pulumi.output(identities);
    this.alerts = alerts.alerts;
    this.dashboardConfigMap = dashboard.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      bucketName: this.bucketName,
      objstoreSecretName: this.objstoreSecretName,
      queryUrl: this.queryUrl,
      bucketIdentities: this.bucketIdentities,
      alerts: this.alerts,
      dashboardConfigMap: this.dashboardConfigMap,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
