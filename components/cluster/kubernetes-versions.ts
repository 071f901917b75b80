/**
 * Kubernetes versions: which minors each cloud supports on a given day (a dated table,
 * kubernetes-releases.json, judged on a day like the Go release table), the default
 * minor that follows from it, and which Go toolchain upstream Kubernetes is built with,
 * per minor. The cluster components validate against the table; the
 * kubernetes-version-supported policy judges any cluster resource with it.
 */
import { ArgumentError } from "../args";
import { daysBetween, MAX_TABLE_AGE_DAYS, toDay } from "../days";
import { goMinorLine, parseGoVersion, type GoVersion } from "../go/version";
import releaseData from "./kubernetes-releases.json";

export type ClusterCloud = "aws" | "gcp" | "azure";

const CLOUDS: readonly ClusterCloud[] = ["aws", "gcp", "azure"];
const MINOR = /^1\.(\d+)$/;

/** One minor on one cloud, from the cloud's published calendar. Days are `YYYY-MM-DD`; an end day is the first day without that support. */
export interface KubernetesMinorSupport {
  /** `1.35` */
  readonly minor: string;
  /** First day new clusters could use it (GKE: the Regular channel); null while the table has no date for it. */
  readonly available: string | null;
  /** First day past standard support; null only while `available` is. */
  readonly endOfStandardSupport: string | null;
  /** First day past extended support (EKS extended support, GKE's Extended channel, AKS LTS); null when there is none. */
  readonly endOfExtendedSupport: string | null;
  /** Fields that are estimates rather than dates read from the calendar (their basis is in the data file). */
  readonly estimated?: readonly string[];
  readonly note?: string;
}

/** Where a minor stands on one cloud on one day. */
export const KubernetesSupportStatus = {
  /** Not offered yet, or not in the table. */
  Unavailable: "unavailable",
  Standard: "standard",
  /** Past standard support, within extended support (paid, or only in GKE's Extended channel / AKS LTS). */
  Extended: "extended",
  /** Past every support the cloud offers. */
  Retired: "retired",
} as const;
export type KubernetesSupportStatus = (typeof KubernetesSupportStatus)[keyof typeof KubernetesSupportStatus];

/** The cloud's name for people, and how a goplatform component opts in to its extended support. */
export const KUBERNETES_CLOUD_NAMES: Readonly<Record<ClusterCloud, string>> = { aws: "EKS", gcp: "GKE", azure: "AKS" };
export const EXTENDED_SUPPORT_OPT_IN: Readonly<Record<ClusterCloud, string>> = {
  aws: 'supportType "EXTENDED" (EKS extended support, charged per cluster hour)',
  gcp: 'releaseChannel "EXTENDED" (GKE\'s Extended channel, charged)',
  azure: "longTermSupport true (AKS LTS: Premium tier, supportPlan AKSLongTermSupport)",
};
const EXTENDED_NAME: Readonly<Record<ClusterCloud, string>> = { aws: "extended support", gcp: "the Extended channel", azure: "LTS" };

function isMinor(value: unknown): value is string {
  return typeof value === "string" && MINOR.test(value);
}

/** Newest minor first. */
function byMinorDescending(a: string, b: string): number {
  return Number(MINOR.exec(b)?.[1]) - Number(MINOR.exec(a)?.[1]);
}

export class KubernetesSupportTable {
  private readonly byCloud: ReadonlyMap<ClusterCloud, ReadonlyMap<string, KubernetesMinorSupport>>;

