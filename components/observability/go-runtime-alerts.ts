/**
 * GoRuntimeAlerts: a PrometheusRule (Prometheus Operator) with alerts on the Go
 * runtime and process metrics every Go service exports through client_golang's
 * default collectors (go_*, process_*), plus the GC CPU classes of its runtime
 * metrics collector (opt-in, see `maxGcCpuFraction`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel, checkLabelKey, checkLabelValue, checkNumber, checkPromDuration, componentToken, isRecord, withLegacyType } from "../args";
import { checkClusterData, connectCluster } from "../cluster/connect";
import type { ClusterData } from "../cluster/contract";
import { goReleases, parseGoVersion, type GoVersion } from "../go";
import { validateArgs } from "../arg-validation";

const COMPONENT = "GoRuntimeAlerts";

/**
 * The alert thresholds and timings of GoRuntimeAlerts: what Observability's `alerts`
 * argument takes (Observability sets the namespace and the rule labels itself).
 */
export interface GoRuntimeAlertThresholds {
  /**
   * PromQL label matchers selecting the Go services' series, without braces,
   * e.g. `namespace="payments"`. Default: `job!=""` (every scraped job).
   */
  selector?: string;
  /** Goroutines per instance above which GoGoroutinesHigh fires. Default: 10000. */
  maxGoroutines?: number;
  /**
   * Sustained goroutine growth per hour (linear fit over the last hour) that fires
   * GoGoroutinesGrowing: a leak shows as steady growth long before the count is high.
   * Default: 1000.
   */
  maxGoroutineGrowthPerHour?: number;
  /** Fraction of wall time spent in GC stop-the-world pauses that fires GoGCPausesHigh. Default: 0.05. */
  maxGcPauseFraction?: number;
  /**
   * Fraction of the CPU time the process uses that goes to the garbage collector
   * (`/cpu/classes/gc/total` over `/cpu/classes/total` minus idle) that fires
   * GoGCCPUFractionHigh. Needs the service to export the runtime/metrics CPU classes:
   * `collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
   * collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile("/cpu/classes/.*")}))`.
   * Default: 0.25.
   */
  maxGcCpuFraction?: number;
  /** Fraction of GOMEMLIMIT in use by the heap that fires GoHeapNearMemoryLimit. Default: 0.9. */
  maxHeapToMemoryLimit?: number;
  /** Fraction of the file-descriptor limit that fires GoFileDescriptorsNearLimit. Default: 0.8. */
  maxFdUsage?: number;
  /** Restarts within an hour that fire GoProcessRestarting. Default: 3. */
  maxRestartsPerHour?: number;
  /**
   * The Go version floor: the lowest acceptable release of each supported minor line,
   * e.g. `["1.27.4", "1.26.11"]`. GoVersionBelowFloor fires for a running binary whose
   * `go_info` version is below its line's floor or in an older line; lines newer than
   * every floor count as above it. Default: `goReleases.supportedPatchFloors(goReleases.asOf)`,
   * the floor on the day goplatform's release table was last refreshed (pass
   * `goReleases.supportedPatchFloors(new Date())` to follow today's floor).
   */
  goVersionFloors?: string[];
  /** How long a condition must hold before an alert fires. Default: "15m". */
  for?: string;
  /** Rule evaluation interval. Default: "1m". */
  interval?: string;
}

export interface GoRuntimeAlertsArgs extends GoRuntimeAlertThresholds {
  /**
   * The cluster to create the PrometheusRule in (the `cluster` output of an EksCluster,
   * GkeCluster, AksCluster or ExistingCluster). Default: none, the Kubernetes provider
   * of the resource options (Observability passes its own); from a program in another
   * language, pass the cluster.
   */
  cluster?: ClusterData;
  /** Namespace of the PrometheusRule. Default: "monitoring". */
  namespace?: string;
  /** Labels that make the Prometheus `ruleSelector` pick this rule up. Default: {} (no extra labels). */
  ruleLabels?: Record<string, string>;
}

export interface GoRuntimeAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const MATCHER = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*$/;

/**
 * Where an argument's error points: the component the user called and the path of the
 * thresholds in its args (Observability passes its `alerts` through: "alerts.").
 */
export interface ArgumentsAt {
  readonly component: string;
  readonly prefix: string;
}
const OWN: ArgumentsAt = { component: COMPONENT, prefix: "" };

function checkSelector(selector: string, at: ArgumentsAt): string {
  if (typeof selector !== "string") throw new ArgumentError(at.component, `${at.prefix}selector`, selector, "expected PromQL label matchers without braces, as a string");
  const parts = selector.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  if (selector.trim() === "" || !parts.every((p) => MATCHER.test(p))) {
    throw new ArgumentError(at.component, `${at.prefix}selector`, selector, "expected PromQL label matchers without braces, such as 'namespace=\"payments\",job=~\"api.*\"'");
  }
  return selector.trim();
}

/**
 * A regular expression (RE2, no backslashes) matching the decimal integers >= n
 * written without leading zeros.
 */
