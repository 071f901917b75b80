import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { AksCluster, azureCliKubeconfig, type AksClusterArgs, type ObjectBucket } from "../../../components";
import { connectAsCaller, resolveClusterData } from "../../harness/fake-clusters";
import { AKS_ISSUER as ISSUER, AZURE_DEPLOYER as DEPLOYER, AZURE_SUBSCRIPTION as SUBSCRIPTION, azureMocks } from "../../harness/cloud-mocks";
import { AZURE_ROLES } from "../../../components/cluster/clouds/azure";
import { accessTarget, checkAccess, readReview, waitForAccess, type AccessAnswer, type AccessClient, type HttpAnswer } from "../../../components/cluster/aks-access";
import { failureUnderMocks, runUnderMocks, unhandledUnderMocks, valueOf, type MockOptions, type RecordedResource } from "../../harness/mocks";
import { AKS_SERVER_ID, AKS_USER_KUBECONFIG } from "../../harness/aks-answers";

// Judged on a fixed day, so the computed default minor (1.36 on 2026-12-02) does not move under the tests.
const make = (args: Partial<AksClusterArgs> = {}) => () => new AksCluster("prod", { location: "westeurope", asOf: "2026-12-02", ...args });
/** The cluster as an in-cluster component sees it: connected from its `cluster` data, for `parent`. */
const connect = (aks: AksCluster, parent?: pulumi.Resource) => connectAsCaller(aks.cluster, parent);
/** A cluster an in-cluster component has connected to and asked for the provider of. */
const used = (args: Partial<AksClusterArgs> = {}) => () => {
  const cluster = make(args)();
  return { cluster, provider: connect(cluster).provider };
};

