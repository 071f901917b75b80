// SLSA provenance, for real: images pushed to a registry on 127.0.0.1, attested by the
// cosign CLI (built from the Go module proxy) in both of its storage formats, then read
// and judged by goplatform's verifier and by the image-provenance policies — with a
// GoApp (under mocks) whose pinned revision the provenance's commit must match — and by
// the policy pack in a real `pulumi preview` (local control plane).
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ArgoCd, buildGoImage, GoApp, parseImageRef, pushImage } from "../../components";
import { verifySlsaProvenance } from "../../components/supplychain/attestation-verify";
import { checkResources, type PolicyConfig, type ResourceToCheck } from "../../policies/index";
import { imageProvenance, imageProvenanceReachable } from "../../policies/provenance";
import { fakeCluster } from "../harness/fake-clusters";
import { runUnderMocks } from "../harness/mocks";
import { LocalCluster } from "../harness/local-cluster";
import { PulumiCli, REPO_ROOT, writeProgramProject, toolchain } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const run = promisify(execFile);

const BUILDER = "https://goplatform.dev/builders/go-image/v1";
const CHAINS_BUILDER = "https://tekton.dev/chains/v2";
const SOURCE = "https://github.com/example/payments";
const COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const OTHER_COMMIT = "9c1185a5c5e9fc54612808977ee8f548b2258d31";

/** A SLSA v1 predicate as goplatform's builder writes it: the source as a resolved git dependency with its commit. */
const v1Predicate = (builder = BUILDER, repository = SOURCE) => ({
  buildDefinition: {
    buildType: "https://goplatform.dev/build-types/go-image/v1",
    externalParameters: { module: "github.com/example/payments", package: "./cmd/payments" },
    resolvedDependencies: [{ uri: `git+${repository}@refs/heads/main`, digest: { gitCommit: COMMIT } }],
  },
  runDetails: { builder: { id: builder } },
});

/** A SLSA v0.2 predicate shaped like Tekton Chains' `slsa/v1` format: the source among the materials, with a sha1 digest. */
const v02Predicate = () => ({
  builder: { id: CHAINS_BUILDER },
  buildType: "tekton.dev/v1/PipelineRun",
  invocation: { configSource: {}, parameters: {} },
  materials: [
    { uri: "oci://cgr.dev/chainguard/go", digest: { sha256: "1".repeat(64) } },
    { uri: `git+${SOURCE}.git`, digest: { sha1: COMMIT } },
  ],
});

type Which = "classic" | "bundle" | "v02" | "otherKey" | "badBuilder" | "badRepo" | "copied" | "none";