  constructor(
    clouds: Readonly<Record<ClusterCloud, readonly KubernetesMinorSupport[]>>,
    /** Day the table was last checked against the clouds' calendars. */
    readonly asOf: string,
  ) {
    toDay(asOf, "Kubernetes support table asOf");
    const byCloud = new Map<ClusterCloud, ReadonlyMap<string, KubernetesMinorSupport>>();
    for (const cloud of CLOUDS) {
      const rows = new Map<string, KubernetesMinorSupport>();
      for (const row of clouds[cloud]) {
        const where = `Kubernetes support table ${cloud} ${row.minor}`;
        if (!isMinor(row.minor) || rows.has(row.minor)) throw new Error(`${where}: expected each minor once, as "1.N"`);
        for (const day of [row.available, row.endOfStandardSupport, row.endOfExtendedSupport]) if (day !== null) toDay(day, where);
        if ((row.available === null) !== (row.endOfStandardSupport === null)) throw new Error(`${where}: available and endOfStandardSupport are both dates or both null`);
        if (row.available !== null && row.endOfStandardSupport !== null && row.endOfStandardSupport <= row.available) throw new Error(`${where}: standard support ends before it starts`);
        if (row.endOfExtendedSupport !== null && (row.endOfStandardSupport === null || row.endOfExtendedSupport <= row.endOfStandardSupport)) throw new Error(`${where}: extended support must end after standard support`);
        rows.set(row.minor, row);
      }
      byCloud.set(cloud, rows);
    }
    this.byCloud = byCloud;
  }

  /** The first day every cloud has a dated minor: earlier days are outside the table. */
  coversFrom(): string {
    const firsts = CLOUDS.map((cloud) => this.minors(cloud).flatMap((row) => (row.available === null ? [] : [row.available])).sort()[0] ?? "9999-12-31");
    return firsts.sort().at(-1) ?? "9999-12-31";
  }

  /** Every minor the table lists for `cloud`, newest first (dated or not). */
  minors(cloud: ClusterCloud): readonly KubernetesMinorSupport[] {
    return [...(this.byCloud.get(cloud)?.values() ?? [])].sort((a, b) => byMinorDescending(a.minor, b.minor));
  }

  /** The table's row for `minor` on `cloud`. */
  support(cloud: ClusterCloud, minor: string): KubernetesMinorSupport | undefined {
    return this.byCloud.get(cloud)?.get(minor);
  }

  /** Where `minor` stands on `cloud` on `date`. */
  status(cloud: ClusterCloud, minor: string, date: Date | string): KubernetesSupportStatus {
    const day = toDay(date);
    const row = this.support(cloud, minor);
    if (row?.available == null || row.endOfStandardSupport === null || day < row.available) return KubernetesSupportStatus.Unavailable;
    if (day < row.endOfStandardSupport) return KubernetesSupportStatus.Standard;
    if (row.endOfExtendedSupport !== null && day < row.endOfExtendedSupport) return KubernetesSupportStatus.Extended;
    return KubernetesSupportStatus.Retired;
  }

  /** Minors in standard support on `cloud` on `date`, newest first. */
  inStandardSupport(cloud: ClusterCloud, date: Date | string): readonly string[] {
    return this.minors(cloud).filter((row) => this.status(cloud, row.minor, date) === KubernetesSupportStatus.Standard).map((row) => row.minor);
  }

  /** Minors in extended support (and not standard) on `cloud` on `date`, newest first. */
  inExtendedSupport(cloud: ClusterCloud, date: Date | string): readonly string[] {
    return this.minors(cloud).filter((row) => this.status(cloud, row.minor, date) === KubernetesSupportStatus.Extended).map((row) => row.minor);
  }

  /** Days between the table's asOf and `date` (negative for a day before it). */
  age(date: Date | string): number {
    return daysBetween(this.asOf, toDay(date));
  }

  /**
   * Why the table is too old to judge `date` by (more than `maxAgeDays` after its asOf:
   * clouds may have added or retired minors since), or undefined when it is fresh enough.
   */
  staleness(date: Date | string, maxAgeDays = MAX_TABLE_AGE_DAYS): string | undefined {
    const age = this.age(date);
    if (age <= maxAgeDays) return undefined;
    return `goplatform's Kubernetes support table is from ${this.asOf}, ${String(age)} days before ${toDay(date)} (limit ${String(maxAgeDays)}): clouds may have added or retired minors since. Update goplatform to judge Kubernetes versions on this day`;
  }

  /**
   * The default minor on `date`: the newest minor in standard support on all three
   * clouds that day. Throws when there is none (a day outside the table's reach).
   */
  defaultMinor(date: Date | string): string {
    const day = toDay(date);
    const [first, ...rest] = CLOUDS.map((cloud) => this.inStandardSupport(cloud, day));
    const common = (first ?? []).find((minor) => rest.every((minors) => minors.includes(minor)));
    if (common === undefined) throw new RangeError(`no Kubernetes minor is in standard support on EKS, GKE and AKS on ${day} in goplatform's table (from ${this.asOf}); update goplatform`);
    return common;
  }
}

