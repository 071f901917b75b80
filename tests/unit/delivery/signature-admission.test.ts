import { strict as assert } from "node:assert";
import { generateKeyPairSync } from "node:crypto";
import { ArgumentError, CHAINS_SIGNING_SECRET, SignatureAdmission, type SignatureAdmissionArgs, Tekton } from "../../../components";
import { FakeDeliveryCluster } from "../../harness/fake-cluster-delivery";
import { failureUnderMocks, runUnderMocks } from "../../harness/mocks";
import { PRIVATE_KEY, PUBLIC_KEY } from "./fixtures";

const IMAGES = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/**", "ghcr.io/acme/*"];
const base = (cluster: FakeDeliveryCluster, extra: Partial<SignatureAdmissionArgs> = {}): SignatureAdmissionArgs => ({
  cluster,
  publicKey: PUBLIC_KEY,
  images: IMAGES,
  namespaces: ["payments", "ledger"],
  ...extra,
});

interface PolicySpec { images: { glob: string }[]; authorities: { name: string; key: { data: string; hashAlgorithm: string }; ctlog?: { url: string } }[]; mode: string }

describe("SignatureAdmission", () => {
  it("installs the pinned policy-controller chart and requires the pipeline's key for the platform's images", async () => {
    const { resources } = await runUnderMocks(() => new SignatureAdmission("admission", base(new FakeDeliveryCluster())));
    const release = resources.one("kubernetes:helm.sh/v3:Release");
    assert.equal(release.inputs.chart, "policy-controller");
    assert.equal(release.inputs.version, "0.10.6");
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://sigstore.github.io/helm-charts" });
    assert.equal(release.inputs.namespace, "cosign-system");
    assert.deepEqual((release.inputs.values as { webhook: unknown }).webhook, { failurePolicy: "Fail", configData: { "no-match-policy": "deny" } });
    const policy = resources.one("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy");
    assert.ok(policy.dependsOn.includes(release.urn));
    const spec = policy.inputs.spec as PolicySpec;
    assert.deepEqual(spec.images, IMAGES.map((glob) => ({ glob })));
    assert.deepEqual(spec.authorities, [{ name: "goplatform-signing-key", key: { data: PUBLIC_KEY, hashAlgorithm: "sha256" } }]);
    assert.equal(spec.mode, "enforce");
  });

  it("verifies with the same key Tekton gives Chains, when composed with Tekton's publicKey", async () => {
    // A key of its own, so the assertions below cannot pass on the default PUBLIC_KEY of base().
    const chainsKey = generateKeyPairSync("ec", { namedCurve: "P-256", publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).publicKey;
    const { result, resources } = await runUnderMocks(() => {
      const cluster = new FakeDeliveryCluster();
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
    const { resources } = await runUnderMocks(() => new SignatureAdmission("admission", base(new FakeDeliveryCluster())));
    const patches = resources.ofType("kubernetes:core/v1:NamespacePatch").map((r) => r.inputs.metadata as { name: string; labels: Record<string, string> });
    assert.deepEqual(patches.map((m) => [m.name, m.labels]), [["payments", { "policy.sigstore.dev/include": "true" }], ["ledger", { "policy.sigstore.dev/include": "true" }]]);
    const created = await runUnderMocks(() => new SignatureAdmission("admission", base(new FakeDeliveryCluster(), { namespaceMode: "create", install: false })));
    assert.equal(created.resources.ofType("kubernetes:helm.sh/v3:Release").length, 0);
    const namespaces = created.resources.ofType("kubernetes:core/v1:Namespace").map((r) => (r.inputs.metadata as { labels: Record<string, string> }).labels["policy.sigstore.dev/include"]);
    assert.deepEqual(namespaces, ["true", "true"]);
  });

  it("checks signatures against a transparency log when one is given", async () => {
    const { resources } = await runUnderMocks(() => new SignatureAdmission("admission", base(new FakeDeliveryCluster(), { transparencyLog: { url: "https://rekor.sigstore.dev" }, mode: "warn" })));
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
  ];
  for (const [what, extra, message] of bad) {
    it(`rejects a ${what} before registering anything`, async () => {
      const { error, resources } = await failureUnderMocks(() => new SignatureAdmission("admission", base(new FakeDeliveryCluster(), extra)));
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }
});
