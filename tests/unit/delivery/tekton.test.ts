import { strict as assert } from "node:assert";
import { ArgumentError, type ClusterData, GoPipeline, Tekton, type TektonArgs } from "../../../components";
import { fakeCluster } from "../../harness/fake-clusters";
import { valueOf } from "../../harness/mocks";
import { AS_OF, fail, GO_DIGESTS, IMAGE_REPO, PRIVATE_KEY, PUBLIC_KEY, REPO, run } from "./fixtures";

const base = (cluster: ClusterData, extra: Partial<TektonArgs> = {}): TektonArgs => ({
  cluster,
  signingKey: { privateKey: PRIVATE_KEY, password: "correct horse", publicKey: PUBLIC_KEY },
  ...extra,
});

describe("Tekton", () => {
  it("installs Pipelines, Triggers, interceptors and Chains from pinned release manifests", async () => {
    const { result, resources } = await run(() => new Tekton("tekton", base(fakeCluster("aws"))));
    const files = Object.fromEntries(resources.ofType("kubernetes:yaml/v2:ConfigFile").map((r) => [r.name, r.inputs.file]));
    assert.deepEqual(files, {
      "tekton-pipeline": "https://infra.tekton.dev/tekton-releases/pipeline/previous/v1.16.0/release.yaml",
      "tekton-triggers": "https://infra.tekton.dev/tekton-releases/triggers/previous/v0.37.0/release.yaml",
      "tekton-interceptors": "https://infra.tekton.dev/tekton-releases/triggers/previous/v0.37.0/interceptors.yaml",
      "tekton-chains": "https://infra.tekton.dev/tekton-releases/chains/previous/v0.29.0/release.yaml",
    });
    // Triggers and Chains wait for Pipelines, the interceptors for Triggers.
    const urn = (n: string): string => resources.one("kubernetes:yaml/v2:ConfigFile", n).urn;
    assert.deepEqual(resources.one("kubernetes:yaml/v2:ConfigFile", "tekton-interceptors").dependsOn, [urn("tekton-triggers")]);
    assert.deepEqual(resources.one("kubernetes:yaml/v2:ConfigFile", "tekton-chains").dependsOn, [urn("tekton-pipeline")]);
    assert.deepEqual(result.versions, { pipeline: "v1.16.0", triggers: "v0.37.0", chains: "v0.29.0" });
    const component = resources.one("goplatform:index:Tekton");
    for (const r of resources.all.filter((x) => x.custom && x.type !== "pulumi:providers:kubernetes")) {
      assert.equal(r.parent, component.urn, r.name);
      assert.ok(r.provider?.includes("tekton-cluster"), r.name);
    }
  });

  it("outputs cluster data that resolves after the installation, so a GoPipeline given it waits for Tekton", async () => {
    const { result, resources } = await run(() => {
      const tekton = new Tekton("tekton", base(fakeCluster("aws")));
      new GoPipeline("payments", { cluster: tekton.cluster, repoUrl: REPO, imageRepository: IMAGE_REPO, goImageDigests: GO_DIGESTS, asOf: AS_OF });
      return tekton;
    });
    assert.equal(await valueOf(result.cluster.kubeconfig ?? ""), fakeCluster("aws").kubeconfig);
    assert.equal(result.cluster.cloud, "aws");
    const provider = resources.one("pulumi:providers:kubernetes", "payments-cluster");
    for (const n of ["tekton-pipeline", "tekton-triggers", "tekton-interceptors", "tekton-chains"]) {
      assert.ok(provider.dependsOn.includes(resources.one("kubernetes:yaml/v2:ConfigFile", n).urn), n);
    }
    assert.ok(provider.dependsOn.includes(resources.one("kubernetes:core/v1:SecretPatch").urn));
    assert.ok(provider.dependsOn.includes(resources.one("kubernetes:core/v1:ConfigMapPatch").urn));
    // Every pipeline object goes through that provider.
    for (const r of resources.all.filter((x) => x.custom && x.type.startsWith("kubernetes:tekton.dev/"))) assert.ok(r.provider?.startsWith(`${provider.urn}::`), r.name);
  });

  it("reads the manifests from local copies for air-gapped clusters", async () => {
    const manifests = { pipeline: "/mirror/pipeline.yaml", triggers: "/mirror/triggers.yaml", interceptors: "/mirror/interceptors.yaml", chains: "/mirror/chains.yaml" };
    const { resources } = await run(() => new Tekton("tekton", base(fakeCluster("aws"), { manifests })));
    assert.deepEqual(resources.ofType("kubernetes:yaml/v2:ConfigFile").map((r) => r.inputs.file).sort(), Object.values(manifests).sort());
  });

  it("configures Chains for SLSA provenance signed with the platform key, held in signing-secrets", async () => {
    const { resources } = await run(() => new Tekton("tekton", base(fakeCluster("aws"))));
    const config = resources.one("kubernetes:core/v1:ConfigMapPatch");
    assert.deepEqual((config.inputs.metadata as { name: string; namespace: string }).name, "chains-config");
    assert.deepEqual((config.inputs.metadata as { namespace: string }).namespace, "tekton-chains");
    const data = config.inputs.data as Record<string, string>;
    assert.equal(data["artifacts.taskrun.format"], "slsa/v1");
    assert.equal(data["artifacts.taskrun.signer"], "x509");
    assert.equal(data["artifacts.oci.signer"], "x509");
    assert.equal(data["artifacts.oci.storage"], "oci");
    assert.equal(data["transparency.enabled"], "false");
    const secret = resources.one("kubernetes:core/v1:SecretPatch");
    assert.deepEqual(secret.inputs.metadata, { name: "signing-secrets", namespace: "tekton-chains", labels: { "app.kubernetes.io/managed-by": "goplatform" }, annotations: { "pulumi.com/patchForce": "true" } });
    assert.deepEqual(secret.inputs.stringData, { "cosign.key": PRIVATE_KEY, "cosign.password": "correct horse", "cosign.pub": PUBLIC_KEY });
    for (const field of ["data", "stringData"]) assert.ok(secret.additionalSecretOutputs.includes(field), field);
    // Configuration waits for the Chains release that creates both objects.
    const chains = resources.one("kubernetes:yaml/v2:ConfigFile", "tekton-chains");
    assert.ok(secret.dependsOn.includes(chains.urn));
    assert.ok(config.dependsOn.includes(chains.urn));
  });

  it("with install: false configures an existing Chains and installs nothing", async () => {
    const { result, resources } = await run(() => new Tekton("tekton", base(fakeCluster("aws"), { install: false, taskRunFormat: "in-toto", transparencyLog: { url: "https://rekor.internal" } })));
    assert.equal(resources.ofType("kubernetes:yaml/v2:ConfigFile").length, 0);
    assert.equal(result.installed, false);
    const data = resources.one("kubernetes:core/v1:ConfigMapPatch").inputs.data as Record<string, string>;
    assert.equal(data["artifacts.taskrun.format"], "in-toto");
    assert.equal(data["transparency.enabled"], "true");
    assert.equal(data["transparency.url"], "https://rekor.internal");
  });

  const repository = "arn:aws:ecr:eu-west-1:123456789012:repository/platform/payments";
  it("with registryPush binds a cloud identity to tekton-chains-controller and annotates that ServiceAccount after the Chains install", async () => {
    const { resources } = await run(() => new Tekton("tekton", base(fakeCluster("aws"), { registryPush: [repository] })));
    // One IRSA role, trusted by the tekton-chains-controller ServiceAccount only, allowed to push to the repository.
    const role = resources.one("aws:iam/role:Role");
    assert.equal(role.name, "tekton-chains");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
    assert.equal(trust.Statement[0]?.Condition.StringEquals["oidc.aws.example/demo:sub"], "system:serviceaccount:tekton-chains:tekton-chains-controller");
    const grants = JSON.parse(resources.one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string) as { Statement: { Action: string[]; Resource: string }[] };
    assert.ok(grants.Statement.some((s) => s.Resource === repository && s.Action.includes("ecr:PutImage")));
    const arn = "arn:aws:iam::123456789012:role/tekton-chains";
    const patch = resources.one("kubernetes:core/v1:ServiceAccountPatch");
    assert.deepEqual(patch.inputs.metadata, {
      name: "tekton-chains-controller",
      namespace: "tekton-chains",
      labels: { "app.kubernetes.io/managed-by": "goplatform" },
      annotations: { "eks.amazonaws.com/role-arn": arn, "pulumi.com/patchForce": "true" },
    });
    assert.ok(patch.dependsOn.includes(resources.one("kubernetes:yaml/v2:ConfigFile", "tekton-chains").urn));
    assert.equal(patch.parent, resources.one("goplatform:index:Tekton").urn);
    // The controller started before its ServiceAccount had the identity: its pod template changes, so it rolls.
    const deployment = resources.one("kubernetes:apps/v1:DeploymentPatch");
    assert.deepEqual(deployment.inputs.spec, { template: { metadata: { labels: {}, annotations: { "goplatform.dev/cloud-identity": arn } } } });
    assert.ok(deployment.dependsOn.includes(patch.urn));
    assert.equal(resources.ofType("kubernetes:core/v1:ServiceAccount").length, 0);
  });

  it("adds the identity's pod labels to the Chains controller's pod template when the cloud needs them (AKS)", async () => {
    const acr = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/platform/providers/Microsoft.ContainerRegistry/registries/goplatformdev";
    const { resources } = await run(() => new Tekton("tekton", base(fakeCluster("azure"), { registryPush: [acr] })));
    // A managed identity federated to the controller's ServiceAccount, with AcrPush on the registry.
    assert.equal(resources.one("azure-native:managedidentity:UserAssignedIdentity").name, "tekton-chains");
    assert.equal(resources.one("azure-native:managedidentity:FederatedIdentityCredential").inputs.subject, "system:serviceaccount:tekton-chains:tekton-chains-controller");
    const grant = resources.one("azure-native:authorization:RoleAssignment");
    assert.equal(grant.inputs.scope, acr);
    assert.match(grant.inputs.roleDefinitionId as string, /8311e382-0749-4cb8-b61a-304f252e45ec$/);
    assert.deepEqual((resources.one("kubernetes:core/v1:ServiceAccountPatch").inputs.metadata as { annotations: Record<string, string> }).annotations, {
      "azure.workload.identity/client-id": "tekton-chains-client-id",
      "pulumi.com/patchForce": "true",
    });
    const deployment = resources.one("kubernetes:apps/v1:DeploymentPatch");
    assert.deepEqual(deployment.inputs.metadata, { name: "tekton-chains-controller", namespace: "tekton-chains", annotations: { "pulumi.com/patchForce": "true" } });
    assert.deepEqual(deployment.inputs.spec, { template: { metadata: { labels: { "azure.workload.identity/use": "true" }, annotations: { "goplatform.dev/cloud-identity": "tekton-chains-client-id" } } } });
    // The rollout the label causes comes after the ServiceAccount carries the identity.
    assert.ok(deployment.dependsOn.includes(resources.one("kubernetes:core/v1:ServiceAccountPatch").urn));
    assert.ok(deployment.dependsOn.includes(resources.one("kubernetes:yaml/v2:ConfigFile", "tekton-chains").urn));
  });

  it("without registryPush binds no identity and patches neither the ServiceAccount nor the Deployment", async () => {
    const { resources } = await run(() => new Tekton("tekton", base(fakeCluster("azure"), { registryPush: [] })));
    assert.equal(resources.ofType("azure-native:managedidentity:UserAssignedIdentity").length, 0);
    assert.equal(resources.ofType("azure-native:authorization:RoleAssignment").length, 0);
    assert.equal(resources.ofType("kubernetes:core/v1:ServiceAccountPatch").length, 0);
    assert.equal(resources.ofType("kubernetes:apps/v1:DeploymentPatch").length, 0);
  });

  it("refuses registryPush on a cluster without a cloud identity before registering anything", async () => {
    const { error, resources } = await fail(() => new Tekton("tekton", base(fakeCluster("existing"), { registryPush: [repository] })));
    assert.ok(error instanceof ArgumentError);
    assert.match(error.message, /^Tekton: invalid registryPush \["arn:aws:ecr:[^"]+"\]; an ExistingCluster has no cloud identity for Chains/);
    assert.deepEqual(resources.all, []);
  });

  const bad: [string, Partial<TektonArgs>, RegExp][] = [
    ["empty signing key", { signingKey: { privateKey: "", password: "pw", publicKey: PUBLIC_KEY } }, /Tekton: invalid signingKey\.privateKey ""; expected an encrypted cosign private key/],
    ["empty public key", { signingKey: { privateKey: PRIVATE_KEY, password: "pw", publicKey: "" } }, /Tekton: invalid signingKey\.publicKey ""; expected a PEM public key/],
    ["empty key password", { signingKey: { privateKey: PRIVATE_KEY, password: "", publicKey: PUBLIC_KEY } }, /invalid signingKey\.password ""/],
    ["unknown attestation format", { taskRunFormat: "tekton" as "in-toto" }, /invalid taskRunFormat "tekton"; expected one of slsa\/v1, in-toto/],
    ["floating version", { versions: { pipeline: "latest" } }, /invalid versions\.pipeline "latest"/],
    ["http transparency log", { transparencyLog: { url: "http://rekor" } }, /invalid transparencyLog\.url "http:\/\/rekor"; expected an https:\/\/ URL/],
    ["transparency log switched off the old way (false)", { transparencyLog: false as unknown as { url: string } }, /Tekton: invalid transparencyLog false; expected \{ url: "https:\/\/…" \} of a Rekor instance, or no transparencyLog/],
    ["cluster that is not cluster data", { cluster: "local" as unknown as ClusterData }, /Tekton: invalid cluster "local"; expected the cluster data/],
    ["empty registryPush repository", { registryPush: [""] }, /Tekton: invalid registryPush\[0\] ""; expected a registry repository/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects an ${what} before registering anything`, async () => {
      const { error, resources } = await fail(() => new Tekton("tekton", base(fakeCluster("aws"), extra)));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }
});
