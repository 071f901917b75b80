/**
 * Benchmark: how long scripts/toolchain.sh takes to provide the Pulumi toolchain,
 * with an empty tools cache (binaries rebuilt; the Go build cache as the machine has
 * it) and with the cache filled (the normal second run). Writes
 * bench/results/toolchain-setup.json. Run: npm run bench -- toolchain-setup
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..", "..");

function timed(tools: string, args: string[] = []): number {
  const start = process.hrtime.bigint();
  execFileSync("bash", [path.join(repo, "scripts", "toolchain.sh"), ...args], { cwd: repo, env: { ...process.env, GOPLATFORM_TOOLS: tools }, stdio: ["ignore", "ignore", "inherit"] });
  return +(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2);
}

const tools = mkdtempSync(path.join(tmpdir(), "goplatform-tools-"));
try {
  const results = [
    { run: "pulumi CLI + Kubernetes provider, empty tools cache", seconds: timed(tools) },
    { run: "pulumi CLI + Kubernetes provider, cached", seconds: timed(tools) },
    { run: "promtool, empty tools cache", seconds: timed(tools, ["promtool"]) },
    { run: "registry, empty tools cache", seconds: timed(tools, ["registry"]) },
  ];
  const record = {
    benchmark: "toolchain-setup",
    date: new Date().toISOString(),
    machine: `${process.platform}/${process.arch}, ${cpus().length} cores`,
    goBuildCache: "as the machine had it (warm after earlier builds); a cold Go cache adds the compile time",
    results,
  };
  writeFileSync(path.join(repo, "bench", "results", "toolchain-setup.json"), `${JSON.stringify(record, null, 2)}\n`);
  console.table(results);
} finally {
  rmSync(tools, { recursive: true, force: true });
}
