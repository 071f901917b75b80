// The Go version rules judge the binary inside an image, for real: Go binaries built
// with real toolchains (one the Go project no longer supports), packed into images whose
// tag and label claim a supported Go, pushed to a registry on 127.0.0.1 and read back by
// the policy pack through checkResources.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildGo, goMetadata, resolveGoBuild } from "../../components/go";
import { buildGoImage, OCI_MANIFEST, pushImage, type Blob, type OciImage } from "../../components/supplychain";
import { imageBinariesOf } from "../../policies/image-binaries";
import { checkResources, goVersionPolicies, type PolicyConfig, type ResourceToCheck } from "../../policies/index";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const MODULE = "example.com/goplatform/image-probe";
const asOf = "2026-11-23";

const blobOf = (mediaType: string, value: unknown): Blob => {
  const data = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: `sha256:${createHash("sha256").update(data).digest("hex")}`, size: data.length, data };
};

/** The same image with its config changed (and so a new config blob and manifest). */
function withRunConfig(image: OciImage, change: (config: Record<string, unknown>) => void): OciImage {
  const whole = JSON.parse(image.config.data.toString("utf8")) as { config: Record<string, unknown> };
  change(whole.config);
  const config = blobOf(image.config.mediaType, whole);
  const manifest = blobOf(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: image.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  });
  return { manifest, config, layers: image.layers };
}

const deployment = (name: string, image: string, labels: Record<string, string> = goMetadata("1.27.4", MODULE)): ResourceToCheck => ({
  type: "kubernetes:apps/v1:Deployment",
  name,
  props: { metadata: { name, labels }, spec: { template: { spec: { containers: [{ name: "app", image }] } } } },
});

