import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import { parse } from "yaml";
import {
  ExistingCluster,
  GO_SERVICE_LABELS,
  Observability,
  s3CompatibleBucket,
  THANOS_IMAGE,
  type ObjectBucket,
  type ObservabilityArgs,
} from "../../../components";
import { OBJSTORE_FILE } from "../../../components/observability/thanos";
import { FakeCluster, fakeThanosObjectStore, type FakeCloud } from "../../harness/fake-clusters";
import { failureUnderMocks, runUnderMocks, valueOf, type RecordedResource, type ResourceGraph } from "../../harness/mocks";

interface Container {
  name: string;
  image: string;
  args: string[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    serviceAccountName: string;
    containers: Container[];
    volumes: { name: string; secret?: { secretName: string } }[];
    securityContext: { runAsNonRoot: boolean };
  };
}
interface Workload {
  metadata: { name: string; namespace: string };
  spec: { replicas: number; template: PodTemplate; volumeClaimTemplates?: { spec: { resources: { requests: { storage: string } } } }[] };
}

const workload = (g: ResourceGraph, type: "StatefulSet" | "Deployment", name: string): Workload =>
  g.one(`kubernetes:apps/v1:${type}`, `obs-thanos-${name}`).inputs as unknown as Workload;
const container = (w: Workload): Container => {
  const [c] = w.spec.template.spec.containers;
  assert.ok(c);
  return c;
};
const flag = (c: Container, name: string): string | undefined => c.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

interface ReleaseValues {
  prometheus: {
    serviceAccount: { create: boolean; name: string };
    thanosService: { enabled: boolean };
    prometheusSpec: {
      replicas: number;
      retention: string;
      externalLabels: Record<string, string>;
      podMetadata: { labels: Record<string, string> };
      thanos: { image: string; objectStorageConfig: { existingSecret: { name: string; key: string } } };
    };
  };
  grafana: { sidecar: { dashboards: { label: string; labelValue: string } }; additionalDataSources: { url: string }[] };
}

function build(cloud: FakeCloud, args: Partial<ObservabilityArgs> = {}) {
  let cluster: FakeCluster | undefined;
  const program = () => {
    cluster = new FakeCluster(cloud);
    const obs = new Observability("obs", { cluster, ...args });
    return { obs, cluster };
  };
  return { program, cluster: () => cluster };
}

