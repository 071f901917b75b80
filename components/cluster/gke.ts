/**
 * GkeCluster: a regional Google Kubernetes Engine cluster behind the Cluster contract.
 * Private nodes, a private IP endpoint with the IAM-authorized DNS endpoint for
 * callers outside the VPC, a release channel, Workload Identity, Binary Authorization
 * enforcing the project policy, shielded nodes, Dataplane V2 (network policy built in),
 * Secrets encrypted with a Cloud KMS key, a weekly maintenance window with the minor
 * held until its end of support, a dedicated least-privilege node service account and a
 * managed node pool in place of the default one; Autopilot as an option.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ArgumentError, checkBoolean, checkNotEmpty, checkNumber, checkOneOf, componentToken, isRecord, withLegacyType } from "../args";
import { checkCloudTags, checkClusterName, checkDisjointRanges, checkNodeLabels, checkNodePoolSize, checkPlainId, checkRecords, type NodePoolSize, checkPublicEndpoint } from "./checks";
import { accountId, checkGcpRegion } from "./clouds/gcp";
import type { ClusterData } from "./contract";
import { checkAsOf } from "../days";
import { checkKubernetesVersion, kubernetesReleases } from "./kubernetes-versions";
import { validateArgs } from "../arg-validation";

const COMPONENT = "GkeCluster";

/** GKE release channels: how soon new versions reach the cluster. */
export const GkeReleaseChannel = {
  /** Newest versions first, shortest support. */
  Rapid: "RAPID",
  /** Versions a few weeks after Rapid: the usual choice. */
  Regular: "REGULAR",
  /** Versions after Regular, for change-averse clusters. */
  Stable: "STABLE",
  /** Stable's versions with extended support (longer on a minor, at extra cost). */
  Extended: "EXTENDED",
} as const;
export type GkeReleaseChannel = (typeof GkeReleaseChannel)[keyof typeof GkeReleaseChannel];

/** Every release channel GKE offers. */
export const GKE_RELEASE_CHANNELS: GkeReleaseChannel[] = Object.values(GkeReleaseChannel);

/** Roles the node service account gets: GKE's own least-privilege node role, and pulling images. */
export const GKE_NODE_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"] as const;

/** Days of the week as RFC 5545 writes them (`BYDAY`). */
export const GkeWeekday = {
  /** Monday. */
  Monday: "MO",
  /** Tuesday. */
  Tuesday: "TU",
  /** Wednesday. */
  Wednesday: "WE",
  /** Thursday. */
  Thursday: "TH",
  /** Friday. */
  Friday: "FR",
  /** Saturday. */
  Saturday: "SA",
  /** Sunday. */
  Sunday: "SU",
} as const;
export type GkeWeekday = (typeof GkeWeekday)[keyof typeof GkeWeekday];

/** The weekdays in order, Monday first. */
export const GKE_WEEKDAYS: GkeWeekday[] = Object.values(GkeWeekday);

/**
 * A weekly window in which GKE may run automatic maintenance (upgrades, and other
 * changes that respect maintenance policies), in UTC. GKE requires at least 48 hours of
 * windows of four hours or more in any 32 days; since any 32 days hold every weekday at
 * least four times, `days.length × hours` must be at least 12.
 */
export interface GkeMaintenanceWindow {
  /** Days the window starts on (UTC), distinct, e.g. ["SA", "SU"]. */
  days: GkeWeekday[];
  /** Hour of the day it starts, 0–23 UTC. */
  startHour: number;
  /** Length in hours, 4–24. */
  hours: number;
}

/** Saturdays and Sundays, 00:00–08:00 UTC: 16 hours a week. */
export const DEFAULT_GKE_MAINTENANCE_WINDOW: GkeMaintenanceWindow = { days: ["SA", "SU"], startHour: 0, hours: 8 };

/** A managed node pool. Sizes are per zone: a regional pool runs in three zones. */
export interface GkeNodePoolArgs extends NodePoolSize {
  /** Pool name: a DNS label of at most 40 characters, unique in the cluster. */
  name: string;
  /** Compute Engine machine type. Default: "e2-standard-4". */
  machineType?: string;
  /** Run on Spot VMs (cheaper, can be reclaimed at any time). Default: false. */
  spot?: boolean;
  /** Kubernetes node labels. Default: none (the pool's own `goplatform.dev/node-pool` label is always set). */
  labels?: { [key: string]: string };
}

