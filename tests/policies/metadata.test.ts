/**
 * Every policy in the catalog explains its findings: a severity, remediation steps a
 * person can follow, and a url whose anchor is in README.md's Policy catalog, where
 * the same steps are written out. The checks run against the catalog and the README,
 * and against doctored copies of both to show they fail.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Severity } from "@pulumi/policy";
import { goplatformPolicies, type GoplatformPolicy } from "../../policies/catalog";
import { REPOSITORY_URL } from "../../policies/docs";
import { REPO_ROOT } from "../harness/pulumi-cli";

const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

/** README.md's "## Policy catalog" section, up to the next `## ` heading. */
function catalogSection(readme: string): string {
  const start = readme.indexOf("\n## Policy catalog\n");
  assert.notEqual(start, -1, "README.md has a ## Policy catalog section");
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** What is missing or wrong in one policy's metadata against the README's catalog section; empty when it is complete. */
function metadataProblems(policy: GoplatformPolicy, catalog: string): string[] {
  const problems: string[] = [];
  if (policy.severity === undefined || !SEVERITIES.includes(policy.severity)) problems.push(`severity is ${JSON.stringify(policy.severity)}; expected one of ${SEVERITIES.join(", ")}`);
  const steps = policy.remediationSteps?.trim() ?? "";
  if (steps.length < 40) problems.push(`remediationSteps is ${JSON.stringify(policy.remediationSteps)}; expected steps a person can follow`);
  // README markdown would swallow a <placeholder> outside backticks as an HTML tag.
  if (/</.test(steps.replace(/`[^`]*`/g, ""))) problems.push("remediationSteps has a <placeholder> outside backticks");
  const anchor = `policy-${policy.name}`;
  if (policy.url !== `${REPOSITORY_URL}#${anchor}`) problems.push(`url is ${JSON.stringify(policy.url)}; expected ${REPOSITORY_URL}#${anchor}`);
  const entry = catalog.split("\n").find((line) => line.includes(`<a id="${anchor}"></a>`));
  if (entry === undefined) problems.push(`README.md's Policy catalog has no <a id="${anchor}"></a>`);
  else if (entry !== `- <a id="${anchor}"></a>\`${policy.name}\` (${String(policy.severity)}): ${steps}`) problems.push(`README.md's entry for ${policy.name} does not show its severity and remediation steps:\n${entry}`);
  if (policy.displayName === undefined || policy.displayName === "") problems.push("displayName is empty");
  if (policy.tags === undefined || policy.tags.length === 0) problems.push("tags are empty");
  return problems;
}

describe("policy metadata (severity, remediation steps, README url)", () => {
  const catalog = catalogSection(readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"));

  it("the catalog holds policies, each named once", () => {
    const names = goplatformPolicies.map((p) => p.name);
    assert.ok(names.length > 0);
    assert.equal(new Set(names).size, names.length);
  });

  for (const policy of goplatformPolicies) {
    it(`${policy.name} has a severity, remediation steps and a url whose anchor the README's Policy catalog has`, () => {
      assert.deepEqual(metadataProblems(policy, catalog), []);
    });
  }

  it("every anchor in the README's Policy catalog belongs to a policy (no stale entries)", () => {
    const anchors = [...catalog.matchAll(/<a id="policy-([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]);
    assert.deepEqual([...anchors].sort(), goplatformPolicies.map((p) => p.name).sort());
  });

  describe("the check fails", () => {
    const policy = goplatformPolicies[0];
    assert.ok(policy !== undefined);

    it("for a policy without severity or remediation steps", () => {
      const problems = metadataProblems({ ...policy, severity: undefined, remediationSteps: undefined }, catalog);
      assert.ok(problems.some((p) => p.startsWith("severity is undefined; expected one of low, medium, high, critical")), problems.join("\n"));
      assert.ok(problems.some((p) => p.startsWith("remediationSteps is undefined")), problems.join("\n"));
    });

    it("for a url whose anchor the README lacks", () => {
      const problems = metadataProblems({ ...policy, name: "no-such-policy", url: `${REPOSITORY_URL}#policy-no-such-policy` }, catalog);
      assert.ok(problems.includes('README.md\'s Policy catalog has no <a id="policy-no-such-policy"></a>'), problems.join("\n"));
    });

    it("for a url that is not the policy's README anchor", () => {
      const problems = metadataProblems({ ...policy, url: "https://example.com/elsewhere" }, catalog);
      assert.ok(problems.some((p) => p.startsWith('url is "https://example.com/elsewhere"')), problems.join("\n"));
    });

    it("for README steps that drifted from the policy's", () => {
      const problems = metadataProblems({ ...policy, remediationSteps: `${policy.remediationSteps ?? ""} Then also something else.` }, catalog);
      assert.ok(problems.some((p) => p.startsWith(`README.md's entry for ${policy.name} does not show`)), problems.join("\n"));
    });

    it("for a <placeholder> markdown would hide", () => {
      const problems = metadataProblems({ ...policy, remediationSteps: "Reference the image as registry/repository@sha256:<digest> and redeploy it." }, catalog);
      assert.ok(problems.includes("remediationSteps has a <placeholder> outside backticks"), problems.join("\n"));
    });
  });
});
