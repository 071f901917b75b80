/**
 * The CI examples in examples/ci: the GitHub Actions workflow passes actionlint
 * (built by scripts/toolchain.sh actionlint), the GitLab CI file is well-formed YAML
 * with the jobs and commands it needs (no GitLab linter runs here), and every
 * `pulumi` command either file runs uses only flags the CLI built here has.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT, toolchain } from "../harness/pulumi-cli";

const CI = path.join(REPO_ROOT, "examples", "ci");
const WORKFLOW = path.join(CI, "github-workflows", "goplatform-policy.yml");
const GITLAB = path.join(CI, ".gitlab-ci.yml");

type Doc = Record<string, unknown>;
const isRecord = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);

/** The lines of a job's script (GitLab `script`/`before_script`, GitHub `steps[].run`), continuation-joined. */
function commandsOf(script: unknown): string[] {
  const lines = Array.isArray(script) ? script : [script];
  return lines.filter((l): l is string => typeof l === "string").flatMap((l) => l.replace(/\s*\n\s*/g, " ").split(/\n/)).map((l) => l.trim());
}

/**
 * Problems with a GitLab CI document, as GitLab would see them for these jobs:
 * declared stages, jobs (keys not starting with "." and not reserved) in one of them,
 * a non-empty script of strings (own or through `extends`), rules that are `if`
 * strings, and the two jobs the example is for with their commands.
 */
export function gitlabProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(doc)) return ["the document is not a mapping"];
  const stages = doc.stages;
  if (!Array.isArray(stages) || !stages.every((s) => typeof s === "string")) problems.push("stages is not a list of names");
  const reserved = new Set(["stages", "variables", "default", "include", "workflow", "image", "services", "cache", "before_script", "after_script"]);
  const resolve = (name: string, seen = new Set<string>()): Doc => {
    const job = doc[name];
    if (!isRecord(job) || seen.has(name)) return {};
    seen.add(name);
    const parents = typeof job.extends === "string" ? [job.extends] : Array.isArray(job.extends) ? job.extends.filter((e): e is string => typeof e === "string") : [];
    for (const parent of parents) if (!isRecord(doc[parent])) problems.push(`${name} extends ${parent}, which is not defined`);
    return Object.assign({}, ...parents.map((p) => resolve(p, seen)), job) as Doc;
  };
  const jobs = new Map<string, Doc>();
  for (const name of Object.keys(doc)) {
    if (name.startsWith(".") || reserved.has(name)) continue;
    const job = resolve(name);
    jobs.set(name, job);
    if (typeof job.stage !== "string" || !Array.isArray(stages) || !stages.includes(job.stage)) problems.push(`${name}: stage ${JSON.stringify(job.stage)} is not in stages`);
    if (!Array.isArray(job.script) || job.script.length === 0 || !job.script.every((s) => typeof s === "string")) problems.push(`${name}: script is not a non-empty list of strings`);
    for (const key of ["before_script", "after_script"]) {
      const value = job[key];
      if (value !== undefined && !(Array.isArray(value) && value.every((s) => typeof s === "string"))) problems.push(`${name}: ${key} is not a list of strings`);
    }
    if (job.rules !== undefined && !(Array.isArray(job.rules) && job.rules.every((r) => isRecord(r) && typeof r.if === "string"))) problems.push(`${name}: rules are not a list of { if: … }`);
  }
  const expect = (name: string, rule: RegExp, commands: RegExp[]) => {
    const job = jobs.get(name);
    if (job === undefined) return problems.push(`no ${name} job`);
    const rules = Array.isArray(job.rules) ? job.rules.map((r) => (isRecord(r) ? String(r.if) : "")) : [];
    if (!rules.some((r) => rule.test(r))) problems.push(`${name}: no rule matching ${String(rule)}`);
    const script = [...commandsOf(job.before_script), ...commandsOf(job.script)];
    for (const command of commands) if (!script.some((l) => command.test(l))) problems.push(`${name}: no command matching ${String(command)}`);
    return undefined;
  };
  expect("policy-preview", /\$CI_PIPELINE_SOURCE == "merge_request_event"/, [/^npm ci$/, /^pulumi preview .*--policy-pack "\$POLICY_PACK"/]);
  expect("policy-judge", /\$CI_PIPELINE_SOURCE == "schedule"/, [
    /^npm ci$/,
    /^pulumi stack export .*--file state\.json/,
    /"go-version-supported":\{"asOf":"%s"\}/,
    /^pulumi policy analyze .*--file state\.json .*--policy-pack "\$POLICY_PACK" .*--policy-pack-config policy-config\.json/,
  ]);
  return problems;
}

/** Every `pulumi …` command line of a script, as its subcommand words and its flags. */
function pulumiCommands(lines: string[]): { words: string[]; flags: string[]; line: string }[] {
  return lines
    .filter((l) => /^pulumi\s/.test(l))
    .map((line) => {
      const tokens = line.split(/\s+/).slice(1);
      const words: string[] = [];
      for (const t of tokens) {
        if (t.startsWith("-")) break;
        words.push(t);
      }
      return { words, flags: tokens.filter((t) => t.startsWith("--")).map((t) => t.split("=")[0] ?? t), line };
    });
}