/** A VPC network and subnet the caller already has, instead of the one GkeCluster creates. */
export interface GkeExistingNetwork {
  /** The VPC network's id or self link. */
  network: pulumi.Input<string>;
  /** The subnetwork's id or self link, in the cluster's region; it holds the nodes. */
  subnetwork: pulumi.Input<string>;
  /** Name of the subnetwork's secondary range for pods. */
  podRangeName: pulumi.Input<string>;
  /** Name of the subnetwork's secondary range for services. */
  serviceRangeName: pulumi.Input<string>;
}

/** A public control-plane endpoint, open only to an allow-list. */
export interface GkePublicEndpoint {
  /**
   * IPv4 CIDR blocks allowed to reach the public endpoint, at least one. Blocks shorter
   * than /8 (0.0.0.0/0 included) are refused unless `allowInternet` is true.
   */
  allowedCidrs: string[];
  /** Accept blocks shorter than /8 (up to the whole internet) in `allowedCidrs`. Default: false. */
  allowInternet?: boolean;
}

/** Where the key for application-layer Secrets encryption comes from. */
export const GkeSecretsEncryptionMode = {
  /**
   * A new Cloud KMS key ring and key in the cluster's region, rotated every 90 days,
   * retained when the stack is destroyed or the key replaced (data encrypted with a
   * destroyed key is lost), and the project's GKE service agent given
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it before the cluster is created.
   */
  Create: "create",
  /** The caller's Cloud KMS key, `keyName`; the GKE service agent must already hold that role on it. */
  Key: "key",
  /** No application-layer encryption: Google's default encryption at rest only. */
  Off: "off",
} as const;
export type GkeSecretsEncryptionMode = (typeof GkeSecretsEncryptionMode)[keyof typeof GkeSecretsEncryptionMode];

/** Application-layer encryption of Kubernetes Secrets with a Cloud KMS key. */
export interface GkeSecretsEncryption {
  /** "create" (a new key), "key" (the caller's `keyName`) or "off". */
  mode: GkeSecretsEncryptionMode;
  /**
   * With mode "key" only, and required then: the key id
   * `projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>`, in the
   * cluster's region. Default: none.
   */
  keyName?: string;
}

