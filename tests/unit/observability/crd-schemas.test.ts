// The monitoring custom resources Observability renders, validated against the
// Prometheus Operator's published CRD schemas (@kubernetes-models/prometheus-operator).
import { strict as assert } from "node:assert";
import { Observability } from "../../../components";
import { fakeCluster } from "../../harness/fake-clusters";
import { runUnderMocks, type RecordedResource } from "../../harness/mocks";

type Validator = (resource: Record<string, unknown>) => void;

async function validators(): Promise<Record<string, Validator>> {
  // ESM-only package: loaded with import() from this CommonJS test.
  const { PrometheusRule } = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule");
  const { ServiceMonitor } = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor");
  return {
    // The data is untyped (as the provider receives it): validate() judges it, not the type checker.
    PrometheusRule: (r) => { Object.assign(new PrometheusRule(), r).validate(); },
    ServiceMonitor: (r) => { Object.assign(new ServiceMonitor(), r).validate(); },
  };
}

const manifest = (r: RecordedResource): Record<string, unknown> => {
  const { apiVersion, kind, metadata, spec } = r.inputs;
  return { apiVersion, kind, metadata, spec };
};

describe("Observability custom resources against the Prometheus Operator CRD schemas", function () {
  this.timeout(120_000);
  let validate: Record<string, Validator>;
  let custom: RecordedResource[];

  before(async () => {
    validate = await validators();
    const { resources } = await runUnderMocks(() => new Observability("obs", { cluster: fakeCluster("aws") }));
    custom = resources.all.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/"));
  });

  it("renders ServiceMonitors and a PrometheusRule that pass their schemas", () => {
    assert.deepEqual(custom.map((r) => `${String(r.inputs.kind)} ${r.name}`).sort(), [
      "PrometheusRule obs-go-runtime",
      "ServiceMonitor obs-go-services",
      "ServiceMonitor obs-thanos",
    ]);
    for (const r of custom) {
      const check = validate[String(r.inputs.kind)];
      assert.ok(check, String(r.inputs.kind));
      check(manifest(r));
    }
  });

  it("fails a resource that breaks the schema (the check can fail)", () => {
    const rule = custom.find((r) => r.inputs.kind === "PrometheusRule");
    assert.ok(rule);
    const good = manifest(rule);
    const spec = good.spec as { groups: { name: string; interval: string; rules: Record<string, unknown>[] }[] };
    const [group] = spec.groups;
    assert.ok(group);
    const check = validate.PrometheusRule;
    assert.ok(check);
    // `for` must be a Prometheus duration; a rule needs an expr.
    const badFor = { ...good, spec: { groups: [{ ...group, rules: [{ ...group.rules[0], for: "15 minutes" }] }] } };
    assert.throws(() => { check(badFor); }, /groups\/0\/rules\/0\/for must match pattern/);
    const { expr: _dropped, ...noExpr } = group.rules[0] ?? {};
    assert.equal(typeof _dropped, "string");
    assert.throws(() => { check({ ...good, spec: { groups: [{ ...group, rules: [noExpr] }] } }); }, /rules\/0 must have required property expr/);

    const monitor = custom.find((r) => r.name === "obs-go-services");
    assert.ok(monitor);
    const m = manifest(monitor);
    const checkMonitor = validate.ServiceMonitor;
    assert.ok(checkMonitor);
    assert.throws(() => { checkMonitor({ ...m, spec: Object.assign({}, m.spec, { endpoints: [{ port: "metrics", interval: "often" }] }) }); }, /endpoints\/0\/interval must match pattern/);
  });
});
