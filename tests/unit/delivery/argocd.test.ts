import { strict as assert } from "node:assert";
import { ArgoCd, type ArgoCdArgs, ArgumentError, GoApp, type GoAppArgs, GoAppSet, type GoAppSetArgs } from "../../../components";
import { FakeDeliveryCluster } from "../../harness/fake-cluster-delivery";
import { failureUnderMocks, runUnderMocks } from "../../harness/mocks";
import { COMMIT, GPG_KEY, REPO } from "./fixtures";
import { objectOf, validateArgoCd } from "./validators";

const DEPLOY_REPO = "https://github.com/acme/deploy.git";
const project = (extra: Partial<ArgoCdArgs["project"]> = {}): ArgoCdArgs["project"] => ({
  sourceRepos: [DEPLOY_REPO],
  destinations: [{ namespace: "payments" }],
  signatureKeys: [GPG_KEY],
  ...extra,
});
const argo = (cluster: FakeDeliveryCluster, extra: Partial<ArgoCdArgs> = {}): ArgoCd => new ArgoCd("argocd", { cluster, project: project(), ...extra });
const app = (a: ArgoCd, extra: Partial<GoAppArgs> = {}): GoApp =>
  new GoApp("payments", { argoCd: a, repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace: "payments", ...extra });

interface SyncPolicy { automated: { prune: boolean; selfHeal: boolean }; retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } }; syncOptions: string[] }