export interface GkeClusterArgs {
  /** GKE cluster name (a DNS label, at most 40 characters). Default: the component name. */
  clusterName?: string;
  /** GCP project id. Default: the provider's (`gcp:project`). */
  project?: string;
  /** Region, e.g. "europe-west1" (a regional cluster; zones are refused). Default: the provider's (`gcp:region`). */
  region?: string;
  /**
   * Kubernetes minor, e.g. "1.36": one in GKE standard support on `asOf`, or in extended
   * support with `releaseChannel` "EXTENDED". Default: the newest minor in standard support
   * on EKS, GKE and AKS on `asOf` (defaultKubernetesVersion).
   */
  kubernetesVersion?: string;
  /**
   * Day the Kubernetes support table is judged for (YYYY-MM-DD): the default minor and
   * whether `kubernetesVersion` is still in standard support are read for this day, and
   * goplatform's table must be at most 90 days older than it. Default: today (UTC).
   */
  asOf?: string;
  /**
   * Release channel. "EXTENDED" is GKE's extended support (charged): the only channel that
   * keeps a minor past its end of standard support, and the opt-in that lets
   * `kubernetesVersion` name such a minor. Default: "REGULAR".
   */
  releaseChannel?: GkeReleaseChannel;
  /** Autopilot instead of Standard: Google manages the nodes; `nodePools` must be left out. Default: false. */
  autopilot?: boolean;
  /**
   * Primary range of the new subnet, for the nodes (host bits clear). Not used with
   * `existingNetwork`. Default: "10.10.0.0/20".
   */
  nodeCidr?: string;
  /** Secondary range of the new subnet for pods. Not used with `existingNetwork`. Default: "10.16.0.0/14". */
  podCidr?: string;
  /** Secondary range of the new subnet for services. Not used with `existingNetwork`. Default: "10.20.0.0/20". */
  serviceCidr?: string;
  /**
   * Put the cluster in a network the caller already has. Default: none; a new VPC
   * network and subnet (`nodeCidr`, with `podCidr` and `serviceCidr` as secondary
   * ranges) and Cloud NAT for the private nodes' egress.
   */
  existingNetwork?: GkeExistingNetwork;
  /**
   * A public control-plane endpoint, reachable only from `allowedCidrs`. Default: none;
   * only the private endpoint (and the DNS endpoint, see `dnsEndpoint`).
   */
  publicEndpoint?: GkePublicEndpoint;
  /**
   * Open GKE's DNS-based control-plane endpoint (`gke-….<region>.gke.goog`) to callers
   * outside the VPC, and point `kubeconfig` at it. Every request to it is authorized by
   * Google IAM (`container.clusters.connect`) before it reaches the API server, and
   * Kubernetes RBAC still applies; no network allow-list is involved. The IP endpoint
   * stays private, so the machine running `pulumi up` reaches the API server without a
   * VPN or bastion, which the private IP alone would not allow. `false` closes the DNS
   * endpoint to traffic from outside Google Cloud (`allowExternalTraffic: false`) and
   * the kubeconfig uses the IP endpoint: the private address, unreachable from outside
   * the VPC unless `publicEndpoint` is set. Default: true.
   */
  dnsEndpoint?: boolean;
  /**
   * When GKE may run automatic maintenance: a weekly recurring window in UTC. Default:
   * Saturdays and Sundays, 00:00–08:00 UTC (DEFAULT_GKE_MAINTENANCE_WINDOW).
   */
  maintenanceWindow?: GkeMaintenanceWindow;
  /**
   * Keep the cluster on `kubernetesVersion`: `minMasterVersion` is only a floor, and the
   * release channel would otherwise upgrade the minor on its own schedule. A maintenance
   * exclusion with scope `NO_MINOR_UPGRADES` and end `UNTIL_END_OF_SUPPORT` stops
   * automatic minor upgrades of the control plane and nodes until the minor's end of
   * support, while patches still arrive in `maintenanceWindow`; the exclusion's end
   * follows each minor a change of `kubernetesVersion` moves to. At end of support GKE
   * upgrades anyway. `false` lets the channel move the minor; `runningKubernetesVersion`
   * shows where it is. Default: true.
   */
  holdMinorVersion?: boolean;
  /**
   * Application-layer encryption of Kubernetes Secrets with a Cloud KMS key, on top of
   * Google's default encryption at rest: a new key (mode "create"), the caller's (mode
   * "key" with `keyName`), or none (mode "off"). Default: { mode: "create" }, a new key
   * ring and key in the cluster's region, retained on destroy, that the GKE service agent
   * may use.
   */
  secretsEncryption?: GkeSecretsEncryption;
  /**
   * Node pools (Standard only). Default: one pool "system" of e2-standard-4 nodes, 1–3
   * per zone, 1 to start, 50 GB disks.
   */
  nodePools?: GkeNodePoolArgs[];
  /**
   * Protect the cluster and its children from deletion: Pulumi `protect`, and GKE
   * deletion protection on the cluster. Default: `opts.protect`, else true; opt out with false.
   */
  protect?: boolean;
  /** Labels for every GCP resource (and the buckets in-cluster components create). Default: none. */
  labels?: { [key: string]: string };
}

const DEFAULT_POOL: GkeNodePoolArgs = { name: "system", minSize: 1, maxSize: 3, desiredSize: 1, diskSizeGb: 50 };
const MACHINE_TYPE = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** The key for Secrets encryption, checked: create one, use the caller's, or none. */
type CheckedSecretsEncryption = { mode: "create" } | { mode: "key"; keyName: string } | { mode: "off" };

interface CheckedGkeArgs {
  clusterName: string;
  project: string;
  region: string;
  kubernetesVersion: string;
  releaseChannel: GkeReleaseChannel;
  autopilot: boolean;
  cidrs: { node: string; pod: string; service: string };
  publicCidrs?: string[];
  dnsEndpoint: boolean;
  maintenance: { recurrence: string; startTime: string; endTime: string };
  holdMinorVersion: boolean;
  secretsEncryption: CheckedSecretsEncryption;
  nodePools: (Required<NodePoolSize> & { name: string; machineType: string; spot: boolean; labels: Record<string, string> })[];
}

