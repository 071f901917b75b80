/**
 * Argument checks the cluster components share: names, CIDRs, node pool sizes and
 * the permissions a bound ServiceAccount asks for.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel, checkNumber, isPending } from "../args";
import type { BindServiceAccountArgs, Cloud, CloudPermission } from "./contract";

/** Node pool sizing every cloud shares. */
export interface NodePoolSize {
  /** Fewest nodes, at least 1. */
  minSize: number;
  /** Most nodes, at least minSize. */
  maxSize: number;
  /** Nodes to start with, between minSize and maxSize. Default: minSize. */
  desiredSize?: number;
  /** Boot disk size in GB, 20–16384. Default: 50. */
  diskSizeGb?: number;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** An IPv4 CIDR block: its network address as a number and its prefix length. */
export interface Ipv4Block {
  network: number;
  prefix: number;
}

/**
 * An IPv4 CIDR block such as "10.0.0.0/16", written with its network address (no host
 * bits set: "10.0.0.250/24" is refused, it means 10.0.0.0/24 or a typo).
 */
export function parseCidr(component: string, argument: string, value: string): Ipv4Block {
  const match = typeof value === "string" ? IPV4_CIDR.exec(value) : null;
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (match === null || octets.some((o) => o > 255) || prefix > 32) {
    throw new ArgumentError(component, argument, value, "expected an IPv4 CIDR block such as \"10.0.0.0/16\"");
  }
  const address = octets.reduce((n, octet) => n * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    throw new ArgumentError(component, argument, value, `expected a CIDR block written with its network address (host bits clear), e.g. "${formatIpv4(network)}/${prefix}"`);
  }
  return { network, prefix };
}

/** An IPv4 CIDR block such as "10.0.0.0/16" (host bits clear); returns the prefix length. */
export function checkCidr(component: string, argument: string, value: string): number {
  return parseCidr(component, argument, value).prefix;
}

/** Dotted-quad form of an IPv4 address held as a number. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Shortest prefix an allow-list takes without `allowInternet`: a /8 is already 16.7 million addresses. */
export const SHORTEST_ALLOWED_PREFIX = 8;

/**
 * CIDRs allowed to reach a public API endpoint. Must be non-empty; any block shorter
 * than /8 (0.0.0.0/0, or 0.0.0.0/1 with 128.0.0.0/1, …) is refused unless
 * `allowInternet` says so in so many words.
 */
export function checkAllowList(component: string, argument: string, cidrs: readonly string[] | undefined, allowInternet: boolean): string[] {
  if (cidrs === undefined || cidrs.length === 0) {
    throw new ArgumentError(component, argument, cidrs ?? [], "a public endpoint needs a non-empty CIDR allow-list, e.g. [\"203.0.113.0/24\"]");
  }
  for (const cidr of cidrs) {
    const prefix = checkCidr(component, argument, cidr);
    if (prefix < SHORTEST_ALLOWED_PREFIX && !allowInternet) {
      const what = prefix === 0 ? "0.0.0.0/0 opens the API endpoint to the internet" : `a block shorter than /${SHORTEST_ALLOWED_PREFIX} opens the API endpoint to a large part of the internet`;
      throw new ArgumentError(component, argument, cidr, `${what}; list your networks, or set allowInternet: true to mean it`);
    }
  }
  return [...cidrs];
}

/** A cluster name: a DNS label (every cloud accepts that, and it is what kubeconfigs and labels expect). */
export function checkClusterName(component: string, value: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ArgumentError(component, "clusterName", value, "expected a non-empty DNS-1123 label");
  }
  return checkDnsLabel(component, "clusterName", value);
}

/** Node pool sizes; `argument` names the pool, e.g. "nodePools[0]". */
export function checkNodePoolSize(component: string, argument: string, size: NodePoolSize, maxNodes: number): Required<NodePoolSize> {
  const minSize = checkNumber(component, `${argument}.minSize`, size.minSize, { min: 1, max: maxNodes, integer: true });
  const maxSize = checkNumber(component, `${argument}.maxSize`, size.maxSize, { min: 1, max: maxNodes, integer: true });
  if (minSize > maxSize) {
    throw new ArgumentError(component, `${argument}.minSize`, minSize, `expected minSize at most maxSize (${maxSize})`);
  }
  const desiredSize = checkNumber(component, `${argument}.desiredSize`, size.desiredSize ?? minSize, { min: minSize, max: maxSize, integer: true });
  const diskSizeGb = checkNumber(component, `${argument}.diskSizeGb`, size.diskSizeGb ?? 50, { min: 20, max: 16384, integer: true });
  return { minSize, maxSize, desiredSize, diskSizeGb };
}

