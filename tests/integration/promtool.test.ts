// GoRuntimeAlerts' rules through promtool (built from the Go module proxy): syntax
// check, then unit tests that the alerts fire, and stay quiet, on synthetic series.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { goRuntimeAlertRules } from "../../components";
import { toolchain } from "../../stacks/engine";

describe("GoRuntimeAlerts rules under promtool", function () {
  this.timeout(1_800_000);
  let work: string;
  let bin: string;

  before(() => {
    bin = toolchain("promtool");
    work = mkdtempSync(path.join(tmpdir(), "goplatform-promtool-"));
    writeFileSync(path.join(work, "rules.yaml"), stringify({ groups: [{ name: "go-runtime", interval: "1m", rules: goRuntimeAlertRules() }] }));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("passes promtool check rules", () => {
    const out = execFileSync(bin, ["check", "rules", path.join(work, "rules.yaml")], { encoding: "utf8" });
    assert.match(out, /SUCCESS: 5 rules found/);
  });

  it("fires and stays quiet as the unit tests expect", () => {
    const tests = {
      rule_files: ["rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: 'go_goroutines{job="api",instance="a"}', values: "20000x30" },
            { series: 'go_goroutines{job="api",instance="b"}', values: "500x30" },
            { series: 'process_start_time_seconds{job="api",instance="a"}', values: "1 2 3 4 5 6 7 8 9 10" },
            { series: 'process_start_time_seconds{job="api",instance="b"}', values: "1x10" },
          ],
          alert_rule_test: [
            {
              eval_time: "20m",
              alertname: "GoGoroutinesHigh",
              exp_alerts: [
                {
                  exp_labels: { severity: "warning", job: "api", instance: "a" },
                  exp_annotations: { summary: "Goroutine count is high", description: "api/a runs 20000 goroutines (threshold 10000); a leak is likely." },
                },
              ],
            },
            { eval_time: "10m", alertname: "GoGoroutinesHigh", exp_alerts: [] },
            {
              eval_time: "9m",
              alertname: "GoProcessRestarting",
              exp_alerts: [
                {
                  exp_labels: { severity: "critical", job: "api", instance: "a" },
                  exp_annotations: { summary: "Go process restarts repeatedly", description: "api/a restarted 9 times in the last hour." },
                },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(path.join(work, "tests.yaml"), stringify(tests));
    const out = execFileSync(bin, ["test", "rules", "tests.yaml"], { cwd: work, encoding: "utf8" });
    assert.match(out, /SUCCESS/);
  });

  it("fails its unit test when the expectation is wrong (the check can fail)", () => {
    writeFileSync(
      path.join(work, "wrong.yaml"),
      stringify({
        rule_files: ["rules.yaml"],
        tests: [{ interval: "1m", input_series: [{ series: 'go_goroutines{job="api",instance="b"}', values: "500x30" }], alert_rule_test: [{ eval_time: "20m", alertname: "GoGoroutinesHigh", exp_alerts: [{ exp_labels: { severity: "warning", job: "api", instance: "b" } }] }] }],
      }),
    );
    assert.throws(() => execFileSync(bin, ["test", "rules", "wrong.yaml"], { cwd: work, stdio: "pipe" }));
  });
});
