import { strict as assert } from "node:assert";
import * as fc from "fast-check";
import { GoRuntimeAlerts, goRuntimeAlertRules, goVersionFloorRegex, integerAtLeastRegex } from "../../../components";
import { goReleases } from "../../../components/go";
import { fakeCluster } from "../../harness/fake-clusters";
import { failureUnderMocks, runUnderMocks } from "../../harness/mocks";

const rules = (alert: string, args: Parameters<typeof goRuntimeAlertRules>[0]) => {
  const found = goRuntimeAlertRules(args).find((r) => r.alert === alert);
  assert.ok(found, alert);
  return found;
};

describe("GoRuntimeAlerts", () => {
  it("creates one PrometheusRule under the component with the Go runtime alerts", async () => {
    const { resources } = await runUnderMocks(() => new GoRuntimeAlerts("go-alerts", { ruleLabels: { release: "kube-prometheus-stack" } }));
    const component = resources.one("goplatform:index:GoRuntimeAlerts", "go-alerts");
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
      "GoGoroutinesHigh", "GoGoroutinesGrowing", "GoGCPausesHigh", "GoGCCPUFractionHigh", "GoHeapNearMemoryLimit",
      "GoFileDescriptorsNearLimit", "GoProcessRestarting", "GoVersionBelowFloor",
    ]);
  });

  it("creates the PrometheusRule in the cluster it is given, through a provider built from its kubeconfig", async () => {
    const { resources } = await runUnderMocks(() => new GoRuntimeAlerts("go-alerts", { cluster: fakeCluster("gcp") }));
    const component = resources.one("goplatform:index:GoRuntimeAlerts", "go-alerts");
    const provider = resources.one("pulumi:providers:kubernetes", "go-alerts-cluster");
    assert.equal(provider.parent, component.urn);
    assert.equal(provider.inputs.kubeconfig, "apiVersion: v1\nkind: Config\n");
    const rule = resources.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    assert.ok(rule.provider?.startsWith(`${provider.urn}::`), "the rule uses the cluster's provider");
  });

  it("refuses cluster data without a kubeconfig before creating anything", async () => {
    const { error, resources } = await failureUnderMocks(() => new GoRuntimeAlerts("a", { cluster: fakeCluster("existing", { kubeconfig: "" }) }));
    assert.match(error.message, /^GoRuntimeAlerts: invalid cluster\.kubeconfig ""; expected a kubeconfig/);
    assert.deepEqual(resources.all, []);
  });

  it("applies the selector and thresholds to every expression", () => {
    const rules = goRuntimeAlertRules({ selector: 'namespace="payments"', maxGoroutines: 500, maxFdUsage: 0.5 });
    for (const r of rules) assert.match(r.expr, /\{namespace="payments"[,}]/, r.alert);
    assert.equal(rules.find((r) => r.alert === "GoGoroutinesHigh")?.expr, 'go_goroutines{namespace="payments"} > 500');
    assert.match(rules.find((r) => r.alert === "GoFileDescriptorsNearLimit")?.expr ?? "", /> 0\.5$/);
  });

  it("sets the goroutine growth and GC CPU thresholds", () => {
    const rules = goRuntimeAlertRules({ maxGoroutineGrowthPerHour: 250, maxGcCpuFraction: 0.3 });
    assert.equal(rules.find((r) => r.alert === "GoGoroutinesGrowing")?.expr, 'deriv(go_goroutines{job!=""}[1h]) * 3600 > 250');
    assert.equal(
      rules.find((r) => r.alert === "GoGCCPUFractionHigh")?.expr,
      'rate(go_cpu_classes_gc_total_cpu_seconds_total{job!=""}[5m]) / (rate(go_cpu_classes_total_cpu_seconds_total{job!=""}[5m]) - rate(go_cpu_classes_idle_cpu_seconds_total{job!=""}[5m])) > 0.3',
    );
  });

  it("takes the Go version floor from the release table by default and as a parameter", () => {
    const byDefault = rules("GoVersionBelowFloor", {});
    assert.deepEqual(goReleases.supportedPatchFloors(goReleases.asOf), ["1.27.4", "1.26.11"]);
    assert.equal(byDefault.expr, `go_info{job!="",version!~"${goVersionFloorRegex(["1.27.4", "1.26.11"])}"}`);
    assert.match(byDefault.annotations.description ?? "", /the floor is go1\.27\.4 or go1\.26\.11\./);
    const given = rules("GoVersionBelowFloor", { goVersionFloors: ["1.26.2"] });
    assert.equal(given.expr, `go_info{job!="",version!~"${goVersionFloorRegex(["1.26.2"])}"}`);
  });

  describe("Go version floor as a PromQL regex", () => {
    // PromQL regexes are fully anchored (RE2); JavaScript's agree for this subset.
    const matches = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);

    it("integerAtLeastRegex(n) matches exactly the integers >= n", () => {
      fc.assert(
        fc.property(fc.nat(5000), fc.nat(20000), (n, m) => matches(integerAtLeastRegex(n), String(m)) === m >= n),
        { numRuns: 2000 },
      );
      assert.equal(matches(integerAtLeastRegex(11), "011"), false);
    });

    it("accepts releases at or above their line's floor and newer lines; refuses the rest", () => {
      const floor = goVersionFloorRegex(["1.27.4", "1.26.11"]);
      for (const ok of ["go1.27.4", "go1.27.10", "go1.26.11", "go1.26.12", "go1.28.0", "go1.30.1", "go1.100.0", "go1.27.4 X:boringcrypto"]) {
        assert.ok(matches(floor, ok), ok);
      }
      for (const low of ["go1.27.3", "go1.27.0", "go1.26.8", "go1.26.1", "go1.25.99", "go1.21.0", "go1.28rc1", "devel go1.28-abc", "go1.26.11rc1", "1.27.4", "go1.27.04"]) {
        assert.ok(!matches(floor, low), low);
      }
    });

    it("agrees with the Go version model on every release in the table", () => {
      const day = goReleases.asOf;
      const floor = goVersionFloorRegex(goReleases.supportedPatchFloors(day));
      for (const line of goReleases.lines()) {
        for (const patch of line.patches) {
          const a = goReleases.assess(patch.version, day);
          assert.equal(matches(floor, `go${patch.version}`), a.supported && a.meetsPatchFloor, patch.version);
        }
      }
    });
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
    ["maxGoroutineGrowthPerHour", { maxGoroutineGrowthPerHour: -5 }, /invalid maxGoroutineGrowthPerHour -5; expected a number greater than 0/],
    ["maxGcCpuFraction", { maxGcCpuFraction: 0 }, /invalid maxGcCpuFraction 0; expected a number greater than 0 and at most 1/],
    ["goVersionFloors (empty)", { goVersionFloors: [] }, /invalid goVersionFloors \[\]; expected a non-empty list of Go releases/],
    ["goVersionFloors (a line, not a release)", { goVersionFloors: ["1.27"] }, /invalid goVersionFloors\[0\] "1.27"; expected a Go release with a patch number/],
    ["goVersionFloors with a number (issue 18, kind 2)", { goVersionFloors: [1.27] }, /GoRuntimeAlerts: invalid goVersionFloors\[0\] 1\.27; expected a Go release as a string/],
    ["a selector given as a list (issue 18, kind 2)", { selector: ['job="api"'] }, /GoRuntimeAlerts: invalid selector \["job=\\"api\\""\]; expected PromQL label matchers without braces, as a string/],
    ["ruleLabels with a key Kubernetes refuses (issue 18, kind 5)", { ruleLabels: { "release name": "kps" } }, /GoRuntimeAlerts: invalid ruleLabels "release name"; expected a Kubernetes label key/],
    ["ruleLabels with a value Kubernetes refuses (issue 18, kind 5)", { ruleLabels: { release: "example.com/kps" } }, /GoRuntimeAlerts: invalid ruleLabels\.release "example\.com\/kps"; expected a Kubernetes label value/],
    ["ruleLabels as a string (issue 18, kind 2)", { ruleLabels: "release=kps" }, /GoRuntimeAlerts: invalid ruleLabels "release=kps"; expected a map of Kubernetes label keys/],
    ["a namespace given as a list (issue 18, kind 2)", { namespace: ["monitoring"] }, /GoRuntimeAlerts: invalid namespace \["monitoring"\]; expected a DNS-1123 label/],
    ["goVersionFloors (two floors for one line)", { goVersionFloors: ["1.27.4", "1.27.2"] }, /invalid goVersionFloors \["1.27.4","1.27.2"\]; expected .* at most one per minor line/],
    ["goVersionFloors (not a version)", { goVersionFloors: ["latest"] }, /invalid goVersionFloors\[0\] "latest"/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects a bad ${what} before creating anything`, async () => {
      const { error, resources } = await failureUnderMocks(() => new GoRuntimeAlerts("a", args));
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }
});
