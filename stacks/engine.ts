/**
 * Runs the example program through the real Pulumi engine with the Automation API.
 *
 * No Node.js language host can be built here (see README "Toolchain"), so the
 * program runs inline: the Automation API serves the program itself and the real
 * `pulumi` CLI (built by scripts/toolchain.sh) drives the engine, the providers and
 * the policy packs against a local file backend with passphrase-encrypted secrets.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack, type StackSettings } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The `local` stack's secrets passphrase when PULUMI_CONFIG_PASSPHRASE is unset. Not a
 * secret: the demo stack holds nothing worth protecting, and every clone must be
 * able to open it. Real stacks set their own passphrase or a KMS secrets provider.
 */
export const DEMO_PASSPHRASE = "goplatform-local-demo";

/**
 * What scripts/toolchain.sh provides, built on first use: with no argument the
 * directory holding `pulumi` and the provider plugins, with a tool name
 * ("promtool", "registry") that tool's path.
 */
export function toolchain(tool?: string): string {
  const args = [path.join(REPO_ROOT, "scripts", "toolchain.sh"), ...(tool === undefined ? [] : [tool])];
  const out = execFileSync("bash", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return out.trim().split("\n").at(-1) ?? "";
}

export interface EngineStackOptions {
  stackName: string;
  program: PulumiFn;
  /** Where the file backend keeps state. Default: <repo>/.pulumi/state. */
  stateDir?: string;
  /**
   * Run in this directory with these stack settings instead of the repo's Pulumi.yaml
   * and stacks/Pulumi.<stack>.yaml (tests use a scratch directory).
   */
  scratch?: { workDir: string; settings: StackSettings };
}

export async function engineStack(options: EngineStackOptions): Promise<Stack> {
  const bin = toolchain();
  const stateDir = options.stateDir ?? path.join(REPO_ROOT, ".pulumi", "state");
  mkdirSync(stateDir, { recursive: true });
  const home = path.join(path.dirname(stateDir), "home");
  mkdirSync(home, { recursive: true });
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin) });
  const envVars = {
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? DEMO_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  };
  const common = { pulumiCommand, pulumiHome: home, envVars, secretsProvider: "passphrase" };
  if (options.scratch === undefined) {
    return LocalWorkspace.createOrSelectStack({ stackName: options.stackName, projectName: "goplatform", program: options.program }, { ...common, workDir: REPO_ROOT });
  }
  mkdirSync(options.scratch.workDir, { recursive: true });
  return LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName, projectName: "goplatform", program: options.program },
    {
      ...common,
      workDir: options.scratch.workDir,
      projectSettings: { name: "goplatform", runtime: "nodejs" },
      stackSettings: { [options.stackName]: options.scratch.settings },
    },
  );
}
