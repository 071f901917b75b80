import { strict as assert } from "node:assert";
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
import { AZURE_ROLES } from "../../../components/cluster/clouds/azure";
import { OBJSTORE_FILE } from "../../../components/observability/thanos";
import { expectedThanosObjectStore, fakeCluster, type FakeCloud } from "../../harness/fake-clusters";
import { failureUnderMocks, runUnderMocks, valueOf, type MockOptions, type RecordedResource, type ResourceGraph } from "../../harness/mocks";

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

/**
 * What the clouds would return for the outputs the bindings read: bucket names and ARNs,
 * role ARNs, Google service account emails, managed identity client ids.
 */
const cloudMocks: MockOptions = {
  outputs: (a) => {
    const inputs = a.inputs as { accountId?: string; project?: string };
    switch (a.type) {
      case "aws:s3/bucket:Bucket":
        return { bucket: `${a.name}-aws`, arn: `arn:aws:s3:::${a.name}-aws` };
      case "aws:iam/role:Role":
        return { arn: `arn:aws:iam::123456789012:role/${a.name}` };
      case "gcp:storage/bucket:Bucket":
        return { name: `${a.name}-gcp` };
      case "gcp:serviceaccount/account:Account":
        return { email: `${String(inputs.accountId)}@${String(inputs.project)}.iam.gserviceaccount.com`, name: `projects/${String(inputs.project)}/serviceAccounts/${String(inputs.accountId)}` };
      case "azure-native:storage:StorageAccount":
        return { name: "fakemetrics" };
      case "azure-native:storage:BlobContainer":
        return { name: `${a.name}-azure` };
      case "azure-native:managedidentity:UserAssignedIdentity":
        return { name: a.name, clientId: `client-${a.name}`, principalId: `principal-${a.name}` };
      case "random:index/randomPassword:RandomPassword":
        return { result: "generated-Xy7" };
      default:
        return undefined;
    }
  },
};

const build = (cloud: FakeCloud, args: Partial<ObservabilityArgs> = {}) => () => new Observability("obs", { cluster: fakeCluster(cloud), ...args });
const run = (cloud: FakeCloud, args: Partial<ObservabilityArgs> = {}) => runUnderMocks(build(cloud, args), cloudMocks);

/** The resources each cloud's bucket is made of; the first is the one named in grants. */
const BUCKET_TYPES: Record<FakeCloud, string[]> = {
  aws: [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
  ],
  gcp: ["gcp:storage/bucket:Bucket"],
  azure: ["azure-native:storage:BlobContainer", "azure-native:storage:StorageAccount", "azure-native:storage:BlobServiceProperties", "azure-native:storage:ManagementPolicy"],
};

/** Days noncurrent versions are kept, as each cloud's bucket records it. */
function noncurrentDays(cloud: FakeCloud, g: ResourceGraph): unknown {
  switch (cloud) {
    case "aws":
      return (g.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { noncurrentVersionExpiration: { noncurrentDays: number } }[])[0]?.noncurrentVersionExpiration.noncurrentDays;
    case "gcp":
      return (g.one("gcp:storage/bucket:Bucket").inputs.lifecycleRules as { condition: { daysSinceNoncurrentTime: number } }[])[0]?.condition.daysSinceNoncurrentTime;
    case "azure":
      return (g.one("azure-native:storage:ManagementPolicy").inputs.policy as { rules: { definition: { actions: { version: { delete: { daysAfterCreationGreaterThan: number } } } } }[] }).rules[0]?.definition.actions.version.delete
        .daysAfterCreationGreaterThan;
  }
}

/** The cloud identity resource type, and the ServiceAccount annotation that names it. */
const IDENTITY: Record<FakeCloud, { type: string; annotation: string; output: (r: RecordedResource) => string }> = {
  aws: { type: "aws:iam/role:Role", annotation: "eks.amazonaws.com/role-arn", output: (r) => `arn:aws:iam::123456789012:role/${r.name}` },
  gcp: { type: "gcp:serviceaccount/account:Account", annotation: "iam.gke.io/gcp-service-account", output: (r) => `${String(r.inputs.accountId)}@demo-project.iam.gserviceaccount.com` },
  azure: { type: "azure-native:managedidentity:UserAssignedIdentity", annotation: "azure.workload.identity/client-id", output: (r) => `client-${r.name}` },
};

