import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { zipSync } from "fflate";
import { buildGo, gcpGoLabels, goMetadata, resolveGoBuild, zipLambdaBootstrap } from "../../components/go";
import { checkResources, goVersionPolicies, UNKNOWN, type PolicyConfig, type ResourceToCheck } from "../../policies/index";

const day = { asOf: "2026-11-23" };
const config: PolicyConfig = { "go-version-supported": day, "go-patch-level": day };
const check = (resources: ResourceToCheck[], extra: PolicyConfig = {}) => checkResources(resources, { ...config, ...extra }, goVersionPolicies);
const lines = async (resources: ResourceToCheck[], extra: PolicyConfig = {}) => (await check(resources, extra)).map((v) => `${v.policyName} ${v.urn?.split("::").at(-1) ?? ""}: ${v.message}`);
const deployment = (labels: Record<string, string>, image = "registry.example.com/api@sha256:" + "a".repeat(64)): ResourceToCheck => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "api",
  props: { metadata: { name: "api", labels }, spec: { template: { spec: { containers: [{ name: "api", image }] } } } },
});
const task = (image: string): ResourceToCheck => ({
  type: "kubernetes:tekton.dev/v1:Task",
  name: "test",
  props: { metadata: { name: "go-test" }, spec: { steps: [{ name: "test", image, script: "go test ./..." }] } },
});

