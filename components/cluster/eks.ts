/**
 * EksCluster: an Amazon EKS cluster behind the cluster contract. Private API endpoint,
 * secrets encrypted with a rotating KMS key, every control-plane log type, access
 * entries (authentication mode API), managed add-ons at versions EKS reports for the
 * cluster's minor (VPC CNI network policy on), Graviton managed node groups from launch
 * templates (IMDSv2 only, encrypted root volumes), an encrypted default StorageClass, and
 * IRSA (or EKS Pod Identity) for workload identity.
 *
 * The rooms: this file (arguments, their checks, the cluster and its add-ons and node
 * groups), eks-network.ts (the VPC it makes when given none), eks-identity.ts (the IAM
 * roles the cluster runs on), eks-kubeconfig.ts (the kubeconfig it outputs);
 * clouds/aws.ts binds workload identities and buckets from its `cluster` output.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel, checkOneOf, componentToken, isRecord, withLegacyType } from "../args";
import { checkArray, checkCidr, checkCloudTags, checkClusterName, checkNodeLabels, checkNodePoolSize, checkPlainId, checkRecords, type NodePoolSize, checkPublicEndpoint } from "./checks";
import { checkLogRetentionDays, OIDC_AUDIENCE } from "./clouds/aws";
import { AwsWorkloadIdentity, type ClusterData } from "./contract";
import { eksAddonRoles, eksClusterRole, eksNodeRole } from "./eks-identity";
import { eksKubeconfig } from "./eks-kubeconfig";
import { eksNetwork } from "./eks-network";
import { checkAsOf } from "../days";
import { checkKubernetesVersion, kubernetesReleases } from "./kubernetes-versions";
import { validateArgs } from "../arg-validation";

export { eksKubeconfig } from "./eks-kubeconfig";

const COMPONENT = "EksCluster";

/** The managed add-ons every EksCluster runs. */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/** Every control-plane log type EKS has. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The CPU architecture of a node group's instances. */
export const EksNodeArch = {
  /** Graviton (AWS ARM) instances, e.g. m7g.large; AMI type AL2023_ARM_64_STANDARD. */
  Arm64: "arm64",
  /** x86-64 instances, e.g. m7i.large; AMI type AL2023_x86_64_STANDARD. */
  Amd64: "amd64",
} as const;
export type EksNodeArch = (typeof EksNodeArch)[keyof typeof EksNodeArch];

/** How a node group's instances are bought. */
export const EksCapacityType = {
  /** On-Demand instances. */
  OnDemand: "ON_DEMAND",
  /** Spot instances: cheaper, reclaimed by EC2 at two minutes' notice. */
  Spot: "SPOT",
} as const;
export type EksCapacityType = (typeof EksCapacityType)[keyof typeof EksCapacityType];

/** What EKS does when the cluster's Kubernetes minor leaves standard support. */
export const EksSupportType = {
  /** Upgrade the control plane to the next minor automatically. */
  Standard: "STANDARD",
  /** Keep the minor for up to 12 more months, at an extra charge per cluster hour. */
  Extended: "EXTENDED",
} as const;
export type EksSupportType = (typeof EksSupportType)[keyof typeof EksSupportType];

/** A managed node group. */
export interface EksNodeGroupArgs {
  /** Group name (a DNS label), unique within the cluster. */
  name: string;
  /** Fewest nodes, 1 to 450. */
  minSize: number;
  /** Most nodes, minSize to 450. */
  maxSize: number;
  /** Nodes to start with, between minSize and maxSize; the autoscaler's to change afterwards. Default: minSize. */
  desiredSize?: number;
  /** Size of each node's encrypted gp3 root volume in GB, 20 to 16384. Default: 50. */
  diskSizeGb?: number;
  /** EC2 instance types; all must match `arch`. Default: ["m7g.large"] for arm64, ["m7i.large"] for amd64. */
  instanceTypes?: string[];
  /** The instances' CPU architecture. Default: "arm64" (Graviton). */
  arch?: EksNodeArch;
  /** How the instances are bought. Default: "ON_DEMAND". */
  capacityType?: EksCapacityType;
  /** Kubernetes labels on the group's nodes (goplatform.dev/node-group is always added). Default: none. */
  labels?: { [key: string]: string };
}

