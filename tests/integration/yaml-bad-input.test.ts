/**
 * Bad input through the front door: a Pulumi YAML program (the real CLI, the YAML host
 * and goplatform's component package plugin) that passes a secret from stack config
 * which is not a cosign key. Config values reach the component as Outputs, so it is
 * the validation layer (components/arg-validation.ts) that judges them once known:
 * `pulumi preview` and `pulumi up` fail with the ArgumentError naming the argument, the
 * secret's value appears nowhere, and `up` creates none of the component's resources.
 */
import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { PulumiCli, REPO_ROOT, toolchain } from "../harness/pulumi-cli";

const FIXTURE = path.join(REPO_ROOT, "tests", "fixtures", "yaml-bad-input");
const COSIGN = path.join(REPO_ROOT, "tests", "fixtures", "cosign");
const BAD_KEY = "not-a-cosign-key-hunter2";
// Never contacted: the error comes before any Kubernetes object.
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n";
const MESSAGE = "Tekton: invalid signingKey.privateKey (a secret, not shown); expected an encrypted cosign private key";

describe("bad input from a YAML program's stack config (the component package)", function () {
  this.timeout(1_800_000);
  let work: string;
  let cli: PulumiCli;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-yaml-bad-input-"));
    const project = path.join(work, "project");
    cpSync(FIXTURE, project, { recursive: true });
    const file = path.join(project, "Pulumi.yaml");
    const spec = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    spec.plugins = {
      providers: [{ name: "goplatform", path: path.join(REPO_ROOT, "provider") }],
      languages: [{ name: "yaml", path: path.dirname(toolchain("language-yaml")) }],
    };
    writeFileSync(file, stringify(spec));
    cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "--secret", "kubeconfig", "--", KUBECONFIG]);
    cli.ok(["config", "set", "cosignPublicKey", "--", readFileSync(path.join(COSIGN, "cosign.pub"), "utf8")]);
    cli.ok(["config", "set", "--secret", "cosignPrivateKey", BAD_KEY]);
    cli.ok(["config", "set", "--secret", "cosignPassword", "test-only"]);
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("pulumi preview fails, naming the argument and showing no part of the secret", () => {
    const preview = cli.run(["preview"]);
    const output = preview.output;
    assert.notEqual(preview.status, 0, output);
    assert.ok(output.includes(MESSAGE), output);
    assert.ok(!output.includes(BAD_KEY) && !output.includes("hunter2"), output);
  });

  it("pulumi up fails the same way and creates none of the component's resources", () => {
    const up = cli.run(["up", "--yes", "--skip-preview"]);
    const output = up.output;
    assert.notEqual(up.status, 0, output);
    assert.ok(output.includes(MESSAGE), output);
    assert.ok(!output.includes("hunter2"), output);
    const state = JSON.parse(cli.ok(["stack", "export"]).stdout) as { deployment: { resources?: { type: string; urn: string }[] } };
    const created = (state.deployment.resources ?? []).filter((r) => r.urn.includes("goplatform:index:Tekton"));
    assert.deepEqual(created, [], "nothing of Tekton is in the state");
    assert.ok(!JSON.stringify(state).includes("hunter2"), "the secret is not in the state in plain text");
  });
});
