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
 * With `install: false` the chart is not installed and the custom resources
 * target a cluster where kube-prometheus-stack already runs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ArgumentError, checkBoolean, checkChartVersion, checkDnsLabel, checkImageByDigest, checkLabelKey, checkLabelValue, checkNotEmpty, checkNumber, checkOneOf, checkPortName, checkPromDuration, checkVolumeSize, componentToken, isPending, isRecord, promDurationMs, withLegacyType } from "../args";
import { checkClusterData, connectCluster } from "../cluster/connect";
import { Cloud, type BoundServiceAccount, type CloudPermission, type ClusterData, type ObjectBucket } from "../cluster/contract";
import { GoRuntimeAlerts, goRuntimeAlertRules, type GoRuntimeAlertThresholds } from "./go-runtime-alerts";
import {
  DASHBOARD_CONFIGMAP,
  GO_SERIES_LABEL,
  GO_SERVICE_LABELS,
  goDashboardData,
  goServicesMonitorSpec,
  GRAFANA_ADMIN_SECRET,
  KUBE_PROMETHEUS_STACK_REPO,
  KUBE_PROMETHEUS_STACK_VERSION,
  kubePrometheusStackValues,
  OBJSTORE_SECRET,
  prometheusServiceAccountName,
  thanosMonitorSpec,
  thanosObjstoreYaml,
  thanosQueryEndpoints,
  thanosServicePorts,
  type CheckedObservability,
} from "./observability-values";
import { checkBucketName } from "./s3-compatible-bucket";
import { compactorArgs, dataClaim, HTTP_PORT, OBJSTORE_KEY, queryArgs, storeArgs, THANOS_IMAGE, thanosPodTemplate, type ThanosRetention } from "./thanos";
import { validateArgs } from "../arg-validation";

const COMPONENT = "Observability";

/** How long the Compactor keeps each resolution of metric blocks in the bucket. */
export interface ThanosRetentionArgs {
  /** Raw samples, a Prometheus duration ("0d" = forever). Default: "30d". */
  raw?: string;
  /** 5-minute downsampled blocks, a Prometheus duration ("0d" = forever). Default: "180d". */
  fiveMinutes?: string;
  /** 1-hour downsampled blocks, a Prometheus duration ("0d" = forever). Default: "2y". */
  oneHour?: string;
}

export interface ObservabilityArgs {
  /**
   * The cluster to observe: the `cluster` output of an EksCluster, GkeCluster, AksCluster
   * or ExistingCluster. Its kubeconfig, identity binding data and cloud are used.
   */
  cluster: ClusterData;
  /** Namespace of the whole stack. Default: "monitoring". */
  namespace?: string;
  /**
   * Install kube-prometheus-stack (and create the namespace). Default: true. With false, the
   * stack must already run in `namespace` as release `releaseName`, with the Thanos
   * sidecar configured from the Secret "thanos-objstore" and `prometheus.thanosService`
   * enabled; Observability then adds the Thanos components and the custom resources.
   */
  install?: boolean;
  /** Helm release name; also the `release` label Prometheus selects rules and monitors by. Default: "kube-prometheus-stack". */
  releaseName?: string;
  /** kube-prometheus-stack chart version, exact. Default: "88.5.3" (KUBE_PROMETHEUS_STACK_VERSION). */
  chartVersion?: string;
  /**
   * The object storage bucket for metric blocks. Default: none, a bucket made in the
   * cluster's cloud (encrypted, versioned, private, retained on delete). Required for a
   * cluster with no cloud storage (cloud "existing"), e.g. an S3-compatible endpoint
   * (s3CompatibleBucket).
   */
  bucket?: ObjectBucket;
  /** Days noncurrent object versions are kept in the created bucket. Default: 30. */
  noncurrentVersionDays?: number;
  /** Prometheus replicas (deduplicated by Thanos Query). Default: 2. */
  prometheusReplicas?: number;
  /** How long Prometheus keeps blocks locally; older data is served from the bucket. Default: "2d". */
  prometheusRetention?: string;
  /** How long the Compactor keeps each resolution in the bucket. Default: raw "30d", fiveMinutes "180d", oneHour "2y". */
  retention?: ThanosRetentionArgs;
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
  /** Storage class of the Thanos volumes. Default: none, the cluster's default class. */
  storageClassName?: string;
  /** Thanos image, pinned by digest. Default: quay.io/thanos/thanos v0.42.4 by digest (THANOS_IMAGE). */
  thanosImage?: string;
  /** Labels selecting the Services of Go services to scrape. Default: { "goplatform.dev/runtime": "go" } (GO_SERVICE_LABELS). */
  goServiceSelector?: Record<string, string>;
  /** Name of the Services' metrics port. Default: "metrics". */
  metricsPort?: string;
  /** Scrape interval of Go services. Default: "30s". */
  scrapeInterval?: string;
  /**
   * Go runtime alert thresholds (GoRuntimeAlerts). The selector defaults to the series
   * of the Go services this component scrapes. Default: GoRuntimeAlerts' defaults.
   */
  alerts?: GoRuntimeAlertThresholds;
  /** The one label the Grafana sidecar loads dashboards by. Default: { grafana_dashboard: "1" }. */
  dashboardLabel?: Record<string, string>;
}

