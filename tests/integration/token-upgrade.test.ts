/**
 * Upgrading a stack from goplatform 0.1 (type tokens goplatform:k8s:*, in-cluster
 * components given a Cluster object with a provider) to this version (goplatform:index:*
 * with aliases to the old tokens, components given ClusterData) replaces nothing: the
 * real engine on a local backend runs `pulumi up` with the 0.1 components, built from
 * this repository's history (the commit before the rename), then previews and applies
 * the same platform written against this version. The Kubernetes provider renders to a
 * directory (no cluster needed); cloud components need their providers' plugins and are
 * covered by the alias assertions of the unit tests.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type CliResult, PulumiCli, REPO_ROOT, writeProgramProject } from "../harness/pulumi-cli";

/** The last commit with the 0.1 type tokens and Cluster objects. */
const BEFORE_RENAME = "35db619";

const KEY = { privateKey: readFileSync(path.join(REPO_ROOT, "tests/fixtures/cosign/cosign.key"), "utf8"), password: "test-only", publicKey: readFileSync(path.join(REPO_ROOT, "tests/fixtures/cosign/cosign.pub"), "utf8") };
const PROJECT = { sourceRepos: ["https://github.com/example/deploy.git"], destinations: [{ namespace: "payments" }], requireSignedCommits: false };
const REVISION = "0123456789abcdef0123456789abcdef01234567";
const GO = { goVersion: "1.27.4", goImageDigests: { "1.27.4": `sha256:${"0".repeat(64)}` } };

const program = (components: string, body: string): string => `"use strict";
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const gp = require(${JSON.stringify(components)});
const config = new pulumi.Config();
const key = ${JSON.stringify(KEY)};
${body}
`;

/** The platform as a 0.1 program wrote it. */
const OLD_BODY = `const provider = new k8s.Provider("render", { renderYamlToDirectory: config.require("renderDir") });
const cluster = new gp.ExistingCluster({ provider, clusterName: "local", kubernetesVersion: "1.34" });
new gp.Tekton("tekton", { cluster, install: false, signingKey: key });
new gp.GoPipeline("payments-ci", { cluster, repoUrl: "https://github.com/example/payments.git", imageRepository: "registry.example.com/platform/payments", ...${JSON.stringify(GO)}, goModule: "github.com/example/payments", package: "./cmd/payments" });
const argoCd = new gp.ArgoCd("argocd", { cluster, install: false, project: ${JSON.stringify(PROJECT)} });
new gp.GoApp("payments", { argoCd, repoUrl: "https://github.com/example/deploy.git", path: "apps/payments", targetRevision: "${REVISION}", namespace: "payments", cascadeDelete: false });
new gp.SignatureAdmission("signed-images", { cluster, install: false, publicKey: key.publicKey, images: ["registry.example.com/platform/**"], namespaces: ["payments"], namespaceMode: "create" });
new gp.Observability("observability", { cluster, installStack: false, bucket: gp.s3CompatibleBucket({ bucket: "thanos", endpoint: "minio.minio.svc:9000" }) });
new gp.GoRuntimeAlerts("go-runtime", { namespace: "monitoring" }, { provider });`;

/** The same platform written against this version. */
const NEW_BODY = `const provider = new k8s.Provider("render", { renderYamlToDirectory: config.require("renderDir") });
const { cluster } = new gp.ExistingCluster("local", { clusterName: "local", kubernetesVersion: "1.34", renderYamlToDirectory: config.require("renderDir") });
new gp.Tekton("tekton", { cluster, install: false, signingKey: key });
new gp.GoPipeline("payments-ci", { cluster, repoUrl: "https://github.com/example/payments.git", imageRepository: "registry.example.com/platform/payments", ...${JSON.stringify(GO)}, goModule: "github.com/example/payments", package: "./cmd/payments" });
const argoCd = new gp.ArgoCd("argocd", { cluster, install: false, project: ${JSON.stringify(PROJECT)} });
new gp.GoApp("payments", { argoCd: argoCd.argoCd, repoUrl: "https://github.com/example/deploy.git", path: "apps/payments", targetRevision: "${REVISION}", namespace: "payments", cascadeDelete: false });
new gp.SignatureAdmission("signed-images", { cluster, install: false, publicKey: key.publicKey, images: ["registry.example.com/platform/**"], namespaces: ["payments"], createNamespaces: true });
new gp.Observability("observability", { cluster, install: false, bucket: gp.s3CompatibleBucket({ bucket: "thanos", endpoint: "minio.minio.svc:9000" }) });
new gp.GoRuntimeAlerts("go-runtime", { namespace: "monitoring" }, { provider });`;

/** Render mode writes the Secrets' values into the directory, and the provider says so: that warning alone is expected. */
const RENDERED_SECRET = /rendered (YAML will contain|file \S+ contains) a secret value in plaintext/;

