/**
 * Benchmark: how long scripts/toolchain.sh takes to provide the Pulumi toolchain (CLI,
 * Node.js language hosts, Kubernetes provider) and the local control plane (etcd,
 * Kubernetes, kwok), into an empty tools cache and then from the filled cache, and how
 * long scripts/cluster.sh takes to start a new control plane.
 *
 *   npm run bench -- toolchain-setup            the Go build cache as the machine has it
 *   COLD=1 npm run bench -- toolchain-setup     an empty Go build cache too (a new machine;
 *                                               the module download cache stays warm)
 *
 * Each mode updates its own section of bench/results/toolchain-setup.json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..", "..");
const cold = process.env.COLD === "1";
const resultsFile = path.join(repo, "bench", "results", "toolchain-setup.json");

const scratch = mkdtempSync(path.join(tmpdir(), "goplatform-bench-toolchain-"));
const env = {
  ...process.env,
  GOPLATFORM_TOOLS: path.join(scratch, "tools"),
  PULUMI_HOME: path.join(scratch, "home"),
  ...(cold ? { GOCACHE: path.join(scratch, "gocache") } : {}),
};

function timed(script: string, args: string[] = []): number {
  const start = process.hrtime.bigint();
  execFileSync("bash", [path.join(repo, "scripts", script), ...args], { cwd: repo, env, stdio: ["ignore", "ignore", "inherit"] });
  return +(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2);
}

try {
  const cluster = path.join(scratch, "cluster");
  const results = [
    { run: "Pulumi toolchain (CLI, language hosts, Kubernetes provider), empty tools cache", seconds: timed("toolchain.sh") },
    { run: "Pulumi toolchain, cached", seconds: timed("toolchain.sh") },
    { run: "control plane (kube-apiserver, controller manager, scheduler, kubectl, etcd, kwok), empty tools cache", seconds: timed("toolchain.sh", ["control-plane"]) },
    { run: "control plane, cached", seconds: timed("toolchain.sh", ["control-plane"]) },
    { run: "cluster.sh start of a new control plane (certificates, CRDs, kwok node ready)", seconds: timed("cluster.sh", ["start", cluster]) },
    // The test tools: what else a new CI machine builds before the suite's own time.
    ...(cold ? ["registry", "promtool", "cosign", "policy-controller"].map((tool) => ({ run: `${tool} (tests only), empty tools cache`, seconds: timed("toolchain.sh", [tool]) })) : []),
  ];
  timed("cluster.sh", ["purge", cluster]);
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>) : {};
  const section = {
    date: new Date().toISOString(),
    machine: `${process.platform}/${process.arch}, ${cpus().length} cores`,
    goBuildCache: cold ? "empty (a new machine); Go module downloads cached" : "as the machine had it (warm after earlier builds)",
    results,
  };
  const record = { benchmark: "toolchain-setup", warm: previous.warm, cold: previous.cold, [cold ? "cold" : "warm"]: section };
  writeFileSync(resultsFile, `${JSON.stringify(record, null, 2)}\n`);
  console.table(results);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  // toolchain.sh points the repository's .pulumi/bin and .pulumi/control-plane at the
  // tools cache it used: point them back at the normal one.
  for (const args of [[], ["control-plane"]]) execFileSync("bash", [path.join(repo, "scripts", "toolchain.sh"), ...args], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
}
