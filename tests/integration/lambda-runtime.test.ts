/**
 * The sample handler, as the build helper builds it, answers an invocation through
 * the Lambda Runtime API. The AWS Runtime Interface Emulator is not available from
 * the Go module proxy here, so the test serves the documented Runtime API
 * (GET …/invocation/next, POST …/invocation/{id}/response) on 127.0.0.1 itself.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildGo, resolveGoBuild } from "../../components/go";

const repo = path.resolve(__dirname, "..", "..", "..");
const hostArch = process.arch === "arm64" ? "arm64" : "amd64";

const body = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

describe("Lambda handler through the Runtime API", function () {
  this.timeout(600_000);
  let work: string;
  let server: Server | undefined;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-lambda-"));
  });
  after(() => {
    server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("returns the greeting and the toolchain it was built with", async () => {
    const built = await buildGo(resolveGoBuild({ source: path.join(repo, "examples", "lambda-hello"), arch: hostArch, tags: ["lambda.norpc"], outDir: work, asOf: "2026-11-23" }));
    const event = JSON.stringify({ name: "gopher" });
    let served = false;
    const response = new Promise<{ requestId: string; payload: string }>((resolve, reject) => {
      server = createServer((req, res) => {
        void (async () => {
          if (req.method === "GET" && req.url === "/2018-06-01/runtime/invocation/next" && !served) {
            served = true;
            res.writeHead(200, {
              "Content-Type": "application/json",
              "Lambda-Runtime-Aws-Request-Id": "req-1",
              "Lambda-Runtime-Deadline-Ms": String(Date.now() + 60_000),
              "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:eu-west-1:123456789012:function:hello",
            });
            res.end(event);
            return;
          }
          const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(req.url ?? "");
          if (req.method === "POST" && match !== null) {
            const payload = await body(req);
            res.writeHead(202).end();
            if (match[2] === "error") reject(new Error(`handler error: ${payload}`));
            else resolve({ requestId: match[1] ?? "", payload });
            return;
          }
          // A second /next: hold it open, as Lambda does while no event waits.
          if (req.url === "/2018-06-01/runtime/invocation/next") return;
          res.writeHead(404).end();
        })();
      });
      server.listen(0, "127.0.0.1");
    });
    await new Promise<void>((resolve) => server?.once("listening", resolve));
    const port = (server?.address() as AddressInfo).port;
    const child = spawn(built.binary, [], {
      env: { PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, _HANDLER: "bootstrap", AWS_LAMBDA_FUNCTION_NAME: "hello", AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const { requestId, payload } = await response;
      assert.equal(requestId, "req-1");
      assert.deepEqual(JSON.parse(payload), { message: "hello, gopher", goVersion: "go1.27.4" });
    } finally {
      child.kill();
    }
  });
});
