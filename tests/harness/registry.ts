/**
 * An OCI registry on 127.0.0.1 for a test (go-containerregistry's registry, built by
 * scripts/toolchain.sh): a free port chosen by the registry itself, data in memory,
 * gone when `stop` is called.
 */
import { spawn } from "node:child_process";
import { toolchain } from "./pulumi-cli";

export interface LoopbackRegistry {
  /** `127.0.0.1:<port>`, the host part of image references. */
  readonly host: string;
  readonly port: number;
  stop(): void;
}

export async function startRegistry(): Promise<LoopbackRegistry> {
  const registry = spawn(toolchain("registry"), ["-port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    let log = "";
    registry.stderr.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const m = /serving on port (\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    registry.on("exit", (code) => {
      reject(new Error(`registry exited (${String(code)}): ${log}`));
    });
  });
  return { host: `127.0.0.1:${String(port)}`, port, stop: () => registry.kill() };
}
