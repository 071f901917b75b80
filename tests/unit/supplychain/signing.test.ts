import { strict as assert } from "node:assert";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  CosignKeyError,
  GOPLATFORM_BUILD_TYPE,
  GOPLATFORM_BUILDER_ID,
  goProvenanceStatement,
  goPurl,
  goSbomStatement,
  loadCosignKey,
  preAuthEncoding,
  signDsse,
  simpleSigningPayload,
} from "../../../components";
import type { GoBuildInfo } from "../../../components/go";

const fixtures = path.resolve(__dirname, "..", "..", "..", "..", "tests", "fixtures", "cosign");
const privateKey = readFileSync(path.join(fixtures, "cosign.key"), "utf8");
const publicKey = readFileSync(path.join(fixtures, "cosign.pub"), "utf8");
const digest = `sha256:${"ab".repeat(32)}`;
const image = { name: "europe-west1-docker.pkg.dev/proj/repo/api", digest };

// A build info as readBuildInfo returns it for a -buildvcs build with one replaced module.
const info: GoBuildInfo = {
  goVersion: "go1.27.4",
  path: "example.com/api/cmd/api",
  main: { path: "example.com/api", version: "(devel)" },
  deps: [
    { path: "github.com/prometheus/client_golang", version: "v1.25.0", sum: `h1:${Buffer.alloc(32, 1).toString("base64")}` },
    { path: "example.com/old", version: "v1.0.0", replace: { path: "example.com/fork", version: "v1.0.1+incompatible", sum: `h1:${Buffer.alloc(32, 2).toString("base64")}` } },
  ],
  settings: { "-trimpath": "true", CGO_ENABLED: "0", GOARCH: "amd64", GOOS: "linux", GOAMD64: "v1", vcs: "git", "vcs.revision": "0123456789abcdef0123456789abcdef01234567", "vcs.time": "2026-11-20T10:00:00Z", "vcs.modified": "false" },
};