describe("the CI examples (examples/ci)", function () {
  this.timeout(1_800_000);
  let actionlint: string;
  let work: string;

  before(() => {
    actionlint = toolchain("actionlint");
    work = mkdtempSync(path.join(tmpdir(), "goplatform-ci-examples-"));
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  const lint = (file: string) => spawnSync(actionlint, ["-no-color", file], { encoding: "utf8" });

  it("the GitHub Actions workflow passes actionlint", () => {
    const result = lint(WORKFLOW);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.equal(result.stdout, "");
  });

  it("actionlint rejects the workflow with an unknown event, a typo'd context and a job missing runs-on", () => {
    const text = readFileSync(WORKFLOW, "utf8");
    const broken = path.join(work, "broken.yml");
    writeFileSync(broken, text.replace("  pull_request:\n", "  pull_requests:\n").replace("${{ matrix.stack }}", "${{ matrix.stak }}").replace(/(judge:\n(?:.*\n)*?)\s+runs-on: ubuntu-latest\n/, "$1\n"));
    const result = lint(broken);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /unknown Webhook event "pull_requests"/);
    assert.match(result.stdout, /property "stak" is not defined/);
    assert.match(result.stdout, /"runs-on" section is missing in job "judge"/);
  });

  it("the workflow previews with the pack on pull requests and judges exported state on a schedule", () => {
    const doc = parse(readFileSync(WORKFLOW, "utf8")) as Doc;
    const on = doc.on as Doc;
    assert.ok("pull_request" in on && Array.isArray(on.schedule), JSON.stringify(on));
    const jobs = doc.jobs as Record<string, { if: string; steps: { run?: string }[] }>;
    const runs = (job: string) => (jobs[job]?.steps ?? []).flatMap((s) => commandsOf(s.run));
    assert.match(jobs.preview?.if ?? "", /pull_request/);
    assert.ok(runs("preview").some((l) => /^pulumi preview .*--policy-pack "\$POLICY_PACK"$/.test(l)), runs("preview").join("\n"));
    assert.match(jobs.judge?.if ?? "", /schedule/);
    const judge = runs("judge");
    const exported = judge.findIndex((l) => /^pulumi stack export .*--file "\$RUNNER_TEMP\/state\.json"$/.test(l));
    const analyzed = judge.findIndex((l) => /^pulumi policy analyze .*--file "\$RUNNER_TEMP\/state\.json" --policy-pack "\$POLICY_PACK" --policy-pack-config "\$RUNNER_TEMP\/policy-config\.json"$/.test(l));
    assert.ok(exported >= 0 && analyzed > exported, judge.join("\n"));
  });

  it("the GitLab CI file is well-formed, with the preview and the scheduled judging jobs", () => {
    const doc: unknown = parse(readFileSync(GITLAB, "utf8"));
    assert.deepEqual(gitlabProblems(doc), []);
  });

  it("the GitLab check names what a broken file lacks", () => {
    const doc = parse(readFileSync(GITLAB, "utf8")) as Doc;
    const judge = doc["policy-judge"] as Doc;
    const broken = { ...doc, "policy-preview": { ...(doc["policy-preview"] as Doc), extends: ".missing" }, "policy-judge": { ...judge, script: (judge.script as string[]).filter((l) => !l.startsWith("pulumi policy analyze")), rules: [{ if: '$CI_PIPELINE_SOURCE == "push"' }] } };
    assert.deepEqual(gitlabProblems(broken), [
      "policy-preview extends .missing, which is not defined",
      'policy-preview: stage undefined is not in stages',
      "policy-preview: no command matching /^npm ci$/",
      'policy-judge: no rule matching /\\$CI_PIPELINE_SOURCE == "schedule"/',
      "policy-judge: no command matching /^pulumi policy analyze .*--file state\\.json .*--policy-pack \"\\$POLICY_PACK\" .*--policy-pack-config policy-config\\.json/",
    ]);
    assert.deepEqual(gitlabProblems("stages: [policy]"), ["the document is not a mapping"]);
  });

  it("every pulumi command in both files uses only flags the CLI here has", () => {
    const bin = toolchain();
    const github = parse(readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const gitlab = parse(readFileSync(GITLAB, "utf8")) as Record<string, { script?: string[] }>;
    const lines = [...Object.values(github.jobs).flatMap((j) => j.steps.flatMap((s) => commandsOf(s.run))), ...Object.values(gitlab).flatMap((j) => commandsOf(isRecord(j) ? j.script : undefined))];
    const commands = pulumiCommands(lines);
    assert.deepEqual([...new Set(commands.map((c) => c.words.join(" ")))].sort(), ["policy analyze", "preview", "stack export"]);
    for (const { words, flags, line } of commands) {
      const help = spawnSync(path.join(bin, "pulumi"), [...words, "--help"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
      assert.equal(help.status, 0, help.stderr);
      for (const flag of flags) assert.ok(new RegExp(`\\s${flag}[\\s=]`).test(help.stdout), `${line}: pulumi ${words.join(" ")} has no ${flag}`);
    }
    // The check can fail: `pulumi policy analyze` has no --config flag (its config is --policy-pack-config).
    const analyze = spawnSync(path.join(bin, "pulumi"), ["policy", "analyze", "--help"], { encoding: "utf8" }).stdout;
    assert.ok(!/\s--config[\s=]/.test(analyze));
  });
});