/** Existing subnets to run the cluster in instead of a new VPC. */
export interface EksExistingNetwork {
  /** The VPC the subnets are in. */
  vpcId: pulumi.Input<string>;
  /** Private subnets for the control plane's network interfaces and the nodes: at least two, in different availability zones. */
  privateSubnetIds: pulumi.Input<string>[];
}

/** A public API endpoint, next to the private one. */
export interface EksPublicEndpoint {
  /** CIDR blocks allowed to reach it, at least one; blocks shorter than /8 (0.0.0.0/0 included) need `allowInternet`. */
  allowedCidrs: string[];
  /** Accept blocks shorter than /8 in `allowedCidrs`, 0.0.0.0/0 included: say so to open the endpoint to the internet. Default: false. */
  allowInternet?: boolean;
}

export interface EksClusterArgs {
  /** EKS cluster name (a DNS label). Default: the component name. */
  clusterName?: string;
  /**
   * Kubernetes minor, e.g. "1.36": one in EKS standard support on `asOf`, or in extended
   * support with `supportType` "EXTENDED". Default: the newest minor in standard support on
   * EKS, GKE and AKS on `asOf` (defaultKubernetesVersion).
   */
  kubernetesVersion?: string;
  /**
   * Day the Kubernetes support table is judged for (YYYY-MM-DD): the default minor and
   * whether `kubernetesVersion` is still in standard support are read for this day, and
   * goplatform's table must be at most 90 days older than it. Default: today (UTC).
   */
  asOf?: string;
  /**
   * The block of the new VPC, /16 to /20, cut into a private and a public subnet in each of
   * three availability zones, the nodes in the private ones behind one NAT gateway. Not
   * used with `existingNetwork`. Default: "10.0.0.0/16".
   */
  vpcCidr?: string;
  /** Zones for the new VPC, at least three, distinct. Default: the region's first three zones by name (whatever their state today, so the choice never moves). */
  availabilityZones?: string[];
  /** Run in existing private subnets and their VPC instead of creating a VPC. Default: none (a new VPC from `vpcCidr`). */
  existingNetwork?: EksExistingNetwork;
  /** A public API endpoint reachable only from its allow-list. Default: none; the endpoint is private to the VPC. */
  publicEndpoint?: EksPublicEndpoint;
  /**
   * IAM principal ARNs given cluster-admin through access entries, in addition to the
   * cluster creator (who always keeps cluster-admin through EKS's bootstrap access
   * entry: this component's Kubernetes provider runs as the creator). Default: none.
   */
  administrators?: string[];
  /**
   * Managed node groups, each launched from its own launch template: IMDSv2 only with a hop
   * limit of 1 (pods outside the host network cannot reach IMDS), an encrypted gp3 root volume
   * of `diskSizeGb`. Default: one group "system", 2–6 m7g.large (arm64) nodes, 3 to start, 50 GB disks.
   */
  nodeGroups?: EksNodeGroupArgs[];
  /**
   * Add-on version pins by add-on name (vpc-cni, kube-proxy, eks-pod-identity-agent,
   * coredns, aws-ebs-csi-driver), e.g. {"coredns": "v1.12.4-eksbuild.1"}; a pinned add-on
   * moves when its pin does. A "vpc-cni" pin must be v1.16.2 or later (AL2023 nodes;
   * network policy needs v1.14+). Default: no pins: each add-on takes the newest version
   * EKS lists for the cluster's minor (eks:DescribeAddonVersions) when it is created, and
   * keeps it afterwards (later runs do not upgrade it, not even after a change of
   * `kubernetesVersion`: pin the add-ons to move them).
   */
  addonVersions?: { [key: string]: string };
  /** How ServiceAccounts get IAM roles: "irsa" (IAM roles for service accounts) or "podIdentity" (EKS Pod Identity associations). Default: "irsa". */
  workloadIdentity?: AwsWorkloadIdentity;
  /**
   * What EKS does when the cluster's minor leaves standard support: "STANDARD" upgrades the
   * control plane to the next minor automatically; "EXTENDED" keeps the minor for up to 12
   * more months at an extra charge per cluster hour (EKS's own default). "EXTENDED" is also
   * the opt-in that lets `kubernetesVersion` name a minor already past standard support.
   * Default: "STANDARD" (set explicitly on the cluster's upgradePolicy).
   */
  supportType?: EksSupportType;
  /** Retention of the control-plane log group in days, one CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 3653). Default: 90. */
  logRetentionDays?: number;
  /**
   * Protect the cluster and its children from deletion: Pulumi `protect`, and EKS
   * deletion protection on the cluster. Default: the resource option `protect` when given, else true; opt out with false.
   */
  protect?: boolean;
  /** Tags for every AWS resource (goplatform.dev/cluster is always added). Default: none. */
  tags?: { [key: string]: string };
}

