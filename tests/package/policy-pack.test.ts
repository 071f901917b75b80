/**
 * The policy pack as `pulumi policy publish` would take it: a copy of policy-pack/
 * alone, outside this repository, with its own dependencies installed (goplatform
 * from the tarball `npm pack` makes, standing in for the registry, at the version the
 * pack's package.json pins; @pulumi/policy and @pulumi/pulumi from the npm registry),
 * run by the real pulumi CLI against a tiny program. The program's Kubernetes
 * provider renders YAML to a directory (renderYamlToDirectory), so the preview is real
 * and needs no cluster.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { goMetadata } from "../../components/go";
import { PulumiCli, REPO_ROOT } from "../harness/pulumi-cli";

const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

interface PackageJson {
  name: string;
  version: string;
  files?: string[];
  dependencies: Record<string, string>;
}
const readPackage = (dir: string): PackageJson => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as PackageJson;

const PROGRAM = `"use strict";
const k8s = require("@pulumi/kubernetes");
const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
const provider = new k8s.Provider("render", { renderYamlToDirectory: config.require("renderDir") });
new k8s.core.v1.ConfigMap("build-info", { metadata: { name: "build-info", labels: config.getObject("labels") ?? {} }, data: { team: "payments" } }, { provider });
`;

describe("the policy pack directory on its own (what pulumi policy publish takes)", function () {
  this.timeout(1_800_000);
  const sourcePack = path.join(REPO_ROOT, "policy-pack");
  let work: string;
  let pack: string;
  let cli: PulumiCli;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-policy-pack-"));
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], REPO_ROOT)) as { filename: string }[];
    const tarball = path.join(work, packed[0]?.filename ?? "");
    assert.ok(existsSync(tarball), "npm pack wrote the goplatform tarball");

    pack = path.join(work, "pack");
    cpSync(sourcePack, pack, { recursive: true });
    const manifest = readPackage(pack);
    // The registry has goplatform at the version the pack pins; here the tarball stands in for it.
    manifest.dependencies.goplatform = `file:${tarball}`;
    writeFileSync(path.join(pack, "package.json"), JSON.stringify(manifest, null, 2));

    const project = path.join(work, "program");
    mkdirSync(project);
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: pack-check\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(path.join(project, "index.js"), PROGRAM);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "pack-check", version: "1.0.0", private: true, main: "index.js" }));
    // The program's own dependencies (@pulumi/pulumi, @pulumi/kubernetes) are the repository's; only the pack is installed fresh.
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
    cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "renderDir", path.join(work, "rendered")]);
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("pins goplatform, @pulumi/policy and @pulumi/pulumi at goplatform's own versions and publishes only its entry point and project file", () => {
    const root = readPackage(REPO_ROOT);
    const own = readPackage(sourcePack);
    assert.deepEqual(own.dependencies, {
      "@pulumi/policy": root.dependencies["@pulumi/policy"],
      "@pulumi/pulumi": root.dependencies["@pulumi/pulumi"],
      goplatform: root.version,
    });
    assert.equal(own.version, root.version);
    assert.deepEqual(own.files, ["index.js", "PulumiPolicy.yaml"]);
    const publishes = (JSON.parse(run("npm", ["pack", "--dry-run", "--json"], sourcePack)) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path).sort();
    assert.deepEqual(publishes, ["PulumiPolicy.yaml", "index.js", "package.json"]);
  });

  it("without its dependencies installed the copy does not run (it takes nothing from outside itself)", () => {
    const preview = cli.run(["preview", "--policy-pack", pack]);
    assert.notEqual(preview.status, 0, preview.output);
    assert.match(preview.output, /policy pack ".*pack" failed to start: .*cannot find @pulumi\/pulumi\/cmd\/run-policy-pack/);
  });

  it("with only the Pulumi SDKs installed, the entry point says goplatform is missing and how to install it", () => {
    const bare = path.join(work, "bare");
    cpSync(sourcePack, bare, { recursive: true });
    mkdirSync(path.join(bare, "node_modules", "@pulumi"), { recursive: true });
    for (const sdk of ["policy", "pulumi"]) symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", sdk), path.join(bare, "node_modules", "@pulumi", sdk), "dir");
    const preview = cli.run(["preview", "--policy-pack", bare]);
    assert.notEqual(preview.status, 0, preview.output);
    assert.match(preview.output, /goplatform's policy pack needs its goplatform dependency: run `npm install` in /);
  });

  it("installed on its own, the copy passes a program that breaks no rule", () => {
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], pack);
    assert.ok(readdirSync(path.join(pack, "node_modules")).includes("goplatform"));
    const preview = cli.ok(["preview", "--policy-pack", pack]);
    assert.match(preview.stdout, /goplatform@v0\.2\.0/, "the pack ran");
    assert.doesNotMatch(preview.output, /mandatory|advisory/);
  });

  it("fails a resource that pins an unsupported Go, with the policy's message", () => {
    cli.ok(["config", "set", "labels", "--", JSON.stringify(goMetadata("1.25.14"))]);
    try {
      const preview = cli.run(["preview", "--policy-pack", pack]);
      assert.notEqual(preview.status, 0, preview.output);
      // The CLI shows the policy's severity next to its enforcement level.
      assert.match(preview.output, /\[mandatory\] \[severity: high\]\s+go-version-supported\s+\(kubernetes:core\/v1:ConfigMap: build-info\)/);
      assert.match(preview.output, /metadata\.labels chooses Go 1\.25\.14; on \d{4}-\d{2}-\d{2} the Go project supports only the 1\.\d+ and 1\.\d+ lines/);
    } finally {
      cli.ok(["config", "rm", "labels"]);
    }
  });
});
