import { strict as assert } from "node:assert";
import { ArgoCd, type ArgoCdArgs, type ArgoCdData, ArgumentError, type ClusterData, GoApp, type GoAppArgs, GoAppSet, type GoAppSetArgs } from "../../../components";
import { fakeCluster } from "../../harness/fake-clusters";
import { type ResourceGraph, valueOf } from "../../harness/mocks";
import { COMMIT, fail, GPG_KEY, GPG_PUBLIC_KEY, OTHER_GPG_KEY, OTHER_GPG_PUBLIC_KEY, OTHER_GPG_SUBKEY, REPO, run } from "./fixtures";
import { objectOf, validateArgoCd } from "./validators";

const DEPLOY_REPO = "https://github.com/acme/deploy.git";
const project = (extra: Partial<ArgoCdArgs["project"]> = {}): ArgoCdArgs["project"] => ({
  sourceRepos: [DEPLOY_REPO],
  destinations: [{ namespace: "payments" }],
  gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY },
  ...extra,
});
const argo = (cluster: ClusterData, extra: Partial<ArgoCdArgs> = {}): ArgoCd => new ArgoCd("argocd", { cluster, project: project(), ...extra });
const app = (a: ArgoCd, extra: Partial<GoAppArgs> = {}): GoApp =>
  new GoApp("payments", { argoCd: a.argoCd, repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace: "payments", ...extra });

/** The object goes through a Kubernetes provider whose kubeconfig waited for the Argo CD release and the AppProject. */
function assertWaitsForArgoCd(resources: ResourceGraph, object: { provider?: string; name: string }): void {
  const provider = resources.ofType("pulumi:providers:kubernetes").find((p) => object.provider?.startsWith(`${p.urn}::`) === true);
  assert.ok(provider, `${object.name} has a Kubernetes provider`);
  assert.ok(provider.dependsOn.includes(resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").urn), "after the AppProject");
  for (const release of resources.ofType("kubernetes:helm.sh/v3:Release")) assert.ok(provider.dependsOn.includes(release.urn), "after the Argo CD release");
}

interface SyncPolicy { automated: { prune: boolean; selfHeal: boolean }; retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } }; syncOptions: string[] }

