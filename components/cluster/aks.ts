/**
 * AksCluster: an Azure Kubernetes Service cluster behind the Cluster contract. OIDC
 * issuer and workload identity, Azure CNI overlay (Cilium dataplane and network
 * policy), Entra ID with Azure RBAC and no local accounts, a private API server by
 * default, an auto-upgrade channel, the Azure Policy add-on with the pod security
 * restricted initiative assigned, control-plane audit logs in Log Analytics, and
 * separate system and user node pools. The kubeconfig is the user credential
 * (kubelogin), as a secret; the Kubernetes provider waits until the deployer's Azure
 * RBAC role has taken effect.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { ArgumentError, checkBoolean, checkDnsLabel, checkNotEmpty, checkNumber, checkOneOf, componentToken, isRecord, withLegacyType } from "../args";
import { AksAccessWait } from "./aks-access";
import { checkArray, checkCloudTags, checkClusterName, checkDisjointRanges, checkNodeLabels, checkNodePoolSize, checkPlainId, checkRecords, formatIpv4, parseCidr, type Ipv4Block, type NodePoolSize, checkPublicEndpoint } from "./checks";
import { AZURE_ROLES, checkAzureLocation, roleDefinitionId } from "./clouds/azure";
import type { ClusterData } from "./contract";
import { checkAsOf } from "../days";
import { checkKubernetesVersion, kubernetesReleases } from "./kubernetes-versions";
import { validateArgs } from "../arg-validation";

const COMPONENT = "AksCluster";

/**
 * Cluster auto-upgrade channels that keep the minor `kubernetesVersion` pins. "stable" and
 * "rapid" move the cluster to a newer minor behind the program's back, and the next run
 * would then ask AKS for a downgrade; they are refused.
 */
export const AksUpgradeChannel = {
  /** The newest patch of the chosen minor, as it comes out. */
  Patch: "patch",
  /** Node images only; Kubernetes patches are left to the program. */
  NodeImage: "node-image",
  /** No automatic upgrades. */
  None: "none",
} as const;
export type AksUpgradeChannel = (typeof AksUpgradeChannel)[keyof typeof AksUpgradeChannel];

/** Every upgrade channel AksCluster accepts. */
export const AKS_UPGRADE_CHANNELS: AksUpgradeChannel[] = Object.values(AksUpgradeChannel);

/** What kind of Entra ID principal runs `pulumi up`, for its role assignment. */
export const AksDeployerPrincipalType = {
  /** A person signed in with the Azure CLI. */
  User: "User",
  /** A service principal or managed identity (CI). */
  ServicePrincipal: "ServicePrincipal",
} as const;
export type AksDeployerPrincipalType = (typeof AksDeployerPrincipalType)[keyof typeof AksDeployerPrincipalType];

/** The effect of the pod security restricted initiative. */
export const AksPodSecurityPolicy = {
  /** Report non-compliant pods in Azure Policy compliance. */
  Audit: "audit",
  /** Also refuse non-compliant pods at admission. */
  Deny: "deny",
  /** Assign nothing. */
  Off: "off",
} as const;
export type AksPodSecurityPolicy = (typeof AksPodSecurityPolicy)[keyof typeof AksPodSecurityPolicy];

/**
 * The built-in initiative "Kubernetes cluster pod security restricted standards for
 * Linux-based workloads" (Azure/azure-policy
 * built-in-policies/policySetDefinitions/Kubernetes/PSPRestrictedStandard.json).
 */
export const AKS_POD_SECURITY_RESTRICTED_INITIATIVE = "/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00";

/** The initiative's own default `excludedNamespaces` (system namespaces of AKS, Gatekeeper and Arc). */
export const AKS_POD_SECURITY_DEFAULT_EXCLUDED_NAMESPACES = ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"] as const;

/**
 * Control-plane log categories sent to Log Analytics: audit events without get/list
 * (kube-audit-admin; kube-audit with reads is far larger and costlier), the API server's
 * own log, and guard (Entra ID and Azure RBAC decisions).
 */