function checkArgs(name: string, args: GkeClusterArgs): CheckedGkeArgs {
  const clusterName = checkClusterName(COMPONENT, args.clusterName ?? name);
  if (clusterName.length > 40) throw new ArgumentError(COMPONENT, "clusterName", clusterName, "expected at most 40 characters (GKE's limit)");
  const project = args.project ?? gcp.config.project;
  if (project === undefined || !PROJECT.test(project)) throw new ArgumentError(COMPONENT, "project", project, "expected a GCP project id (or set gcp:project)");
  const region = args.region ?? gcp.config.region;
  if (region === undefined) throw new ArgumentError(COMPONENT, "region", region, "expected a GCP region such as \"europe-west1\" (or set gcp:region)");
  checkGcpRegion(COMPONENT, "region", region);
  const day = checkAsOf(COMPONENT, args.asOf, "asOf", kubernetesReleases.coversFrom());
  const releaseChannel = checkOneOf(COMPONENT, "releaseChannel", args.releaseChannel ?? GkeReleaseChannel.Regular, GKE_RELEASE_CHANNELS);
  const kubernetesVersion = checkKubernetesVersion(COMPONENT, "gcp", args.kubernetesVersion, { day, extendedSupport: releaseChannel === GkeReleaseChannel.Extended });
  const cidrs = { node: args.nodeCidr ?? "10.10.0.0/20", pod: args.podCidr ?? "10.16.0.0/14", service: args.serviceCidr ?? "10.20.0.0/20" };
  if (args.existingNetwork !== undefined) {
    checkExistingNetwork(args.existingNetwork, region);
    for (const argument of ["nodeCidr", "podCidr", "serviceCidr"] as const) {
      if (args[argument] !== undefined) throw new ArgumentError(COMPONENT, argument, args[argument], "only the new subnet takes it; with existingNetwork the subnet's own ranges are used");
    }
  } else {
    // The subnet's primary range and its two secondary ranges: GKE refuses overlapping ones.
    checkDisjointRanges(COMPONENT, [
      { argument: "nodeCidr", cidr: cidrs.node, given: args.nodeCidr !== undefined },
      { argument: "podCidr", cidr: cidrs.pod, given: args.podCidr !== undefined },
      { argument: "serviceCidr", cidr: cidrs.service, given: args.serviceCidr !== undefined },
    ]);
  }
  const publicCidrs = checkPublicEndpoint(COMPONENT, args.publicEndpoint);
  const autopilot = checkBoolean(COMPONENT, "autopilot", args.autopilot ?? false);
  const pools = checkRecords(COMPONENT, "nodePools", args.nodePools ?? (autopilot ? [] : [DEFAULT_POOL]), "node pools");
  if (autopilot && args.nodePools !== undefined) throw new ArgumentError(COMPONENT, "nodePools", pools.map((p) => p.name), "Autopilot manages the nodes; leave nodePools out");
  if (!autopilot && pools.length === 0) throw new ArgumentError(COMPONENT, "nodePools", [], "expected at least one node pool");
  const seen = new Set<string>();
  const nodePools = pools.map((pool, i) => {
    const where = `nodePools[${i}]`;
    if (typeof pool.name !== "string" || !/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(pool.name) || seen.has(pool.name)) {
      throw new ArgumentError(COMPONENT, `${where}.name`, pool.name, "expected a unique DNS label of at most 40 characters");
    }
    seen.add(pool.name);
    const size = checkNodePoolSize(COMPONENT, where, pool, 1000);
    const machineType = pool.machineType ?? "e2-standard-4";
    if (!MACHINE_TYPE.test(machineType)) throw new ArgumentError(COMPONENT, `${where}.machineType`, machineType, "expected a Compute Engine machine type such as \"e2-standard-4\"");
    const spot = checkBoolean(COMPONENT, `${where}.spot`, pool.spot ?? false);
    const labels = checkNodeLabels(COMPONENT, `${where}.labels`, pool.labels, "goplatform.dev/node-pool");
    return { ...size, name: pool.name, machineType, spot, labels };
  });
  const dnsEndpoint = checkBoolean(COMPONENT, "dnsEndpoint", args.dnsEndpoint ?? true);
  const maintenance = checkMaintenanceWindow(args.maintenanceWindow ?? DEFAULT_GKE_MAINTENANCE_WINDOW);
  const holdMinorVersion = checkBoolean(COMPONENT, "holdMinorVersion", args.holdMinorVersion ?? true);
  const secretsEncryption = checkSecretsEncryption(args.secretsEncryption, region);
  checkCloudTags(COMPONENT, "labels", "gcp", args.labels, ["goplatform-cluster"]);
  return { clusterName, project, region, kubernetesVersion, releaseChannel, autopilot, cidrs, publicCidrs, dnsEndpoint, maintenance, holdMinorVersion, secretsEncryption, nodePools };
}

