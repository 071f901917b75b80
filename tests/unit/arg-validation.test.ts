import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { validateArgs } from "../../components/arg-validation";
import { ArgumentError } from "../../components/args";
import { failureUnderMocks, runUnderMocks, unhandledUnderMocks } from "../harness/mocks";

// The layer on its own: ExistingCluster's schema entry, with own checks written here.
interface Args {
  clusterName: pulumi.Input<string>;
  kubernetesVersion: string;
  kubeconfig?: pulumi.Input<string>;
  oidcIssuerUrl?: pulumi.Input<string>;
}

function ownChecks(args: Args): string {
  if (typeof args.kubeconfig === "string" && !args.kubeconfig.startsWith("apiVersion")) throw new ArgumentError("ExistingCluster", "kubeconfig", args.kubeconfig, "expected a kubeconfig");
  if (typeof args.oidcIssuerUrl === "string" && typeof args.kubeconfig === "string" && args.oidcIssuerUrl === args.kubeconfig) {
    throw new ArgumentError("ExistingCluster", "oidcIssuerUrl", args.oidcIssuerUrl, "expected an issuer URL, not the kubeconfig");
  }
  return "checked";
}

class Child extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super("test:index:Child", name, props, opts);
  }
}

class Probe extends pulumi.ComponentResource {
  constructor(name: string, args: Args) {
    const { opts } = validateArgs("ExistingCluster", args, ownChecks);
    super("goplatform:test:Probe", name, {}, opts);
    new Child(`${name}-child`, { kubeconfig: args.kubeconfig }, { parent: this });
    this.registerOutputs({});
  }
}

const KUBECONFIG = "apiVersion: v1\nkind: Config\n";

describe("the validation layer (components/arg-validation.ts)", () => {
  it("raises the schema's error when an own check crashes on a value of another type", () => {
    const crashing = (args: Args) => (args.kubeconfig as unknown as { trim(): string }).trim();
    assert.throws(() => validateArgs("ExistingCluster", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: 42 as unknown as string }, crashing), /^ArgumentError: ExistingCluster: invalid kubeconfig 42; expected a string$/);
  });

  it("raises the schema's error when an own check judged a part of a value of another type", () => {
    const perItem = (args: Args) => {
      const value: unknown = args.clusterName;
      if (Array.isArray(value)) value.forEach((c, i) => { if (c === "x") throw new ArgumentError("ExistingCluster", `clusterName[${i}]`, c, "no x"); });
    };
    assert.throws(() => validateArgs("ExistingCluster", { clusterName: ["x"] as unknown as string, kubernetesVersion: "1.34" }, perItem), /^ArgumentError: ExistingCluster: invalid clusterName \["x"\]; expected a string$/);
  });

  it("keeps the own check's message about the value itself", () => {
    assert.throws(() => validateArgs("ExistingCluster", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: "nonsense", oidcIssuerUrl: 7 as unknown as string }, ownChecks), /invalid kubeconfig "nonsense"; expected a kubeconfig$/);
  });

  it("judges the schema after the own checks: a number where a string is declared", async () => {
    const { error, resources } = await failureUnderMocks(() => new Probe("p", { clusterName: "c", kubernetesVersion: 1.34 as unknown as string, kubeconfig: KUBECONFIG }));
    assert.match(error.message, /^ExistingCluster: invalid kubernetesVersion 1\.34; expected a string$/);
    assert.deepEqual(resources.all, []);
  });

  it("judges plain values at once", async () => {
    const { error, resources } = await failureUnderMocks(() => new Probe("p", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: "nonsense" }));
    assert.match(error.message, /^ExistingCluster: invalid kubeconfig "nonsense"; expected a kubeconfig$/);
    assert.deepEqual(resources.all, []);
  });

  it("judges an Output once known, and nothing is registered when it is bad", async () => {
    const { messages, resources } = await unhandledUnderMocks(() => new Probe("p", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: pulumi.output("nonsense") }), {});
    assert.ok(messages.some((m) => m === 'ExistingCluster: invalid kubeconfig "nonsense"; expected a kubeconfig'), messages.join("\n"));
    assert.deepEqual(resources.all.map((r) => r.name), []);
  });

  it("shows no value for a bad secret", async () => {
    const { messages, resources } = await unhandledUnderMocks(() => new Probe("p", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: pulumi.secret("hunter2") }), {});
    assert.ok(messages.includes("ExistingCluster: invalid kubeconfig (a secret, not shown); expected a kubeconfig"), messages.join("\n"));
    assert.ok(!messages.some((m) => m.includes("hunter2")));
    assert.deepEqual(resources.all, []);
  });

  it("shows no part of a secret map entry, in the value or in what is allowed", async () => {
    const labels = (args: { ruleLabels?: Record<string, pulumi.Input<string>> }) => {
      for (const [key, value] of Object.entries(args.ruleLabels ?? {})) {
        if (typeof value === "string" && value.includes(" ")) throw new ArgumentError("GoRuntimeAlerts", `ruleLabels["${key}"]`, value, `expected no spaces, not "${value}"`);
      }
    };
    class Alerts extends pulumi.ComponentResource {
      constructor(name: string, args: { ruleLabels?: Record<string, pulumi.Input<string>> }) {
        super("goplatform:test:Alerts", name, {}, validateArgs("GoRuntimeAlerts", args, labels).opts);
      }
    }
    const { messages, resources } = await unhandledUnderMocks(() => new Alerts("a", { ruleLabels: { team: pulumi.secret("hunter2 swordfish") } }), {});
    assert.ok(messages.includes('GoRuntimeAlerts: invalid ruleLabels["team"] (a secret, not shown); expected no spaces, not "… …"'), messages.join("\n"));
    assert.ok(!messages.some((m) => m.includes("hunter2") || m.includes("swordfish")));
    assert.deepEqual(resources.all, []);
  });

  it("judges rules across two Outputs with both known", async () => {
    const { messages } = await unhandledUnderMocks(() => new Probe("p", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: pulumi.output(KUBECONFIG), oidcIssuerUrl: pulumi.output(KUBECONFIG) }), {});
    assert.ok(messages.some((m) => m.startsWith("ExistingCluster: invalid oidcIssuerUrl ")), messages.join("\n"));
  });

  it("registers the component and its children when the Outputs are good", async () => {
    const { resources } = await runUnderMocks(() => new Probe("p", { clusterName: pulumi.output("c"), kubernetesVersion: "1.34", kubeconfig: pulumi.secret(KUBECONFIG) }));
    assert.deepEqual(resources.all.map((r) => r.name).sort(), ["p", "p-child"]);
  });

  it("returns the options unchanged when no value is pending", () => {
    const opts = { protect: true };
    assert.equal(validateArgs("ExistingCluster", { clusterName: "c", kubernetesVersion: "1.34", kubeconfig: KUBECONFIG }, ownChecks, opts).opts, opts);
  });
});