export const AKS_CONTROL_PLANE_LOG_CATEGORIES = ["kube-audit-admin", "kube-apiserver", "guard"] as const;

/** A node pool. */
export interface AksNodePoolArgs extends NodePoolSize {
  /** Pool name: lowercase letters and digits, starting with a letter, at most 12 characters, unique in the cluster. */
  name: string;
  /** VM size. Default: "Standard_D4s_v5". */
  vmSize?: string;
  /** Kubernetes node labels. Default: none (the pool's own `goplatform.dev/node-pool` label is always set). */
  labels?: { [key: string]: string };
}

/** A public API server, open only to an allow-list. */
export interface AksPublicEndpoint {
  /**
   * IPv4 CIDR blocks allowed to reach the API server, at least one. Blocks shorter than
   * /8 (0.0.0.0/0 included) are refused unless `allowInternet` is true.
   */
  allowedCidrs: string[];
  /** Accept blocks shorter than /8 (up to the whole internet) in `allowedCidrs`. Default: false. */
  allowInternet?: boolean;
}

export interface AksClusterArgs {
  /** AKS cluster name (a DNS label). Default: the component name. */
  clusterName?: string;
  /** Azure location (region) name, e.g. "westeurope". Required. */
  location: string;
  /** Resource group to create the cluster in. Default: a new one. */
  resourceGroupName?: pulumi.Input<string>;
  /**
   * Kubernetes minor, e.g. "1.36": one in AKS standard support on `asOf`, or in LTS with
   * `longTermSupport`. Default: the newest minor in standard support on EKS, GKE and AKS on
   * `asOf` (defaultKubernetesVersion).
   */
  kubernetesVersion?: string;
  /**
   * Day the Kubernetes support table is judged for (YYYY-MM-DD): the default minor and
   * whether `kubernetesVersion` is still in standard support are read for this day, and
   * goplatform's table must be at most 90 days older than it. Default: today (UTC).
   */
  asOf?: string;
  /**
   * AKS long-term support: a second year of patches for the minor, on the Premium tier
   * (sku tier "Premium", supportPlan "AKSLongTermSupport", both charged). The opt-in that
   * lets `kubernetesVersion` name a minor past its end of standard support. Default: false
   * (tier "Standard", supportPlan "KubernetesOfficial").
   */
  longTermSupport?: boolean;
  /**
   * Cluster auto-upgrade channel, one that keeps the pinned minor: "patch" (newest patch
   * of the chosen minor), "node-image" (node images only) or "none". "stable" and "rapid"
   * are refused: they change the minor while `kubernetesVersion` stays pinned. Default: "patch".
   */
  upgradeChannel?: AksUpgradeChannel;
  /** Entra ID group object ids given cluster-admin. Default: none (grant Azure RBAC roles on the cluster instead). */
  adminGroupObjectIds?: string[];
  /**
   * Give the identity running `pulumi up` (the client config's object id) the built-in
   * "Azure Kubernetes Service RBAC Cluster Admin" role on the cluster. Local accounts are
   * off and Kubernetes authorization is Azure RBAC, so without it the in-cluster
   * components' Kubernetes providers are refused (403). Default: true; set false only
   * when that identity already holds the role (e.g. at subscription scope).
   */
  grantDeployerClusterAdmin?: boolean;
  /** What the deploying identity is, for that role assignment. Default: not set (Azure looks it up). */
  deployerPrincipalType?: AksDeployerPrincipalType;
  /**
   * Seconds to wait, after granting the deployer cluster admin, for that role to take
   * effect (Azure: up to 10 minutes): a check asks the API server (SelfSubjectAccessReview,
   * with the kubeconfig's kubelogin) every 10 s whether the deployer may create namespaces
   * and CRDs, and fails with the last answer once the time is up; `cluster.kubeconfig` is
   * ready only after it. Only used while `grantDeployerClusterAdmin` is true. The check
   * runs on the machine running `pulumi up`, which must reach the API server: a stack run
   * from outside a private cluster's network (no `publicEndpoint`, no VPN) sets
   * deployerAccessTimeoutSeconds: 0, which turns the wait off. 0–3600. Default: 1200.
   */
  deployerAccessTimeoutSeconds?: number;
  /** Pod CIDR for Azure CNI overlay, a network address (host bits clear). Default: "10.244.0.0/16". */
  podCidr?: string;
  /**
   * Service CIDR, a network address (host bits clear), /28 or larger; cluster DNS gets
   * the network address + 10. Default: "10.0.0.0/16" (DNS at 10.0.0.10).
   */
  serviceCidr?: string;
  /** Subnet id for the nodes. Default: a VNet AKS manages. */
  vnetSubnetId?: pulumi.Input<string>;
  /**
   * A public API server, reachable only from `allowedCidrs`. Default: none; the API
   * server is a private cluster endpoint.
   */
  publicEndpoint?: AksPublicEndpoint;
  /** The system pool (tainted CriticalAddonsOnly). Default: "system", 2–5 Standard_D4s_v5 nodes, 2 to start, 50 GB disks, zones 1–3. */
  systemPool?: AksNodePoolArgs;
  /** User pools for workloads. Default: one pool "apps", 1–10 Standard_D4s_v5 nodes, 2 to start, 50 GB disks, zones 1–3. */
  userPools?: AksNodePoolArgs[];
  /**
   * Control-plane logs (categories AKS_CONTROL_PLANE_LOG_CATEGORIES) through a diagnostic
   * setting into Log Analytics, in resource-specific tables (AKSAuditAdmin, AKSControlPlane).
   * Default: on, into a new workspace (SKU PerGB2018, 90 days) in the cluster's resource group.
   */
  auditLogs?: AksAuditLogsArgs;
  /**
   * Microsoft Defender for Containers on the cluster (`securityProfile.defender`: threat
   * detection, reporting to the audit logs' workspace, which is created for it even when
   * `auditLogs.enabled` is false). A paid plan, billed per vCore: enable it deliberately. Default: false.
   */
  defender?: boolean;
  /**
   * The Azure Policy add-on enforces nothing without assignments: the built-in initiative
   * "Kubernetes cluster pod security restricted standards for Linux-based workloads" is
   * assigned at the cluster scope with this effect. "audit" reports violations; "deny"
   * also refuses non-compliant pods; "off" assigns nothing. Default: "audit".
   */
  podSecurityPolicy?: AksPodSecurityPolicy;
  /**
   * Namespaces the pod security initiative does not judge. Replaces the list, so keep the
   * system namespaces ("kube-system" is required). Default: AKS_POD_SECURITY_DEFAULT_EXCLUDED_NAMESPACES
   * (the initiative's own default: kube-system, gatekeeper-system, azure-arc, azure-extensions-usage-system).
   */
  podSecurityExcludedNamespaces?: string[];
  /** Protect the cluster and its children from deletion. Default: `opts.protect`, else true; opt out with false. */
  protect?: boolean;
  /** Tags for every Azure resource (and the identities and storage accounts in-cluster components create). Default: none. */
  tags?: { [key: string]: string };
}

