/**
 * examples/yaml-platform, a Pulumi YAML program using goplatform's components through
 * the component package's plugin (provider/pulumi-resource-goplatform), run by the real
 * CLI and the YAML language host (toolchain.sh language-yaml) against a local control
 * plane: `pulumi up`, a preview with no changes, a preview with goplatform's policy pack,
 * and `pulumi destroy`, reading back what the API server holds.
 */
import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { LocalCluster } from "../harness/local-cluster";
import { PulumiCli, REPO_ROOT, toolchain } from "../harness/pulumi-cli";

const EXAMPLE = path.join(REPO_ROOT, "examples", "yaml-platform");
const COSIGN = path.join(REPO_ROOT, "tests", "fixtures", "cosign");

interface YamlProject {
  plugins: { providers: { name: string; path: string }[]; languages?: { name: string; path: string }[] };
}

describe("examples/yaml-platform: goplatform's components from a Pulumi YAML program", function () {
  this.timeout(1_800_000);
  let work: string;
  let cluster: LocalCluster;
  let cli: PulumiCli;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-yaml-platform-"));
    const project = path.join(work, "project");
    cpSync(EXAMPLE, project, { recursive: true });
    // The copy names the plugin directory by absolute path, and the YAML host this machine built.
    const file = path.join(project, "Pulumi.yaml");
    const spec = parse(readFileSync(file, "utf8")) as YamlProject;
    spec.plugins.providers = spec.plugins.providers.map((p) => ({ ...p, path: path.resolve(EXAMPLE, p.path) }));
    spec.plugins.languages = [{ name: "yaml", path: path.dirname(toolchain("language-yaml")) }];
    writeFileSync(file, stringify(spec));
    cluster = LocalCluster.start(path.join(work, "cluster"));
    cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "--secret", "kubeconfig", "--", readFileSync(cluster.kubeconfig, "utf8")]);
    cli.ok(["config", "set", "cosignPublicKey", "--", readFileSync(path.join(COSIGN, "cosign.pub"), "utf8")]);
    cli.ok(["config", "set", "--secret", "cosignPrivateKey", "--", readFileSync(path.join(COSIGN, "cosign.key"), "utf8")]);
    cli.ok(["config", "set", "--secret", "cosignPassword", "test-only"]);
  });

  after(() => {
    LocalCluster.purge(path.join(work, "cluster"));
    rmSync(work, { recursive: true, force: true });
  });

  it("pulumi up creates the components and their objects in the cluster", () => {
    const up = cli.ok(["up", "--yes", "--skip-preview"]);
    assert.match(up.stdout, /Resources:\s+\+ \d+ created/);
    const state = JSON.parse(cli.ok(["stack", "export"]).stdout) as { deployment: { resources: { type: string }[] } };
    const types = new Set(state.deployment.resources.map((r) => r.type));
    for (const t of ["ExistingCluster", "Tekton", "GoPipeline", "ArgoCd", "GoApp", "SignatureAdmission", "GoRuntimeAlerts"]) assert.ok(types.has(`goplatform:index:${t}`), `${t} in the state`);
    const outputs = JSON.parse(cli.ok(["stack", "output", "--json"]).stdout) as { pipeline: string; application: string; imagePolicy: string };
    assert.ok(cluster.get("pipelines.tekton.dev", outputs.pipeline, "payments-ci") ?? cluster.list("pipelines.tekton.dev", "-A").find((p) => p.metadata.name === outputs.pipeline), "the Pipeline is in the API server");
    assert.deepEqual(cluster.list("applications.argoproj.io", "-A").map((a) => a.metadata.name), [outputs.application], "the Application is in the API server");
    assert.deepEqual(cluster.list("clusterimagepolicies.policy.sigstore.dev").map((o) => o.metadata.name), [outputs.imagePolicy]);
    assert.ok(cluster.get("prometheusrules.monitoring.coreos.com", "go-runtime", "monitoring") !== undefined, "the PrometheusRule is in the API server");
    assert.ok(cluster.get("namespace", "payments") !== undefined, "the admission namespace is created");
  });

  it("a second preview shows no changes (--expect-no-changes)", () => {
    cli.ok(["preview", "--expect-no-changes"]);
  });

  it("goplatform's policy pack passes the program (no mandatory violation)", () => {
    const preview = cli.ok(["preview", "--policy-pack", path.join(REPO_ROOT, "policy-pack")]);
    assert.match(preview.stdout, /goplatform@v0\.2\.0/, "the pack ran");
  });

  it("the exported state holds the kubeconfig's client key and the signing key only encrypted", () => {
    const exported = cli.ok(["stack", "export"]).stdout;
    assert.ok(exported.includes('"ciphertext"'));
    const clientKey = /client-key-data: (\S+)/.exec(readFileSync(cluster.kubeconfig, "utf8"))?.[1];
    assert.ok(clientKey !== undefined && clientKey.length > 20);
    const cosignKey = readFileSync(path.join(COSIGN, "cosign.key"), "utf8").split("\n")[1] ?? "";
    assert.ok(cosignKey.length > 20);
    for (const [what, secret] of [["the kubeconfig's client key", clientKey], ["the cosign key", cosignKey]] as const) {
      assert.ok(!exported.includes(secret), `${what} is in the exported state in plain text`);
    }
  });

  it("pulumi destroy removes every object it created", () => {
    cli.ok(["destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(cluster.list("clusterimagepolicies.policy.sigstore.dev"), []);
    assert.equal(cluster.get("prometheusrules.monitoring.coreos.com", "go-runtime", "monitoring"), undefined);
    const state = JSON.parse(cli.ok(["stack", "export"]).stdout) as { deployment: { resources?: unknown[] } };
    assert.deepEqual(state.deployment.resources ?? [], []);
  });
});