/** A map of Kubernetes labels (a selector, the dashboard label): each key and value by the Kubernetes rules. */
function checkLabels(argument: string, labels: Record<string, string>, what: string): Record<string, string> {
  if (!isRecord(labels)) throw new ArgumentError(COMPONENT, argument, labels, `expected ${what} of Kubernetes labels (key: [prefix/]name, value: up to 63 letters, digits, '-', '_', '.')`);
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(COMPONENT, argument, key);
    checkLabelValue(COMPONENT, `${argument}.${key}`, value);
  }
  return { ...labels };
}

/** How long raw blocks must be kept for the Compactor to downsample them to 5m (it does at 40 hours), and 5m blocks for 1h (at 10 days). */
const DOWNSAMPLE_AFTER_MS = { raw: 40 * 3600_000, fiveMinutes: 10 * 86400_000 };

/**
 * Retention per resolution against downsampling (Thanos compactor docs,
 * https://thanos.io/tip/components/compact.md/#downsampling): 5m blocks are made from raw
 * blocks older than 40 hours and 1h blocks from 5m blocks older than 10 days, so with
 * downsampling on, a shorter raw (or 5m) retention deletes the data before it is
 * downsampled; and a lower resolution kept for less time than a higher one is never
 * read. So: raw ≤ fiveMinutes ≤ oneHour ("0d" is forever), raw ≥ 40h, fiveMinutes ≥ 10d.
 */
function checkRetention(retention: ThanosRetention, downsampling: boolean): ThanosRetention {
  if (!downsampling) return retention;
  const ms = (value: string) => (promDurationMs(value) === 0 ? Number.POSITIVE_INFINITY : promDurationMs(value));
  if (ms(retention.raw) < DOWNSAMPLE_AFTER_MS.raw) {
    throw new ArgumentError(COMPONENT, "retention.raw", retention.raw, "expected at least 40h (or \"0d\", forever) with downsampling: the Compactor makes 5m blocks from raw blocks 40 hours old; set downsampling false to keep raw data only");
  }
  if (ms(retention.fiveMinutes) < DOWNSAMPLE_AFTER_MS.fiveMinutes) {
    throw new ArgumentError(COMPONENT, "retention.fiveMinutes", retention.fiveMinutes, "expected at least 10d (or \"0d\", forever) with downsampling: the Compactor makes 1h blocks from 5m blocks 10 days old");
  }
  if (ms(retention.fiveMinutes) < ms(retention.raw)) {
    throw new ArgumentError(COMPONENT, "retention.fiveMinutes", retention.fiveMinutes, `expected at least retention.raw (${retention.raw}): 5m blocks are kept at least as long as raw ones ("0d" is forever)`);
  }
  if (ms(retention.oneHour) < ms(retention.fiveMinutes)) {
    throw new ArgumentError(COMPONENT, "retention.oneHour", retention.oneHour, `expected at least retention.fiveMinutes (${retention.fiveMinutes}): 1h blocks are kept at least as long as 5m ones ("0d" is forever)`);
  }
  return retention;
}