/** Where the control-plane logs go. */
export interface AksAuditLogsArgs {
  /** Send control-plane logs at all. Default: true. */
  enabled?: boolean;
  /** An existing Log Analytics workspace resource id to send them to. Default: a new workspace. */
  workspaceId?: pulumi.Input<string>;
  /** Retention of the new workspace in days, 30–730 (PerGB2018). Default: 90. */
  retentionDays?: number;
}

const DEFAULT_SYSTEM: AksNodePoolArgs = { name: "system", minSize: 2, maxSize: 5, desiredSize: 2, diskSizeGb: 50 };
const DEFAULT_USER: AksNodePoolArgs = { name: "apps", minSize: 1, maxSize: 10, desiredSize: 2, diskSizeGb: 50 };
const VM_SIZE = /^Standard_[A-Za-z0-9_]+$/;
const LOG_ANALYTICS_WORKSPACE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;
const AZURE_SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
const SUBNET_ID_EXAMPLE = "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type CheckedPool = Required<NodePoolSize> & { name: string; vmSize: string; labels: Record<string, string> };

function checkPool(where: string, pool: AksNodePoolArgs, seen: Set<string>): CheckedPool {
  if (typeof pool.name !== "string" || !/^[a-z][a-z0-9]{0,11}$/.test(pool.name) || seen.has(pool.name)) {
    throw new ArgumentError(COMPONENT, `${where}.name`, pool.name, "expected a unique pool name of lowercase letters and digits, starting with a letter, at most 12 characters");
  }
  seen.add(pool.name);
  const size = checkNodePoolSize(COMPONENT, where, pool, 1000);
  const vmSize = pool.vmSize ?? "Standard_D4s_v5";
  if (!VM_SIZE.test(vmSize)) throw new ArgumentError(COMPONENT, `${where}.vmSize`, vmSize, "expected an Azure VM size such as \"Standard_D4s_v5\"");
  const labels = checkNodeLabels(COMPONENT, `${where}.labels`, pool.labels, "goplatform.dev/node-pool");
  return { ...size, name: pool.name, vmSize, labels };
}

