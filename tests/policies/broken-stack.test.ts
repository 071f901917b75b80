// A deliberately broken program, written with the real provider SDKs and run under
// mocks: the pack reports each violation it contains, by policy.
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import { goMetadata } from "../../components/go";
import { checkResources } from "../../policies/index";
import { runUnderMocks } from "../harness/mocks";

function brokenProgram(): void {
  new k8s.apps.v1.Deployment("tagged", {
    metadata: { labels: goMetadata("1.25.14") },
    spec: { selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "registry.example.com/api:v1" }] } } },
  });
  new aws.lambda.Function("legacy", { runtime: "go1.x", handler: "main", role: "arn:aws:iam::123456789012:role/legacy", s3Bucket: "b", s3Key: "k" });
  new aws.lambda.CodeSigningConfig("warn-only", { allowedPublishers: { signingProfileVersionArns: ["arn:aws:signer:eu-west-1:123456789012:/signing-profiles/p/v"] }, policies: { untrustedArtifactOnDeployment: "Warn" } });
  new gcp.container.Cluster("gke", { location: "europe-west1", initialNodeCount: 1 });
  new gcp.cloudrunv2.Service("run", { location: "europe-west1", template: { containers: [{ image: "europe-west1-docker.pkg.dev/p/r/api:latest" }] } });
  new aws.eks.Cluster("eks", { roleArn: "arn:aws:iam::123456789012:role/eks", vpcConfig: { subnetIds: ["subnet-1", "subnet-2"] } });
  new k8s.apiextensions.CustomResource("build", {
    apiVersion: "tekton.dev/v1",
    kind: "Pipeline",
    metadata: { name: "build" },
    spec: { tasks: [{ name: "ko", taskSpec: { steps: [{ name: "ko", image: `ghcr.io/ko-build/ko@sha256:${"e".repeat(64)}`, script: "ko build ./cmd/api" }] } }] },
  });
  new k8s.apiextensions.CustomResource("app", { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "api" }, spec: { source: { repoURL: "https://git.example.com/deploy.git", targetRevision: "main", path: "api" } } });
  new k8s.apiextensions.CustomResource("project", { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name: "open" }, spec: { sourceRepos: ["https://git.example.com/deploy.git"] } });
}

describe("policies: a deliberately broken stack", function () {
  this.timeout(120_000);

  it("reports each expected violation, as mandatory", async () => {
    const { resources } = await runUnderMocks(brokenProgram, { preview: true });
    const violations = await checkResources(resources.forPolicies(), { "go-version-supported": { asOf: "2026-11-23" }, "go-patch-level": { asOf: "2026-11-23" } });
    const found = violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn?.split("::").at(-1) ?? ""}`).sort();
    assert.deepEqual(found, [
      "mandatory argocd-project-signature-keys project",
      "mandatory argocd-revision-pinned app",
      "mandatory binary-authorization gke",
      "mandatory binary-authorization run",
      "mandatory cluster-signature-admission eks",
      "mandatory go-lambda-runtime legacy",
      "mandatory go-version-supported tagged",
      "mandatory images-pinned-by-digest run",
      "mandatory images-pinned-by-digest tagged",
      "mandatory lambda-code-signing legacy",
      "mandatory lambda-code-signing warn-only",
      "mandatory tekton-pipeline-signing build",
    ]);
  });
});
