// goplatform signs and attests the images it builds, and the real cosign CLI (built from the
// Go module proxy) verifies them: a Go service built into an image, pushed to a registry on
// 127.0.0.1 with the platform key, then `cosign verify` and `cosign verify-attestation`
// (SLSA provenance v1 and SPDX) with that key pass and with another key fail.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import {
  buildGoImage,
  GOPLATFORM_BUILDER_ID,
  GoCloudRunService,
  parseImageRef,
  pushImage,
  verifyCosignSignature,
  type DsseEnvelope,
  type OciImage,
  type GoProvenancePredicate,
  type SpdxDocument,
} from "../../components";
import { buildGo, goModulePath, resolveGoBuild, type GoBuildResult } from "../../components/go";
import { runUnderMocks, valueOf, type MockOptions } from "../harness/mocks";
import { REPO_ROOT, toolchain } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const run = promisify(execFile);
const fixtures = path.join(REPO_ROOT, "tests", "fixtures", "cosign");
const signingKey = { privateKey: readFileSync(path.join(fixtures, "cosign.key"), "utf8"), password: "test-only" };
const publicKeyFile = path.join(fixtures, "cosign.pub");
const source = path.join(REPO_ROOT, "examples", "http-service");
const asOf = "2026-11-23";

interface Statement<P> {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: P;
}

