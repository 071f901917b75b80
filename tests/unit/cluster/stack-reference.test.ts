/**
 * The two-stack pattern: a cluster stack exports an EksCluster's `cluster` data, and a
 * platform stack reads it back with a StackReference and deploys in-cluster components
 * with it (under mocks: the StackReference answers what the cluster stack exported).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Tekton, type ClusterData } from "../../../components";
import { failureUnderMocks, runUnderMocks, valueOf } from "../../harness/mocks";
import { fakeCluster } from "../../harness/fake-clusters";
import { REPO_ROOT } from "../../harness/pulumi-cli";

const COSIGN = path.join(REPO_ROOT, "tests", "fixtures", "cosign");
const SIGNING_KEY = { privateKey: pulumi.secret(readFileSync(path.join(COSIGN, "cosign.key"), "utf8")), password: pulumi.secret("test-only"), publicKey: readFileSync(path.join(COSIGN, "cosign.pub"), "utf8") };
const EXPORTED = { ...fakeCluster("aws"), kubeconfig: "apiVersion: v1\nkind: Config\nusers: [{name: admin}]\n" };
const REPOSITORY = "arn:aws:ecr:eu-west-1:123456789012:repository/platform/payments";

/** A StackReference to the cluster stack answers its `cluster` export, secret (it holds the kubeconfig). */
const options = {
  outputs: (args: pulumi.runtime.MockResourceArgs) => (args.type === "pulumi:pulumi:StackReference" ? { outputs: { cluster: EXPORTED }, secretOutputNames: ["cluster"] } : undefined),
};

describe("the cluster data across stacks (StackReference)", () => {
  it("a platform stack deploys with the data another stack exported: the cloud identity trusts its OIDC provider, the Kubernetes provider gets its kubeconfig", async () => {
    const { result, resources } = await runUnderMocks(async () => {
      const reference = new pulumi.StackReference("acme/clusters/prod");
      const details = await reference.getOutputDetails("cluster");
      const cluster = (details.secretValue ?? details.value) as ClusterData;
      new Tekton("tekton", { cluster, install: false, signingKey: SIGNING_KEY, registryPush: [REPOSITORY] });
      return { secret: details.secretValue !== undefined };
    }, options);
    assert.equal(result.secret, true, "the export is secret as a whole");
    const role = resources.one("aws:iam/role:Role");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[] };
    assert.equal(trust.Statement[0]?.Principal.Federated, EXPORTED.aws?.oidcProviderArn);
    assert.equal(trust.Statement[0]?.Condition.StringEquals["oidc.aws.example/demo:sub"], "system:serviceaccount:tekton-chains:tekton-chains-controller");
    const provider = resources.all.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "tekton-cluster");
    assert.ok(provider !== undefined, "Tekton made its own Kubernetes provider");
    assert.equal(await valueOf(provider.inputs.kubeconfig as pulumi.Input<string>), EXPORTED.kubeconfig);
  });

  it("refuses the export as an Output (getOutput), before any resource exists: its cloud must be known when the component is created", async () => {
    const { error, resources } = await failureUnderMocks(() => {
      const reference = new pulumi.StackReference("acme/clusters/prod");
      new Tekton("tekton", { cluster: reference.getOutput("cluster") as unknown as ClusterData, install: false, signingKey: SIGNING_KEY });
    }, options);
    assert.match(error.message, /^Tekton: invalid cluster \(an output, not known when the component is created\); expected cluster data whose fields are known when the component is created/);
    assert.deepEqual(resources.all.filter((r) => r.type.startsWith("goplatform:") || r.custom && r.type !== "pulumi:pulumi:StackReference").map((r) => r.type), []);
  });
});
