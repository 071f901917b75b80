// Daemonless image build and push against a real OCI registry on 127.0.0.1
// (go-containerregistry's registry, built from the Go module proxy).
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { rootCertificates } from "node:tls";
import { gunzipSync } from "fflate";
import { extract } from "tar-stream";
import { buildGoImage, NONROOT_ID, OCI_MANIFEST, pushImage } from "../../components";
import { buildGo, goModulePath, resolveGoBuild } from "../../components/go";
import { REPO_ROOT } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const sha256 = (data: Uint8Array) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

async function tarEntries(tar: Uint8Array): Promise<{ name: string; mode: number; uid: number; data: Buffer }[]> {
  const entries: { name: string; mode: number; uid: number; data: Buffer }[] = [];
  const x = extract();
  const done = new Promise<void>((resolve, reject) => {
    x.on("finish", resolve);
    x.on("error", reject);
  });
  x.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => {
      chunks.push(c as Buffer);
    });
    stream.on("end", () => {
      entries.push({ name: header.name, mode: header.mode, uid: header.uid, data: Buffer.concat(chunks) });
      next();
    });
  });
  x.end(Buffer.from(tar));
  await done;
  return entries;
}

describe("daemonless Go image: build and push to a registry on loopback", function () {
  this.timeout(900_000);
  let work: string;
  let registry: LoopbackRegistry;
  let port: number;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-oci-"));
    registry = await startRegistry();
    port = registry.port;
  });
  after(() => {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("builds the same image twice, pushes it, and reads back the same digest", async () => {
    const source = path.join(REPO_ROOT, "examples", "http-service");
    const arch = process.arch === "arm64" ? "arm64" : "amd64";
    const built = await buildGo(resolveGoBuild({ source, arch, binaryName: "server", outDir: work, asOf: "2026-11-23" }));
    const args = { binary: built.binary, arch, goVersion: built.goVersion, goModule: goModulePath(source) } as const;
    const image = await buildGoImage(args);
    assert.equal((await buildGoImage(args)).manifest.digest, image.manifest.digest, "image digest is reproducible");

    const target = { registry: `127.0.0.1:${port}`, repository: "goplatform/http-service", tag: "test", insecure: true };
    const pushed = await pushImage(image, target);
    assert.equal(pushed.reference, `127.0.0.1:${port}/goplatform/http-service@${image.manifest.digest}`);
    assert.equal((await pushImage(image, target)).digest, pushed.digest, "pushing again is idempotent");

    const base = `http://127.0.0.1:${port}/v2/goplatform/http-service`;
    const manifestResponse = await fetch(`${base}/manifests/test`, { headers: { Accept: OCI_MANIFEST } });
    const manifestBytes = new Uint8Array(await manifestResponse.arrayBuffer());
    assert.equal(sha256(manifestBytes), pushed.digest);
    const byDigest = new Uint8Array(await (await fetch(`${base}/manifests/${pushed.digest}`, { headers: { Accept: OCI_MANIFEST } })).arrayBuffer());
    assert.equal(sha256(byDigest), pushed.digest);

    const manifest = JSON.parse(Buffer.from(manifestBytes).toString("utf8")) as { config: { digest: string }; layers: { digest: string }[] };
    const configBytes = new Uint8Array(await (await fetch(`${base}/blobs/${manifest.config.digest}`)).arrayBuffer());
    assert.equal(sha256(configBytes), manifest.config.digest);
    const config = JSON.parse(Buffer.from(configBytes).toString("utf8")) as { architecture: string; config: { User: string; Entrypoint: string[]; Labels: Record<string, string> } };
    assert.equal(config.architecture, arch);
    assert.equal(config.config.User, `${NONROOT_ID}:${NONROOT_ID}`);
    assert.deepEqual(config.config.Entrypoint, ["/app/server"]);
    assert.deepEqual(config.config.Labels, { "goplatform.dev/go-version": "go1.27.4", "goplatform.dev/go-module": "example.com/goplatform/http-service" });

    const baseLayer = manifest.layers[0]?.digest ?? "";
    const baseEntries = await tarEntries(gunzipSync(new Uint8Array(await (await fetch(`${base}/blobs/${baseLayer}`)).arrayBuffer())));
    const caBundle = baseEntries.find((e) => e.name === "etc/ssl/certs/ca-certificates.crt");
    assert.ok(caBundle, "the base layer carries a CA bundle");
    assert.equal(caBundle.data.toString("utf8"), `${rootCertificates.join("\n")}\n`);

    const appLayer = manifest.layers.at(-1)?.digest ?? "";
    const layerBytes = new Uint8Array(await (await fetch(`${base}/blobs/${appLayer}`)).arrayBuffer());
    assert.equal(sha256(layerBytes), appLayer);
    const entries = await tarEntries(gunzipSync(layerBytes));
    const server = entries.find((e) => e.name === "app/server");
    assert.ok(server);
    assert.equal(server.mode & 0o7777, 0o755);
    assert.equal(server.uid, 0, "the binary is owned by root, not by the service user");
    assert.equal(server.data.equals(readFileSync(built.binary)), true);
  });
});
