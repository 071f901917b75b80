// The style every component test follows: run a program under mocks, assert on the graph.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { runUnderMocks, valueOf } from "../../harness/mocks";

class Pair extends pulumi.ComponentResource {
  readonly configMapName: pulumi.Output<string>;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("goplatform:test:Pair", name, {}, opts);
    const cm = new k8s.core.v1.ConfigMap(`${name}-cm`, { data: { greeting: "hello" } }, { parent: this, protect: true });
    new k8s.core.v1.Secret(`${name}-secret`, { stringData: { token: pulumi.secret("s3cr3t") } }, { parent: this, dependsOn: [cm] });
    this.configMapName = cm.metadata.name;
    this.registerOutputs({ configMapName: this.configMapName });
  }
}

describe("mock harness", () => {
  it("records type, name, inputs, parent and options of every resource", async () => {
    const { result, resources } = await runUnderMocks(() => new Pair("demo"));
    assert.deepEqual(resources.types(), ["goplatform:test:Pair", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret"]);
    const pair = resources.one("goplatform:test:Pair");
    const cm = resources.one("kubernetes:core/v1:ConfigMap", "demo-cm");
    const secret = resources.one("kubernetes:core/v1:Secret");
    assert.deepEqual(resources.childrenOf(pair).map((r) => r.name).sort(), ["demo-cm", "demo-secret"]);
    assert.equal(cm.protect, true);
    assert.equal(secret.protect, false);
    assert.deepEqual(secret.dependsOn, [cm.urn]);
    assert.deepEqual(cm.inputs.data, { greeting: "hello" });
    assert.equal(cm.custom, true);
    assert.equal(pair.custom, false);
    // Outputs resolve to what the mock returned: the ConfigMap's inputs.
    assert.equal(await valueOf(result.configMapName), undefined);
  });

  it("passes stack config to the program", async () => {
    const { result } = await runUnderMocks(() => new pulumi.Config().require("goVersion"), { config: { goVersion: "1.27.4" } });
    assert.equal(result, "1.27.4");
  });

  it("surfaces program errors", async () => {
    await assert.rejects(runUnderMocks(() => { throw new Error("bad input"); }), /bad input/);
  });
});
