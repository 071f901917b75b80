/**
 * Benchmark: the build helper's Lambda bootstrap against a plain `go build` of the
 * same handler with default flags. Measures binary size, zip size and build time
 * with a cold build cache and a warm one. Writes bench/results/go-lambda-build.json.
 * Run: npm run bench -- go-lambda-build
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildGo, resolveGoBuild, zipLambdaBootstrap } from "../components/go";

const repo = path.resolve(__dirname, "..", "..");
const source = path.join(repo, "examples", "lambda-hello");
const asOf = "2026-11-23";

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "goplatform-bench-"));
  const results: Record<string, unknown>[] = [];
  try {
    // One build cache per builder: -trimpath and -ldflags change every action ID, so
    // the two builders never share cache entries. Cold: an empty cache; warm: the same
    // cache again, with nothing changed.
    const cacheOf = (builder: string) => path.join(work, `gocache-${builder}`);
    for (const cache of ["cold", "warm"] as const) {
      process.env.GOCACHE = cacheOf("helper");

      const helper = await timed(() => buildGo(resolveGoBuild({ source, asOf, tags: ["lambda.norpc"], outDir: path.join(work, `helper-${cache}`) })));
      const zip = await zipLambdaBootstrap(helper.value.binary, path.join(work, `helper-${cache}.zip`));
      results.push({ build: "goplatform helper (go1.27.4, linux/arm64, -trimpath -ldflags='-s -w', lambda.norpc)", cache, seconds: +helper.seconds.toFixed(2), binaryBytes: helper.value.size, zipBytes: zip.size });

      process.env.GOCACHE = cacheOf("plain");
      const plainOut = path.join(work, `plain-${cache}`, "bootstrap");
      const plain = await timed(() =>
        execFileSync("go", ["build", "-o", plainOut, "."], { cwd: source, env: { ...process.env, GOOS: "linux", GOARCH: "arm64", GOTOOLCHAIN: "go1.27.4", GOFLAGS: "" }, stdio: "pipe" }),
      );
      const plainZip = await zipLambdaBootstrap(plainOut, path.join(work, `plain-${cache}.zip`));
      results.push({ build: "plain go build (go1.27.4, linux/arm64, default flags)", cache, seconds: +plain.seconds.toFixed(2), binaryBytes: statSync(plainOut).size, zipBytes: plainZip.size });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const record = { benchmark: "go-lambda-build", date: new Date().toISOString(), machine: `${process.platform}/${process.arch}, ${(await import("node:os")).cpus().length} cores`, node: process.version, results };
  writeFileSync(path.join(repo, "bench", "results", "go-lambda-build.json"), `${JSON.stringify(record, null, 2)}\n`);
  console.table(results);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