describe("signing and attesting goplatform's images, verified by the cosign CLI", function () {
  this.timeout(1_800_000);
  let work: string;
  let registry: LoopbackRegistry;
  let host: string;
  let cosign: string;
  let otherPublicKey: string;
  let built: GoBuildResult;
  let image: OciImage;
  let reference: string;

  /** Runs cosign; resolves with its exit code and output (a failing verify is an answer, not an error). */
  const cosignRun = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(cosign, args, { env: { PATH: process.env.PATH, HOME: work }, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
  const verifyFlags = (key: string) => ["--key", key, "--insecure-ignore-tlog=true", "--allow-http-registry"];
  const statementsOf = <P>(stdout: string): Statement<P>[] =>
    stdout
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(Buffer.from((JSON.parse(l) as DsseEnvelope).payload, "base64").toString("utf8")) as Statement<P>);

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-signing-"));
    cosign = toolchain("cosign");
    registry = await startRegistry();
    host = registry.host;
    otherPublicKey = path.join(work, "other.pub");
    writeFileSync(otherPublicKey, generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString());
    const arch = process.arch === "arm64" ? "arm64" : "amd64";
    // With -buildvcs, so the provenance names the source revision.
    built = await buildGo(resolveGoBuild({ source, arch, binaryName: "server", outDir: path.join(work, "build"), vcs: true, asOf }));
    image = await buildGoImage({ binary: built.binary, arch, goVersion: built.goVersion, goModule: goModulePath(source), ldflags: built.ldflags });
    const pushed = await pushImage(image, { registry: host, repository: "goplatform/signed", insecure: true }, { signing: signingKey });
    reference = pushed.reference;
    assert.deepEqual(pushed.signed, {
      signature: `${host}/goplatform/signed:${image.manifest.digest.replace(":", "-")}.sig`,
      attestations: `${host}/goplatform/signed:${image.manifest.digest.replace(":", "-")}.att`,
    });
  });
  after(() => {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("cosign verify --key accepts the signature with the platform key, and refuses another key", async () => {
    const ok = await cosignRun(["verify", ...verifyFlags(publicKeyFile), reference]);
    assert.equal(ok.code, 0, ok.stderr);
    const payloads = JSON.parse(ok.stdout) as { critical: { identity: { "docker-reference": string }; image: { "docker-manifest-digest": string }; type: string } }[];
    assert.deepEqual(
      payloads.map((p) => p.critical),
      [{ identity: { "docker-reference": `${host}/goplatform/signed` }, image: { "docker-manifest-digest": image.manifest.digest }, type: "cosign container image signature" }],
    );
    const wrong = await cosignRun(["verify", ...verifyFlags(otherPublicKey), reference]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /no matching signatures/);
  });

  it("cosign verify-attestation accepts the SLSA provenance v1, naming the builder, toolchain, flags and source revision", async () => {
    const ok = await cosignRun(["verify-attestation", ...verifyFlags(publicKeyFile), "--type", "slsaprovenance1", reference]);
    assert.equal(ok.code, 0, ok.stderr);
    const [statement, ...rest] = statementsOf<GoProvenancePredicate>(ok.stdout);
    assert.ok(statement);
    assert.deepEqual(rest, [], "cosign prints only the attestation of the asked type");
    assert.equal(statement.predicateType, "https://slsa.dev/provenance/v1");
    assert.deepEqual(statement.subject, [{ name: `${host}/goplatform/signed`, digest: { sha256: image.manifest.digest.replace("sha256:", "") } }]);
    const { buildDefinition, runDetails } = statement.predicate;
    assert.equal(runDetails.builder.id, GOPLATFORM_BUILDER_ID);
    const params = buildDefinition.externalParameters;
    assert.equal(params.goVersion, "go1.27.4");
    assert.equal(params.goos, "linux");
    assert.equal(params.goarch, built.arch);
    assert.equal(params.ldflags, "-s -w", "from buildGo: under -trimpath the binary does not record them");
    assert.equal(params.flags["-ldflags"], "-s -w");
    assert.equal(params.flags["-trimpath"], "true");
    assert.equal(params.source.module, "example.com/goplatform/http-service");
    const { stdout: head } = await run("git", ["-C", REPO_ROOT, "rev-parse", "HEAD"]);
    assert.equal(params.source.revision, head.trim());
    assert.ok(
      buildDefinition.resolvedDependencies.some((d) => d.uri === "pkg:golang/github.com/prometheus/client_golang@v1.25.0" && /^[0-9a-f]{64}$/.test(d.digest?.dirHash ?? "")),
      JSON.stringify(buildDefinition.resolvedDependencies),
    );

    const wrong = await cosignRun(["verify-attestation", ...verifyFlags(otherPublicKey), "--type", "slsaprovenance1", reference]);
    assert.notEqual(wrong.code, 0);
  });

  it("cosign verify-attestation accepts the SPDX SBOM: every module of the build info with its purl and go.sum hash", async () => {
    const ok = await cosignRun(["verify-attestation", ...verifyFlags(publicKeyFile), "--type", "spdxjson", reference]);
    assert.equal(ok.code, 0, ok.stderr);
    const [statement] = statementsOf<SpdxDocument>(ok.stdout);
    assert.ok(statement);
    assert.equal(statement.predicateType, "https://spdx.dev/Document");
    const sbom = statement.predicate;
    assert.equal(sbom.spdxVersion, "SPDX-2.3");
    assert.equal(sbom.documentNamespace, `https://goplatform.dev/spdx/${image.manifest.digest.replace(":", "-")}`);
    const purls = sbom.packages.flatMap((p) => p.externalRefs.map((r) => r.referenceLocator));
    const info = image.goBuild?.info;
    assert.ok(info);
    assert.ok(info.deps.length >= 5, "the sample service has real dependencies");
    for (const dep of info.deps) assert.ok(purls.includes(`pkg:golang/${dep.path}@${dep.version}`), `${dep.path} missing from ${purls.join(", ")}`);
    assert.ok(purls.includes("pkg:golang/stdlib@1.27.4"));
    const clientGolang = sbom.packages.find((p) => p.name === "github.com/prometheus/client_golang");
    assert.match(clientGolang?.checksums?.[0]?.checksumValue ?? "", /^[0-9a-f]{64}$/);
    // vcs.time of the commit built, not the clock.
    assert.equal(sbom.creationInfo.created, new Date(info.settings["vcs.time"] ?? 0).toISOString().replace(".000Z", "Z"));

    const wrong = await cosignRun(["verify-attestation", ...verifyFlags(otherPublicKey), "--type", "spdxjson", reference]);
    assert.notEqual(wrong.code, 0);
  });

  it("goplatform's own verifier says verified with the platform key, invalid with another", async () => {
    const ref = parseImageRef(reference) ?? assert.fail();
    assert.equal((await verifyCosignSignature(ref, { publicKeys: [readFileSync(publicKeyFile, "utf8")], insecureRegistries: [host] })).status, "verified");
    assert.equal((await verifyCosignSignature(ref, { publicKeys: [readFileSync(otherPublicKey, "utf8")], insecureRegistries: [host] })).status, "invalid");
  });

  it("pushing and signing the same image again adds nothing: one signature, two attestations", async () => {
    await pushImage(image, { registry: host, repository: "goplatform/signed", insecure: true }, { signing: signingKey });
    const layers = async (tag: string) => {
      const response = await fetch(`http://${host}/v2/goplatform/signed/manifests/${tag}`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
      return ((await response.json()) as { layers: { mediaType: string; annotations: Record<string, string> }[] }).layers;
    };
    const tag = image.manifest.digest.replace(":", "-");
    assert.deepEqual((await layers(`${tag}.sig`)).map((l) => l.mediaType), ["application/vnd.dev.cosign.simplesigning.v1+json"]);
    assert.deepEqual(
      (await layers(`${tag}.att`)).map((l) => [l.mediaType, l.annotations]),
      [
        ["application/vnd.dsse.envelope.v1+json", { "dev.cosignproject.cosign/signature": "", predicateType: "https://spdx.dev/Document" }],
        ["application/vnd.dsse.envelope.v1+json", { "dev.cosignproject.cosign/signature": "", predicateType: "https://slsa.dev/provenance/v1" }],
      ],
    );
  });

  it("GoCloudRunService signs and attests at update, right after its push (Artifact Registry answered by the loopback registry)", async () => {
    const mocks: MockOptions = {
      preview: false,
      outputs: (args) => ({
        ...(args.type === "gcp:artifactregistry/repository:Repository" ? { project: "proj" } : {}),
        ...(args.type === "gcp:serviceaccount/account:Account" ? { email: "hello-run@proj.iam.gserviceaccount.com" } : {}),
      }),
      calls: (args) => (args.token === "gcp:organizations/getClientConfig:getClientConfig" ? { accessToken: "ya29.mock", project: "proj" } : undefined),
    };
    const realFetch = globalThis.fetch;
    const pushedTo: string[] = [];
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (init?.method === "PUT" && url.includes("/manifests/")) pushedTo.push(url.replace(/.*\/manifests\//, ""));
      return realFetch(url.replace(/^https:\/\/europe-west1-docker\.pkg\.dev\//, `http://${host}/`), init);
    };
    let deployed: string;
    try {
      const { result } = await runUnderMocks(() => new GoCloudRunService("hello", { source, location: "europe-west1", asOf, signing: { mode: "cosign", privateKey: pulumi.secret(signingKey.privateKey), password: pulumi.secret(signingKey.password) } }), mocks);
      // A failed push rejects the output, which valueOf would wait on forever: give up after two minutes.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error("the image output never resolved: the push or the signing failed (see the unhandled rejections)"));
        }, 120_000);
      });
      deployed = await Promise.race([valueOf(result.image), timeout]).finally(() => {
        clearTimeout(timer);
      });
    } finally {
      globalThis.fetch = realFetch;
    }
    const digest = parseImageRef(deployed)?.digest ?? assert.fail(deployed);
    // The image first, then its signature, then its attestations.
    assert.deepEqual(pushedTo, [digest, `${digest.replace(":", "-")}.sig`, `${digest.replace(":", "-")}.att`]);
    const onLoopback = deployed.replace("europe-west1-docker.pkg.dev", host);
    const verified = await cosignRun(["verify", ...verifyFlags(publicKeyFile), onLoopback]);
    assert.equal(verified.code, 0, verified.stderr);
    for (const type of ["slsaprovenance1", "spdxjson"]) {
      const attested = await cosignRun(["verify-attestation", ...verifyFlags(publicKeyFile), "--type", type, onLoopback]);
      assert.equal(attested.code, 0, attested.stderr);
    }
  });
});