describe("ArgoCd", () => {
  it("installs the pinned Helm chart and an AppProject restricted to its repos and destinations, requiring signed commits", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws")));
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

  it("imports the signature keys' public keys into Argo CD's keyring through the chart's configs.gpg.keys", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { valuesYaml: "configs:\n  gpg:\n    annotations:\n      team: platform\n" }));
    const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { configs: { gpg: unknown; params: unknown } };
    assert.deepEqual(values.configs.gpg, { keys: { [GPG_KEY]: GPG_PUBLIC_KEY }, annotations: { team: "platform" } });
    assert.deepEqual(values.configs.params, { "server.insecure": false });
    assert.deepEqual(resources.ofType("kubernetes:core/v1:ConfigMapPatch"), []);
  });

  it("with install: false patches argocd-gpg-keys-cm in Argo CD's namespace, before the AppProject", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { install: false, namespace: "gitops" }));
    const patch = resources.one("kubernetes:core/v1:ConfigMapPatch");
    assert.deepEqual(patch.inputs.metadata, { name: "argocd-gpg-keys-cm", namespace: "gitops" });
    assert.deepEqual(patch.inputs.data, { [GPG_KEY]: GPG_PUBLIC_KEY });
    assert.ok(resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").dependsOn.includes(patch.urn));
  });

  it("with install: false and createGpgKeysConfigMap: true creates argocd-gpg-keys-cm holding the keys", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { install: false, createGpgKeysConfigMap: true }));
    const configMap = resources.one("kubernetes:core/v1:ConfigMap");
    assert.equal((configMap.inputs.metadata as { name: string }).name, "argocd-gpg-keys-cm");
    assert.deepEqual(configMap.inputs.data, { [GPG_KEY]: GPG_PUBLIC_KEY });
    assert.deepEqual(resources.ofType("kubernetes:core/v1:ConfigMapPatch"), []);
    assert.ok(resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").dependsOn.includes(configMap.urn));
  });

  it("accepts signatureKeys naming a subset of the imported keys", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { project: project({ gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY, [OTHER_GPG_KEY]: OTHER_GPG_PUBLIC_KEY }, signatureKeys: [OTHER_GPG_KEY] }) }));
    const spec = resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").inputs.spec as Record<string, unknown>;
    assert.deepEqual(spec.signatureKeys, [{ keyID: OTHER_GPG_KEY }]);
    const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { configs: { gpg: { keys: Record<string, string> } } };
    assert.deepEqual(values.configs.gpg.keys, { [GPG_KEY]: GPG_PUBLIC_KEY, [OTHER_GPG_KEY]: OTHER_GPG_PUBLIC_KEY });
  });

  it("turns on HA values when asked", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { ha: true }));
    const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as Record<string, Record<string, unknown>>;
    assert.deepEqual(values["redis-ha"], { enabled: true });
    assert.deepEqual(values.server?.autoscaling, { enabled: true, minReplicas: 2 });
    assert.deepEqual(values.repoServer?.autoscaling, { enabled: true, minReplicas: 2 });
    assert.equal(values.applicationSet?.replicas, 2);
  });

  it("with install: false creates only the AppProject and the keyring patch", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { install: false }));
    assert.deepEqual(resources.types(), ["goplatform:index:ArgoCd", "kubernetes:argoproj.io/v1alpha1:AppProject", "kubernetes:core/v1:ConfigMapPatch", "pulumi:providers:kubernetes"]);
  });

  it("fails schema validation for a malformed AppProject (the check can fail)", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws")));
    const object = objectOf(resources.one("kubernetes:argoproj.io/v1alpha1:AppProject"));
    const broken = { ...object, spec: { ...object.spec, signatureKeys: [{ keyId: GPG_KEY, extra: 1 }], sourceRepos: "not-a-list" } };
    await assert.rejects(validateArgoCd(broken), /sourceRepos|signatureKeys|must be array|must have required property/);
  });

  const bad: [string, Partial<ArgoCdArgs>, RegExp][] = [
    ["wildcard source repo", { project: project({ sourceRepos: ["*"] }) }, /ArgoCd: invalid project\.sourceRepos\[0\] "\*"; expected a Git repository URL/],
    ["wildcard destination namespace", { project: project({ destinations: [{ namespace: "*" }] }) }, /invalid project\.destinations\[0\]\.namespace "\*"/],
    ["missing signature keys", { project: project({ signatureKeys: [] }) }, /invalid project\.signatureKeys \[\]; expected a non-empty list/],
    ["missing public keys", { project: project({ gpgPublicKeys: undefined }) }, /invalid project\.gpgPublicKeys \{\}; expected at least one GnuPG public key/],
    ["signature key without its public key (Argo CD would refuse every sync)", { project: project({ signatureKeys: [OTHER_GPG_KEY] }) }, /invalid project\.signatureKeys\[0\] "D119008EA166AA39"; expected a key whose ASCII-armoured public key is in project\.gpgPublicKeys .*refuses every sync/],
    ["short GPG key id", { project: project({ gpgPublicKeys: { DEADBEEF: GPG_PUBLIC_KEY } }) }, /invalid project\.gpgPublicKeys\["DEADBEEF"\] "DEADBEEF"; expected the key's primary key ID/],
    ["public key that is not armoured", { project: project({ gpgPublicKeys: { [GPG_KEY]: "ssh-ed25519 AAAAC3Nza" } }) }, /invalid project\.gpgPublicKeys\["F31B821E91051329"\] "\(not shown\)"; expected an ASCII-armoured GnuPG public key .*not an armoured public key/],
    ["armoured block that is not base64", { project: project({ gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY.replace("mDME", "m*ME") } }) }, /expected an ASCII-armoured GnuPG public key .*not base64/],
    ["public key filed under another key's ID", { project: project({ gpgPublicKeys: { [GPG_KEY]: OTHER_GPG_PUBLIC_KEY } }) }, /invalid project\.gpgPublicKeys\["F31B821E91051329"\] "F31B821E91051329"; expected the entry's name to be the armoured key's primary key ID D119008EA166AA39; it is a different key/],
    ["public key filed under its subkey's ID", { project: project({ gpgPublicKeys: { [OTHER_GPG_SUBKEY]: OTHER_GPG_PUBLIC_KEY } }) }, /primary key ID D119008EA166AA39; 4090B95503436CAA is one of its subkeys/],
    ["public keys given with signing opted out", { project: project({ requireSignedCommits: false }) }, /invalid project\.gpgPublicKeys \["F31B821E91051329"\]; signature keys are given but requireSignedCommits is false/],
    ["createGpgKeysConfigMap with install: true", { createGpgKeysConfigMap: true }, /invalid createGpgKeysConfigMap true; expected no createGpgKeysConfigMap when install is true/],
    ["gpgKeysMode given the old way", { install: false, createGpgKeysConfigMap: "create" as unknown as boolean }, /ArgoCd: invalid createGpgKeysConfigMap "create"; expected true or false/],
    ["valuesYaml that is not YAML", { valuesYaml: "server: [unclosed" }, /ArgoCd: invalid valuesYaml "server: \[unclosed"; expected a YAML or JSON mapping of chart values/],
    ["valuesYaml that is a list", { valuesYaml: "- a\n- b\n" }, /ArgoCd: invalid valuesYaml "- a\\n- b\\n"; expected a YAML or JSON mapping/],
    ["http destination server", { project: project({ destinations: [{ namespace: "payments", server: "http://kube.internal" }] }) }, /ArgoCd: invalid project\.destinations\[0\]\.server "http:\/\/kube\.internal"; expected an https:\/\/ URL/],
    ["cluster of an unknown cloud", { cluster: { ...fakeCluster("aws"), cloud: "oci" as "aws" } }, /ArgoCd: invalid cluster\.cloud "oci"/],
    ["chart version range", { chartVersion: "9.x" }, /invalid chartVersion "9\.x"/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} before registering anything`, async () => {
      const { error, resources } = await fail(() => argo(fakeCluster("aws"), extra));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("allows an explicit opt-out of signed commits, and then sets no signatureKeys", async () => {
    const { resources } = await run(() => argo(fakeCluster("aws"), { project: project({ gpgPublicKeys: undefined, requireSignedCommits: false }) }));
    const spec = resources.one("kubernetes:argoproj.io/v1alpha1:AppProject").inputs.spec as Record<string, unknown>;
    assert.equal(spec.signatureKeys, undefined);
    assert.equal((resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { configs: Record<string, unknown> }).configs.gpg, undefined);
  });
});

describe("GoApp", () => {
  it("pins the revision and syncs automatically with prune, self-heal, retry with backoff and server-side apply", async () => {
    const { resources } = await run(() => app(argo(fakeCluster("aws")), { goVersion: "1.27.4", images: [`payments=123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/payments@sha256:${"c".repeat(64)}`] }));
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
    assertWaitsForArgoCd(resources, application);
    await validateArgoCd(objectOf(application));
  });

  it("accepts semver tags, and HEAD or a branch only when floating revisions are allowed", async () => {
    for (const targetRevision of ["v1.4.2", "2.0.0-rc.1", "refs/tags/v1.4.2", "services/api/v1.2.3", "refs/tags/services/api/v1.2.3", "tools/v0.3.0-rc.1+build.5"]) {
      const { resources } = await run(() => app(argo(fakeCluster("aws")), { targetRevision }));
      assert.equal((resources.one("kubernetes:argoproj.io/v1alpha1:Application").inputs.spec as { source: { targetRevision: string } }).source.targetRevision, targetRevision);
    }
    const { resources } = await run(() => app(argo(fakeCluster("aws")), { targetRevision: "HEAD", allowFloatingRevision: true }));
    assert.equal((resources.one("kubernetes:argoproj.io/v1alpha1:Application").inputs.spec as { source: { targetRevision: string } }).source.targetRevision, "HEAD");
  });

  it("fails schema validation for a malformed Application (the check can fail)", async () => {
    const { resources } = await run(() => app(argo(fakeCluster("aws"))));
    const object = objectOf(resources.one("kubernetes:argoproj.io/v1alpha1:Application"));
    const spec = object.spec as { syncPolicy: { retry: Record<string, unknown> } };
    const broken = { ...object, spec: { ...spec, syncPolicy: { ...spec.syncPolicy, retry: { limit: "five" } } } };
    await assert.rejects(validateArgoCd(broken), /limit/);
  });

  it("takes Argo CD as plain data: the argoCd output of an ArgoCd, or the same data from elsewhere", async () => {
    const { result } = await run(() => argo(fakeCluster("gcp"), { namespace: "gitops", project: project({ name: "payments" }) }));
    assert.equal(result.argoCd.namespace, "gitops");
    assert.equal(result.argoCd.projectName, "payments");
    assert.equal(result.argoCd.cluster.cloud, "gcp");
    assert.equal(await valueOf(result.argoCd.cluster.kubeconfig ?? ""), fakeCluster("gcp").kubeconfig);
    // Data another language (or a StackReference) hands over: no ordering, same Application.
    const data: ArgoCdData = { cluster: fakeCluster("existing"), namespace: "gitops", projectName: "payments" };
    const { resources } = await run(() => new GoApp("payments", { argoCd: data, repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace: "payments" }));
    const application = resources.one("kubernetes:argoproj.io/v1alpha1:Application");
    assert.equal((application.inputs.metadata as { namespace: string }).namespace, "gitops");
    assert.equal((application.inputs.spec as { project: string }).project, "payments");
  });

  it("rejects Argo CD data that is not data before registering anything", async () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /GoApp: invalid argoCd undefined; expected an ArgoCd's `argoCd` output/],
      [{ namespace: "argocd", projectName: "goplatform" }, /GoApp: invalid argoCd\.cluster undefined; expected an ArgoCd's `argoCd` output/],
      [{ cluster: fakeCluster("aws"), namespace: "Argo CD", projectName: "goplatform" }, /GoApp: invalid argoCd\.namespace "Argo CD"; expected a DNS-1123 label/],
    ];
    for (const [argoCd, message] of cases) {
      const { error, resources } = await fail(() => new GoApp("payments", { argoCd: argoCd as ArgoCdData, repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace: "payments" }));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    }
  });

  const bad: [string, Partial<GoAppArgs>, RegExp][] = [
    ["HEAD when pinning is required", { targetRevision: "HEAD" }, /GoApp: invalid targetRevision "HEAD"; expected a pinned revision: a full 40-character commit SHA or a semver tag/],
    ["branch name", { targetRevision: "main" }, /invalid targetRevision "main"; expected a pinned revision/],
    ["short commit", { targetRevision: COMMIT.slice(0, 7) }, /invalid targetRevision "3f1c2a9"/],
    ["branch under refs/heads", { targetRevision: "refs/heads/v1.2.3" }, /invalid targetRevision "refs\/heads\/v1\.2\.3"; expected a pinned revision/],
    ["branch shorthand heads/", { targetRevision: "heads/v1.2.3" }, /invalid targetRevision "heads\/v1\.2\.3"/],
    ["sub-module branch", { targetRevision: "services/api/main" }, /invalid targetRevision "services\/api\/main"/],
    ["version range", { targetRevision: "services/api/v1.2.x" }, /invalid targetRevision "services\/api\/v1\.2\.x"/],
    ["caret range", { targetRevision: "^1.2.3" }, /invalid targetRevision "\^1\.2\.3"/],
    ["prefix escaping with ..", { targetRevision: "services/../v1.2.3" }, /invalid targetRevision "services\/\.\.\/v1\.2\.3"/],
    ["empty prefix segment", { targetRevision: "services//v1.2.3" }, /invalid targetRevision "services\/\/v1\.2\.3"/],
    ["repo URL that is neither https nor ssh", { repoUrl: "file:///srv/deploy" }, /GoApp: invalid repoUrl "file:\/\/\/srv\/deploy"/],
    ["image override by tag", { images: ["payments=ghcr.io/acme/payments:v1"] }, /invalid images\[0\] "ghcr\.io\/acme\/payments:v1"; expected an image pinned by digest/],
    ["path escaping the repository", { path: "../secrets" }, /invalid path "\.\.\/secrets"/],
    ["http API server", { server: "http://kubernetes.default.svc" }, /GoApp: invalid server "http:\/\/kubernetes\.default\.svc"; expected an https:\/\/ URL/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} before registering its Application`, async () => {
      const { error, resources } = await fail(() => app(argo(fakeCluster("aws"), { install: false }), extra));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.ofType("kubernetes:argoproj.io/v1alpha1:Application"), []);
      assert.deepEqual(resources.ofType("goplatform:index:GoApp"), []);
    });
  }
});

