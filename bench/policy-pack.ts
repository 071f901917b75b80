/**
 * Benchmark: how long the policy pack takes over a stack, through checkResources
 * (the same policy objects the engine runs). Stacks of 100 and 1000 resources mixing
 * the shapes the rules read (workloads, Tekton, Lambda, Cloud Run, Argo CD, other
 * providers' resources), and the Lambda archive rule reading a real bootstrap's
 * build info. Cosign verification is left out: it is a registry round trip, measured
 * by the network, not by the pack. Writes bench/results/policy-pack.json.
 * Run: npm run bench -- policy-pack
 */
import { cpus, tmpdir } from "node:os";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { buildGo, goMetadata, resolveGoBuild, zipLambdaBootstrap } from "../components/go";
import { checkResources, type ResourceToCheck } from "../policies/index";

const repo = path.resolve(__dirname, "..", "..");
const asOf = { asOf: "2026-11-23" };
const config = { "go-version-supported": asOf, "go-patch-level": asOf };
const digest = `sha256:${"a".repeat(64)}`;

function mixed(n: number): ResourceToCheck[] {
  const shapes: ((i: number) => ResourceToCheck)[] = [
    (i) => ({ type: "kubernetes:apps/v1:Deployment", name: `d${String(i)}`, props: { metadata: { labels: goMetadata("1.27.4") }, spec: { template: { spec: { initContainers: [{ image: `r.example.com/init@${digest}` }], containers: [{ image: `r.example.com/api@${digest}` }] } } } } }),
    (i) => ({ type: "kubernetes:tekton.dev/v1:Task", name: `t${String(i)}`, props: { metadata: { name: `t${String(i)}` }, spec: { steps: [{ image: `docker.io/library/golang:1.27.4@${digest}`, script: "go test -race ./..." }] } } }),
    (i) => ({ type: "aws:lambda/function:Function", name: `f${String(i)}`, props: { runtime: "provided.al2023", codeSigningConfigArn: "arn:aws:lambda:eu-west-1:1:code-signing-config:csc-1", tags: goMetadata("1.26.11") } }),
    (i) => ({ type: "gcp:cloudrunv2/service:Service", name: `s${String(i)}`, props: { binaryAuthorization: { useDefault: true }, template: { containers: [{ image: `europe-docker.pkg.dev/p/r/s@${digest}` }] } } }),
    (i) => ({ type: "kubernetes:argoproj.io/v1alpha1:Application", name: `a${String(i)}`, props: { spec: { source: { repoURL: "https://git.example.com/d.git", targetRevision: "v1.2.3" } } } }),
    (i) => ({ type: "aws:s3/bucket:Bucket", name: `b${String(i)}`, props: { tags: { team: "x" } } }),
  ];
  return Array.from({ length: n }, (_, i) => {
    const shape = shapes[i % shapes.length];
    if (shape === undefined) throw new Error("unreachable");
    return shape(i);
  });
}

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / runs;
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (const n of [100, 1000]) {
    const resources = mixed(n);
    const violations = await checkResources(resources, config);
    const ms = await timed(() => checkResources(resources, config), 5);
    results.push({ case: `${String(n)} mixed resources, whole pack`, milliseconds: +ms.toFixed(1), perResourceMicroseconds: +((ms * 1000) / n).toFixed(1), violations: violations.length });
  }
  const work = mkdtempSync(path.join(tmpdir(), "goplatform-bench-policy-"));
  try {
    const built = await buildGo(resolveGoBuild({ source: path.join(repo, "examples", "lambda-hello"), tags: ["lambda.norpc"], outDir: work, asOf: asOf.asOf }));
    const zip = await zipLambdaBootstrap(built.binary, path.join(work, "bootstrap.zip"));
    const fn: ResourceToCheck[] = [{ type: "aws:lambda/function:Function", name: "hello", props: { runtime: "provided.al2023", codeSigningConfigArn: "arn:aws:lambda:eu-west-1:1:code-signing-config:csc-1", code: new pulumi.asset.FileArchive(zip.path) } }];
    // The first run reads the archive; later runs of the pack in the same process reuse it.
    const first = process.hrtime.bigint();
    const violations = await checkResources(fn, config);
    const firstMs = Number(process.hrtime.bigint() - first) / 1e6;
    results.push({ case: `one local Lambda archive (${String(zip.size)} bytes zip), first read: unzip + build info, whole pack`, milliseconds: +firstMs.toFixed(1), violations: violations.length });
    results.push({ case: "the same archive again (read once per process)", milliseconds: +(await timed(() => checkResources(fn, config), 10)).toFixed(1), violations: violations.length });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const record = { benchmark: "policy-pack", date: new Date().toISOString(), machine: `${process.platform}/${process.arch}, ${String(cpus().length)} cores`, node: process.version, results };
  writeFileSync(path.join(repo, "bench", "results", "policy-pack.json"), `${JSON.stringify(record, null, 2)}\n`);
  console.table(results);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