describe("policies: Go version rules", function () {
  this.timeout(600_000);

  it("pass current releases in every form a Go version is chosen", async () => {
    assert.deepEqual(
      await lines([
        deployment(goMetadata("1.27.4", "example.com/api")),
        { type: "aws:lambda/function:Function", name: "fn", props: { tags: goMetadata("go1.26.11"), runtime: "provided.al2023" } },
        { type: "gcp:cloudrunv2/service:Service", name: "run", props: { labels: gcpGoLabels("1.27.4", "example.com/api") } },
        task(`golang:1.27.4-bookworm@sha256:${"b".repeat(64)}`),
        { type: "kubernetes:core/v1:ConfigMap", name: "plain", props: { metadata: { labels: { app: "x" } }, data: { image: "golang:1.19" } } },
      ]),
      [],
    );
  });

  it("fail an unsupported line, naming the supported window", async () => {
    assert.deepEqual(await lines([deployment(goMetadata("1.25.14"))]), [
      "go-version-supported api: metadata.labels chooses Go 1.25.14; on 2026-11-23 the Go project supports only the 1.27 and 1.26 lines: move to Go 1.27.",
    ]);
  });

  it("fail a patch below the floor, naming floor and latest", async () => {
    assert.deepEqual(await lines([{ type: "gcp:cloudrunv2/service:Service", name: "run", props: { labels: gcpGoLabels("1.26.8") } }]), [
      "go-patch-level run: labels chooses Go 1.26.8, below the 1.26 patch floor 1.26.11 on 2026-11-23 (latest 1.26.11); rebuild with Go 1.26.11.",
    ]);
  });

  it("judge golang images in Tekton steps and pod specs (init containers included), not lookalike strings", async () => {
    const pod: ResourceToCheck = {
      type: "kubernetes:batch/v1:CronJob",
      name: "nightly",
      props: { metadata: { annotations: { note: "golang:1.20" } }, spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ image: "docker.io/library/golang:1.25.3" }], containers: [{ image: "golang:latest" }] } } } } } },
    };
    assert.deepEqual(await lines([task("golang:1.26.2-alpine"), pod]), [
      "go-version-supported nightly: spec.jobTemplate.spec.template.spec.initContainers[0].image chooses Go 1.25.3; on 2026-11-23 the Go project supports only the 1.27 and 1.26 lines: move to Go 1.27.",
      'go-version-supported nightly: spec.jobTemplate.spec.template.spec.containers[0].image chooses Go image "golang:latest" (its tag pins no Go version), which is not a Go release; expected go1.26.8 or 1.26.8 (a release), 1.26 or go1.26 (a minor line / language version), go1.27rc1 or go1.27beta1 (a prerelease).',
      "go-patch-level test: spec.steps[0].image chooses Go 1.26.2, below the 1.26 patch floor 1.26.11 on 2026-11-23 (latest 1.26.11); rebuild with Go 1.26.11.",
    ]);
  });

  it("read the Go builder stage of a Dockerfile built by @pulumi/docker", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "goplatform-dockerfile-"));
    try {
      const dockerfile = path.join(dir, "Dockerfile");
      writeFileSync(dockerfile, "FROM --platform=$BUILDPLATFORM golang:1.24.6 AS build\nRUN go build ./...\nFROM scratch\nCOPY --from=build /app /app\n");
      assert.deepEqual(await lines([{ type: "docker:index/image:Image", name: "img", props: { build: { dockerfile, context: dir } } }]), [
        `go-version-supported img: build.dockerfile ${dockerfile}: FROM --platform=$BUILDPLATFORM golang:1.24.6 AS build chooses Go 1.24.6; on 2026-11-23 the Go project supports only the 1.27 and 1.26 lines: move to Go 1.27.`,
      ]);
      assert.deepEqual(await lines([{ type: "docker-build:index:Image", name: "inline", props: { dockerfile: { inline: "FROM golang:1.27.4\n" } } }]), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("enforce the organisation's floor when one is configured", async () => {
    const resources = [deployment(goMetadata("1.26.11")), deployment(goMetadata("1.27.4"))];
    assert.deepEqual(await lines(resources), []);
    assert.deepEqual(await lines(resources, { "go-version-floor": { minimum: "1.27.0" } }), [
      "go-version-floor api: metadata.labels chooses Go 1.26.11, below this organisation's floor Go 1.27.0; use Go 1.27.0 or newer.",
    ]);
  });

  it("refuse the retired go1.x Lambda runtime", async () => {
    assert.deepEqual(await lines([{ type: "aws:lambda/function:Function", name: "old", props: { runtime: "go1.x", handler: "main" } }]), [
      'go-lambda-runtime old: runtime go1.x is retired and no longer receives security patches; set runtime "provided.al2023" with a `bootstrap` binary built with -tags lambda.norpc (GoLambdaFunction does this).',
    ]);
  });

  it("fail closed when the release table is older than the limit on the judging day", async () => {
    const late = { "go-version-supported": { asOf: "2027-06-01" }, "go-patch-level": { asOf: "2027-06-01" } };
    const found = await lines([deployment(goMetadata("1.27.4"))], late);
    assert.equal(found.length, 1);
    assert.match(found[0] ?? "", /^go-version-supported api: .*goplatform's Go release table is from 2026-11-23, 190 days before 2027-06-01 \(limit 90\)/);
    assert.deepEqual(await lines([deployment(goMetadata("1.27.4"))], { "go-version-supported": { asOf: "2027-06-01", maxTableAgeDays: 200 }, "go-patch-level": { asOf: "2027-06-01" } }), []);
  });

  it("never throw, and never judge unknown values (preview)", async () => {
    assert.deepEqual(
      await lines([
        { type: "aws:lambda/function:Function", name: "weird", props: { tags: ["not", "a", "map"], labels: null, metadata: 7, code: 5, runtime: UNKNOWN } },
        { type: "kubernetes:apps/v1:Deployment", name: "unknown", props: { metadata: { labels: { "goplatform.dev/go-version": UNKNOWN } }, spec: { template: { spec: { containers: [{ image: UNKNOWN }, null, 3] } } } } },
        { type: "docker:index/image:Image", name: "elsewhere", props: { build: { dockerfile: "/no/such/Dockerfile" } } },
      ]),
      [],
    );
  });

  describe("a local Lambda archive's bootstrap, read from the binary", () => {
    let work: string;
    before(() => {
      work = mkdtempSync(path.join(tmpdir(), "goplatform-policy-lambda-"));
    });
    after(() => {
      rmSync(work, { recursive: true, force: true });
    });
    const fn = (zip: string): ResourceToCheck => ({ type: "aws:lambda/function:Function", name: "fn", props: { runtime: "provided.al2023", code: new pulumi.asset.FileArchive(zip) } });
    const source = path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "go", "hello");

    it("passes a GoLambdaFunction-style build, and judges the binary's own Go version", async () => {
      const built = await buildGo(resolveGoBuild({ source, outDir: path.join(work, "ok"), asOf: day.asOf }));
      const zip = await zipLambdaBootstrap(built.binary, path.join(work, "ok.zip"));
      assert.deepEqual(await lines([fn(zip.path)]), []);
      const old = await lines([fn(zip.path)], { "go-version-floor": { minimum: "1.28.0" } });
      assert.deepEqual(old, [`go-version-floor fn: code ${zip.path} (bootstrap build info) chooses Go 1.27.4, below this organisation's floor Go 1.28.0; use Go 1.28.0 or newer.`]);
    });

    it("fails a bootstrap built without -trimpath, and one that is not a Go binary", async () => {
      const plain = path.join(work, "bootstrap");
      execFileSync("go", ["build", "-o", plain, "."], { cwd: source, env: { ...process.env, GOTOOLCHAIN: "go1.27.4", CGO_ENABLED: "0", GOOS: "linux", GOARCH: "arm64", GOFLAGS: "-mod=readonly" } });
      const zip = await zipLambdaBootstrap(plain, path.join(work, "plain.zip"));
      assert.deepEqual(await lines([fn(zip.path)]), [
        `go-binary-build-settings fn: code ${zip.path}: the bootstrap was built without -trimpath (it embeds build machine paths); rebuild with go build -trimpath.`,
      ]);
      const script = path.join(work, "script.zip");
      writeFileSync(script, zipSync({ bootstrap: new TextEncoder().encode("#!/bin/sh\necho hi\n") }));
      const found = await lines([fn(script)]);
      assert.equal(found.length, 1);
      assert.match(found[0] ?? "", /^go-binary-build-settings fn: code .*script\.zip: the bootstrap is not a readable Go binary \(/);
    });
  });
});
