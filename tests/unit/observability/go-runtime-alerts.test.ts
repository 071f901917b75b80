import { strict as assert } from "node:assert";
import { GoRuntimeAlerts, goRuntimeAlertRules } from "../../../components";
import { failureUnderMocks, runUnderMocks } from "../../harness/mocks";

describe("GoRuntimeAlerts", () => {
  it("creates one PrometheusRule under the component with the Go runtime alerts", async () => {
    const { resources } = await runUnderMocks(() => new GoRuntimeAlerts("go-alerts", { ruleLabels: { release: "kube-prometheus-stack" } }));
    const component = resources.one("goplatform:k8s:GoRuntimeAlerts", "go-alerts");
    const rule = resources.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    assert.equal(rule.parent, component.urn);
    assert.deepEqual(resources.childrenOf(component).map((r) => r.name), ["go-alerts"]);
    const metadata = rule.inputs.metadata as { namespace: string; labels: Record<string, string> };
    assert.equal(metadata.namespace, "monitoring");
    assert.equal(metadata.labels.release, "kube-prometheus-stack");
    assert.equal(metadata.labels["app.kubernetes.io/managed-by"], "goplatform");
    const spec = rule.inputs.spec as { groups: { name: string; interval: string; rules: { alert: string; expr: string }[] }[] };
    const group = spec.groups[0];
    assert.ok(group);
    assert.equal(group.interval, "1m");
    assert.deepEqual(group.rules.map((r) => r.alert), [
      "GoGoroutinesHigh", "GoGCPausesHigh", "GoHeapNearMemoryLimit", "GoFileDescriptorsNearLimit", "GoProcessRestarting",
    ]);
  });

  it("applies the selector and thresholds to every expression", () => {
    const rules = goRuntimeAlertRules({ selector: 'namespace="payments"', maxGoroutines: 500, maxFdUsage: 0.5 });
    for (const r of rules) assert.match(r.expr, /\{namespace="payments"\}/, r.alert);
    assert.equal(rules.find((r) => r.alert === "GoGoroutinesHigh")?.expr, 'go_goroutines{namespace="payments"} > 500');
    assert.match(rules.find((r) => r.alert === "GoFileDescriptorsNearLimit")?.expr ?? "", /> 0\.5$/);
  });

  const bad: [string, object, RegExp][] = [
    ["namespace", { namespace: "Monitoring" }, /GoRuntimeAlerts: invalid namespace "Monitoring"; expected a DNS-1123 label/],
    ["selector", { selector: "namespace=payments" }, /invalid selector "namespace=payments"; expected PromQL label matchers/],
    ["selector braces", { selector: '{job="x"}' }, /invalid selector/],
    ["maxGoroutines", { maxGoroutines: 0 }, /invalid maxGoroutines 0; expected an integer at least 1/],
    ["maxGcPauseFraction", { maxGcPauseFraction: 1.5 }, /invalid maxGcPauseFraction 1.5; expected a number greater than 0 and at most 1/],
    ["maxHeapToMemoryLimit", { maxHeapToMemoryLimit: Number.NaN }, /invalid maxHeapToMemoryLimit NaN/],
    ["for", { for: "15 minutes" }, /invalid for "15 minutes"; expected a Prometheus duration/],
    ["interval", { interval: "0" }, /invalid interval "0"/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects a bad ${what} before creating anything`, async () => {
      const { error, resources } = await failureUnderMocks(() => new GoRuntimeAlerts("a", args));
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }
});
