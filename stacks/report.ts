/**
 * The end of `npm start`: what `pulumi up` made on the `local` stack and where, read
 * back through the CLI (scripts/start.sh runs this with scripts/env.sh's environment).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const pulumi = (...args: string[]): string => execFileSync("pulumi", [...args, "--stack", "local", "--non-interactive"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const deployment = JSON.parse(pulumi("stack", "export")) as { deployment: { resources?: { type: string }[] } };
const resources = deployment.deployment.resources ?? [];
const components = resources.filter((r) => r.type.startsWith("goplatform:")).map((r) => r.type.split(":").at(-1) ?? r.type);
const objects = resources.filter((r) => r.type.startsWith("kubernetes:")).length;

console.log(`
start: stack local holds ${resources.length} resources (state in .pulumi/state), ${objects} of them Kubernetes objects
  on the local control plane (.pulumi/cluster; stop it with: npm stop):
  goplatform components: ${[...new Set(components)].sort().join(", ")}
start: look at them, and at the stack, from your shell:
  source scripts/env.sh            # the built pulumi and kubectl on PATH, KUBECONFIG, the local file backend
  kubectl get pipelines,applications,prometheusrules,clusterimagepolicies -A
  pulumi preview --stack local     # no changes
  pulumi stack output --stack local
  pulumi preview --stack local --policy-pack policy-pack
  pulumi destroy --stack local
  (or without sourcing: npm run pulumi -- preview --stack local)`);