export function integerAtLeastRegex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`integerAtLeastRegex: expected a non-negative integer, got ${n}`);
  const digits = String(n);
  const alternatives = [digits];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    if (d === 9) continue;
    const rest = digits.length - i - 1;
    alternatives.push(`${digits.slice(0, i)}[${d + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ""}`);
  }
  alternatives.push(`[1-9][0-9]{${digits.length},}`);
  return `(${alternatives.join("|")})`;
}

function checkGoVersionFloors(floors: readonly string[], at: ArgumentsAt): GoVersion[] {
  const allowed = 'expected a non-empty list of Go releases, at most one per minor line, such as ["1.27.4", "1.26.11"]';
  const argument = `${at.prefix}goVersionFloors`;
  if (!Array.isArray(floors) || floors.length === 0) throw new ArgumentError(at.component, argument, floors, allowed);
  const parsed = floors.map((floor, i) => {
    let version: GoVersion;
    try {
      // A number (1.27) is refused here, not turned into "1.27".
      version = parseGoVersion(floor);
    } catch {
      throw new ArgumentError(at.component, `${argument}[${i}]`, floor, "expected a Go release as a string, such as \"1.27.4\"");
    }
    if (version.patch === undefined) throw new ArgumentError(at.component, `${argument}[${i}]`, floor, "expected a Go release with a patch number, such as \"1.27.4\"");
    return version;
  });
  if (new Set(parsed.map((v) => v.minor)).size !== parsed.length) throw new ArgumentError(at.component, argument, floors, allowed);
  return parsed;
}

/**
 * The `go_info` version values at or above the floor, as a PromQL regular expression:
 * a listed line at or above its floor, or a release of a newer line, optionally
 * followed by the GOEXPERIMENT suffix runtime.Version() appends (`go1.27.4 X:…`).
 */
export function goVersionFloorRegex(floors: readonly string[], at: ArgumentsAt = OWN): string {
  const parsed = checkGoVersionFloors(floors, at);
  const newestMinor = Math.max(...parsed.map((v) => v.minor));
  const lines = parsed.map((v) => `${v.minor}[.]${integerAtLeastRegex(v.patch ?? 0)}`);
  lines.push(`${integerAtLeastRegex(newestMinor + 1)}[.][0-9]+`);
  return `go1[.](${lines.join("|")})( X:.*)?`;
}

/** The alert rules, built from validated arguments; exported for rule tests (promtool). */
export function goRuntimeAlertRules(args: GoRuntimeAlertThresholds = {}, at: ArgumentsAt = OWN): GoRuntimeAlertRule[] {
  const sel = checkSelector(args.selector ?? 'job!=""', at);
  const threshold = (argument: string, value: number, range: Parameters<typeof checkNumber>[3]) => checkNumber(at.component, `${at.prefix}${argument}`, value, range);
  const maxGoroutines = threshold("maxGoroutines", args.maxGoroutines ?? 10000, { min: 1, integer: true });
  const growth = threshold("maxGoroutineGrowthPerHour", args.maxGoroutineGrowthPerHour ?? 1000, { min: 0, exclusiveMin: true });
  const gc = threshold("maxGcPauseFraction", args.maxGcPauseFraction ?? 0.05, { min: 0, max: 1, exclusiveMin: true });
  const gcCpu = threshold("maxGcCpuFraction", args.maxGcCpuFraction ?? 0.25, { min: 0, max: 1, exclusiveMin: true });
  const heap = threshold("maxHeapToMemoryLimit", args.maxHeapToMemoryLimit ?? 0.9, { min: 0, max: 1, exclusiveMin: true });
  const fds = threshold("maxFdUsage", args.maxFdUsage ?? 0.8, { min: 0, max: 1, exclusiveMin: true });
  const restarts = threshold("maxRestartsPerHour", args.maxRestartsPerHour ?? 3, { min: 1, integer: true });
  const floors = args.goVersionFloors ?? goReleases.supportedPatchFloors(goReleases.asOf);
  const floorRegex = goVersionFloorRegex(floors, at);
  const holdFor = checkPromDuration(at.component, `${at.prefix}for`, args.for ?? "15m");
  const rule = (alert: string, expr: string, severity: string, summary: string, description: string, ruleFor = holdFor): GoRuntimeAlertRule => ({
    alert,
    expr,
    for: ruleFor,
    labels: { severity },
    annotations: { summary, description },
  });
  return [
    rule(
      "GoGoroutinesHigh",
      `go_goroutines{${sel}} > ${maxGoroutines}`,
      "warning",
      "Goroutine count is high",
      `{{ $labels.job }}/{{ $labels.instance }} runs {{ $value }} goroutines (threshold ${maxGoroutines}); a leak is likely.`,
    ),
    rule(
      "GoGoroutinesGrowing",
      `deriv(go_goroutines{${sel}}[1h]) * 3600 > ${growth}`,
      "warning",
      "Goroutine count keeps growing",
      `{{ $labels.job }}/{{ $labels.instance }} gains {{ $value | printf "%.0f" }} goroutines per hour (threshold ${growth}); goroutines are probably leaking.`,
    ),
    rule(
      "GoGCPausesHigh",
      `rate(go_gc_duration_seconds_sum{${sel}}[5m]) > ${gc}`,
      "warning",
      "Go GC pauses take a large share of wall time",
      `{{ $labels.job }}/{{ $labels.instance }} spends {{ $value | humanizePercentage }} of its time in GC pauses (threshold ${gc}).`,
    ),
    rule(
      "GoGCCPUFractionHigh",
      `rate(go_cpu_classes_gc_total_cpu_seconds_total{${sel}}[5m]) / (rate(go_cpu_classes_total_cpu_seconds_total{${sel}}[5m]) - rate(go_cpu_classes_idle_cpu_seconds_total{${sel}}[5m])) > ${gcCpu}`,
      "warning",
      "Go GC uses a large share of the CPU",
      `{{ $labels.job }}/{{ $labels.instance }} spends {{ $value | humanizePercentage }} of its CPU time in the garbage collector (threshold ${gcCpu}); raise GOGC/GOMEMLIMIT or cut allocations.`,
    ),
    rule(
      "GoHeapNearMemoryLimit",
      `go_memstats_heap_inuse_bytes{${sel}} / on(job, instance) (go_gc_gomemlimit_bytes{${sel}} < 9.2e18) > ${heap}`,
      "critical",
      "Go heap is close to GOMEMLIMIT",
      `{{ $labels.job }}/{{ $labels.instance }} uses {{ $value | humanizePercentage }} of GOMEMLIMIT; expect GC thrashing, then OOM.`,
    ),
    rule(
      "GoFileDescriptorsNearLimit",
      `process_open_fds{${sel}} / process_max_fds{${sel}} > ${fds}`,
      "warning",
      "Process is running out of file descriptors",
      `{{ $labels.job }}/{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its file descriptors.`,
    ),
    rule(
      "GoProcessRestarting",
      `changes(process_start_time_seconds{${sel}}[1h]) > ${restarts}`,
      "critical",
      "Go process restarts repeatedly",
      `{{ $labels.job }}/{{ $labels.instance }} restarted {{ $value }} times in the last hour.`,
      "0s",
    ),
    rule(
      "GoVersionBelowFloor",
      `go_info{${sel},version!~"${floorRegex}"}`,
      "warning",
      "Go binary built with a toolchain below the Go version floor",
      `{{ $labels.job }}/{{ $labels.instance }} runs a binary built with {{ $labels.version }}; the floor is ${floors.map((f) => `go${f}`).join(" or ")}. Rebuild it with a supported, patched Go.`,
    ),
  ];
}

