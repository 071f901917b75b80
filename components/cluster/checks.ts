/**
 * Argument checks the cluster components share: names, CIDRs, node pool sizes and
 * the permissions a bound ServiceAccount asks for.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkDnsLabel, checkLabelKey, checkLabelValue, checkNumber, isPending, isRecord, SECRET_NOT_SHOWN } from "../args";
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

/** A cluster's `publicEndpoint` ({ allowedCidrs, allowInternet? }): its checked CIDRs, or undefined for a private endpoint. */
export function checkPublicEndpoint(component: string, value: { allowedCidrs: string[]; allowInternet?: boolean } | undefined): string[] | undefined {
  const given: unknown = value;
  if (given === undefined) return undefined;
  if (!isRecord(given)) throw new ArgumentError(component, "publicEndpoint", given, "expected { allowedCidrs, allowInternet? }");
  return checkAllowList(component, "publicEndpoint.allowedCidrs", value?.allowedCidrs, checkBoolean(component, "publicEndpoint.allowInternet", value?.allowInternet ?? false));
}

/**
 * CIDRs allowed to reach a public API endpoint. Must be non-empty; any block shorter
 * than /8 (0.0.0.0/0, or 0.0.0.0/1 with 128.0.0.0/1, …) is refused unless
 * `allowInternet` says so in so many words.
 */
export function checkAllowList(component: string, argument: string, cidrs: readonly string[] | undefined, allowInternet: boolean): string[] {
  // Checked at run time too: a string from stack config would otherwise be read character by character.
  const value: unknown = cidrs;
  if (value !== undefined && !Array.isArray(value)) throw new ArgumentError(component, argument, value, "expected a list of CIDR blocks, e.g. [\"203.0.113.0/24\"]");
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

/** Whether two CIDR blocks share an address (one then contains the other). */
export function cidrsOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const size = 2 ** (32 - prefix);
  return Math.floor(a.network / size) === Math.floor(b.network / size);
}

/** One of a cluster's address ranges: the argument that sets it, its block, and whether the user gave it (or it is the default or the cloud's). */
export interface NamedRange {
  argument: string;
  cidr: string;
  given: boolean;
  /** Where a range the user did not give comes from. Default: "its default". */
  origin?: string;
}

/**
 * The cluster's address ranges (nodes, pods, services, …) are pairwise disjoint: a
 * range that overlaps another is refused, naming the range the user gave (the later of
 * the pair when both were given) and the one it collides with, with its origin.
 */
export function checkDisjointRanges(component: string, ranges: readonly NamedRange[]): void {
  const blocks = ranges.map((range) => ({ ...range, block: parseCidr(component, range.argument, range.cidr) }));
  blocks.forEach((a, i) => {
    for (const b of blocks.slice(i + 1)) {
      if (!cidrsOverlap(a.block, b.block)) continue;
      // The later range of a pair the user gave both of (pods against nodes, services against pods).
      const [wrong, other] = b.given || !a.given ? [b, a] : [a, b];
      const origin = other.given ? "" : ` (${other.origin ?? "its default"})`;
      throw new ArgumentError(component, wrong.argument, wrong.cidr, `expected a range that does not overlap ${other.argument} ${other.cidr}${origin}; node, pod and service ranges must be disjoint`);
    }
  });
}

/**
 * A list argument: an array (a string from stack config or another language would
 * otherwise be read character by character, an object would throw a TypeError).
 */
export function checkArray(component: string, argument: string, value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ArgumentError(component, argument, value, `expected a list of ${what}`);
  return value;
}

/** A list of objects (node pools, …): each element a plain object, named by its index. */
export function checkRecords<T>(component: string, argument: string, value: readonly T[], what: string): readonly T[] {
  checkArray(component, argument, value, what).forEach((element, i) => {
    if (!isRecord(element)) throw new ArgumentError(component, `${argument}[${i}]`, element, `expected ${what.replace(/s$/, "")} as an object`);
  });
  return value;
}

/** Node labels in the kubernetes.io and k8s.io namespaces the kubelet may set (the NodeRestriction rules); any other there is refused. */
const KUBELET_LABELS = [
  "kubernetes.io/hostname",
  "kubernetes.io/arch",
  "kubernetes.io/os",
  "beta.kubernetes.io/arch",
  "beta.kubernetes.io/os",
  "beta.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
  "node.kubernetes.io/instance-type",
];

function kubeletMaySet(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash < 0 ? "" : key.slice(0, slash);
  const restricted = ["kubernetes.io", "k8s.io"].some((domain) => prefix === domain || prefix.endsWith(`.${domain}`));
  return !restricted || KUBELET_LABELS.includes(key) || ["kubelet.kubernetes.io", "node.kubernetes.io"].some((domain) => prefix === domain || prefix.endsWith(`.${domain}`));
}

/**
 * Kubernetes labels a node pool puts on its nodes: keys and values by the Kubernetes
 * rules; `ownKey` is the label the component sets itself, which a user label may not replace.
 */