function checkArgs(name: string, args: AksClusterArgs) {
  const clusterName = checkClusterName(COMPONENT, args.clusterName ?? name);
  checkAzureLocation(COMPONENT, "location", args.location);
  checkNotEmpty(COMPONENT, "resourceGroupName", args.resourceGroupName, "the name of an existing resource group (or no resourceGroupName, for a new one)");
  const day = checkAsOf(COMPONENT, args.asOf, "asOf", kubernetesReleases.coversFrom());
  const longTermSupport = checkBoolean(COMPONENT, "longTermSupport", args.longTermSupport ?? false);
  const kubernetesVersion = checkKubernetesVersion(COMPONENT, "azure", args.kubernetesVersion, { day, extendedSupport: longTermSupport });
  if (args.vnetSubnetId !== undefined) checkPlainId(COMPONENT, "vnetSubnetId", args.vnetSubnetId, AZURE_SUBNET_ID, `expected a subnet resource id, ${SUBNET_ID_EXAMPLE}`);
  const upgradeChannel = args.upgradeChannel ?? AksUpgradeChannel.Patch;
  if (!AKS_UPGRADE_CHANNELS.includes(upgradeChannel)) {
    throw new ArgumentError(
      COMPONENT,
      "upgradeChannel",
      upgradeChannel,
      `expected one of ${AKS_UPGRADE_CHANNELS.join(", ")} ("stable" and "rapid" move the cluster to a newer minor while kubernetesVersion stays ${kubernetesVersion}, and the next run would ask for a downgrade)`,
    );
  }
  for (const id of checkArray(COMPONENT, "adminGroupObjectIds", args.adminGroupObjectIds ?? [], "Entra ID group object ids")) {
    if (typeof id !== "string" || !GUID.test(id)) throw new ArgumentError(COMPONENT, "adminGroupObjectIds", id, "expected Entra ID group object ids (GUIDs)");
  }
  const podCidr = args.podCidr ?? "10.244.0.0/16";
  const serviceCidr = args.serviceCidr ?? "10.0.0.0/16";
  const service = parseCidr(COMPONENT, "serviceCidr", serviceCidr);
  // Room for the DNS address (network + 10) and the broadcast address after it.
  if (service.prefix > 28) throw new ArgumentError(COMPONENT, "serviceCidr", serviceCidr, "expected a block of /28 or larger (cluster DNS takes the network address + 10)");
  // Pods (overlay), services and the nodes' network must not overlap; a given subnet's
  // range is not known here (AKS checks it), the VNet AKS manages otherwise is.
  checkDisjointRanges(COMPONENT, [
    { argument: "podCidr", cidr: podCidr, given: args.podCidr !== undefined },
    { argument: "serviceCidr", cidr: serviceCidr, given: args.serviceCidr !== undefined },
    ...(args.vnetSubnetId === undefined ? [{ argument: "the nodes' network", cidr: AKS_MANAGED_VNET, given: false, origin: "the VNet AKS makes without vnetSubnetId" }] : []),
  ]);
  const publicCidrs = checkPublicEndpoint(COMPONENT, args.publicEndpoint);
  const deployerPrincipalType = args.deployerPrincipalType === undefined ? undefined : checkOneOf(COMPONENT, "deployerPrincipalType", args.deployerPrincipalType, Object.values(AksDeployerPrincipalType));
  const grantDeployerClusterAdmin = checkBoolean(COMPONENT, "grantDeployerClusterAdmin", args.grantDeployerClusterAdmin ?? true);
  const accessTimeout = checkNumber(COMPONENT, "deployerAccessTimeoutSeconds", args.deployerAccessTimeoutSeconds ?? 1200, { min: 0, max: 3600, integer: true });
  const auditLogs: unknown = args.auditLogs ?? {};
  if (!isRecord(auditLogs)) throw new ArgumentError(COMPONENT, "auditLogs", auditLogs, "expected { enabled?, workspaceId?, retentionDays? }");
  const auditLogsOn = checkBoolean(COMPONENT, "auditLogs.enabled", auditLogs.enabled ?? true);
  const retentionDays = checkNumber(COMPONENT, "auditLogs.retentionDays", (auditLogs.retentionDays as number | undefined) ?? 90, { min: 30, max: 730, integer: true });
  const podSecurity = checkOneOf(COMPONENT, "podSecurityPolicy", args.podSecurityPolicy ?? AksPodSecurityPolicy.Audit, Object.values(AksPodSecurityPolicy));
  const excludedNamespaces = checkArray(COMPONENT, "podSecurityExcludedNamespaces", args.podSecurityExcludedNamespaces ?? [...AKS_POD_SECURITY_DEFAULT_EXCLUDED_NAMESPACES], "namespaces").map((ns) =>
    checkDnsLabel(COMPONENT, "podSecurityExcludedNamespaces", ns as string),
  );
  if (!excludedNamespaces.includes("kube-system")) {
    throw new ArgumentError(COMPONENT, "podSecurityExcludedNamespaces", excludedNamespaces, "expected a list that keeps \"kube-system\" (AKS system pods do not meet the restricted standard)");
  }
  // Arguments that only one setting of another uses: given with the other setting, they would be ignored.
  if (!grantDeployerClusterAdmin) {
    for (const argument of ["deployerAccessTimeoutSeconds", "deployerPrincipalType"] as const) {
      if (args[argument] !== undefined) throw new ArgumentError(COMPONENT, argument, args[argument], "only used with grantDeployerClusterAdmin: true (the role assignment it waits for or describes); leave it out");
    }
  }
  if (auditLogs.workspaceId !== undefined && auditLogs.retentionDays !== undefined) {
    throw new ArgumentError(COMPONENT, "auditLogs.retentionDays", auditLogs.retentionDays, "only a new workspace takes a retention; with auditLogs.workspaceId the workspace's own retention applies");
  }
  const workspace = args.auditLogs?.workspaceId;
  if (typeof workspace === "string" && !LOG_ANALYTICS_WORKSPACE.test(workspace)) {
    throw new ArgumentError(COMPONENT, "auditLogs.workspaceId", workspace, "expected a Log Analytics workspace resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>");
  }
  const defender = checkBoolean(COMPONENT, "defender", args.defender ?? false);
  checkCloudTags(COMPONENT, "tags", "azure", args.tags, ["goplatform.dev/cluster"]);
  if (args.systemPool !== undefined && !isRecord(args.systemPool)) throw new ArgumentError(COMPONENT, "systemPool", args.systemPool, "expected a node pool as an object");
  const seen = new Set<string>();
  const systemPool = checkPool("systemPool", args.systemPool ?? DEFAULT_SYSTEM, seen);
  const userPools = checkRecords(COMPONENT, "userPools", args.userPools ?? [DEFAULT_USER], "node pools").map((pool, i) => checkPool(`userPools[${i}]`, pool, seen));
  return {
    clusterName,
    kubernetesVersion,
    longTermSupport,
    upgradeChannel,
    podCidr,
    serviceCidr,
    service,
    publicCidrs,
    systemPool,
    userPools,
    deployerPrincipalType,
    grantDeployerClusterAdmin,
    accessTimeout,
    auditLogsOn,
    retentionDays,
    podSecurity,
    excludedNamespaces,
    defender,
  };
}