const RANGE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `existingNetwork`: secondary range names GCP takes, and a subnetwork in the cluster's region when its path names one. */
function checkExistingNetwork(network: GkeExistingNetwork, region: string): void {
  const value: unknown = network;
  if (!isRecord(value)) throw new ArgumentError(COMPONENT, "existingNetwork", value, "expected { network, subnetwork, podRangeName, serviceRangeName }");
  checkNotEmpty(COMPONENT, "existingNetwork.network", value.network, "the VPC network's name or self link");
  checkNotEmpty(COMPONENT, "existingNetwork.subnetwork", value.subnetwork, "the subnetwork's name or self link");
  for (const field of ["podRangeName", "serviceRangeName"] as const) {
    checkPlainId(COMPONENT, `existingNetwork.${field}`, value[field], RANGE_NAME, "expected the name of one of the subnetwork's secondary ranges: 1-63 lowercase letters, digits and '-', starting with a letter");
  }
  if (typeof value.podRangeName === "string" && value.podRangeName === value.serviceRangeName) {
    throw new ArgumentError(COMPONENT, "existingNetwork.serviceRangeName", value.serviceRangeName, "expected a range other than existingNetwork.podRangeName: pods and services need ranges of their own");
  }
  const subnetRegion = typeof value.subnetwork === "string" ? /(?:^|\/)regions\/([a-z0-9-]+)\/subnetworks\//.exec(value.subnetwork)?.[1] : undefined;
  if (subnetRegion !== undefined && subnetRegion !== region) {
    throw new ArgumentError(COMPONENT, "existingNetwork.subnetwork", value.subnetwork, `expected a subnetwork in the cluster's region ${region} (region), not ${subnetRegion}`);
  }
}

const CRYPTO_KEY = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/([a-z0-9-]+)\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
const KEY_ID = "projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>";

/** `secretsEncryption`: a mode, and a key id exactly when the mode is "key". */
function checkSecretsEncryption(value: GkeSecretsEncryption | undefined, region: string): CheckedSecretsEncryption {
  if (value === undefined) return { mode: "create" };
  if (!isRecord(value)) throw new ArgumentError(COMPONENT, "secretsEncryption", value, "expected { mode: \"create\" | \"key\" | \"off\", keyName? }");
  const mode = checkOneOf(COMPONENT, "secretsEncryption.mode", value.mode, Object.values(GkeSecretsEncryptionMode));
  const keyName = value.keyName;
  if (mode !== "key") {
    if (keyName !== undefined) throw new ArgumentError(COMPONENT, "secretsEncryption.keyName", keyName, `only mode "key" takes a keyName (mode "${mode}" ${mode === "create" ? "makes a new key" : "uses no key"})`);
    return { mode };
  }
  const location = typeof keyName === "string" ? CRYPTO_KEY.exec(keyName)?.[1] : undefined;
  if (typeof keyName !== "string" || location === undefined) throw new ArgumentError(COMPONENT, "secretsEncryption.keyName", keyName, `mode "key" needs a Cloud KMS key id ${KEY_ID}`);
  if (location !== region) {
    throw new ArgumentError(COMPONENT, "secretsEncryption.keyName", keyName, `expected a key in the cluster's region ${region} (GKE's guidance: the key in the cluster's location)`);
  }
  return { mode, keyName };
}

/**
 * Any fixed past date works as the first occurrence: the recurrence picks the days and
 * only the time of day and the length are read from it. A constant, so the inputs
 * never change between runs; written as GKE returns it (UTC, whole seconds), so that
 * no diff shows.
 */
