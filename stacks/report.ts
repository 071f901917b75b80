/**
 * The end of `npm start`: what `pulumi up` made on the `local` stack and where, read
 * back through the CLI (scripts/start.sh runs this with scripts/env.sh's environment).
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const pulumi = (...args: string[]): string => execFileSync("pulumi", [...args, "--stack", "local", "--non-interactive"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const outputs = JSON.parse(pulumi("stack", "output", "--json")) as Record<string, unknown>;
const deployment = JSON.parse(pulumi("stack", "export")) as { deployment: { resources?: { type: string }[] } };
const resources = deployment.deployment.resources ?? [];
const components = resources.filter((r) => r.type.startsWith("goplatform:")).map((r) => r.type.split(":").at(-1) ?? r.type);
const renderDirectory = typeof outputs.renderDirectory === "string" ? outputs.renderDirectory : "";
const manifests = renderDirectory === "" ? [] : readdirSync(renderDirectory, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

const rel = (p: string): string => path.relative(root, p) || ".";
console.log(`
start: stack local holds ${resources.length} resources (state in ${rel(path.join(root, ".pulumi", "state"))}):
  goplatform components: ${[...new Set(components)].sort().join(", ")}
start: ${manifests.length} Kubernetes manifests rendered into ${rel(renderDirectory)}/
start: the same stack from your shell:
  source scripts/env.sh            # puts the built pulumi on PATH, selects the local file backend
  pulumi preview --stack local     # no changes
  pulumi stack output --stack local
  pulumi preview --stack local --policy-pack policy-pack
  pulumi destroy --stack local
  (or without sourcing: npm run pulumi -- preview --stack local)`);