/** The address space of the VNet AKS makes when given no `vnetSubnetId` (the nodes' subnet is its 10.224.0.0/16). */
const AKS_MANAGED_VNET = "10.224.0.0/12";

/** The network address + 10 of the service CIDR: where AKS runs cluster DNS. */
function dnsServiceIp(service: Ipv4Block): string {
  return formatIpv4(service.network + 10);
}

const poolProfile = (pool: CheckedPool, kubernetesVersion: string, subnet: pulumi.Input<string> | undefined) => ({
  vmSize: pool.vmSize,
  osType: "Linux",
  osSKU: "AzureLinux",
  osDiskSizeGB: pool.diskSizeGb,
  type: "VirtualMachineScaleSets",
  availabilityZones: ["1", "2", "3"],
  enableAutoScaling: true,
  minCount: pool.minSize,
  maxCount: pool.maxSize,
  count: pool.desiredSize,
  orchestratorVersion: kubernetesVersion,
  enableNodePublicIP: false,
  vnetSubnetID: subnet,
  upgradeSettings: { maxSurge: "33%" },
});

export class AksCluster extends pulumi.ComponentResource {
  /**
   * What in-cluster components take as `cluster`: cloud "azure", the user kubeconfig (a
   * secret, ready once the user pools exist and the deployer's role has taken effect),
   * the OIDC issuer and the workload identity data (subscription, resource group,
   * location, tags).
   */
  readonly cluster: ClusterData;
  /** The AKS cluster's name. */
  readonly clusterName: pulumi.Output<string>;
  /** The Kubernetes minor asked for (`kubernetesVersion`). */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** The user kubeconfig (kubelogin with the Azure CLI session), a secret; usable as soon as the cluster exists. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The cluster's OIDC issuer URL (workload identity federation trusts it). */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** The resource group the cluster is in. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** The managed cluster's Azure resource id. */
  readonly clusterId: pulumi.Output<string>;
  /** The cluster's Azure location. */
  readonly location: string;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const { checked, opts: validatedOpts } = validateArgs("AksCluster", args, (a) => checkArgs(name, a), withLegacyType("goplatform:azure:AksCluster", { ...opts, protect: args.protect ?? opts?.protect ?? true }));
    super(componentToken("AksCluster"), name, {}, validatedOpts);
    const parent = { parent: this };
    this.location = args.location;
    const tags = { ...args.tags, "goplatform.dev/cluster": checked.clusterName };
    const client = authorization.getClientConfigOutput(parent);