function named(resources: readonly RecordedResource[], name: string): RecordedResource {
  const found = resources.find((r) => r.name === name);
  assert.ok(found, `no ${name} among ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

describe("AksCluster", function () {
  this.timeout(120_000);

  it("creates a cluster with workload identity, CNI overlay, Entra ID RBAC, no local accounts, auto-upgrade and Azure Policy", async () => {
    const { resources } = await runUnderMocks(make(), azureMocks);
    const cluster = resources.one("azure-native:containerservice:ManagedCluster");
    const i = cluster.inputs;
    assert.equal(i.kubernetesVersion, "1.36");
    assert.deepEqual([i.sku, i.supportPlan], [{ name: "Base", tier: "Standard" }, "KubernetesOfficial"]);
    assert.deepEqual(i.oidcIssuerProfile, { enabled: true });
    assert.deepEqual((i.securityProfile as { workloadIdentity: unknown }).workloadIdentity, { enabled: true });
    const network = i.networkProfile as Record<string, unknown>;
    assert.deepEqual([network.networkPlugin, network.networkPluginMode, network.networkPolicy, network.networkDataplane], ["azure", "overlay", "cilium", "cilium"]);
    assert.equal(network.dnsServiceIP, "10.0.0.10");
    assert.deepEqual(i.aadProfile, { managed: true, enableAzureRBAC: true });
    assert.equal(i.disableLocalAccounts, true);
    assert.deepEqual(i.autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
    assert.deepEqual(i.addonProfiles, { azurepolicy: { enabled: true } });
    assert.deepEqual(i.apiServerAccessProfile, { enablePrivateCluster: true });
    assert.equal(cluster.protect, true);
    assert.equal(resources.one("goplatform:index:AksCluster").protect, true);

    // A system pool for critical add-ons, and a user pool for workloads.
    const system = (i.agentPoolProfiles as Record<string, unknown>[])[0];
    assert.ok(system);
    assert.deepEqual([system.name, system.mode, system.minCount, system.maxCount, system.enableAutoScaling, system.osDiskSizeGB], ["system", "System", 2, 5, true, 50]);
    assert.deepEqual(system.nodeTaints, ["CriticalAddonsOnly=true:NoSchedule"]);
    assert.deepEqual(system.availabilityZones, ["1", "2", "3"]);
    const user = resources.one("azure-native:containerservice:AgentPool");
    assert.deepEqual([user.inputs.agentPoolName, user.inputs.mode, user.inputs.minCount, user.inputs.maxCount, user.inputs.resourceName], ["apps", "User", 1, 10, "prod"]);
    assert.equal(user.inputs.enableNodePublicIP, false);
  });

  it("opens a public API server only to the listed CIDRs", async () => {
    const { resources } = await runUnderMocks(make({ publicEndpoint: { allowedCidrs: ["192.0.2.0/24"] }, upgradeChannel: "node-image" }), azureMocks);
    const cluster = resources.one("azure-native:containerservice:ManagedCluster");
    assert.deepEqual(cluster.inputs.apiServerAccessProfile, { enablePrivateCluster: false, authorizedIPRanges: ["192.0.2.0/24"] });
    assert.deepEqual(cluster.inputs.autoUpgradeProfile, { upgradeChannel: "node-image", nodeOSUpgradeChannel: "NodeImage" });
  });

  it("takes the kubeconfig from the user credentials with kubelogin switched to the Azure CLI login, as a secret, and wires the provider to it", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const { cluster } = used()();
      return { secret: await pulumi.isSecret(cluster.kubeconfig), kubeconfig: await valueOf(cluster.kubeconfig), issuer: await valueOf(cluster.oidcIssuerUrl) };
    }, azureMocks);
    assert.equal(result.secret, true);
    type Kubeconfig = { clusters: { cluster: { server: string } }[]; users: { name: string; user: { exec: { command: string; args: string[]; apiVersion: string } } }[] };
    const kubeconfig = parse(result.kubeconfig) as Kubeconfig;
    const original = parse(AKS_USER_KUBECONFIG) as Kubeconfig;
    // Device code login would wait for a person at a browser in the middle of `pulumi up`.
    assert.deepEqual(kubeconfig.users[0]?.user.exec.args, ["get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID]);
    assert.equal(kubeconfig.users[0].user.exec.command, "kubelogin");
    assert.equal(kubeconfig.users[0].user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
    // Everything else is AKS's kubeconfig unchanged.
    assert.deepEqual({ ...kubeconfig, users: [] }, { ...original, users: [] });
    assert.equal(resources.one("pulumi:providers:kubernetes").inputs.kubeconfig, result.kubeconfig);
    assert.equal(result.issuer, ISSUER);
  });

  it("refuses to rewrite a kubelogin user without a server id, and leaves kubeconfigs without kubelogin users alone", () => {
    assert.throws(() => azureCliKubeconfig(AKS_USER_KUBECONFIG.replace(/- --server-id\n\s+- \S+\n/, "")), /kubelogin arguments carry no --server-id/);
    assert.deepEqual(parse(azureCliKubeconfig("apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: t\n")), { apiVersion: "v1", kind: "Config", users: [{ name: "u", user: { token: "t" } }] });
  });

  it("outputs the cluster data in-cluster components take: cloud, subscription, resource group, location, tags, a secret kubeconfig, the OIDC issuer", async () => {
    const { result } = await runUnderMocks(async () => {
      const aks = make({ tags: { team: "platform" } })();
      return { ...(await resolveClusterData(aks.cluster)), own: await valueOf(aks.kubeconfig) };
    }, azureMocks);
    assert.deepEqual([result.cloud, result.name, result.kubernetesVersion, result.secretKubeconfig], ["azure", "prod", "1.36", true]);
    // The same user kubeconfig, resolved only once the user pools and the deployer's access are there.
    assert.equal(result.kubeconfig, result.own);
    assert.equal(result.oidcIssuerUrl, ISSUER);
    assert.deepEqual(result.azure, { subscriptionId: SUBSCRIPTION, resourceGroupName: "prod-8d2c", location: "westeurope", tags: { team: "platform", "goplatform.dev/cluster": "prod" } });
    assert.deepEqual([result.aws, result.gcp], [undefined, undefined]);
  });

  it("gives the deploying identity Azure RBAC cluster admin on the cluster before the provider is used, unless told not to", async () => {
    const { resources } = await runUnderMocks(used({ deployerPrincipalType: "ServicePrincipal" }), azureMocks);
    const grant = resources.one("azure-native:authorization:RoleAssignment");
    // The cluster's id (the mock gives every resource the id `<name>-id`).
    assert.equal(grant.inputs.scope, "prod-id");
    assert.equal(grant.inputs.roleDefinitionId, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`);
    assert.equal(grant.inputs.principalId, DEPLOYER);
    assert.equal(grant.inputs.principalType, "ServicePrincipal");
    assert.ok(resources.one("pulumi:providers:kubernetes").dependsOn.includes(grant.urn));
    assert.equal(grant.protect, true);

    const { resources: without } = await runUnderMocks(used({ grantDeployerClusterAdmin: false }), azureMocks);
    assert.equal(without.ofType("azure-native:authorization:RoleAssignment").length, 0);
  });

  it("binds a ServiceAccount through a user-assigned identity and a federated credential, with container-scoped roles", async () => {
    const acr = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry`;
    const { result, resources } = await runUnderMocks(async () => {
      const cluster = connect(make()());
      const bucket = cluster.createBucket("thanos", {});
      const bound = cluster.bindServiceAccount("thanos-store", {
        namespace: "monitoring",
        serviceAccountName: "thanos-store",
        permissions: [
          { kind: "bucket", bucket, access: "readWrite" },
          { kind: "registryPush", repository: acr },
        ],
      });
      return { identity: await valueOf(bound.cloudIdentity), podLabels: bound.podLabels, resourceId: await valueOf(bucket.resourceId ?? "") };
    }, azureMocks);
    assert.equal(result.identity, "client-thanos-store");
    assert.deepEqual(result.podLabels, { "azure.workload.identity/use": "true" });
    const identity = resources.one("azure-native:managedidentity:UserAssignedIdentity");
    assert.equal(identity.parent, resources.one("test:index:Caller").urn);
    const federated = resources.one("azure-native:managedidentity:FederatedIdentityCredential");
    assert.equal(federated.inputs.issuer, ISSUER);
    assert.equal(federated.inputs.subject, "system:serviceaccount:monitoring:thanos-store");
    assert.deepEqual(federated.inputs.audiences, ["api://AzureADTokenExchange"]);
    assert.equal(federated.inputs.resourceName, "thanos-store-8d2c");

    const grants = resources.ofType("azure-native:authorization:RoleAssignment").filter((g) => g.name.startsWith("thanos-store-"));
    const container = resources.one("azure-native:storage:BlobContainer");
    // The grant is scoped by the bucket's resourceId: the container's id (the mock gives every resource the id `<name>-id`).
    const containerId = "thanos-id";
    assert.equal(result.resourceId, containerId);
    assert.equal(container.inputs.publicAccess, "None");
    const roles = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/`;
    assert.deepEqual(
      grants.map((g) => [g.inputs.scope, g.inputs.roleDefinitionId, g.inputs.principalId, g.inputs.principalType]).sort((x, y) => String(y[0]).localeCompare(String(x[0]))),
      [
        [containerId, roles + AZURE_ROLES.storageBlobDataContributor, "principal-thanos-store", "ServicePrincipal"],
        [acr, roles + AZURE_ROLES.acrPush, "principal-thanos-store", "ServicePrincipal"],
      ],
    );

    const sa = resources.one("kubernetes:core/v1:ServiceAccount");
    assert.deepEqual(sa.inputs.metadata, { name: "thanos-store", namespace: "monitoring", annotations: { "azure.workload.identity/client-id": "client-thanos-store" } });
    assert.match(String(sa.provider), /pulumi:providers:kubernetes::x-cluster::/);
    assert.equal(sa.parent, resources.one("test:index:Caller").urn);
  });

  it("binds an existing ServiceAccount: the same identity, federation and AcrPush grant, no ServiceAccount, client-id annotation and pod label returned", async () => {
    const acr = `/subscriptions/${SUBSCRIPTION}/resourceGroups/platform/providers/Microsoft.ContainerRegistry/registries/goplatformdev`;
    const { result, resources } = await runUnderMocks(async () => {
      const bound = connect(make()()).bindExistingServiceAccount("tekton-chains", { namespace: "tekton-chains", serviceAccountName: "tekton-chains-controller", permissions: [{ kind: "registryPush", repository: acr }] });
      return { annotations: await valueOf(pulumi.all(bound.annotations)), labels: bound.podLabels, identity: await valueOf(bound.cloudIdentity) };
    }, azureMocks);
    assert.deepEqual(result, {
      annotations: { "azure.workload.identity/client-id": "client-tekton-chains" },
      labels: { "azure.workload.identity/use": "true" },
      identity: "client-tekton-chains",
    });
    assert.equal(resources.one("azure-native:managedidentity:FederatedIdentityCredential").inputs.subject, "system:serviceaccount:tekton-chains:tekton-chains-controller");
    const grants = resources.ofType("azure-native:authorization:RoleAssignment").filter((g) => g.name.startsWith("tekton-chains-"));
    assert.deepEqual(
      grants.map((g) => [g.inputs.scope, g.inputs.roleDefinitionId, g.inputs.principalId]),
      [[acr, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${AZURE_ROLES.acrPush}`, "principal-tekton-chains"]],
    );
    assert.equal(resources.ofType("kubernetes:core/v1:ServiceAccount").length, 0);
  });

  it("grants AcrPull on the registry for a registryRead permission", async () => {
    const acr = `/subscriptions/${SUBSCRIPTION}/resourceGroups/platform/providers/Microsoft.ContainerRegistry/registries/goplatformdev`;
    const { resources } = await runUnderMocks(() => {
      connect(make()()).bindExistingServiceAccount("verifier", { namespace: "admission", serviceAccountName: "verifier", permissions: [{ kind: "registryRead", repository: acr }] });
    }, azureMocks);
    const grants = resources.ofType("azure-native:authorization:RoleAssignment").filter((g) => g.name.startsWith("verifier-"));
    // AcrPull: Microsoft.ContainerRegistry/registries/pull/read only.
    assert.equal(AZURE_ROLES.acrPull, "7f951dda-4ed3-4680-a7ca-43fe172d538d");
    assert.deepEqual(
      grants.map((g) => [g.inputs.scope, g.inputs.roleDefinitionId, g.inputs.principalId, g.inputs.principalType]),
      [[acr, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`, "principal-verifier", "ServicePrincipal"]],
    );
  });

  it("sends control-plane audit logs to a new Log Analytics workspace, 90 days, resource-specific tables", async () => {
    const { resources } = await runUnderMocks(make(), azureMocks);
    const workspace = resources.one("azure-native:operationalinsights:Workspace");
    assert.deepEqual([workspace.inputs.sku, workspace.inputs.retentionInDays, workspace.inputs.resourceGroupName, workspace.inputs.location], [{ name: "PerGB2018" }, 90, "prod-8d2c", "westeurope"]);
    const setting = resources.one("azure-native:monitor:DiagnosticSetting");
    // The mock gives every resource the id `<name>-id`: the workspace's and the cluster's.
    assert.deepEqual(setting.inputs, {
      name: "control-plane-logs",
      resourceUri: "prod-id",
      workspaceId: "prod-logs-id",
      logAnalyticsDestinationType: "Dedicated",
      logs: [
        { category: "kube-audit-admin", enabled: true },
        { category: "kube-apiserver", enabled: true },
        { category: "guard", enabled: true },
      ],
    });
    // Defender is a paid plan: off unless asked for.
    assert.equal((resources.one("azure-native:containerservice:ManagedCluster").inputs.securityProfile as Record<string, unknown>).defender, undefined);
  });

  it("sends audit logs to a workspace the caller names, or nowhere when turned off; retention is configurable", async () => {
    const existing = `/subscriptions/${SUBSCRIPTION}/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/central`;
    const { resources } = await runUnderMocks(make({ auditLogs: { workspaceId: existing } }), azureMocks);
    assert.equal(resources.ofType("azure-native:operationalinsights:Workspace").length, 0);
    assert.equal(resources.one("azure-native:monitor:DiagnosticSetting").inputs.workspaceId, existing);

    const { resources: off } = await runUnderMocks(make({ auditLogs: { enabled: false } }), azureMocks);
    assert.equal(off.ofType("azure-native:operationalinsights:Workspace").length, 0);
    assert.equal(off.ofType("azure-native:monitor:DiagnosticSetting").length, 0);

    const { resources: year } = await runUnderMocks(make({ auditLogs: { retentionDays: 365 } }), azureMocks);
    assert.equal(year.one("azure-native:operationalinsights:Workspace").inputs.retentionInDays, 365);
  });

  it("turns on Microsoft Defender for Containers when asked, reporting to the audit workspace", async () => {
    const { resources } = await runUnderMocks(make({ defender: true }), azureMocks);
    const profile = resources.one("azure-native:containerservice:ManagedCluster").inputs.securityProfile as Record<string, unknown>;
    assert.deepEqual(profile.defender, {
      logAnalyticsWorkspaceResourceId: "prod-logs-id",
      securityMonitoring: { enabled: true },
    });
    assert.deepEqual(profile.workloadIdentity, { enabled: true });

    // Defender still gets a workspace when audit logs are off.
    const { resources: noLogs } = await runUnderMocks(make({ defender: true, auditLogs: { enabled: false } }), azureMocks);
    assert.equal(noLogs.ofType("azure-native:operationalinsights:Workspace").length, 1);
    assert.equal(noLogs.ofType("azure-native:monitor:DiagnosticSetting").length, 0);
  });

  it("assigns the pod security restricted initiative at the cluster scope, audit by default, deny on request, none when off", async () => {
    const { resources } = await runUnderMocks(make(), azureMocks);
    const assignment = resources.one("azure-native:authorization:PolicyAssignment");
    assert.equal(assignment.inputs.scope, "prod-id");
    assert.equal(assignment.inputs.policyDefinitionId, "/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00");
    assert.equal(assignment.inputs.enforcementMode, "Default");
    assert.deepEqual(assignment.inputs.parameters, { effect: { value: "audit" }, excludedNamespaces: { value: ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"] } });

    const { resources: deny } = await runUnderMocks(make({ podSecurityPolicy: "deny", podSecurityExcludedNamespaces: ["kube-system", "gatekeeper-system", "monitoring"] }), azureMocks);
    assert.deepEqual(deny.one("azure-native:authorization:PolicyAssignment").inputs.parameters, { effect: { value: "deny" }, excludedNamespaces: { value: ["kube-system", "gatekeeper-system", "monitoring"] } });

    const { resources: off } = await runUnderMocks(make({ podSecurityPolicy: "off" }), azureMocks);
    assert.equal(off.ofType("azure-native:authorization:PolicyAssignment").length, 0);
  });

  it("makes the Kubernetes provider wait until the deployer's role has taken effect, checked with the kubeconfig's own credentials", async () => {
    const { resources } = await runUnderMocks(used(), azureMocks);
    const wait = resources.one("pulumi-nodejs:dynamic:AksAccessWait");
    const grant = resources.one("azure-native:authorization:RoleAssignment");
    const provider = resources.one("pulumi:providers:kubernetes");
    // The provider is built from `cluster.kubeconfig`, which waits on the access check and the user pools.
    assert.ok(provider.dependsOn.includes(wait.urn), provider.dependsOn.join(", "));
    assert.ok(provider.dependsOn.includes(resources.one("azure-native:containerservice:AgentPool").urn), provider.dependsOn.join(", "));
    assert.ok(wait.dependsOn.includes(grant.urn), wait.dependsOn.join(", "));
    assert.equal(wait.parent, resources.one("goplatform:index:AksCluster").urn);
    const { __provider: serialized, ...inputs } = wait.inputs;
    assert.deepEqual(inputs, {
      target: {
        server: "https://prod-abc.privatelink.westeurope.azmk8s.io:443",
        certificateAuthorityData: "Q0EtREFUQQ==",
        exec: { command: "kubelogin", args: ["get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID], env: [] },
      },
      checks: [
        { verb: "create", group: "", resource: "namespaces" },
        { verb: "create", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" },
      ],
      timeoutSeconds: 1200,
      intervalSeconds: 10,
      grant: "prod-deployer-admin-id",
      what: "AksCluster prod",
    });
    // Pulumi stores the provider's code in the state: small, and requiring only Node built-ins.
    const text = String(serialized);
    assert.ok(text.length < 20_000, `serialized provider is ${text.length} characters`);
    assert.deepEqual([...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort(), ["child_process", "https"]);

    const { resources: quick } = await runUnderMocks(used({ deployerAccessTimeoutSeconds: 300 }), azureMocks);
    assert.equal(quick.one("pulumi-nodejs:dynamic:AksAccessWait").inputs.timeoutSeconds, 300);
    for (const args of [{ grantDeployerClusterAdmin: false }, { deployerAccessTimeoutSeconds: 0 }]) {
      const { resources: none } = await runUnderMocks(used(args), azureMocks);
      assert.equal(none.ofType("pulumi-nodejs:dynamic:AksAccessWait").length, 0, JSON.stringify(args));
      // Still after the user pools.
      assert.ok(none.one("pulumi:providers:kubernetes").dependsOn.includes(none.one("azure-native:containerservice:AgentPool").urn), JSON.stringify(args));
    }
  });

  it("creates an encrypted, versioned, private storage container, retained on delete", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const bucket = connect(make()()).createBucket("thanos", { noncurrentVersionDays: 45 });
      return { store: await valueOf(bucket.thanosObjectStore), name: await valueOf(bucket.bucketName), cloud: bucket.cloud };
    }, azureMocks);
    const account = resources.one("azure-native:storage:StorageAccount");
    const a = account.inputs;
    // Global names: the subscription and resource group are part of the hash, not only project/stack/name.
    assert.equal(a.accountName, `gp${createHash("sha256").update(`${SUBSCRIPTION}/prod-8d2c/goplatform/test/thanos`).digest("hex").slice(0, 22)}`);
    assert.deepEqual([a.allowBlobPublicAccess, a.allowSharedKeyAccess, a.enableHttpsTrafficOnly, a.minimumTlsVersion], [false, false, true, "TLS1_2"]);
    assert.deepEqual(a.encryption, { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true, services: { blob: { enabled: true, keyType: "Account" } } });
    assert.equal(resources.one("azure-native:storage:BlobServiceProperties").inputs.isVersioningEnabled, true);
    const policy = resources.one("azure-native:storage:ManagementPolicy").inputs.policy as { rules: { definition: { actions: { version: { delete: { daysAfterCreationGreaterThan: number } } } } }[] };
    assert.equal(policy.rules[0]?.definition.actions.version.delete.daysAfterCreationGreaterThan, 45);
    for (const r of resources.all.filter((r) => r.type.startsWith("azure-native:storage:"))) assert.equal(r.retainOnDelete, true, `${r.type} retained`);
    assert.equal(result.name, "thanos-8d2c");
    assert.deepEqual(JSON.parse(result.store), { type: "AZURE", config: { storage_account: a.accountName, container: "thanos-8d2c", endpoint: "blob.core.windows.net" } });
    assert.equal(result.cloud, "azure");
    assert.deepEqual([a.resourceGroupName, a.location], ["prod-8d2c", "westeurope"]);
    assert.equal(account.parent, resources.one("test:index:Caller").urn);
  });

  it("names storage accounts differently in another subscription or resource group, same project, stack and name", async () => {
    const accountName = async (mocks: MockOptions, args: Partial<AksClusterArgs>) => {
      const { resources } = await runUnderMocks(() => {
        connect(make(args)()).createBucket("thanos", {});
      }, mocks);
      return String(resources.one("azure-native:storage:StorageAccount").inputs.accountName);
    };
    const otherSubscription: MockOptions = {
      ...azureMocks,
      calls: (args) => (args.token === "azure-native:authorization:getClientConfig" ? { subscriptionId: "00000000-0000-0000-0000-000000000002", tenantId: "tenant-1", clientId: "c", objectId: DEPLOYER } : azureMocks.calls?.(args)),
    };
    const names = [await accountName(azureMocks, { resourceGroupName: "rg-a" }), await accountName(otherSubscription, { resourceGroupName: "rg-a" }), await accountName(azureMocks, { resourceGroupName: "rg-b" })];
    assert.equal(new Set(names).size, 3, names.join(", "));
    for (const n of names) assert.match(n, /^gp[0-9a-f]{22}$/);
  });

  it("puts cluster DNS at the service network address + 10", async () => {
    for (const [serviceCidr, dns] of [["10.0.0.0/16", "10.0.0.10"], ["172.16.4.0/22", "172.16.4.10"], ["10.0.0.240/28", "10.0.0.250"], ["192.168.255.0/24", "192.168.255.10"]]) {
      const { resources } = await runUnderMocks(make({ serviceCidr }), azureMocks);
      const network = resources.one("azure-native:containerservice:ManagedCluster").inputs.networkProfile as { serviceCidr: string; dnsServiceIP: string };
      assert.deepEqual([network.serviceCidr, network.dnsServiceIP], [serviceCidr, dns]);
    }
  });

  it("accepts a wide allow-list only with allowInternet", async () => {
    const { resources } = await runUnderMocks(make({ publicEndpoint: { allowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"], allowInternet: true } }), azureMocks);
    assert.deepEqual(resources.one("azure-native:containerservice:ManagedCluster").inputs.apiServerAccessProfile, { enablePrivateCluster: false, authorizedIPRanges: ["0.0.0.0/1", "128.0.0.0/1"] });
  });

  it("uses an existing resource group without creating one", async () => {
    const { resources } = await runUnderMocks(make({ resourceGroupName: "platform-rg" }), azureMocks);
    assert.equal(resources.ofType("azure-native:resources:ResourceGroup").length, 0);
    assert.equal(resources.one("azure-native:containerservice:ManagedCluster").inputs.resourceGroupName, "platform-rg");
    assert.equal(named(resources.all, "prod").protect, true);
  });

  const bad: [string, Partial<AksClusterArgs>, RegExp][] = [
    ["unknown Kubernetes version", { kubernetesVersion: "1.30" }, /^AksCluster: invalid kubernetesVersion "1\.30"; goplatform's table \(from 2026-12-02\) lists no AKS support for 1\.30; expected a Kubernetes minor in AKS standard support on 2026-12-02: 1\.36, 1\.35$/],
    [
      "Kubernetes version past standard support without LTS",
      { kubernetesVersion: "1.34" },
      /^AksCluster: invalid kubernetesVersion "1\.34"; AKS standard support for 1\.34 ended 2026-11-30; .* with longTermSupport true \(AKS LTS: Premium tier, supportPlan AKSLongTermSupport\)\)$/,
    ],
    ["malformed location", { location: "West Europe" }, /^AksCluster: invalid location "West Europe"; expected an Azure region name/],
    ["empty name", { clusterName: "" }, /^AksCluster: invalid clusterName ""/],
    ["bad service CIDR", { serviceCidr: "10.0.0.0/40" }, /^AksCluster: invalid serviceCidr "10\.0\.0\.0\/40"/],
    ["a service CIDR with host bits set", { serviceCidr: "10.0.0.250/24" }, /^AksCluster: invalid serviceCidr "10\.0\.0\.250\/24"; expected a CIDR block written with its network address \(host bits clear\), e\.g\. "10\.0\.0\.0\/24"$/],
    ["a pod CIDR with host bits set", { podCidr: "10.244.1.0/16" }, /^AksCluster: invalid podCidr "10\.244\.1\.0\/16"; expected a CIDR block written with its network address/],
    ["a service CIDR too small for the DNS address", { serviceCidr: "10.0.0.248/29" }, /^AksCluster: invalid serviceCidr "10\.0\.0\.248\/29"; expected a block of \/28 or larger/],
    ["an allow-list of two /1 halves", { publicEndpoint: { allowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } }, /^AksCluster: invalid publicEndpoint\.allowedCidrs "0\.0\.0\.0\/1"; a block shorter than \/8 opens the API endpoint to a large part of the internet; list your networks, or set allowInternet: true to mean it$/],
    ["0.0.0.0/0 without saying so", { publicEndpoint: { allowedCidrs: ["10.0.0.0/8", "0.0.0.0/0"] } }, /^AksCluster: invalid publicEndpoint\.allowedCidrs "0\.0\.0\.0\/0"/],
    ["minSize > maxSize", { userPools: [{ name: "apps", minSize: 3, maxSize: 2 }] }, /^AksCluster: invalid userPools\[0\]\.minSize 3; expected minSize at most maxSize \(2\)$/],
    ["node count 0", { systemPool: { name: "system", minSize: 0, maxSize: 2 } }, /^AksCluster: invalid systemPool\.minSize 0; expected an integer at least 1/],
    ["bad pool name", { userPools: [{ name: "apps-pool", minSize: 1, maxSize: 2 }] }, /^AksCluster: invalid userPools\[0\]\.name "apps-pool"/],
    ["admin group that is not a GUID", { adminGroupObjectIds: ["platform-admins"] }, /^AksCluster: invalid adminGroupObjectIds "platform-admins"/],
    ...(["stable", "rapid"] as const).map((channel): [string, Partial<AksClusterArgs>, RegExp] => [
      `upgrade channel "${channel}" with the pinned minor`,
      { upgradeChannel: channel as "patch", kubernetesVersion: "1.35" },
      new RegExp(`^AksCluster: invalid upgradeChannel "${channel}"; expected one of patch, node-image, none \\("stable" and "rapid" move the cluster to a newer minor while kubernetesVersion stays 1\\.35, and the next run would ask for a downgrade\\)$`),
    ]),
    ["unknown deployer principal type", { deployerPrincipalType: "Group" as "User" }, /^AksCluster: invalid deployerPrincipalType "Group"; expected one of User, ServicePrincipal$/],
    ["a grantDeployerClusterAdmin that is not a boolean", { grantDeployerClusterAdmin: "no" as unknown as boolean }, /^AksCluster: invalid grantDeployerClusterAdmin "no"; expected true or false$/],
    ["audit log retention under 30 days", { auditLogs: { retentionDays: 7 } }, /^AksCluster: invalid auditLogs\.retentionDays 7; expected an integer at least 30 and at most 730$/],
    ["a workspace id that is not a Log Analytics workspace", { auditLogs: { workspaceId: "central" } }, /^AksCluster: invalid auditLogs\.workspaceId "central"; expected a Log Analytics workspace resource id/],
    ["an unknown pod security effect", { podSecurityPolicy: "enforce" as "deny" }, /^AksCluster: invalid podSecurityPolicy "enforce"; expected one of audit, deny, off$/],
    ["pod security exclusions without kube-system", { podSecurityExcludedNamespaces: ["monitoring"] }, /^AksCluster: invalid podSecurityExcludedNamespaces \["monitoring"\]; expected a list that keeps "kube-system"/],
    ["a pod security exclusion that is not a namespace name", { podSecurityExcludedNamespaces: ["kube-system", "Bad_NS"] }, /^AksCluster: invalid podSecurityExcludedNamespaces "Bad_NS"; expected a DNS-1123 label/],
    ["a negative access wait", { deployerAccessTimeoutSeconds: -1 }, /^AksCluster: invalid deployerAccessTimeoutSeconds -1; expected an integer at least 0 and at most 3600$/],
  ];
  it("keeps a minor past standard support only with longTermSupport: Premium tier, supportPlan AKSLongTermSupport", async () => {
    const { resources } = await runUnderMocks(make({ kubernetesVersion: "1.34", longTermSupport: true }), azureMocks);
    const i = resources.one("azure-native:containerservice:ManagedCluster").inputs;
    assert.deepEqual([i.kubernetesVersion, i.sku, i.supportPlan], ["1.34", { name: "Base", tier: "Premium" }, "AKSLongTermSupport"]);
  });

  for (const [what, args, message] of bad) {
    it(`refuses ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(make(args), azureMocks);
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  const ACR_EXPECTED = "expected one Azure Container Registry resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>";
  for (const repository of [
    "*",
    `/subscriptions/${SUBSCRIPTION}`,
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg`,
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/*`,
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmeregistry`,
    "acmeregistry.azurecr.io",
  ]) {
    it(`refuses the registryPush repository ${JSON.stringify(repository)} before creating the binding's resources`, async () => {
      const { error, resources } = await failureUnderMocks(() => {
        connect(make()()).bindServiceAccount("wl", { namespace: "ns", serviceAccountName: "wl", permissions: [{ kind: "registryPush", repository }] });
      }, azureMocks);
      assert.equal(error.name, "ArgumentError");
      assert.equal(error.message, `Test: invalid permissions[0].repository ${JSON.stringify(repository)}; ${ACR_EXPECTED}`);
      assert.ok(!resources.all.some((r) => r.name.startsWith("wl")), resources.all.map((r) => r.name).join(", "));
    });
  }

  it("checks a registryPush repository given as an Output once its value is known: no role assignment at a subscription scope", async () => {
    const subscription = `/subscriptions/${SUBSCRIPTION}`;
    const { messages, resources } = await unhandledUnderMocks(() => {
      connect(make()()).bindServiceAccount("x", { namespace: "ns", serviceAccountName: "x", permissions: [{ kind: "registryPush", repository: pulumi.output(subscription) }] });
    }, azureMocks);
    assert.ok(messages.length > 0);
    for (const message of messages) assert.ok(message.includes(`Test: invalid permissions[0].repository ${JSON.stringify(subscription)}; ${ACR_EXPECTED}`), message);
    assert.ok(!resources.ofType("azure-native:authorization:RoleAssignment").some((r) => r.name.startsWith("x-")));
  });

  it("refuses a bucket another cloud made, and one without a container id, before creating the identity", async () => {
    const foreign: ObjectBucket = { cloud: "gcp", bucketName: "b", resourceId: "b", thanosObjectStore: "{}" };
    const noId: ObjectBucket = { cloud: "azure", bucketName: "b", thanosObjectStore: "{}" };
    for (const [bucket, message] of [
      [foreign, /^Test: invalid permissions\[0\]\.bucket "gcp"; expected a bucket made by this cluster's createBucket \(cloud "azure"\)$/],
      [noId, /^Test: invalid permissions\[0\]\.bucket\.resourceId undefined; expected the resource id of a Blob container/],
    ] as const) {
      const { error, resources } = await failureUnderMocks(() => {
        connect(make()()).bindServiceAccount("wl", { namespace: "ns", serviceAccountName: "wl", permissions: [{ kind: "bucket", bucket, access: "read" }] });
      }, azureMocks);
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.equal(resources.ofType("azure-native:managedidentity:UserAssignedIdentity").length, 0);
    }
  });
});

describe("AKS deployer access wait", () => {
  /** A clock that only moves when the wait sleeps. */
  const fakeClock = () => {
    let now = 0;
    const sleeps: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    };
    return { now: () => now, sleep, sleeps };
  };
  const answers = (...list: AccessAnswer[]) => {
    let i = 0;
    return () => Promise.resolve(list[Math.min(i++, list.length - 1)] as AccessAnswer);
  };
  const notYet: AccessAnswer = { kind: "notYet", detail: "create namespaces: HTTP 403: forbidden" };

  it("checks again while the answer is 403 and returns once allowed", async () => {
    const clock = fakeClock();
    const checks = await waitForAccess({ check: answers(notYet, notYet, { kind: "allowed" }), timeoutMs: 600_000, intervalMs: 10_000, ...clock, what: "AksCluster prod" });
    assert.equal(checks, 3);
    assert.deepEqual(clock.sleeps, [10_000, 10_000]);
  });

  it("gives up at the deadline with the last answer and what to check", async () => {
    const clock = fakeClock();
    await assert.rejects(
      waitForAccess({ check: answers(notYet), timeoutMs: 60_000, intervalMs: 25_000, ...clock, what: "AksCluster prod" }),
      (error: Error) => {
        assert.match(error.message, /^AksCluster prod: the deploying identity is still not authorized on the cluster after 60 s \(4 checks; last: create namespaces: HTTP 403: forbidden\)\. Azure role assignments can take up to 10 minutes/);
        assert.match(error.message, /"Azure Kubernetes Service RBAC Cluster Admin" on the cluster/);
        assert.match(error.message, /If the last answer is a failed request, this machine does not reach the API server: a private cluster needs a network path to it, or a public endpoint with this machine's address allowed\.$/);
        return true;
      },
    );
    // Never sleeps past the deadline.
    assert.deepEqual(clock.sleeps, [25_000, 25_000, 10_000]);
  });

  it("stops at once on an answer waiting cannot fix", async () => {
    const clock = fakeClock();
    await assert.rejects(waitForAccess({ check: answers({ kind: "fatal", detail: "HTTP 404: not found" }), timeoutMs: 600_000, intervalMs: 10_000, ...clock, what: "AksCluster prod" }), /^Error: AksCluster prod: the API server refused the access check: HTTP 404: not found$/);
    assert.deepEqual(clock.sleeps, []);
  });

  it("reads SelfSubjectAccessReview answers: allowed, not yet (denied, 401, 403, 429, 5xx), fatal otherwise", () => {
    const review = (allowed: boolean, reason?: string) => JSON.stringify({ kind: "SelfSubjectAccessReview", status: { allowed, ...(reason === undefined ? {} : { reason }) } });
    assert.deepEqual(readReview({ status: 201, body: review(true) }), { kind: "allowed" });
    assert.deepEqual(readReview({ status: 201, body: review(false, "no role assignment") }), { kind: "notYet", detail: "not allowed (no role assignment)" });
    assert.deepEqual(readReview({ status: 200, body: review(false) }), { kind: "notYet", detail: "not allowed (no reason given)" });
    for (const status of [401, 403, 429, 500, 503]) assert.equal(readReview({ status, body: "x" }).kind, "notYet", String(status));
    assert.deepEqual(readReview({ status: 404, body: "not found" }), { kind: "fatal", detail: "HTTP 404: not found" });
    assert.equal(readReview({ status: 201, body: "<html>" }).kind, "fatal");
  });

  it("asks for every attribute set with one token and a SelfSubjectAccessReview body", async () => {
    const posted: { path: string; body: unknown; token: string }[] = [];
    const client = (reply: (body: { spec: { resourceAttributes: { resource: string } } }) => HttpAnswer | Error): AccessClient => ({
      token: () => Promise.resolve("t0ken"),
      post: (path, body, token) => {
        const parsed = JSON.parse(body) as { spec: { resourceAttributes: { resource: string } } };
        posted.push({ path, body: parsed, token });
        const answer = reply(parsed);
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    });
    const checks = [
      { verb: "create", group: "", resource: "namespaces" },
      { verb: "create", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" },
    ];
    const allowed = JSON.stringify({ status: { allowed: true } });
    assert.deepEqual(await checkAccess(client(() => ({ status: 201, body: allowed })), checks), { kind: "allowed" });
    assert.deepEqual(posted[1], {
      path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { verb: "create", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" } } },
      token: "t0ken",
    });
    // The second check decides: CRDs refused with 403.
    const crdsForbidden = client((b) => (b.spec.resourceAttributes.resource === "namespaces" ? { status: 201, body: allowed } : { status: 403, body: "forbidden" }));
    assert.deepEqual(await checkAccess(crdsForbidden, checks), { kind: "notYet", detail: "create apiextensions.k8s.io/customresourcedefinitions: HTTP 403: forbidden" });
    assert.deepEqual(await checkAccess(client(() => new Error("getaddrinfo ENOTFOUND prod-abc.hcp.westeurope.azmk8s.io")), checks), { kind: "notYet", detail: "request failed: getaddrinfo ENOTFOUND prod-abc.hcp.westeurope.azmk8s.io" });
  });

  it("creates the access wait with the cluster, and no Kubernetes provider of its own; a connected component makes one provider, on first use", async () => {
    const { resources } = await runUnderMocks(make(), azureMocks);
    resources.one("pulumi-nodejs:dynamic:AksAccessWait");
    resources.one("azure-native:authorization:RoleAssignment");
    assert.equal(resources.ofType("pulumi:providers:kubernetes").length, 0);
    const { result: same, resources: twice } = await runUnderMocks(() => {
      const cluster = connect(make()());
      return cluster.provider === cluster.provider;
    }, azureMocks);
    assert.equal(same, true);
    assert.equal(twice.ofType("pulumi:providers:kubernetes").length, 1);
  });

  it("runs as Pulumi serializes it: a fresh module gets a token from the exec plugin and polls the API server over TLS until allowed", async () => {
    const { resources } = await runUnderMocks(make(), azureMocks);
    const dir = mkdtempSync(join(tmpdir(), "aks-access-"));
    try {
      writeFileSync(join(dir, "provider.js"), String(resources.one("pulumi-nodejs:dynamic:AksAccessWait").inputs.__provider));
      // A kubelogin stand-in printing an ExecCredential, and a TLS API server with its own CA.
      writeFileSync(join(dir, "kubelogin.js"), 'process.stdout.write(JSON.stringify({ kind: "ExecCredential", apiVersion: "client.authentication.k8s.io/v1beta1", status: { token: process.env.FAKE_TOKEN + process.argv[2] } }));');
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "1"], { stdio: "ignore" });
      const cert = readFileSync(join(dir, "cert.pem"));
      const seen: { path: string; auth: string; resource: string }[] = [];
      const server = createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { spec: { resourceAttributes: { resource: string } } };
          seen.push({ path: request.url ?? "", auth: request.headers.authorization ?? "", resource: review.spec.resourceAttributes.resource });
          // Forbidden three times (the role not yet propagated), then allowed.
          if (seen.length <= 3) response.writeHead(403).end("forbidden");
          else response.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ kind: "SelfSubjectAccessReview", status: { allowed: true } }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const loaded = createRequire(__filename)(join(dir, "provider.js")) as { handler: () => { create: (inputs: unknown) => Promise<{ id: string; outs: unknown }> } };
        const inputs = {
          target: { server: `https://localhost:${port}`, certificateAuthorityData: cert.toString("base64"), exec: { command: process.execPath, args: [join(dir, "kubelogin.js"), "-1"], env: [{ name: "FAKE_TOKEN", value: "t0ken" }] } },
          checks: [
            { verb: "create", group: "", resource: "namespaces" },
            { verb: "create", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" },
          ],
          timeoutSeconds: 30,
          intervalSeconds: 0.02,
          grant: "grant-1",
          what: "AksCluster e2e",
        };
        const created = await loaded.handler().create(inputs);
        assert.equal(created.id, "deployer-authorized");
        assert.deepEqual(seen.map((r) => [r.path, r.auth, r.resource]), [
          ["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "Bearer t0ken-1", "namespaces"],
          ["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "Bearer t0ken-1", "namespaces"],
          ["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "Bearer t0ken-1", "namespaces"],
          ["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "Bearer t0ken-1", "namespaces"],
          ["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "Bearer t0ken-1", "customresourcedefinitions"],
        ]);
        // A plugin that fails ends the wait with its own message, not a timeout.
        await assert.rejects(loaded.handler().create({ ...inputs, target: { ...inputs.target, exec: { command: process.execPath, args: ["-e", "process.exit(3)"], env: [] } } }), /failed: Command failed/);
      } finally {
        server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the server, CA and exec plugin from the kubeconfig's current context, and refuses one without an exec user", () => {
    assert.deepEqual(accessTarget(azureCliKubeconfig(AKS_USER_KUBECONFIG), "AksCluster prod"), {
      server: "https://prod-abc.privatelink.westeurope.azmk8s.io:443",
      certificateAuthorityData: "Q0EtREFUQQ==",
      exec: { command: "kubelogin", args: ["get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID], env: [] },
    });
    const tokenUser = "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\nclusters:\n- name: k\n  cluster: {server: https://k:443}\nusers:\n- name: u\n  user: {token: t}\n";
    assert.throws(() => accessTarget(tokenUser, "AksCluster prod"), /^Error: AksCluster prod: the kubeconfig's user has no exec credential plugin$/);
  });
});

describe("AksCluster argument checks (issue 18)", function () {
  this.timeout(120_000);
  const DISJOINT = "node, pod and service ranges must be disjoint";
  const SUBNET = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/aks";
  const refused: [string, Partial<AksClusterArgs>, string][] = [
    ["a pod range that overlaps the default service range (kind 1)", { podCidr: "10.0.0.0/8" }, `AksCluster: invalid podCidr "10.0.0.0/8"; expected a range that does not overlap serviceCidr 10.0.0.0/16 (its default); ${DISJOINT}`],
    ["a service range inside the pod range (kind 1)", { podCidr: "172.16.0.0/12", serviceCidr: "172.20.0.0/16" }, `AksCluster: invalid serviceCidr "172.20.0.0/16"; expected a range that does not overlap podCidr 172.16.0.0/12; ${DISJOINT}`],
    [
      "a service range in the VNet AKS makes for the nodes (kind 1)",
      { serviceCidr: "10.224.0.0/16" },
      `AksCluster: invalid serviceCidr "10.224.0.0/16"; expected a range that does not overlap the nodes' network 10.224.0.0/12 (the VNet AKS makes without vnetSubnetId); ${DISJOINT}`,
    ],
    ["an audit log switch \"false\" as a string (kind 2)", { auditLogs: { enabled: "false" as unknown as boolean } }, `AksCluster: invalid auditLogs.enabled "false"; expected true or false`],
    [
      "allowInternet \"true\" as a string (kind 2)",
      { publicEndpoint: { allowedCidrs: ["0.0.0.0/0"], allowInternet: "true" as unknown as boolean } },
      `AksCluster: invalid publicEndpoint.allowInternet "true"; expected true or false`,
    ],
    [
      "admin groups given as one string (kind 2)",
      { adminGroupObjectIds: "00000000-0000-4000-8000-000000000001" as unknown as string[] },
      `AksCluster: invalid adminGroupObjectIds "00000000-0000-4000-8000-000000000001"; expected a list of Entra ID group object ids`,
    ],
    ["pod security exclusions given as one string (kind 2)", { podSecurityExcludedNamespaces: "kube-system" as unknown as string[] }, `AksCluster: invalid podSecurityExcludedNamespaces "kube-system"; expected a list of namespaces`],
    ["user pools given as an object (kind 2)", { userPools: { name: "apps" } as unknown as AksClusterArgs["userPools"] }, `AksCluster: invalid userPools {"name":"apps"}; expected a list of node pools`],
    [
      "a node label key Kubernetes refuses (kind 5)",
      { userPools: [{ name: "apps", minSize: 1, maxSize: 2, labels: { "-tier": "web" } }] },
      `AksCluster: invalid userPools[0].labels "-tier"; expected a Kubernetes label key: an optional DNS subdomain prefix (at most 253 characters) and "/", then a name of at most 63 characters, letters, digits, '-', '_' and '.', alphanumeric at both ends`,
    ],
    [
      "a system pool label the component sets itself (kind 4)",
      { systemPool: { name: "system", minSize: 1, maxSize: 2, labels: { "goplatform.dev/node-pool": "x" } } },
      `AksCluster: invalid systemPool.labels "goplatform.dev/node-pool"; goplatform.dev/node-pool is set by the component to the pool's name; use another key`,
    ],
    [
      "an access wait with grantDeployerClusterAdmin false, which has nothing to wait for (kind 4)",
      { grantDeployerClusterAdmin: false, deployerAccessTimeoutSeconds: 600 },
      `AksCluster: invalid deployerAccessTimeoutSeconds 600; only used with grantDeployerClusterAdmin: true (the role assignment it waits for or describes); leave it out`,
    ],
    [
      "a principal type with grantDeployerClusterAdmin false (kind 4)",
      { grantDeployerClusterAdmin: false, deployerPrincipalType: "User" },
      `AksCluster: invalid deployerPrincipalType "User"; only used with grantDeployerClusterAdmin: true (the role assignment it waits for or describes); leave it out`,
    ],
    [
      "a retention for a workspace the caller brings (kind 4)",
      { auditLogs: { workspaceId: "/subscriptions/x/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/central", retentionDays: 30 } },
      `AksCluster: invalid auditLogs.retentionDays 30; only a new workspace takes a retention; with auditLogs.workspaceId the workspace's own retention applies`,
    ],
    [
      "a node label in the kubernetes.io namespace the kubelet refuses (kind 5)",
      { userPools: [{ name: "apps", minSize: 1, maxSize: 2, labels: { "node-role.kubernetes.io/worker": "" } }] },
      `AksCluster: invalid userPools[0].labels "node-role.kubernetes.io/worker"; the kubelet refuses node labels in the kubernetes.io and k8s.io namespaces (but for kubelet.kubernetes.io/, node.kubernetes.io/ and a few well-known keys); use a prefix of your own`,
    ],
    [
      "a vnetSubnetId that is a VNet, not a subnet (kind 2)",
      { vnetSubnetId: "/subscriptions/x/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub" },
      `AksCluster: invalid vnetSubnetId "/subscriptions/x/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub"; expected a subnet resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>`,
    ],
    ["a tag name with a character Azure refuses (kind 5)", { tags: { "cost%center": "42" } }, `AksCluster: invalid tags "cost%center"; expected a tag name of 1-128 characters without < > % & \\ ?`],
    ["a tag value longer than Azure takes (kind 5)", { tags: { team: "x".repeat(257) } }, `AksCluster: invalid tags["team"] "${"x".repeat(257)}"; expected a tag value of at most 256 characters`],
  ];
  for (const [what, args, message] of refused) {
    it(`refuses ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(make(args), azureMocks);
      assert.equal(error.name, "ArgumentError");
      assert.equal(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("takes a service range in 10.224.0.0/12 when the nodes are in a subnet of the caller's", async () => {
    const { resources } = await runUnderMocks(make({ serviceCidr: "10.224.0.0/16", vnetSubnetId: SUBNET }), azureMocks);
    const profile = resources.one("azure-native:containerservice:ManagedCluster").inputs.networkProfile as { serviceCidr: string; dnsServiceIP: string };
    assert.deepEqual([profile.serviceCidr, profile.dnsServiceIP], ["10.224.0.0/16", "10.224.0.10"]);
  });
});
