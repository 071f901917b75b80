// GoRuntimeAlerts' rules through promtool (built from the Go module proxy): syntax
// check, then unit tests giving every alert series it must fire on and series (or
// times) it must stay quiet on.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { goRuntimeAlertRules, goRuntimeDashboard } from "../../components";
import { toolchain } from "../harness/pulumi-cli";

// Pinned floor, so the expectations do not move when the release table is refreshed.
const FLOORS = ["1.27.4", "1.26.11"];
const ALERTS = [
  "GoGoroutinesHigh", "GoGoroutinesGrowing", "GoGCPausesHigh", "GoGCCPUFractionHigh", "GoHeapNearMemoryLimit",
  "GoFileDescriptorsNearLimit", "GoProcessRestarting", "GoVersionBelowFloor",
];

interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

const series = (name: string, instance: string, values: string, extra: Record<string, string> = {}) => ({
  series: `${name}{${Object.entries({ job: "api", instance, ...extra }).map(([k, v]) => `${k}="${v}"`).join(",")}}`,
  values,
});
const firing = (eval_time: string, alertname: string, severity: string, instance: string, description: string, summary: string, extra: Record<string, string> = {}): AlertTest => ({
  eval_time,
  alertname,
  exp_alerts: [{ exp_labels: { severity, job: "api", instance, ...extra }, exp_annotations: { summary, description } }],
});
const quiet = (eval_time: string, alertname: string): AlertTest => ({ eval_time, alertname, exp_alerts: [] });
const alternating = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b)).join(" ");

