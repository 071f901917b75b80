/**
 * The repository's own project (Pulumi.yaml, program dist/stacks/index.js) on the
 * `local` stack, through the real pulumi CLI run as a process: the Node.js language
 * host, the Kubernetes provider v4 from the plugin cache, a file backend of the
 * test's own and the stack's passphrase-encrypted config, as `npm start` runs it.
 * The stack config is a copy of stacks/Pulumi.local.yaml with its own render
 * directory (`--config-file`), so the test touches nothing `npm start` keeps.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import { PulumiCli, REPO_ROOT } from "../harness/pulumi-cli";
import { type KubeObject, tektonLint, validateArgoCd } from "../unit/delivery/validators";

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe("the local stack through the pulumi CLI", function () {
  this.timeout(1_800_000);
  let work: string;
  let cli: PulumiCli;
  let configFile: string;
  const rendered = () => path.join(work, "rendered");
  const stack = (...args: string[]) => [...args, "--stack", "local", "--config-file", configFile];

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-local-stack-"));
    const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "stacks", "Pulumi.local.yaml"), "utf8"));
    doc.setIn(["config", "goplatform:renderDirectory"], rendered());
    configFile = path.join(work, "Pulumi.local.yaml");
    writeFileSync(configFile, doc.toString());
    cli = new PulumiCli(REPO_ROOT, path.join(work, "state"));
    cli.ok(["stack", "init", "local"]);
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  // The provider's true warning that render mode writes Secret data in plaintext (the
  // Chains signing key, the Thanos objstore config), and nothing else.
  const RENDERED_SECRETS = /warning: rendered (YAML will contain|file \S+\/v1-secret-(tekton-chains-signing-secrets|monitoring-thanos-objstore)\.yaml contains) a secret value in plaintext$/;

  it("pulumi up renders every in-cluster component, the Chains and Argo CD patches included", () => {
    const up = cli.ok(stack("up", "--yes", "--skip-preview"), RENDERED_SECRETS);
    assert.match(up.stdout, /Resources:\s+\+ \d+ created/);
    const names = files(rendered()).map((f) => path.basename(f));
    // What the v2 provider could not render: the patches Tekton and Argo CD apply to the objects their releases own.
    for (const patch of ["v1-configmap-tekton-chains-chains-config.yaml", "v1-secret-tekton-chains-signing-secrets.yaml", "v1-configmap-argocd-argocd-gpg-keys-cm.yaml"]) {
      assert.ok(names.includes(patch), `${patch} not in ${names.join(", ")}`);
    }
    const read = (name: string) => parse(readFileSync(files(rendered()).find((f) => path.basename(f) === name) ?? "", "utf8")) as Record<string, unknown>;
    const chains = read("v1-configmap-tekton-chains-chains-config.yaml") as { metadata: { namespace: string }; data: Record<string, string> };
    assert.equal(chains.metadata.namespace, "tekton-chains");
    assert.equal(chains.data["artifacts.oci.signer"], "x509");
    const rule = read("monitoring.coreos.com_v1-prometheusrule-monitoring-observability-go-runtime.yaml") as { kind: string; spec: { groups: { rules: { alert: string }[] }[] } };
    assert.equal(rule.kind, "PrometheusRule");
    assert.equal(rule.spec.groups[0]?.rules.length, 8);
  });

  it("renders delivery objects that pass tekton-lint and the Argo CD CRD schemas", async () => {
    const objects = files(rendered()).map((f) => parse(readFileSync(f, "utf8")) as KubeObject);
    const tekton = objects.filter((o) => o.apiVersion === "tekton.dev/v1");
    assert.equal(tekton.length, 7);
    assert.deepEqual((await tektonLint(tekton)).filter((p) => p.level === "error"), []);
    const argo = objects.filter((o) => o.apiVersion === "argoproj.io/v1alpha1");
    assert.deepEqual(argo.map((o) => o.kind).sort(), ["AppProject", "Application", "ApplicationSet"]);
    for (const o of argo) await validateArgoCd(o);
  });

  it("a second preview shows no changes (--expect-no-changes)", () => {
    const preview = cli.ok(stack("preview", "--expect-no-changes"));
    assert.doesNotMatch(preview.stdout, /[+~-] \d+ to (create|update|delete)/);
  });

  it("passes the policy pack, and the same pack with a stricter Go floor fails it", () => {
    const preview = cli.ok(stack("preview", "--policy-pack", path.join(REPO_ROOT, "policy-pack")));
    assert.match(preview.stdout, /goplatform@v0\.1\.0/, "the pack ran");
    const stricter = path.join(work, "policy-config.json");
    writeFileSync(stricter, JSON.stringify({ "go-version-floor": { minimum: "1.28.0" } }));
    const failed = cli.run(stack("preview", "--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", stricter));
    assert.notEqual(failed.status, 0, failed.output);
    assert.match(failed.output, /\[mandatory\]\s+go-version-floor/);
    assert.match(failed.output, /chooses Go 1\.27\.4, below this organisation's floor Go 1\.28\.0; use Go 1\.28\.0 or newer\./);
  });

  it("keeps the signing key's secrets out of the exported and the stored state", () => {
    const exported = cli.ok(["stack", "export", "--stack", "local"]).stdout;
    const key = readFileSync(path.join(REPO_ROOT, "tests", "fixtures", "cosign", "cosign.key"), "utf8").split("\n")[1] ?? "";
    assert.ok(key.length > 20);
    assert.ok(exported.includes('"ciphertext"'), "secrets are stored as ciphertext");
    assert.ok(exported.includes("kubernetes:core/v1:SecretPatch"), "the signing secret is in the stack");
    for (const secret of [key, "test-only"]) assert.ok(!exported.includes(secret), `plaintext ${secret} in pulumi stack export`);
    for (const file of files(path.join(work, "state"))) {
      const stored = readFileSync(file, "utf8");
      for (const secret of [key, "test-only"]) assert.ok(!stored.includes(secret), `plaintext secret in ${file}`);
    }
  });

  it("pulumi destroy leaves an empty stack", () => {
    cli.ok(stack("destroy", "--yes", "--skip-preview"));
    const deployment = JSON.parse(cli.ok(["stack", "export", "--stack", "local"]).stdout) as { deployment: { resources?: unknown[] } };
    assert.deepEqual(deployment.deployment.resources ?? [], []);
  });
});
