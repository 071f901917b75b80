/**
 * The real Pulumi engine: the CLI built from the Go module proxy, the Kubernetes
 * provider plugin, a file backend and passphrase secrets, driven through the
 * Automation API (inline programs; see README "Toolchain").
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { goMetadata } from "../../components/go";
import { engineStack, REPO_ROOT } from "../../stacks/engine";
import { program } from "../../stacks/program";
import { type KubeObject, tektonLint, validateArgoCd } from "../unit/delivery/validators";

const SECRET = "s3cr3t-token-that-must-not-leak";

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe("real Pulumi engine on the local stack", function () {
  this.timeout(1_800_000);
  let work: string;
  let stack: Stack;
  const rendered = () => path.join(work, "rendered");

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-engine-"));
    stack = await engineStack({
      stackName: "local",
      stateDir: path.join(work, "state"),
      scratch: { workDir: path.join(work, "project"), settings: { config: { "goplatform:target": "local", "goplatform:renderDirectory": rendered() } } },
      program: () => {
        const outputs = program();
        // A secret through the same engine, to prove state encryption.
        const provider = new k8s.Provider("render-secrets", { renderYamlToDirectory: path.join(work, "rendered-secrets") });
        new k8s.core.v1.Secret("demo-token", { metadata: { name: "demo-token" }, stringData: { token: new pulumi.Config().requireSecret("demoToken") } }, { provider });
        return Promise.resolve(outputs);
      },
    });
    await stack.setConfig("goplatform:demoToken", { value: SECRET, secret: true });
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("pulumi up succeeds and writes the rendered manifests", async () => {
    const result = await stack.up();
    assert.equal(result.summary.result, "succeeded");
    const manifests = files(rendered());
    // Observability and delivery with their installs off: no charts or release manifests, only what goes on top.
    assert.deepEqual(manifests.map((f) => path.basename(f)).sort(), [
      "application-payments.yaml",
      "applicationset-payments-services.yaml",
      "appproject-goplatform.yaml",
      "clusterimagepolicy-goplatform-signed-images.yaml",
      "configmap-argocd-gpg-keys-cm.yaml",
      "configmap-goplatform-go-runtime-dashboard.yaml",
      "deployment-thanos-query.yaml",
      "namespace-payments-ci.yaml",
      "namespace-payments.yaml",
      "pipeline-payments-ci.yaml",
      "prometheusrule-observability-go-runtime.yaml",
      "secret-thanos-objstore.yaml",
      "service-thanos-compact.yaml",
      "service-thanos-query.yaml",
      "service-thanos-store.yaml",
      "serviceaccount-payments-ci-build.yaml",
      "serviceaccount-thanos-compact.yaml",
      "serviceaccount-thanos-query.yaml",
      "serviceaccount-thanos-store.yaml",
      "servicemonitor-go-services.yaml",
      "servicemonitor-thanos.yaml",
      "statefulset-thanos-compact.yaml",
      "statefulset-thanos-store.yaml",
      ...["build", "clone", "lint", "mod", "test", "vulncheck"].map((t) => `task-payments-ci-${t}.yaml`),
    ]);
    const read = (name: string) => parse(readFileSync(manifests.find((f) => path.basename(f) === name) ?? "", "utf8")) as Record<string, unknown>;
    const rule = read("prometheusrule-observability-go-runtime.yaml") as { kind: string; spec: { groups: { rules: { alert: string }[] }[] } };
    assert.equal(rule.kind, "PrometheusRule");
    assert.equal(rule.spec.groups[0]?.rules.length, 8);
    const monitor = read("servicemonitor-go-services.yaml") as { kind: string; spec: { selector: { matchLabels: Record<string, string> } } };
    assert.equal(monitor.kind, "ServiceMonitor");
    assert.deepEqual(monitor.spec.selector.matchLabels, { "goplatform.dev/runtime": "go" });
    // What the real provider rendered passes the Prometheus Operator CRD schemas.
    const { PrometheusRule } = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule");
    const { ServiceMonitor } = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor");
    Object.assign(new PrometheusRule(), rule).validate();
    for (const name of ["servicemonitor-go-services.yaml", "servicemonitor-thanos.yaml"]) Object.assign(new ServiceMonitor(), read(name)).validate();
  });

  it("renders delivery objects that pass tekton-lint and the Argo CD CRD schemas", async () => {
    const manifests = files(rendered());
    const objects = manifests.map((f) => parse(readFileSync(f, "utf8")) as KubeObject);
    const tekton = objects.filter((o) => o.apiVersion === "tekton.dev/v1");
    assert.equal(tekton.length, 7);
    assert.deepEqual((await tektonLint(tekton)).filter((p) => p.level === "error"), []);
    const argo = objects.filter((o) => o.apiVersion === "argoproj.io/v1alpha1");
    assert.deepEqual(argo.map((o) => o.kind).sort(), ["AppProject", "Application", "ApplicationSet"]);
    for (const o of argo) await validateArgoCd(o);
  });

  it("a second preview shows no changes (--expect-no-changes)", async () => {
    const preview = await stack.preview({ expectNoChanges: true });
    assert.equal(preview.changeSummary.create ?? 0, 0);
    assert.equal(preview.changeSummary.update ?? 0, 0);
  });

  it("keeps secrets encrypted in the stored state", () => {
    // Every file the backend wrote (checkpoint, backups, history). The Automation API's
    // exportStack() decrypts (--show-secrets), so it is not what is stored.
    const stored = files(path.join(work, "state"));
    assert.ok(stored.some((f) => f.endsWith(path.join("goplatform", "local.json"))), stored.join("\n"));
    for (const file of stored) {
      assert.ok(!readFileSync(file, "utf8").includes(SECRET), `plaintext secret in ${file}`);
    }
    const checkpoint = readFileSync(stored.find((f) => f.endsWith(path.join("goplatform", "local.json"))) ?? "", "utf8");
    assert.match(checkpoint, /"ciphertext"/);
    assert.match(checkpoint, /kubernetes:core\/v1:Secret/);
  });

  it("passes the policy pack on the compliant program", async () => {
    // The local stack targets a cluster where Tekton Chains already runs: its pack config says so.
    const policyPackConfigs = [path.join(REPO_ROOT, "stacks", "policy-config.local.json")];
    const preview = await stack.preview({ policyPacks: [path.join(REPO_ROOT, "policies")], policyPackConfigs });
    assert.ok(preview.stdout.includes("goplatform"), preview.stdout);
    // Without that config the same program fails: the pack really judged it.
    await assert.rejects(stack.preview({ policyPacks: [path.join(REPO_ROOT, "policies")] }), (err: Error) => /tekton-pipeline-signing/.test(err.message));
  });

  it("fails the policy pack on a violating program, with the policy's message", async () => {
    const violating = await engineStack({
      stackName: "violating",
      stateDir: path.join(work, "state"),
      scratch: { workDir: path.join(work, "violating"), settings: {} },
      program: () => {
        const provider = new k8s.Provider("render", { renderYamlToDirectory: path.join(work, "rendered-violating") });
        new k8s.core.v1.ConfigMap("old-go", { metadata: { labels: goMetadata("1.25.14") } }, { provider });
        return Promise.resolve({});
      },
    });
    await assert.rejects(violating.preview({ policyPacks: [path.join(REPO_ROOT, "policies")] }), (err: Error) =>
      /mandatory.*go-version-supported|go-version-supported.*mandatory/s.test(err.message) &&
      /metadata\.labels chooses Go 1\.25\.14; on \d{4}-\d{2}-\d{2} the Go project supports only the 1\.27 and 1\.26 lines/.test(err.message),
    );
    assert.equal(existsSync(path.join(work, "rendered-violating")), false, "nothing was rendered for the violating program");
  });

  it("pulumi destroy leaves an empty stack", async () => {
    const result = await stack.destroy();
    assert.equal(result.summary.result, "succeeded");
    const deployment = (await stack.exportStack()).deployment as { resources?: unknown[] };
    assert.deepEqual(deployment.resources ?? [], []);
  });
});
