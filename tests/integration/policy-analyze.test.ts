/**
 * Judging a stack nobody previews: `pulumi policy analyze --file` on the state
 * `pulumi stack export` wrote, with the goplatform pack and a judging day (the
 * go-version-* rules' `asOf`, through --policy-pack-config), as the scheduled job in
 * examples/ci runs it. The stack is real and tiny: one ConfigMap recording its Go
 * version in the goplatform.dev/go-version label, through the Kubernetes provider v4
 * in render mode (renderYamlToDirectory; no cluster), `pulumi up` by the real CLI on
 * a file backend. The analysis runs in an empty directory with no backend
 * configured: the exported file is all it reads.
 *
 * Go 1.25's support ended when Go 1.27.0 was released (2026-08-19 in the release
 * table): the same state passes on 2026-08-18 and fails the day after, naming the
 * version, with nothing about the stack changed.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { goReleases } from "../../components/go";
import { assertNoWarnings, type CliResult, PulumiCli, REPO_ROOT, writeProgramProject } from "../harness/pulumi-cli";

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const config = new pulumi.Config();
const provider = new k8s.Provider("render", { renderYamlToDirectory: config.require("renderDir") });
new k8s.core.v1.ConfigMap("build-info", {
  metadata: { name: "build-info", namespace: "payments", labels: { "goplatform.dev/go-version": config.require("goVersion") } },
  data: { module: "github.com/example/payments" },
}, { provider });
`;

describe("pulumi policy analyze --file on an exported stack, judged on a later day", function () {
  this.timeout(1_800_000);
  let work: string;
  let cli: PulumiCli;
  let judging: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-policy-analyze-"));
    const project = writeProgramProject(path.join(work, "project"), "judged", PROGRAM);
    judging = path.join(work, "judging");
    mkdirSync(judging);
    cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "judged"]);
    cli.ok(["config", "set", "renderDir", path.join(work, "render")]);
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  /** `pulumi up` with goVersion recorded, then `pulumi stack export` to a file: its path. */
  function deployAndExport(goVersion: string): string {
    cli.ok(["config", "set", "goVersion", goVersion]);
    cli.ok(["up", "--yes", "--skip-preview"]);
    const file = path.join(work, `state-${goVersion}.json`);
    writeFileSync(file, cli.ok(["stack", "export"]).stdout);
    return file;
  }

  /**
   * `pulumi policy analyze --file FILE --policy-pack policy-pack` judged as of `asOf`,
   * from a directory with no project and no backend (PULUMI_BACKEND_URL unset); the
   * passphrase stays set, as the scheduled job has it, so the secrets decrypt.
   */
  function analyze(file: string, asOf: string): CliResult {
    const config = path.join(work, `policy-config-${asOf}.json`);
    writeFileSync(config, JSON.stringify({ "go-version-supported": { asOf }, "go-patch-level": { asOf } }));
    const env = { ...cli.env };
    delete env.PULUMI_BACKEND_URL;
    const args = ["--non-interactive", "policy", "analyze", "--file", file, "--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", config];
    const result = spawnSync("pulumi", args, { cwd: judging, env, encoding: "utf8" });
    if (result.error !== undefined) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
  }

  it("the CLI has the command, with --file and --policy-pack-config", () => {
    const help = cli.ok(["policy", "analyze", "--help"]).stdout;
    assert.match(help, /--file /);
    assert.match(help, /--policy-pack-config /);
  });

  it("passes on the last day of Go 1.25's support and fails the day after, naming the version", () => {
    assert.deepEqual(goReleases.supportedLines("2026-08-18"), ["1.26", "1.25"]);
    assert.deepEqual(goReleases.supportedLines("2026-08-19"), ["1.27", "1.26"]);
    const file = deployAndExport("go1.25.13");

    const before = analyze(file, "2026-08-18");
    assert.equal(before.status, 0, before.output);
    assertNoWarnings(before, ["policy", "analyze"]);
    assert.match(before.stdout, /✅ goplatform@v0\.2\.0/, "the pack ran and passed");

    const after = analyze(file, "2026-08-19");
    assert.notEqual(after.status, 0, after.output);
    assert.match(after.output, /❌ goplatform@v0\.2\.0/);
    assert.match(after.output, /\[mandatory\] \[severity: high\]\s+go-version-supported\s+\(kubernetes:core\/v1:ConfigMap: build-info\)/);
    assert.match(after.output, /metadata\.labels chooses Go 1\.25\.13; on 2026-08-19 the Go project supports only the 1\.27 and 1\.26 lines: move to Go 1\.27\./);
    assert.match(after.stderr, /one or more mandatory policy violations were found/);
  });

  it("judged today: the old line fails, the stack moved to the newest Go patch passes", () => {
    const today = new Date().toISOString().slice(0, 10);
    const [newest] = goReleases.supportedLines(today);
    assert.ok(newest !== undefined);
    const stale = analyze(path.join(work, "state-go1.25.13.json"), today);
    assert.notEqual(stale.status, 0, stale.output);
    assert.match(stale.output, new RegExp(`chooses Go 1\\.25\\.13; on ${today} the Go project supports only`));

    const latest = goReleases.latestPatch(newest, today) ?? "";
    const current = analyze(deployAndExport(`go${latest}`), today);
    assert.equal(current.status, 0, current.output);
    assert.match(current.stdout, /✅ goplatform@v0\.2\.0/);
  });
});