type ReleaseData = { asOf: string; clouds: Record<ClusterCloud, { minors: Record<string, Omit<KubernetesMinorSupport, "minor">> }> };

function fromData(data: ReleaseData): KubernetesSupportTable {
  const rows = (cloud: ClusterCloud): KubernetesMinorSupport[] => Object.entries(data.clouds[cloud].minors).map(([minor, row]) => ({ minor, ...row }));
  return new KubernetesSupportTable({ aws: rows("aws"), gcp: rows("gcp"), azure: rows("azure") }, data.asOf);
}

/** The Kubernetes support table shipped with this version of goplatform. */
export const kubernetesReleases = fromData(releaseData);

/**
 * The default Kubernetes minor of the cluster components on `asOf` (default today,
 * UTC): the newest minor in standard support on EKS, GKE and AKS that day. Throws when
 * the table is older than MAX_TABLE_AGE_DAYS on that day.
 */
export function defaultKubernetesVersion(asOf: Date | string = new Date(), table: KubernetesSupportTable = kubernetesReleases): string {
  const day = toDay(asOf, "asOf");
  const stale = table.staleness(day);
  if (stale !== undefined) throw new RangeError(`${stale}.`);
  return table.defaultMinor(day);
}

/** How a component asks for a Kubernetes minor: on which day, and whether extended support is opted in. */
export interface KubernetesVersionRequest {
  /** The judging day, `YYYY-MM-DD`. */
  readonly day: string;
  /** The component's explicit opt-in to the cloud's extended support (EXTENDED_SUPPORT_OPT_IN). */
  readonly extendedSupport: boolean;
}

/**
 * Checks a Kubernetes minor for a new or updated cluster on `cloud` on `request.day`:
 * in standard support, or in extended support when the component opted in; undefined
 * gives the default minor that day. Throws an ArgumentError naming `argument`, the end
 * date and the minors allowed that day; the table's staleness is refused as an invalid
 * `asOf`.
 */
export function checkKubernetesVersion(
  component: string,
  cloud: ClusterCloud,
  value: string | undefined,
  request: KubernetesVersionRequest,
  argument = "kubernetesVersion",
  table: KubernetesSupportTable = kubernetesReleases,
): string {
  const stale = table.staleness(request.day);
  if (stale !== undefined) throw new ArgumentError(component, "asOf", request.day, stale);
  if (value === undefined) {
    try {
      return defaultKubernetesVersion(request.day, table);
    } catch (e) {
      throw new ArgumentError(component, "asOf", request.day, e instanceof Error ? e.message : String(e));
    }
  }
  const name = KUBERNETES_CLOUD_NAMES[cloud];
  const standard = table.inStandardSupport(cloud, request.day);
  const extended = table.inExtendedSupport(cloud, request.day);
  const allowed =
    `expected a Kubernetes minor in ${name} standard support on ${request.day}: ${standard.join(", ") || "none"}` +
    (request.extendedSupport ? `, or in ${EXTENDED_NAME[cloud]}: ${extended.join(", ") || "none"}` : "");
  if (!isMinor(value)) throw new ArgumentError(component, argument, value, allowed);
  const row = table.support(cloud, value);
  const status = table.status(cloud, value, request.day);
  if (status === KubernetesSupportStatus.Standard || (status === KubernetesSupportStatus.Extended && request.extendedSupport)) return value;
  if (status === KubernetesSupportStatus.Extended) {
    throw new ArgumentError(
      component,
      argument,
      value,
      `${name} standard support for ${value} ended ${row?.endOfStandardSupport ?? "?"}; ${allowed} (or opt in to ${EXTENDED_NAME[cloud]}, until ${row?.endOfExtendedSupport ?? "?"}, with ${EXTENDED_SUPPORT_OPT_IN[cloud]})`,
    );
  }
  if (status === KubernetesSupportStatus.Retired) {
    const ended = row?.endOfExtendedSupport ?? row?.endOfStandardSupport ?? "?";
    throw new ArgumentError(component, argument, value, `${name} support for ${value} ended ${ended}; ${allowed}`);
  }
  const why =
    row === undefined ? `goplatform's table (from ${table.asOf}) lists no ${name} support for ${value}` : row.available === null ? `goplatform's table (from ${table.asOf}) has no ${name} release date for ${value}` : `${name} offers ${value} from ${row.available}`;
  throw new ArgumentError(component, argument, value, `${why}; ${allowed}`);
}