interface IamPolicy {
  Statement: { Effect: string; Action: string[]; Resource: string; Condition?: { StringEquals: Record<string, string> } }[];
}

/** What the cloud records as the grant of identity `name` on the bucket: [bucket it names, access]. */
function grant(cloud: FakeCloud, g: ResourceGraph, name: string, serviceAccount: string): [unknown, "read" | "readWrite"] {
  switch (cloud) {
    case "aws": {
      const trust = JSON.parse(String(g.one("aws:iam/role:Role", name).inputs.assumeRolePolicy)) as IamPolicy;
      assert.equal(trust.Statement[0]?.Condition?.StringEquals["oidc.aws.example/demo:sub"], `system:serviceaccount:monitoring:${serviceAccount}`, name);
      const policy = JSON.parse(String(g.one("aws:iam/rolePolicy:RolePolicy", `${name}-grants`).inputs.policy)) as IamPolicy;
      assert.equal(policy.Statement.length, 2, name);
      const [list, objects] = policy.Statement as [IamPolicy["Statement"][number], IamPolicy["Statement"][number]];
      assert.deepEqual(list.Action, ["s3:ListBucket", "s3:GetBucketLocation"], name);
      assert.equal(objects.Resource, `${list.Resource}/*`, name);
      const actions = objects.Action.join(",");
      const access = actions === "s3:GetObject" ? "read" : actions === "s3:GetObject,s3:PutObject,s3:DeleteObject,s3:AbortMultipartUpload" ? "readWrite" : assert.fail(actions);
      return [list.Resource, access];
    }
    case "gcp": {
      const wi = g.one("gcp:serviceaccount/iAMMember:IAMMember", `${name}-workload-identity`).inputs;
      assert.deepEqual([wi.role, wi.member], ["roles/iam.workloadIdentityUser", `serviceAccount:demo-project.svc.id.goog[monitoring/${serviceAccount}]`], name);
      const [member, ...more] = g.ofType("gcp:storage/bucketIAMMember:BucketIAMMember").filter((r) => r.name.startsWith(`${name}-bucket-`));
      assert.equal(more.length, 0, name);
      assert.ok(member, name);
      assert.equal(member.inputs.member, `serviceAccount:${IDENTITY.gcp.output(g.one("gcp:serviceaccount/account:Account", name))}`, name);
      const role = member.inputs.role;
      return [member.inputs.bucket, role === "roles/storage.objectViewer" ? "read" : role === "roles/storage.objectUser" ? "readWrite" : assert.fail(String(role))];
    }
    case "azure": {
      const federated = g.one("azure-native:managedidentity:FederatedIdentityCredential", name).inputs;
      assert.equal(federated.subject, `system:serviceaccount:monitoring:${serviceAccount}`, name);
      assert.equal(federated.issuer, "https://oidc.azure.example/demo", name);
      const [assignment, ...more] = g.ofType("azure-native:authorization:RoleAssignment").filter((r) => r.name.startsWith(`${name}-grant-`));
      assert.equal(more.length, 0, name);
      assert.ok(assignment, name);
      assert.equal(assignment.inputs.principalId, `principal-${name}`, name);
      const role = String(assignment.inputs.roleDefinitionId).split("/").pop();
      return [assignment.inputs.scope, role === AZURE_ROLES.storageBlobDataReader ? "read" : role === AZURE_ROLES.storageBlobDataContributor ? "readWrite" : assert.fail(String(role))];
    }
  }
}