const MAINTENANCE_EPOCH = Date.UTC(2025, 0, 1);
const MAINTENANCE_EXCLUSION_START = "2025-01-01T00:00:00Z";
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A maintenance window as GKE's recurring window: RRULE and first start and end. */
function checkMaintenanceWindow(window: GkeMaintenanceWindow): { recurrence: string; startTime: string; endTime: string } {
  const days: unknown = window.days;
  if (!Array.isArray(days) || days.length === 0 || new Set(days).size !== days.length || !days.every((d) => (GKE_WEEKDAYS as readonly unknown[]).includes(d))) {
    throw new ArgumentError(COMPONENT, "maintenanceWindow.days", days, `expected distinct days among ${GKE_WEEKDAYS.join(", ")}`);
  }
  checkNumber(COMPONENT, "maintenanceWindow.startHour", window.startHour, { min: 0, max: 23, integer: true });
  // GKE counts only windows of four hours or more.
  checkNumber(COMPONENT, "maintenanceWindow.hours", window.hours, { min: 4, max: 24, integer: true });
  if (days.length * window.hours < 12) {
    throw new ArgumentError(COMPONENT, "maintenanceWindow", window, "expected at least 12 hours a week (days × hours), so any 32 days hold the 48 hours GKE requires");
  }
  const ordered = GKE_WEEKDAYS.filter((d) => (days as readonly string[]).includes(d));
  const start = MAINTENANCE_EPOCH + window.startHour * 3_600_000;
  return { recurrence: `FREQ=WEEKLY;BYDAY=${ordered.join(",")}`, startTime: rfc3339(start), endTime: rfc3339(start + window.hours * 3_600_000) };
}

export class GkeCluster extends pulumi.ComponentResource {
  /**
   * What in-cluster components take as `cluster`: cloud "gcp", the kubeconfig (a
   * secret, usable once the node pools exist), the OIDC issuer and the Workload
   * Identity data (project, region, workload pool, labels).
   */
  readonly cluster: ClusterData;
  /** The GKE cluster's name. */
  readonly clusterName: pulumi.Output<string>;
  /** The minor asked for (`kubernetesVersion`), known at preview. */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** The minor the control plane runs, read from GKE (`masterVersion`), e.g. "1.34". */
  readonly runningKubernetesVersion: pulumi.Output<string>;
  /** A kubeconfig (gke-gcloud-auth-plugin), a secret; usable once the node pools exist. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The cluster's service account token issuer URL. */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** The IP endpoint: the private address unless `publicEndpoint` is set. */
  readonly endpoint: pulumi.Output<string>;
  /** The DNS-based endpoint's host name; `kubeconfig` uses it unless `dnsEndpoint: false`. */
  readonly dnsEndpoint: pulumi.Output<string>;
  /** The Workload Identity pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** Email of the nodes' dedicated Google service account. */
  readonly nodeServiceAccountEmail: pulumi.Output<string>;
  /** The Cloud KMS key id encrypting Secrets; undefined with `secretsEncryption.mode` "off". */
  readonly secretsEncryptionKey?: pulumi.Output<string>;
  /** The GCP project the cluster is in. */
  readonly project: string;
  /** The cluster's region. */
  readonly region: string;

  constructor(name: string, args: GkeClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // One value for Pulumi's protect and GKE's deletionProtection.
    const protect = args.protect ?? opts?.protect ?? true;
    const { checked, opts: validatedOpts } = validateArgs("GkeCluster", args, (a) => checkArgs(name, a), withLegacyType("goplatform:gcp:GkeCluster", { ...opts, protect }));
    super(componentToken("GkeCluster"), name, {}, validatedOpts);
    const parent = { parent: this };
    const { project, region } = checked;
    this.project = project;
    this.region = region;
    this.workloadPool = `${project}.svc.id.goog`;
    const labels = { ...args.labels, "goplatform-cluster": checked.clusterName };

    const nodeAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      { project, accountId: accountId(checked, checked.clusterName, "nodes"), displayName: `GKE ${checked.clusterName} nodes (goplatform)` },
      parent,
    );
    const nodeRoles = GKE_NODE_ROLES.map(
      (role) => new gcp.projects.IAMMember(`${name}-nodes-${role.split("/")[1] ?? role}`, { project, role, member: pulumi.interpolate`serviceAccount:${nodeAccount.email}` }, parent),
    );