describe("Go version rules: the binary inside an image, read from a registry on loopback", function () {
  this.timeout(1_800_000);
  let work: string;
  let registry: LoopbackRegistry;
  let host: string;
  const refs = { lies: "", golangTag: "", good: "", shellEntrypoint: "", notGo: "", multiArch: "", untrimmed: "", unpatched: "" };
  let goodImage: OciImage;

  const settings = (extra: Record<string, unknown> = {}) => ({ asOf, imageBinaries: { prefixes: [host], insecureRegistries: [host], ...extra } });
  const configFor = (imageBinaries: Record<string, unknown> = {}): PolicyConfig =>
    Object.fromEntries(goVersionPolicies.map((p) => [p.name, { ...settings(imageBinaries), minimum: "1.26.0" }]));
  const check = async (resources: ResourceToCheck[], config = configFor()) =>
    (await checkResources(resources, config, goVersionPolicies)).map((v) => [v.policyName, v.enforcementLevel, v.message]);

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-image-go-"));
    registry = await startRegistry();
    host = registry.host;
    const source = path.join(work, "src");
    const main = path.join(source, "main.go");
    mkdirSync(source);
    writeFileSync(path.join(source, "go.mod"), `module ${MODULE}\n\ngo 1.25\n`);
    writeFileSync(main, 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("probe") }\n');
    // resolveGoBuild refuses a Go whose line is out of support (go1.25.14 on 2026-11-23): that
    // is its job. To make the image a careless build would, buildGo gets resolved arguments
    // with the old toolchain swapped in; it still builds through GOTOOLCHAIN and checks the
    // binary's build info says go1.25.14.
    const build = (goVersion: string, arch: "amd64" | "arm64") =>
      buildGo({ ...resolveGoBuild({ source, asOf, arch, binaryName: "server", outDir: path.join(work, `go${goVersion}-${arch}`) }), goVersion });
    const [old, oldArm, current, unpatched] = await Promise.all([build("1.25.14", "amd64"), build("1.25.14", "arm64"), build("1.27.4", "amd64"), build("1.26.8", "amd64")]);
    const push = async (image: OciImage, repository: string, tag?: string) => (await pushImage(image, { registry: host, repository, insecure: true, ...(tag === undefined ? {} : { tag }) })).reference;

    // Built by go1.25.14, labelled as go1.27.4 (buildGoImage's goVersion is only a label).
    const lying = await buildGoImage({ binary: old.binary, arch: "amd64", goVersion: "1.27.4", goModule: MODULE });
    refs.lies = await push(lying, "goplatform/lies");
    refs.golangTag = `${host}/golang:1.27.4@${(await pushImage(lying, { registry: host, repository: "golang", tag: "1.27.4", insecure: true })).digest}`;
    goodImage = await buildGoImage({ binary: current.binary, arch: "amd64", goVersion: "1.27.4", goModule: MODULE });
    refs.good = await push(goodImage, "goplatform/good");
    refs.unpatched = await push(await buildGoImage({ binary: unpatched.binary, arch: "amd64", goVersion: "1.26.11", goModule: MODULE }), "goplatform/unpatched");
    // The entrypoint is a shell that is not in the image: the Go binary elsewhere is judged.
    refs.shellEntrypoint = await push(
      withRunConfig(lying, (c) => {
        c.Entrypoint = ["/bin/sh", "-c", "exec server"];
      }),
      "goplatform/shell",
    );
    // A plain `go build` (no -trimpath) with a supported Go.
    const plain = path.join(work, "plain-server");
    await promisify(execFile)("go", ["build", "-o", plain, "."], { cwd: source, env: { ...process.env, GOTOOLCHAIN: "go1.27.4", CGO_ENABLED: "0", GOOS: "linux", GOARCH: "amd64", GOFLAGS: "-mod=mod" } });
    refs.untrimmed = await push(await buildGoImage({ binary: plain, arch: "amd64", goVersion: "1.27.4", goModule: MODULE }), "goplatform/untrimmed");
    const script = path.join(work, "script");
    writeFileSync(script, "#!/bin/sh\necho not go\n");
    refs.notGo = await push(await buildGoImage({ binary: script, arch: "amd64", goVersion: "1.27.4", goModule: MODULE }), "goplatform/script");

    // A multi-platform index: linux/amd64 built by go1.27.4, linux/arm64 by go1.25.14.
    const arm = await buildGoImage({ binary: oldArm.binary, arch: "arm64", goVersion: "1.27.4", goModule: MODULE });
    await push(goodImage, "goplatform/multi");
    await push(arm, "goplatform/multi");
    const index = blobOf("application/vnd.oci.image.index.v1+json", {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        { mediaType: OCI_MANIFEST, digest: goodImage.manifest.digest, size: goodImage.manifest.size, platform: { os: "linux", architecture: "amd64" } },
        { mediaType: OCI_MANIFEST, digest: arm.manifest.digest, size: arm.manifest.size, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        // What buildx adds for attestations: not a platform to judge.
        { mediaType: OCI_MANIFEST, digest: goodImage.manifest.digest, size: goodImage.manifest.size, platform: { os: "unknown", architecture: "unknown" } },
      ],
    });
    const put = await fetch(`http://${host}/v2/goplatform/multi/manifests/${index.digest}`, { method: "PUT", body: index.data, headers: { "Content-Type": index.mediaType } });
    assert.equal(put.status, 201);
    refs.multiArch = `${host}/goplatform/multi@${index.digest}`;
  });
  after(() => {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const where = "spec.template.spec.containers[0].image";
  const old = (image: string, detail = "linux/amd64 /app/server, its entrypoint") =>
    `${where} ${image} (${detail}; from the binary's build info) chooses Go 1.25.14; on ${asOf} the Go project supports only the 1.27 and 1.26 lines: move to Go 1.27.`;
  const belowFloor = (image: string, detail = "linux/amd64 /app/server, its entrypoint") => `${where} ${image} (${detail}; from the binary's build info) chooses Go 1.25.14, below this organisation's floor Go 1.26.0; use Go 1.26.0 or newer.`;

  it("catch an image built with an old Go under a label claiming a supported one, naming the image and the binary's Go", async () => {
    assert.deepEqual(await check([deployment("lies", refs.lies)]), [
      ["go-version-supported", "mandatory", old(refs.lies)],
      ["go-version-floor", "mandatory", belowFloor(refs.lies)],
    ]);
  });

  it("catch a golang tag that lies about the Go inside", async () => {
    assert.deepEqual(await check([deployment("tag", refs.golangTag, {})]), [
      ["go-version-supported", "mandatory", old(refs.golangTag)],
      ["go-version-floor", "mandatory", belowFloor(refs.golangTag)],
    ]);
  });

  it("catch a supported line below its patch floor under a label claiming the floor", async () => {
    assert.deepEqual(await check([deployment("unpatched", refs.unpatched, goMetadata("1.26.11", MODULE))]), [
      ["go-patch-level", "mandatory", `${where} ${refs.unpatched} (linux/amd64 /app/server, its entrypoint; from the binary's build info) chooses Go 1.26.8, below the 1.26 patch floor 1.26.11 on ${asOf} (latest 1.26.11); rebuild with Go 1.26.11.`],
    ]);
  });

  it("pass a correctly labelled image built with a supported Go (static, trimmed)", async () => {
    assert.deepEqual(await check([deployment("good", refs.good)]), []);
  });

  it("read only what the judgement needs: the top layer holds the entrypoint, so the base layer is never downloaded", async () => {
    const [found] = await imageBinariesOf("kubernetes:apps/v1:Deployment", deployment("good", refs.good).props, settings().imageBinaries);
    assert.ok(found !== undefined);
    const top = goodImage.layers.at(-1);
    assert.equal(found.read.bytesRead, goodImage.manifest.size + goodImage.config.size + (top?.size ?? 0));
    assert.deepEqual(
      found.read.binaries.map((b) => [b.platform, b.path, b.entrypoint, b.info.goVersion, b.info.settings.CGO_ENABLED, b.info.settings["-trimpath"]]),
      [["linux/amd64", "/app/server", true, "go1.27.4", "0", "true"]],
    );
    // Once per digest: every rule (and this second ask) shares the first read.
    const [again] = await imageBinariesOf("kubernetes:apps/v1:Deployment", deployment("good", refs.good).props, settings().imageBinaries);
    assert.equal(again?.read, found.read);
  });

  it("judge the image binary's build settings: a build without -trimpath fails go-binary-build-settings", async () => {
    assert.deepEqual(await check([deployment("untrimmed", refs.untrimmed)]), [
      [
        "go-binary-build-settings",
        "mandatory",
        `${where} ${refs.untrimmed} (linux/amd64 /app/server, its entrypoint; from the binary's build info): the Go binary was built without -trimpath (it embeds build machine paths); rebuild with go build -trimpath.`,
      ],
    ]);
  });

  it("judge every linux platform of an index (not buildx's attestation entries)", async () => {
    assert.deepEqual(await check([deployment("multi", refs.multiArch)]), [
      ["go-version-supported", "mandatory", old(refs.multiArch, "linux/arm64/v8 /app/server, its entrypoint")],
      ["go-version-floor", "mandatory", belowFloor(refs.multiArch, "linux/arm64/v8 /app/server, its entrypoint")],
    ]);
  });

  it("fall back to the Go binaries in the image when the entrypoint is not one", async () => {
    const detail = "linux/amd64 /app/server, not its entrypoint, which is not a Go binary";
    assert.deepEqual(await check([deployment("shell", refs.shellEntrypoint)]), [
      ["go-version-supported", "mandatory", old(refs.shellEntrypoint, detail)],
      ["go-version-floor", "mandatory", belowFloor(refs.shellEntrypoint, detail)],
    ]);
  });

  it("give only the advisory when the image cannot be read: no Go binary, too large, registry unreachable", async () => {
    const gone = `127.0.0.1:9/goplatform/gone@sha256:${"c".repeat(64)}`;
    const advice = (image: string, problem: string) => [
      "go-image-binary-readable",
      "advisory",
      `${where}: could not read the Go binary of ${image}: ${problem}. The Go version rules judged only its tags and labels; give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`,
    ];
    assert.deepEqual(await check([deployment("script", refs.notGo)]), [advice(refs.notGo, "its entrypoint /app/server (/app/server) is not a Go executable (it is not an ELF executable), and no other file in it is a Go executable")]);
    const total = goodImage.layers.reduce((s, l) => s + l.size, 0);
    assert.deepEqual(await check([deployment("good", refs.good)], configFor({ maxImageBytes: 1000 })), [
      advice(refs.good, `its layers total ${String(total)} bytes, more than maxImageBytes 1000; raise imageBinaries.maxImageBytes to read it`),
    ]);
    assert.deepEqual(await check([deployment("gone", gone)], configFor({ prefixes: ["127.0.0.1:9"] })), [advice(gone, "127.0.0.1:9 could not be reached: fetch failed")]);
  });

  it("read nothing without the config, or for images outside the prefixes, or not pinned by digest", async () => {
    const plain: PolicyConfig = Object.fromEntries(goVersionPolicies.map((p) => [p.name, { asOf }]));
    assert.deepEqual(await check([deployment("lies", refs.lies)], plain), []);
    assert.deepEqual(await check([deployment("lies", refs.lies)], configFor({ prefixes: [`${host}/other`] })), []);
    assert.deepEqual(await check([deployment("tagged", `${host}/goplatform/lies:latest`)]), []);
  });
});
