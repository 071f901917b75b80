/** `npm start`: a real `pulumi up` of the example program on the embedded `local` stack. */
import * as path from "node:path";
import { program } from "./program";
import { engineStack, REPO_ROOT } from "./engine";

async function main(): Promise<void> {
  const stack = await engineStack({ stackName: "local", program: () => Promise.resolve(program()) });
  console.log(`start: pulumi up on stack local (state in .pulumi/state)`);
  const result = await stack.up({ onOutput: (out) => process.stdout.write(out) });
  const renderDirectory = String(result.outputs.renderDirectory?.value ?? "");
  console.log(`start: ${result.summary.result}; rendered Kubernetes manifests are in ${path.resolve(REPO_ROOT, renderDirectory)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