/** Minors a new cluster on `cloud` may use on `asOf`: standard support, plus extended support when opted in; newest first. */
export function supportedKubernetesVersions(cloud: ClusterCloud, asOf: Date | string = new Date(), extendedSupport = false, table: KubernetesSupportTable = kubernetesReleases): readonly string[] {
  const day = toDay(asOf, "asOf");
  return [...table.inStandardSupport(cloud, day), ...(extendedSupport ? table.inExtendedSupport(cloud, day) : [])];
}

/** Which Go toolchain upstream Kubernetes is built with, for one minor. */
export interface KubernetesGoToolchain {
  /** Kubernetes minor, e.g. "1.33". */
  readonly kubernetes: string;
  /** The `go` directive of k8s.io/kubernetes's go.mod: the language version the code needs. */
  readonly goDirective: GoVersion;
  /** The first release of the minor and the Go toolchain it was built with (`.go-version`). */
  readonly initial: { readonly kubernetes: string; readonly go: GoVersion };
  /** The newest patch checked and the Go toolchain it was built with. */
  readonly latestChecked: { readonly kubernetes: string; readonly go: GoVersion };
  /** Go minor lines seen across the checked releases, oldest first (release branches move to newer Go lines). */
  readonly goLines: readonly string[];
}

const toolchain = (kubernetes: string, goDirective: string, initial: [string, string], latest: [string, string]): KubernetesGoToolchain => {
  const initialGo = parseGoVersion(initial[1]);
  const latestGo = parseGoVersion(latest[1]);
  const lines = [...new Set([goMinorLine(initialGo), goMinorLine(latestGo)])];
  return {
    kubernetes,
    goDirective: parseGoVersion(goDirective),
    initial: { kubernetes: initial[0], go: initialGo },
    latestChecked: { kubernetes: latest[0], go: latestGo },
    goLines: lines,
  };
};

/**
 * Read from the Go module proxy (proxy.golang.org, k8s.io/kubernetes): the `go`
 * directive of each release's go.mod and the `.go-version` file in its module zip,
 * which is the toolchain the release was built with. Lines between the first release
 * and the newest checked patch were not checked one by one.
 */
export const KUBERNETES_GO_TOOLCHAINS: readonly KubernetesGoToolchain[] = [
  toolchain("1.31", "1.22.0", ["1.31.0", "1.22.5"], ["1.31.14", "1.24.9"]),
  toolchain("1.32", "1.23.0", ["1.32.0", "1.23.3"], ["1.32.13", "1.24.13"]),
  toolchain("1.33", "1.24.0", ["1.33.0", "1.24.2"], ["1.33.13", "1.25.11"]),
  toolchain("1.34", "1.24.0", ["1.34.0", "1.24.6"], ["1.34.4", "1.24.12"]),
  toolchain("1.35", "1.25.0", ["1.35.0", "1.25.5"], ["1.35.4", "1.25.9"]),
  toolchain("1.36", "1.26.0", ["1.36.0", "1.26.2"], ["1.36.3", "1.26.5"]),
  toolchain("1.37", "1.26.0", ["1.37.0", "1.26.6"], ["1.37.2", "1.26.10"]),
];

/** The Go toolchain row for a Kubernetes minor ("1.33" or "1.33.4"), or undefined when not in the table. */
export function kubernetesGoToolchain(kubernetesVersion: string): KubernetesGoToolchain | undefined {
  const minor = /^(1\.\d+)(?:\.\d+)?$/.exec(kubernetesVersion)?.[1];
  return KUBERNETES_GO_TOOLCHAINS.find((row) => row.kubernetes === minor);
}
