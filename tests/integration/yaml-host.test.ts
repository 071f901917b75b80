// The YAML language host (`bash scripts/toolchain.sh language-yaml`, pulumi-yaml built
// from the Go module proxy) runs a `runtime: yaml` project under the toolchain's CLI
// with a file backend: outputs computed from config (fn::join, fn::secret) through up,
// a no-change preview, destroy and stack rm; a program naming a variable that does not
// exist, or that is not YAML, fails the preview with a message naming the fault.
//
// How the CLI finds the host: pulumi-language-yaml is a "bundled" language plugin, so
// the CLI looks for it in the project's `plugins.languages` paths, then on $PATH, then
// next to its own executable (the plugin cache is not used, and `pulumi plugin install
// language yaml` refuses it). On $PATH it works but the CLI warns on every command
// that it is "using pulumi-language-yaml from $PATH" (the host is not next to the CLI);
// a project's `plugins.languages` path carries no warning, so these projects name the
// host there, and one case shows the $PATH behaviour.
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PulumiCli, toolchain } from "../harness/pulumi-cli";

/**
 * A YAML project at `dir` (created): Pulumi.yaml with `body` after the name and runtime,
 * the YAML host named by path unless `hostDir` is undefined. Returns `dir`.
 */
function writeYamlProject(dir: string, name: string, body: string, hostDir: string | undefined): string {
  mkdirSync(dir, { recursive: true });
  const plugins = hostDir === undefined ? "" : `plugins:\n  languages:\n    - name: yaml\n      path: ${JSON.stringify(hostDir)}\n`;
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: yaml\n${plugins}${body}`);
  return dir;
}

const PROGRAM = [
  "config:",
  "  greeting:",
  "    type: string",
  "variables:",
  "  message:",
  '    fn::join: ["-", ["${greeting}", "from", "yaml"]]',
  "outputs:",
  "  message: ${message}",
  "  sealed:",
  "    fn::secret: ${greeting}",
  "",
].join("\n");

describe("toolchain: the YAML language host runs a runtime: yaml project", function () {
  this.timeout(1_800_000);
  let work: string;
  let hostDir: string;

  before(() => {
    hostDir = path.dirname(toolchain("language-yaml"));
    work = mkdtempSync(path.join(tmpdir(), "goplatform-yaml-host-"));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("deploys outputs computed from config, previews no changes, destroys and removes the stack", () => {
    const project = writeYamlProject(path.join(work, "outputs"), "yaml-outputs", PROGRAM, hostDir);
    const cli = new PulumiCli(project, path.join(work, "outputs-state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "greeting", "hello"]);
    cli.ok(["up", "--yes", "--skip-preview"]);
    assert.deepEqual(JSON.parse(cli.ok(["stack", "output", "--json"]).stdout), { message: "hello-from-yaml", sealed: "[secret]" });
    assert.deepEqual(JSON.parse(cli.ok(["stack", "output", "--json", "--show-secrets"]).stdout), { message: "hello-from-yaml", sealed: "hello" });
    cli.ok(["preview", "--expect-no-changes"]);
    // The host recomputes the outputs from changed config (a change of outputs only is no
    // change to --expect-no-changes: the engine counts resources).
    cli.ok(["config", "set", "greeting", "hi"]);
    assert.match(cli.ok(["preview"]).stdout, /~ message: "hello-from-yaml" => "hi-from-yaml"/);
    cli.ok(["destroy", "--yes", "--skip-preview"]);
    cli.ok(["stack", "rm", "--yes"]);
    assert.equal(cli.ok(["stack", "ls", "--json"]).stdout.trim(), "[]");
  });

  it("fails the preview of a program that names a variable that does not exist", () => {
    const project = writeYamlProject(path.join(work, "unknown"), "yaml-unknown", PROGRAM.replace("  message: ${message}", "  message: ${mesage}"), hostDir);
    const cli = new PulumiCli(project, path.join(work, "unknown-state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "greeting", "hello"]);
    const result = cli.run(["preview"]);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /resource or variable named "mesage" could not be found/);
  });

  it("fails the preview of a program that is not YAML", () => {
    // The host reads Main.yaml before Pulumi.yaml: the CLI loads the project, the host
    // meets the broken program (its message names the line, not the file).
    const project = writeYamlProject(path.join(work, "syntax"), "yaml-syntax", "", hostDir);
    writeFileSync(path.join(project, "Main.yaml"), 'outputs:\n  message: ["unclosed\n');
    const cli = new PulumiCli(project, path.join(work, "syntax-state"));
    cli.ok(["stack", "init", "dev"]);
    const result = cli.run(["preview"]);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /yaml: line 2: found unexpected end of stream/);
  });

  it("finds the host on $PATH too, with the CLI's warning, and not at all without either", () => {
    const project = writeYamlProject(path.join(work, "path"), "yaml-path", PROGRAM, undefined);
    const cli = new PulumiCli(project, path.join(work, "path-state"));
    cli.ok(["stack", "init", "dev"]);
    cli.ok(["config", "set", "greeting", "hello"]);
    const missing = cli.run(["preview"]);
    assert.notEqual(missing.status, 0, missing.output);
    assert.match(missing.output, /no language plugin 'pulumi-language-yaml' found in the workspace or on your \$PATH/);
    cli.env.PATH = `${hostDir}${path.delimiter}${cli.env.PATH ?? ""}`;
    const onPath = cli.run(["preview"]);
    assert.equal(onPath.status, 0, onPath.output);
    assert.ok(onPath.output.includes(`warning: using pulumi-language-yaml from $PATH at ${path.join(hostDir, "pulumi-language-yaml")}`), onPath.output);
    assert.match(onPath.output, /message\s*: "hello-from-yaml"/);
  });
});
