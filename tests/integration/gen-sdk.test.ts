// `pulumi package gen-sdk` with the toolchain's CLI generates Go, Python and C# SDKs from
// goplatform's schema (provider/schema.json, which tests/package/component-package.test.ts
// holds equal to what `pulumi package get-schema` infers), through the language hosts
// `bash scripts/toolchain.sh language-go|language-python|language-dotnet` builds; the
// Go SDK compiles against sdk/v3 (tests/fixtures/gen-sdk/go-module), the Python SDK
// byte-compiles, the C# SDK has every component's class (no .NET SDK on the machine to
// compile it). A Go SDK with a syntax error appended fails to build. The helpers are
// tests/harness/gen-sdk.ts.
//
// How the CLI finds a host: in a project whose Pulumi.yaml `plugins.languages` names
// the host's directory, without a warning (generateSdk); outside a project, from $PATH,
// with "warning: using pulumi-language-go from $PATH" (shown below).
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildGoSdk, compilePythonSdk, generateSdk, languageHostDir } from "../harness/gen-sdk";
import { PulumiCli, REPO_ROOT } from "../harness/pulumi-cli";

const SCHEMA = path.join(REPO_ROOT, "provider", "schema.json");
/** The components, by name, as the schema lists them. */
const COMPONENTS = Object.keys((JSON.parse(readFileSync(SCHEMA, "utf8")) as { resources: Record<string, unknown> }).resources).map((token) => token.split(":")[2] ?? token);
const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** Every file under `dir`, relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("pulumi package gen-sdk: Go, Python and C# SDKs of goplatform's components", function () {
  this.timeout(1_800_000);
  let work: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-gen-sdk-"));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("generates a Go SDK that compiles against sdk/v3, and one with a syntax error that does not", async () => {
    const { dir, result } = await generateSdk(SCHEMA, "go", path.join(work, "sdk"));
    const generated = files(dir);
    for (const name of COMPONENTS) {
      const file = path.join("goplatform", `${name.charAt(0).toLowerCase()}${name.slice(1)}.go`);
      assert.ok(generated.includes(file), `no ${file} in ${generated.join(", ")}`);
      assert.match(readFileSync(path.join(dir, file), "utf8"), new RegExp(`func New${name}\\(`));
    }
    const build = buildGoSdk(dir);
    assert.equal(build.status, 0, `go build failed:\n${build.output}`);
    console.log(`      gen-sdk go ${result.millis} ms, go build ${build.millis} ms`);

    appendFileSync(path.join(dir, "goplatform", "existingCluster.go"), "\nfunc broken( {\n");
    const broken = buildGoSdk(dir);
    assert.notEqual(broken.status, 0, "a Go SDK with a syntax error built");
    assert.match(broken.output, /existingCluster\.go:\d+:\d+: syntax error/);
  });

  it("generates a Python SDK that byte-compiles, and one with a syntax error that does not", async () => {
    const { dir, result } = await generateSdk(SCHEMA, "python", path.join(work, "sdk"));
    for (const name of COMPONENTS) {
      assert.match(readFileSync(path.join(dir, "pulumi_goplatform", `${snake(name)}.py`), "utf8"), new RegExp(`class ${name}\\(pulumi\\.ComponentResource\\)`));
    }
    const demo = path.join(dir, "pulumi_goplatform", "existing_cluster.py");
    const compiled = compilePythonSdk(dir);
    assert.equal(compiled.status, 0, `compileall failed:\n${compiled.output}`);
    console.log(`      gen-sdk python ${result.millis} ms, compileall ${compiled.millis} ms`);

    appendFileSync(demo, "\ndef broken(:\n");
    const broken = compilePythonSdk(dir);
    assert.notEqual(broken.status, 0, "a Python SDK with a syntax error byte-compiled");
    assert.match(broken.output, /existing_cluster\.py/);
  });

  it("generates a C# SDK with every component's class (compiled where a .NET SDK is installed; none here)", async () => {
    const { dir, result } = await generateSdk(SCHEMA, "dotnet", path.join(work, "sdk"));
    const generated = files(dir);
    for (const file of [...COMPONENTS.map((name) => `${name}.cs`), "Pulumi.Goplatform.csproj", "logo.png"]) {
      assert.ok(generated.includes(file), `no ${file} in ${generated.join(", ")}`);
    }
    for (const name of COMPONENTS) {
      assert.match(readFileSync(path.join(dir, `${name}.cs`), "utf8"), new RegExp(`public partial class ${name} : global::Pulumi\\.ComponentResource`));
    }
    // No .NET SDK on this machine: where there is one, the SDK must also build.
    if (spawnSync("dotnet", ["--version"]).error === undefined) {
      const build = spawnSync("dotnet", ["build"], { cwd: dir, encoding: "utf8" });
      assert.equal(build.status, 0, `dotnet build failed:\n${build.stdout}${build.stderr}`);
    }
    console.log(`      gen-sdk dotnet ${result.millis} ms`);
  });

  it("outside a project, runs the host from $PATH with the CLI's warning", () => {
    const outside = mkdtempSync(path.join(work, "outside-"));
    const cli = new PulumiCli(outside, path.join(outside, ".state"));
    cli.env.PATH = `${languageHostDir("go")}${path.delimiter}${cli.env.PATH ?? ""}`;
    const result = cli.run(["package", "gen-sdk", SCHEMA, "--language", "go", "--out", path.join(outside, "sdk")]);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /warning: using pulumi-language-go from \$PATH/);
    assert.ok(existsSync(path.join(outside, "sdk", "go", "goplatform", "existingCluster.go")));
  });
});
