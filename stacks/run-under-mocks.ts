/**
 * Runs the example program for one stack under Pulumi's mocks (no engine, no
 * providers) and prints the resource graph it would register. Used by `npm start`
 * while no Pulumi CLI is available; it proves the program's logic, not a deploy.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { runUnderMocks } from "../tests/harness/mocks";
import { program } from "./program";

async function main(stack: string): Promise<void> {
  const file = path.join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`);
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config = Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k, String(v)]));
  const { resources } = await runUnderMocks(program, { project: "goplatform", stack, config });
  console.log(`UNDER MOCKS: stack ${stack} ran without a Pulumi engine; nothing was deployed or rendered.`);
  console.log(`It would register ${resources.all.length} resources:`);
  for (const r of resources.all) {
    const depth = r.urn.split("::")[2]?.split("$").length ?? 1;
    console.log(`${"  ".repeat(depth)}${r.type}  ${r.name}`);
  }
}

main(process.argv[2] ?? "local").catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
