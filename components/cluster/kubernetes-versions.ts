/**
 * Kubernetes versions: which minors each cloud accepts for a new cluster, and which
 * Go toolchain upstream Kubernetes is built with, per minor. The policy pack and the
 * docs read these tables; the cluster components validate against them.
 */
import { ArgumentError } from "../args";
import { goMinorLine, parseGoVersion, type GoVersion } from "../go/version";

export type ClusterCloud = "aws" | "gcp" | "azure";

/**
 * Minors a new cluster may be created with, per cloud. Taken from the providers'
 * published calendars as stored on the dates below (standard or extended support on
 * EKS, GKE's schedule, AKS's calendar); refresh by hand when a cloud adds or retires
 * a minor.
 *
 * - aws: EKS release calendar (endoflife.date/amazon-eks, 2026-02): 1.32–1.35 in
 *   standard or extended support; 1.31's extended support ends 2026-11-26.
 * - gcp: GKE release schedule (endoflife.date API, generated 2026-04-10): 1.33–1.35.
 * - azure: AKS calendar: 1.33–1.35 assumed from AKS's N-2 window; not checked against
 *   a stored copy of the AKS calendar.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: Readonly<Record<ClusterCloud, readonly string[]>> = {
  aws: ["1.32", "1.33", "1.34", "1.35"],
  gcp: ["1.33", "1.34", "1.35"],
  azure: ["1.33", "1.34", "1.35"],
};

/** The default minor for every cloud: the newest one all three accept. */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

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

/** Checks a Kubernetes minor against a cloud's supported list; throws an ArgumentError naming `argument`. */
export function checkKubernetesVersion(component: string, cloud: ClusterCloud, value: string, argument = "kubernetesVersion"): string {
  const supported = SUPPORTED_KUBERNETES_VERSIONS[cloud];
  if (typeof value !== "string" || !supported.includes(value)) {
    throw new ArgumentError(component, argument, value, `expected a Kubernetes minor ${cloud === "aws" ? "EKS" : cloud === "gcp" ? "GKE" : "AKS"} supports: ${supported.join(", ")}`);
  }
  return value;
}
