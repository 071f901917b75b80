import { strict as assert } from "node:assert";
import { ArgumentError, type ClusterData, GoPipeline, type GoPipelineArgs, isDigestRef } from "../../../components";
import { defaultGoVersion } from "../../../components/go";
import { fakeCluster } from "../../harness/fake-clusters";
import { type ResourceGraph, valueOf } from "../../harness/mocks";
import { AS_OF, ECR_ARN, fail, GO_DIGESTS, IMAGE_REPO, PRIVATE_KEY, REPO, run, WEBHOOK_SECRET } from "./fixtures";
import { type KubeObject, objectOf, objectsOfGroup, tektonLint } from "./validators";

interface Step { name: string; image: string; script?: string; args?: string[]; env?: { name: string; value?: string }[] }
interface TaskSpec { params?: { name: string }[]; results?: { name: string }[]; steps: Step[]; volumes?: { name: string; secret?: { secretName: string } }[] }
interface PipelineTask { name: string; runAfter?: string[]; taskRef: { name: string }; params?: { name: string; value: string }[] }
interface PipelineSpec { params: { name: string; default?: string }[]; results: { name: string; value: string }[]; tasks: PipelineTask[] }

const base = (cluster: ClusterData, extra: Partial<GoPipelineArgs> = {}): GoPipelineArgs => ({
  cluster,
  repoUrl: REPO,
  imageRepository: IMAGE_REPO,
  registryPush: ECR_ARN,
  goImageDigests: GO_DIGESTS,
  goModule: "github.com/acme/payments",
  asOf: AS_OF,
  ...extra,
});

function tasks(resources: ResourceGraph): Map<string, TaskSpec> {
  return new Map(resources.ofType("kubernetes:tekton.dev/v1:Task").map((r) => [r.name, r.inputs.spec as TaskSpec]));
}

function pipeline(resources: ResourceGraph): PipelineSpec {
  return resources.one("kubernetes:tekton.dev/v1:Pipeline").inputs.spec as PipelineSpec;
}

const allSteps = (resources: ResourceGraph): Step[] => [...tasks(resources).values()].flatMap((t) => t.steps);