    const secrets = checked.secretsEncryption.mode === "off" ? undefined : secretsKey(name, checked, checked.secretsEncryption, labels, this);
    const network = args.existingNetwork ?? createNetwork(name, checked, this);
    const privateEndpoint = checked.publicCidrs === undefined;
    const common: gcp.container.ClusterArgs = {
      name: checked.clusterName,
      project,
      location: region,
      minMasterVersion: checked.kubernetesVersion,
      releaseChannel: { channel: checked.releaseChannel },
      maintenancePolicy: {
        recurringWindow: checked.maintenance,
        maintenanceExclusions: checked.holdMinorVersion
          ? [{ exclusionName: "goplatform-hold-minor", startTime: MAINTENANCE_EXCLUSION_START, exclusionOptions: { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" } }]
          : [],
      },
      network: network.network,
      subnetwork: network.subnetwork,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: network.podRangeName, servicesSecondaryRangeName: network.serviceRangeName },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: privateEndpoint },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: (checked.publicCidrs ?? []).map((cidrBlock) => ({ cidrBlock, displayName: `allowed ${cidrBlock}` })),
        gcpPublicCidrsAccessEnabled: false,
      },
      // Set either way, so that `false` also closes an endpoint GKE or someone else opened.
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: checked.dnsEndpoint } },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
      datapathProvider: "ADVANCED_DATAPATH",
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"] },
      databaseEncryption: secrets === undefined ? { state: "DECRYPTED" } : { state: "ENCRYPTED", keyName: secrets.keyName },
      deletionProtection: protect,
      resourceLabels: labels,
    };
    const cluster = new gcp.container.Cluster(
      name,
      checked.autopilot
        ? { ...common, enableAutopilot: true, clusterAutoscaling: { autoProvisioningDefaults: { serviceAccount: nodeAccount.email, oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] } } }
        : {
            ...common,
            enableShieldedNodes: true,
            // GKE needs a pool at creation; it is removed at once for the managed pools below.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            // For that temporary pool only: without it its nodes would run as the Compute Engine
            // default service account (often roles/editor; disabled in hardened projects, which
            // fails the create) with the metadata server open to pods.
            nodeConfig: {
              serviceAccount: nodeAccount.email,
              shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
              workloadMetadataConfig: { mode: "GKE_METADATA" },
            },
          },
      // Once the default pool is gone GKE reports no nodeConfig, and a nodeConfig diff
      // replaces the cluster: it only ever described the temporary pool, so it is not compared.
      { parent: this, dependsOn: [...nodeRoles, ...(secrets?.grants ?? [])], ignoreChanges: checked.autopilot ? [] : ["nodeConfig"] },
    );

    const pools = checked.nodePools.map(
      (pool) =>
        new gcp.container.NodePool(
          `${name}-${pool.name}`,
          {
            project,
            location: region,
            cluster: cluster.name,
            name: pool.name,
            initialNodeCount: pool.desiredSize,
            autoscaling: { minNodeCount: pool.minSize, maxNodeCount: pool.maxSize, locationPolicy: "BALANCED" },
            management: { autoRepair: true, autoUpgrade: true },
            nodeConfig: {
              machineType: pool.machineType,
              diskSizeGb: pool.diskSizeGb,
              diskType: "pd-balanced",
              imageType: "COS_CONTAINERD",
              spot: pool.spot,
              serviceAccount: nodeAccount.email,
              oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
              shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
              workloadMetadataConfig: { mode: "GKE_METADATA" },
              labels: { ...pool.labels, "goplatform.dev/node-pool": pool.name },
              resourceLabels: labels,
            },
          },
          { parent: this, ignoreChanges: ["initialNodeCount"] },
        ),
    );

    this.clusterName = cluster.name;
    this.kubernetesVersion = pulumi.output(checked.kubernetesVersion);
    this.runningKubernetesVersion = cluster.masterVersion.apply((version) => /^(\d+\.\d+)/.exec(version)?.[1] ?? version);
    this.endpoint = cluster.endpoint;
    this.dnsEndpoint = cluster.controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint;
    this.nodeServiceAccountEmail = nodeAccount.email;
    this.secretsEncryptionKey = secrets === undefined ? undefined : pulumi.output(secrets.keyName);
    this.oidcIssuerUrl = pulumi.interpolate`https://container.googleapis.com/v1/projects/${project}/locations/${region}/clusters/${cluster.name}`;
    const contextName = pulumi.interpolate`gke_${project}_${region}_${cluster.name}`;
    const poolsReady = pulumi.all(pools.map((pool) => pool.id));
    this.kubeconfig = pulumi.secret(
      checked.dnsEndpoint
        ? // The DNS endpoint serves a publicly trusted certificate, not one from the cluster CA:
          // gcloud's `get-credentials --dns-endpoint` writes no certificate-authority-data either.
          pulumi.all([contextName, this.dnsEndpoint, poolsReady]).apply(([context, endpoint]) => gkeKubeconfig(context, endpoint))
        : pulumi.all([contextName, cluster.endpoint, cluster.masterAuth, poolsReady]).apply(([context, endpoint, auth]) => gkeKubeconfig(context, endpoint, auth.clusterCaCertificate)),
    );
    this.cluster = {
      cloud: "gcp",
      name: this.clusterName,
      kubernetesVersion: this.kubernetesVersion,
      kubeconfig: this.kubeconfig,
      oidcIssuerUrl: this.oidcIssuerUrl,
      gcp: { project, region, workloadPool: this.workloadPool, labels },
    };
    this.registerOutputs({
      clusterName: this.clusterName,
      kubernetesVersion: this.kubernetesVersion,
      runningKubernetesVersion: this.runningKubernetesVersion,
      endpoint: this.endpoint,
      dnsEndpoint: this.dnsEndpoint,
      oidcIssuerUrl: this.oidcIssuerUrl,
      workloadPool: this.workloadPool,
      nodeServiceAccountEmail: this.nodeServiceAccountEmail,
      secretsEncryptionKey: this.secretsEncryptionKey,
      kubeconfig: this.kubeconfig,
      cluster: this.cluster,
    });
  }
}

