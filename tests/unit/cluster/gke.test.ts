import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { GkeCluster, GKE_NODE_ROLES, type GkeClusterArgs, type ObjectBucket } from "../../../components";
import { connectAsCaller, resolveClusterData } from "../../harness/fake-clusters";
import { gcpMocks } from "../../harness/cloud-mocks";
import { failureUnderMocks, runUnderMocks, valueOf } from "../../harness/mocks";

// Judged on a fixed day, so the computed default minor (1.36 on 2026-12-02) does not move under the tests.
const make = (args: GkeClusterArgs = {}) => () => new GkeCluster("prod", { asOf: "2026-12-02", ...args });
/** The cluster as an in-cluster component sees it: connected from its `cluster` data, for `parent`. */
const connect = (gke: GkeCluster, parent?: pulumi.Resource) => connectAsCaller(gke.cluster, parent);

interface Kubeconfig {
  "current-context": string;
  clusters: { cluster: { server: string; "certificate-authority-data"?: string } }[];
  users: { user: { exec: { command: string } } }[];
}

describe("GkeCluster", function () {
  this.timeout(120_000);

  it("creates a regional private cluster with Workload Identity, enforced Binary Authorization, shielded nodes and Dataplane V2", async () => {
    const { resources } = await runUnderMocks(make(), gcpMocks);
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.equal(cluster.inputs.location, "europe-west1");
    assert.equal(cluster.inputs.project, "acme-prod");
    assert.equal(cluster.inputs.minMasterVersion, "1.36");
    assert.deepEqual(cluster.inputs.releaseChannel, { channel: "REGULAR" });
    assert.deepEqual(cluster.inputs.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: true });
    assert.deepEqual(cluster.inputs.masterAuthorizedNetworksConfig, { cidrBlocks: [], gcpPublicCidrsAccessEnabled: false });
    assert.deepEqual(cluster.inputs.workloadIdentityConfig, { workloadPool: "acme-prod.svc.id.goog" });
    assert.deepEqual(cluster.inputs.binaryAuthorization, { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
    assert.equal(cluster.inputs.enableShieldedNodes, true);
    assert.equal(cluster.inputs.datapathProvider, "ADVANCED_DATAPATH");
    assert.equal(cluster.inputs.removeDefaultNodePool, true);
    // The cluster's nodeConfig only shapes the temporary default pool, and is not compared
    // afterwards (GKE reports none once that pool is gone; a diff would replace the cluster).
    assert.deepEqual(cluster.ignoreChanges, ["nodeConfig"]);
    assert.equal((cluster.inputs.nodeConfig as { serviceAccount: string }).serviceAccount, `${String(resources.one("gcp:serviceaccount/account:Account").inputs.accountId)}@acme-prod.iam.gserviceaccount.com`);
    assert.equal(cluster.inputs.deletionProtection, true);
    assert.deepEqual((cluster.inputs.loggingConfig as { enableComponents: string[] }).enableComponents, ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"]);
    assert.equal(cluster.protect, true);
    assert.equal(resources.one("goplatform:index:GkeCluster").protect, true);

    // A dedicated node service account with only GKE's node role and image pulls.
    const account = resources.one("gcp:serviceaccount/account:Account");
    const email = `${String(account.inputs.accountId)}@acme-prod.iam.gserviceaccount.com`;
    assert.deepEqual(
      resources.ofType("gcp:projects/iAMMember:IAMMember").map((m) => [m.inputs.role, m.inputs.member]),
      GKE_NODE_ROLES.map((role) => [role, `serviceAccount:${email}`]),
    );

    // A managed pool replaces the default one.
    const pool = resources.one("gcp:container/nodePool:NodePool");
    const nodeConfig = pool.inputs.nodeConfig as Record<string, unknown>;
    assert.equal(nodeConfig.serviceAccount, email);
    assert.deepEqual(nodeConfig.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true });
    assert.deepEqual(nodeConfig.workloadMetadataConfig, { mode: "GKE_METADATA" });
    assert.equal(nodeConfig.machineType, "e2-standard-4");
    assert.equal(nodeConfig.diskSizeGb, 50);
    assert.deepEqual(pool.inputs.autoscaling, { minNodeCount: 1, maxNodeCount: 3, locationPolicy: "BALANCED" });
    assert.deepEqual(pool.inputs.management, { autoRepair: true, autoUpgrade: true });

    // Private nodes get egress through Cloud NAT in a new VPC.
    const subnet = resources.one("gcp:compute/subnetwork:Subnetwork");
    assert.equal(subnet.inputs.privateIpGoogleAccess, true);
    assert.deepEqual(subnet.inputs.secondaryIpRanges, [
      { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
    ]);
    assert.equal(resources.ofType("gcp:compute/routerNat:RouterNat").length, 1);
  });

  it("runs Autopilot when asked, with the dedicated service account and no node pools", async () => {
    const { resources } = await runUnderMocks(make({ autopilot: true, releaseChannel: "STABLE" }), gcpMocks);
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.equal(cluster.inputs.enableAutopilot, true);
    assert.equal(cluster.inputs.removeDefaultNodePool, undefined);
    assert.equal(cluster.inputs.nodeConfig, undefined);
    assert.deepEqual(cluster.ignoreChanges, []);
    assert.deepEqual(cluster.inputs.binaryAuthorization, { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
    assert.deepEqual(cluster.inputs.releaseChannel, { channel: "STABLE" });
    const defaults = (cluster.inputs.clusterAutoscaling as { autoProvisioningDefaults: { serviceAccount: string } }).autoProvisioningDefaults;
    assert.match(defaults.serviceAccount, /@acme-prod\.iam\.gserviceaccount\.com$/);
    assert.equal(resources.ofType("gcp:container/nodePool:NodePool").length, 0);
  });

  it("lets GKE maintain only in a weekend-night window and holds the minor with a NO_MINOR_UPGRADES exclusion until end of support", async () => {
    const { result, resources } = await runUnderMocks(async () => valueOf(make()().runningKubernetesVersion), gcpMocks);
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.deepEqual(cluster.inputs.maintenancePolicy, {
      recurringWindow: { recurrence: "FREQ=WEEKLY;BYDAY=SA,SU", startTime: "2025-01-01T00:00:00Z", endTime: "2025-01-01T08:00:00Z" },
      maintenanceExclusions: [{ exclusionName: "goplatform-hold-minor", startTime: "2025-01-01T00:00:00Z", exclusionOptions: { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" } }],
    });
    // The minor GKE reports, next to the one asked for.
    assert.equal(result, "1.34");
  });

  it("takes a maintenance window across midnight in canonical day order, and lets the channel move the minor with holdMinorVersion: false", async () => {
    const { resources } = await runUnderMocks(make({ maintenanceWindow: { days: ["SU", "WE"], startHour: 22, hours: 6 }, holdMinorVersion: false }), gcpMocks);
    assert.deepEqual(resources.one("gcp:container/cluster:Cluster").inputs.maintenancePolicy, {
      recurringWindow: { recurrence: "FREQ=WEEKLY;BYDAY=WE,SU", startTime: "2025-01-01T22:00:00Z", endTime: "2025-01-02T04:00:00Z" },
      maintenanceExclusions: [],
    });
  });

  it("gives Autopilot the same maintenance policy", async () => {
    const { resources } = await runUnderMocks(make({ autopilot: true }), gcpMocks);
    const policy = resources.one("gcp:container/cluster:Cluster").inputs.maintenancePolicy as { maintenanceExclusions: { exclusionOptions: unknown }[] };
    assert.deepEqual(policy.maintenanceExclusions[0]?.exclusionOptions, { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" });
  });

  it("encrypts Secrets with a new rotating Cloud KMS key in the region, retained, that the GKE service agent may use before the cluster exists", async () => {
    const { result, resources } = await runUnderMocks(async () => valueOf(make({ secretsEncryption: { mode: "create" } })().secretsEncryptionKey ?? "none"), gcpMocks);
    const ring = resources.one("gcp:kms/keyRing:KeyRing");
    assert.deepEqual([ring.inputs.project, ring.inputs.location, ring.inputs.name], ["acme-prod", "europe-west1", undefined]);
    const key = resources.one("gcp:kms/cryptoKey:CryptoKey");
    assert.equal(key.inputs.keyRing, "prod-secrets-id");
    assert.equal(key.inputs.purpose, "ENCRYPT_DECRYPT");
    assert.equal(key.inputs.rotationPeriod, "7776000s");
    for (const r of [ring, key]) {
      assert.equal(r.retainOnDelete, true, r.type);
      assert.equal(r.protect, true, r.type);
    }
    const grant = resources.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    assert.deepEqual([grant.inputs.cryptoKeyId, grant.inputs.role, grant.inputs.member], ["prod-secrets-id", "roles/cloudkms.cryptoKeyEncrypterDecrypter", "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com"]);
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.deepEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: "prod-secrets-id" });
    assert.ok(cluster.dependsOn.includes(grant.urn));
    assert.equal(result, "prod-secrets-id");
  });

  it("creates the key by default too", async () => {
    const { resources } = await runUnderMocks(make(), gcpMocks);
    assert.deepEqual(resources.one("gcp:container/cluster:Cluster").inputs.databaseEncryption, { state: "ENCRYPTED", keyName: "prod-secrets-id" });
    resources.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
  });

  it("encrypts Secrets with the caller's key with mode \"key\", creating no key or grant, and not at all with mode \"off\"", async () => {
    const keyId = "projects/acme-sec/locations/europe-west1/keyRings/gke/cryptoKeys/prod-secrets";
    const own = await runUnderMocks(async () => valueOf(make({ secretsEncryption: { mode: "key", keyName: keyId } })().secretsEncryptionKey ?? "none"), gcpMocks);
    assert.deepEqual(own.resources.one("gcp:container/cluster:Cluster").inputs.databaseEncryption, { state: "ENCRYPTED", keyName: keyId });
    assert.equal(own.result, keyId);
    const none = await runUnderMocks(() => make({ secretsEncryption: { mode: "off" } })().secretsEncryptionKey === undefined, gcpMocks);
    assert.equal(none.result, true);
    assert.deepEqual(none.resources.one("gcp:container/cluster:Cluster").inputs.databaseEncryption, { state: "DECRYPTED" });
    for (const { resources } of [own, none]) {
      assert.equal(resources.ofType("gcp:kms/keyRing:KeyRing").length + resources.ofType("gcp:kms/cryptoKey:CryptoKey").length + resources.ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").length, 0);
    }
  });

  it("gives GKE deletionProtection the same value as Pulumi protect, from args or from resource options", async () => {
    for (const [args, opts, expected] of [
      [{}, {}, true],
      [{}, { protect: false }, false],
      [{ protect: false }, { protect: true }, false],
      [{ protect: true }, { protect: false }, true],
    ] as [GkeClusterArgs, pulumi.ComponentResourceOptions, boolean][]) {
      const { resources } = await runUnderMocks(() => new GkeCluster("prod", args, opts), gcpMocks);
      const cluster = resources.one("gcp:container/cluster:Cluster");
      assert.equal(cluster.inputs.deletionProtection, expected, JSON.stringify([args, opts]));
      assert.equal(cluster.protect, expected, JSON.stringify([args, opts]));
    }
  });

  it("opens a public endpoint only to the listed CIDRs", async () => {
    const { resources } = await runUnderMocks(make({ publicEndpoint: { allowedCidrs: ["198.51.100.0/24"] } }), gcpMocks);
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.deepEqual(cluster.inputs.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: false });
    assert.deepEqual(cluster.inputs.masterAuthorizedNetworksConfig, { cidrBlocks: [{ cidrBlock: "198.51.100.0/24", displayName: "allowed 198.51.100.0/24" }], gcpPublicCidrsAccessEnabled: false });
  });

  it("exposes a secret kubeconfig for gke-gcloud-auth-plugin on the IAM-authorized DNS endpoint, and a provider wired to it", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const cluster = make()();
      // In-cluster components build their provider from the cluster data.
      assert.ok(connect(cluster).provider);
      return {
        secret: await pulumi.isSecret(cluster.kubeconfig),
        kubeconfig: await valueOf(cluster.kubeconfig),
        issuer: await valueOf(cluster.oidcIssuerUrl),
        dnsEndpoint: await valueOf(cluster.dnsEndpoint),
        endpoint: await valueOf(cluster.endpoint),
      };
    }, gcpMocks);
    // Open to callers outside the VPC (the deployer), behind IAM; the IP endpoint stays private.
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.deepEqual(cluster.inputs.controlPlaneEndpointsConfig, { dnsEndpointConfig: { allowExternalTraffic: true } });
    assert.deepEqual(cluster.inputs.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: true });
    assert.equal(result.secret, true);
    const kubeconfig = parse(result.kubeconfig) as Kubeconfig;
    assert.equal(kubeconfig["current-context"], "gke_acme-prod_europe-west1_prod");
    assert.equal(kubeconfig.clusters[0]?.cluster.server, "https://gke-0a1b2c3d4e5f-123456789012.europe-west1.gke.goog");
    // Publicly trusted certificate on the DNS endpoint: no cluster CA pinned (as gcloud writes it).
    assert.deepEqual(Object.keys(kubeconfig.clusters[0].cluster), ["server"]);
    assert.equal(kubeconfig.users[0]?.user.exec.command, "gke-gcloud-auth-plugin");
    assert.equal(resources.one("pulumi:providers:kubernetes").inputs.kubeconfig, result.kubeconfig);
    assert.equal(result.issuer, "https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/prod");
    assert.equal(result.dnsEndpoint, "gke-0a1b2c3d4e5f-123456789012.europe-west1.gke.goog");
    assert.equal(result.endpoint, "10.10.0.2");
  });

  it("with dnsEndpoint: false, closes the DNS endpoint to outside traffic and points the kubeconfig at the private IP with the cluster CA", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const cluster = make({ dnsEndpoint: false })();
      assert.ok(connect(cluster).provider);
      return valueOf(cluster.kubeconfig);
    }, gcpMocks);
    const cluster = resources.one("gcp:container/cluster:Cluster");
    assert.deepEqual(cluster.inputs.controlPlaneEndpointsConfig, { dnsEndpointConfig: { allowExternalTraffic: false } });
    assert.deepEqual(cluster.inputs.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: true });
    const kubeconfig = parse(result) as Kubeconfig;
    assert.deepEqual(kubeconfig.clusters[0]?.cluster, { server: "https://10.10.0.2", "certificate-authority-data": "R0tFLUNB" });
    assert.equal(resources.one("pulumi:providers:kubernetes").inputs.kubeconfig, result);
  });

  it("outputs the cluster data in-cluster components take: cloud, project, region, workload pool, labels, a secret kubeconfig, the OIDC issuer", async () => {
    const { result } = await runUnderMocks(async () => {
      const gke = make({ labels: { team: "platform" } })();
      return { ...(await resolveClusterData(gke.cluster)), own: await valueOf(gke.kubeconfig) };
    }, gcpMocks);
    assert.deepEqual([result.cloud, result.name, result.kubernetesVersion, result.secretKubeconfig], ["gcp", "prod", "1.36", true]);
    assert.equal(result.kubeconfig, result.own);
    assert.equal(result.oidcIssuerUrl, "https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/prod");
    assert.deepEqual(result.gcp, { project: "acme-prod", region: "europe-west1", workloadPool: "acme-prod.svc.id.goog", labels: { team: "platform", "goplatform-cluster": "prod" } });
    assert.deepEqual([result.aws, result.azure], [undefined, undefined]);
  });

  it("binds a ServiceAccount with Workload Identity and bucket- and repository-scoped grants", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const cluster = connect(make()());
      const bucket = cluster.createBucket("thanos", {});
      const bound = cluster.bindServiceAccount("thanos-store", {
        namespace: "monitoring",
        serviceAccountName: "thanos-store",
        permissions: [
          { kind: "bucket", bucket, access: "read" },
          { kind: "registryPush", repository: "projects/acme-prod/locations/europe-west1/repositories/apps" },
        ],
      });
      return { identity: await valueOf(bound.cloudIdentity) };
    }, gcpMocks);
    const account = resources.ofType("gcp:serviceaccount/account:Account").find((a) => a.name === "thanos-store");
    assert.ok(account);
    assert.match(String(account.inputs.accountId), /^wi-thanos-store-[0-9a-f]{6}$/);
    const email = `${String(account.inputs.accountId)}@acme-prod.iam.gserviceaccount.com`;
    assert.equal(result.identity, email);
    assert.equal(account.parent, resources.one("test:index:Caller").urn);

    const wi = resources.one("gcp:serviceaccount/iAMMember:IAMMember");
    assert.equal(wi.inputs.role, "roles/iam.workloadIdentityUser");
    assert.equal(wi.inputs.member, "serviceAccount:acme-prod.svc.id.goog[monitoring/thanos-store]");
    assert.equal(wi.inputs.serviceAccountId, `projects/acme-prod/serviceAccounts/${String(account.inputs.accountId)}`);

    const bucketGrant = resources.one("gcp:storage/bucketIAMMember:BucketIAMMember");
    assert.deepEqual([bucketGrant.inputs.bucket, bucketGrant.inputs.role, bucketGrant.inputs.member], ["thanos-5f3e", "roles/storage.objectViewer", `serviceAccount:${email}`]);
    const repoGrant = resources.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
    assert.deepEqual([repoGrant.inputs.project, repoGrant.inputs.location, repoGrant.inputs.repository, repoGrant.inputs.role], ["acme-prod", "europe-west1", "apps", "roles/artifactregistry.writer"]);
    // No project-wide grant for the workload.
    assert.ok(resources.ofType("gcp:projects/iAMMember:IAMMember").every((m) => !String(m.inputs.member).includes("wi-")));

    const sa = resources.one("kubernetes:core/v1:ServiceAccount");
    assert.deepEqual(sa.inputs.metadata, { name: "thanos-store", namespace: "monitoring", annotations: { "iam.gke.io/gcp-service-account": email } });
    assert.match(String(sa.provider), /pulumi:providers:kubernetes::x-cluster::/);
    assert.equal(sa.parent, resources.one("test:index:Caller").urn);
  });

  it("binds an existing ServiceAccount: the same Google service account and grants, no ServiceAccount, the gcp-service-account annotation returned", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const cluster = connect(make()());
      const bound = cluster.bindExistingServiceAccount("tekton-chains", {
        namespace: "tekton-chains",
        serviceAccountName: "tekton-chains-controller",
        permissions: [{ kind: "registryPush", repository: "projects/acme-prod/locations/europe-west1/repositories/platform" }],
      });
      return { annotations: await valueOf(pulumi.all(bound.annotations)), labels: bound.podLabels, identity: await valueOf(bound.cloudIdentity) };
    }, gcpMocks);
    const account = resources.ofType("gcp:serviceaccount/account:Account").find((a) => a.name === "tekton-chains");
    assert.ok(account);
    const email = `${String(account.inputs.accountId)}@acme-prod.iam.gserviceaccount.com`;
    assert.deepEqual(result, { annotations: { "iam.gke.io/gcp-service-account": email }, labels: {}, identity: email });
    assert.equal(resources.one("gcp:serviceaccount/iAMMember:IAMMember").inputs.member, "serviceAccount:acme-prod.svc.id.goog[tekton-chains/tekton-chains-controller]");
    const repoGrant = resources.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
    assert.deepEqual(
      [repoGrant.inputs.project, repoGrant.inputs.location, repoGrant.inputs.repository, repoGrant.inputs.role, repoGrant.inputs.member],
      ["acme-prod", "europe-west1", "platform", "roles/artifactregistry.writer", `serviceAccount:${email}`],
    );
    assert.equal(resources.ofType("kubernetes:core/v1:ServiceAccount").length, 0);
  });

  it("gives service accounts of two clusters in one project different ids, even for the same binding name or names cut alike", async () => {
    const ids = async (clusterName: string, region = "europe-west1") => {
      const { resources } = await runUnderMocks(() => {
        const gke = new GkeCluster("prod", { clusterName, region });
        connect(gke, gke).bindServiceAccount("thanos-store", { namespace: "monitoring", serviceAccountName: "thanos-store" });
      }, gcpMocks);
      const accounts = resources.ofType("gcp:serviceaccount/account:Account");
      const id = (name: string) => String(accounts.find((a) => a.name === name)?.inputs.accountId);
      return { nodes: id("prod-nodes"), workload: id("thanos-store") };
    };
    // Both names cut to the same 23 characters ("platform-production-eas").
    const [a, b, c] = [await ids("platform-production-east-a"), await ids("platform-production-east-b"), await ids("platform-production-east-a", "europe-west4")];
    for (const x of [a, b, c]) {
      assert.match(x.nodes, /^platform-production-eas-[0-9a-f]{6}$/);
      assert.match(x.workload, /^wi-thanos-store-[0-9a-f]{6}$/);
    }
    assert.equal(new Set([a.nodes, b.nodes, c.nodes]).size, 3);
    assert.equal(new Set([a.workload, b.workload, c.workload]).size, 3);
  });

  it("gives a registryRead binding Artifact Registry reader on that repository, never writer", async () => {
    const { resources } = await runUnderMocks(() => {
      connect(make()()).bindServiceAccount("verifier", {
        namespace: "ns",
        serviceAccountName: "verifier",
        permissions: [{ kind: "registryRead", repository: "projects/acme-prod/locations/europe-west1/repositories/signatures" }],
      });
    }, gcpMocks);
    const grants = resources.ofType("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
    assert.deepEqual(
      grants.map((g) => [g.inputs.project, g.inputs.location, g.inputs.repository, g.inputs.role]),
      [["acme-prod", "europe-west1", "signatures", "roles/artifactregistry.reader"]],
    );
  });

  it("gives readWrite bucket access as objectUser on that bucket", async () => {
    const { resources } = await runUnderMocks(() => {
      const cluster = connect(make()());
      const bucket = cluster.createBucket("b", {});
      cluster.bindServiceAccount("w", { namespace: "ns", serviceAccountName: "w", permissions: [{ kind: "bucket", bucket, access: "readWrite" }] });
    }, gcpMocks);
    assert.equal(resources.one("gcp:storage/bucketIAMMember:BucketIAMMember").inputs.role, "roles/storage.objectUser");
  });

  it("creates a versioned bucket with public access prevention, retained on delete", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const bucket = connect(make({ labels: { team: "platform" } })()).createBucket("thanos", { noncurrentVersionDays: 10 });
      return { store: await valueOf(bucket.thanosObjectStore), resourceId: await valueOf(bucket.resourceId ?? ""), cloud: bucket.cloud };
    }, gcpMocks);
    const bucket = resources.one("gcp:storage/bucket:Bucket");
    assert.equal(bucket.inputs.location, "EUROPE-WEST1");
    assert.equal(bucket.inputs.uniformBucketLevelAccess, true);
    assert.equal(bucket.inputs.publicAccessPrevention, "enforced");
    assert.deepEqual(bucket.inputs.versioning, { enabled: true });
    assert.deepEqual(bucket.inputs.lifecycleRules, [{ condition: { daysSinceNoncurrentTime: 10, withState: "ARCHIVED" }, action: { type: "Delete" } }]);
    assert.equal(bucket.inputs.forceDestroy, false);
    assert.equal(bucket.retainOnDelete, true);
    assert.equal(bucket.inputs.project, "acme-prod");
    assert.deepEqual(bucket.inputs.labels, { team: "platform", "goplatform-cluster": "prod" });
    assert.equal(bucket.parent, resources.one("test:index:Caller").urn);
    assert.deepEqual(JSON.parse(result.store), { type: "GCS", config: { bucket: "thanos-5f3e" } });
    assert.deepEqual([result.cloud, result.resourceId], ["gcp", "thanos-5f3e"]);
  });

  const bad: [string, GkeClusterArgs, RegExp][] = [
    ["unknown Kubernetes version", { kubernetesVersion: "1.99" }, /^GkeCluster: invalid kubernetesVersion "1\.99"; goplatform's table \(from 2026-12-02\) lists no GKE support for 1\.99; expected a Kubernetes minor in GKE standard support on 2026-12-02: 1\.36, 1\.35$/],
    [
      "Kubernetes version past standard support outside the Extended channel",
      { kubernetesVersion: "1.34", releaseChannel: "STABLE" },
      /^GkeCluster: invalid kubernetesVersion "1\.34"; GKE standard support for 1\.34 ended 2026-10-01; .* with releaseChannel "EXTENDED"/,
    ],
    ["a zone instead of a region", { region: "europe-west1-b" }, /^GkeCluster: invalid region "europe-west1-b"; expected a GCP region/],
    ["empty name", { clusterName: "" }, /^GkeCluster: invalid clusterName ""/],
    ["bad pod CIDR", { podCidr: "10.16.0.0" }, /^GkeCluster: invalid podCidr "10\.16\.0\.0"; expected an IPv4 CIDR block/],
    ["0.0.0.0/0 without saying so", { publicEndpoint: { allowedCidrs: ["0.0.0.0/0"] } }, /^GkeCluster: invalid publicEndpoint\.allowedCidrs "0\.0\.0\.0\/0"/],
    ["two /1 halves without saying so", { publicEndpoint: { allowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } }, /^GkeCluster: invalid publicEndpoint\.allowedCidrs "0\.0\.0\.0\/1"; a block shorter than \/8/],
    ["a node CIDR with host bits set", { nodeCidr: "10.10.0.1/20" }, /^GkeCluster: invalid nodeCidr "10\.10\.0\.1\/20"; expected a CIDR block written with its network address/],
    ["minSize > maxSize", { nodePools: [{ name: "a", minSize: 4, maxSize: 2 }] }, /^GkeCluster: invalid nodePools\[0\]\.minSize 4; expected minSize at most maxSize \(2\)$/],
    ["node count 0", { nodePools: [{ name: "a", minSize: 1, maxSize: 0 }] }, /^GkeCluster: invalid nodePools\[0\]\.maxSize 0; expected an integer at least 1/],
    ["node pools with Autopilot", { autopilot: true, nodePools: [{ name: "a", minSize: 1, maxSize: 2 }] }, /^GkeCluster: invalid nodePools \["a"\]; Autopilot manages the nodes/],
    ["unknown release channel", { releaseChannel: "NIGHTLY" as "RAPID" }, /^GkeCluster: invalid releaseChannel "NIGHTLY"/],
    ["a maintenance window on no day", { maintenanceWindow: { days: [], startHour: 0, hours: 8 } }, /^GkeCluster: invalid maintenanceWindow\.days \[\]; expected distinct days among MO, TU, WE, TH, FR, SA, SU$/],
    ["a maintenance window on an unknown day", { maintenanceWindow: { days: ["SAT" as "SA"], startHour: 0, hours: 8 } }, /^GkeCluster: invalid maintenanceWindow\.days \["SAT"\]; expected distinct days/],
    ["a maintenance window day twice", { maintenanceWindow: { days: ["SA", "SA"], startHour: 0, hours: 8 } }, /^GkeCluster: invalid maintenanceWindow\.days \["SA","SA"\]/],
    ["a maintenance window starting at hour 24", { maintenanceWindow: { days: ["SA", "SU"], startHour: 24, hours: 8 } }, /^GkeCluster: invalid maintenanceWindow\.startHour 24; expected an integer at least 0 and at most 23$/],
    ["a maintenance window shorter than four hours", { maintenanceWindow: { days: ["MO", "TU", "WE", "TH", "FR"], startHour: 1, hours: 3 } }, /^GkeCluster: invalid maintenanceWindow\.hours 3; expected an integer at least 4 and at most 24$/],
    ["a maintenance window under 12 hours a week", { maintenanceWindow: { days: ["SA", "SU"], startHour: 0, hours: 5 } }, /^GkeCluster: invalid maintenanceWindow \{"days":\["SA","SU"\],"startHour":0,"hours":5\}; expected at least 12 hours a week/],
    ["a holdMinorVersion that is not a boolean", { holdMinorVersion: "no" as unknown as boolean }, /^GkeCluster: invalid holdMinorVersion "no"; expected true or false$/],
    ["a secrets key that is not a key id", { secretsEncryption: { mode: "key", keyName: "prod-secrets" } }, /^GkeCluster: invalid secretsEncryption\.keyName "prod-secrets"; mode "key" needs a Cloud KMS key id projects\/<project>\/locations\/<region>\/keyRings\/<ring>\/cryptoKeys\/<key>$/],
    ["a secrets key in another region", { secretsEncryption: { mode: "key", keyName: "projects/acme-sec/locations/us-east1/keyRings/gke/cryptoKeys/k" } }, /^GkeCluster: invalid secretsEncryption\.keyName "projects\/acme-sec\/locations\/us-east1\/keyRings\/gke\/cryptoKeys\/k"; expected a key in the cluster's region europe-west1/],
    ["secrets mode \"key\" without a key", { secretsEncryption: { mode: "key" } }, /^GkeCluster: invalid secretsEncryption\.keyName undefined; mode "key" needs a Cloud KMS key id/],
    ["a key name with secrets mode \"create\"", { secretsEncryption: { mode: "create", keyName: "projects/acme-sec/locations/europe-west1/keyRings/gke/cryptoKeys/k" } }, /^GkeCluster: invalid secretsEncryption\.keyName "projects\/acme-sec\/locations\/europe-west1\/keyRings\/gke\/cryptoKeys\/k"; only mode "key" takes a keyName \(mode "create" makes a new key\)$/],
    ["a key name with secrets mode \"off\"", { secretsEncryption: { mode: "off", keyName: "k" } }, /^GkeCluster: invalid secretsEncryption\.keyName "k"; only mode "key" takes a keyName \(mode "off" uses no key\)$/],
    ["an unknown secrets mode", { secretsEncryption: { mode: "true" as "off" } }, /^GkeCluster: invalid secretsEncryption\.mode "true"; expected one of create, key, off$/],
    ["secretsEncryption: false (the old shape)", { secretsEncryption: false as unknown as { mode: "off" } }, /^GkeCluster: invalid secretsEncryption false; expected \{ mode: "create" \| "key" \| "off", keyName\? \}$/],
    ["a dnsEndpoint that is not a boolean", { dnsEndpoint: "yes" as unknown as boolean }, /^GkeCluster: invalid dnsEndpoint "yes"; expected true or false$/],
  ];
  it("keeps a minor past standard support only in the Extended channel", async () => {
    const { resources } = await runUnderMocks(make({ kubernetesVersion: "1.34", releaseChannel: "EXTENDED" }), gcpMocks);
    const cluster = resources.one("gcp:container/cluster:Cluster").inputs;
    assert.deepEqual([cluster.minMasterVersion, cluster.releaseChannel], ["1.34", { channel: "EXTENDED" }]);
  });

  for (const [what, args, message] of bad) {
    it(`refuses ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(make(args), gcpMocks);
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("refuses a malformed repository id before creating the binding's resources", async () => {
    const { error, resources } = await failureUnderMocks(() => {
      connect(make()()).bindServiceAccount("wl", { namespace: "ns", serviceAccountName: "wl", permissions: [{ kind: "registryPush", repository: "europe-west1-docker.pkg.dev/acme/apps" }] });
    }, gcpMocks);
    assert.equal(error.name, "ArgumentError");
    assert.match(error.message, /^Test: invalid permissions\[0\]\.repository "europe-west1-docker\.pkg\.dev\/acme\/apps"/);
    assert.ok(!resources.all.some((r) => r.name.startsWith("wl")), resources.all.map((r) => r.name).join(", "));
  });

  it("refuses a bucket from another cloud", async () => {
    const { error } = await failureUnderMocks(() => {
      const foreign: ObjectBucket = { cloud: "aws", bucketName: "b", resourceId: "arn:aws:s3:::b", thanosObjectStore: "{}" };
      connect(make()()).bindServiceAccount("wl", { namespace: "ns", serviceAccountName: "wl", permissions: [{ kind: "bucket", bucket: foreign, access: "read" }] });
    }, gcpMocks);
    assert.equal(error.name, "ArgumentError");
    assert.match(error.message, /^Test: invalid permissions\[0\]\.bucket "aws"; expected a bucket made by this cluster's createBucket/);
  });
});

describe("GkeCluster argument checks (issue 18)", function () {
  this.timeout(120_000);
  const NETWORK = { network: "projects/acme-prod/global/networks/shared", subnetwork: "projects/acme-prod/regions/europe-west1/subnetworks/gke", podRangeName: "pods", serviceRangeName: "services" };
  const DISJOINT = "node, pod and service ranges must be disjoint";
  const refused: [string, GkeClusterArgs, string][] = [
    ["a pod range that overlaps the default node range (kind 1)", { podCidr: "10.10.0.0/16" }, `GkeCluster: invalid podCidr "10.10.0.0/16"; expected a range that does not overlap nodeCidr 10.10.0.0/20 (its default); ${DISJOINT}`],
    ["a node range that overlaps the default pod range (kind 1)", { nodeCidr: "10.17.0.0/20" }, `GkeCluster: invalid nodeCidr "10.17.0.0/20"; expected a range that does not overlap podCidr 10.16.0.0/14 (its default); ${DISJOINT}`],
    ["a service range inside the pod range (kind 1)", { podCidr: "10.16.0.0/12", serviceCidr: "10.20.0.0/20" }, `GkeCluster: invalid serviceCidr "10.20.0.0/20"; expected a range that does not overlap podCidr 10.16.0.0/12; ${DISJOINT}`],
    ["a pod range equal to the node range (kind 1)", { nodeCidr: "10.100.0.0/16", podCidr: "10.100.0.0/16" }, `GkeCluster: invalid podCidr "10.100.0.0/16"; expected a range that does not overlap nodeCidr 10.100.0.0/16; ${DISJOINT}`],
    ["a nodeCidr next to an existing network, which would ignore it (kind 4)", { existingNetwork: NETWORK, nodeCidr: "10.30.0.0/20" }, `GkeCluster: invalid nodeCidr "10.30.0.0/20"; only the new subnet takes it; with existingNetwork the subnet's own ranges are used`],
    [
      "an existing subnetwork of another region (kind 4)",
      { existingNetwork: { ...NETWORK, subnetwork: "projects/acme-prod/regions/us-central1/subnetworks/gke" } },
      `GkeCluster: invalid existingNetwork.subnetwork "projects/acme-prod/regions/us-central1/subnetworks/gke"; expected a subnetwork in the cluster's region europe-west1 (region), not us-central1`,
    ],
    [
      "one secondary range for pods and services (kind 4)",
      { existingNetwork: { ...NETWORK, serviceRangeName: "pods" } },
      `GkeCluster: invalid existingNetwork.serviceRangeName "pods"; expected a range other than existingNetwork.podRangeName: pods and services need ranges of their own`,
    ],
    [
      "a secondary range name GCP would refuse (kind 5)",
      { existingNetwork: { ...NETWORK, podRangeName: "Pods_Range" } },
      `GkeCluster: invalid existingNetwork.podRangeName "Pods_Range"; expected the name of one of the subnetwork's secondary ranges: 1-63 lowercase letters, digits and '-', starting with a letter`,
    ],
    ["autopilot \"true\" as a string (kind 2)", { autopilot: "true" as unknown as boolean }, `GkeCluster: invalid autopilot "true"; expected true or false`],
    ["spot \"true\" as a string (kind 2)", { nodePools: [{ name: "a", minSize: 1, maxSize: 2, spot: "true" as unknown as boolean }] }, `GkeCluster: invalid nodePools[0].spot "true"; expected true or false`],
    ["node pools given as an object (kind 2)", { nodePools: { name: "a" } as unknown as GkeClusterArgs["nodePools"] }, `GkeCluster: invalid nodePools {"name":"a"}; expected a list of node pools`],
    [
      "an allow-list given as one string (kind 2)",
      { publicEndpoint: { allowedCidrs: "203.0.113.0/24" as unknown as string[] } },
      `GkeCluster: invalid publicEndpoint.allowedCidrs "203.0.113.0/24"; expected a list of CIDR blocks, e.g. ["203.0.113.0/24"]`,
    ],
    ["a GCP label key with capitals (kind 5)", { labels: { Team: "platform" } }, `GkeCluster: invalid labels "Team"; expected a GCP label key: 1-63 lowercase letters, digits, '_' and '-', starting with a letter`],
    ["a GCP label value with a space (kind 5)", { labels: { team: "Platform Team" } }, `GkeCluster: invalid labels["team"] "Platform Team"; expected a GCP label value: at most 63 lowercase letters, digits, '_' and '-'`],
    ["a GCP label the component sets itself (kind 4)", { labels: { "goplatform-cluster": "other" } }, `GkeCluster: invalid labels "goplatform-cluster"; goplatform-cluster is set by the component; use another key`],
    [
      "a node label value with a '/' (kind 5)",
      { nodePools: [{ name: "a", minSize: 1, maxSize: 2, labels: { module: "github.com/acme/app" } }] },
      `GkeCluster: invalid nodePools[0].labels["module"] "github.com/acme/app"; expected a Kubernetes label value: at most 63 characters, letters, digits, '-', '_' and '.', alphanumeric at both ends (or empty)`,
    ],
  ];
  for (const [what, args, message] of refused) {
    it(`refuses ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(make(args), gcpMocks);
      assert.equal(error.name, "ArgumentError");
      assert.equal(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("takes disjoint ranges of its own, and an existing network without ranges", async () => {
    const { resources } = await runUnderMocks(make({ nodeCidr: "192.168.0.0/20", podCidr: "10.16.0.0/14", serviceCidr: "10.20.0.0/20", labels: { team: "platform", "cost_center": "" } }), gcpMocks);
    const subnet = resources.one("gcp:compute/subnetwork:Subnetwork");
    assert.equal(subnet.inputs.ipCidrRange, "192.168.0.0/20");
    const { resources: existing } = await runUnderMocks(make({ existingNetwork: NETWORK }), gcpMocks);
    assert.equal(existing.ofType("gcp:compute/subnetwork:Subnetwork").length, 0);
  });
});
