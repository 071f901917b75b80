/**
 * Validation of rendered delivery objects by tools others wrote: the Argo CD CRD
 * schemas (@kubernetes-models/argo-cd) and IBM's tekton-lint (its CLI, on YAML files).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import type { RecordedResource, ResourceGraph } from "../../harness/mocks";

const run = promisify(execFile);

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

/** The Kubernetes object a recorded CustomResource stands for. */
export function objectOf(r: RecordedResource): KubeObject {
  const { apiVersion, kind, metadata, spec } = r.inputs as unknown as KubeObject;
  return { apiVersion, kind, metadata, ...(spec === undefined ? {} : { spec }) };
}

/** Every registered object of an API group, e.g. "tekton.dev" (matches triggers.tekton.dev too). */
export function objectsOfGroup(resources: ResourceGraph, group: string): KubeObject[] {
  return resources.all.filter((r) => r.custom && new RegExp(`^kubernetes:([a-z.]+\\.)?${group.replaceAll(".", "\\.")}/`).test(r.type)).map(objectOf);
}

export interface LintProblem {
  message: string;
  rule: string;
  level: "error" | "warning";
}

const lintCli = path.join(path.dirname(require.resolve("@ibm/tekton-lint/package.json")), "dist", "lint.js");

/** Runs tekton-lint on the objects written as one multi-document YAML file. */
export async function tektonLint(objects: readonly KubeObject[]): Promise<LintProblem[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "tekton-lint-"));
  const file = path.join(dir, "pipeline.yaml");
  writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
  // No .tektonlintrc in `dir`: the linter's default rules. Its cache stays in the temp dir.
  const env = { ...process.env, TL_CACHE_DIR: path.join(dir, "cache"), NODE_ENV: "test" };
  const { stdout } = await run(process.execPath, [lintCli, "--format", "json", "--config", dir, file], { cwd: dir, env });
  return JSON.parse(stdout) as LintProblem[];
}

/** Validates an Argo CD object against the published CRD schema; throws on a violation. */
export async function validateArgoCd(object: KubeObject): Promise<void> {
  const models = await import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1");
  switch (object.kind) {
    case "Application":
      new models.Application(object as unknown as ConstructorParameters<typeof models.Application>[0]).validate();
      return;
    case "ApplicationSet":
      new models.ApplicationSet(object as unknown as ConstructorParameters<typeof models.ApplicationSet>[0]).validate();
      return;
    case "AppProject":
      new models.AppProject(object as unknown as ConstructorParameters<typeof models.AppProject>[0]).validate();
      return;
    default:
      throw new Error(`not an Argo CD kind: ${object.kind}`);
  }
}
