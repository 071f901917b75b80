/**
 * The repository's own project (Pulumi.yaml, program dist/stacks/index.js) on the
 * `local` stack, as `npm start` runs it: the real pulumi CLI as a process (Node.js
 * language host, Kubernetes provider v4 from the plugin cache), a file backend of the
 * test's own, and a local control plane of its own (scripts/cluster.sh). The stack
 * config is a copy of stacks/Pulumi.local.yaml pointing at that control plane
 * (`--config-file`), so the test touches nothing `npm start` keeps. What the stack
 * made is read back from the API server.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { type KubeItem, LocalCluster } from "../harness/local-cluster";
import { PulumiCli, REPO_ROOT } from "../harness/pulumi-cli";
import { type KubeObject, tektonLint, validateArgoCd } from "../unit/delivery/validators";

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** An object as it was applied, without the fields the API server adds. */
function asApplied(o: KubeItem): KubeObject {
  const added = new Set(["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"]);
  const metadata = Object.fromEntries(Object.entries(o.metadata).filter(([key]) => !added.has(key)));
  return { apiVersion: o.apiVersion, kind: o.kind, metadata, spec: o.spec as Record<string, unknown> };
}

describe("the local stack through the pulumi CLI, on a local control plane", function () {
  this.timeout(1_800_000);
  let work: string;
  let cli: PulumiCli;
  let cluster: LocalCluster;
  let configFile: string;
  const stack = (...args: string[]) => [...args, "--stack", "local", "--config-file", configFile];

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-local-stack-"));
    cluster = LocalCluster.start(path.join(work, "cluster"));
    const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "stacks", "Pulumi.local.yaml"), "utf8"));
    doc.setIn(["config", "goplatform:kubeconfig"], cluster.kubeconfig);
    configFile = path.join(work, "Pulumi.local.yaml");
    writeFileSync(configFile, doc.toString());
    cli = new PulumiCli(REPO_ROOT, path.join(work, "state"));
    cli.ok(["stack", "init", "local"]);
  });

  after(() => {
    LocalCluster.purge(path.join(work, "cluster"));
    rmSync(work, { recursive: true, force: true });
  });

  it("pulumi up applies every in-cluster component to the API server", () => {
    const up = cli.ok(stack("up", "--yes", "--skip-preview"));
    assert.match(up.stdout, /Resources:\s+\+ 48 created/);
    assert.deepEqual(cluster.list("pipelines.tekton.dev", "-A").map((o) => o.metadata.name), ["payments-ci"]);
    assert.equal(cluster.list("tasks.tekton.dev", "-n", "payments-ci").length, 6);
    assert.deepEqual(cluster.list("applications.argoproj.io", "-A").map((o) => o.metadata.name), ["payments"]);
    assert.deepEqual(cluster.list("clusterimagepolicies.policy.sigstore.dev").map((o) => o.metadata.name), ["goplatform-signed-images"]);
    const rule = cluster.get("prometheusrules.monitoring.coreos.com", "observability-go-runtime", "monitoring") as { spec: { groups: { rules: unknown[] }[] } } | undefined;
    assert.equal(rule?.spec.groups[0]?.rules.length, 8);
    // The Go module path is an annotation (label values cannot hold it), the version a label.
    const pipeline = cluster.get("pipelines.tekton.dev", "payments-ci", "payments-ci");
    assert.ok(pipeline);
    assert.equal(pipeline.metadata.labels?.["goplatform.dev/go-version"], "go1.27.4");
    assert.equal(pipeline.metadata.annotations?.["goplatform.dev/go-module"], "github.com/example/payments");
    // Deployments and StatefulSets are ready (kwok reports their pods running).
    for (const kind of ["deployment/thanos-query", "statefulset/thanos-store", "statefulset/thanos-compact"]) {
      const [type, name] = kind.split("/") as [string, string];
      const object = cluster.get(type, name, "monitoring") as { spec: { replicas: number }; status: { readyReplicas?: number } } | undefined;
      assert.ok(object !== undefined && object.spec.replicas > 0, `${kind} exists`);
      assert.equal(object.status.readyReplicas, object.spec.replicas, `${kind} is ready`);
    }
  });

  it("patches the objects the Tekton Chains and Argo CD releases own, as their field manager", () => {
    const chains = cluster.get("configmap", "chains-config", "tekton-chains");
    assert.ok(chains);
    assert.equal(chains.data?.["artifacts.oci.signer"], "x509");
    assert.equal(chains.metadata.labels?.["app.kubernetes.io/part-of"], "tekton-chains", "the release's own labels stay");
    assert.ok(chains.metadata.managedFields?.some((f) => f.manager.startsWith("pulumi")), JSON.stringify(chains.metadata.managedFields));
    const signing = cluster.get("secret", "signing-secrets", "tekton-chains");
    assert.deepEqual(Object.keys(signing?.data ?? {}).sort(), ["cosign.key", "cosign.password", "cosign.pub"]);
    const keyring = cluster.get("configmap", "argocd-gpg-keys-cm", "argocd");
    assert.deepEqual(Object.keys(keyring?.data ?? {}), ["EE97B17BE63605F7"]);
  });

  it("what the API server holds passes tekton-lint and the Argo CD CRD schemas", async () => {
    const tekton = [...cluster.list("pipelines.tekton.dev", "-A"), ...cluster.list("tasks.tekton.dev", "-A")].map(asApplied);
    assert.equal(tekton.length, 7);
    assert.deepEqual((await tektonLint(tekton)).filter((p) => p.level === "error"), []);
    const argo = ["applications", "applicationsets", "appprojects"].flatMap((kind) => cluster.list(`${kind}.argoproj.io`, "-n", "argocd"));
    assert.deepEqual(argo.map((o) => o.kind).sort(), ["AppProject", "Application", "ApplicationSet"]);
    for (const o of argo) await validateArgoCd(asApplied(o));
  });

  it("a second preview shows no changes (--expect-no-changes): no drift from API server defaulting", () => {
    cli.ok(stack("preview", "--expect-no-changes"));
  });

  it("passes the policy pack, and the same pack with a stricter Go floor fails it", () => {
    const preview = cli.ok(stack("preview", "--policy-pack", path.join(REPO_ROOT, "policy-pack")));
    assert.match(preview.stdout, /goplatform@v0\.2\.0/, "the pack ran");
    const stricter = path.join(work, "policy-config.json");
    writeFileSync(stricter, JSON.stringify({ "go-version-floor": { minimum: "1.28.0" } }));
    const failed = cli.run(stack("preview", "--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", stricter));
    assert.notEqual(failed.status, 0, failed.output);
    assert.match(failed.output, /\[mandatory\] \[severity: medium\]\s+go-version-floor/);
    assert.match(failed.output, /chooses Go 1\.27\.4, below this organisation's floor Go 1\.28\.0; use Go 1\.28\.0 or newer\./);
  });

  it("keeps the signing key and the kubeconfig's client key out of the exported and the stored state", () => {
    const exported = cli.ok(["stack", "export", "--stack", "local"]).stdout;
    const signingKey = readFileSync(path.join(REPO_ROOT, "tests", "fixtures", "cosign", "cosign.key"), "utf8").split("\n")[1] ?? "";
    const clientKey = /client-key-data: (\S+)/.exec(readFileSync(cluster.kubeconfig, "utf8"))?.[1] ?? "";
    assert.ok(signingKey.length > 20 && clientKey.length > 20);
    assert.ok(exported.includes('"ciphertext"'), "secrets are stored as ciphertext");
    assert.ok(exported.includes("kubernetes:core/v1:SecretPatch"), "the signing secret is in the stack");
    const secrets = [signingKey, clientKey, "test-only"];
    for (const secret of secrets) assert.ok(!exported.includes(secret), `plaintext ${secret.slice(0, 12)}… in pulumi stack export`);
    for (const file of files(path.join(work, "state"))) {
      const stored = readFileSync(file, "utf8");
      for (const secret of secrets) assert.ok(!stored.includes(secret), `plaintext secret in ${file}`);
    }
  });

  it("pulumi destroy leaves none of the stack's objects or namespaces in the API server", () => {
    cli.ok(stack("destroy", "--yes", "--skip-preview"));
    const deployment = JSON.parse(cli.ok(["stack", "export", "--stack", "local"]).stdout) as { deployment: { resources?: unknown[] } };
    assert.deepEqual(deployment.deployment.resources ?? [], []);
    for (const ns of ["payments", "payments-ci"]) assert.equal(cluster.get("namespace", ns), undefined, `namespace ${ns} is gone`);
    for (const kind of ["pipelines.tekton.dev", "tasks.tekton.dev", "applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io", "prometheusrules.monitoring.coreos.com", "servicemonitors.monitoring.coreos.com"]) {
      assert.deepEqual(cluster.list(kind, "-A").map((o) => o.metadata.name), [], `${kind} left behind`);
    }
    assert.deepEqual(cluster.list("clusterimagepolicies.policy.sigstore.dev").map((o) => o.metadata.name), []);
    assert.deepEqual(cluster.list("statefulsets,deployments,services,secrets", "-n", "monitoring", "-l", "app.kubernetes.io/managed-by=goplatform").map((o) => o.metadata.name), []);
    // The release's own objects stay; the fields the stack patched in are released.
    const chains = cluster.get("configmap", "chains-config", "tekton-chains");
    assert.ok(chains !== undefined, "the Chains release's chains-config stays");
    assert.equal(chains.data?.["artifacts.oci.signer"], undefined, JSON.stringify(chains.data));
  });
});
