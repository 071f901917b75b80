import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster, type Cluster } from "../../../components";
import { failureUnderMocks, runUnderMocks, valueOf } from "../../harness/mocks";

const cluster = (args: Partial<ConstructorParameters<typeof ExistingCluster>[0]> = {}) =>
  new ExistingCluster({ provider: new k8s.Provider("existing", { kubeconfig: "{}" }), clusterName: "shared", kubernetesVersion: "1.34", ...args });

describe("ExistingCluster", () => {
  it("wraps a provider: plain ServiceAccounts on it, the kubeconfig kept secret", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const c = cluster({ kubeconfig: "apiVersion: v1\nkind: Config\n" });
      const caller = new pulumi.ComponentResource("test:index:Caller", "caller");
      const bound = c.bindServiceAccount("ci", { namespace: "ci", serviceAccountName: "ci-build" }, caller);
      return { bound, secret: await pulumi.isSecret(c.kubeconfig), name: await valueOf(c.clusterName), cloud: c.cloud };
    });
    assert.deepEqual([result.secret, result.name, result.cloud, result.bound.podLabels], [true, "shared", "existing", {}]);
    const sa = resources.one("kubernetes:core/v1:ServiceAccount");
    assert.deepEqual(sa.inputs.metadata, { name: "ci-build", namespace: "ci" });
    assert.match(sa.provider ?? "", /pulumi:providers:kubernetes::existing::/);
  });

  it("refuses cloud permissions and buckets, which it has no cloud for", async () => {
    const { error } = await failureUnderMocks(() => {
      const c = cluster();
      c.bindServiceAccount("ci", { namespace: "ci", serviceAccountName: "ci-build", permissions: [{ kind: "registryPush", repository: "x" }] }, new pulumi.ComponentResource("test:index:Caller", "caller"));
    });
    assert.match(error.message, /^ExistingCluster: invalid permissions \["registryPush"\]; an ExistingCluster has no cloud identity/);
    assert.throws(() => cluster().createBucket("metrics"), /ExistingCluster: invalid bucket "metrics"; an ExistingCluster has no cloud object storage; pass a bucket explicitly/);
  });

  it("binds an existing ServiceAccount to nothing: empty annotations and labels, no resources; permissions refused", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const c: Cluster = cluster();
      const caller = new pulumi.ComponentResource("test:index:Caller", "caller");
      const bound = c.bindExistingServiceAccount("chains", { namespace: "tekton-chains", serviceAccountName: "tekton-chains-controller" }, caller);
      assert.throws(
        () => c.bindExistingServiceAccount("chains", { namespace: "tekton-chains", serviceAccountName: "tekton-chains-controller", permissions: [{ kind: "registryPush", repository: "x" }] }, caller),
        /ExistingCluster: invalid permissions \["registryPush"\]; an ExistingCluster has no cloud identity/,
      );
      return { annotations: bound.annotations, labels: bound.podLabels, identity: await valueOf(bound.cloudIdentity) };
    });
    assert.deepEqual(result, { annotations: {}, labels: {}, identity: "" });
    assert.deepEqual(resources.all.filter((r) => r.custom && r.type !== "pulumi:providers:kubernetes"), []);
  });

  for (const [what, args, message] of [
    ["clusterName", { clusterName: "Shared_Cluster" }, /ExistingCluster: invalid clusterName "Shared_Cluster"; expected a DNS-1123 label/],
    ["kubernetesVersion", { kubernetesVersion: "1.34.2" }, /ExistingCluster: invalid kubernetesVersion "1\.34\.2"; expected a Kubernetes minor version such as "1\.34"/],
  ] as const) {
    it(`rejects a bad ${what}, naming it`, () => {
      assert.throws(() => cluster(args), message);
    });
  }
});
