// Cases a review found the policies got wrong, each pinned by a test: look-alike
// registries, build arguments in Dockerfiles, blob signing, templated and sub-module
// revisions, unknowns inside lists, patch and rollout kinds, and Tekton's own
// Chains configuration (a ConfigMapPatch) next to GoPipeline.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { GoPipeline, parseImageRef, Tekton } from "../../components";
import { checkResources, goplatformPolicies, UNKNOWN, type PolicyConfig, type ResourceToCheck } from "../../policies/index";
import { fakeCluster } from "../harness/fake-clusters";
import { runUnderMocks } from "../harness/mocks";
import { AS_OF, ECR_ARN, GO_DIGESTS, IMAGE_REPO, PRIVATE_KEY, PUBLIC_KEY, REPO } from "../unit/delivery/fixtures";

const day = { asOf: "2026-11-23" };
const base: PolicyConfig = { "go-version-supported": day, "go-patch-level": day };
const names = async (resources: ResourceToCheck[], config: PolicyConfig = {}) =>
  (await checkResources(resources, { ...base, ...config }, goplatformPolicies)).map((v) => `${v.policyName} ${v.urn?.split("::").at(-1) ?? ""}`);
const digest = `sha256:${"d".repeat(64)}`;

describe("policies: review fixes", function () {
  this.timeout(120_000);

  it("image references: hosts normalised; allow-lists match whole segments, not look-alikes", async () => {
    assert.deepEqual(parseImageRef(`GHCR.IO:443/acme/api@${digest}`), { registry: "ghcr.io", repository: "acme/api", digest });
    assert.equal(parseImageRef("index.docker.io/library/nginx:1")?.registry, "docker.io");
    assert.equal(parseImageRef("bad_host.example/x:1"), undefined);
    const pod = (image: string): ResourceToCheck => ({ type: "kubernetes:core/v1:Pod", name: image.split("/")[0] ?? "", props: { spec: { containers: [{ image }] } } });
    const config = { "images-from-allowed-registries": { allowedRegistries: ["ghcr.io/acme", "europe-docker.pkg.dev"] } };
    const found = await names([pod(`ghcr.io/acme/api@${digest}`), pod(`GHCR.IO/acme/tools/x@${digest}`), pod(`ghcr.io.evil.example/acme/api@${digest}`), pod(`ghcr.io/acme-evil/api@${digest}`), pod(`europe-docker.pkg.dev/p/r/s@${digest}`)], config);
    assert.deepEqual(found, ["images-from-allowed-registries ghcr.io.evil.example", "images-from-allowed-registries ghcr.io"]);
  });

  it("Dockerfile build arguments: defaults are filled in; a golang tag left as a variable is reported", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "goplatform-args-"));
    try {
      const file = (name: string, text: string) => {
        writeFileSync(path.join(dir, name), text);
        return { type: "docker:index/image:Image", name, props: { build: { dockerfile: path.join(dir, name) } } };
      };
      const found = await names([
        file("old", "ARG GO_VERSION=1.19.13\nFROM golang:${GO_VERSION} AS build\n"),
        file("ok", 'ARG GO=1.27.4\nFROM golang:$GO-bookworm AS build\nFROM scratch\n'),
        file("open", "ARG GO_VERSION\nFROM golang:${GO_VERSION}\n"),
      ]);
      assert.deepEqual(found, ["go-version-supported old", "go-version-supported open"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Tekton: cosign sign-blob is not an image signature", async () => {
    const pipeline: ResourceToCheck = {
      type: "kubernetes:tekton.dev/v1:Pipeline",
      name: "blob",
      props: { spec: { tasks: [{ name: "b", taskSpec: { steps: [{ image: `r.example.com/ko@${digest}`, script: "ko build ./cmd/api\ncosign sign-blob --key k out.txt\ncosign attest-blob --key k out.txt" }] } }] } },
    };
    assert.deepEqual(await names([pipeline]), ["tekton-pipeline-signing blob"]);
  });

  it("Argo CD: sub-module and refs/tags versions are pinned; list-generator values are judged", async () => {
    const app = (targetRevision: string): ResourceToCheck => ({ type: "kubernetes:argoproj.io/v1alpha1:Application", name: targetRevision, props: { spec: { source: { repoURL: "https://git.example.com/x.git", targetRevision } } } });
    assert.deepEqual(await names([app("services/api/v1.2.3"), app("refs/tags/v1.4.0"), app("refs/heads/main")]), ["argocd-revision-pinned refs/heads/main"]);
    const set: ResourceToCheck = {
      type: "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
      name: "set",
      props: { spec: { generators: [{ list: { elements: [{ name: "a", revision: "v1.0.0" }, { name: "b", revision: "main" }] } }], template: { spec: { source: { targetRevision: "{{.revision}}" } } } } },
    };
    assert.deepEqual(await names([set]), ["argocd-revision-pinned set"]);
  });

  it("unknown values inside lists are not judged", async () => {
    assert.deepEqual(
      await names([
        { type: "kubernetes:argoproj.io/v1alpha1:AppProject", name: "p", props: { spec: { signatureKeys: [{ keyID: UNKNOWN }] } } },
        { type: "kubernetes:tekton.dev/v1:Pipeline", name: "t", props: { spec: { tasks: [{ name: "b", taskSpec: { steps: [{ image: `r.example.com/ko@${digest}`, script: "ko build ." }] } }], results: [{ name: UNKNOWN }] } } },
        { type: "kubernetes:core/v1:ConfigMap", name: "chains", props: { metadata: { name: "chains-config" }, data: {} } },
      ]),
      [],
    );
  });

  it("images in patch kinds, Argo Rollouts and v1alpha1 StepActions are judged", async () => {
    const found = await names([
      { type: "kubernetes:apps/v1:DeploymentPatch", name: "patch", props: { spec: { template: { spec: { containers: [{ image: "nginx:1" }] } } } } },
      { type: "kubernetes:argoproj.io/v1alpha1:Rollout", name: "rollout", props: { spec: { template: { spec: { containers: [{ image: "nginx:1" }] } } } } },
      { type: "kubernetes:tekton.dev/v1alpha1:StepAction", name: "action", props: { spec: { image: "alpine" } } },
    ]);
    assert.deepEqual(found, ["images-pinned-by-digest patch", "images-pinned-by-digest rollout", "images-pinned-by-digest action"]);
  });

  it("Tekton (Chains configured by a ConfigMapPatch) with GoPipeline passes the pack", async () => {
    const { resources } = await runUnderMocks(
      () => {
        const tekton = new Tekton("tekton", { cluster: fakeCluster("aws"), signingKey: { privateKey: PRIVATE_KEY, password: "pw", publicKey: PUBLIC_KEY } });
        new GoPipeline("payments", { cluster: tekton.cluster, repoUrl: REPO, imageRepository: IMAGE_REPO, registryPush: ECR_ARN, goImageDigests: GO_DIGESTS, goModule: "github.com/acme/payments", asOf: AS_OF });
      },
      { preview: true },
    );
    assert.ok(resources.ofType("kubernetes:core/v1:ConfigMapPatch").length > 0, "Tekton configures Chains with a patch");
    const violations = await checkResources(resources.forPolicies(), base);
    assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), []);
  });
});
