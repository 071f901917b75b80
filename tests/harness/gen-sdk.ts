/**
 * `pulumi package gen-sdk` with the toolchain's CLI, and the checks that what it wrote
 * is usable: a Go SDK compiles against sdk/v3, a Python SDK byte-compiles.
 *
 * The CLI generates nothing itself: it hands the schema to the language plugin's
 * GeneratePackage RPC. The hosts are built on demand by `bash scripts/toolchain.sh
 * language-go|language-python|language-dotnet` (the first two one binary, tools/language-codegen), and are not in the CLI's directory.
 * The CLI takes a language plugin from the `plugins.languages` paths of the project
 * it runs in, else from $PATH (warning "using pulumi-language-<lang> from $PATH"),
 * else from next to itself; so generateSdk runs the CLI in a throw-away project
 * whose Pulumi.yaml names the host's directory, which prints no warning.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type CliResult, PulumiCli, REPO_ROOT, toolchain } from "./pulumi-cli";

/** The languages gen-sdk is checked for, named as `--language` takes them. */
export type SdkLanguage = "go" | "python" | "dotnet";

/** A process's outcome: exit status and both streams. */
export interface ProcessResult extends CliResult {
  /** Wall-clock milliseconds the process took. */
  millis: number;
}

/** The directory holding `pulumi-language-<language>`, built on first use. */
export function languageHostDir(language: SdkLanguage): string {
  return path.dirname(toolchain(`language-${language}`));
}

/**
 * A project directory of its own (created under a new temporary directory) whose
 * Pulumi.yaml names the language host's directory in `plugins.languages`, so the CLI
 * runs that host without a warning. Its runtime is nodejs (the host next to the CLI);
 * gen-sdk does not start it.
 */
export function writeGenSdkProject(language: SdkLanguage, hostDir: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "goplatform-gen-sdk-project-"));
  const yaml = [
    "name: gen-sdk",
    "runtime: nodejs",
    "plugins:",
    "  languages:",
    `    - name: ${language}`,
    `      path: ${JSON.stringify(hostDir)}`,
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
  return dir;
}

/**
 * A 1x1 PNG: the C# generator (pulumi-dotnet's codegen) downloads the schema's `logoUrl`
 * (default: a file on raw.githubusercontent.com) into the SDK as logo.png, which fails
 * offline; generateSdk serves this from loopback for dotnet instead.
 */
const LOGO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

/** Runs `command` asynchronously (the event loop stays free for a loopback server). */
function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (status) => { resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}`, millis: Date.now() - start }); });
  });
}

/**
 * `pulumi package gen-sdk <schemaPath> --language <language> --out <outDir>`, run in a
 * throw-away project naming the host (removed afterwards). The CLI writes the SDK to
 * `<outDir>/<language>`; resolves to that directory and the CLI's result. Rejects, with
 * the CLI's output, when it fails or prints a warning. For dotnet the schema is
 * generated from a copy whose `logoUrl` is a loopback server's PNG (see LOGO_PNG).
 */
export async function generateSdk(schemaPath: string, language: SdkLanguage, outDir: string): Promise<{ dir: string; result: ProcessResult }> {
  const project = writeGenSdkProject(language, languageHostDir(language));
  let server: Server | undefined;
  try {
    let schema = path.resolve(schemaPath);
    if (language === "dotnet") {
      server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "image/png" }).end(LOGO_PNG));
      await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const spec = JSON.parse(readFileSync(schema, "utf8")) as Record<string, unknown>;
      schema = path.join(project, "schema.json");
      writeFileSync(schema, JSON.stringify({ ...spec, logoUrl: `http://127.0.0.1:${port}/logo.png` }));
    }
    const cli = new PulumiCli(project, path.join(project, ".state"));
    const args = ["--non-interactive", "package", "gen-sdk", schema, "--language", language, "--out", path.resolve(outDir)];
    const result = await runAsync("pulumi", args, project, cli.env);
    if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${result.status}):\n${result.output}`);
    const warnings = result.output.split("\n").filter((line) => /\bwarning\b/i.test(line));
    if (warnings.length > 0) throw new Error(`pulumi ${args.join(" ")} printed warnings:\n${result.output}`);
    return { dir: path.join(path.resolve(outDir), language), result };
  } finally {
    server?.close();
    rmSync(project, { recursive: true, force: true });
  }
}

/** The module the Go SDK is compiled in: go.mod + go.sum pinning sdk/v3 (module goplatform.dev/sdk). */
export const GO_MODULE_FIXTURE = path.join(REPO_ROOT, "tests", "fixtures", "gen-sdk", "go-module");

/** Runs a command; never throws for a non-zero exit, the caller judges. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ProcessResult {
  const start = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}`, millis: Date.now() - start };
}

/**
 * `go build ./...` over a generated Go SDK (gen-sdk's `<out>/go`, holding the package
 * directory): the SDK is copied to `go/` in a new module made of GO_MODULE_FIXTURE's
 * go.mod and go.sum (module goplatform.dev/sdk, so the schema's
 * `language.go.importBasePath` is goplatform.dev/sdk/go/<package>), and built with
 * -mod=readonly: every dependency comes from the pinned go.sum, through the module
 * cache or the Go module proxy. `env` adds to the environment (e.g. a GOCACHE).
 */
export function buildGoSdk(dir: string, env: NodeJS.ProcessEnv = {}): ProcessResult {
  const module = mkdtempSync(path.join(tmpdir(), "goplatform-go-sdk-"));
  try {
    copyFileSync(path.join(GO_MODULE_FIXTURE, "go.mod"), path.join(module, "go.mod"));
    copyFileSync(path.join(GO_MODULE_FIXTURE, "go.sum"), path.join(module, "go.sum"));
    mkdirSync(path.join(module, "go"));
    cpSync(dir, path.join(module, "go"), { recursive: true });
    return run("go", ["build", "./..."], module, { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local", GOWORK: "off", ...env });
  } finally {
    rmSync(module, { recursive: true, force: true });
  }
}

/**
 * `python3 -m compileall -q -f <dir>` over a generated Python SDK (writes __pycache__
 * there). -f: without it a file changed within the second its .pyc was written is
 * taken as compiled.
 */
export function compilePythonSdk(dir: string): ProcessResult {
  return run("python3", ["-m", "compileall", "-q", "-f", dir], dir);
}
