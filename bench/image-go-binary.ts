/**
 * Benchmark: what judging the Go binary inside an image costs (config `imageBinaries`
 * of the Go version rules), on a registry on 127.0.0.1 (no network latency: these are
 * the reader's own costs). The sample service (`examples/http-service`, go1.27.4,
 * linux/amd64) packed three ways:
 * - as buildGoImage makes it (base root filesystem layer, application layer);
 * - on top of a 64 MiB incompressible base layer: the entrypoint is in the top layer,
 *   so the base layer is never downloaded;
 * - the same, with an entrypoint that is not a Go binary: the fallback reads every layer.
 * Per case: the Go version rules (all six, sharing one read) through checkResources,
 * cold (the image's first read; each run a new digest) and cached (the same image
 * again), and the bytes downloaded. Writes bench/results/image-go-binary.json.
 * Run: npm run bench -- image-go-binary
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";
import { gzipSync } from "fflate";
import { pack } from "tar-stream";
import { buildGo, goMetadata, resolveGoBuild } from "../components/go";
import { buildGoImage, OCI_LAYER_GZIP, OCI_MANIFEST, pushImage, type Blob, type OciImage } from "../components/supplychain";
import { imageBinariesOf } from "../policies/image-binaries";
import { checkResources, goVersionPolicies, type ResourceToCheck } from "../policies/index";
import { startRegistry } from "../tests/harness/registry";

const repo = path.resolve(__dirname, "..", "..");
const RUNS = 5;

const blobOf = (mediaType: string, data: Buffer): Blob => ({ mediaType, digest: `sha256:${createHash("sha256").update(data).digest("hex")}`, size: data.length, data });

async function tarOf(name: string, data: Buffer): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => {
    tar.on("end", resolve);
  });
  tar.entry({ name, mode: 0o644, mtime: new Date(0) }, data);
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** `image` with `below` as its bottom layers, its run config changed by `change`. */
function restack(image: OciImage, below: { tar: Buffer; blob: Blob }[], change: (config: Record<string, unknown>) => void): OciImage {
  const whole = JSON.parse(image.config.data.toString("utf8")) as { config: Record<string, unknown>; rootfs: { diff_ids: string[] } };
  change(whole.config);
  whole.rootfs.diff_ids = [...below.map((b) => `sha256:${createHash("sha256").update(b.tar).digest("hex")}`), ...whole.rootfs.diff_ids];
  const config = blobOf(image.config.mediaType, Buffer.from(JSON.stringify(whole)));
  const layers = [...below.map((b) => b.blob), ...image.layers];
  const manifest = blobOf(OCI_MANIFEST, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: config.mediaType, digest: config.digest, size: config.size }, layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })) })));
  return { manifest, config, layers };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "goplatform-bench-image-"));
  const registry = await startRegistry();
  try {
    const host = registry.host;
    const built = await buildGo(resolveGoBuild({ source: path.join(repo, "examples", "http-service"), asOf: "2026-11-23", arch: "amd64", binaryName: "server", outDir: path.join(work, "out") }));
    const filler = await tarOf("var/lib/filler.bin", randomBytes(64 * 1024 * 1024));
    const base = { tar: filler, blob: blobOf(OCI_LAYER_GZIP, Buffer.from(gzipSync(filler, { level: 1 }))) };
    const imageBinaries = { prefixes: [host], insecureRegistries: [host] };
    const config = Object.fromEntries(goVersionPolicies.map((p) => [p.name, { asOf: "2026-11-23", imageBinaries }]));
    const cases: { case: string; make: (run: number) => Promise<OciImage> }[] = [
      { case: "buildGoImage image (base root filesystem + application layer)", make: (run) => buildGoImage({ binary: built.binary, arch: "amd64", goVersion: "1.27.4", goModule: built.module, env: [`RUN=${String(run)}`] }) },
      {
        case: "application layer on a 64 MiB incompressible base layer (entrypoint on top)",
        make: async (run) =>
          restack(await buildGoImage({ binary: built.binary, arch: "amd64", goVersion: "1.27.4", goModule: built.module }), [base], (c) => {
            c.Env = [`RUN=${String(run)}`];
          }),
      },
      {
        case: "same, entrypoint not a Go binary (fallback reads every layer)",
        make: async (run) =>
          restack(await buildGoImage({ binary: built.binary, arch: "amd64", goVersion: "1.27.4", goModule: built.module }), [base], (c) => {
            c.Entrypoint = ["/bin/sh", "-c", "exec /app/server"];
            c.Env = [`RUN=${String(run)}`];
          }),
      },
    ];
    const results = [];
    for (const { case: name, make } of cases) {
      const cold: number[] = [];
      const cached: number[] = [];
      let bytesRead = 0;
      let imageBytes = 0;
      let violations = -1;
      for (let run = 0; run < RUNS; run++) {
        const image = await make(run);
        imageBytes = image.manifest.size + image.config.size + image.layers.reduce((s, l) => s + l.size, 0);
        const { reference } = await pushImage(image, { registry: host, repository: "bench/api", insecure: true });
        const resource: ResourceToCheck = {
          type: "kubernetes:apps/v1:Deployment",
          name: "api",
          props: { metadata: { labels: goMetadata("1.27.4", built.module) }, spec: { template: { spec: { containers: [{ name: "api", image: reference }] } } } },
        };
        let start = process.hrtime.bigint();
        violations = (await checkResources([resource], config, goVersionPolicies)).length;
        cold.push(Number(process.hrtime.bigint() - start) / 1e6);
        start = process.hrtime.bigint();
        await checkResources([resource], config, goVersionPolicies);
        cached.push(Number(process.hrtime.bigint() - start) / 1e6);
        const [read] = await imageBinariesOf(resource.type, resource.props, imageBinaries);
        bytesRead = read?.read.bytesRead ?? NaN;
        if (read === undefined || read.read.binaries.length !== 1 || read.read.problems.length > 0) throw new Error(`${name}: expected one Go binary, got ${JSON.stringify(read?.read.problems)}`);
      }
      results.push({
        case: name,
        runs: RUNS,
        coldMilliseconds: +median(cold).toFixed(1),
        coldMillisecondsAll: cold.map((x) => +x.toFixed(1)),
        cachedMilliseconds: +median(cached).toFixed(3),
        imageBytes,
        bytesRead,
        violations,
      });
    }
    const record = { benchmark: "image-go-binary", date: new Date().toISOString(), machine: `${process.platform}/${process.arch}, ${String(cpus().length)} cores`, node: process.version, registry: "go-containerregistry registry on 127.0.0.1 (in memory)", results };
    writeFileSync(path.join(repo, "bench", "results", "image-go-binary.json"), `${JSON.stringify(record, null, 2)}\n`);
    console.table(results.map((r) => ({ case: r.case, coldMs: r.coldMilliseconds, cachedMs: r.cachedMilliseconds, imageBytes: r.imageBytes, bytesRead: r.bytesRead })));
  } finally {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