/** The bucket argument: a bucket of a known cloud, in the cluster's cloud; its configuration checked when already known. */
function checkBucket(bucket: ObjectBucket | undefined, cloud: Cloud): void {
  if (bucket === undefined) {
    if (cloud === "existing") {
      throw new ArgumentError(COMPONENT, "bucket", undefined, "a cluster with no cloud object storage (cloud \"existing\") needs an explicit bucket, e.g. an S3-compatible endpoint");
    }
    return;
  }
  if (!isRecord(bucket)) throw new ArgumentError(COMPONENT, "bucket", bucket, "expected an ObjectBucket { cloud, bucketName, resourceId?, thanosObjectStore }");
  const bucketCloud: unknown = bucket.cloud;
  checkOneOf(COMPONENT, "bucket.cloud", bucketCloud as Cloud, Object.values(Cloud));
  if (cloud !== "existing" && bucket.cloud !== cloud) {
    throw new ArgumentError(COMPONENT, "bucket", bucket.cloud, `expected a bucket in the cluster's cloud (${cloud}); its workload identity cannot be granted access to another cloud's storage`);
  }
  if (typeof bucket.bucketName === "string" && bucket.bucketName === "") throw new ArgumentError(COMPONENT, "bucket.bucketName", bucket.bucketName, "expected the bucket's name");
  checkNotEmpty(COMPONENT, "bucket.resourceId", bucket.resourceId, "the bucket's cloud resource id (grants are scoped to it), or no resourceId");
  if (cloud !== "existing" && !isPending(bucket.bucketName) && typeof bucket.cloud === "string") checkBucketName(COMPONENT, "bucket.bucketName", bucket.cloud, bucket.bucketName);
  if (typeof bucket.thanosObjectStore === "string") thanosObjstoreYaml(COMPONENT, "bucket.thanosObjectStore", bucket.thanosObjectStore);
}

/** Observability's arguments checked, defaults applied; throws an ArgumentError before anything exists. */
export function checkObservabilityArgs(args: ObservabilityArgs): CheckedObservability {
  const cluster = checkClusterData(COMPONENT, args.cluster);
  checkBucket(args.bucket, cluster.cloud);
  const check = (argument: string, value: number, min: number) => checkNumber(COMPONENT, argument, value, { min, integer: true });
  const install = checkBoolean(COMPONENT, "install", args.install ?? true);
  const downsampling = checkBoolean(COMPONENT, "downsampling", args.downsampling ?? true);
  const goServiceSelector = checkLabels("goServiceSelector", args.goServiceSelector ?? GO_SERVICE_LABELS, "a non-empty map");
  if (Object.keys(goServiceSelector).length === 0) {
    throw new ArgumentError(COMPONENT, "goServiceSelector", goServiceSelector, "expected at least one label; an empty selector would scrape every Service in the cluster");
  }
  const dashboardLabel = checkLabels("dashboardLabel", args.dashboardLabel ?? { grafana_dashboard: "1" }, "exactly one entry");
  const [dashboardEntry] = Object.entries(dashboardLabel);
  if (dashboardEntry === undefined || Object.keys(dashboardLabel).length !== 1) {
    throw new ArgumentError(COMPONENT, "dashboardLabel", dashboardLabel, "expected exactly one label (the Grafana sidecar watches one)");
  }
  if (args.alerts !== undefined && !isRecord(args.alerts)) throw new ArgumentError(COMPONENT, "alerts", args.alerts, "expected the GoRuntimeAlerts thresholds { selector?, maxGoroutines?, …, for?, interval? }");
  const alerts: GoRuntimeAlertThresholds = { selector: `${GO_SERIES_LABEL}="go"`, ...args.alerts };
  // GoRuntimeAlerts checks these again in its constructor; here they must fail before anything exists, named as the caller wrote them.
  goRuntimeAlertRules(alerts, { component: COMPONENT, prefix: "alerts." });
  if (alerts.interval !== undefined) checkPromDuration(COMPONENT, "alerts.interval", alerts.interval);
  const storageClassName = args.storageClassName === undefined ? {} : { storageClassName: checkDnsLabel(COMPONENT, "storageClassName", args.storageClassName) };
  return {
    namespace: checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "monitoring"),
    install,
    releaseName: checkDnsLabel(COMPONENT, "releaseName", args.releaseName ?? "kube-prometheus-stack"),
    chartVersion: checkChartVersion(COMPONENT, "chartVersion", args.chartVersion ?? KUBE_PROMETHEUS_STACK_VERSION),
    noncurrentVersionDays: check("noncurrentVersionDays", args.noncurrentVersionDays ?? 30, 1),
    prometheusReplicas: check("prometheusReplicas", args.prometheusReplicas ?? 2, 1),
    prometheusRetention: checkPromDuration(COMPONENT, "prometheusRetention", args.prometheusRetention ?? "2d"),
    retention: checkRetention(
      {
        raw: checkPromDuration(COMPONENT, "retention.raw", args.retention?.raw ?? "30d"),
        fiveMinutes: checkPromDuration(COMPONENT, "retention.fiveMinutes", args.retention?.fiveMinutes ?? "180d"),
        oneHour: checkPromDuration(COMPONENT, "retention.oneHour", args.retention?.oneHour ?? "2y"),
      },
      downsampling,
    ),
    downsampling,
    queryReplicas: check("queryReplicas", args.queryReplicas ?? 2, 1),
    storeReplicas: check("storeReplicas", args.storeReplicas ?? 1, 1),
    storeVolumeSize: checkVolumeSize(COMPONENT, "storeVolumeSize", args.storeVolumeSize ?? "20Gi"),
    compactorVolumeSize: checkVolumeSize(COMPONENT, "compactorVolumeSize", args.compactorVolumeSize ?? "50Gi"),
    ...storageClassName,
    thanosImage: checkImageByDigest(COMPONENT, "thanosImage", args.thanosImage ?? THANOS_IMAGE),
    goServiceSelector,
    // The ServiceMonitor's endpoint port is the Service port's name; a number is not one.
    metricsPort: checkPortName(COMPONENT, "metricsPort", args.metricsPort ?? "metrics"),
    scrapeInterval: checkPromDuration(COMPONENT, "scrapeInterval", args.scrapeInterval ?? "30s"),
    alerts,
    dashboardLabel: dashboardEntry,
  };
}

