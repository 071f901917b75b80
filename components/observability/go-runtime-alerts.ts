/**
 * GoRuntimeAlerts: a PrometheusRule (Prometheus Operator) with alerts on the Go
 * runtime and process metrics every Go service exports through client_golang's
 * default collectors (go_*, process_*).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkDnsLabel, checkNumber, checkPromDuration, ArgumentError } from "../args";

const COMPONENT = "GoRuntimeAlerts";

export interface GoRuntimeAlertsArgs {
  /** Namespace of the PrometheusRule. Default: "monitoring". */
  namespace?: string;
  /**
   * PromQL label matchers selecting the Go services' series, without braces,
   * e.g. `namespace="payments"`. Default: `job!=""` (every scraped job).
   */
  selector?: string;
  /** Labels that make the Prometheus `ruleSelector` pick this rule up. Default: {}. */
  ruleLabels?: Record<string, string>;
  /** Goroutines per instance above which GoGoroutinesHigh fires. Default: 10000. */
  maxGoroutines?: number;
  /** Fraction of wall time spent in GC stop-the-world pauses that fires GoGCPausesHigh. Default: 0.05. */
  maxGcPauseFraction?: number;
  /** Fraction of GOMEMLIMIT in use by the heap that fires GoHeapNearMemoryLimit. Default: 0.9. */
  maxHeapToMemoryLimit?: number;
  /** Fraction of the file-descriptor limit that fires GoFileDescriptorsNearLimit. Default: 0.8. */
  maxFdUsage?: number;
  /** Restarts within an hour that fire GoProcessRestarting. Default: 3. */
  maxRestartsPerHour?: number;
  /** How long a condition must hold before an alert fires. Default: "15m". */
  for?: string;
  /** Rule evaluation interval. Default: "1m". */
  interval?: string;
}

export interface GoRuntimeAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const MATCHER = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*$/;

function checkSelector(selector: string): string {
  const parts = selector.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  if (selector.trim() === "" || !parts.every((p) => MATCHER.test(p))) {
    throw new ArgumentError(COMPONENT, "selector", selector, "expected PromQL label matchers without braces, such as 'namespace=\"payments\",job=~\"api.*\"'");
  }
  return selector.trim();
}

/** The alert rules, built from validated arguments; exported for rule tests (promtool). */
export function goRuntimeAlertRules(args: GoRuntimeAlertsArgs = {}): GoRuntimeAlertRule[] {
  const sel = checkSelector(args.selector ?? 'job!=""');
  const maxGoroutines = checkNumber(COMPONENT, "maxGoroutines", args.maxGoroutines ?? 10000, { min: 1, integer: true });
  const gc = checkNumber(COMPONENT, "maxGcPauseFraction", args.maxGcPauseFraction ?? 0.05, { min: 0, max: 1, exclusiveMin: true });
  const heap = checkNumber(COMPONENT, "maxHeapToMemoryLimit", args.maxHeapToMemoryLimit ?? 0.9, { min: 0, max: 1, exclusiveMin: true });
  const fds = checkNumber(COMPONENT, "maxFdUsage", args.maxFdUsage ?? 0.8, { min: 0, max: 1, exclusiveMin: true });
  const restarts = checkNumber(COMPONENT, "maxRestartsPerHour", args.maxRestartsPerHour ?? 3, { min: 1, integer: true });
  const holdFor = checkPromDuration(COMPONENT, "for", args.for ?? "15m");
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
      "GoGCPausesHigh",
      `rate(go_gc_duration_seconds_sum{${sel}}[5m]) > ${gc}`,
      "warning",
      "Go GC pauses take a large share of wall time",
      `{{ $labels.job }}/{{ $labels.instance }} spends {{ $value | humanizePercentage }} of its time in GC pauses (threshold ${gc}).`,
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
  ];
}

export class GoRuntimeAlerts extends pulumi.ComponentResource {
  /** Name of the PrometheusRule. */
  readonly ruleName: pulumi.Output<string>;
  /** Namespace of the PrometheusRule. */
  readonly namespace: pulumi.Output<string>;
  /** Alert names, for routing and dashboards. */
  readonly alerts: pulumi.Output<string[]>;

  constructor(name: string, args: GoRuntimeAlertsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "monitoring");
    const interval = checkPromDuration(COMPONENT, "interval", args.interval ?? "1m");
    const rules = goRuntimeAlertRules(args);
    super("goplatform:k8s:GoRuntimeAlerts", name, {}, opts);

    const prometheusRule = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name,
          namespace,
          labels: { "app.kubernetes.io/managed-by": "goplatform", "app.kubernetes.io/component": "go-runtime-alerts", ...args.ruleLabels },
        },
        spec: { groups: [{ name: "go-runtime", interval, rules }] },
      },
      { parent: this },
    );

    this.ruleName = prometheusRule.metadata.name;
    this.namespace = pulumi.output(namespace);
    this.alerts = pulumi.output(rules.map((r) => r.alert));
    this.registerOutputs({ ruleName: this.ruleName, namespace: this.namespace, alerts: this.alerts });
  }
}