describe("GoPipeline", () => {
  it("orders the tasks clone → mod → vet/lint, test, govulncheck → build and passes the pipeline parameters", async () => {
    const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"))));
    const spec = pipeline(resources);
    const order = Object.fromEntries(spec.tasks.map((t) => [t.name, t.runAfter ?? []]));
    assert.deepEqual(order, { clone: [], mod: ["clone"], lint: ["mod"], test: ["mod"], vulncheck: ["mod"], build: ["lint", "test", "vulncheck"] });
    assert.deepEqual(spec.tasks.map((t) => t.taskRef.name), ["payments-clone", "payments-mod", "payments-lint", "payments-test", "payments-vulncheck", "payments-build"]);
    assert.deepEqual(spec.params.map((p) => [p.name, p.default]), [["revision", undefined], ["repo-url", REPO], ["image-repo", IMAGE_REPO]]);
    const clone = spec.tasks.find((t) => t.name === "clone");
    assert.deepEqual(clone?.params, [{ name: "url", value: "$(params.repo-url)" }, { name: "revision", value: "$(params.revision)" }]);
    const build = spec.tasks.find((t) => t.name === "build");
    assert.deepEqual(build?.params, [{ name: "image-repo", value: "$(params.image-repo)" }, { name: "revision", value: "$(params.revision)" }]);

    const t = tasks(resources);
    assert.match(t.get("payments-mod")?.steps[0]?.script ?? "", /go mod download\ngo mod verify\n/);
    assert.match(t.get("payments-lint")?.steps.map((s) => s.script).join("") ?? "", /go vet \.\/\.\.\.[\s\S]*golangci-lint run/);
    assert.match(t.get("payments-test")?.steps[0]?.script ?? "", /go test -race -count=1 \.\/\.\.\./);
    assert.match(t.get("payments-vulncheck")?.steps[0]?.script ?? "", /go install golang\.org\/x\/vuln\/cmd\/govulncheck@v\d+\.\d+\.\d+\n[\s\S]*govulncheck -db/);
    assert.match(t.get("payments-build")?.steps[0]?.script ?? "", /ko build --bare --sbom=spdx --platform="\$PLATFORMS"/);
    const env = Object.fromEntries((t.get("payments-build")?.steps[0]?.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.PLATFORMS, "linux/amd64,linux/arm64");
    assert.equal(env.KO_DOCKER_REPO, "$(params.image-repo)");
    assert.ok(isDigestRef(env.KO_DEFAULTBASEIMAGE ?? ""), "ko's base image is pinned by digest");
  });

  it("sets the Go module environment on every step and refuses GOSUMDB=off", async () => {
    const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), { goProxy: "https://goproxy.internal", goPrivate: "github.com/acme/*", goFlags: "-mod=readonly -tags=netgo" })));
    for (const [name, task] of tasks(resources)) {
      const env = Object.fromEntries(((task as unknown as { stepTemplate: { env: { name: string; value: string }[] } }).stepTemplate.env).map((e) => [e.name, e.value]));
      assert.deepEqual([env.GOPROXY, env.GOSUMDB, env.GOPRIVATE, env.GOFLAGS], ["https://goproxy.internal", "sum.golang.org", "github.com/acme/*", "-mod=readonly -tags=netgo"], name);
    }
    const { error, resources: none } = await fail(() => new GoPipeline("payments", base(fakeCluster("aws"), { goSumDb: "off" })));
    assert.match(error.message, /GoPipeline: invalid goSumDb "off"/);
    assert.deepEqual(none.all, []);
  });

  for (const mode of ["chains", "cosign"] as const) {
    it(`pins every step image by digest (${mode} signing)`, async () => {
      const signing = mode === "chains" ? { mode } : { mode, privateKey: PRIVATE_KEY, password: "pw" };
      const { result, resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), { signing, testGoVersions: ["1.27.4", "1.26.11"] })));
      const steps = allSteps(resources);
      assert.ok(steps.length >= (mode === "chains" ? 8 : 11), `${steps.length} steps`);
      for (const step of steps) assert.ok(isDigestRef(step.image), `${step.name}: ${step.image}`);
      assert.deepEqual([...result.images].sort(), [...new Set(steps.map((s) => s.image))].sort());
    });
  }

  it("propagates one Go version setting to every Go step, the labels and the outputs", async () => {
    for (const goVersion of ["1.27.4", "1.26.11"]) {
      const { result, resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), { goVersion })));
      const golang = allSteps(resources).filter((s) => s.image.startsWith("docker.io/library/golang:"));
      assert.deepEqual(golang.map((s) => s.name).sort(), ["download-verify", "govulncheck", "ko-build", `test-go${goVersion.replaceAll(".", "-")}`, "vet"]);
      const digest = GO_DIGESTS[goVersion as keyof typeof GO_DIGESTS];
      for (const s of golang) assert.equal(s.image, `docker.io/library/golang:${goVersion}@${digest}`, s.name);
      for (const r of [...resources.ofType("kubernetes:tekton.dev/v1:Task"), resources.one("kubernetes:tekton.dev/v1:Pipeline")]) {
        const { labels, annotations } = r.inputs.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
        assert.equal(labels["goplatform.dev/go-version"], `go${goVersion}`, r.name);
        // Label values cannot hold a module path (the API server refuses the `/`): it is an annotation.
        assert.equal(labels["goplatform.dev/go-module"], undefined, r.name);
        assert.equal(annotations["goplatform.dev/go-module"], "github.com/acme/payments", r.name);
      }
      assert.equal(result.goVersion, goVersion);
      // Go steps never switch toolchains behind the pinned image's back.
      for (const s of golang) assert.ok(s.env?.some((e) => e.name === "GOTOOLCHAIN" && e.value === "local"), s.name);
    }
  });

  it("defaults to the Go version model's newest release and runs one race-test step per Go version", async () => {
    const { result, resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), { testGoVersions: ["1.27.4", "go1.26.11", "1.27.4"] })));
    assert.equal(result.goVersion, defaultGoVersion(AS_OF));
    assert.equal(result.goVersion, "1.27.4");
    const test = tasks(resources).get("payments-test");
    assert.deepEqual(test?.steps.map((s) => [s.name, s.image.split("@")[0]]), [
      ["test-go1-27-4", "docker.io/library/golang:1.27.4"],
      ["test-go1-26-11", "docker.io/library/golang:1.26.11"],
    ]);
  });

  it("signs through Tekton Chains by default: the build and the pipeline expose IMAGE_URL and IMAGE_DIGEST, the clone its commit", async () => {
    const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"))));
    const t = tasks(resources);
    assert.deepEqual(t.get("payments-build")?.results?.map((r) => r.name), ["IMAGE_URL", "IMAGE_DIGEST"]);
    assert.deepEqual(t.get("payments-clone")?.results?.map((r) => r.name), ["CHAINS-GIT_URL", "CHAINS-GIT_COMMIT"]);
    assert.deepEqual(pipeline(resources).results.map((r) => [r.name, r.value]), [
      ["IMAGE_URL", "$(tasks.build.results.IMAGE_URL)"],
      ["IMAGE_DIGEST", "$(tasks.build.results.IMAGE_DIGEST)"],
      ["CHAINS-GIT_URL", "$(tasks.clone.results.CHAINS-GIT_URL)"],
      ["CHAINS-GIT_COMMIT", "$(tasks.clone.results.CHAINS-GIT_COMMIT)"],
    ]);
    assert.equal(t.has("payments-sign"), false);
    const annotations = (resources.one("kubernetes:tekton.dev/v1:Pipeline").inputs.metadata as { annotations: Record<string, string> }).annotations;
    assert.deepEqual(annotations, { "goplatform.dev/go-module": "github.com/acme/payments", "goplatform.dev/signing": "tekton-chains", "goplatform.dev/provenance": "slsa" });
  });

  it("signs and attests SLSA provenance with explicit cosign steps in cosign mode, the key in a secret", async () => {
    const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), { signing: { mode: "cosign", privateKey: PRIVATE_KEY, password: "pw" } })));
    const sign = tasks(resources).get("payments-sign");
    assert.ok(sign);
    assert.deepEqual(sign.steps.map((s) => s.name), ["provenance", "sign", "attest"]);
    assert.deepEqual(sign.steps[1]?.args, ["sign", "--yes", "--key", "/signing/cosign.key", "--tlog-upload=false", "$(params.image-url)@$(params.image-digest)"]);
    assert.deepEqual(sign.steps[2]?.args?.slice(5, 9), ["--type", "slsaprovenance1", "--predicate", "/work/predicate.json"]);
    assert.equal(sign.volumes?.find((v) => v.name === "signing")?.secret?.secretName, "payments-signing");
    const signTask = pipeline(resources).tasks.find((x) => x.name === "sign");
    assert.ok(signTask);
    assert.deepEqual(signTask.runAfter, ["build"]);
    assert.equal(signTask.params?.find((p) => p.name === "image-digest")?.value, "$(tasks.build.results.IMAGE_DIGEST)");
    assert.equal((resources.one("kubernetes:tekton.dev/v1:Pipeline").inputs.metadata as { annotations: Record<string, string> }).annotations["goplatform.dev/signing"], "cosign");
    const secret = resources.one("kubernetes:core/v1:Secret", "payments-signing");
    for (const field of ["data", "stringData"]) assert.ok(secret.additionalSecretOutputs.includes(field), field);
    assert.equal((secret.inputs.stringData as Record<string, string>)["cosign.key"], PRIVATE_KEY);
  });

  it("binds the build ServiceAccount to a cloud identity allowed to push, and runs the pipeline as it", async () => {
    const acr = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/platform/providers/Microsoft.ContainerRegistry/registries/acmeregistry";
    const { result, resources } = await run(() => new GoPipeline("payments", base(fakeCluster("azure"), { registryPush: acr, trigger: { provider: "github", secret: WEBHOOK_SECRET } })));
    const component = resources.one("goplatform:index:GoPipeline");
    // A managed identity federated to payments/payments-build, with AcrPush on the registry, all children of the component.
    const identity = resources.one("azure-native:managedidentity:UserAssignedIdentity");
    assert.equal(identity.name, "payments-build");
    assert.equal(identity.parent, component.urn);
    assert.equal(resources.one("azure-native:managedidentity:FederatedIdentityCredential").inputs.subject, "system:serviceaccount:payments:payments-build");
    const grant = resources.one("azure-native:authorization:RoleAssignment");
    assert.equal(grant.inputs.scope, acr);
    assert.match(grant.inputs.roleDefinitionId as string, /8311e382-0749-4cb8-b61a-304f252e45ec$/);
    const sa = resources.one("kubernetes:core/v1:ServiceAccount", "payments-build");
    assert.deepEqual(sa.inputs.metadata, { name: "payments-build", namespace: "payments", annotations: { "azure.workload.identity/client-id": "payments-build-client-id" } });
    assert.equal(sa.parent, component.urn);
    assert.equal(await valueOf(result.cloudIdentity), "payments-build-client-id");
    const template = resources.one("kubernetes:triggers.tekton.dev/v1beta1:TriggerTemplate").inputs.spec as { resourcetemplates: { metadata: { labels: Record<string, string> }; spec: { taskRunTemplate: { serviceAccountName: string } } }[] };
    const pipelineRun = template.resourcetemplates[0];
    assert.ok(pipelineRun);
    assert.equal(pipelineRun.spec.taskRunTemplate.serviceAccountName, "payments-build");
    assert.equal(pipelineRun.metadata.labels["azure.workload.identity/use"], "true");
  });

  it("binds an IRSA role allowed to push to the ECR repository on EKS, and a Google service account on GKE", async () => {
    const aws = await run(() => new GoPipeline("payments", base(fakeCluster("aws"))));
    const role = aws.resources.one("aws:iam/role:Role");
    assert.equal(role.name, "payments-build");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
    assert.equal(trust.Statement[0]?.Condition.StringEquals["oidc.aws.example/demo:sub"], "system:serviceaccount:payments:payments-build");
    const grants = JSON.parse(aws.resources.one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string) as { Statement: { Action: string[]; Resource: string }[] };
    assert.ok(grants.Statement.some((s) => s.Resource === ECR_ARN && s.Action.includes("ecr:PutImage")));
    const annotations = (aws.resources.one("kubernetes:core/v1:ServiceAccount", "payments-build").inputs.metadata as { annotations: Record<string, string> }).annotations;
    assert.deepEqual(annotations, { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/payments-build" });

    const registry = "projects/demo-project/locations/europe-west1/repositories/platform";
    const gcp = await run(() => new GoPipeline("payments", base(fakeCluster("gcp"), { registryPush: registry })));
    const account = gcp.resources.one("gcp:serviceaccount/account:Account");
    const sa = gcp.resources.one("kubernetes:core/v1:ServiceAccount", "payments-build").inputs.metadata as { annotations: Record<string, string> };
    assert.deepEqual(Object.values(sa.annotations), [`${account.name}@demo-project.iam.gserviceaccount.com`]);
    assert.equal(gcp.resources.ofType("aws:iam/role:Role").length, 0);
  });

  it("on an ExistingCluster without registryPush binds no cloud identity", async () => {
    const { result, resources } = await run(() => new GoPipeline("payments", base(fakeCluster("existing"), { registryPush: undefined })));
    assert.deepEqual((resources.one("kubernetes:core/v1:ServiceAccount", "payments-build").inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {}, {});
    assert.equal(await valueOf(result.cloudIdentity), "");
  });

  it("verifies push webhooks with the provider's interceptor and keeps the secret a secret", async () => {
    for (const provider of ["github", "gitlab"] as const) {
      const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), { trigger: { provider, secret: WEBHOOK_SECRET, branch: "release" } })));
      const listener = resources.one("kubernetes:triggers.tekton.dev/v1beta1:EventListener").inputs.spec as {
        serviceAccountName: string;
        triggers: { interceptors: { ref: { name: string }; params: { name: string; value: unknown }[] }[] }[];
      };
      const interceptors = listener.triggers[0]?.interceptors ?? [];
      const verify = interceptors[0];
      const filter = interceptors[1];
      assert.ok(verify && filter);
      assert.equal(verify.ref.name, provider);
      assert.deepEqual(verify.params[0], { name: "secretRef", value: { secretName: "payments-webhook", secretKey: "token" } });
      assert.deepEqual(verify.params[1]?.value, provider === "github" ? ["push"] : ["Push Hook"]);
      // Branch deletions are push events too; they must not start a PipelineRun.
      assert.deepEqual(filter.params[0]?.value, provider === "github" ? "body.ref == 'refs/heads/release' && !body.deleted" : "body.ref == 'refs/heads/release' && body.checkout_sha != null");
      assert.equal(listener.serviceAccountName, "payments-triggers");
      const secret = resources.one("kubernetes:core/v1:Secret", "payments-webhook");
      assert.deepEqual(secret.inputs.stringData, { token: WEBHOOK_SECRET });
      for (const field of ["data", "stringData"]) assert.ok(secret.additionalSecretOutputs.includes(field), field);
      const binding = resources.one("kubernetes:triggers.tekton.dev/v1beta1:TriggerBinding").inputs.spec as { params: { name: string; value: string }[] };
      assert.deepEqual(binding.params, [{ name: "revision", value: provider === "github" ? "$(body.after)" : "$(body.checkout_sha)" }]);
      assert.equal(resources.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs.roleRef && (resources.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs.roleRef as { name: string }).name, "tekton-triggers-eventlistener-roles");
    }
  });

  describe("tekton-lint", function () {
    this.timeout(120_000);
    let objects: KubeObject[] = [];

    before(async () => {
      const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"), {
        signing: { mode: "cosign", privateKey: PRIVATE_KEY, password: "pw" },
        testGoVersions: ["1.27.4", "1.26.11"],
        trigger: { provider: "github", secret: WEBHOOK_SECRET },
      })));
      objects = objectsOfGroup(resources, "tekton.dev");
      assert.deepEqual(objects.map((o) => o.kind).sort(), ["EventListener", "Pipeline", "Task", "Task", "Task", "Task", "Task", "Task", "Task", "TriggerBinding", "TriggerTemplate"]);
    });

    it("finds no errors in the rendered Tasks, Pipeline and Triggers objects", async () => {
      const problems = await tektonLint(objects);
      assert.deepEqual(problems.filter((p) => p.level === "error"), []);
    });

    it("fails on a broken pipeline (a task parameter the pipeline does not pass)", async () => {
      const broken = structuredClone(objects);
      const pipelineObject = broken.find((o) => o.kind === "Pipeline") as KubeObject & { spec: PipelineSpec };
      const clone = pipelineObject.spec.tasks.find((t) => t.name === "clone");
      assert.ok(clone);
      clone.params = clone.params?.filter((p) => p.name !== "revision");
      const problems = await tektonLint(broken);
      assert.ok(problems.some((p) => p.level === "error" && /revision/.test(p.message)), JSON.stringify(problems));
    });
  });

  const bad: [string, Partial<GoPipelineArgs>, RegExp][] = [
    ["repo URL that is neither https nor ssh", { repoUrl: "ftp://github.com/acme/payments.git" }, /GoPipeline: invalid repoUrl "ftp:\/\/github\.com\/acme\/payments\.git"; expected a Git repository URL over https .* or ssh/],
    ["plain http repo URL", { repoUrl: "http://github.com/acme/payments.git" }, /invalid repoUrl "http:/],
    ["Go version outside the supported lines", { goVersion: "1.24.13" }, /GoPipeline: invalid goVersion "1\.24\.13"; expected a release in a supported line/],
    ["test Go version below the patch floor", { testGoVersions: ["1.26.1"] }, /invalid testGoVersions\[0\] "1\.26\.1"; it is below the 1\.26 patch floor/],
    ["missing golang digest", { goImageDigests: { "1.26.11": GO_DIGESTS["1.26.11"] } }, /invalid goImageDigests .*; expected the digest of docker\.io\/library\/golang:1\.27\.4/],
    ["golang digest that is a tag", { goImageDigests: { "1.27.4": "latest" } }, /invalid goImageDigests\["1\.27\.4"\] "latest"; expected an image digest/],
    ["step image by tag", { images: { git: "docker.io/alpine/git:v2.49.1" } }, /invalid images\.git "docker\.io\/alpine\/git:v2\.49\.1"; expected an image pinned by digest/],
    ["image repository with a tag", { imageRepository: `${IMAGE_REPO}:latest` }, /invalid imageRepository/],
    ["empty signing key", { signing: { mode: "cosign", privateKey: "", password: "pw" } }, /GoPipeline: invalid signing\.privateKey ""; expected an encrypted cosign private key/],
    ["unencrypted signing key", { signing: { mode: "cosign", privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", password: "pw" } }, /invalid signing\.privateKey \(a secret, not shown\)/],
    ["short webhook secret", { trigger: { provider: "github", secret: "hunter2" } }, /GoPipeline: invalid trigger\.secret \(a secret, not shown\); expected a webhook secret of at least 32 characters/],
    ["empty webhook secret", { trigger: { provider: "gitlab", secret: "" } }, /invalid trigger\.secret ""/],
    ["package outside the repository", { package: "../other" }, /invalid package "\.\.\/other"/],
    ["cosign mode without a private key", { signing: { mode: "cosign", password: "pw" } }, /GoPipeline: invalid signing\.privateKey undefined; expected the cosign private key \(cosign\.key, a Pulumi secret\) with signing mode "cosign"/],
    ["cosign mode without a password", { signing: { mode: "cosign", privateKey: PRIVATE_KEY } }, /GoPipeline: invalid signing\.password undefined; expected the cosign key password/],
    ["cosign mode with an empty password", { signing: { mode: "cosign", privateKey: PRIVATE_KEY, password: "" } }, /GoPipeline: invalid signing\.password ""/],
    ["chains mode with a private key", { signing: { mode: "chains", privateKey: PRIVATE_KEY } }, /GoPipeline: invalid signing\.privateKey \(a secret, not shown\); expected no signing\.privateKey with signing mode "chains"/],
    ["chains mode with a transparency log", { signing: { transparencyLog: true } }, /GoPipeline: invalid signing\.transparencyLog true; expected no signing\.transparencyLog with signing mode "chains"/],
    ["unknown signing mode", { signing: { mode: "none" as "chains" } }, /GoPipeline: invalid signing\.mode "none"; expected one of chains, cosign/],
    ["signing switched off", { signing: false as unknown as { mode: "chains" } }, /GoPipeline: invalid signing false; expected \{ mode: "chains" \} or \{ mode: "cosign", privateKey, password \}; signing cannot be switched off/],
    ["unknown trigger provider", { trigger: { provider: "bitbucket" as "github", secret: WEBHOOK_SECRET } }, /GoPipeline: invalid trigger\.provider "bitbucket"; expected one of github, gitlab/],
    ["unknown platform", { platforms: ["windows/amd64" as "linux/amd64"] }, /GoPipeline: invalid platforms "windows\/amd64"; expected one of linux\/amd64, linux\/arm64/],
    ["workspace size without a unit", { workspaceSize: "2" }, /GoPipeline: invalid workspaceSize "2"; expected a volume size such as "20Gi"/],
    ["golang digest with a short hash", { goImageDigests: { "1.27.4": "sha256:abc" } }, /invalid goImageDigests\["1\.27\.4"\] "sha256:abc"; expected an image digest sha256:<64 hex digits>/],
    ["cluster without a kubeconfig", { cluster: fakeCluster("aws", { kubeconfig: "" }) }, /GoPipeline: invalid cluster\.kubeconfig ""/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} with an ArgumentError before registering anything`, async () => {
      const { error, resources } = await fail(() => new GoPipeline("payments", base(fakeCluster("aws"), extra)));
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("records what it registered as plain objects the policy pack can read", async () => {
    const { resources } = await run(() => new GoPipeline("payments", base(fakeCluster("aws"))));
    const task = objectOf(resources.one("kubernetes:tekton.dev/v1:Task", "payments-build"));
    assert.equal(task.apiVersion, "tekton.dev/v1");
    assert.equal((task.metadata as { namespace: string }).namespace, "payments");
  });
});