const DEFAULT_NODE_GROUP: EksNodeGroupArgs = { name: "system", minSize: 2, maxSize: 6, desiredSize: 3, diskSizeGb: 50 };
// Graviton families carry a "g" right after the generation digit: m7g, c7gn, r8g, t4g, x2gd.
const GRAVITON = /^[a-z]+\d+g[a-z]*\.[a-z0-9]+$/;
const INSTANCE_TYPE = /^[a-z]+\d+[a-z-]*\.[a-z0-9]+$/;
/**
 * The oldest pin each add-on may take, for what this component configures on it. Unpinned
 * add-ons take the newest build EKS lists for the minor (mostRecent), far above these for
 * every supported minor.
 */
const MINIMUM_ADDON_VERSIONS: Partial<Record<EksAddonName, { version: string; why: string }>> = {
  "vpc-cni": { version: "v1.16.2", why: "AL2023 nodes need VPC CNI v1.16.2 or later; network policy enforcement (enableNetworkPolicy) v1.14 or later" },
};

/** Compares "v1.2.3..." versions by their numeric major.minor.patch. */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (/^v(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

interface CheckedNodeGroup extends Required<NodePoolSize> {
  name: string;
  instanceTypes: string[];
  arch: EksNodeArch;
  capacityType: EksCapacityType;
  labels: Record<string, string>;
}

interface CheckedEksArgs {
  clusterName: string;
  kubernetesVersion: string;
  vpcCidr: string;
  availabilityZones?: string[];
  publicCidrs?: string[];
  nodeGroups: CheckedNodeGroup[];
  logRetentionDays: number;
  workloadIdentity: AwsWorkloadIdentity;
  supportType: EksSupportType;
}

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;

/**
 * The args checked; `region` is the AWS region the cluster goes to when the check can
 * know it (aws:region with the default provider), for the zones.
 */
function checkArgs(name: string, args: EksClusterArgs, region?: string): CheckedEksArgs {
  const clusterName = checkClusterName(COMPONENT, args.clusterName ?? name);
  const supportType = checkOneOf(COMPONENT, "supportType", args.supportType ?? EksSupportType.Standard, Object.values(EksSupportType));
  const day = checkAsOf(COMPONENT, args.asOf, "asOf", kubernetesReleases.coversFrom());
  const kubernetesVersion = checkKubernetesVersion(COMPONENT, "aws", args.kubernetesVersion, { day, extendedSupport: supportType === EksSupportType.Extended });
  const vpcCidr = args.vpcCidr ?? "10.0.0.0/16";
  const prefix = checkCidr(COMPONENT, "vpcCidr", vpcCidr);
  if (prefix < 16 || prefix > 20) throw new ArgumentError(COMPONENT, "vpcCidr", vpcCidr, "expected a VPC block from /16 to /20 (six subnets are cut from it)");
  if (args.availabilityZones !== undefined) {
    if (args.existingNetwork !== undefined) {
      throw new ArgumentError(COMPONENT, "availabilityZones", args.availabilityZones, "only a new VPC takes availabilityZones; with existingNetwork the subnets' zones are used");
    }
    if (!Array.isArray(args.availabilityZones) || args.availabilityZones.length < 3 || new Set(args.availabilityZones).size !== args.availabilityZones.length) {
      throw new ArgumentError(COMPONENT, "availabilityZones", args.availabilityZones, "expected at least three distinct availability zones");
    }
    for (const zone of args.availabilityZones) {
      if (!/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/.test(zone)) throw new ArgumentError(COMPONENT, "availabilityZones", zone, "expected an availability zone such as \"eu-west-1a\"");
      if (region !== undefined && zone.slice(0, -1) !== region) {
        throw new ArgumentError(COMPONENT, "availabilityZones", zone, `expected a zone of the cluster's region ${region} (aws:region), such as "${region}a"`);
      }
    }
  }
  if (args.existingNetwork !== undefined) {
    // Checked at run time too: other languages bypass the types.
    const network: unknown = args.existingNetwork;
    const vpcId = isRecord(network) ? network.vpcId : network;
    if (vpcId === undefined || vpcId === "" || vpcId === null) {
      throw new ArgumentError(COMPONENT, "existingNetwork.vpcId", vpcId, "expected the id of the VPC the private subnets are in");
    }
    checkPlainId(COMPONENT, "existingNetwork.vpcId", vpcId, VPC_ID, "expected a VPC id such as \"vpc-0123456789abcdef0\"");
    const subnets: unknown = isRecord(network) ? network.privateSubnetIds : undefined;
    if (!Array.isArray(subnets) || subnets.length < 2) {
      throw new ArgumentError(COMPONENT, "existingNetwork.privateSubnetIds", Array.isArray(subnets) ? subnets.length : subnets, "expected at least two private subnets in different availability zones");
    }
    subnets.forEach((subnet, i) => {
      checkPlainId(COMPONENT, `existingNetwork.privateSubnetIds[${i}]`, subnet, SUBNET_ID, "expected a subnet id such as \"subnet-0123456789abcdef0\"");
    });
    const plain = subnets.filter((subnet) => typeof subnet === "string");
    if (new Set(plain).size !== plain.length) throw new ArgumentError(COMPONENT, "existingNetwork.privateSubnetIds", subnets, "expected distinct subnets, in different availability zones");
    if (args.vpcCidr !== undefined) {
      throw new ArgumentError(COMPONENT, "vpcCidr", args.vpcCidr, "only a new VPC takes vpcCidr; leave it out with existingNetwork");
    }
  }
  const publicCidrs = checkPublicEndpoint(COMPONENT, args.publicEndpoint);
  const groups = checkRecords(COMPONENT, "nodeGroups", args.nodeGroups ?? [DEFAULT_NODE_GROUP], "node groups");
  if (groups.length === 0) throw new ArgumentError(COMPONENT, "nodeGroups", [], "expected at least one node group");
  const seen = new Set<string>();
  const nodeGroups = groups.map((group, i): CheckedNodeGroup => {
    const where = `nodeGroups[${i}]`;
    checkDnsLabel(COMPONENT, `${where}.name`, group.name);
    if (seen.has(group.name)) throw new ArgumentError(COMPONENT, `${where}.name`, group.name, "expected node group names to be unique");
    seen.add(group.name);
    const size = checkNodePoolSize(COMPONENT, where, group, 450);
    const arch = checkOneOf(COMPONENT, `${where}.arch`, group.arch ?? EksNodeArch.Arm64, Object.values(EksNodeArch));
    const instanceTypes = checkArray(COMPONENT, `${where}.instanceTypes`, group.instanceTypes ?? [arch === "arm64" ? "m7g.large" : "m7i.large"], "EC2 instance types") as string[];
    if (instanceTypes.length === 0) throw new ArgumentError(COMPONENT, `${where}.instanceTypes`, [], "expected at least one instance type");
    for (const type of instanceTypes) {
      if (typeof type !== "string" || !INSTANCE_TYPE.test(type) || GRAVITON.test(type) !== (arch === "arm64")) {
        throw new ArgumentError(COMPONENT, `${where}.instanceTypes`, type, `expected an EC2 instance type for ${arch} (${arch === "arm64" ? "Graviton, e.g. m7g.large" : "e.g. m7i.large"})`);
      }
    }
    const capacityType = checkOneOf(COMPONENT, `${where}.capacityType`, group.capacityType ?? EksCapacityType.OnDemand, Object.values(EksCapacityType));
    const labels = checkNodeLabels(COMPONENT, `${where}.labels`, group.labels, "goplatform.dev/node-group");
    return { ...size, name: group.name, instanceTypes, arch, capacityType, labels };
  });
  const logRetentionDays = checkLogRetentionDays(COMPONENT, "logRetentionDays", args.logRetentionDays ?? 90);
  const workloadIdentity = checkOneOf(COMPONENT, "workloadIdentity", args.workloadIdentity ?? AwsWorkloadIdentity.Irsa, Object.values(AwsWorkloadIdentity));
  const pins: unknown = args.addonVersions ?? {};
  // A string would be read as pins named "0", "1", …
  if (!isRecord(pins)) throw new ArgumentError(COMPONENT, "addonVersions", pins, "expected a map of add-on names to versions, e.g. {\"coredns\": \"v1.12.4-eksbuild.1\"}");
  for (const [addon, version] of Object.entries(pins)) {
    if (!(EKS_ADDONS as readonly string[]).includes(addon)) throw new ArgumentError(COMPONENT, "addonVersions", addon, `expected add-ons among ${EKS_ADDONS.join(", ")}`);
    if (typeof version !== "string" || !/^v\d+\.\d+\.\d+-eksbuild\.\d+$/.test(version)) {
      throw new ArgumentError(COMPONENT, `addonVersions.${addon}`, version, "expected an EKS add-on version such as \"v1.19.2-eksbuild.1\"");
    }
    const minimum = MINIMUM_ADDON_VERSIONS[addon as EksAddonName];
    if (minimum !== undefined && compareVersions(version, minimum.version) < 0) {
      throw new ArgumentError(COMPONENT, `addonVersions.${addon}`, version, `expected ${minimum.version} or later (${minimum.why})`);
    }
  }
  for (const arn of checkArray(COMPONENT, "administrators", args.administrators ?? [], "IAM role or user ARNs")) {
    if (typeof arn !== "string" || !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) throw new ArgumentError(COMPONENT, "administrators", arn, "expected IAM role or user ARNs");
  }
  checkCloudTags(COMPONENT, "tags", "aws", args.tags, ["goplatform.dev/cluster"]);
  return { clusterName, kubernetesVersion, vpcCidr, availabilityZones: args.availabilityZones, publicCidrs, nodeGroups, logRetentionDays, workloadIdentity, supportType };
}

export class EksCluster extends pulumi.ComponentResource {
  /**
   * What in-cluster components take as `cluster`: cloud "aws", the kubeconfig (a secret,
   * usable once the default StorageClass exists), the OIDC issuer, and the IRSA/Pod Identity
   * data (partition, region, OIDC provider ARN, workload identity, tags).
   */
  readonly cluster: ClusterData;
  /** The EKS cluster's name. */
  readonly clusterName: pulumi.Output<string>;
  /** The cluster's Kubernetes minor, e.g. "1.34". */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** A kubeconfig (`aws eks get-token`), a secret; usable once the node groups exist. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The issuer URL of the cluster's ServiceAccount tokens. */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** ARN of the IAM OIDC identity provider for that issuer (the IRSA trust). */
  readonly oidcProviderArn: pulumi.Output<string>;
  /** The Kubernetes API endpoint (private to the VPC unless `publicEndpoint` is set). */
  readonly endpoint: pulumi.Output<string>;
  /** ARN of the KMS key that envelope-encrypts the cluster's Secrets. */
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The VPC the cluster runs in (new, or `existingNetwork.vpcId`). */
  readonly vpcId: pulumi.Output<string>;
  /** The security group EKS creates for the cluster: on the control plane's ENIs and on every managed node. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** The private subnets of the control plane's network interfaces and the nodes. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The cluster's default StorageClass: EBS gp3, encrypted, bound where the pod lands. */
  readonly storageClassName: pulumi.Output<string>;
  /** The version each managed add-on runs, by add-on name. */
  readonly addonVersions: pulumi.Output<{ [key: string]: string }>;
  /** The AWS region of the cluster. */
  readonly region: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // The zones' region is known here only with the default provider (aws:region or AWS_REGION), not one inherited from a parent.
    const region = opts?.provider === undefined && opts?.providers === undefined && opts?.parent === undefined ? aws.config.region : undefined;
    // One value for Pulumi's protect and EKS's deletionProtection.
    const protect = args.protect ?? opts?.protect ?? true;
    const { checked, opts: validatedOpts } = validateArgs("EksCluster", args, (a) => checkArgs(name, a, region), withLegacyType("goplatform:aws:EksCluster", { ...opts, protect }));
    super(componentToken("EksCluster"), name, {}, validatedOpts);
    const parent = { parent: this };
    const tags = { ...args.tags, "goplatform.dev/cluster": checked.clusterName };
    this.region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;

    const network =
      args.existingNetwork === undefined
        ? eksNetwork(COMPONENT, name, { vpcCidr: checked.vpcCidr, availabilityZones: checked.availabilityZones, tags }, this)
        : { vpcId: pulumi.output(args.existingNetwork.vpcId), privateSubnetIds: pulumi.output(args.existingNetwork.privateSubnetIds) };

    const key = new aws.kms.Key(
      `${name}-secrets`,
      { description: `EKS ${checked.clusterName}: Kubernetes secrets envelope encryption`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      parent,
    );
    const { role: clusterRole, attachment: clusterPolicy } = eksClusterRole(name, partition, tags, this);
    // EKS writes to this group; creating it first sets the retention.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      { name: `/aws/eks/${checked.clusterName}/cluster`, retentionInDays: checked.logRetentionDays, tags },
      parent,
    );

    const cluster = new aws.eks.Cluster(
      name,
      {
        name: checked.clusterName,
        version: checked.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: network.privateSubnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: checked.publicCidrs !== undefined,
          publicAccessCidrs: checked.publicCidrs,
        },
        encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: [...EKS_LOG_TYPES],
        // The identity running `pulumi up` keeps cluster-admin (this component's own provider
        // needs it); `administrators` are access entries on top. Changing this field replaces the cluster.
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        // The managed add-ons below replace the self-managed defaults.
        bootstrapSelfManagedAddons: false,
        deletionProtection: protect,
        // EKS defaults to EXTENDED: a minor past standard support would stay, at extra cost, until someone upgrades it.
        upgradePolicy: { supportType: checked.supportType },
        tags,
      },
      { parent: this, dependsOn: [clusterPolicy, logGroup] },
    );

    (args.administrators ?? []).forEach((principalArn, i) => {
      const entry = new aws.eks.AccessEntry(`${name}-admin-${i}`, { clusterName: cluster.name, principalArn, type: "STANDARD", tags }, parent);
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${i}`,
        { clusterName: cluster.name, principalArn, policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`, accessScope: { type: "cluster" } },
        { parent: this, dependsOn: [entry] },
      );
    });

    const issuer = cluster.identities.apply((ids) => {
      const url = ids[0]?.oidcs[0]?.issuer;
      if (url === undefined) throw new Error(`${COMPONENT} ${name}: EKS reported no OIDC issuer`);
      return url;
    });
    const oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: issuer, clientIdLists: [OIDC_AUDIENCE], tags }, parent);
    this.oidcIssuerUrl = issuer;
    this.oidcProviderArn = oidcProvider.arn;

    // Add-ons: the network ones before nodes join, the ones that schedule pods after.
    const addonVersions: Partial<Record<EksAddonName, pulumi.Output<string>>> = {};
    const addon = (addonName: EksAddonName, extra: { serviceAccountRoleArn?: pulumi.Input<string>; configurationValues?: string }, dependsOn: pulumi.Resource[]) => {
      const pinned = args.addonVersions?.[addonName];
      const version =
        pinned !== undefined ? pulumi.output(pinned) : aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: checked.kubernetesVersion, mostRecent: true }, parent).version;
      const resource = new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: cluster.name,
          addonName,
          addonVersion: version,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          ...extra,
          tags,
        },
        // An unpinned add-on keeps the version it was created with: the lookup answers
        // differently whenever EKS publishes a build, and an unrelated `pulumi up` must
        // not upgrade it. Pinned add-ons follow their pins.
        { parent: this, dependsOn, ignoreChanges: pinned === undefined ? ["addonVersion"] : [] },
      );
      // What runs, as the provider reports it (not what the lookup would pick today).
      addonVersions[addonName] = resource.addonVersion;
      return resource;
    };
    const irsa = { oidcProviderArn: oidcProvider.arn, oidcIssuerUrl: issuer, partition, tags };
    const { cni: cniRole, ebs: ebsRole } = eksAddonRoles(name, irsa, this);
    const networkAddons = [
      // Network policy enforcement: the CNI's node agent (a container in aws-node) applies
      // NetworkPolicy objects with eBPF; without it they are accepted and ignored.
      addon("vpc-cni", { serviceAccountRoleArn: cniRole.arn, configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) }, [cluster]),
      addon("kube-proxy", {}, [cluster]),
      addon("eks-pod-identity-agent", {}, [cluster]),
    ];

    const { role: nodeRole, attachments: nodePolicies } = eksNodeRole(name, partition, tags, this);
    const nodeGroups = checked.nodeGroups.map((group) => {
      // Our own launch template (EKS would generate one otherwise): IMDSv2 only, with a hop
      // limit of 1 so that pods outside the host network cannot reach the node role through
      // IMDS (they get credentials from IRSA or Pod Identity; the add-ons that talk to AWS run
      // in the host network or fall back to the Kubernetes API for their metadata), and an
      // encrypted gp3 root volume. The disk size lives here: EKS refuses `diskSize` on a group
      // with a launch template. No security groups here, so EKS keeps attaching the cluster
      // security group to the nodes.
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${group.name}`,
        {
          description: `EKS ${checked.clusterName}: managed node group ${group.name}`,
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
          // /dev/xvda: the root device of the EKS AL2023 AMIs (both architectures).
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: group.diskSizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
          tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: { ...tags, Name: `${checked.clusterName}-${group.name}` } })),
          tags,
        },
        parent,
      );
      return new aws.eks.NodeGroup(
        `${name}-${group.name}`,
        {
          clusterName: cluster.name,
          nodeGroupNamePrefix: `${group.name}-`,
          nodeRoleArn: nodeRole.arn,
          subnetIds: network.privateSubnetIds,
          version: checked.kubernetesVersion,
          amiType: group.arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
          instanceTypes: group.instanceTypes,
          capacityType: group.capacityType,
          // A new template version (any change above) rolls the group's nodes.
          launchTemplate: { id: template.id, version: template.latestVersion.apply((v) => String(v)) },
          scalingConfig: { minSize: group.minSize, maxSize: group.maxSize, desiredSize: group.desiredSize },
          updateConfig: { maxUnavailable: 1 },
          labels: { ...group.labels, "goplatform.dev/node-group": group.name },
          tags,
        },
        // The desired size is the autoscaler's to change once the group exists.
        { parent: this, dependsOn: [...nodePolicies, ...networkAddons], ignoreChanges: ["scalingConfig.desiredSize"] },
      );
    });
    addon("coredns", {}, nodeGroups);
    const ebsDriver = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsRole.arn }, nodeGroups);

    this.clusterName = cluster.name;
    this.kubernetesVersion = pulumi.output(checked.kubernetesVersion);
    this.endpoint = cluster.endpoint;
    this.kmsKeyArn = key.arn;
    this.vpcId = network.vpcId;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.privateSubnetIds = network.privateSubnetIds;
    this.addonVersions = pulumi.all(addonVersions as Record<string, pulumi.Output<string>>);
    // The kubeconfig waits for the node groups: whatever deploys with it needs nodes to run on.
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority, this.region, pulumi.all(nodeGroups.map((group) => group.id))])
        .apply(([clusterName, endpoint, ca, region]) => eksKubeconfig(clusterName, endpoint, ca.data, region)),
    );
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
    // EKS clusters from 1.30 have no default StorageClass, so claims without a class (Thanos
    // Store and Compactor, pipeline workspaces) would stay Pending. The EBS add-on's own
    // `defaultStorageClass` option makes one without parameters (gp3, unencrypted unless the
    // account encrypts by default); this one is encrypted (with the aws/ebs key). Reclaim
    // Delete: the claims here hold caches rebuilt from the bucket and per-run scratch, and
    // Retain would leave a billed, orphaned volume behind every deleted claim. Claims created
    // before the class exists get it once it does (retroactive default StorageClass, GA in 1.28).
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3-encrypted`,
      {
        metadata: { name: "gp3-encrypted", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
      },
      { parent: this, provider, dependsOn: [ebsDriver] },
    );
    this.storageClassName = storageClass.metadata.name;
    this.cluster = {
      cloud: "aws",
      name: this.clusterName,
      kubernetesVersion: this.kubernetesVersion,
      // In-cluster components also need the default StorageClass in place.
      kubeconfig: pulumi.secret(pulumi.all([this.kubeconfig, storageClass.id]).apply(([kubeconfig]) => kubeconfig)),
      oidcIssuerUrl: issuer,
      aws: { partition, region: this.region, oidcProviderArn: oidcProvider.arn, workloadIdentity: checked.workloadIdentity, tags },
    };
    this.registerOutputs({
      clusterName: this.clusterName,
      kubernetesVersion: this.kubernetesVersion,
      endpoint: this.endpoint,
      oidcIssuerUrl: this.oidcIssuerUrl,
      oidcProviderArn: this.oidcProviderArn,
      kmsKeyArn: this.kmsKeyArn,
      vpcId: this.vpcId,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      privateSubnetIds: this.privateSubnetIds,
      addonVersions: this.addonVersions,
      storageClassName: this.storageClassName,
      kubeconfig: this.kubeconfig,
      cluster: this.cluster,
    });
  }
}