describe("GoApp cascadeDelete", () => {
  it("keeps Argo CD's resources finalizer by default, and drops it with cascadeDelete: false", async () => {
    const finalizers = async (extra: Partial<GoAppArgs>) => {
      const { resources } = await run(() => app(argo(fakeCluster("aws")), extra));
      return (resources.one("kubernetes:argoproj.io/v1alpha1:Application").inputs.metadata as { finalizers?: string[] }).finalizers;
    };
    assert.deepEqual(await finalizers({}), ["resources-finalizer.argocd.argoproj.io"]);
    assert.equal(await finalizers({ cascadeDelete: false }), undefined);
  });
});

describe("GoAppSet", () => {
  const services: GoAppSetArgs["services"] = [
    { name: "payments", path: "apps/payments", targetRevision: COMMIT, namespace: "payments" },
    { name: "ledger", path: "apps/ledger", targetRevision: "v2.3.1", namespace: "payments" },
  ];

  it("generates one pinned, automatically synced Application per service", async () => {
    const { resources } = await run(() => new GoAppSet("services", { argoCd: argo(fakeCluster("aws")).argoCd, repoUrl: DEPLOY_REPO, services }));
    const set = resources.one("kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    assertWaitsForArgoCd(resources, set);
    const spec = set.inputs.spec as { generators: { list: { elements: unknown[] } }[]; template: { spec: { source: Record<string, string>; syncPolicy: SyncPolicy } } };
    assert.deepEqual(spec.generators[0]?.list.elements, services);
    assert.deepEqual(spec.template.spec.source, { repoURL: DEPLOY_REPO, path: "{{.path}}", targetRevision: "{{.targetRevision}}" });
    assert.deepEqual(spec.template.spec.syncPolicy.automated, { prune: true, selfHeal: true, allowEmpty: false });
    await validateArgoCd(objectOf(set));
  });

  it("gives the generated Applications the resources finalizer unless cascadeDelete is false", async () => {
    const finalizers = async (cascadeDelete?: boolean) => {
      const { resources } = await run(() => new GoAppSet("services", { argoCd: argo(fakeCluster("aws")).argoCd, repoUrl: DEPLOY_REPO, services, ...(cascadeDelete === undefined ? {} : { cascadeDelete }) }));
      return (resources.one("kubernetes:argoproj.io/v1alpha1:ApplicationSet").inputs.spec as { template: { metadata: { finalizers?: string[] } } }).template.metadata.finalizers;
    };
    assert.deepEqual(await finalizers(), ["resources-finalizer.argocd.argoproj.io"]);
    assert.equal(await finalizers(false), undefined);
  });

  it("refuses a service on HEAD, naming the service", async () => {
    const { error, resources } = await fail(() =>
      new GoAppSet("services", { argoCd: argo(fakeCluster("aws"), { install: false }).argoCd, repoUrl: REPO, services: [...services, { name: "web", path: "apps/web", targetRevision: "HEAD", namespace: "web" }] }),
    );
    assert.match(error.message, /GoAppSet: invalid services\[2\]\.targetRevision "HEAD"; expected a pinned revision/);
    assert.deepEqual(resources.ofType("kubernetes:argoproj.io/v1alpha1:ApplicationSet"), []);
  });
});