export class Observability extends pulumi.ComponentResource {
  /** Namespace the stack runs in. */
  readonly namespace: pulumi.Output<string>;
  /** Name of the metrics bucket (created or passed in). */
  readonly bucketName: pulumi.Output<string>;
  /** Name of the Secret holding `objstore.yml` (key "objstore.yml") that the sidecar and every Thanos component read. */
  readonly objstoreSecretName: pulumi.Output<string>;
  /** In-cluster URL of Thanos Query's HTTP API (a Prometheus-compatible data source). */
  readonly queryUrl: pulumi.Output<string>;
  /**
   * Cloud identities bound to the ServiceAccounts with bucket access, by ServiceAccount
   * name: IAM role ARN (AWS), Google service account email (GCP), managed identity client
   * id (Azure); empty on a cluster without a cloud.
   */
  readonly bucketIdentities: pulumi.Output<Record<string, string>>;
  /** Names of the Go runtime alerts. */
  readonly alerts: pulumi.Output<string[]>;
  /** Name of the Go runtime dashboard ConfigMap. */
  readonly dashboardConfigMap: pulumi.Output<string>;
  /** Grafana's generated admin password (a secret); unset when the stack is not installed here (`install: false`). */
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    const { checked: c, opts: validatedOpts } = validateArgs("Observability", args, checkObservabilityArgs, withLegacyType("goplatform:k8s:Observability", opts));
    super(componentToken("Observability"), name, {}, validatedOpts);
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    const k8sOpts = { parent: this, provider: cluster.provider };
    const ns = c.namespace;
    const partOf = { "app.kubernetes.io/part-of": "thanos", "app.kubernetes.io/managed-by": "goplatform" };

