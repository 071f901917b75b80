import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster, type ExistingClusterArgs } from "../../../components";
import { connectAsCaller } from "../../harness/fake-clusters";
import { failureUnderMocks, runUnderMocks, valueOf } from "../../harness/mocks";

const KUBECONFIG = "apiVersion: v1\nkind: Config\n";

const make = (args: Partial<ExistingClusterArgs> = {}) => new ExistingCluster("shared", { clusterName: "shared", kubernetesVersion: "1.34", kubeconfig: KUBECONFIG, ...args });

/** Connects the ExistingCluster's data as an in-cluster component does: from its own component, "x", named "Test" in errors. */
function connected(cluster: ExistingCluster) {
  return connectAsCaller(cluster.cluster);
}

describe("ExistingCluster", () => {
  it("outputs cluster data for a cluster goplatform did not create: cloud existing, its name and minor, the kubeconfig kept secret, no cloud block", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const c = make();
      const data = c.cluster;
      return {
        cloud: data.cloud,
        name: await valueOf(data.name),
        version: await valueOf(data.kubernetesVersion),
        secret: await pulumi.isSecret(pulumi.output(data.kubeconfig)),
        kubeconfig: await valueOf(data.kubeconfig ?? ""),
        issuer: await valueOf(data.oidcIssuerUrl ?? "unset"),
        blocks: [data.aws, data.gcp, data.azure, data.renderYamlToDirectory],
        outputs: [await valueOf(c.clusterName), await valueOf(c.kubernetesVersion)],
      };
    });
    assert.deepEqual(result, { cloud: "existing", name: "shared", version: "1.34", secret: true, kubeconfig: KUBECONFIG, issuer: "", blocks: [undefined, undefined, undefined, undefined], outputs: ["shared", "1.34"] });
    // A component of its own type; it creates nothing in any cloud.
    const component = resources.one("goplatform:index:ExistingCluster");
    assert.match(component.urn, /::goplatform:index:ExistingCluster::shared$/);
    assert.deepEqual(resources.all.filter((r) => r.custom), []);
  });

  it("passes its issuer URL on when given one", async () => {
    const { result } = await runUnderMocks(() => valueOf(make({ oidcIssuerUrl: "https://issuer.example/shared" }).cluster.oidcIssuerUrl ?? ""));
    assert.equal(result, "https://issuer.example/shared");
  });

  it("connects like any cluster: plain ServiceAccounts on the connecting component's own provider, built from the kubeconfig", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const bound = connected(make()).bindServiceAccount("ci", { namespace: "ci", serviceAccountName: "ci-build" });
      return { labels: bound.podLabels, identity: await valueOf(bound.cloudIdentity) };
    });
    assert.deepEqual(result, { labels: {}, identity: "" });
    const sa = resources.one("kubernetes:core/v1:ServiceAccount");
    assert.deepEqual(sa.inputs.metadata, { name: "ci-build", namespace: "ci", annotations: {} });
    assert.match(sa.provider ?? "", /pulumi:providers:kubernetes::x-cluster::/);
    const provider = resources.one("pulumi:providers:kubernetes", "x-cluster");
    assert.equal(provider.inputs.kubeconfig, KUBECONFIG);
    assert.equal(provider.parent, resources.one("test:index:Caller").urn);
  });

  it("renders to a directory instead of applying, when asked: no kubeconfig in its data, the provider renders", async () => {
    const { result, resources } = await runUnderMocks(() => {
      const c = make({ kubeconfig: undefined, renderYamlToDirectory: "/tmp/rendered" });
      connected(c).bindServiceAccount("ci", { namespace: "ci", serviceAccountName: "ci-build" });
      return { kubeconfig: c.cluster.kubeconfig, render: c.cluster.renderYamlToDirectory };
    });
    assert.deepEqual(result, { kubeconfig: undefined, render: "/tmp/rendered" });
    const provider = resources.one("pulumi:providers:kubernetes", "x-cluster");
    assert.equal(provider.inputs.renderYamlToDirectory, "/tmp/rendered");
    // Empty, not left out: the Kubernetes SDK would fill in $KUBECONFIG, which render mode refuses.
    assert.equal(provider.inputs.kubeconfig, "");
  });

  it("refuses cloud permissions and buckets, which it has no cloud for", async () => {
    const { error, resources } = await failureUnderMocks(() => {
      connected(make()).bindServiceAccount("ci", { namespace: "ci", serviceAccountName: "ci-build", permissions: [{ kind: "registryPush", repository: "x" }] });
    });
    assert.equal(error.name, "ArgumentError");
    assert.match(error.message, /^Test: invalid permissions \["registryPush"\]; a cluster with cloud "existing" has no cloud identity to grant permissions to; use EksCluster, GkeCluster or AksCluster$/);
    assert.deepEqual(resources.ofType("kubernetes:core/v1:ServiceAccount"), []);

    const { error: bucket } = await failureUnderMocks(() => connected(make()).createBucket("metrics", {}));
    assert.equal(bucket.name, "ArgumentError");
    assert.match(bucket.message, /^Test: invalid bucket "metrics"; a cluster with cloud "existing" has no cloud object storage; pass a bucket explicitly/);
  });

  it("binds an existing ServiceAccount to nothing: empty annotations and labels, no resources; permissions refused", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const c = connected(make());
      const bound = c.bindExistingServiceAccount("chains", { namespace: "tekton-chains", serviceAccountName: "tekton-chains-controller" });
      assert.throws(
        () => c.bindExistingServiceAccount("chains", { namespace: "tekton-chains", serviceAccountName: "tekton-chains-controller", permissions: [{ kind: "registryPush", repository: "x" }] }),
        /^ArgumentError: Test: invalid permissions \["registryPush"\]; a cluster with cloud "existing" has no cloud identity/,
      );
      return { annotations: bound.annotations, labels: bound.podLabels, identity: await valueOf(bound.cloudIdentity) };
    });
    assert.deepEqual(result, { annotations: {}, labels: {}, identity: "" });
    // Not even a provider: nothing was created in the cluster.
    assert.deepEqual(resources.all.filter((r) => r.custom), []);
  });

  for (const [what, args, message] of [
    ["a clusterName that is no DNS label", { clusterName: "Shared_Cluster" }, /^ExistingCluster: invalid clusterName "Shared_Cluster"; expected a DNS-1123 label/],
    ["a kubernetesVersion with a patch", { kubernetesVersion: "1.34.2" }, /^ExistingCluster: invalid kubernetesVersion "1\.34\.2"; expected a Kubernetes minor version such as "1\.34"$/],
    ["no kubeconfig", { kubeconfig: undefined }, /^ExistingCluster: invalid kubeconfig undefined; expected the cluster's kubeconfig \(or renderYamlToDirectory\); an empty one would use whatever cluster the deploying machine's KUBECONFIG names$/],
    ["an empty kubeconfig", { kubeconfig: "" }, /^ExistingCluster: invalid kubeconfig ""; expected the cluster's kubeconfig/],
    ["both a kubeconfig and a render directory", { renderYamlToDirectory: "/tmp/rendered" }, /^ExistingCluster: invalid renderYamlToDirectory "\/tmp\/rendered"; expected either a kubeconfig or a render directory, not both$/],
  ] as [string, Partial<ExistingClusterArgs>, RegExp][]) {
    it(`refuses ${what} before registering anything, naming the argument`, async () => {
      const { error, resources } = await failureUnderMocks(() => make(args));
      assert.equal(error.name, "ArgumentError");
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }
});

describe("ExistingCluster and the cluster data in-cluster components take (issue 18, kind 2)", () => {
  for (const [what, args, message] of [
    ["a kubernetesVersion given as a number, which passed the pattern and stayed a number", { kubernetesVersion: 1.34 as unknown as string }, `ExistingCluster: invalid kubernetesVersion 1.34; expected a Kubernetes minor version such as "1.34"`],
    ["a clusterName given as a number", { clusterName: 123 as unknown as string }, `ExistingCluster: invalid clusterName 123; expected a non-empty DNS-1123 label`],
    ["a kubeconfig given as an object", { kubeconfig: { apiVersion: "v1" } as unknown as string }, `ExistingCluster: invalid kubeconfig {"apiVersion":"v1"}; expected the kubeconfig's text (YAML)`],
    ["an empty render directory, which applied to the cluster instead", { kubeconfig: undefined, renderYamlToDirectory: "" }, `ExistingCluster: invalid renderYamlToDirectory ""; expected a directory path`],
    ["an issuer URL that is not https", { oidcIssuerUrl: "http://issuer.example" }, `ExistingCluster: invalid oidcIssuerUrl "http://issuer.example"; expected an https:// URL such as "https://charts.example.com"`],
  ] as [string, Partial<ExistingClusterArgs>, string][]) {
    it(`refuses ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(() => make(args));
      assert.equal(error.name, "ArgumentError");
      assert.equal(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  for (const [what, data, message] of [
    ["a kubernetesVersion given as a number", { kubernetesVersion: 1.34 }, `Test: invalid cluster.kubernetesVersion 1.34; expected a Kubernetes minor version such as "1.34"`],
    ["a cluster name that is not a string", { name: ["shared"] }, `Test: invalid cluster.name ["shared"]; expected the cluster's name`],
    ["a kubeconfig that is not text", { kubeconfig: 42 }, `Test: invalid cluster.kubeconfig 42; expected the kubeconfig's text (YAML)`],
  ] as [string, Record<string, unknown>, string][]) {
    it(`refuses cluster data with ${what}, before the caller's children`, async () => {
      const { error, resources } = await failureUnderMocks(() => connectAsCaller({ ...make().cluster, ...data }));
      assert.equal(error.name, "ArgumentError");
      assert.equal(error.message, message);
      assert.ok(!resources.all.some((r) => r.custom), resources.all.map((r) => r.type).join(", "));
    });
  }
});
