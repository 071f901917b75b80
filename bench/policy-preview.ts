/**
 * Benchmark: what the policy pack adds to a real `pulumi preview`. The real CLI
 * (scripts/toolchain.sh, file backend, a fresh stack so every resource is a create)
 * previews a generated program of N Kubernetes resources of the kinds the rules
 * read, in rotation: Deployments, CronJobs, Tekton Tasks, Argo CD Applications and
 * ConfigMaps, each recording its Go version or naming a digest-pinned image. They
 * go through the Kubernetes provider v4 in render mode (`renderYamlToDirectory`):
 * the engine registers, checks and plans every resource with the provider as in any
 * preview, and no cluster is needed (Tekton and Argo CD kinds are custom resources,
 * which render mode writes without their CRDs). Each size is previewed without and
 * with `--policy-pack policy-pack`, alternating, `runs` times each; the median wall
 * time and the median CPU time (user + system of the CLI and every process it waited
 * for: the program, the provider, the policy pack; steadier than wall time on a busy
 * machine) are recorded. Writes bench/results/policy-preview.json.
 * Run: npm run bench -- policy-preview   (sizes: POLICY_PREVIEW_SIZES=100,300,1000)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { PulumiCli, REPO_ROOT, writeProgramProject } from "../tests/harness/pulumi-cli";

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const config = new pulumi.Config();
const count = Number(config.require("count"));
const provider = new k8s.Provider("render", { renderYamlToDirectory: config.require("renderDir") });
const digest = "sha256:" + "a".repeat(64);
const labels = { "goplatform.dev/go-version": "go1.27.4" };
const pod = (name) => ({ containers: [{ name, image: "registry.example.com/payments/" + name + "@" + digest }], restartPolicy: "OnFailure" });
const shapes = [
  (i) => new k8s.apps.v1.Deployment("d" + i, { metadata: { name: "d" + i, namespace: "payments", labels }, spec: { selector: { matchLabels: { app: "d" + i } }, template: { metadata: { labels: { app: "d" + i } }, spec: { ...pod("api"), restartPolicy: "Always" } } } }, { provider }),
  (i) => new k8s.batch.v1.CronJob("c" + i, { metadata: { name: "c" + i, namespace: "payments", labels }, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: pod("job") } } } } }, { provider }),
  (i) => new k8s.apiextensions.CustomResource("t" + i, { apiVersion: "tekton.dev/v1", kind: "Task", metadata: { name: "t" + i, namespace: "payments-ci" }, spec: { steps: [{ name: "test", image: "docker.io/library/golang:1.27.4@" + digest, script: "go test -race ./..." }] } }, { provider }),
  (i) => new k8s.apiextensions.CustomResource("a" + i, { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "a" + i, namespace: "argocd" }, spec: { project: "default", source: { repoURL: "https://git.example.com/deploy.git", targetRevision: "v1.2.3", path: "payments" }, destination: { server: "https://kubernetes.default.svc", namespace: "payments" } } }, { provider }),
  (i) => new k8s.core.v1.ConfigMap("m" + i, { metadata: { name: "m" + i, namespace: "payments", labels }, data: { module: "github.com/example/payments" } }, { provider }),
];
for (let i = 0; i < count; i++) shapes[i % shapes.length](i);
`;

interface Case {
  resources: number;
  runs: number;
  withoutPackSeconds: number[];
  withPackSeconds: number[];
  withoutPackCpuSeconds: number[];
  withPackCpuSeconds: number[];
  medianWithoutSeconds: number;
  medianWithSeconds: number;
  ratio: number;
  perResourceWithoutMs: number;
  perResourceWithMs: number;
  packPerResourceMs: number;
  medianWithoutCpuSeconds: number;
  medianWithCpuSeconds: number;
  cpuRatio: number;
  cpuPerResourceWithoutMs: number;
  cpuPerResourceWithMs: number;
}

/** CPU seconds (user + system) of the children this process has waited for: /proc/self/stat cutime + cstime. */
function childCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: field 3 is fields[0]; cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