/** The PrometheusRule's extra labels: Kubernetes label keys and values (they go on its metadata, where Prometheus' ruleSelector reads them). */
function checkRuleLabels(given: unknown): Record<string, string> {
  if (given === undefined) return {};
  if (!isRecord(given)) throw new ArgumentError(COMPONENT, "ruleLabels", given, "expected a map of Kubernetes label keys to values, such as { release: \"kube-prometheus-stack\" }");
  for (const [key, value] of Object.entries(given)) {
    checkLabelKey(COMPONENT, "ruleLabels", key);
    checkLabelValue(COMPONENT, `ruleLabels.${key}`, value as string);
  }
  return given as Record<string, string>;
}

/** The own checks of GoRuntimeAlerts' args. */
function checkGoRuntimeAlertsArgs(args: GoRuntimeAlertsArgs) {
  const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "monitoring");
  const interval = checkPromDuration(COMPONENT, "interval", args.interval ?? "1m");
  const rules = goRuntimeAlertRules(args);
  const ruleLabels = checkRuleLabels(args.ruleLabels);
  if (args.cluster !== undefined) checkClusterData(COMPONENT, args.cluster);
  return { namespace, interval, rules, ruleLabels };
}

export class GoRuntimeAlerts extends pulumi.ComponentResource {
  /** Name of the PrometheusRule. */
  readonly ruleName: pulumi.Output<string>;
  /** Namespace of the PrometheusRule. */
  readonly namespace: pulumi.Output<string>;
  /** Alert names, for routing and dashboards. */
  readonly alerts: pulumi.Output<string[]>;

  constructor(name: string, args: GoRuntimeAlertsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs("GoRuntimeAlerts", args, checkGoRuntimeAlertsArgs, withLegacyType("goplatform:k8s:GoRuntimeAlerts", opts));
    const { namespace, interval, rules, ruleLabels } = validated.checked;
    super(componentToken("GoRuntimeAlerts"), name, {}, validated.opts);
    const provider = args.cluster === undefined ? {} : { provider: connectCluster(COMPONENT, name, args.cluster, this).provider };

    const prometheusRule = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name,
          namespace,
          labels: { "app.kubernetes.io/managed-by": "goplatform", "app.kubernetes.io/component": "go-runtime-alerts", ...ruleLabels },
        },
        spec: { groups: [{ name: "go-runtime", interval, rules }] },
      },
      { parent: this, ...provider },
    );

    this.ruleName = prometheusRule.metadata.name;
    this.namespace = pulumi.output(namespace);
    this.alerts = pulumi.output(rules.map((r) => r.alert));
    this.registerOutputs({ ruleName: this.ruleName, namespace: this.namespace, alerts: this.alerts });
  }
}
