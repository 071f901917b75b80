// Every example stack under stacks/ runs under mocks and passes the policy pack.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { checkResources } from "../../policies/index";
import { program } from "../../stacks/program";
import { runUnderMocks } from "../harness/mocks";

const stacksDir = path.resolve(__dirname, "..", "..", "..", "stacks");
const stacks = readdirSync(stacksDir)
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .map((f) => f.replace(/^Pulumi\.|\.yaml$/g, ""));

describe("example stacks", function () {
  this.timeout(600_000);

  it("include local, aws-dev and gcp-dev", () => {
    for (const stack of ["local", "aws-dev", "gcp-dev"]) assert.ok(stacks.includes(stack), stacks.join(", "));
  });

  for (const stack of stacks) {
    it(`${stack}: runs under mocks with no mandatory policy violation`, async () => {
      const doc = parse(readFileSync(path.join(stacksDir, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
      const config = Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k, String(v)]));
      // As a preview: nothing is pushed or deployed.
      const { resources } = await runUnderMocks(program, { stack, config, preview: true });
      assert.ok(resources.all.some((r) => r.type.startsWith("goplatform:")), "the stack uses goplatform components");
      const toCheck = resources.all.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }));
      const asOf = { asOf: "2026-11-23" };
      const violations = await checkResources(toCheck, { "go-version-supported": asOf, "go-patch-level": asOf });
      assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), []);
      if (stack !== "local") {
        // The Go workloads record their toolchain, so the policies above had something to judge.
        const recorded = JSON.stringify(toCheck.map((r) => r.props));
        assert.match(recorded, /"goplatform\.dev\/go-version":"go1\.27\.4"|"goplatform-go-version":"go1_27_4"/);
      }
    });
  }

  it("refuses an unknown target, naming the config key", async () => {
    await assert.rejects(runUnderMocks(program, { config: { target: "mars" } }), /config goplatform:target: invalid value "mars"; expected one of local, aws, gcp/);
  });
});
