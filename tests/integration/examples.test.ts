// The sample Go modules: their own `go test`s, and the HTTP service as the build helper builds it.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildGo, resolveGoBuild } from "../../components/go";

const examples = path.resolve(__dirname, "..", "..", "..", "examples");
// The Go modules among the examples (examples/ci holds CI files, not Go).
const modules = readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(examples, d.name, "go.mod"))).map((d) => d.name);

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => { resolve(typeof address === "object" && address !== null ? address.port : 0); });
    });
  });

async function getUntilUp(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("examples", function () {
  this.timeout(600_000);

  for (const name of modules) {
    it(`${name}: go test passes`, () => {
      execFileSync("go", ["test", "./..."], { cwd: path.join(examples, name), env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" }, stdio: "pipe" });
    });
  }

  it("http-service, as built, answers health, readiness and /metrics with go_info", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "goplatform-http-"));
    const built = await buildGo(resolveGoBuild({ source: path.join(examples, "http-service"), arch: process.arch === "arm64" ? "arm64" : "amd64", binaryName: "server", outDir: work, asOf: "2026-11-23" }));
    const port = await freePort();
    const child = spawn(built.binary, [], { env: { PATH: process.env.PATH, PORT: String(port) }, stdio: "ignore" });
    try {
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await getUntilUp(`${base}/healthz`, Date.now() + 30_000)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      assert.equal(await (await fetch(`${base}/?name=gopher`)).text(), "hello, gopher\n");
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /^go_info\{version="go1\.27\.4"\} 1$/m);
      assert.match(metrics, /^process_open_fds \d+/m);
    } finally {
      child.kill();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
