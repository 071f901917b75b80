// Cosign signatures, for real: images pushed to a registry on 127.0.0.1, signed by the
// cosign CLI (built from the Go module proxy) in both of its storage formats, then
// verified by goplatform's verifier and judged by the policy pack.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildGoImage, parseImageRef, pushImage, verifyCosignSignature } from "../../components";
import { checkResources, imageCosignReachable, imageCosignSignature } from "../../policies/index";
import { toolchain } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const run = promisify(execFile);

describe("cosign signatures in a registry on loopback", function () {
  this.timeout(1_800_000);
  let work: string;
  let registry: LoopbackRegistry;
  let host: string;
  let cosign: string;
  let publicKey: string;
  const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
  const refs: Record<"legacy" | "bundle" | "unsigned" | "copied" | "attested", string> = { legacy: "", bundle: "", unsigned: "", copied: "", attested: "" };

  const sign = async (reference: string, legacy: boolean) => {
    const flags = ["sign", "--key", path.join(work, "cosign.key"), "--use-signing-config=false", "--tlog-upload=false", "--allow-http-registry", "--yes"];
    if (legacy) flags.push("--new-bundle-format=false");
    await run(cosign, [...flags, reference], { env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: "test-only" } });
  };

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-cosign-"));
    cosign = toolchain("cosign");
    registry = await startRegistry();
    host = registry.host;
    await run(cosign, ["generate-key-pair"], { cwd: work, env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: "test-only" } });
    publicKey = readFileSync(path.join(work, "cosign.pub"), "utf8");

    // Different images: each "binary" is a small file with its own content. "copied" shares
    // the legacy image's repository, so a signature manifest can be copied onto it.
    for (const which of ["legacy", "bundle", "unsigned", "copied", "attested"] as const) {
      const binary = path.join(work, which);
      writeFileSync(binary, `#!/bin/sh\necho ${which}\n`);
      const image = await buildGoImage({ binary, arch: "amd64", goVersion: "1.27.4", goModule: "example.com/signed" });
      const repository = `goplatform/${which === "copied" ? "legacy" : which}`;
      refs[which] = (await pushImage(image, { registry: host, repository, insecure: true })).reference;
    }
    await sign(refs.legacy, true);
    await sign(refs.bundle, false);
    // A provenance-style attestation with the same key, in the bundle format: not a signature.
    writeFileSync(path.join(work, "predicate.json"), JSON.stringify({ builder: "test" }));
    await run(cosign, ["attest", "--key", path.join(work, "cosign.key"), "--type", "custom", "--predicate", path.join(work, "predicate.json"), "--use-signing-config=false", "--tlog-upload=false", "--allow-http-registry", "--yes", refs.attested], {
      env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: "test-only" },
    });
    // The legacy image's signature manifest copied onto another image's signature tag.
    const digestOf = (reference: string) => reference.split("@")[1] ?? "";
    const base = `http://${host}/v2/goplatform/legacy/manifests`;
    const sig = await fetch(`${base}/${digestOf(refs.legacy).replace(":", "-")}.sig`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    const put = await fetch(`${base}/${digestOf(refs.copied).replace(":", "-")}.sig`, { method: "PUT", body: Buffer.from(await sig.arrayBuffer()), headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" } });
    assert.equal(put.status, 201);
  });
  after(() => {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const verify = (reference: string, keys: string[]) => {
    const ref = parseImageRef(reference);
    assert.ok(ref);
    return verifyCosignSignature(ref, { publicKeys: keys, insecureRegistries: [host] });
  };

  it("verifies a classic (.sig tag) signature with the signing key, and only with it", async () => {
    assert.equal((await verify(refs.legacy, [publicKey])).status, "verified");
    assert.equal((await verify(refs.legacy, [otherKey, publicKey])).status, "verified", "any configured key may match");
    const wrong = await verify(refs.legacy, [otherKey]);
    assert.deepEqual(wrong, { status: "invalid", detail: "a signature does not verify with the configured key(s)" });
  });

  it("verifies a Sigstore bundle (cosign 3's default format) with the signing key, and only with it", async () => {
    assert.equal((await verify(refs.bundle, [publicKey])).status, "verified");
    assert.equal((await verify(refs.bundle, [otherKey])).status, "invalid");
  });

  it("refuses a signature copied from another image, and an attestation made with the key", async () => {
    const copied = await verify(refs.copied, [publicKey]);
    assert.equal(copied.status, "invalid");
    assert.equal(copied.detail, `a signature payload names ${refs.legacy.split("@")[1] ?? ""}, not ${refs.copied.split("@")[1] ?? ""}`);
    assert.notEqual((await verify(refs.attested, [publicKey])).status, "verified");
  });

  it("reports an unsigned image as unsigned, and an unreachable registry as unreachable", async () => {
    assert.equal((await verify(refs.unsigned, [publicKey])).status, "unsigned");
    const gone = refs.unsigned.replace(host, "127.0.0.1:9");
    const result = await verifyCosignSignature(parseImageRef(gone) ?? assert.fail(), { publicKeys: [publicKey], insecureRegistries: ["127.0.0.1:9"] });
    assert.equal(result.status, "unreachable");
    assert.match(result.detail, /^127\.0\.0\.1:9 could not be reached/);
  });

  it("the signature policy passes signed images, fails unsigned ones, and only advises when the registry is unreachable", async () => {
    const deployment = (image: string) => ({ type: "kubernetes:apps/v1:Deployment", name: "api", props: { spec: { template: { spec: { containers: [{ image }] } } } } });
    const gone = refs.unsigned.replace(host, "127.0.0.1:9");
    const settings = { publicKeys: [publicKey], insecureRegistries: [host, "127.0.0.1:9"] };
    const config = { "image-cosign-signature": settings, "image-cosign-reachable": settings };
    const violations = await checkResources([deployment(refs.legacy), deployment(refs.bundle), deployment(refs.unsigned), deployment(gone)], config, [imageCosignSignature, imageCosignReachable]);
    assert.deepEqual(
      // The mandatory message goes on with cosign's detail and the remedy.
      violations.map((v) => [v.policyName, v.enforcementLevel, v.enforcementLevel === "mandatory" ? v.message.split(" (")[0] : v.message]),
      [
        ["image-cosign-signature", "mandatory", `spec.template.spec.containers[0].image: ${refs.unsigned} has no valid cosign signature from the configured key`],
        ["image-cosign-reachable", "advisory", `spec.template.spec.containers[0].image: could not check the cosign signature of ${gone}: 127.0.0.1:9 could not be reached: fetch failed. Give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`],
      ],
    );
    assert.deepEqual(await checkResources([deployment(refs.unsigned)], {}, [imageCosignSignature]), [], "no key configured, no check");
  });
});
