// Packs goplatform as npm would publish it, installs the tarball into a throwaway
// Pulumi program and type-checks imports of all three entry points there.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");
const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("package: npm pack and install into a separate program", function () {
  this.timeout(300_000);
  let work: string;
  let tarball: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-pack-"));
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root)) as { filename: string; files: { path: string }[] }[];
    const info = packed[0];
    assert.ok(info);
    tarball = path.join(work, info.filename);
    const files = info.files.map((f) => f.path);
    assert.ok(files.includes("dist/components/index.js"), "components entry is packed");
    assert.ok(files.includes("dist/components/go/index.d.ts"), "go entry declarations are packed");
    assert.ok(files.includes("dist/components/go/release-data.json"), "release table is packed");
    assert.ok(files.includes("dist/policies/index.d.ts"), "policies entry declarations are packed");
    assert.deepEqual(files.filter((f) => f.startsWith("dist/tests") || f.startsWith("dist/stacks") || f.startsWith("tests/")), [], "no tests or demo program in the package");
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("installs the tarball and type-checks goplatform, goplatform/go and goplatform/policies", () => {
    const program = path.join(work, "consumer");
    execFileSync("mkdir", ["-p", program]);
    writeFileSync(
      path.join(program, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies: { goplatform: `file:${tarball}` } }, null, 2),
    );
    writeFileSync(
      path.join(program, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "node16", moduleResolution: "node16", target: "ES2022", skipLibCheck: true, types: [] }, files: ["index.ts"] }),
    );
    writeFileSync(
      path.join(program, "index.ts"),
      [
        'import * as gp from "goplatform";',
        'import { goReleases, parseGoVersion, type GoVersion } from "goplatform/go";',
        'import { checkResources, goplatformPolicies } from "goplatform/policies";',
        "const v: GoVersion = parseGoVersion('go1.27.4');",
        "const lines: readonly string[] = goReleases.supportedLines('2026-11-23');",
        "const alerts = new gp.GoRuntimeAlerts('alerts', { namespace: 'monitoring' });",
        "void checkResources([], {}, goplatformPolicies);",
        "export const out = { v, lines, alerts: alerts.alerts, gp: gp.go.goMetadata(v) };",
        "",
      ].join("\n"),
    );
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], program);
    assert.ok(readdirSync(path.join(program, "node_modules", "goplatform", "dist")).includes("components"));
    run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], program);
  });

  it("fails to type-check a wrong import there (the check can fail)", () => {
    const program = path.join(work, "consumer");
    writeFileSync(path.join(program, "index.ts"), 'import { noSuchExport } from "goplatform/go";\nexport const x = noSuchExport;\n');
    assert.throws(
      () => run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], program),
      (err: { stdout?: string }) => /has no exported member 'noSuchExport'/.test(err.stdout ?? ""),
    );
  });
});