/**
 * The key for application-layer secrets encryption: a new one (a key ring and key in
 * the region, retained on delete, and the GKE service agent's grant), or the caller's.
 */
function secretsKey(
  name: string,
  checked: CheckedGkeArgs,
  key: Exclude<CheckedSecretsEncryption, { mode: "off" }>,
  labels: Record<string, string>,
  parent: pulumi.Resource,
): { keyName: pulumi.Input<string>; grants: pulumi.Resource[] } {
  if (key.mode === "key") return { keyName: key.keyName, grants: [] };
  const { project, region } = checked;
  // Key rings and keys cannot be deleted in Cloud KMS, and destroying a key destroys its
  // versions and so every Secret encrypted with it: never destroyed by Pulumi. The ring
  // is auto-named, so a stack created again after a destroy does not collide with the old one.
  const retained = { parent, retainOnDelete: true };
  const ring = new gcp.kms.KeyRing(`${name}-secrets`, { project, location: region }, retained);
  const cryptoKey = new gcp.kms.CryptoKey(`${name}-secrets`, { keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s", labels }, retained);
  const projectNumber = gcp.organizations.getProjectOutput({ projectId: project }, { parent }).number;
  const grant = new gcp.kms.CryptoKeyIAMMember(
    `${name}-secrets-gke`,
    { cryptoKeyId: cryptoKey.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com` },
    { parent },
  );
  return { keyName: cryptoKey.id, grants: [grant] };
}

/** A VPC network and subnet with the pod and service ranges, and Cloud NAT for the private nodes' egress. */
function createNetwork(name: string, checked: CheckedGkeArgs, parent: pulumi.Resource): GkeExistingNetwork {
  const opts = { parent };
  const { project, region } = checked;
  const network = new gcp.compute.Network(name, { project, autoCreateSubnetworks: false, routingMode: "REGIONAL" }, opts);
  const subnetwork = new gcp.compute.Subnetwork(
    name,
    {
      project,
      region,
      network: network.id,
      ipCidrRange: checked.cidrs.node,
      privateIpGoogleAccess: true,
      secondaryIpRanges: [
        { rangeName: "pods", ipCidrRange: checked.cidrs.pod },
        { rangeName: "services", ipCidrRange: checked.cidrs.service },
      ],
      logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
    },
    opts,
  );
  const router = new gcp.compute.Router(name, { project, region, network: network.id }, opts);
  new gcp.compute.RouterNat(
    name,
    { project, region, router: router.name, natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES", logConfig: { enable: true, filter: "ERRORS_ONLY" } },
    opts,
  );
  return { network: network.id, subnetwork: subnetwork.id, podRangeName: "pods", serviceRangeName: "services" };
}

/**
 * A kubeconfig that gets a token from gke-gcloud-auth-plugin with the caller's Google
 * credentials. `caData` (the cluster CA, base64) for an IP endpoint; left out for the
 * DNS endpoint, whose certificate the system trust store verifies.
 */
export function gkeKubeconfig(contextName: string, endpoint: string, caData?: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: contextName, cluster: { server: `https://${endpoint}`, ...(caData === undefined ? {} : { "certificate-authority-data": caData }) } }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
    "current-context": contextName,
    users: [
      {
        name: contextName,
        user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "gke-gcloud-auth-plugin", provideClusterInfo: true, interactiveMode: "IfAvailable" } },
      },
    ],
  });
}