    const namespace = c.install
      ? new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ns, labels: { "app.kubernetes.io/managed-by": "goplatform" } } }, k8sOpts)
      : undefined;
    const inNamespace = namespace === undefined ? k8sOpts : { ...k8sOpts, dependsOn: [namespace] };

    const bucket = args.bucket ?? cluster.createBucket(`${name}-metrics`, { noncurrentVersionDays: c.noncurrentVersionDays, retainOnDelete: true });

    const objstore = new k8s.core.v1.Secret(
      `${name}-objstore`,
      {
        metadata: { name: OBJSTORE_SECRET, namespace: ns, labels: partOf },
        type: "Opaque",
        stringData: { [OBJSTORE_KEY]: pulumi.secret(pulumi.output(bucket.thanosObjectStore).apply((config) => thanosObjstoreYaml(COMPONENT, "bucket.thanosObjectStore", config))) },
      },
      inNamespace,
    );

    // Workload identity with access to the bucket; none on a cluster without a cloud.
    const identities: Record<string, pulumi.Output<string>> = {};
    const bind = (component: string, serviceAccountName: string, access: "read" | "readWrite"): BoundServiceAccount => {
      const permissions: CloudPermission[] = cluster.cloud === "existing" ? [] : [{ kind: "bucket", bucket, access }];
      const bound = cluster.bindServiceAccount(`${name}-${component}`, { namespace: namespace?.metadata.name ?? ns, serviceAccountName, permissions });
      identities[serviceAccountName] = bound.cloudIdentity;
      return bound;
    };

    let release: k8s.helm.v3.Release | undefined;
    if (c.install) {
      // The sidecar runs in the Prometheus pods: their ServiceAccount writes blocks.
      const prometheusSa = bind("prometheus", prometheusServiceAccountName(c.releaseName), "readWrite");
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
          values: kubePrometheusStackValues(c, { clusterName: cluster.clusterName, prometheusPodLabels: prometheusSa.podLabels }),
        },
        { ...k8sOpts, dependsOn: [objstore, grafanaAdmin, prometheusSa.serviceAccount, ...(namespace === undefined ? [] : [namespace])] },
      );
    }
    // Custom resources need the operator's CRDs: after the release when this component installs it.
    const afterStack = release === undefined ? inNamespace : { ...k8sOpts, dependsOn: [release] };

    // Thanos Store Gateway: reads blocks from the bucket.
    const storeSa = bind("thanos-store", "thanos-store", "read");
    const storeSelector = { "app.kubernetes.io/name": "thanos-store" };
    const storeService = new k8s.core.v1.Service(
      `${name}-thanos-store`,
      {
        metadata: { name: "thanos-store", namespace: ns, labels: { ...partOf, ...storeSelector } },
        spec: { clusterIP: "None", selector: storeSelector, ports: thanosServicePorts("store") },
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
          template: thanosPodTemplate({
            component: "store",
            image: c.thanosImage,
            args: storeArgs(),
            serviceAccountName: storeSa.serviceAccountName,
            labels: { ...partOf, ...storeSelector, ...storeSa.podLabels },
            objstoreSecretName: OBJSTORE_SECRET,
            dataVolume: "data",
            grpc: true,
          }),
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
        spec: { clusterIP: "None", selector: compactSelector, ports: thanosServicePorts("compact") },
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
            objstoreSecretName: OBJSTORE_SECRET,
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
    new k8s.apps.v1.Deployment(
      `${name}-thanos-query`,
      {
        metadata: { name: "thanos-query", namespace: ns, labels: partOf },
        spec: {
          replicas: c.queryReplicas,
          selector: { matchLabels: querySelector },
          template: thanosPodTemplate({
            component: "query",
            image: c.thanosImage,
            args: queryArgs(thanosQueryEndpoints(c)),
            serviceAccountName: querySa.metadata.name,
            labels: { ...partOf, ...querySelector },
            grpc: true,
          }),
        },
      },
      inNamespace,
    );
    const queryService = new k8s.core.v1.Service(
      `${name}-thanos-query`,
      {
        metadata: { name: "thanos-query", namespace: ns, labels: { ...partOf, ...querySelector } },
        spec: { selector: querySelector, ports: thanosServicePorts("query") },
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
        spec: thanosMonitorSpec(),
      },
      afterStack,
    );

    // Go services, in any namespace, by label.
    new k8s.apiextensions.CustomResource(
      `${name}-go-services`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "go-services", namespace: ns, labels: { "app.kubernetes.io/managed-by": "goplatform", ...releaseLabel } },
        spec: goServicesMonitorSpec(c),
      },
      afterStack,
    );

    const alerts = new GoRuntimeAlerts(
      `${name}-go-runtime`,
      { ...c.alerts, namespace: ns, ruleLabels: releaseLabel },
      { parent: this, providers: [cluster.provider], dependsOn: release === undefined ? (namespace === undefined ? [] : [namespace]) : [release] },
    );

    const [dashboardLabel, dashboardLabelValue] = c.dashboardLabel;
    const dashboard = new k8s.core.v1.ConfigMap(
      `${name}-go-dashboard`,
      {
        metadata: { name: DASHBOARD_CONFIGMAP, namespace: ns, labels: { [dashboardLabel]: dashboardLabelValue, "app.kubernetes.io/managed-by": "goplatform" } },
        data: goDashboardData(),
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