    const resourceGroupName = args.resourceGroupName !== undefined ? pulumi.output(args.resourceGroupName) : new resources.ResourceGroup(name, { location: args.location, tags }, parent).name;
    this.resourceGroupName = resourceGroupName;

    // One workspace for control-plane logs and Defender, unless the caller brings one.
    const needsWorkspace = checked.auditLogsOn || checked.defender;
    const workspaceId: pulumi.Output<string> | undefined = !needsWorkspace
      ? undefined
      : args.auditLogs?.workspaceId !== undefined
        ? pulumi.output(args.auditLogs.workspaceId)
        : new operationalinsights.Workspace(
            `${name}-logs`,
            { resourceGroupName, location: args.location, sku: { name: "PerGB2018" }, retentionInDays: checked.retentionDays, tags },
            parent,
          ).id;

    const cluster = new containerservice.ManagedCluster(
      name,
      {
        resourceName: checked.clusterName,
        resourceGroupName,
        location: args.location,
        dnsPrefix: checked.clusterName,
        kubernetesVersion: checked.kubernetesVersion,
        sku: { name: "Base", tier: checked.longTermSupport ? "Premium" : "Standard" },
        supportPlan: checked.longTermSupport ? "AKSLongTermSupport" : "KubernetesOfficial",
        identity: { type: "SystemAssigned" },
        enableRBAC: true,
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds },
        disableLocalAccounts: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true, intervalHours: 168 },
          ...(checked.defender ? { defender: { logAnalyticsWorkspaceResourceId: workspaceId, securityMonitoring: { enabled: true } } } : {}),
        },
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          podCidr: checked.podCidr,
          serviceCidr: checked.serviceCidr,
          dnsServiceIP: dnsServiceIp(checked.service),
          loadBalancerSku: "standard",
        },
        apiServerAccessProfile:
          checked.publicCidrs === undefined ? { enablePrivateCluster: true } : { enablePrivateCluster: false, authorizedIPRanges: checked.publicCidrs },
        autoUpgradeProfile: { upgradeChannel: checked.upgradeChannel, nodeOSUpgradeChannel: "NodeImage" },
        addonProfiles: { azurepolicy: { enabled: true } },
        agentPoolProfiles: [
          {
            ...poolProfile(checked.systemPool, checked.kubernetesVersion, args.vnetSubnetId),
            name: checked.systemPool.name,
            mode: "System",
            nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
            nodeLabels: { ...checked.systemPool.labels, "goplatform.dev/node-pool": checked.systemPool.name },
          },
        ],
        tags,
      },
      // The autoscaler owns the node count once the pool exists.
      { parent: this, ignoreChanges: ["agentPoolProfiles[0].count"] },
    );

    if (checked.auditLogsOn && workspaceId !== undefined) {
      new monitor.DiagnosticSetting(
        `${name}-control-plane-logs`,
        {
          name: "control-plane-logs",
          resourceUri: cluster.id,
          workspaceId,
          // Resource-specific tables (AKSAuditAdmin, AKSControlPlane) rather than AzureDiagnostics.
          logAnalyticsDestinationType: "Dedicated",
          logs: AKS_CONTROL_PLANE_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
        },
        parent,
      );
    }
    if (checked.podSecurity !== "off") {
      new authorization.PolicyAssignment(
        `${name}-pod-security`,
        {
          policyAssignmentName: "pod-security-restricted",
          displayName: `${checked.clusterName}: Kubernetes pod security restricted standards (${checked.podSecurity})`,
          scope: cluster.id,
          policyDefinitionId: AKS_POD_SECURITY_RESTRICTED_INITIATIVE,
          enforcementMode: "Default",
          parameters: { effect: { value: checked.podSecurity }, excludedNamespaces: { value: checked.excludedNamespaces } },
        },
        parent,
      );
    }

    const userPools = checked.userPools.map(
      (pool) =>
        new containerservice.AgentPool(
          `${name}-${pool.name}`,
          {
            ...poolProfile(pool, checked.kubernetesVersion, args.vnetSubnetId),
            agentPoolName: pool.name,
            resourceGroupName,
            resourceName: cluster.name,
            mode: "User",
            nodeLabels: { ...pool.labels, "goplatform.dev/node-pool": pool.name },
            tags,
          },
          { parent: this, ignoreChanges: ["count"] },
        ),
    );

    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.kubernetesVersion = pulumi.output(checked.kubernetesVersion);
    this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((profile) => {
      const url = profile?.issuerURL;
      if (url === undefined) throw new Error(`${COMPONENT} ${name}: AKS reported no OIDC issuer URL`);
      return url;
    });
    const deployerAdmin = checked.grantDeployerClusterAdmin
      ? new authorization.RoleAssignment(
          `${name}-deployer-admin`,
          { scope: cluster.id, roleDefinitionId: roleDefinitionId(client.subscriptionId, AZURE_ROLES.aksRbacClusterAdmin), principalId: client.objectId, principalType: checked.deployerPrincipalType },
          parent,
        )
      : undefined;
    const credentials = containerservice.listManagedClusterUserCredentialsOutput({ resourceGroupName, resourceName: cluster.name, format: "exec" }, parent);
    this.kubeconfig = pulumi.secret(
      credentials.kubeconfigs.apply((kubeconfigs) => {
        const encoded = kubeconfigs[0]?.value;
        if (encoded === undefined) throw new Error(`${COMPONENT} ${name}: AKS returned no user kubeconfig`);
        return azureCliKubeconfig(Buffer.from(encoded, "base64").toString("utf8"), `${COMPONENT} ${name}`);
      }),
    );
    // The role assignment exists before it takes effect (Azure: up to 10 minutes): wait
    // until the API server says the deployer may create namespaces and CRDs, not for a fixed time.
    const accessWait =
      deployerAdmin === undefined || checked.accessTimeout === 0
        ? undefined
        : new AksAccessWait(
            `${name}-deployer-access`,
            { kubeconfig: this.kubeconfig, grant: deployerAdmin.id, timeoutSeconds: checked.accessTimeout, intervalSeconds: 10, what: `${COMPONENT} ${name}` },
            { parent: this, dependsOn: [deployerAdmin] },
          );
    // In-cluster components get a kubeconfig that resolves only once the user pools exist
    // and the deployer's access is in effect, so their Kubernetes providers depend on those.
    const ready = [...userPools, ...(deployerAdmin === undefined ? [] : [deployerAdmin]), ...(accessWait === undefined ? [] : [accessWait])];
    this.cluster = {
      cloud: "azure",
      name: this.clusterName,
      kubernetesVersion: this.kubernetesVersion,
      kubeconfig: pulumi.secret(pulumi.all([this.kubeconfig, pulumi.all(ready.map((resource) => resource.urn))]).apply(([kubeconfig]) => kubeconfig)),
      oidcIssuerUrl: this.oidcIssuerUrl,
      azure: { subscriptionId: client.subscriptionId, resourceGroupName: this.resourceGroupName, location: args.location, tags },
    };
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      resourceGroupName: this.resourceGroupName,
      kubernetesVersion: this.kubernetesVersion,
      oidcIssuerUrl: this.oidcIssuerUrl,
      kubeconfig: this.kubeconfig,
      cluster: this.cluster,
    });
  }
}

