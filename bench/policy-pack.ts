/**
 * Benchmark: how long the policy pack takes, through checkResources (the same policy
 * objects the engine runs):
 * - 10,000 synthetic resources mixing the shapes the rules read (workloads, Tekton,
 *   Lambda, Cloud Run, Argo CD, other providers' resources): median and p95 time per
 *   resource (each resource checked alone) and peak memory of one whole-stack run;
 * - on the AWS subset, @pulumi/awsguard's policies (the ratio to ours) and a no-op
 *   pack (the floor: what checkResources itself costs);
 * - the Lambda archive rule reading a real bootstrap's build info.
 * Cosign verification is left out: it is a registry round trip, measured by the
 * network, not by the pack. Writes bench/results/policy-pack.json.
 * Run: npm run bench -- policy-pack
 */
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { buildGo, goMetadata, resolveGoBuild, zipLambdaBootstrap } from "../components/go";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkResources, goplatformPolicies, type GoplatformPolicy, type ResourceToCheck } from "../policies/index";

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
    (i) => ({ type: "aws:s3/bucket:Bucket", name: `b${String(i)}`, props: { tags: { team: "x" }, loggings: [{ targetBucket: "logs" }] } }),
    (i) => ({ type: "aws:ebs/volume:Volume", name: `v${String(i)}`, props: { availabilityZone: "eu-west-1a", size: 20, encrypted: true } }),
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

/** @pulumi/awsguard's policies, read from its modules (its typings do not export them). */
function awsGuardPolicies(): ResourceValidationPolicy[] {
  const load = createRequire(__filename);
  const families = ["apiGateway", "compute", "database", "elasticsearch", "network", "security", "storage"];
  return families.flatMap((family) => Object.values(load(`@pulumi/awsguard/${family}`) as Record<string, unknown>)).filter(
    (p): p is ResourceValidationPolicy => typeof p === "object" && p !== null && "name" in p && "validateResource" in p,
  );
}

const NO_OP: ResourceValidationPolicy = { name: "no-op", description: "Checks nothing: the cost of the harness itself.", enforcementLevel: "advisory", validateResource: () => undefined };

/** Each resource checked alone: median and 95th percentile microseconds, and the total. */
async function perResource(resources: ResourceToCheck[], policies: readonly GoplatformPolicy[]): Promise<{ medianMicroseconds: number; p95Microseconds: number; totalMilliseconds: number }> {
  await checkResources(resources.slice(0, 200), config, policies); // warm-up
  const times: number[] = [];
  for (const r of resources) {
    const start = process.hrtime.bigint();
    await checkResources([r], config, policies);
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  times.sort((x, y) => x - y);
  const pick = (q: number) => +(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
  return { medianMicroseconds: pick(0.5), p95Microseconds: pick(0.95), totalMilliseconds: +(times.reduce((x, y) => x + y, 0) / 1e3).toFixed(1) };
}

/** One whole-stack run, with the peak resident memory sampled while it runs. */
async function wholeStack(resources: ResourceToCheck[], policies: readonly GoplatformPolicy[]): Promise<{ milliseconds: number; peakRssMiB: number; violations: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const start = process.hrtime.bigint();
  const violations = await checkResources(resources, config, policies);
  const milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { milliseconds: +milliseconds.toFixed(1), peakRssMiB: +(peak / 2 ** 20).toFixed(1), violations: violations.length };
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  const resources = mixed(10_000);
  const aws = resources.filter((r) => r.type.startsWith("aws:"));
  const guard = awsGuardPolicies();
  const cases: [string, ResourceToCheck[], readonly GoplatformPolicy[]][] = [
    ["goplatform pack, 10,000 mixed resources", resources, goplatformPolicies],
    [`goplatform pack, AWS subset (${String(aws.length)} resources)`, aws, goplatformPolicies],
    [`@pulumi/awsguard 0.3.1 (${String(guard.length)} policies), AWS subset`, aws, guard],
    ["no-op pack (the floor), 10,000 mixed resources", resources, [NO_OP]],
  ];
  // awsguard really judges these shapes: a bucket without access logging fails it.
  const unlogged = await checkResources([{ type: "aws:s3/bucket:Bucket", name: "unlogged", props: {} }], config, guard);
  if (!unlogged.some((v) => v.policyName === "s3-bucket-logging-enabled")) throw new Error(`awsguard did not judge an S3 bucket: ${JSON.stringify(unlogged)}`);
  for (const [name, input, policies] of cases) {
    results.push({ case: name, ...(await perResource(input, policies)), wholeStack: await wholeStack(input, policies) });
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
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