/** What a grant names the bucket by: its ARN (S3), its name (GCS), the container's id (Azure). */
function bucketReference(cloud: FakeCloud): unknown {
  switch (cloud) {
    case "aws":
      return "arn:aws:s3:::obs-metrics-aws";
    case "gcp":
      return "obs-metrics-gcp";
    case "azure":
      // The container's resource id: the mocks give every resource the id `<name>-id` (the storage
      // account shares the container's name, so this cannot tell the two apart; the role does).
      return "obs-metrics-id";
  }
}

/** Cloud resources (identities, grants, buckets) in the graph. */
const cloudResources = (g: ResourceGraph) => g.all.filter((r) => /^(aws|gcp|azure-native):/.test(r.type));

describe("Observability", function () {
  this.timeout(120_000);

  for (const cloud of ["aws", "gcp", "azure"] as const) {
    describe(`on a ${cloud} cluster`, () => {
      it("creates one retained bucket in the cluster's cloud and hands its objstore config to every Thanos component through one Secret", async () => {
        const { result: obs, resources } = await run(cloud);
        const component = resources.one("goplatform:index:Observability", "obs");

        // The bucket: the cloud's resources, all named obs-metrics, children of the component, retained on delete.
        const bucketResources = cloudResources(resources).filter((r) => r.name === "obs-metrics");
        assert.deepEqual(bucketResources.map((r) => r.type).sort(), [...BUCKET_TYPES[cloud]].sort());
        for (const r of bucketResources) {
          assert.equal(r.parent, component.urn, r.type);
          assert.equal(r.retainOnDelete, true, r.type);
        }
        assert.equal(noncurrentDays(cloud, resources), 30);
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
        assert.deepEqual(objstore, expectedThanosObjectStore(cloud, `obs-metrics-${cloud}`));
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
        const { result: obs, resources } = await run(cloud);
        const component = resources.one("goplatform:index:Observability", "obs");
        const { type, annotation, output } = IDENTITY[cloud];

        // One cloud identity per ServiceAccount with bucket access, children of the component, each granted on the one bucket.
        const identities = resources.ofType(type);
        assert.deepEqual(identities.map((r) => r.name), ["obs-prometheus", "obs-thanos-store", "obs-thanos-compact"]);
        const serviceAccountOf: Record<string, string> = { "obs-prometheus": "kube-prometheus-stack-prometheus", "obs-thanos-store": "thanos-store", "obs-thanos-compact": "thanos-compact" };
        const grants = identities.map((identity) => {
          assert.equal(identity.parent, component.urn, identity.name);
          const serviceAccount = serviceAccountOf[identity.name] ?? assert.fail(identity.name);
          const [bucket, access] = grant(cloud, resources, identity.name, serviceAccount);
          assert.equal(bucket, bucketReference(cloud), `${identity.name} is granted on the bucket Observability made`);
          return [identity.name, serviceAccount, access];
        });
        assert.deepEqual(grants, [
          ["obs-prometheus", "kube-prometheus-stack-prometheus", "readWrite"],
          ["obs-thanos-store", "thanos-store", "read"],
          ["obs-thanos-compact", "thanos-compact", "readWrite"],
        ]);

        // The Kubernetes ServiceAccounts, in the namespace, annotated with their identity.
        for (const identity of identities) {
          const sa = resources.one("kubernetes:core/v1:ServiceAccount", identity.name).inputs.metadata as { name: string; namespace: string; annotations: Record<string, string> };
          assert.deepEqual([sa.name, sa.namespace], [serviceAccountOf[identity.name], "monitoring"]);
          assert.deepEqual(sa.annotations, { [annotation]: output(identity) }, identity.name);
        }

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

        assert.deepEqual(await valueOf(obs.bucketIdentities), Object.fromEntries(identities.map((r) => [serviceAccountOf[r.name], output(r)])));
      });
    });
  }

  it("installs kube-prometheus-stack pinned, with the Thanos sidecar and discovery service, on the cluster's provider", async () => {
    const { resources } = await run("aws");
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

    const provider = resources.one("pulumi:providers:kubernetes", "obs-cluster");
    const k8sResources = resources.all.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sResources.length >= 15);
    for (const r of k8sResources) assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.type} ${r.name} uses the cluster's provider`);
    // Custom resources wait for the release (its CRDs).
    for (const r of resources.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")) assert.ok(r.dependsOn.includes(release.urn), r.name);
  });

  it("gives Grafana a generated admin password in a Secret the chart reads, never the chart's default", async () => {
    const { result, resources } = await run("aws");
    const password = resources.one("random:index/randomPassword:RandomPassword");
    assert.deepEqual([password.inputs.length, password.inputs.special], [32, false]);
    const secret = resources.one("kubernetes:core/v1:Secret", "obs-grafana-admin");
    assert.deepEqual(secret.inputs.stringData, { "admin-user": "admin", "admin-password": "generated-Xy7" });
    const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { grafana: { admin: unknown; adminPassword?: unknown } };
    assert.deepEqual(values.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    assert.equal(values.grafana.adminPassword, undefined);
    assert.ok(resources.one("kubernetes:helm.sh/v3:Release").dependsOn.includes(secret.urn), "the Secret exists before the chart");
    assert.equal(await valueOf(result.grafanaAdminPassword ?? assert.fail()), "generated-Xy7");
  });

  it("runs Query, Store Gateway and Compactor from the digest-pinned image, non-root, with Query fanning out to the sidecars and the Store Gateway", async () => {
    const { resources } = await run("gcp");
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
    const defaults = await run("aws");
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

    const custom = await run("aws", { retention: { raw: "14d", oneHour: "0d" }, downsampling: false, prometheusRetention: "12h", prometheusReplicas: 3 });
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
    const { resources } = await run("aws", { goServiceSelector: { "app.kubernetes.io/part-of": "payments" }, metricsPort: "http-metrics" });
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

    const defaults = await run("aws");
    const defaultSpec = defaults.resources.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "obs-go-services").inputs.spec as typeof spec;
    assert.deepEqual(defaultSpec.selector.matchLabels, GO_SERVICE_LABELS);
  });

  it("adds the Go runtime alerts (GoRuntimeAlerts) on the scraped Go series, with the release label Prometheus selects rules by", async () => {
    const { result, resources } = await run("aws", { alerts: { maxGoroutines: 5000, goVersionFloors: ["1.27.4", "1.26.11"] } });
    const alerts = resources.one("goplatform:index:GoRuntimeAlerts", "obs-go-runtime");
    assert.equal(alerts.parent, resources.one("goplatform:index:Observability").urn);
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
    assert.deepEqual(await valueOf(result.alerts), rules.map((r) => r.alert));
  });

  it("provisions the Go runtime dashboard as a ConfigMap the chart's Grafana sidecar loads", async () => {
    const { result, resources } = await run("aws");
    const cm = resources.one("kubernetes:core/v1:ConfigMap", "obs-go-dashboard");
    const metadata = cm.inputs.metadata as { name: string; namespace: string; labels: Record<string, string> };
    assert.equal(metadata.labels.grafana_dashboard, "1");
    assert.equal(metadata.namespace, "monitoring");
    assert.equal(await valueOf(result.dashboardConfigMap), "goplatform-go-runtime-dashboard");
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

  describe("with install: false on an ExistingCluster and an explicit bucket (the local stack)", () => {
    const bucket = () => s3CompatibleBucket({ bucket: "thanos", endpoint: "minio.minio.svc:9000" });
    const program = (args: Partial<ObservabilityArgs> = {}) => () => {
      const existing = new ExistingCluster("local", { clusterName: "local", kubernetesVersion: "1.34", renderYamlToDirectory: "/tmp/goplatform-render-test" });
      return new Observability("obs", { cluster: existing.cluster, install: false, bucket: bucket(), ...args });
    };

    it("installs no chart or namespace, still renders the Thanos components, monitors, rules and dashboard", async () => {
      const { resources } = await runUnderMocks(program());
      assert.deepEqual(resources.ofType("kubernetes:helm.sh/v3:Release"), []);
      assert.deepEqual(resources.ofType("kubernetes:core/v1:Namespace"), []);
      assert.deepEqual(resources.ofType("random:index/randomPassword:RandomPassword"), [], "no Grafana here, no password");
      assert.equal(resources.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 2);
      assert.equal(resources.ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").length, 1);
      resources.one("kubernetes:core/v1:ConfigMap", "obs-go-dashboard");
      const secret = resources.one("kubernetes:core/v1:Secret").inputs.stringData as Record<string, string>;
      assert.deepEqual(parse(secret["objstore.yml"] ?? ""), { type: "S3", config: { bucket: "thanos", endpoint: "minio.minio.svc:9000", insecure: false } });
      // No cloud identity, no cloud resource: plain ServiceAccounts for the Store Gateway and Compactor.
      assert.deepEqual(cloudResources(resources), []);
      const sas = resources.ofType("kubernetes:core/v1:ServiceAccount").map((r) => r.inputs.metadata as { name: string; annotations?: Record<string, string> });
      assert.deepEqual(sas.map((m) => m.name).sort(), ["thanos-compact", "thanos-query", "thanos-store"]);
      for (const m of sas) assert.deepEqual(m.annotations ?? {}, {}, m.name);
      // Rendered to the directory by the provider Observability built from the cluster data.
      const provider = resources.one("pulumi:providers:kubernetes", "obs-cluster");
      assert.equal(provider.inputs.renderYamlToDirectory, "/tmp/goplatform-render-test");
    });

    it("refuses an ExistingCluster without a bucket before creating anything", async () => {
      const { error, resources } = await failureUnderMocks(() => new Observability("obs", { cluster: fakeCluster("existing"), install: false }));
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, /^Observability: invalid bucket undefined; a cluster with no cloud object storage/);
      assert.deepEqual(resources.all, []);
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
    ["goServiceSelector (bad key)", { goServiceSelector: { "bad key": "go" } }, /invalid goServiceSelector "bad key"; expected a Kubernetes label key/],
    ["thanosImage (tag only)", { thanosImage: "quay.io/thanos/thanos:v0.42.4" }, /invalid thanosImage "quay.io\/thanos\/thanos:v0.42.4"; expected an image pinned by digest/],
    ["chartVersion", { chartVersion: "88.x" }, /invalid chartVersion "88.x"/],
    ["namespace", { namespace: "Monitoring" }, /invalid namespace "Monitoring"/],
    ["storeVolumeSize", { storeVolumeSize: "20GB" }, /invalid storeVolumeSize "20GB"/],
    ["dashboardLabel", { dashboardLabel: { a: "1", b: "2" } }, /invalid dashboardLabel .*expected exactly one label/],
    ["alerts.maxGoroutines", { alerts: { maxGoroutines: 0 } }, /^Observability: invalid alerts\.maxGoroutines 0/],
    ["alerts.goVersionFloors", { alerts: { goVersionFloors: ["1.27"] } }, /^Observability: invalid alerts\.goVersionFloors\[0\] "1.27"; expected a Go release with a patch number/],
    ["alerts.interval", { alerts: { interval: "soon" } }, /^Observability: invalid alerts\.interval "soon"/],
    // Issue 18, kind 7: the thresholds are named as the caller wrote them, under alerts.
    ["alerts.selector (issue 18, kind 7)", { alerts: { selector: "job=api" } }, /^Observability: invalid alerts\.selector "job=api"; expected PromQL label matchers/],
    ["alerts as a string (issue 18, kind 2)", { alerts: "strict" as never }, /^Observability: invalid alerts "strict"; expected the GoRuntimeAlerts thresholds/],
    // Issue 18, kind 4: retention against downsampling.
    ["retention.raw shorter than the 40h before downsampling (issue 18, kind 4)", { retention: { raw: "1d" } }, /^Observability: invalid retention\.raw "1d"; expected at least 40h \(or "0d", forever\) with downsampling/],
    ["retention.fiveMinutes shorter than the 10d before 1h downsampling (issue 18, kind 4)", { retention: { fiveMinutes: "7d" } }, /^Observability: invalid retention\.fiveMinutes "7d"; expected at least 10d/],
    ["retention.fiveMinutes shorter than raw (issue 18, kind 4)", { retention: { raw: "90d", fiveMinutes: "30d" } }, /^Observability: invalid retention\.fiveMinutes "30d"; expected at least retention\.raw \(90d\)/],
    ["retention.oneHour shorter than fiveMinutes (issue 18, kind 4)", { retention: { fiveMinutes: "0d", oneHour: "2y" } }, /^Observability: invalid retention\.oneHour "2y"; expected at least retention\.fiveMinutes \(0d\)/],
    ["a retention given as a list (issue 18, kind 2)", { retention: { raw: ["30d"] as never } }, /^Observability: invalid retention\.raw \["30d"\]; expected a Prometheus duration/],
    // Issue 18, kind 5: Kubernetes syntax.
    ["metricsPort given as a number (issue 18, kind 5)", { metricsPort: 8080 as never }, /^Observability: invalid metricsPort 8080; expected a port name: 1-15 lowercase letters, digits and '-', with at least one letter/],
    ["metricsPort of digits (issue 18, kind 5)", { metricsPort: "9090" }, /^Observability: invalid metricsPort "9090"; expected a port name/],
    ["a goServiceSelector value with '/' (issue 18, kind 5)", { goServiceSelector: { "goplatform.dev/module": "example.com/api" } }, /^Observability: invalid goServiceSelector\.goplatform\.dev\/module "example\.com\/api"; expected a Kubernetes label value/],
    ["a goServiceSelector key with a prefix over 253 characters (issue 18, kind 5)", { goServiceSelector: { [`${"a".repeat(254)}/runtime`]: "go" } }, /^Observability: invalid goServiceSelector "a{254}\/runtime"; expected a Kubernetes label key/],
    ["a namespace given as a list (issue 18, kind 2)", { namespace: ["monitoring"] as never }, /^Observability: invalid namespace \["monitoring"\]; expected a DNS-1123 label/],
    ["chartVersion given as a number (issue 18, kind 2)", { chartVersion: 88.5 as never }, /^Observability: invalid chartVersion 88\.5; expected an exact chart version/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects a bad ${what} with an ArgumentError before creating anything`, async () => {
      const { error, resources } = await failureUnderMocks(build("aws", args), cloudMocks);
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      // Nothing at all: no provider, no bucket, no identity.
      assert.deepEqual(resources.all, []);
    });
  }

  it("s3CompatibleBucket checks its arguments", () => {
    assert.throws(() => s3CompatibleBucket({ bucket: "Thanos", endpoint: "minio:9000" }), /^ArgumentError: s3CompatibleBucket: invalid bucket "Thanos"/);
    assert.throws(() => s3CompatibleBucket({ bucket: "thanos", endpoint: "https://minio:9000" }), /invalid endpoint "https:\/\/minio:9000"; expected host\[:port\] without a scheme/);
  });

  it("rejects a bucket from another cloud than the cluster's", async () => {
    const { error, resources } = await failureUnderMocks(() => {
      const gcs: ObjectBucket = { ...s3CompatibleBucket({ bucket: "bbb", endpoint: "storage.googleapis.com" }), cloud: "gcp" };
      return new Observability("obs", { cluster: fakeCluster("aws"), bucket: gcs });
    });
    assert.equal(error.name, "ArgumentError");
    assert.match(error.message, /^Observability: invalid bucket "gcp"; expected a bucket in the cluster's cloud \(aws\)/);
    assert.deepEqual(resources.all, []);
  });

  it("uses a bucket passed in on a cloud cluster: no bucket created, the identities granted on it", async () => {
    const { result: obs, resources } = await run("gcp", { bucket: { cloud: "gcp", bucketName: "shared-metrics", resourceId: "shared-metrics", thanosObjectStore: JSON.stringify({ type: "GCS", config: { bucket: "shared-metrics" } }) } });
    assert.deepEqual(resources.ofType("gcp:storage/bucket:Bucket"), []);
    assert.equal(await valueOf(obs.bucketName), "shared-metrics");
    const members = resources.ofType("gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => r.inputs.bucket);
    assert.deepEqual(members, ["shared-metrics", "shared-metrics", "shared-metrics"]);
    const secret = resources.one("kubernetes:core/v1:Secret", "obs-objstore").inputs.stringData as Record<string, string>;
    assert.deepEqual(parse(secret["objstore.yml"] ?? ""), { type: "GCS", config: { bucket: "shared-metrics" } });
  });

  const badBuckets: [string, ObjectBucket, RegExp][] = [
    ["an unknown cloud", { cloud: "ibm", bucketName: "b", thanosObjectStore: "{}" }, /^Observability: invalid bucket\.cloud "ibm"; expected one of aws, gcp, azure, existing/],
    ["configuration that is not JSON", { cloud: "existing", bucketName: "b", thanosObjectStore: "type: S3" }, /^Observability: invalid bucket\.thanosObjectStore "type: S3"; expected the JSON text of a Thanos object store configuration/],
    ["configuration of an unknown type", { cloud: "existing", bucketName: "b", thanosObjectStore: '{"type":"FILESYSTEM","config":{}}' }, /invalid bucket\.thanosObjectStore .*FILESYSTEM/],
    ["an empty name", { cloud: "existing", bucketName: "", thanosObjectStore: '{"type":"S3","config":{}}' }, /^Observability: invalid bucket\.bucketName ""/],
  ];

  it("refuses a bucket name the bucket's cloud does not allow (issue 18, kind 5)", async () => {
    const cases: [FakeCloud, string, RegExp][] = [
      ["aws", "Metrics_Bucket", /^Observability: invalid bucket\.bucketName "Metrics_Bucket"; expected an S3 bucket name/],
      ["aws", "metrics..bucket", /^Observability: invalid bucket\.bucketName "metrics\.\.bucket"; expected an S3 bucket name/],
      ["gcp", "google-metrics", /^Observability: invalid bucket\.bucketName "google-metrics"; expected a Cloud Storage bucket name/],
      ["azure", "metrics--blocks", /^Observability: invalid bucket\.bucketName "metrics--blocks"; expected an Azure blob container name/],
    ];
    for (const [cloud, bucketName, message] of cases) {
      const bucket: ObjectBucket = { cloud, bucketName, resourceId: "r", thanosObjectStore: JSON.stringify({ type: "S3", config: { bucket: bucketName } }) };
      const { error, resources } = await failureUnderMocks(() => new Observability("obs", { cluster: fakeCluster(cloud), bucket }), cloudMocks);
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    }
  });

  it("s3CompatibleBucket refuses a string \"true\" for insecure, and names by S3 rules (issue 18, kind 2)", () => {
    assert.throws(() => s3CompatibleBucket({ bucket: "thanos", endpoint: "minio:9000", insecure: "true" as never }), /^ArgumentError: s3CompatibleBucket: invalid insecure "true"; expected true or false/);
    assert.throws(() => s3CompatibleBucket({ bucket: 42 as never, endpoint: "minio:9000" }), /^ArgumentError: s3CompatibleBucket: invalid bucket 42; expected the bucket's name as a string/);
    assert.throws(() => s3CompatibleBucket({ bucket: "192.168.1.10", endpoint: "minio:9000" }), /invalid bucket "192\.168\.1\.10"; expected an S3 bucket name/);
  });
  for (const [what, bucket, message] of badBuckets) {
    it(`rejects a bucket with ${what} before creating anything`, async () => {
      const { error, resources } = await failureUnderMocks(() => new Observability("obs", { cluster: fakeCluster("existing"), bucket }));
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }
});
