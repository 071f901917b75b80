/**
 * Kubernetes version rules: every EKS, GKE and AKS cluster resource (the providers' own
 * types, so clusters goplatform did not make are judged too) must run a minor in
 * standard support on the judging day, by the same dated support table the cluster
 * components use; extended support counts only when configured and the cluster is
 * enrolled in it. An advisory warns a configurable number of days before the end.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { daysBetween, MAX_TABLE_AGE_DAYS } from "../components/days";
import { KUBERNETES_CLOUD_NAMES, kubernetesReleases, KubernetesSupportStatus, type ClusterCloud, type KubernetesSupportTable } from "../components/cluster/kubernetes-versions";
import { policyDocsUrl } from "./docs";
import { asOfSchema, judgingDay } from "./judging-day";
import { at, str, type Props } from "./resources";

/** Policy config; Pulumi gives each rule only its own, so set `asOf` and `allowExtendedSupport` on both rules alike. */
export interface KubernetesVersionPolicyConfig {
  /** Judge as of this day (YYYY-MM-DD). Default: today (UTC). */
  asOf?: string;
  /** kubernetes-version-supported: days the support table may lag the judging day before it is too stale to trust. Default: 90. */
  maxTableAgeDays?: number;
  /**
   * Accept a minor past standard support while it is in the cloud's extended support and
   * the cluster is enrolled in it (EKS upgradePolicy.supportType EXTENDED or unset, GKE
   * releaseChannel EXTENDED, AKS supportPlan AKSLongTermSupport on the Premium tier). Default: false.
   */
  allowExtendedSupport?: boolean;
  /** kubernetes-version-support-ending: warn this many days before the support the cluster relies on ends. Default: 60. */
  warnDaysBefore?: number;
}

/** One Kubernetes version a cluster resource asks for. */
export interface ClusterKubernetesVersion {
  readonly cloud: ClusterCloud;
  /** The property, e.g. `version`. */
  readonly where: string;
  /** The value as written, e.g. "1.34" or "1.34.1-gke.1000". */
  readonly value: string;
  /** The minor, e.g. "1.34"; undefined when the value names none. */
  readonly minor?: string;
  /** Whether the cluster is enrolled in the cloud's extended support. */
  readonly extendedEnrolled: boolean;
}

const MINOR_OF = /^v?(1\.\d+)(?:[.-]|$)/;

/** The Kubernetes versions a cluster resource of the providers' own types asks for; none for other types, unset or unknown values and GKE's "latest". */
export function clusterKubernetesVersions(type: string, props: Props): ClusterKubernetesVersion[] {
  const found = (cloud: ClusterCloud, where: string, value: unknown, extendedEnrolled: boolean): ClusterKubernetesVersion[] => {
    const text = str(value);
    if (text === undefined || text === "" || text === "latest" || text === "-") return [];
    const minor = MINOR_OF.exec(text)?.[1];
    return [{ cloud, where, value: text, ...(minor === undefined ? {} : { minor }), extendedEnrolled }];
  };
  switch (type) {
    case "aws:eks/cluster:Cluster":
      // EKS enrols a cluster in extended support unless supportType is STANDARD.
      return found("aws", "version", props.version, str(at(props, "upgradePolicy", "supportType")) !== "STANDARD");
    case "gcp:container/cluster:Cluster": {
      const extended = str(at(props, "releaseChannel", "channel")) === "EXTENDED";
      return [...found("gcp", "minMasterVersion", props.minMasterVersion, extended), ...found("gcp", "nodeVersion", props.nodeVersion, extended)].filter((v, i, all) => all.findIndex((o) => o.value === v.value) === i);
    }
    case "azure-native:containerservice:ManagedCluster":
      // AKS LTS needs both the plan and the Premium tier.
      return found("azure", "kubernetesVersion", props.kubernetesVersion, str(props.supportPlan) === "AKSLongTermSupport" && str(at(props, "sku", "tier")) === "Premium");
    default:
      return [];
  }
}