function main(): void {
  const sizes = (process.env.POLICY_PREVIEW_SIZES ?? "100,300,1000").split(",").map(Number);
  const runs = Number(process.env.POLICY_PREVIEW_RUNS ?? "3");
  const work = mkdtempSync(path.join(tmpdir(), "goplatform-bench-policy-preview-"));
  const asOf = new Date().toISOString().slice(0, 10);
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const cases: Case[] = [];
  try {
    const project = writeProgramProject(path.join(work, "project"), "policy-preview", PROGRAM);
    const config = path.join(work, "policy-config.json");
    writeFileSync(config, JSON.stringify({ "go-version-supported": { asOf }, "go-patch-level": { asOf } }));
    const cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "bench"]);
    cli.ok(["config", "set", "renderDir", path.join(work, "render")]);
    const pack = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", config];
    const preview = (extra: string[], resources: number): [number, number] => {
      const cpuStart = childCpuSeconds();
      const start = process.hrtime.bigint();
      const result = cli.ok(["preview", ...extra]);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = childCpuSeconds() - cpuStart;
      if (!new RegExp(`\\+ ${String(resources + 2)} to create`).test(result.stdout)) throw new Error(`preview did not plan ${String(resources + 2)} creates:\n${result.stdout.slice(-2000)}`);
      if (extra.length > 0 && !/goplatform@v0\.1\.0/.test(result.stdout)) throw new Error(`the pack did not run:\n${result.stdout.slice(-2000)}`);
      return [seconds, cpu];
    };
    for (const resources of sizes) {
      cli.ok(["config", "set", "count", String(resources)]);
      preview([], resources); // warm-up: plugin and module caches
      const without: number[] = [];
      const withPack: number[] = [];
      const cpuWithout: number[] = [];
      const cpuWith: number[] = [];
      for (let r = 0; r < runs; r++) {
        const [a, b] = preview([], resources);
        without.push(a);
        cpuWithout.push(b);
        const [c, d] = preview(pack, resources);
        withPack.push(c);
        cpuWith.push(d);
      }
      const mWithout = median(without);
      const mWith = median(withPack);
      const cWithout = median(cpuWithout);
      const cWith = median(cpuWith);
      const c: Case = {
        resources,
        runs,
        withoutPackSeconds: without.map((s) => round(s)),
        withPackSeconds: withPack.map((s) => round(s)),
        withoutPackCpuSeconds: cpuWithout.map((s) => round(s, 2)),
        withPackCpuSeconds: cpuWith.map((s) => round(s, 2)),
        medianWithoutSeconds: round(mWithout),
        medianWithSeconds: round(mWith),
        ratio: round(mWith / mWithout),
        perResourceWithoutMs: round((mWithout * 1000) / resources, 2),
        perResourceWithMs: round((mWith * 1000) / resources, 2),
        packPerResourceMs: round(((mWith - mWithout) * 1000) / resources, 2),
        medianWithoutCpuSeconds: round(cWithout, 2),
        medianWithCpuSeconds: round(cWith, 2),
        cpuRatio: round(cWith / cWithout),
        cpuPerResourceWithoutMs: round((cWithout * 1000) / resources, 2),
        cpuPerResourceWithMs: round((cWith * 1000) / resources, 2),
      };
      cases.push(c);
      console.log(JSON.stringify(c));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const out = {
    benchmark: "policy-preview",
    date: new Date().toISOString(),
    machine: `${process.platform}/${process.arch}, ${String(cpus().length)} cores`,
    node: process.version,
    asOf,
    /** 1, 5 and 15 minute load averages when the run started and ended (2 cores: above 2 means contention). */
    loadAverage: { start: loadAtStart, end: loadavg().map((l) => round(l, 2)) },
    cases,
  };
  writeFileSync(path.join(REPO_ROOT, "bench", "results", "policy-preview.json"), `${JSON.stringify(out, null, 2)}\n`);
}

main();