describe("Observability", function () {
  this.timeout(120_000);

  for (const cloud of ["aws", "gcp", "azure"] as const) {
    describe(`on a ${cloud} cluster`, () => {
      it("creates one retained bucket in the cluster's cloud and hands its objstore config to every Thanos component through one Secret", async () => {
        const { result, resources } = await runUnderMocks(build(cloud).program);
        const { cluster, obs } = result;
        const component = resources.one("goplatform:k8s:Observability", "obs");

        assert.equal(cluster.bucketCalls.length, 1);
        const call = cluster.bucketCalls[0];
        assert.ok(call);
        assert.equal(call.name, "obs-metrics");
        assert.deepEqual(call.args, { noncurrentVersionDays: 30, retainOnDelete: true });
        assert.equal(call.parent, obs);
        assert.equal(await valueOf(obs.bucketName), `obs-metrics-${cloud}`);

        // Two Secrets: the objstore config and Grafana's generated admin login.
        const secrets = resources.ofType("kubernetes:core/v1:Secret").filter((r) => r.name !== "obs-grafana-admin");
        assert.equal(secrets.length, 1, "one objstore Secret");
        const secret = secrets[0] as RecordedResource;
        assert.equal(secret.parent, component.urn);
        const meta = secret.inputs.metadata as { name: string; namespace: string };
        assert.deepEqual([meta.name, meta.namespace], ["thanos-objstore", "monitoring"]);
        const stringData = secret.inputs.stringData as Record<string, string>;
        assert.deepEqual(Object.keys(stringData), ["objstore.yml"]);
        const objstore = parse(stringData["objstore.yml"] ?? "") as Record<string, unknown>;
        assert.deepEqual(objstore, fakeThanosObjectStore(cloud, `obs-metrics-${cloud}`));
        assert.doesNotMatch(stringData["objstore.yml"] ?? "", /access_key|secret_key|client_secret|service_account:|storage_account_key/);
        assert.equal(await valueOf(obs.objstoreSecretName), "thanos-objstore");

        // The sidecar (through the Prometheus CR the chart renders), the Store Gateway and the Compactor read that Secret.
        const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as ReleaseValues;
        assert.deepEqual(values.prometheus.prometheusSpec.thanos.objectStorageConfig.existingSecret, { name: "thanos-objstore", key: "objstore.yml" });
        for (const [type, name] of [["StatefulSet", "store"], ["StatefulSet", "compact"]] as const) {
          const w = workload(resources, type, name);
          const c = container(w);
          assert.equal(flag(c, "objstore.config-file"), OBJSTORE_FILE, name);
          const mount = c.volumeMounts.find((m) => m.name === "objstore");
          assert.deepEqual(mount, { name: "objstore", mountPath: "/etc/thanos/objstore", readOnly: true }, name);
          assert.equal(w.spec.template.spec.volumes.find((v) => v.name === "objstore")?.secret?.secretName, "thanos-objstore", name);
        }
        // Query needs no bucket.
        const query = workload(resources, "Deployment", "query");
        assert.equal(flag(container(query), "objstore.config-file"), undefined);
        assert.deepEqual(query.spec.template.spec.volumes, []);
      });

      it("binds the sidecar, Store Gateway and Compactor ServiceAccounts to the bucket through the cluster's workload identity", async () => {
        const { result, resources } = await runUnderMocks(build(cloud).program);
        const { cluster, obs } = result;
        const calls = cluster.bindCalls.map((c) => {
          const [permission, ...more] = c.args.permissions ?? [];
          assert.equal(more.length, 0);
          assert.ok(permission?.kind === "bucket");
          assert.equal(permission.bucket.cloud, cloud);
          assert.equal(c.parent, obs);
          return [c.name, c.args.serviceAccountName, permission.access];
        });
        assert.deepEqual(calls, [
          ["obs-prometheus", "kube-prometheus-stack-prometheus", "readWrite"],
          ["obs-thanos-store", "thanos-store", "read"],
          ["obs-thanos-compact", "thanos-compact", "readWrite"],
        ]);
        // One bucket object behind every grant: the one createBucket returned.
        const bucket = cluster.bindCalls[0]?.args.permissions?.[0];
        for (const c of cluster.bindCalls) assert.equal(c.args.permissions?.[0]?.kind === "bucket" && c.args.permissions[0].bucket, bucket?.kind === "bucket" && bucket.bucket);
        for (const c of cluster.bindCalls) assert.equal(await valueOf(c.args.namespace), "monitoring");

        // The pods run as those ServiceAccounts (and carry the identity's pod labels).
        const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as ReleaseValues;
        assert.deepEqual(values.prometheus.serviceAccount, { create: false, name: "kube-prometheus-stack-prometheus" });
        const azureLabels: Record<string, string> = cloud === "azure" ? { "azure.workload.identity/use": "true" } : {};
        assert.deepEqual(values.prometheus.prometheusSpec.podMetadata.labels, azureLabels);
        for (const name of ["store", "compact"] as const) {
          const pod = workload(resources, "StatefulSet", name).spec.template;
          assert.equal(pod.spec.serviceAccountName, `thanos-${name}`);
          for (const [k, v] of Object.entries(azureLabels)) assert.equal(pod.metadata.labels[k], v);
          if (cloud !== "azure") assert.equal(pod.metadata.labels["azure.workload.identity/use"], undefined);
        }
        const query = workload(resources, "Deployment", "query").spec.template.spec;
        assert.equal(query.serviceAccountName, "thanos-query");
        const querySa = resources.one("kubernetes:core/v1:ServiceAccount", "obs-thanos-query").inputs;
        assert.equal(querySa.automountServiceAccountToken, false);
        assert.equal((querySa.metadata as { annotations?: unknown }).annotations, undefined, "query has no cloud identity");

        const identities = await valueOf(obs.bucketIdentities);
        assert.deepEqual(Object.keys(identities).sort(), ["kube-prometheus-stack-prometheus", "thanos-compact", "thanos-store"]);
        assert.deepEqual(identities, Object.fromEntries(cluster.bindCalls.map((c) => [c.args.serviceAccountName, c.cloudIdentity])));
      });
    });
  }

  it("installs kube-prometheus-stack pinned, with the Thanos sidecar and discovery service, on the cluster's provider", async () => {
    const { resources } = await runUnderMocks(build("aws").program);
    const release = resources.one("kubernetes:helm.sh/v3:Release");
    assert.equal(release.inputs.chart, "kube-prometheus-stack");
    assert.equal(release.inputs.version, "88.5.3");
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://prometheus-community.github.io/helm-charts" });
    assert.equal(release.inputs.name, "kube-prometheus-stack");
    assert.equal(release.inputs.namespace, "monitoring");
    assert.equal(release.inputs.atomic, true);
    const values = release.inputs.values as ReleaseValues;
    assert.equal(values.prometheus.thanosService.enabled, true);
    assert.equal(values.prometheus.prometheusSpec.thanos.image, THANOS_IMAGE);
    assert.match(THANOS_IMAGE, /^quay\.io\/thanos\/thanos:v0\.42\.4@sha256:[a-f0-9]{64}$/);
    assert.deepEqual(values.prometheus.prometheusSpec.externalLabels, { cluster: "aws-demo" });
    assert.deepEqual(values.grafana.sidecar.dashboards.label, "grafana_dashboard");
    assert.equal(values.grafana.additionalDataSources[0]?.url, "http://thanos-query.monitoring.svc:10902");

    const provider = resources.one("pulumi:providers:kubernetes", "fake-aws");
    const k8sResources = resources.all.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sResources.length >= 15);
    for (const r of k8sResources) assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.type} ${r.name} uses the cluster's provider`);
    // Custom resources wait for the release (its CRDs).
    for (const r of resources.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")) assert.ok(r.dependsOn.includes(release.urn), r.name);
  });

  it("gives Grafana a generated admin password in a Secret the chart reads, never the chart's default", async () => {
    const { result, resources } = await runUnderMocks(build("aws").program, { outputs: (a) => (a.type === "random:index/randomPassword:RandomPassword" ? { result: "generated-Xy7" } : undefined) });
    const password = resources.one("random:index/randomPassword:RandomPassword");
    assert.deepEqual([password.inputs.length, password.inputs.special], [32, false]);
    const secret = resources.one("kubernetes:core/v1:Secret", "obs-grafana-admin");
    assert.deepEqual(secret.inputs.stringData, { "admin-user": "admin", "admin-password": "generated-Xy7" });
    const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { grafana: { admin: unknown; adminPassword?: unknown } };
    assert.deepEqual(values.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    assert.equal(values.grafana.adminPassword, undefined);
    assert.ok(resources.one("kubernetes:helm.sh/v3:Release").dependsOn.includes(secret.urn), "the Secret exists before the chart");
    assert.equal(await valueOf(result.obs.grafanaAdminPassword ?? assert.fail()), "generated-Xy7");
  });

  it("runs Query, Store Gateway and Compactor from the digest-pinned image, non-root, with Query fanning out to the sidecars and the Store Gateway", async () => {
    const { resources } = await runUnderMocks(build("gcp").program);
    const query = workload(resources, "Deployment", "query");
    const store = workload(resources, "StatefulSet", "store");
    const compact = workload(resources, "StatefulSet", "compact");
    for (const w of [query, store, compact]) {
      const c = container(w);
      assert.equal(c.image, THANOS_IMAGE);
      assert.equal(w.spec.template.spec.securityContext.runAsNonRoot, true);
      assert.deepEqual([c.securityContext.readOnlyRootFilesystem, c.securityContext.allowPrivilegeEscalation], [true, false]);
    }
    assert.deepEqual([query.spec.replicas, store.spec.replicas, compact.spec.replicas], [2, 1, 1]);
    const q = container(query);
    assert.equal(q.args[0], "query");
    assert.equal(flag(q, "query.replica-label"), "prometheus_replica");
    assert.deepEqual(JSON.parse(flag(q, "endpoint.sd-config") ?? ""), {
      endpoints: [
        { address: "dnssrv+_grpc._tcp.kube-prometheus-stack-thanos-discovery.monitoring.svc.cluster.local" },
        { address: "dnssrv+_grpc._tcp.thanos-store.monitoring.svc.cluster.local" },
      ],
    });
    assert.equal(container(store).args[0], "store");
    assert.equal(store.spec.volumeClaimTemplates?.[0]?.spec.resources.requests.storage, "20Gi");
    assert.equal(compact.spec.volumeClaimTemplates?.[0]?.spec.resources.requests.storage, "50Gi");
  });

  it("sets retention per resolution and downsampling on the Compactor, and local retention on Prometheus", async () => {
    const defaults = await runUnderMocks(build("aws").program);
    const c = container(workload(defaults.resources, "StatefulSet", "compact"));
    assert.deepEqual(
      [flag(c, "retention.resolution-raw"), flag(c, "retention.resolution-5m"), flag(c, "retention.resolution-1h")],
      ["30d", "180d", "2y"],
    );
    assert.ok(c.args.includes("--wait"));
    assert.ok(!c.args.includes("--downsampling.disable"));
    const values = defaults.resources.one("kubernetes:helm.sh/v3:Release").inputs.values as ReleaseValues;
    assert.equal(values.prometheus.prometheusSpec.retention, "2d");
    assert.equal(values.prometheus.prometheusSpec.replicas, 2);

    const custom = await runUnderMocks(
      build("aws", { retention: { raw: "14d", oneHour: "0d" }, downsampling: false, prometheusRetention: "12h", prometheusReplicas: 3 }).program,
    );
    const cc = container(workload(custom.resources, "StatefulSet", "compact"));
    assert.deepEqual(
      [flag(cc, "retention.resolution-raw"), flag(cc, "retention.resolution-5m"), flag(cc, "retention.resolution-1h")],
      ["14d", "180d", "0d"],
    );
    assert.ok(cc.args.includes("--downsampling.disable"));
    const customValues = custom.resources.one("kubernetes:helm.sh/v3:Release").inputs.values as ReleaseValues;
    assert.deepEqual([customValues.prometheus.prometheusSpec.retention, customValues.prometheus.prometheusSpec.replicas], ["12h", 3]);
  });

  it("scrapes Go services by label in every namespace and tags their series for the Go alerts and dashboard", async () => {
    const { resources } = await runUnderMocks(build("aws", { goServiceSelector: { "app.kubernetes.io/part-of": "payments" }, metricsPort: "http-metrics" }).program);
    const monitor = resources.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "obs-go-services");
    const spec = monitor.inputs.spec as {
      namespaceSelector: { any: boolean };
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string; interval: string; relabelings: { action: string; targetLabel: string; replacement: string }[] }[];
    };
    assert.deepEqual(spec.selector.matchLabels, { "app.kubernetes.io/part-of": "payments" });
    assert.equal(spec.namespaceSelector.any, true);
    assert.deepEqual(spec.endpoints, [
      { port: "http-metrics", path: "/metrics", interval: "30s", relabelings: [{ action: "replace", targetLabel: "goplatform_runtime", replacement: "go" }] },
    ]);
    assert.equal((monitor.inputs.metadata as { labels: Record<string, string> }).labels.release, "kube-prometheus-stack");

    const defaults = await runUnderMocks(build("aws").program);
    const defaultSpec = defaults.resources.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "obs-go-services").inputs.spec as typeof spec;
    assert.deepEqual(defaultSpec.selector.matchLabels, GO_SERVICE_LABELS);
  });

  it("adds the Go runtime alerts (GoRuntimeAlerts) on the scraped Go series, with the release label Prometheus selects rules by", async () => {
    const { result, resources } = await runUnderMocks(build("aws", { alerts: { maxGoroutines: 5000, goVersionFloors: ["1.27.4", "1.26.11"] } }).program);
    const alerts = resources.one("goplatform:k8s:GoRuntimeAlerts", "obs-go-runtime");
    assert.equal(alerts.parent, resources.one("goplatform:k8s:Observability").urn);
    const rule = resources.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    assert.equal(rule.parent, alerts.urn);
    assert.ok(rule.provider?.startsWith(resources.one("pulumi:providers:kubernetes").urn));
    assert.ok(alerts.dependsOn.includes(resources.one("kubernetes:helm.sh/v3:Release").urn));
    const metadata = rule.inputs.metadata as { namespace: string; labels: Record<string, string> };
    assert.equal(metadata.namespace, "monitoring");
    assert.equal(metadata.labels.release, "kube-prometheus-stack");
    const rules = (rule.inputs.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups[0]?.rules ?? [];
    assert.deepEqual(rules.map((r) => r.alert), [
      "GoGoroutinesHigh", "GoGoroutinesGrowing", "GoGCPausesHigh", "GoGCCPUFractionHigh", "GoHeapNearMemoryLimit",
      "GoFileDescriptorsNearLimit", "GoProcessRestarting", "GoVersionBelowFloor",
    ]);
    for (const r of rules) assert.match(r.expr, /goplatform_runtime="go"/, r.alert);
    assert.equal(rules[0]?.expr, 'go_goroutines{goplatform_runtime="go"} > 5000');
    assert.deepEqual(await valueOf(result.obs.alerts), rules.map((r) => r.alert));
  });

  it("provisions the Go runtime dashboard as a ConfigMap the chart's Grafana sidecar loads", async () => {
    const { result, resources } = await runUnderMocks(build("aws").program);
    const cm = resources.one("kubernetes:core/v1:ConfigMap", "obs-go-dashboard");
    const metadata = cm.inputs.metadata as { name: string; namespace: string; labels: Record<string, string> };
    assert.equal(metadata.labels.grafana_dashboard, "1");
    assert.equal(metadata.namespace, "monitoring");
    assert.equal(await valueOf(result.obs.dashboardConfigMap), "goplatform-go-runtime-dashboard");
    const data = cm.inputs.data as Record<string, string>;
    const dashboard = JSON.parse(data["go-runtime.json"] ?? "") as { uid: string; panels: { targets: { expr: string }[] }[] };
    assert.equal(dashboard.uid, "goplatform-go-runtime");
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    assert.ok(exprs.length >= 10);
    for (const e of exprs) {
      assert.match(e, /\b(go|process)_[a-z_]+\{/, e);
      assert.match(e, /goplatform_runtime="go"/, e);
    }
    for (const metric of ["go_goroutines", "go_gc_duration_seconds", "go_memstats_heap_inuse_bytes", "go_gc_gomemlimit_bytes", "go_info", "go_cpu_classes_gc_total_cpu_seconds_total"]) {
      assert.ok(exprs.some((e) => e.includes(`${metric}{`)), metric);
    }
  });

  describe("with installStack: false on an ExistingCluster and an explicit bucket (the local stack)", () => {
    const bucket = () => s3CompatibleBucket({ bucket: "thanos", endpoint: "minio.minio.svc:9000" });
    const program = (args: Partial<ObservabilityArgs> = {}) => () => {
      const provider = new k8s.Provider("render", { renderYamlToDirectory: "/tmp/goplatform-render-test" });
      const cluster = new ExistingCluster({ provider, clusterName: "local", kubernetesVersion: "1.34" });
      return new Observability("obs", { cluster, installStack: false, bucket: bucket(), ...args });
    };

    it("installs no chart or namespace, still renders the Thanos components, monitors, rules and dashboard", async () => {
      const { resources } = await runUnderMocks(program());
      assert.deepEqual(resources.ofType("kubernetes:helm.sh/v3:Release"), []);
      assert.deepEqual(resources.ofType("kubernetes:core/v1:Namespace"), []);
      assert.equal(resources.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 2);
      assert.equal(resources.ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").length, 1);
      resources.one("kubernetes:core/v1:ConfigMap", "obs-go-dashboard");
      const secret = resources.one("kubernetes:core/v1:Secret").inputs.stringData as Record<string, string>;
      assert.deepEqual(parse(secret["objstore.yml"] ?? ""), { type: "S3", config: { bucket: "thanos", endpoint: "minio.minio.svc:9000", insecure: false } });
      // No cloud identity: plain ServiceAccounts for the Store Gateway and Compactor.
      const sas = resources.ofType("kubernetes:core/v1:ServiceAccount").map((r) => (r.inputs.metadata as { name: string }).name).sort();
      assert.deepEqual(sas, ["thanos-compact", "thanos-query", "thanos-store"]);
    });

    it("refuses an ExistingCluster without a bucket before creating anything", async () => {
      const { error, resources } = await failureUnderMocks(() => {
        const provider = new k8s.Provider("render", { renderYamlToDirectory: "/tmp/goplatform-render-test" });
        const cluster = new ExistingCluster({ provider, clusterName: "local", kubernetesVersion: "1.34" });
        return new Observability("obs", { cluster, installStack: false });
      });
      assert.match(error.message, /^Observability: invalid bucket undefined; a cluster with no cloud object storage/);
      assert.deepEqual(resources.types(), ["pulumi:providers:kubernetes"]);
    });
  });

  const bad: [string, Partial<ObservabilityArgs>, RegExp][] = [
    ["retention.raw", { retention: { raw: "7x" } }, /^Observability: invalid retention\.raw "7x"; expected a Prometheus duration/],
    ["retention.oneHour", { retention: { oneHour: "1 year" } }, /invalid retention\.oneHour "1 year"/],
    ["prometheusRetention", { prometheusRetention: "2 days" }, /invalid prometheusRetention "2 days"/],
    ["queryReplicas", { queryReplicas: -1 }, /^Observability: invalid queryReplicas -1; expected an integer at least 1/],
    ["storeReplicas", { storeReplicas: 0 }, /invalid storeReplicas 0; expected an integer at least 1/],
    ["prometheusReplicas", { prometheusReplicas: 1.5 }, /invalid prometheusReplicas 1\.5/],
    ["goServiceSelector (empty)", { goServiceSelector: {} }, /^Observability: invalid goServiceSelector \{\}; expected at least one label; an empty selector would scrape every Service/],
    ["goServiceSelector (bad key)", { goServiceSelector: { "bad key": "go" } }, /invalid goServiceSelector \{"bad key":"go"\}/],
    ["thanosImage (tag only)", { thanosImage: "quay.io/thanos/thanos:v0.42.4" }, /invalid thanosImage "quay.io\/thanos\/thanos:v0.42.4"; expected an image pinned by digest/],
    ["chartVersion", { chartVersion: "88.x" }, /invalid chartVersion "88.x"/],
    ["namespace", { namespace: "Monitoring" }, /invalid namespace "Monitoring"/],
    ["storeVolumeSize", { storeVolumeSize: "20GB" }, /invalid storeVolumeSize "20GB"/],
    ["dashboardLabel", { dashboardLabel: { a: "1", b: "2" } }, /invalid dashboardLabel .*expected exactly one label/],
    ["alerts.maxGoroutines", { alerts: { maxGoroutines: 0 } }, /^GoRuntimeAlerts: invalid maxGoroutines 0/],
    ["alerts.goVersionFloors", { alerts: { goVersionFloors: ["1.27"] } }, /^GoRuntimeAlerts: invalid goVersionFloors \["1.27"\]/],
    ["alerts.interval", { alerts: { interval: "soon" } }, /^GoRuntimeAlerts: invalid interval "soon"/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects a bad ${what} with an ArgumentError before creating anything`, async () => {
      const b = build("aws", args);
      const { error, resources } = await failureUnderMocks(b.program);
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.deepEqual(resources.types(), ["pulumi:providers:kubernetes"], "only the fake cluster's provider");
      assert.deepEqual(b.cluster()?.bucketCalls, []);
      assert.deepEqual(b.cluster()?.bindCalls, []);
    });
  }

  it("s3CompatibleBucket checks its arguments", () => {
    assert.throws(() => s3CompatibleBucket({ bucket: "Thanos", endpoint: "minio:9000" }), /^ArgumentError: s3CompatibleBucket: invalid bucket "Thanos"/);
    assert.throws(() => s3CompatibleBucket({ bucket: "thanos", endpoint: "https://minio:9000" }), /invalid endpoint "https:\/\/minio:9000"; expected host\[:port\] without a scheme/);
  });

  it("rejects a bucket from another cloud than the cluster's", async () => {
    const { error, resources } = await failureUnderMocks(() => {
      const cluster = new FakeCluster("aws");
      const gcs: ObjectBucket = { ...s3CompatibleBucket({ bucket: "bbb", endpoint: "storage.googleapis.com" }), cloud: "gcp" };
      return new Observability("obs", { cluster, bucket: gcs });
    });
    assert.match(error.message, /^Observability: invalid bucket "gcp"; expected a bucket in the cluster's cloud \(aws\)/);
    assert.deepEqual(resources.types(), ["pulumi:providers:kubernetes"]);
  });
});