const ENROL: Readonly<Record<ClusterCloud, string>> = {
  aws: 'upgradePolicy.supportType "EXTENDED"',
  gcp: 'releaseChannel.channel "EXTENDED"',
  azure: 'supportPlan "AKSLongTermSupport" on the Premium tier',
};

interface Judged {
  readonly version: ClusterKubernetesVersion & { readonly minor: string };
  readonly status: KubernetesSupportStatus;
  /** Whether this minor's extended support is accepted here (configured and enrolled). */
  readonly extendedAccepted: boolean;
  readonly name: string;
  readonly standard: readonly string[];
}

function judge(table: KubernetesSupportTable, version: ClusterKubernetesVersion & { minor: string }, day: string, allowExtended: boolean): Judged {
  const status = table.status(version.cloud, version.minor, day);
  return { version, status, extendedAccepted: allowExtended && version.extendedEnrolled, name: KUBERNETES_CLOUD_NAMES[version.cloud], standard: table.inStandardSupport(version.cloud, day) };
}

function unsupportedMessage(table: KubernetesSupportTable, j: Judged, day: string, allowExtended: boolean): string | undefined {
  const { version: v, name } = j;
  const row = table.support(v.cloud, v.minor);
  const move = `move to ${j.standard.join(" or ") || "a newer minor"} (in ${name} standard support on ${day})`;
  const head = `${v.where} ${JSON.stringify(v.value)} runs Kubernetes ${v.minor} on ${name}`;
  switch (j.status) {
    case KubernetesSupportStatus.Standard:
      return undefined;
    case KubernetesSupportStatus.Extended: {
      if (j.extendedAccepted) return undefined;
      const ext = `extended support until ${row?.endOfExtendedSupport ?? "?"}`;
      const optIn = allowExtended ? `the cluster is not enrolled in extended support (${ENROL[v.cloud]})` : "extended support is not allowed here (allowExtendedSupport)";
      return `${head}, whose standard support ended ${row?.endOfStandardSupport ?? "?"} (${ext}; ${optIn}): ${move}.`;
    }
    case KubernetesSupportStatus.Retired:
      return `${head}, whose support ended ${row?.endOfExtendedSupport ?? row?.endOfStandardSupport ?? "?"}: ${move}.`;
    default:
      return `${head}, which goplatform's Kubernetes support table (from ${table.asOf}) does not show ${name} offering on ${day}: ${move}, or update goplatform if ${name} has added it.`;
  }
}

export const kubernetesVersionSupported: ResourceValidationPolicy = {
  name: "kubernetes-version-supported",
  description:
    "EKS, GKE and AKS clusters must run a Kubernetes minor in the cloud's standard support on the judging day (extended support only when allowed and the cluster is enrolled), judged by a support table that is not stale.",
  enforcementLevel: "mandatory",
  displayName: "Kubernetes minor supported",
  severity: "high",
  tags: ["kubernetes", "versions"],
  remediationSteps:
    "Upgrade the cluster to a minor the message names as in standard support (goplatform's cluster components: drop `kubernetesVersion` for the default, or set it; otherwise the cluster's `version`, `minMasterVersion` or `kubernetesVersion`). To stay on a minor past standard support, enrol the cluster in extended support and set this rule's `allowExtendedSupport`. If the message says the support table is stale, upgrade goplatform.",
  url: policyDocsUrl("kubernetes-version-supported"),
  configSchema: {
    properties: {
      asOf: asOfSchema,
      maxTableAgeDays: { type: "integer", minimum: 1, description: "Days the support table may lag the judging day. Default 90." },
      allowExtendedSupport: { type: "boolean", description: "Accept a minor in extended support when the cluster is enrolled in it. Default false." },
    },
  },
  validateResource: (args, report) => {
    const config = args.getConfig<KubernetesVersionPolicyConfig>();
    const versions = clusterKubernetesVersions(args.type, args.props);
    if (versions.length === 0) return;
    const day = judgingDay(config.asOf, report);
    if (day === undefined) return;
    const table = kubernetesReleases;
    const stale = table.staleness(day, config.maxTableAgeDays ?? MAX_TABLE_AGE_DAYS);
    if (stale !== undefined) {
      const first = versions[0];
      report(`${first?.where ?? "version"} ${JSON.stringify(first?.value)}: ${stale}.`);
      return;
    }
    const allowExtended = config.allowExtendedSupport === true;
    for (const v of versions) {
      if (v.minor === undefined) {
        report(`${v.where} ${JSON.stringify(v.value)} names no Kubernetes minor; expected a version such as "${table.inStandardSupport(v.cloud, day)[0] ?? "1.36"}".`);
        continue;
      }
      const message = unsupportedMessage(table, judge(table, { ...v, minor: v.minor }, day, allowExtended), day, allowExtended);
      if (message !== undefined) report(message);
    }
  },
};