describe("SLSA provenance in a registry on loopback", function () {
  this.timeout(1_800_000);
  let work: string;
  let registry: LoopbackRegistry;
  let host: string;
  let cosign: string;
  let publicKey: string;
  let otherPublicKey: string;
  const refs = {} as Record<Which, string>;
  const env = () => ({ PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: "test-only" });

  const attest = async (reference: string, predicate: unknown, options: { type?: string; classic?: boolean; key?: string } = {}) => {
    const file = path.join(work, `predicate-${String(Math.random()).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(predicate));
    const flags = ["attest", "--key", options.key ?? path.join(work, "cosign.key"), "--type", options.type ?? "slsaprovenance1", "--predicate", file, "--use-signing-config=false", "--tlog-upload=false", "--allow-http-registry", "--yes"];
    if (options.classic === true) flags.push("--new-bundle-format=false");
    await run(cosign, [...flags, reference], { env: env() });
  };

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-provenance-"));
    cosign = toolchain("cosign");
    registry = await startRegistry();
    host = registry.host;
    await run(cosign, ["generate-key-pair"], { cwd: work, env: env() });
    publicKey = readFileSync(path.join(work, "cosign.pub"), "utf8");
    mkdirSync(path.join(work, "other"));
    await run(cosign, ["generate-key-pair"], { cwd: path.join(work, "other"), env: env() });
    otherPublicKey = readFileSync(path.join(work, "other", "cosign.pub"), "utf8");

    // Different images, each its own small "binary"; "copied" shares the classic image's repository.
    for (const which of ["classic", "bundle", "v02", "otherKey", "badBuilder", "badRepo", "copied", "none"] as const) {
      const binary = path.join(work, which);
      writeFileSync(binary, `#!/bin/sh\necho ${which}\n`);
      const image = await buildGoImage({ binary, arch: "amd64", goVersion: "1.27.4", goModule: "github.com/example/payments" });
      refs[which] = (await pushImage(image, { registry: host, repository: `goplatform/${which === "copied" ? "classic" : which.toLowerCase()}`, insecure: true })).reference;
    }
    await attest(refs.classic, v1Predicate(), { classic: true });
    await attest(refs.bundle, v1Predicate());
    await attest(refs.v02, v02Predicate(), { type: "slsaprovenance02", classic: true });
    await attest(refs.otherKey, v1Predicate(), { key: path.join(work, "other", "cosign.key") });
    await attest(refs.badBuilder, v1Predicate("https://evil.example/builder"), { classic: true });
    await attest(refs.badRepo, v1Predicate(BUILDER, "https://github.com/example/other"));
    // The classic image's attestation manifest copied onto another image's attestation tag.
    const digestOf = (reference: string) => reference.split("@")[1] ?? "";
    const base = `http://${host}/v2/goplatform/classic/manifests`;
    const att = await fetch(`${base}/${digestOf(refs.classic).replace(":", "-")}.att`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    assert.equal(att.status, 200);
    const put = await fetch(`${base}/${digestOf(refs.copied).replace(":", "-")}.att`, { method: "PUT", body: Buffer.from(await att.arrayBuffer()), headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" } });
    assert.equal(put.status, 201);
  });
  after(() => {
    registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const requirements = { builderIds: [BUILDER, CHAINS_BUILDER], sourceRepositories: ["github.com/example/payments"] };
  const verify = (reference: string, keys = [publicKey]) => verifySlsaProvenance(parseImageRef(reference) ?? assert.fail(reference), { publicKeys: keys, insecureRegistries: [host], ...requirements });
  const digest = (which: Which) => refs[which].split("@")[1] ?? "";

  it("verifies SLSA v1 provenance in both cosign formats and Chains-style v0.2, and reads its source commit", async () => {
    for (const which of ["classic", "bundle", "v02"] as const) {
      const result = await verify(refs[which]);
      assert.equal(result.status, "verified", `${which}: ${result.detail}`);
      assert.deepEqual(
        result.provenances.map((p) => [p.format, p.predicateType, p.builderId, p.allowedSources.map((s) => [s.repository, s.commit])]),
        [[which === "bundle" ? "bundle" : "classic", which === "v02" ? "https://slsa.dev/provenance/v0.2" : "https://slsa.dev/provenance/v1", which === "v02" ? CHAINS_BUILDER : BUILDER, [["github.com/example/payments", COMMIT]]]],
      );
    }
  });

  it("refuses another key, a disallowed builder, another source repository and a provenance about another digest", async () => {
    assert.deepEqual(await verify(refs.otherKey), { status: "invalid", detail: "a Sigstore bundle provenance attestation (https://slsa.dev/provenance/v1) is not signed by a configured key", provenances: [] });
    assert.equal((await verify(refs.otherKey, [publicKey, otherPublicKey])).status, "verified", "any configured key may sign");
    assert.equal((await verify(refs.classic, [otherPublicKey])).status, "invalid");
    assert.equal(
      (await verify(refs.badBuilder)).detail,
      `a classic .att provenance attestation (https://slsa.dev/provenance/v1) names builder https://evil.example/builder, which is not in builderIds (${BUILDER}, ${CHAINS_BUILDER})`,
    );
    assert.equal((await verify(refs.badRepo)).detail, "a Sigstore bundle provenance attestation (https://slsa.dev/provenance/v1) records source github.com/example/other, which is not in sourceRepositories (github.com/example/payments)");
    assert.deepEqual(await verify(refs.copied), { status: "invalid", detail: `a classic .att provenance attestation (https://slsa.dev/provenance/v1) is about ${digest("classic")}, not ${digest("copied")}`, provenances: [] });
    assert.deepEqual(await verify(refs.none), { status: "missing", detail: `no SLSA provenance attestation for ${digest("none")} in ${host}/goplatform/none`, provenances: [] });
  });

  const deployment = (name: string, image: string): ResourceToCheck => ({ type: "kubernetes:apps/v1:Deployment", name, props: { spec: { template: { spec: { containers: [{ image }] } } } } });
  const settings = () => ({ publicKeys: [publicKey], insecureRegistries: [host, "127.0.0.1:9"], ...requirements });
  const config = (): PolicyConfig => ({ "image-provenance": settings(), "image-provenance-reachable": settings() });
  const check = async (resources: ResourceToCheck[], policyConfig = config()) =>
    (await checkResources(resources, policyConfig, [imageProvenance, imageProvenanceReachable])).map((v) => [v.policyName, v.enforcementLevel, v.urn?.split("::").at(-1), v.message]);

  it("the policy passes attested images and fails the rest as mandatory, naming what is wrong; an unreachable registry is only advised", async () => {
    const gone = refs.none.replace(host, "127.0.0.1:9");
    const where = "spec.template.spec.containers[0].image";
    const remedy = (ref: string) => `; attest it from an allowed builder (Tekton Chains, or \`cosign attest --key <key> --type slsaprovenance1 --predicate <provenance.json> ${ref}\`).`;
    const found = await check([
      deployment("classic", refs.classic),
      deployment("bundle", refs.bundle),
      deployment("v02", refs.v02),
      deployment("other-key", refs.otherKey),
      deployment("bad-builder", refs.badBuilder),
      deployment("bad-repo", refs.badRepo),
      deployment("copied", refs.copied),
      deployment("none", refs.none),
      deployment("gone", gone),
      deployment("by-tag", `${host}/goplatform/none:latest`),
    ]);
    const mandatory = (name: string, ref: string, detail: string) => ["image-provenance", "mandatory", name, `${where}: ${ref} has no valid SLSA provenance (${detail})${remedy(ref)}`];
    assert.deepEqual(found, [
      mandatory("other-key", refs.otherKey, "a Sigstore bundle provenance attestation (https://slsa.dev/provenance/v1) is not signed by a configured key"),
      mandatory("bad-builder", refs.badBuilder, `a classic .att provenance attestation (https://slsa.dev/provenance/v1) names builder https://evil.example/builder, which is not in builderIds (${BUILDER}, ${CHAINS_BUILDER})`),
      mandatory("bad-repo", refs.badRepo, "a Sigstore bundle provenance attestation (https://slsa.dev/provenance/v1) records source github.com/example/other, which is not in sourceRepositories (github.com/example/payments)"),
      mandatory("copied", refs.copied, `a classic .att provenance attestation (https://slsa.dev/provenance/v1) is about ${digest("classic")}, not ${digest("copied")}`),
      mandatory("none", refs.none, `no SLSA provenance attestation for ${digest("none")} in ${host}/goplatform/none`),
      ["image-provenance-reachable", "advisory", "gone", `${where}: could not check the SLSA provenance of ${gone}: 127.0.0.1:9 could not be reached: fetch failed. Give the policy run network access and registry credentials ($DOCKER_CONFIG/config.json).`],
    ]);
    const strict = { ...config(), "image-provenance": { ...settings(), requireReachable: true } };
    assert.deepEqual((await check([deployment("gone", gone)], strict)).map((v) => [v[0], v[1]]), [["image-provenance", "mandatory"], ["image-provenance-reachable", "advisory"]], "requireReachable fails closed");
    assert.deepEqual(await check([deployment("none", refs.none)], {}), [], "no key configured, no check");
    assert.deepEqual((await check([deployment("classic", refs.classic)], { "image-provenance": { ...settings(), builderIds: [] } })).map((v) => v[3]), [
      `${where}: ${refs.classic} has no valid SLSA provenance (a classic .att provenance attestation (https://slsa.dev/provenance/v1) names builder ${BUILDER}, which is not in builderIds (none configured))${remedy(refs.classic)}`,
    ]);
    assert.deepEqual(await check([deployment("none", refs.none)], { "image-provenance": { ...settings(), imagePrefixes: ["registry.example.com"] } }), [], "outside imagePrefixes, not checked");
  });

  /** The resources a stack with a GoApp registers, as the policies see them at preview. */
  const stackWithGoApp = async (app: { repoUrl: string; targetRevision: string; images?: string[] }, extra: ResourceToCheck[] = []): Promise<ResourceToCheck[]> => {
    const { resources } = await runUnderMocks(
      () => {
        const { argoCd } = new ArgoCd("argocd", { cluster: fakeCluster("aws"), project: { sourceRepos: [app.repoUrl], destinations: [{ namespace: "payments" }], requireSignedCommits: false } });
        new GoApp("payments", { argoCd, path: "deploy/payments", namespace: "payments", ...app });
      },
      { preview: true },
    );
    return [...resources.forPolicies(), ...extra];
  };

  it("where a GoApp deploys the provenance's source repository, the provenance's commit must be the revision it pins", async () => {
    const images = [`payments=${refs.classic}`];
    assert.deepEqual(await check(await stackWithGoApp({ repoUrl: `${SOURCE}.git`, targetRevision: COMMIT, images })), [], "built from the deployed commit");
    const where = "spec.source.kustomize.images[0]";
    assert.deepEqual(await check(await stackWithGoApp({ repoUrl: `${SOURCE}.git`, targetRevision: OTHER_COMMIT, images })), [
      [
        "image-provenance",
        "mandatory",
        "payments",
        `${where}: ${refs.classic} was built from github.com/example/payments at ${COMMIT}, but Application payments deploys github.com/example/payments at ${OTHER_COMMIT} (spec.source.targetRevision); build the image from the deployed revision, or deploy the revision it was built from.`,
      ],
    ]);
    // A GoApp of another repository (a separate deploy repository) says nothing about the image's commit.
    assert.deepEqual(await check(await stackWithGoApp({ repoUrl: "https://github.com/example/deploy.git", targetRevision: OTHER_COMMIT, images })), []);
    // An image the stack runs itself, next to a GoApp of its source repository at another commit.
    const alongside = await check(await stackWithGoApp({ repoUrl: `${SOURCE}.git`, targetRevision: OTHER_COMMIT }, [deployment("v02", refs.v02)]));
    assert.deepEqual(alongside.map((v) => [v[0], v[2]]), [["image-provenance", "v02"]]);
    assert.match(String(alongside[0]?.[3]), new RegExp(`was built from github\\.com/example/payments at ${COMMIT}, but Application payments deploys`));
    // A tag-pinned GoApp: the provenance records a branch, not a tag, so the commit cannot be compared at preview.
    assert.deepEqual(await check(await stackWithGoApp({ repoUrl: `${SOURCE}.git`, targetRevision: "v1.4.2", images })), []);
  });

  describe("in pulumi preview, with the pack and its config", () => {
    let project: string;
    let cluster: LocalCluster;
    let cli: PulumiCli;

    before(() => {
      // A program of its own: Deployments of the images the stack config names, on the test's control plane.
      project = writeProgramProject(
        path.join(work, "project"),
        "provenance-check",
        [
          '"use strict";',
          'const k8s = require("@pulumi/kubernetes");',
          'const pulumi = require("@pulumi/pulumi");',
          "const config = new pulumi.Config();",
          'const provider = new k8s.Provider("local", { kubeconfig: config.requireSecret("kubeconfig") });',
          'for (const [name, image] of Object.entries(config.requireObject("images"))) {',
          '  new k8s.apps.v1.Deployment(name, { metadata: { namespace: "default" }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } } } }, { provider });',
          "}",
          "",
        ].join("\n"),
      );
      cluster = LocalCluster.start(path.join(work, "cluster"));
      cli = new PulumiCli(project, path.join(work, "state"));
      cli.ok(["stack", "init", "dev"]);
      cli.ok(["config", "set", "--secret", "kubeconfig", "--", readFileSync(cluster.kubeconfig, "utf8")]);
    });
    after(() => {
      LocalCluster.purge(path.join(work, "cluster"));
    });

    it("passes attested images, and fails the preview for an image without provenance, with the policy's message", () => {
      const packConfig = path.join(work, "policy-config.json");
      writeFileSync(packConfig, JSON.stringify(config()));
      const preview = (images: Record<string, string>) => {
        cli.ok(["config", "set", "--path", "images", "--", JSON.stringify(images)]);
        return cli.run(["preview", "--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", packConfig]);
      };
      const passing = preview({ classic: refs.classic, bundle: refs.bundle });
      assert.equal(passing.status, 0, passing.output);
      assert.doesNotMatch(passing.output, /image-provenance/);
      const failing = preview({ classic: refs.classic, none: refs.none, "bad-builder": refs.badBuilder });
      assert.notEqual(failing.status, 0, failing.output);
      assert.match(failing.output, /\[mandatory\] \[severity: high\]\s+image-provenance/);
      const flat = failing.output.replace(/\s+/g, " ");
      assert.ok(flat.includes(`spec.template.spec.containers[0].image: ${refs.none} has no valid SLSA provenance (no SLSA provenance attestation for ${digest("none")} in ${host}/goplatform/none)`), failing.output);
      assert.ok(flat.includes(`${refs.badBuilder} has no valid SLSA provenance (a classic .att provenance attestation (https://slsa.dev/provenance/v1) names builder https://evil.example/builder`), failing.output);
      assert.ok(!flat.includes(`${refs.classic} has no valid`), failing.output);
    });
  });
});
