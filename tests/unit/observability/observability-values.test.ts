// Observability's pure builders: checked arguments in, plain data out. No mocks, no resources.
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import {
  checkObservabilityArgs,
  goDashboardData,
  goServicesMonitorSpec,
  kubePrometheusStackFullname,
  kubePrometheusStackValues,
  prometheusServiceAccountName,
  THANOS_IMAGE,
  thanosMonitorSpec,
  thanosObjstoreYaml,
  thanosQueryEndpoints,
  thanosServicePorts,
  type ObservabilityArgs,
} from "../../../components";
import { fakeCluster } from "../../harness/fake-clusters";

const checked = (args: Partial<ObservabilityArgs> = {}) => checkObservabilityArgs({ cluster: fakeCluster("aws"), ...args });

describe("Observability values (pure)", () => {
  it("applies every default when checking the arguments", () => {
    assert.deepEqual(checked(), {
      namespace: "monitoring",
      install: true,
      releaseName: "kube-prometheus-stack",
      chartVersion: "88.5.3",
      noncurrentVersionDays: 30,
      prometheusReplicas: 2,
      prometheusRetention: "2d",
      retention: { raw: "30d", fiveMinutes: "180d", oneHour: "2y" },
      downsampling: true,
      queryReplicas: 2,
      storeReplicas: 1,
      storeVolumeSize: "20Gi",
      compactorVolumeSize: "50Gi",
      thanosImage: THANOS_IMAGE,
      goServiceSelector: { "goplatform.dev/runtime": "go" },
      metricsPort: "metrics",
      scrapeInterval: "30s",
      alerts: { selector: 'goplatform_runtime="go"' },
      dashboardLabel: ["grafana_dashboard", "1"],
    });
    assert.equal(checked({ storageClassName: "fast-ssd" }).storageClassName, "fast-ssd");
    assert.deepEqual(checked({ alerts: { selector: 'job="api"', maxGoroutines: 10 } }).alerts, { selector: 'job="api"', maxGoroutines: 10 });
  });

  it("builds the kube-prometheus-stack values: sidecar on the objstore Secret, the bound ServiceAccount, Grafana's Secret, sidecar and Thanos data source", () => {
    const values = kubePrometheusStackValues(checked(), { clusterName: "aws-demo", prometheusPodLabels: {} });
    assert.deepEqual(values, {
      prometheus: {
        serviceAccount: { create: false, name: "kube-prometheus-stack-prometheus" },
        thanosService: { enabled: true },
        prometheusSpec: {
          replicas: 2,
          retention: "2d",
          externalLabels: { cluster: "aws-demo" },
          podMetadata: { labels: {} },
          thanos: { image: THANOS_IMAGE, objectStorageConfig: { existingSecret: { name: "thanos-objstore", key: "objstore.yml" } } },
        },
      },
      grafana: {
        admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
        sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
        additionalDataSources: [{ name: "Thanos", uid: "thanos", type: "prometheus", access: "proxy", url: "http://thanos-query.monitoring.svc:10902" }],
      },
    });
    // Deterministic: the same arguments give the same values.
    assert.deepEqual(kubePrometheusStackValues(checked(), { clusterName: "aws-demo", prometheusPodLabels: {} }), values);
  });

  it("follows the arguments: replicas, retention, image, namespace, release, dashboard label and the identity's pod labels", () => {
    const image = `registry.example.com/thanos/thanos:v0.42.4@sha256:${"a".repeat(64)}`;
    const c = checked({ namespace: "obs", releaseName: "metrics", prometheusReplicas: 3, prometheusRetention: "12h", thanosImage: image, dashboardLabel: { team_dashboards: "go" } });
    const values = kubePrometheusStackValues(c, { clusterName: "prod", prometheusPodLabels: { "azure.workload.identity/use": "true" } }) as {
      prometheus: { serviceAccount: { name: string }; prometheusSpec: { replicas: number; retention: string; externalLabels: unknown; podMetadata: unknown; thanos: { image: string } } };
      grafana: { sidecar: { dashboards: { label: string; labelValue: string } }; additionalDataSources: { url: string }[] };
    };
    assert.equal(values.prometheus.serviceAccount.name, "metrics-kube-prometheus-st-prometheus");
    assert.deepEqual([values.prometheus.prometheusSpec.replicas, values.prometheus.prometheusSpec.retention], [3, "12h"]);
    assert.deepEqual(values.prometheus.prometheusSpec.externalLabels, { cluster: "prod" });
    assert.deepEqual(values.prometheus.prometheusSpec.podMetadata, { labels: { "azure.workload.identity/use": "true" } });
    assert.equal(values.prometheus.prometheusSpec.thanos.image, image);
    assert.deepEqual([values.grafana.sidecar.dashboards.label, values.grafana.sidecar.dashboards.labelValue], ["team_dashboards", "go"]);
    assert.equal(values.grafana.additionalDataSources[0]?.url, "http://thanos-query.obs.svc:10902");
    assert.equal((values.grafana as { adminPassword?: unknown }).adminPassword, undefined, "never the chart's default password");
  });

  it("names the chart's services as the chart does (kube-prometheus-stack.fullname, 26 characters)", () => {
    assert.equal(kubePrometheusStackFullname("kube-prometheus-stack"), "kube-prometheus-stack");
    assert.equal(kubePrometheusStackFullname("metrics"), "metrics-kube-prometheus-st");
    assert.equal(kubePrometheusStackFullname("abcdefghijklm"), "abcdefghijklm-kube-prometh");
    assert.equal(kubePrometheusStackFullname("my-kube-prometheus-stack-release"), "my-kube-prometheus-stack-r");
    assert.equal(kubePrometheusStackFullname("abcd-"), "abcd--kube-prometheus-stac");
    // Cut at 26 characters, without a trailing "-".
    assert.equal(kubePrometheusStackFullname("abcdefghijklmnopqrstuvwxy-kube-prometheus-stack"), "abcdefghijklmnopqrstuvwxy");
    assert.equal(prometheusServiceAccountName("kube-prometheus-stack"), "kube-prometheus-stack-prometheus");
  });

  it("points Thanos Query at the sidecars' discovery Service and the Store Gateway in the namespace", () => {
    assert.deepEqual(thanosQueryEndpoints(checked({ namespace: "obs", releaseName: "metrics" })), [
      "dnssrv+_grpc._tcp.metrics-kube-prometheus-st-thanos-discovery.obs.svc.cluster.local",
      "dnssrv+_grpc._tcp.thanos-store.obs.svc.cluster.local",
    ]);
    assert.deepEqual(thanosServicePorts("store").map((p) => [p.name, p.port]), [["grpc", 10901], ["http", 10902]]);
    assert.deepEqual(thanosServicePorts("compact").map((p) => p.name), ["http"]);
    assert.deepEqual(thanosServicePorts("query").map((p) => p.name), ["http", "grpc"]);
  });

  it("builds the ServiceMonitor specs: Go services by label in every namespace, tagged; Thanos by part-of", () => {
    const c = checked({ goServiceSelector: { "app.kubernetes.io/part-of": "payments" }, metricsPort: "http-metrics", scrapeInterval: "15s" });
    assert.deepEqual(goServicesMonitorSpec(c), {
      namespaceSelector: { any: true },
      selector: { matchLabels: { "app.kubernetes.io/part-of": "payments" } },
      endpoints: [{ port: "http-metrics", path: "/metrics", interval: "15s", relabelings: [{ action: "replace", targetLabel: "goplatform_runtime", replacement: "go" }] }],
    });
    assert.deepEqual(thanosMonitorSpec(), { selector: { matchLabels: { "app.kubernetes.io/part-of": "thanos" } }, endpoints: [{ port: "http", interval: "30s" }] });
  });

  it("gives the dashboard ConfigMap the Go runtime dashboard on the scraped Go series", () => {
    const data = goDashboardData();
    assert.deepEqual(Object.keys(data), ["go-runtime.json"]);
    const dashboard = JSON.parse(data["go-runtime.json"] ?? "") as { uid: string; panels: { targets: { expr: string }[] }[] };
    assert.equal(dashboard.uid, "goplatform-go-runtime");
    for (const e of dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))) assert.match(e, /goplatform_runtime="go"/, e);
  });

  it("turns a bucket's JSON configuration into objstore.yml, and refuses what Thanos cannot read", () => {
    const yaml = thanosObjstoreYaml("Observability", "bucket.thanosObjectStore", JSON.stringify({ type: "GCS", config: { bucket: "metrics" } }));
    assert.deepEqual(parse(yaml), { type: "GCS", config: { bucket: "metrics" } });
    assert.equal(yaml, "type: GCS\nconfig:\n  bucket: metrics\n");
    for (const bad of ["type: S3", "[]", '{"type":"S3"}', '{"type":"FILESYSTEM","config":{}}', '{"type":"S3","config":"x"}']) {
      assert.throws(
        () => thanosObjstoreYaml("Observability", "bucket.thanosObjectStore", bad),
        (e: Error) => e.name === "ArgumentError" && e.message.startsWith(`Observability: invalid bucket.thanosObjectStore ${JSON.stringify(bad)}; expected the JSON text of a Thanos object store configuration`),
        bad,
      );
    }
  });

  it("refuses bad arguments with an ArgumentError naming the argument, the value and what is allowed", () => {
    const bad: [Partial<ObservabilityArgs>, RegExp][] = [
      [{ storageClassName: "Fast_SSD" }, /^Observability: invalid storageClassName "Fast_SSD"; expected a DNS-1123 label/],
      [{ compactorVolumeSize: "50G" }, /^Observability: invalid compactorVolumeSize "50G"; expected a volume size such as "20Gi"/],
      [{ chartVersion: "^88.5.3" }, /^Observability: invalid chartVersion "\^88\.5\.3"; expected an exact chart version/],
      [{ thanosImage: "thanos@sha256:abc" }, /^Observability: invalid thanosImage "thanos@sha256:abc"; expected an image pinned by digest/],
      [{ install: "yes" as unknown as boolean }, /^Observability: invalid install "yes"; expected true or false/],
      [{ downsampling: 1 as unknown as boolean }, /^Observability: invalid downsampling 1; expected true or false/],
      [{ noncurrentVersionDays: 0 }, /^Observability: invalid noncurrentVersionDays 0; expected an integer at least 1/],
      [{ releaseName: "Kube" }, /^Observability: invalid releaseName "Kube"/],
      [{ metricsPort: "metrics port" }, /^Observability: invalid metricsPort "metrics port"/],
      [{ scrapeInterval: "often" }, /^Observability: invalid scrapeInterval "often"; expected a Prometheus duration/],
      [{ dashboardLabel: {} }, /^Observability: invalid dashboardLabel \{\}; expected exactly one label/],
      [{ cluster: fakeCluster("aws", { kubeconfig: "" }) }, /^Observability: invalid cluster\.kubeconfig ""/],
    ];
    for (const [args, message] of bad) assert.throws(() => checked(args), (e: Error) => e.name === "ArgumentError" && message.test(e.message), message.source);
  });
});