describe("cosign key", function () {
  this.timeout(60_000);

  it("opens cosign's encrypted key with its password; its public half is cosign.pub, its signatures verify", async () => {
    const signer = await loadCosignKey({ privateKey, password: "test-only" });
    assert.equal(createPublicKey(signer.publicKey).export({ type: "spki", format: "der" }).toString("hex"), createPublicKey(publicKey).export({ type: "spki", format: "der" }).toString("hex"));
    const data = Buffer.from("payload");
    const signature = signer.sign(data);
    assert.equal(signature[0], 0x30, "ECDSA signature in ASN.1 DER, as cosign writes it");
    assert.equal(verify("sha256", data, publicKey, signature), true);
    assert.equal(verify("sha256", Buffer.from("other"), publicKey, signature), false);
  });

  it("refuses a wrong password and other PEM, without showing key material", async () => {
    await assert.rejects(loadCosignKey({ privateKey, password: "wrong" }), (err: Error) => {
      assert.ok(err instanceof CosignKeyError);
      assert.equal(err.message, "cosign private key: could not be decrypted: wrong password, or the key is corrupted");
      return true;
    });
    await assert.rejects(loadCosignKey({ privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", password: "x" }), /expected cosign's encrypted PEM/);
    // One ciphertext bit flipped: secretbox's authenticator refuses it.
    const body = JSON.parse(Buffer.from(privateKey.split("\n").slice(1, -2).join(""), "base64").toString("utf8")) as { ciphertext: string };
    const bytes = Buffer.from(body.ciphertext, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const changed = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify({ ...body, ciphertext: bytes.toString("base64") })).toString("base64")}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    await assert.rejects(loadCosignKey({ privateKey: changed, password: "test-only" }), /could not be decrypted/);
  });
});

describe("signature payloads and attestations", () => {
  it("writes cosign's simple-signing payload", () => {
    assert.equal(
      simpleSigningPayload(image.name, digest).toString(),
      `{"critical":{"identity":{"docker-reference":"${image.name}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
    );
  });

  it("signs DSSE envelopes over the pre-authentication encoding", async () => {
    const signer = await loadCosignKey({ privateKey, password: "test-only" });
    const payload = Buffer.from(JSON.stringify(goProvenanceStatement(info, image)));
    const envelope = signDsse(signer, payload);
    assert.equal(envelope.payloadType, "application/vnd.in-toto+json");
    assert.equal(Buffer.from(envelope.payload, "base64").equals(payload), true);
    const sig = Buffer.from(envelope.signatures[0]?.sig ?? "", "base64");
    assert.equal(verify("sha256", preAuthEncoding(envelope.payloadType, payload), publicKey, sig), true);
    assert.equal(verify("sha256", payload, publicKey, sig), false, "the PAE is signed, not the bare payload");
  });

  it("makes an SPDX 2.3 SBOM from the build info: every module with purl and go.sum hash, deterministic", () => {
    const statement = goSbomStatement(info, image);
    assert.deepEqual(statement.subject, [{ name: image.name, digest: { sha256: "ab".repeat(32) } }]);
    assert.equal(statement.predicateType, "https://spdx.dev/Document");
    const sbom = statement.predicate;
    assert.equal(sbom.spdxVersion, "SPDX-2.3");
    assert.equal(sbom.creationInfo.created, "2026-11-20T10:00:00Z", "the commit's time, not the clock");
    assert.equal(sbom.documentNamespace, `https://goplatform.dev/spdx/sha256-${"ab".repeat(32)}`);
    const purls = sbom.packages.map((p) => p.externalRefs[0]?.referenceLocator);
    assert.deepEqual(purls.slice(1), ["pkg:golang/example.com/api", "pkg:golang/stdlib@1.27.4", "pkg:golang/github.com/prometheus/client_golang@v1.25.0", "pkg:golang/example.com/fork@v1.0.1%2Bincompatible"]);
    assert.equal(sbom.packages[3]?.checksums?.[0]?.checksumValue, "01".repeat(32));
    assert.match(sbom.packages[1]?.comment ?? "", /revision 0123456789abcdef0123456789abcdef01234567/);
    assert.equal(new Set(sbom.packages.map((p) => p.SPDXID)).size, sbom.packages.length, "SPDX ids are unique");
    for (const id of sbom.packages.map((p) => p.SPDXID)) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/);
    assert.equal(sbom.relationships.filter((r) => r.relationshipType === "DEPENDS_ON").length, 3);
    assert.deepEqual(goSbomStatement(info, image), statement, "same inputs, same document");
    const noVcs = goSbomStatement({ ...info, settings: { GOOS: "linux" } }, image).predicate.creationInfo.created;
    assert.equal(noVcs, "1970-01-01T00:00:00Z");
  });

  it("makes SLSA provenance v1: builder, build type, toolchain, platform, flags and source revision", () => {
    const statement = goProvenanceStatement(info, image, { ldflags: "-s -w" });
    assert.equal(statement.predicateType, "https://slsa.dev/provenance/v1");
    const { buildDefinition, runDetails } = statement.predicate;
    assert.deepEqual(runDetails, { builder: { id: GOPLATFORM_BUILDER_ID } });
    assert.equal(buildDefinition.buildType, GOPLATFORM_BUILD_TYPE);
    assert.deepEqual(buildDefinition.externalParameters, {
      goVersion: "go1.27.4",
      goos: "linux",
      goarch: "amd64",
      package: "example.com/api/cmd/api",
      flags: { "-ldflags": "-s -w", "-trimpath": "true" },
      ldflags: "-s -w",
      source: { module: "example.com/api", vcs: "git", revision: "0123456789abcdef0123456789abcdef01234567", modified: false },
    });
    assert.deepEqual(buildDefinition.internalParameters, { env: { CGO_ENABLED: "0", GOAMD64: "v1" } });
    assert.deepEqual(buildDefinition.resolvedDependencies, [
      { name: "go", uri: "pkg:golang/stdlib@1.27.4" },
      { name: "example.com/api", uri: "pkg:golang/example.com/api", digest: { gitCommit: "0123456789abcdef0123456789abcdef01234567" } },
      { name: "github.com/prometheus/client_golang", uri: "pkg:golang/github.com/prometheus/client_golang@v1.25.0", digest: { dirHash: "01".repeat(32) } },
      { name: "example.com/fork", uri: "pkg:golang/example.com/fork@v1.0.1%2Bincompatible", digest: { dirHash: "02".repeat(32) } },
    ]);
    assert.throws(() => goProvenanceStatement(info, { ...image, digest: "sha256:short" }), /is not sha256:<64 hex>/);
  });

  it("encodes purls per segment", () => {
    assert.equal(goPurl("github.com/a/b", "v0.0.0-20240101000000-abcdef012345"), "pkg:golang/github.com/a/b@v0.0.0-20240101000000-abcdef012345");
    assert.equal(goPurl("example.com/m", "(devel)"), "pkg:golang/example.com/m");
  });
});
