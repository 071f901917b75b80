/**
 * goplatform as a Pulumi component package: `npm pack` it as npm would publish it,
 * and run the real CLI's `pulumi package get-schema` on the plugin in the packed
 * package. The schema it infers from the shipped TypeScript sources must equal the
 * checked-in provider/schema.json (so a component whose args change without
 * `npm run schema` fails here), list every component under goplatform:index and
 * describe every input.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as goplatform from "../../components";
import { REPO_ROOT, toolchain } from "../harness/pulumi-cli";

interface SchemaProperty {
  description?: string;
  $ref?: string;
  type?: string;
}
interface Schema {
  name: string;
  version: string;
  resources: Record<string, { isComponent?: boolean; inputProperties?: Record<string, SchemaProperty>; requiredInputs?: string[]; properties: Record<string, SchemaProperty> }>;
  types: Record<string, { properties?: Record<string, SchemaProperty>; required?: string[]; enum?: unknown[] }>;
}

const CHECKED_IN = path.join(REPO_ROOT, "provider", "schema.json");

/** `pulumi package get-schema` on the plugin executable in `packageDir`. */
export function getSchema(packageDir: string): Schema {
  const pulumi = path.join(toolchain(), "pulumi");
  const out = execFileSync(pulumi, ["package", "get-schema", path.join(packageDir, "provider", "pulumi-resource-goplatform")], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Schema;
}

describe("goplatform as a component package (pulumi package get-schema on the packed plugin)", function () {
  this.timeout(1_800_000);
  let work: string;
  let packed: string;
  let schema: Schema;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-component-package-"));
    const info = (JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as { filename: string }[])[0];
    assert.ok(info);
    execFileSync("tar", ["-xzf", path.join(work, info.filename), "-C", work]);
    packed = path.join(work, "package");
    // The packed package's dependencies, as an install next to it would provide them.
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(work, "node_modules"));
    schema = getSchema(packed);
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("ships an executable plugin, the compiled components and the TypeScript sources", () => {
    assert.ok((statSync(path.join(packed, "provider", "pulumi-resource-goplatform")).mode & 0o111) !== 0, "the launcher is executable");
    for (const f of ["provider/provider.js", "provider/package.json", "provider/tsconfig.json", "provider/schema.json", "dist/components/index.js", "components/index.ts", "components/cluster/contract.ts"]) {
      assert.ok(statSync(path.join(packed, f)).isFile(), `${f} is packed`);
    }
  });

  it("the inferred schema is the checked-in provider/schema.json (run `npm run schema` after changing a component)", () => {
    assert.deepEqual(schema, JSON.parse(readFileSync(CHECKED_IN, "utf8")) as Schema);
  });

  it("lists every goplatform component under goplatform:index, at the package's version", () => {
    const names = getPulumiComponents(goplatform).map((c) => c.name).sort();
    assert.ok(names.length >= 14, names.join(", "));
    assert.deepEqual(Object.keys(schema.resources).sort(), names.map((n) => `goplatform:index:${n}`));
    assert.ok(Object.values(schema.resources).every((r) => r.isComponent === true));
    assert.equal(schema.version, (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version);
  });

  it("describes every input and every field of every type, and says what an optional input defaults to", () => {
    const missing: string[] = [];
    const noDefault: string[] = [];
    for (const [token, resource] of Object.entries(schema.resources)) {
      for (const [name, property] of Object.entries(resource.inputProperties ?? {})) {
        if (!property.description) missing.push(`${token}.${name}`);
        else if (!(resource.requiredInputs ?? []).includes(name) && !/Default/.test(property.description)) noDefault.push(`${token}.${name}`);
      }
    }
    for (const [token, type] of Object.entries(schema.types)) {
      for (const [name, property] of Object.entries(type.properties ?? {})) if (!property.description) missing.push(`${token}.${name}`);
    }
    assert.deepEqual(missing, [], "inputs without a description");
    assert.deepEqual(noDefault, [], "optional inputs whose description does not state the default");
  });

  it("a component whose args change without the schema fails the comparison (the check can fail)", () => {
    const drifted = path.join(work, "drifted");
    cpSync(packed, drifted, { recursive: true });
    const existing = path.join(drifted, "components", "cluster", "existing.ts");
    const source = readFileSync(existing, "utf8").replace("export interface ExistingClusterArgs {", "export interface ExistingClusterArgs {\n  /** A field added without regenerating the schema. */\n  driftedField?: string;");
    rmSync(existing);
    appendFileSync(existing, source);
    const regenerated = getSchema(drifted);
    assert.ok(regenerated.resources["goplatform:index:ExistingCluster"]?.inputProperties?.driftedField !== undefined);
    assert.notDeepEqual(regenerated, JSON.parse(readFileSync(CHECKED_IN, "utf8")) as Schema);
  });
});
