/**
 * The real Pulumi CLI as a process, the way a user or CI types it: the binaries
 * scripts/toolchain.sh built (CLI, Node.js language host, Kubernetes provider v4
 * installed in PULUMI_HOME), a file backend in a directory of the test's own and
 * passphrase secrets.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The `local` stack's documented demo passphrase (scripts/env.sh). */
export const DEMO_PASSPHRASE = "goplatform-local-demo";

/**
 * What scripts/toolchain.sh provides, built on first use: with no argument the
 * directory holding `pulumi` and its language hosts, with a tool name ("promtool",
 * "registry", "cosign", "policy-controller", "actionlint") that tool's path.
 */
export function toolchain(tool?: string): string {
  const args = [path.join(REPO_ROOT, "scripts", "toolchain.sh"), ...(tool === undefined ? [] : [tool])];
  const out = execFileSync("bash", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return out.trim().split("\n").at(-1) ?? "";
}

/** Where toolchain.sh installed the provider plugins: the same default as scripts/env.sh. */
export const PULUMI_HOME = process.env.PULUMI_HOME ?? path.join(REPO_ROOT, ".pulumi", "home");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for messages. */
  output: string;
}

export class PulumiCli {
  readonly env: NodeJS.ProcessEnv;

  /**
   * @param cwd the project directory commands run in
   * @param stateDir the file backend's directory (created)
   */
  constructor(
    readonly cwd: string,
    readonly stateDir: string,
  ) {
    const bin = toolchain();
    mkdirSync(stateDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME,
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    delete env.PULUMI_ACCESS_TOKEN;
    // The shell's cluster (scripts/env.sh points KUBECONFIG at npm start's) is never a test's:
    // programs name theirs in config, and a render-mode provider refuses a kubeconfig at all.
    delete env.KUBECONFIG;
    this.env = env;
  }

  /** Runs `pulumi <args>`; never throws, the caller judges the result. */
  run(args: string[]): CliResult {
    const result = spawnSync("pulumi", ["--non-interactive", ...args], { cwd: this.cwd, env: this.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (result.error !== undefined) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
  }

  /** Runs `pulumi <args>` and asserts it succeeded and printed no warning. */
  ok(args: string[]): CliResult {
    const result = this.run(args);
    assert.equal(result.status, 0, `pulumi ${args.join(" ")} failed:\n${result.output}`);
    assertNoWarnings(result, args);
    return result;
  }
}

/**
 * The engine's and the plugins' warnings (plugin versions, "from $PATH", anything in
 * the Diagnostics): `warning:` lines, other than a resource's progress line, where the
 * Kubernetes provider shows a rollout's passing status while it waits (e.g.
 * "[MinimumReplicasUnavailable] Deployment does not have minimum availability").
 */
const PROGRESS = /^\s*[+~-]{0,2}\s+\S+ \S+ (creating|updating|deleting|replacing|reading|refreshing) \(\d+s\) warning:/;
export function assertNoWarnings(result: CliResult, args: string[]): void {
  const warnings = result.output.split("\n").filter((line) => /\bwarning:/i.test(line) && !PROGRESS.test(line));
  assert.deepEqual(warnings, [], `pulumi ${args.join(" ")} printed warnings:\n${result.output}`);
}

/**
 * A JavaScript Pulumi project of a test's own at `dir` (created): Pulumi.yaml, package.json
 * and `program` as index.js, with the repository's node_modules linked in, since the
 * language host resolves @pulumi/pulumi from the program's directory. Returns `dir`.
 */
export function writeProgramProject(dir: string, name: string, program: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.js" }));
  writeFileSync(path.join(dir, "index.js"), program);
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}