/** `pulumi ARGS` succeeds, printing no warning but the rendered-Secret one. */
function succeeds(cli: PulumiCli, args: string[]): CliResult {
  const result = cli.run(args);
  assert.equal(result.status, 0, result.output);
  const warnings = result.output.split("\n").filter((line) => /\bwarning:/i.test(line) && !RENDERED_SECRET.test(line));
  assert.deepEqual(warnings, [], `pulumi ${args.join(" ")} printed warnings`);
  return result;
}

interface PreviewStep {
  op: string;
  urn: string;
}

describe("a stack created with goplatform 0.1's type tokens, upgraded", function () {
  this.timeout(1_800_000);
  let work: string;
  let cli: PulumiCli;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-token-upgrade-"));
    const old = path.join(work, "goplatform-0.1");
    mkdirSync(old);
    try {
      execFileSync("git", ["-C", REPO_ROOT, "cat-file", "-e", `${BEFORE_RENAME}^{commit}`]);
    } catch {
      throw new Error(`commit ${BEFORE_RENAME} (goplatform 0.1) is not in this clone's history; the upgrade test needs a full clone (git clone without --depth)`);
    }
    execFileSync("sh", ["-c", `git -C "${REPO_ROOT}" archive ${BEFORE_RENAME} components | tar -x -C "${old}"`]);
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(old, "node_modules"));
    const tsconfig = JSON.parse(readFileSync(path.join(REPO_ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    writeFileSync(path.join(old, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...tsconfig.compilerOptions, declaration: false, sourceMap: false, types: ["node"] }, include: ["components"] }));
    execFileSync(path.join(REPO_ROOT, "node_modules", ".bin", "tsc"), ["-p", path.join(old, "tsconfig.json")], { stdio: "inherit" });
    const project = writeProgramProject(path.join(work, "project"), "upgrade", program(path.join(old, "dist", "components"), OLD_BODY));
    cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "renderDir", path.join(work, "render")]);
    succeeds(cli, ["up", "--yes", "--skip-preview"]);
    writeFileSync(path.join(project, "index.js"), program(path.join(REPO_ROOT, "dist", "components"), NEW_BODY));
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("0.1 registered its components under the old tokens", () => {
    const state = JSON.parse(cli.ok(["stack", "export"]).stdout) as { deployment: { resources: { type: string }[] } };
    const types = new Set(state.deployment.resources.map((r) => r.type));
    for (const t of ["goplatform:k8s:Tekton", "goplatform:k8s:GoPipeline", "goplatform:k8s:ArgoCd", "goplatform:k8s:GoApp", "goplatform:k8s:SignatureAdmission", "goplatform:k8s:Observability", "goplatform:k8s:GoRuntimeAlerts"]) {
      assert.ok(types.has(t), `${t} in the 0.1 state`);
    }
  });

  it("the preview of this version replaces, creates and deletes nothing but Kubernetes providers", () => {
    const preview = JSON.parse(succeeds(cli, ["preview", "--json"]).stdout) as { steps: PreviewStep[] };
    const changed = preview.steps.filter((s) => s.op !== "same" && !s.urn.includes("::pulumi:providers:kubernetes::") && !s.urn.includes("$pulumi:providers:kubernetes::"));
    const replacements = changed.filter((s) => /replace|create|delete/.test(s.op)).map((s) => `${s.op} ${s.urn}`);
    // ExistingCluster was a plain class in 0.1; as a component it is new (and holds no resource).
    assert.deepEqual(replacements, ["create urn:pulumi:dev::upgrade::goplatform:index:ExistingCluster::local"], "no resource replaced, created or deleted");
    // The 0.1 components are found through their aliases: the engine lists no step for them.
    assert.deepEqual(preview.steps.filter((s) => /::goplatform:(k8s|index):(Tekton|GoPipeline|ArgoCd|GoApp|SignatureAdmission|Observability|GoRuntimeAlerts)::/.test(s.urn)).map((s) => `${s.op} ${s.urn}`), []);
  });

  it("pulumi up applies it, the state holds only the new tokens, and a second preview shows no changes", () => {
    const up = succeeds(cli, ["up", "--yes", "--skip-preview"]);
    assert.doesNotMatch(up.stdout, /replaced|\+-/);
    const state = JSON.parse(cli.ok(["stack", "export"]).stdout) as { deployment: { resources: { type: string }[] } };
    const types = state.deployment.resources.map((r) => r.type).filter((t) => t.startsWith("goplatform:"));
    assert.ok(types.length >= 8, `goplatform components in the state: ${types.join(", ")}`);
    assert.deepEqual(types.filter((t) => !t.startsWith("goplatform:index:")), [], "every goplatform component under goplatform:index");
    succeeds(cli, ["preview", "--expect-no-changes"]);
  });
});