export const kubernetesVersionSupportEnding: ResourceValidationPolicy = {
  name: "kubernetes-version-support-ending",
  description:
    "Advisory: the support an EKS, GKE or AKS cluster's Kubernetes minor relies on (standard, or extended when allowed and enrolled) ends within warnDaysBefore days of the judging day.",
  enforcementLevel: "advisory",
  displayName: "Kubernetes support ending soon",
  severity: "medium",
  tags: ["kubernetes", "versions"],
  remediationSteps:
    "Plan the upgrade to the newer minor the message names before the date it gives (goplatform's cluster components: set or drop `kubernetesVersion`); after that date kubernetes-version-supported fails the cluster.",
  url: policyDocsUrl("kubernetes-version-support-ending"),
  configSchema: {
    properties: {
      asOf: asOfSchema,
      warnDaysBefore: { type: "integer", minimum: 0, description: "Warn this many days before support ends. Default 60." },
      maxTableAgeDays: { type: "integer", minimum: 1, description: "Days the support table may lag the judging day; older, nothing is judged (kubernetes-version-supported reports it). Default 90." },
      allowExtendedSupport: { type: "boolean", description: "Count extended support when the cluster is enrolled in it (as kubernetes-version-supported). Default false." },
    },
  },
  validateResource: (args, report) => {
    const config = args.getConfig<KubernetesVersionPolicyConfig>();
    const versions = clusterKubernetesVersions(args.type, args.props);
    if (versions.length === 0) return;
    const day = judgingDay(config.asOf, report);
    if (day === undefined) return;
    const warnDays = config.warnDaysBefore ?? 60;
    const table = kubernetesReleases;
    // A stale table is kubernetes-version-supported's to report; nothing is judged with it here.
    if (table.staleness(day, config.maxTableAgeDays ?? MAX_TABLE_AGE_DAYS) !== undefined) return;
    const allowExtended = config.allowExtendedSupport === true;
    for (const v of versions) {
      const minor = v.minor;
      if (minor === undefined) continue;
      const j = judge(table, { ...v, minor }, day, allowExtended);
      const row = table.support(v.cloud, minor);
      const end = j.status === KubernetesSupportStatus.Standard ? row?.endOfStandardSupport : j.status === KubernetesSupportStatus.Extended && j.extendedAccepted ? row?.endOfExtendedSupport : undefined;
      if (end == null) continue;
      const left = daysBetween(day, end);
      if (left > warnDays) continue;
      const kind = j.status === KubernetesSupportStatus.Standard ? "standard support" : "extended support";
      const newer = j.standard.filter((m) => Number(m.slice(2)) > Number(minor.slice(2)));
      report(
        `${v.where} ${JSON.stringify(v.value)} runs Kubernetes ${minor} on ${j.name}, whose ${kind} ends ${end} (${String(left)} days after ${day}): upgrade to ${newer.join(" or ") || "a newer minor"} before then.`,
      );
    }
  },
};

export const kubernetesVersionPolicies: readonly ResourceValidationPolicy[] = [kubernetesVersionSupported, kubernetesVersionSupportEnding];
