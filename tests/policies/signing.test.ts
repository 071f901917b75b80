import { strict as assert } from "node:assert";
import { checkResources, deliveryPolicies, imagesFromAllowedRegistries, imagesPinnedByDigest, signingPolicies, UNKNOWN, type PolicyConfig, type ResourceToCheck } from "../../policies/index";

const digest = `sha256:${"c".repeat(64)}`;
const pinned = `europe-docker.pkg.dev/acme/images/api@${digest}`;
const policies = [imagesPinnedByDigest, imagesFromAllowedRegistries, ...signingPolicies.resource, ...signingPolicies.stack, ...deliveryPolicies.resource, ...deliveryPolicies.stack];
const lines = async (resources: ResourceToCheck[], config: PolicyConfig = {}) =>
  (await checkResources(resources, config, policies)).map((v) => `${v.policyName} ${v.urn?.split("::").at(-1) ?? ""}: ${v.message}`);

const podSpec = (image: string) => ({ initContainers: [{ name: "init", image: pinned }], containers: [{ name: "app", image }], ephemeralContainers: [{ name: "debug", image: pinned }] });
const kinds: [string, (spec: unknown) => Record<string, unknown>][] = [
  ["kubernetes:core/v1:Pod", (spec) => ({ spec })],
  ["kubernetes:apps/v1:Deployment", (spec) => ({ spec: { template: { spec } } })],
  ["kubernetes:apps/v1:StatefulSet", (spec) => ({ spec: { template: { spec } } })],
  ["kubernetes:apps/v1:DaemonSet", (spec) => ({ spec: { template: { spec } } })],
  ["kubernetes:apps/v1:ReplicaSet", (spec) => ({ spec: { template: { spec } } })],
  ["kubernetes:batch/v1:Job", (spec) => ({ spec: { template: { spec } } })],
  ["kubernetes:batch/v1:CronJob", (spec) => ({ spec: { jobTemplate: { spec: { template: { spec } } } } })],
];

describe("policies: images pinned by digest, from allowed registries", () => {
  for (const [type, wrap] of kinds) {
    it(`${type}: a tag fails, a digest passes`, async () => {
      const kind = type.split(":").at(-1) ?? "";
      assert.deepEqual(await lines([{ type, name: "w", props: wrap(podSpec(pinned)) }]), []);
      const found = await lines([{ type, name: "w", props: wrap(podSpec("nginx:1.27")) }]);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0] ?? "", new RegExp(`^images-pinned-by-digest w: .*containers\\[0\\]\\.image uses "nginx:1\\.27" by tag; pin it by digest \\(docker\\.io/library/nginx@sha256:…`), kind);
    });
  }

  it("checks Tekton steps, sidecars and step templates, Cloud Run containers and Lambda images", async () => {
    const found = await lines([
      { type: "kubernetes:tekton.dev/v1:Task", name: "t", props: { spec: { stepTemplate: { image: "alpine" }, steps: [{ image: pinned }], sidecars: [{ image: "redis:7" }] } } },
      { type: "kubernetes:tekton.dev/v1:Pipeline", name: "p", props: { spec: { tasks: [{ name: "a", taskSpec: { steps: [{ image: "golang:1.27.4" }] } }] } } },
      { type: "gcp:cloudrunv2/service:Service", name: "run", props: { template: { containers: [{ image: "europe-docker.pkg.dev/acme/images/api:v1" }] }, binaryAuthorization: { useDefault: true } } },
      { type: "aws:lambda/function:Function", name: "fn", props: { packageType: "Image", imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:latest" } },
    ]);
    assert.deepEqual(
      found.map((l) => l.replace(/; pin it.*/, "")),
      [
        'images-pinned-by-digest t: spec.sidecars[0].image uses "redis:7" by tag',
        'images-pinned-by-digest t: spec.stepTemplate.image uses "alpine" by tag',
        'images-pinned-by-digest p: spec.tasks[0].taskSpec.steps[0].image uses "golang:1.27.4" by tag',
        'images-pinned-by-digest run: template.containers[0].image uses "europe-docker.pkg.dev/acme/images/api:v1" by tag',
        'images-pinned-by-digest fn: imageUri uses "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:latest" by tag',
      ],
    );
  });

  it("does not judge strings that merely look like images, nor unknowns", async () => {
    assert.deepEqual(
      await lines([
        { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { data: { image: "nginx:latest" }, metadata: { annotations: { image: "redis" } } } },
        { type: "kubernetes:apps/v1:Deployment", name: "d", props: { metadata: { annotations: { "kubectl.kubernetes.io/image": "nginx" } }, spec: { template: { spec: { containers: [{ image: UNKNOWN }] } } } } },
      ]),
      [],
    );
  });

  it("applies the registry allow-list only when configured", async () => {
    const resources: ResourceToCheck[] = [{ type: "kubernetes:core/v1:Pod", name: "p", props: { spec: { containers: [{ image: pinned }, { image: `ghcr.io/other/tool@${digest}` }] } } }];
    assert.deepEqual(await lines(resources), []);
    assert.deepEqual(await lines(resources, { "images-from-allowed-registries": { allowedRegistries: ["europe-docker.pkg.dev/acme/"] } }), [
      "images-from-allowed-registries p: spec.containers[1].image pulls ghcr.io/other/tool, which is outside the allowed registries (europe-docker.pkg.dev/acme/); mirror the image into one of them.",
    ]);
  });
});