describe("GoRuntimeAlerts rules under promtool", function () {
  this.timeout(1_800_000);
  let work: string;
  let bin: string;

  before(() => {
    bin = toolchain("promtool");
    work = mkdtempSync(path.join(tmpdir(), "goplatform-promtool-"));
    const rules = goRuntimeAlertRules({ goVersionFloors: FLOORS });
    assert.deepEqual(rules.map((r) => r.alert), ALERTS);
    writeFileSync(path.join(work, "rules.yaml"), stringify({ groups: [{ name: "go-runtime", interval: "1m", rules }] }));
    writeFileSync(path.join(work, "default-rules.yaml"), stringify({ groups: [{ name: "go-runtime", interval: "1m", rules: goRuntimeAlertRules() }] }));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  const promtoolTest = (file: string, tests: unknown[]) => {
    writeFileSync(path.join(work, file), stringify({ rule_files: ["rules.yaml"], evaluation_interval: "1m", tests }));
    return execFileSync(bin, ["test", "rules", file], { cwd: work, encoding: "utf8", stdio: "pipe" });
  };

  it("passes promtool check rules, with the default floor and a given one", () => {
    for (const file of ["rules.yaml", "default-rules.yaml"]) {
      const out = execFileSync(bin, ["check", "rules", path.join(work, file)], { encoding: "utf8" });
      assert.match(out, new RegExp(`SUCCESS: ${ALERTS.length} rules found`), file);
    }
  });

  it("GoGoroutinesHigh fires on a high count held for 15m, not on a normal one or before 15m", () => {
    promtoolTest("goroutines-high.yaml", [
      {
        interval: "1m",
        input_series: [series("go_goroutines", "a", "20000x30"), series("go_goroutines", "b", "500x30")],
        alert_rule_test: [
          firing("20m", "GoGoroutinesHigh", "warning", "a", "api/a runs 20000 goroutines (threshold 10000); a leak is likely.", "Goroutine count is high"),
          quiet("10m", "GoGoroutinesHigh"),
        ],
      },
    ]);
  });

  it("GoGoroutinesGrowing fires on steady growth, not on a flat or oscillating count", () => {
    promtoolTest("goroutines-growing.yaml", [
      {
        interval: "1m",
        input_series: [
          series("go_goroutines", "leaky", "100+50x120"),
          series("go_goroutines", "flat", "5000x120"),
          series("go_goroutines", "busy", alternating(500, 3000, 121)),
        ],
        alert_rule_test: [
          firing("90m", "GoGoroutinesGrowing", "warning", "leaky", "api/leaky gains 3000 goroutines per hour (threshold 1000); goroutines are probably leaking.", "Goroutine count keeps growing"),
          quiet("10m", "GoGoroutinesGrowing"),
        ],
      },
    ]);
  });

  it("GoGCPausesHigh fires when pauses take over 5% of wall time, not at 1%", () => {
    promtoolTest("gc-pauses.yaml", [
      {
        interval: "1m",
        input_series: [series("go_gc_duration_seconds_sum", "a", "0+6x60"), series("go_gc_duration_seconds_sum", "b", "0+0.6x60")],
        alert_rule_test: [
          firing("30m", "GoGCPausesHigh", "warning", "a", "api/a spends 10% of its time in GC pauses (threshold 0.05).", "Go GC pauses take a large share of wall time"),
          quiet("12m", "GoGCPausesHigh"),
        ],
      },
    ]);
  });

  it("GoGCCPUFractionHigh fires when GC uses over 25% of the CPU the process uses, not at 10%", () => {
    // Two cores (120 cpu-s per minute), one of them idle: the process uses 60 cpu-s per minute.
    promtoolTest("gc-cpu.yaml", [
      {
        interval: "1m",
        input_series: [
          series("go_cpu_classes_total_cpu_seconds_total", "a", "0+120x60"),
          series("go_cpu_classes_idle_cpu_seconds_total", "a", "0+60x60"),
          series("go_cpu_classes_gc_total_cpu_seconds_total", "a", "0+18x60"),
          series("go_cpu_classes_total_cpu_seconds_total", "b", "0+120x60"),
          series("go_cpu_classes_idle_cpu_seconds_total", "b", "0+60x60"),
          series("go_cpu_classes_gc_total_cpu_seconds_total", "b", "0+6x60"),
        ],
        alert_rule_test: [
          firing("30m", "GoGCCPUFractionHigh", "warning", "a", "api/a spends 30% of its CPU time in the garbage collector (threshold 0.25); raise GOGC/GOMEMLIMIT or cut allocations.", "Go GC uses a large share of the CPU"),
          quiet("12m", "GoGCCPUFractionHigh"),
        ],
      },
    ]);
  });

  it("GoHeapNearMemoryLimit fires near GOMEMLIMIT, not far from it, and not when GOMEMLIMIT is unset (math.MaxInt64)", () => {
    promtoolTest("heap.yaml", [
      {
        interval: "1m",
        input_series: [
          series("go_memstats_heap_inuse_bytes", "near", "950000000x30"),
          series("go_gc_gomemlimit_bytes", "near", "1000000000x30"),
          series("go_memstats_heap_inuse_bytes", "far", "500000000x30"),
          series("go_gc_gomemlimit_bytes", "far", "1000000000x30"),
          // GOMEMLIMIT unset: client_golang reports math.MaxInt64 (9223372036854775807).
          series("go_memstats_heap_inuse_bytes", "unset", "950000000x30"),
          series("go_gc_gomemlimit_bytes", "unset", "9223372036854775807x30"),
        ],
        alert_rule_test: [
          firing("20m", "GoHeapNearMemoryLimit", "critical", "near", "api/near uses 95% of GOMEMLIMIT; expect GC thrashing, then OOM.", "Go heap is close to GOMEMLIMIT"),
          quiet("10m", "GoHeapNearMemoryLimit"),
        ],
      },
    ]);
  });

  it("GoFileDescriptorsNearLimit fires above 80% of the limit, not below", () => {
    promtoolTest("fds.yaml", [
      {
        interval: "1m",
        input_series: [
          series("process_open_fds", "a", "900x30"),
          series("process_max_fds", "a", "1024x30"),
          series("process_open_fds", "b", "100x30"),
          series("process_max_fds", "b", "1024x30"),
        ],
        alert_rule_test: [
          firing("20m", "GoFileDescriptorsNearLimit", "warning", "a", "api/a uses 87.89% of its file descriptors.", "Process is running out of file descriptors"),
          quiet("5m", "GoFileDescriptorsNearLimit"),
        ],
      },
    ]);
  });

  it("GoProcessRestarting fires on more than 3 restarts in an hour, not on a stable process or on 3", () => {
    promtoolTest("restarts.yaml", [
      {
        interval: "1m",
        input_series: [
          series("process_start_time_seconds", "a", "1 2 3 4 5 6 7 8 9 10"),
          series("process_start_time_seconds", "b", "1x10"),
          series("process_start_time_seconds", "c", "1 2 3 4 4 4 4 4 4 4"),
        ],
        alert_rule_test: [
          firing("9m", "GoProcessRestarting", "critical", "a", "api/a restarted 9 times in the last hour.", "Go process restarts repeatedly"),
          quiet("2m", "GoProcessRestarting"),
        ],
      },
    ]);
  });

  it("GoVersionBelowFloor fires for binaries below the Go version floor, not at or above it", () => {
    const description = (instance: string, version: string) =>
      `api/${instance} runs a binary built with ${version}; the floor is go1.27.4 or go1.26.11. Rebuild it with a supported, patched Go.`;
    const summary = "Go binary built with a toolchain below the Go version floor";
    promtoolTest("version.yaml", [
      {
        interval: "1m",
        input_series: [
          series("go_info", "old-patch", "1x30", { version: "go1.26.8" }),
          series("go_info", "old-line", "1x30", { version: "go1.25.14" }),
          series("go_info", "at-floor", "1x30", { version: "go1.27.4" }),
          series("go_info", "above-floor", "1x30", { version: "go1.26.12" }),
          series("go_info", "newer-line", "1x30", { version: "go1.28.1" }),
          series("go_info", "experiment", "1x30", { version: "go1.27.4 X:boringcrypto" }),
        ],
        alert_rule_test: [
          {
            eval_time: "20m",
            alertname: "GoVersionBelowFloor",
            exp_alerts: [
              { exp_labels: { severity: "warning", job: "api", instance: "old-patch", version: "go1.26.8" }, exp_annotations: { summary, description: description("old-patch", "go1.26.8") } },
              { exp_labels: { severity: "warning", job: "api", instance: "old-line", version: "go1.25.14" }, exp_annotations: { summary, description: description("old-line", "go1.25.14") } },
            ],
          },
          quiet("10m", "GoVersionBelowFloor"),
        ],
      },
    ]);
  });

  it("parses every PromQL query of the Go runtime dashboard (as recording rules, variables filled in)", () => {
    const exprs = goRuntimeDashboard({ selector: 'goplatform_runtime="go"' }).panels.flatMap((p) => p.targets.map((t) => t.expr));
    const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: expr.replaceAll("$namespace", ".*").replaceAll("$job", ".*") }));
    writeFileSync(path.join(work, "dashboard.yaml"), stringify({ groups: [{ name: "dashboard", rules }] }));
    const out = execFileSync(bin, ["check", "rules", path.join(work, "dashboard.yaml")], { encoding: "utf8" });
    assert.match(out, new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });

  it("fails its unit test when the expectation is wrong (the check can fail)", () => {
    // GOMEMLIMIT unset must not fire: expecting it to fire must make promtool fail.
    assert.throws(
      () =>
        promtoolTest("wrong.yaml", [
          {
            interval: "1m",
            input_series: [series("go_memstats_heap_inuse_bytes", "unset", "950000000x30"), series("go_gc_gomemlimit_bytes", "unset", "9223372036854775807x30")],
            alert_rule_test: [{ eval_time: "20m", alertname: "GoHeapNearMemoryLimit", exp_alerts: [{ exp_labels: { severity: "critical", job: "api", instance: "unset" } }] }],
          },
        ]),
      (err: Error & { stdout?: string; stderr?: string }) => /FAILED:\s+alertname: GoHeapNearMemoryLimit/.test(`${String(err.stdout)}${String(err.stderr)}`),
    );
  });
});
