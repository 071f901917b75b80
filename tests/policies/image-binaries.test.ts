// How the image binary reader finds the entrypoint in an image's layers: paths, PATH
// lookup, whiteouts, opaque directories, links, the fallback to other Go binaries, and
// that it stops at the first layer that decides. Real tar streams, a real Go binary.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pack, type Header } from "tar-stream";
import { buildGo, resolveGoBuild } from "../../components/go";
import { entrypointCandidates, goBinariesOfLayers, indexLayer, normalisePath, resolvePath, type ImageRunConfig, type LayerIndex } from "../../policies/image-binaries";

type Entry = Partial<Header> & { name: string; data?: Buffer };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => tar.on("end", resolve));
  for (const { data, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      tar.entry({ mode: 0o755, ...header }, data ?? Buffer.alloc(0), (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

const layer = async (entries: Entry[], maxFileBytes = 1 << 30): Promise<LayerIndex> => indexLayer(Readable.from(await tarOf(entries)), maxFileBytes);

describe("policies: reading the Go binary out of image layers", function () {
  this.timeout(600_000);
  let work: string;
  let go: Buffer;
  const script = Buffer.from("#!/bin/sh\nexec /app/server\n");

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-image-layers-"));
    const source = path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "go", "hello");
    const built = await buildGo(resolveGoBuild({ source, asOf: "2026-11-23", arch: "amd64", binaryName: "server", outDir: path.join(work, "out") }));
    go = readFileSync(built.binary);
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs the reader over layers given bottom first; returns what it found and which layers it opened. */
  const judge = async (config: ImageRunConfig, layers: LayerIndex[]) => {
    const opened: number[] = [];
    const result = await goBinariesOfLayers(config, layers.length, (i) => {
      opened.push(i);
      return Promise.resolve(layers[i] as LayerIndex);
    }, "linux/amd64");
    return { found: result.binaries.map((b) => [b.path, b.entrypoint, b.info.goVersion]), problem: result.problem, opened };
  };

  it("normalises paths inside the root (.. stops at /)", () => {
    assert.equal(normalisePath("/app/./server"), "app/server");
    assert.equal(normalisePath("../../x", "a"), "x");
    assert.equal(normalisePath("bin/app", "srv/"), "srv/bin/app");
    assert.equal(normalisePath("/abs", "srv"), "abs");
  });

  it("finds the entrypoint the way the runtime does: absolute, relative to WorkingDir, or on PATH; Entrypoint before Cmd", () => {
    assert.deepEqual(entrypointCandidates({ Entrypoint: ["/app/server", "--flag"], Cmd: ["/other"] }), { program: "/app/server", paths: ["app/server"] });
    assert.deepEqual(entrypointCandidates({ Entrypoint: ["./bin/api"], WorkingDir: "/srv" }), { program: "./bin/api", paths: ["srv/bin/api"] });
    assert.deepEqual(entrypointCandidates({ Entrypoint: [], Cmd: ["../tool"], WorkingDir: "/opt/x" }), { program: "../tool", paths: ["opt/tool"] });
    assert.deepEqual(entrypointCandidates({ Entrypoint: null, Cmd: ["server"], Env: ["PATH=/usr/bin", "PATH=/app:bin"], WorkingDir: "/w" }), { program: "server", paths: ["app/server", "w/bin/server"] });
    assert.deepEqual(entrypointCandidates({ Cmd: ["server"] }).paths, ["usr/local/sbin/server", "usr/local/bin/server", "usr/sbin/server", "usr/bin/server", "sbin/server", "bin/server"]);
    assert.deepEqual(entrypointCandidates({}), { paths: [] });
  });

  it("stops at the first layer from the top that holds the entrypoint: lower layers are never opened", async () => {
    const base = await layer([{ name: "app/server", data: script }]);
    const top = await layer([{ name: "app/", type: "directory" }, { name: "app/server", data: go }]);
    assert.deepEqual(await judge({ Entrypoint: ["/app/server"] }, [base, base, top]), { found: [["/app/server", true, "go1.27.4"]], problem: undefined, opened: [2] });
  });

  it("reads down the layers until one decides, and looks the program up on PATH in order", async () => {
    const bottom = await layer([{ name: "usr/bin/server", data: go }]);
    const middle = await layer([{ name: "etc/motd", data: Buffer.from("hi") }]);
    const top = await layer([{ name: "tmp/", type: "directory" }]);
    assert.deepEqual(await judge({ Cmd: ["server"], Env: ["PATH=/app:/usr/bin"] }, [bottom, middle, top]), { found: [["/usr/bin/server", true, "go1.27.4"]], problem: undefined, opened: [2, 1, 0] });
  });

  it("honours whiteouts and opaque directories: a deleted entrypoint is not judged", async () => {
    const base = await layer([{ name: "app/server", data: go }]);
    const deleted = await layer([{ name: "app/.wh.server" }]);
    assert.deepEqual(await judge({ Entrypoint: ["/app/server"] }, [base, deleted]), {
      found: [],
      problem: "its entrypoint /app/server is not there (/app/server is deleted by a whiteout), and no other file in it is a Go executable",
      opened: [1, 0],
    });
    const opaque = await layer([{ name: "app/", type: "directory" }, { name: "app/.wh..wh..opq" }, { name: "app/README", data: Buffer.from("x") }]);
    assert.equal((await judge({ Entrypoint: ["/app/server"] }, [base, opaque])).problem, "its entrypoint /app/server is not there (/app/server is not in the image (/app is an opaque directory above it)), and no other file in it is a Go executable");
    const dirGone = await layer([{ name: ".wh.app" }]);
    assert.deepEqual((await judge({ Entrypoint: ["/app/server"] }, [base, dirGone])).found, []);
    // Deleted and written again in the same layer: the layer's own file counts.
    const rewritten = await layer([{ name: "app/.wh..wh..opq" }, { name: "app/server", data: go }]);
    assert.deepEqual((await judge({ Entrypoint: ["/app/server"] }, [await layer([{ name: "app/server", data: script }]), rewritten])).found, [["/app/server", true, "go1.27.4"]]);
  });

  it("follows symbolic links (relative, absolute, a linked directory) and hard links, across layers", async () => {
    const real = await layer([{ name: "usr/local/bin/real", data: go }]);
    const relative = await layer([{ name: "app/server", type: "symlink", linkname: "../usr/local/bin/real" }]);
    assert.deepEqual(await judge({ Entrypoint: ["/app/server"] }, [real, relative]), { found: [["/usr/local/bin/real", true, "go1.27.4"]], problem: undefined, opened: [1, 0] });
    const absolute = await layer([{ name: "app/server", type: "symlink", linkname: "/usr/local/bin/real" }]);
    assert.deepEqual((await judge({ Entrypoint: ["/app/server"] }, [real, absolute])).found, [["/usr/local/bin/real", true, "go1.27.4"]]);
    const usrMerge = await layer([{ name: "bin", type: "symlink", linkname: "usr/local/bin" }]);
    assert.deepEqual((await judge({ Entrypoint: ["/bin/real"] }, [real, usrMerge])).found, [["/usr/local/bin/real", true, "go1.27.4"]]);
    const hard = await layer([{ name: "opt/go", data: go }, { name: "app/server", type: "link", linkname: "opt/go" }]);
    assert.deepEqual((await judge({ Entrypoint: ["/app/server"] }, [hard])).found, [["/opt/go", true, "go1.27.4"]]);
    const loop = await layer([{ name: "a", type: "symlink", linkname: "b" }, { name: "b", type: "symlink", linkname: "a" }]);
    assert.deepEqual(resolvePath([loop], true, "a"), { missing: "/b: too many levels of symbolic links" });
  });

  it("falls back to every Go executable visible in the image when the entrypoint is not Go, skipping overwritten ones", async () => {
    const base = await layer([{ name: "usr/bin/tool", data: go }, { name: "usr/bin/old", data: go }, { name: "bin/sh", data: Buffer.from("\x7fELF not really") }]);
    const top = await layer([{ name: "usr/bin/old", data: Buffer.from("replaced") }, { name: "entrypoint.sh", data: script }]);
    assert.deepEqual(await judge({ Entrypoint: ["/entrypoint.sh"] }, [base, top]), { found: [["/usr/bin/tool", false, "go1.27.4"]], problem: undefined, opened: [1, 0] });
  });

  it("explains why nothing was found: no entrypoint, not an executable, too large", async () => {
    const empty = await layer([{ name: "etc/", type: "directory" }]);
    assert.equal((await judge({}, [empty])).problem, "it sets no Entrypoint or Cmd, and no other file in it is a Go executable");
    assert.equal((await judge({ Cmd: ["server"], Env: ["PATH=/app:/"] }, [empty])).problem, "its entrypoint server is not there (it is in none of the PATH directories (/app:/)), and no other file in it is a Go executable");
    const big = await layer([{ name: "app/server", data: go }], 1024);
    assert.equal((await judge({ Entrypoint: ["/app/server"] }, [big])).problem, `its entrypoint /app/server (/app/server) is not a Go executable (it is ${String(go.length)} bytes, more than maxImageBytes), and no other file in it is a Go executable`);
    assert.equal((await judge({ Entrypoint: ["/app/server"] }, [])).problem, "its entrypoint /app/server is not there (the image has no layers), and no other file in it is a Go executable");
  });
});