describe("policies: platform signature checks", () => {
  it("Lambda zip functions need an enforcing code signing config; image functions are judged by image rules", async () => {
    const found = await lines([
      { type: "aws:lambda/function:Function", name: "signed", props: { codeSigningConfigArn: "arn:aws:lambda:eu-west-1:1:code-signing-config:csc-1" } },
      { type: "aws:lambda/function:Function", name: "pending", props: { codeSigningConfigArn: UNKNOWN } },
      { type: "aws:lambda/function:Function", name: "unsigned", props: { runtime: "provided.al2023" } },
      { type: "aws:lambda/function:Function", name: "image", props: { packageType: "Image", imageUri: pinned } },
      { type: "aws:lambda/codeSigningConfig:CodeSigningConfig", name: "warn", props: { policies: { untrustedArtifactOnDeployment: "Warn" } } },
      { type: "aws:lambda/codeSigningConfig:CodeSigningConfig", name: "enforce", props: { policies: { untrustedArtifactOnDeployment: "Enforce" } } },
    ]);
    assert.deepEqual(found, [
      "lambda-code-signing unsigned: the function has no code signing config; set codeSigningConfigArn to a config that enforces signatures from your AWS Signer profile (GoLambdaFunction does this by default).",
      'lambda-code-signing warn: untrustedArtifactOnDeployment is "Warn": unsigned or tampered code would still deploy; set policies.untrustedArtifactOnDeployment to "Enforce".',
    ]);
  });

  it("GKE enforces Binary Authorization; Cloud Run has it on", async () => {
    const found = await lines([
      { type: "gcp:container/cluster:Cluster", name: "gke-ok", props: { binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" } } },
      { type: "gcp:container/cluster:Cluster", name: "gke-off", props: { binaryAuthorization: { evaluationMode: "DISABLED" } } },
      { type: "gcp:container/cluster:Cluster", name: "gke-unset", props: {} },
      { type: "gcp:cloudrunv2/service:Service", name: "run-ok", props: { binaryAuthorization: { useDefault: true }, template: { containers: [{ image: pinned }] } } },
      { type: "gcp:cloudrunv2/service:Service", name: "run-policy", props: { binaryAuthorization: { policy: "projects/p/platforms/cloudRun/policies/strict" } } },
      { type: "gcp:cloudrunv2/job:Job", name: "job-off", props: {} },
    ]);
    assert.deepEqual(
      found.map((l) => l.split(":")[0]),
      ["binary-authorization gke-off", "binary-authorization gke-unset", "binary-authorization job-off"],
    );
    assert.match(found[0] ?? "", /evaluationMode is "DISABLED"; set it to "PROJECT_SINGLETON_POLICY_ENFORCE"/);
  });

  it("an EKS or AKS cluster needs an admission-time signature check in the same stack", async () => {
    const eks: ResourceToCheck = { type: "aws:eks/cluster:Cluster", name: "eks", props: {} };
    const aks: ResourceToCheck = { type: "azure-native:containerservice:ManagedCluster", name: "aks", props: {} };
    const found = await lines([eks, aks]);
    assert.deepEqual(
      found.map((l) => l.split(":").slice(0, 1).join()),
      ["cluster-signature-admission eks", "cluster-signature-admission aks"],
    );
    const emptyPolicy: ResourceToCheck = { type: "kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy", name: "cip", props: { spec: { images: [{ glob: "**" }], authorities: [] } } };
    assert.equal((await lines([eks, emptyPolicy])).length, 1, "a policy without authorities checks nothing");
    const keyPolicy: ResourceToCheck = { ...emptyPolicy, props: { spec: { images: [{ glob: "europe-docker.pkg.dev/acme/**" }], authorities: [{ key: { data: "-----BEGIN PUBLIC KEY-----" } }] } } };
    assert.deepEqual(await lines([eks, aks, keyPolicy]), []);
    const kyverno: ResourceToCheck = { type: "kubernetes:kyverno.io/v1:ClusterPolicy", name: "kv", props: { spec: { rules: [{ name: "verify", verifyImages: [{ imageReferences: ["*"] }] }] } } };
    assert.deepEqual(await lines([eks, kyverno]), []);
    assert.deepEqual(await lines([{ type: "gcp:container/cluster:Cluster", name: "gke", props: { binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" } } }]), []);
  });
});

describe("policies: delivery (Tekton signing, Argo CD pinning)", () => {
  const build = { name: "build", taskRef: { name: "ko-build" } };
  const koTask: ResourceToCheck = { type: "kubernetes:tekton.dev/v1:Task", name: "ko", props: { metadata: { name: "ko-build" }, spec: { steps: [{ image: `ghcr.io/ko-build/ko@${digest}`, script: "ko build --bare ./cmd/api" }] } } };
  const pipeline = (results: string[]): ResourceToCheck => ({ type: "kubernetes:tekton.dev/v1:Pipeline", name: "go", props: { spec: { tasks: [build], results: results.map((name) => ({ name, value: "$(tasks.build.results.x)" })) } } });
  const chains = (data: Record<string, string>): ResourceToCheck => ({ type: "kubernetes:core/v1:ConfigMap", name: "chains", props: { metadata: { name: "chains-config", namespace: "tekton-chains" }, data } });

  it("passes a pipeline signed by Chains that exposes its image", async () => {
    assert.deepEqual(await lines([koTask, pipeline(["IMAGE_URL", "IMAGE_DIGEST"]), chains({ "artifacts.taskrun.format": "slsa/v1", "artifacts.oci.signer": "x509" })]), []);
  });

  it("fails a pipeline that builds but neither signs nor attests, saying what is missing", async () => {
    const found = await lines([koTask, pipeline([])]);
    assert.deepEqual(found, [
      "tekton-pipeline-signing go: pipeline go builds images without signing them and attesting provenance (no `cosign sign` step; no `cosign attest` step; no chains-config in the stack (Tekton component with Chains); no IMAGE_URL/IMAGE_DIGEST pipeline result for Chains); use GoPipeline on the Tekton component (Chains), or add cosign sign and cosign attest steps.",
    ]);
    assert.match((await lines([koTask, pipeline(["IMAGE_URL", "IMAGE_DIGEST"]), chains({ "artifacts.oci.signer": "none" })]))[0] ?? "", /artifacts\.oci\.signer to none/);
    assert.deepEqual(await lines([koTask, pipeline(["IMAGE_URL", "IMAGE_DIGEST"])], { "tekton-pipeline-signing": { chainsInstalledElsewhere: true } }), []);
  });

  it("passes explicit cosign sign and attest steps, and ignores pipelines that build no image", async () => {
    const explicit: ResourceToCheck = {
      type: "kubernetes:tekton.dev/v1:Pipeline",
      name: "explicit",
      props: { spec: { tasks: [build, { name: "sign", taskSpec: { steps: [{ image: pinned, script: "cosign sign --key k $(params.image)\ncosign attest --type slsaprovenance --predicate p.json --key k $(params.image)" }] } }] } },
    };
    const testsOnly: ResourceToCheck = { type: "kubernetes:tekton.dev/v1:Pipeline", name: "tests", props: { spec: { tasks: [{ name: "t", taskSpec: { steps: [{ image: pinned, script: "go test ./..." }] } }] } } };
    assert.deepEqual(await lines([koTask, explicit, testsOnly]), []);
  });

  it("Argo CD Applications pin a commit or exact version; AppProjects require signature keys", async () => {
    const app = (source: Record<string, unknown>): ResourceToCheck => ({ type: "kubernetes:argoproj.io/v1alpha1:Application", name: "app", props: { spec: { source } } });
    const found = await lines([
      app({ repoURL: "https://git.example.com/api.git", targetRevision: "0123456789abcdef0123456789abcdef01234567" }),
      app({ repoURL: "https://git.example.com/api.git", targetRevision: "v1.4.2" }),
      app({ repoURL: "https://charts.example.com", chart: "api", targetRevision: "1.4.2" }),
      app({ repoURL: "https://git.example.com/api.git", targetRevision: "HEAD" }),
      app({ repoURL: "https://git.example.com/api.git", targetRevision: "main" }),
      app({ repoURL: "https://charts.example.com", chart: "api", targetRevision: "^1.4.0" }),
      app({ repoURL: "https://git.example.com/api.git" }),
      { type: "kubernetes:argoproj.io/v1alpha1:ApplicationSet", name: "set", props: { spec: { template: { spec: { source: { targetRevision: "{{.revision}}" } } } } } },
      { type: "kubernetes:argoproj.io/v1alpha1:AppProject", name: "signed", props: { spec: { signatureKeys: [{ keyID: "4AEE18F83AFDEB23" }] } } },
      { type: "kubernetes:argoproj.io/v1alpha1:AppProject", name: "open", props: { spec: { sourceRepos: ["*"] } } },
    ]);
    assert.deepEqual(
      found.map((l) => l.replace(/; .*/, "")),
      [
        'argocd-revision-pinned app: spec.source.targetRevision is "HEAD"',
        'argocd-revision-pinned app: spec.source.targetRevision is "main"',
        'argocd-revision-pinned app: spec.source.targetRevision is "^1.4.0"',
        'argocd-revision-pinned app: spec.source.targetRevision is "unset (HEAD)"',
        "argocd-project-signature-keys open: spec.signatureKeys is empty, so Argo CD syncs unsigned commits",
      ],
    );
    assert.deepEqual(await lines([app({ targetRevision: "main" })], { "argocd-revision-pinned": { allowUnpinned: true } }), []);
  });
});

describe("checkResources: the pack's config file", () => {
  const tagged: ResourceToCheck = { type: "kubernetes:core/v1:Pod", name: "p", props: { spec: { containers: [{ image: "nginx:1.27" }] } } };
  const levels = async (config: PolicyConfig) => (await checkResources([tagged], config, [imagesPinnedByDigest])).map((v) => v.enforcementLevel);

  it("overrides a policy's enforcement level by name, by object, or for all; disabled skips it", async () => {
    assert.deepEqual(await levels({}), ["mandatory"]);
    assert.deepEqual(await levels({ "images-pinned-by-digest": "advisory" }), ["advisory"]);
    assert.deepEqual(await levels({ "images-pinned-by-digest": { enforcementLevel: "advisory" } }), ["advisory"]);
    assert.deepEqual(await levels({ all: "advisory" }), ["advisory"]);
    assert.deepEqual(await levels({ all: "advisory", "images-pinned-by-digest": "mandatory" }), ["mandatory"]);
    assert.deepEqual(await levels({ "images-pinned-by-digest": "disabled" }), []);
  });
});