export function checkNodeLabels(component: string, argument: string, labels: unknown, ownKey: string): Record<string, string> {
  if (labels === undefined) return {};
  if (!isRecord(labels)) throw new ArgumentError(component, argument, labels, "expected a map of Kubernetes label keys to values");
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(component, argument, key);
    if (!kubeletMaySet(key)) {
      throw new ArgumentError(component, argument, key, "the kubelet refuses node labels in the kubernetes.io and k8s.io namespaces (but for kubelet.kubernetes.io/, node.kubernetes.io/ and a few well-known keys); use a prefix of your own");
    }
    if (key === ownKey) throw new ArgumentError(component, argument, key, `${ownKey} is set by the component to the pool's name; use another key`);
    checkLabelValue(component, `${argument}[${JSON.stringify(key)}]`, value as string);
  }
  return labels as Record<string, string>;
}

/** The rules of a cloud's resource tags (labels on GCP) that a cluster passes to every resource it makes. */
interface TagRules {
  /** What the cloud calls them, for messages. */
  what: string;
  /** Most tags on one resource, the component's own included. */
  maxCount: number;
  key: (key: string) => string | undefined;
  value: (value: string) => string | undefined;
}

const AWS_TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const GCP_LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const GCP_LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const AZURE_TAG_NAME_FORBIDDEN = /[<>%&\\?]/;

const TAG_RULES: Record<"aws" | "gcp" | "azure", TagRules> = {
  // IAM roles take the tags too: its character set is the narrowest of the resources.
  aws: {
    what: "AWS tags",
    // 50 on a resource, less the Name tag the component adds to its VPC, subnets and instances.
    maxCount: 49,
    key: (key) =>
      key.length === 0 || key.length > 128 || !AWS_TAG_CHARACTERS.test(key)
        ? "expected a tag key of 1-128 letters, digits, spaces and _ . : / = + - @"
        : /^aws:/i.test(key)
          ? "the aws: prefix is reserved for AWS"
          : undefined,
    value: (value) => (value.length > 256 || !AWS_TAG_CHARACTERS.test(value) ? "expected a tag value of at most 256 letters, digits, spaces and _ . : / = + - @" : undefined),
  },
  gcp: {
    what: "GCP labels",
    maxCount: 64,
    key: (key) => (GCP_LABEL_KEY.test(key) ? undefined : "expected a GCP label key: 1-63 lowercase letters, digits, '_' and '-', starting with a letter"),
    value: (value) => (GCP_LABEL_VALUE.test(value) ? undefined : "expected a GCP label value: at most 63 lowercase letters, digits, '_' and '-'"),
  },
  // Storage accounts (which in-cluster components create with these tags) take names of at most 128 characters.
  azure: {
    what: "Azure tags",
    maxCount: 50,
    key: (key) => (key.length === 0 || key.length > 128 || AZURE_TAG_NAME_FORBIDDEN.test(key) ? "expected a tag name of 1-128 characters without < > % & \\ ?" : undefined),
    value: (value) => (value.length > 256 ? "expected a tag value of at most 256 characters" : undefined),
  },
};

/**
 * Tags (labels on GCP) for every resource of the cluster, by the cloud's rules; `own`
 * are the ones the component adds itself, which the user's may not replace.
 */
export function checkCloudTags(component: string, argument: string, cloud: "aws" | "gcp" | "azure", tags: unknown, own: readonly string[]): Record<string, string> {
  if (tags === undefined) return {};
  const rules = TAG_RULES[cloud];
  if (!isRecord(tags)) throw new ArgumentError(component, argument, tags, `expected a map of ${rules.what}`);
  const entries = Object.entries(tags);
  if (entries.length + own.length > rules.maxCount) {
    throw new ArgumentError(component, argument, entries.length, `expected at most ${rules.maxCount - own.length} ${rules.what} (a resource takes ${rules.maxCount}, and the component adds ${own.join(", ")})`);
  }
  for (const [key, value] of entries) {
    const keyProblem = own.includes(key) ? `${key} is set by the component; use another key` : rules.key(key);
    if (keyProblem !== undefined) throw new ArgumentError(component, argument, key, keyProblem);
    const where = `${argument}[${JSON.stringify(key)}]`;
    if (typeof value !== "string") throw new ArgumentError(component, where, value, "expected a string");
    const valueProblem = rules.value(value);
    if (valueProblem !== undefined) throw new ArgumentError(component, where, value, valueProblem);
  }
  return tags as Record<string, string>;
}

/** A plain id that must match `pattern`; pending values (Outputs) are left to the validation layer. */
export function checkPlainId(component: string, argument: string, value: unknown, pattern: RegExp, expected: string): void {
  if (isPending(value)) return;
  if (typeof value !== "string" || !pattern.test(value)) throw new ArgumentError(component, argument, value, expected);
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
 * A registryPush or registryRead repository: checked now when it is a plain string, and
 * once known when it is an Output (a bad value then fails the grant that uses it). The
 * components judge their own arguments before this (the validation layer); this is the
 * grant's own guard, also for a component of the caller's own (`connectCluster`). A
 * secret's value is not shown.
 */
export function checkRegistryRepository(component: string, cloud: "aws" | "gcp" | "azure", argument: string, repository: pulumi.Input<string>): pulumi.Input<string> {
  if (!isPending(repository)) return checkRegistryRepositoryValue(component, cloud, argument, repository);
  const output = pulumi.output(repository);
  return output.apply(async (value) => {
    try {
      return checkRegistryRepositoryValue(component, cloud, argument, value);
    } catch (err) {
      if (err instanceof ArgumentError && (await pulumi.isSecret(output))) throw new ArgumentError(component, argument, SECRET_NOT_SHOWN, err.allowed);
      throw err;
    }
  });
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
