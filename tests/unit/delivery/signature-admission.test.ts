import { strict as assert } from "node:assert";
import { generateKeyPairSync } from "node:crypto";
import { ArgumentError, CHAINS_SIGNING_SECRET, type ClusterData, SignatureAdmission, type SignatureAdmissionArgs, Tekton } from "../../../components";
import { fakeCluster } from "../../harness/fake-clusters";
import { fail, PRIVATE_KEY, PUBLIC_KEY, run } from "./fixtures";

const IMAGES = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/**", "ghcr.io/acme/*"];
const base = (cluster: ClusterData, extra: Partial<SignatureAdmissionArgs> = {}): SignatureAdmissionArgs => ({
  cluster,
  publicKey: PUBLIC_KEY,
  images: IMAGES,
  namespaces: ["payments", "ledger"],
  ...extra,
});

interface PolicySpec { images: { glob: string }[]; authorities: { name: string; key: { data: string; hashAlgorithm: string }; ctlog?: { url: string } }[]; mode: string }

describe("SignatureAdmission", () => {
  it("installs the pinned policy-controller chart and requires the pipeline's key for the platform's images", async () => {
    const { resources } = await run(() => new SignatureAdmission("admission", base(fakeCluster("aws"))));
    const release = resources.one("kubernetes:helm.sh/v3:Release");
    assert.equal(release.inputs.chart, "policy-controller");
    assert.equal(release.inputs.version, "0.10.6");
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://sigstore.github.io/helm-charts" });
    assert.equal(release.inputs.namespace, "cosign-system");
    const webhook = (release.inputs.values as { webhook: Record<string, unknown> }).webhook;
    assert.equal(webhook.failurePolicy, "Fail");
    assert.deepEqual(webhook.configData, { "no-match-policy": "deny" });
    const policy = resources.one("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy");
    assert.ok(policy.dependsOn.includes(release.urn));
    const spec = policy.inputs.spec as PolicySpec;
    assert.deepEqual(spec.images, IMAGES.map((glob) => ({ glob })));
    assert.deepEqual(spec.authorities, [{ name: "goplatform-signing-key", key: { data: PUBLIC_KEY, hashAlgorithm: "sha256" } }]);
    assert.equal(spec.mode, "enforce");
  });

  it("runs three webhook replicas spread over zones and nodes, with a budget that lets one go", async () => {
    const { resources } = await run(() => new SignatureAdmission("admission", base(fakeCluster("aws"))));
    const webhook = (resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { webhook: Record<string, unknown> }).webhook;
    assert.equal(webhook.replicaCount, 3);
    // minAvailable 0: the chart template omits a falsy minAvailable, so only maxUnavailable is rendered.
    assert.deepEqual(webhook.podDisruptionBudget, { enabled: true, minAvailable: 0, maxUnavailable: 1 });
    const selector = { matchLabels: { "control-plane": "admission-policy-controller-webhook" } };
    assert.deepEqual(webhook.affinity, {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: "topology.kubernetes.io/zone" } },
          { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: "kubernetes.io/hostname" } },
        ],
      },
    });
    // No registryRead: no identity, and the chart's ServiceAccount is left as the chart makes it.
    assert.equal(webhook.serviceAccount, undefined);
    assert.equal(webhook.customLabels, undefined);
    assert.equal(resources.ofType("aws:iam/role:Role").length, 0);
    const five = await run(() => new SignatureAdmission("admission", base(fakeCluster("aws"), { replicas: 5 })));
    assert.equal((five.resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { webhook: { replicaCount: number } }).webhook.replicaCount, 5);
  });

  it("gives the webhook ServiceAccount a cloud identity that reads the registryRead repositories", async () => {
    const acr = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry";
    const { resources } = await run(() => new SignatureAdmission("admission", base(fakeCluster("azure"), { registryRead: [acr] })));
    // One managed identity, federated to the chart's webhook ServiceAccount, with AcrPull on the registry; no ServiceAccount of its own.
    assert.equal(resources.one("azure-native:managedidentity:UserAssignedIdentity").name, "admission-webhook");
    assert.equal(resources.one("azure-native:managedidentity:FederatedIdentityCredential").inputs.subject, "system:serviceaccount:cosign-system:admission-policy-controller-webhook");
    const grant = resources.one("azure-native:authorization:RoleAssignment");
    assert.equal(grant.inputs.scope, acr);
    assert.match(grant.inputs.roleDefinitionId as string, /7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
    assert.equal(resources.ofType("kubernetes:core/v1:ServiceAccount").length, 0);
    const webhook = (resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { webhook: Record<string, unknown> }).webhook;
    assert.deepEqual(webhook.serviceAccount, { create: true, annotations: { "azure.workload.identity/client-id": "admission-webhook-client-id" } });
    // Quoted for the chart's unquoted label template: renders as the string "true".
    assert.deepEqual(webhook.customLabels, { "azure.workload.identity/use": '"true"' });
    assert.deepEqual(webhook.podAnnotations, { "goplatform.dev/cloud-identity": "admission-webhook-client-id" });
  });

  it("verifies with the same key Tekton gives Chains, when composed with Tekton's publicKey", async () => {
    // A key of its own, so the assertions below cannot pass on the default PUBLIC_KEY of base().
    const chainsKey = generateKeyPairSync("ec", { namedCurve: "P-256", publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).publicKey;
    const { result, resources } = await run(() => {
      const cluster = fakeCluster("aws");
      const tekton = new Tekton("tekton", { cluster, install: false, signingKey: { privateKey: PRIVATE_KEY, password: "pw", publicKey: chainsKey } });
      const admission = new SignatureAdmission("admission", base(cluster, { publicKey: tekton.publicKey, install: false }));
      return { tekton, admission };
    });
    assert.equal(result.tekton.publicKey, chainsKey);
    const signing = resources.ofType("kubernetes:core/v1:SecretPatch").filter((r) => (r.inputs.metadata as { name: string }).name === CHAINS_SIGNING_SECRET);
    assert.equal(signing.length, 1);
    const cosignPub = (signing[0]?.inputs.stringData as Record<string, string>)["cosign.pub"];
    const spec = resources.one("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy").inputs.spec as PolicySpec;
    const key = spec.authorities[0]?.key.data;
    assert.equal(key, result.tekton.publicKey);
    assert.equal(key, cosignPub);
    assert.notEqual(key, PUBLIC_KEY);
  });

  it("opts the platform's namespaces in with policy.sigstore.dev/include=true", async () => {
    const { resources } = await run(() => new SignatureAdmission("admission", base(fakeCluster("aws"))));
    const patches = resources.ofType("kubernetes:core/v1:NamespacePatch").map((r) => r.inputs.metadata as { name: string; labels: Record<string, string> });
    assert.deepEqual(patches.map((m) => [m.name, m.labels]), [["payments", { "policy.sigstore.dev/include": "true" }], ["ledger", { "policy.sigstore.dev/include": "true" }]]);
    const created = await run(() => new SignatureAdmission("admission", base(fakeCluster("aws"), { createNamespaces: true, install: false })));
    assert.equal(created.resources.ofType("kubernetes:helm.sh/v3:Release").length, 0);
    const namespaces = created.resources.ofType("kubernetes:core/v1:Namespace").map((r) => (r.inputs.metadata as { labels: Record<string, string> }).labels["policy.sigstore.dev/include"]);
    assert.deepEqual(namespaces, ["true", "true"]);
  });

  it("checks signatures against a transparency log when one is given", async () => {
    const { resources } = await run(() => new SignatureAdmission("admission", base(fakeCluster("aws"), { transparencyLog: { url: "https://rekor.sigstore.dev" }, mode: "warn" })));
    const spec = resources.one("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy").inputs.spec as PolicySpec;
    assert.deepEqual(spec.authorities[0]?.ctlog, { url: "https://rekor.sigstore.dev" });
    assert.equal(spec.mode, "warn");
  });

  const bad: [string, Partial<SignatureAdmissionArgs>, RegExp][] = [
    ["glob that matches everything (**)", { images: ["**"] }, /SignatureAdmission: invalid images\[0\] "\*\*"; expected an image glob for images the platform owns/],
    ["glob that matches everything (*)", { images: ["ghcr.io/acme/*", "*"] }, /invalid images\[1\] "\*"/],
    ["glob with a wildcard registry", { images: ["*/acme/**"] }, /invalid images\[0\] "\*\/acme\/\*\*"/],
    ["glob covering a whole registry", { images: ["ghcr.io/**"] }, /invalid images\[0\] "ghcr\.io\/\*\*"/],
    ["empty glob list", { images: [] }, /invalid images \[\]; expected a non-empty list/],
    ["empty public key", { publicKey: "" }, /SignatureAdmission: invalid publicKey ""; expected a PEM public key/],
    ["private key in place of the public key", { publicKey: PRIVATE_KEY }, /invalid publicKey "\(not a PEM public key\)"/],
    ["kube-system namespace", { namespaces: ["kube-system"] }, /invalid namespaces "kube-system"/],
    ["namespace mode given the old way", { createNamespaces: "create" as unknown as boolean }, /SignatureAdmission: invalid createNamespaces "create"; expected true or false/],
    ["unknown mode", { mode: "audit" as "warn" }, /SignatureAdmission: invalid mode "audit"; expected one of enforce, warn/],
    ["unknown noMatchPolicy", { noMatchPolicy: "ignore" as "allow" }, /SignatureAdmission: invalid noMatchPolicy "ignore"; expected one of deny, warn, allow/],
    ["http transparency log", { transparencyLog: { url: "http://rekor.internal" } }, /SignatureAdmission: invalid transparencyLog\.url "http:\/\/rekor\.internal"; expected an https:\/\/ URL/],
    ["single webhook replica", { replicas: 1 }, /SignatureAdmission: invalid replicas 1; expected an integer at least 2 and at most 10/],
    ["replica count with install: false", { replicas: 3, install: false }, /invalid replicas 3; expected no replicas with install: false/],
    ["registryRead with install: false", { registryRead: ["arn:aws:ecr:eu-west-1:123456789012:repository/acme/payments"], install: false }, /invalid registryRead .*; expected no registryRead with install: false/],
    ["empty registryRead repository", { registryRead: [""] }, /invalid registryRead\[0\] ""; expected a registry repository/],
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} before registering anything`, async () => {
      const { error, resources } = await fail(() => new SignatureAdmission("admission", base(fakeCluster("aws"), extra)));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  it("rejects registryRead on an ExistingCluster (no cloud identity) before registering anything", async () => {
    const { error, resources } = await fail(() => new SignatureAdmission("admission", base(fakeCluster("existing"), { registryRead: ["registry.example.com/acme"] })));
    assert.ok(error instanceof ArgumentError);
    assert.match(error.message, /invalid registryRead .*an ExistingCluster has no cloud identity/);
    assert.deepEqual(resources.all, []);
  });
});