describe("ArgoCd", () => {
  it("installs the pinned Helm chart and an AppProject restricted to its repos and destinations, requiring signed commits", async () => {
    const { resources } = await runUnderMocks(() => argo(new FakeDeliveryCluster()));
    const release = resources.one("kubernetes:helm.sh/v3:Release");
    assert.equal(release.inputs.chart, "argo-cd");
    assert.equal(release.inputs.version, "9.5.2");
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://argoproj.github.io/argo-helm" });
    assert.equal(release.inputs.namespace, "argocd");
    assert.equal((release.inputs.values as Record<string, unknown>)["redis-ha"], undefined);
    const projectResource = resources.one("kubernetes:argoproj.io/v1alpha1:AppProject");
    assert.ok(projectResource.dependsOn.includes(release.urn));
    const spec = projectResource.inputs.spec as Record<string, unknown>;
    assert.deepEqual(spec.sourceRepos, [DEPLOY_REPO]);
    assert.deepEqual(spec.destinations, [{ server: "https://kubernetes.default.svc", namespace: "payments" }]);
    assert.deepEqual(spec.signatureKeys, [{ keyID: GPG_KEY }]);
    assert.deepEqual(spec.clusterResourceWhitelist, []);
    await validateArgoCd(objectOf(projectResource));
  });

  it("turns on HA values when asked", async () => {
    const { resources } = await runUnderMocks(() => argo(new FakeDeliveryCluster(), { ha: true }));
    const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as Record<string, Record<string, unknown>>;
    assert.deepEqual(values["redis-ha"], { enabled: true });
    assert.deepEqual(values.server?.autoscaling, { enabled: true, minReplicas: 2 });
    assert.deepEqual(values.repoServer?.autoscaling, { enabled: true, minReplicas: 2 });
    assert.equal(values.applicationSet?.replicas, 2);
  });

  it("with install: false only creates the AppProject", async () => {
    const { resources } = await runUnderMocks(() => argo(new FakeDeliveryCluster(), { install: false }));
    assert.deepEqual(resources.types(), ["goplatform:k8s:ArgoCd", "kubernetes:argoproj.io/v1alpha1:AppProject", "pulumi:providers:kubernetes"]);
  });

  it("fails schema validation for a malformed AppProject (the check can fail)", async () => {
    const { resources } = await runUnderMocks(() => argo(new FakeDeliveryCluster()));
    const object = objectOf(resources.one("kubernetes:argoproj.io/v1alpha1:AppProject"));
    const broken = { ...object, spec: { ...object.spec, signatureKeys: [{ keyId: GPG_KEY, extra: 1 }], sourceRepos: "not-a-list" } };
    await assert.rejects(validateArgoCd(broken), /sourceRepos|signatureKeys|must be array|must have required property/);
  });

  const bad: [string, Partial<ArgoCdArgs>, RegExp][] = [
    ["wildcard source repo", { project: project({ sourceRepos: ["*"] }) }, /ArgoCd: invalid project\.sourceRepos\[0\] "\*"; expected a Git repository URL/],
    ["wildcard destination namespace", { project: project({ destinations: [{ namespace: "*" }] }) }, /invalid project\.destinations\[0\]\.namespace "\*"/],
    ["missing signature keys", { project: project({ signatureKeys: [] }) }, /invalid project\.signatureKeys \[\]; expected a non-empty list/],
    ["short GPG key id", { project: project({ signatureKeys: ["DEADBEEF"] }) }, /invalid project\.signatureKeys\[0\] "DEADBEEF"/],
    ["chart version range", { chartVersion: "9.x" }, /invalid chartVersion "9\.x"/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(() => argo(new FakeDeliveryCluster(), extra));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("allows an explicit opt-out of signed commits, and then sets no signatureKeys", async () => {
    const { resources } = await runUnderMocks(() => argo(new FakeDeliveryCluster(), { project: project({ signatureKeys: undefined, requireSignedCommits: false }) }));
    const spec = resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").inputs.spec as Record<string, unknown>;
    assert.equal(spec.signatureKeys, undefined);
  });
});

describe("GoApp", () => {
  it("pins the revision and syncs automatically with prune, self-heal, retry with backoff and server-side apply", async () => {
    const { resources } = await runUnderMocks(() => app(argo(new FakeDeliveryCluster()), { goVersion: "1.27.4", images: [`payments=123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/payments@sha256:${"c".repeat(64)}`] }));
    const application = resources.one("kubernetes:argoproj.io/v1alpha1:Application");
    const spec = application.inputs.spec as { project: string; source: Record<string, unknown>; destination: unknown; syncPolicy: SyncPolicy; revisionHistoryLimit: number };
    assert.equal(spec.project, "goplatform");
    assert.deepEqual(spec.source, { repoURL: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, kustomize: { images: [`payments=123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/payments@sha256:${"c".repeat(64)}`] } });
    assert.deepEqual(spec.destination, { server: "https://kubernetes.default.svc", namespace: "payments" });
    assert.deepEqual(spec.syncPolicy.automated, { prune: true, selfHeal: true, allowEmpty: false });
    assert.deepEqual(spec.syncPolicy.retry, { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } });
    assert.ok(spec.syncPolicy.syncOptions.includes("ServerSideApply=true"));
    assert.equal(spec.revisionHistoryLimit, 10);
    const metadata = application.inputs.metadata as { namespace: string; labels: Record<string, string> };
    assert.equal(metadata.namespace, "argocd");
    assert.equal(metadata.labels["goplatform.dev/go-version"], "go1.27.4");
    assert.ok(application.dependsOn.includes(resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").urn));
    await validateArgoCd(objectOf(application));
  });

  it("accepts semver tags, and HEAD or a branch only when floating revisions are allowed", async () => {
    for (const targetRevision of ["v1.4.2", "2.0.0-rc.1"]) {
      const { resources } = await runUnderMocks(() => app(argo(new FakeDeliveryCluster()), { targetRevision }));
      assert.equal((resources.one("kubernetes:argoproj.io/v1alpha1:Application").inputs.spec as { source: { targetRevision: string } }).source.targetRevision, targetRevision);
    }
    const { resources } = await runUnderMocks(() => app(argo(new FakeDeliveryCluster()), { targetRevision: "HEAD", allowFloatingRevision: true }));
    assert.equal((resources.one("kubernetes:argoproj.io/v1alpha1:Application").inputs.spec as { source: { targetRevision: string } }).source.targetRevision, "HEAD");
  });

  it("fails schema validation for a malformed Application (the check can fail)", async () => {
    const { resources } = await runUnderMocks(() => app(argo(new FakeDeliveryCluster())));
    const object = objectOf(resources.one("kubernetes:argoproj.io/v1alpha1:Application"));
    const spec = object.spec as { syncPolicy: { retry: Record<string, unknown> } };
    const broken = { ...object, spec: { ...spec, syncPolicy: { ...spec.syncPolicy, retry: { limit: "five" } } } };
    await assert.rejects(validateArgoCd(broken), /limit/);
  });

  const bad: [string, Partial<GoAppArgs>, RegExp][] = [
    ["HEAD when pinning is required", { targetRevision: "HEAD" }, /GoApp: invalid targetRevision "HEAD"; expected a pinned revision: a full 40-character commit SHA or a semver tag/],
    ["branch name", { targetRevision: "main" }, /invalid targetRevision "main"; expected a pinned revision/],
    ["short commit", { targetRevision: COMMIT.slice(0, 7) }, /invalid targetRevision "3f1c2a9"/],
    ["repo URL that is neither https nor ssh", { repoUrl: "file:///srv/deploy" }, /GoApp: invalid repoUrl "file:\/\/\/srv\/deploy"/],
    ["image override by tag", { images: ["payments=ghcr.io/acme/payments:v1"] }, /invalid images\[0\] "ghcr\.io\/acme\/payments:v1"; expected an image pinned by digest/],
    ["path escaping the repository", { path: "../secrets" }, /invalid path "\.\.\/secrets"/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} before registering its Application`, async () => {
      const { error, resources } = await failureUnderMocks(() => app(argo(new FakeDeliveryCluster(), { install: false }), extra));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.ofType("kubernetes:argoproj.io/v1alpha1:Application"), []);
      assert.deepEqual(resources.ofType("goplatform:k8s:GoApp"), []);
    });
  }
});

describe("GoAppSet", () => {
  const services: GoAppSetArgs["services"] = [
    { name: "payments", path: "apps/payments", targetRevision: COMMIT, namespace: "payments" },
    { name: "ledger", path: "apps/ledger", targetRevision: "v2.3.1", namespace: "payments" },
  ];

  it("generates one pinned, automatically synced Application per service", async () => {
    const { resources } = await runUnderMocks(() => new GoAppSet("services", { argoCd: argo(new FakeDeliveryCluster()), repoUrl: DEPLOY_REPO, services }));
    const set = resources.one("kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    const spec = set.inputs.spec as { generators: { list: { elements: unknown[] } }[]; template: { spec: { source: Record<string, string>; syncPolicy: SyncPolicy } } };
    assert.deepEqual(spec.generators[0]?.list.elements, services);
    assert.deepEqual(spec.template.spec.source, { repoURL: DEPLOY_REPO, path: "{{.path}}", targetRevision: "{{.targetRevision}}" });
    assert.deepEqual(spec.template.spec.syncPolicy.automated, { prune: true, selfHeal: true, allowEmpty: false });
    await validateArgoCd(objectOf(set));
  });

  it("refuses a service on HEAD, naming the service", async () => {
    const { error, resources } = await failureUnderMocks(() =>
      new GoAppSet("services", { argoCd: argo(new FakeDeliveryCluster(), { install: false }), repoUrl: REPO, services: [...services, { name: "web", path: "apps/web", targetRevision: "HEAD", namespace: "web" }] }),
    );
    assert.match(error.message, /GoAppSet: invalid services\[2\]\.targetRevision "HEAD"; expected a pinned revision/);
    assert.deepEqual(resources.ofType("kubernetes:argoproj.io/v1alpha1:ApplicationSet"), []);
  });
});