// ECR: partition, region, account, and a repository name (no wildcard can match this grammar).
const ECR_REPOSITORY_ARN = /^arn:aws(-cn|-us-gov)?:ecr:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:repository\/(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
// Artifact Registry: a project id (6-30 characters, optionally domain-scoped `example.com:project`), a
// location ("europe-west1", or a multi-region "europe"; not "-", which means every location) and a
// repository id; "*" or "-" in any position (every project, location or repository) cannot match.
const GCP_REPOSITORY_ID = /^projects\/(?:[a-z0-9][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]\/locations\/[a-z]+(?:-[a-z]+\d+)?\/repositories\/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
// ACR: Azure resource ids are case-insensitive; registry names are 5-50 letters and digits.
const ACR_REGISTRY_ID = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{0,89}[-\w()]\/providers\/Microsoft\.ContainerRegistry\/registries\/[a-z0-9]{5,50}$/i;

/** One rule per cloud for a registry repository a cloud identity is granted (registryPush, registryRead): one named repository, never a wildcard. */
const REGISTRY_REPOSITORY = {
  aws: { pattern: ECR_REPOSITORY_ARN, expected: "expected one ECR repository ARN, arn:aws:ecr:<region>:<12-digit account>:repository/<name>, without wildcards" },
  gcp: {
    pattern: GCP_REPOSITORY_ID,
    expected: "expected one Artifact Registry repository id, projects/<project>/locations/<location>/repositories/<repository>, without wildcards (\"*\" or \"-\")",
  },
  azure: {
    pattern: ACR_REGISTRY_ID,
    expected: "expected one Azure Container Registry resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>",
  },
} as const;

/**
 * A registry repository known now, in the format of `cloud` (the one rule for each cloud,
 * which the delivery components' own checks and the bindings share).
 */
export function checkRegistryRepositoryValue(component: string, cloud: "aws" | "gcp" | "azure", argument: string, value: unknown): string {
  const { pattern, expected } = REGISTRY_REPOSITORY[cloud];
  if (typeof value !== "string" || !pattern.test(value)) throw new ArgumentError(component, argument, value, expected);
  return value;
}

/**
 * A registryPush or registryRead repository: checked now when it is a plain string,
 * and when its value is known when it is an Output (a bad value then fails the grant
 * that uses it).
 */
export function checkRegistryRepository(component: string, cloud: "aws" | "gcp" | "azure", argument: string, repository: pulumi.Input<string>): pulumi.Input<string> {
  const check = (value: string): string => checkRegistryRepositoryValue(component, cloud, argument, value);
  return isPending(repository) ? pulumi.output(repository).apply(check) : check(repository);
}

/**
 * What bindServiceAccount may be asked for on `cloud`: a valid ServiceAccount name,
 * buckets made by the same cloud, known access levels, and on AWS, GCP and Azure one
 * registry repository per registryPush or registryRead (the returned permissions carry it checked).
 */
export function checkBinding(component: string, cloud: Cloud, args: BindServiceAccountArgs): readonly CloudPermission[] {
  checkDnsLabel(component, "serviceAccountName", args.serviceAccountName);
  if (typeof args.namespace === "string") checkDnsLabel(component, "namespace", args.namespace);
  const permissions = args.permissions ?? [];
  return permissions.map((permission, i): CloudPermission => {
    // Checked at run time too: JavaScript callers and stack config bypass the types.
    const kind: string = permission.kind;
    if (kind !== "bucket" && kind !== "registryPush" && kind !== "registryRead") {
      throw new ArgumentError(component, `permissions[${i}].kind`, kind, "expected \"bucket\", \"registryPush\" or \"registryRead\"");
    }
    if (permission.kind === "bucket") {
      if (permission.bucket.cloud !== cloud) {
        throw new ArgumentError(component, `permissions[${i}].bucket`, permission.bucket.cloud, `expected a bucket made by this cluster's createBucket (cloud "${cloud}")`);
      }
      if (!["read", "readWrite"].includes(permission.access)) {
        throw new ArgumentError(component, `permissions[${i}].access`, permission.access, "expected \"read\" or \"readWrite\"");
      }
      return permission;
    }
    if (cloud === "existing") return permission;
    return { kind: permission.kind, repository: checkRegistryRepository(component, cloud, `permissions[${i}].repository`, permission.repository) };
  });
}

/** A retention for noncurrent object versions, in days. */
export function checkNoncurrentDays(component: string, value: number | undefined): number {
  return checkNumber(component, "noncurrentVersionDays", value ?? 30, { min: 1, max: 3650, integer: true });
}