/**
 * The AKS user kubeconfig (exec format) with every kubelogin user switched from
 * `--login devicecode` (interactive, so it hangs a `pulumi up`) to `--login azurecli`:
 * the token comes from the Azure CLI session that runs the deployment. The arguments are
 * what `kubelogin convert-kubeconfig -l azurecli` writes: the server id is kept, and the
 * client and tenant ids are dropped (the CLI session decides them).
 */
export function azureCliKubeconfig(kubeconfig: string, where = COMPONENT): string {
  const config: unknown = parse(kubeconfig);
  const users: unknown[] = isRecord(config) && Array.isArray(config.users) ? config.users : [];
  for (const entry of users) {
    const user = isRecord(entry) ? entry.user : undefined;
    const exec = isRecord(user) ? user.exec : undefined;
    if (!isRecord(exec) || typeof exec.command !== "string" || !/(^|\/)kubelogin(\.exe)?$/.test(exec.command)) continue;
    const args: unknown[] = Array.isArray(exec.args) ? exec.args : [];
    const at = args.indexOf("--server-id");
    const serverId = at < 0 ? undefined : args[at + 1];
    if (typeof serverId !== "string") throw new Error(`${where}: the AKS user kubeconfig's kubelogin arguments carry no --server-id`);
    exec.args = ["get-token", "--login", "azurecli", "--server-id", serverId];
  }
  return stringify(config);
}
