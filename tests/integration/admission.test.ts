// Signature admission, for real: Sigstore's policy-controller webhook (built from the Go
// module proxy) as the admission webhook of a local control plane, judging pods whose
// images are in a registry on 127.0.0.1 and were signed (or not) by the cosign CLI,
// against the ClusterImagePolicy and namespace the SignatureAdmission component
// (install: false) applies through the pulumi CLI, in a small program of the test's own.
// One key pair runs through the whole chain: Tekton gets it as Chains' signing key,
// SignatureAdmission takes Tekton's public key, and the policy pack is configured with
// the same; an image goplatform's build path signs with it passes all three, one it signs
// with another key fails all three.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildGoImage, parseImageRef, pushImage, verifyCosignSignature } from "../../components";
import { CHAINS_SIGNING_SECRET } from "../../components/delivery/tekton";
import { buildGo, resolveGoBuild } from "../../components/go";
import { checkResources } from "../../policies";
import { INCLUDE_LABEL } from "../../components/delivery/signature-admission";
import { AdmissionWebhook } from "../harness/admission-webhook";
import { LocalCluster } from "../harness/local-cluster";
import { PulumiCli, REPO_ROOT, writeProgramProject, toolchain } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const run = promisify(execFile);

/**
 * The program: SignatureAdmission (install: false; policy-controller is the test's
 * process) on the control plane, its policy for the registry's images, creating the
 * opted-in namespace; with config `image`, a Deployment of it there.
 */
const program = (components: string) => `"use strict";
const { readFileSync } = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { ExistingCluster, SignatureAdmission, Tekton } = require(${JSON.stringify(components)});
const config = new pulumi.Config();
const kubeconfig = pulumi.secret(readFileSync(config.require("kubeconfig"), "utf8"));
const provider = new k8s.Provider("local", { kubeconfig });
const { cluster } = new ExistingCluster("local", { clusterName: "local", kubernetesVersion: "1.34", kubeconfig });
const tekton = new Tekton("tekton", {
  cluster,
  install: false,
  signingKey: {
    privateKey: pulumi.secret(readFileSync(config.require("privateKeyFile"), "utf8")),
    password: config.requireSecret("keyPassword"),
    publicKey: readFileSync(config.require("publicKeyFile"), "utf8"),
  },
});
const admission = new SignatureAdmission("admission", {
  cluster,
  install: false,
  publicKey: tekton.publicKey,
  images: [config.require("images")],
  namespaces: [config.require("namespace")],
  createNamespaces: true,
});
const image = config.get("image");
if (image !== undefined) {
  const labels = { app: "api" };
  new k8s.apps.v1.Deployment("api", {
    metadata: { name: "api", namespace: config.require("namespace") },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "api", image }] } } },
  }, { provider, dependsOn: [admission] });
}
`;

describe("signature admission by policy-controller on a local control plane", function () {
  this.timeout(1_800_000);
  let work: string;
  let registry: LoopbackRegistry | undefined;
  let cluster: LocalCluster;
  let webhook: AdmissionWebhook | undefined;
  let cosign: string;
  let cli: PulumiCli;
  const stack = (...args: string[]) => [...args, "--stack", "admission"];
  const refs: Record<"signed" | "unsigned" | "otherKey" | "bundle" | "built" | "builtOtherKey", string> = { signed: "", unsigned: "", otherKey: "", bundle: "", built: "", builtOtherKey: "" };
  const OPTED_IN = "apps";
  const NOT_OPTED_IN = "sandbox";

  const keyPair = async (dir: string) => {
    mkdirSync(dir, { recursive: true });
    await run(cosign, ["generate-key-pair"], { cwd: dir, env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: "test-only" } });
    return path.join(dir, "cosign.key");
  };
  // Key-only, no transparency log (the policy has no `ctlog`), to a plain-HTTP registry.
  const sign = async (reference: string, key: string, format: "legacy" | "bundle") => {
    const flags = ["sign", "--key", key, "--use-signing-config=false", "--tlog-upload=false", "--allow-http-registry", "--yes", `--new-bundle-format=${String(format === "bundle")}`];
    await run(cosign, [...flags, reference], { env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: "test-only" } });
  };
  const pod = (name: string, namespace: string, image: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: { containers: [{ name: "app", image }] },
  });

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-admission-"));
    cosign = toolchain("cosign");
    registry = await startRegistry();
    const platformKey = await keyPair(path.join(work, "platform"));
    const otherKey = await keyPair(path.join(work, "other"));
    for (const which of ["signed", "unsigned", "otherKey", "bundle"] as const) {
      const binary = path.join(work, which);
      writeFileSync(binary, `#!/bin/sh\necho ${which}\n`);
      const image = await buildGoImage({ binary, arch: "amd64", goVersion: "1.27.4", goModule: "example.com/admitted" });
      refs[which] = (await pushImage(image, { registry: registry.host, repository: `goplatform/${which.toLowerCase()}`, insecure: true })).reference;
    }
    await sign(refs.signed, platformKey, "legacy");
    await sign(refs.otherKey, otherKey, "legacy");
    await sign(refs.bundle, platformKey, "bundle");
    // goplatform's build path: a real Go service, pushed and signed by pushImage with each key.
    const arch = process.arch === "arm64" ? "arm64" : "amd64";
    const built = await buildGo(resolveGoBuild({ source: path.join(REPO_ROOT, "examples", "http-service"), arch, binaryName: "server", outDir: path.join(work, "build") }));
    for (const [which, key] of [["built", platformKey], ["builtOtherKey", otherKey]] as const) {
      // The module label differs, so the two images have their own digests.
      const image = await buildGoImage({ binary: built.binary, arch, goVersion: built.goVersion, goModule: `example.com/${which.toLowerCase()}`, ldflags: built.ldflags });
      const signing = { privateKey: readFileSync(key, "utf8"), password: "test-only" };
      refs[which] = (await pushImage(image, { registry: registry.host, repository: `goplatform/${which.toLowerCase()}`, insecure: true }, { signing })).reference;
    }

    cluster = LocalCluster.start(path.join(work, "cluster"));
    webhook = await AdmissionWebhook.start(cluster, work);

    const project = writeProgramProject(path.join(work, "project"), "admission", program(path.join(REPO_ROOT, "dist", "components")));
    cli = new PulumiCli(project, path.join(work, "state"));
    cli.ok(["stack", "init", "admission"]);
    const config = { kubeconfig: cluster.kubeconfig, privateKeyFile: platformKey, publicKeyFile: path.join(work, "platform", "cosign.pub"), images: `${registry.host}/goplatform/**`, namespace: OPTED_IN };
    for (const [key, value] of Object.entries(config)) cli.ok(stack("config", "set", key, value));
    cli.ok(stack("config", "set", "--secret", "keyPassword", "test-only"));
    cli.ok(stack("up", "--yes", "--skip-preview"));
    cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: NOT_OPTED_IN } }]);
    await webhook.waitForPolicy(cluster, "goplatform-signed-images", 60);
  });

  after(() => {
    webhook?.stop();
    LocalCluster.purge(path.join(work, "cluster"));
    registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** The webhook's denial of image in a pod's first container: its reason, after the authority and the image. */
  const denial = (result: { status: number | null; stderr: string }, image: string) => {
    assert.notEqual(result.status, 0, "the pod was admitted");
    const prefix = `Error from server (BadRequest): admission webhook "policy.sigstore.dev" denied the request: validation failed: failed policy: goplatform-signed-images: spec.containers[0].image\n${image} signature key validation failed for authority goplatform-signing-key for ${image}: `;
    assert.ok(result.stderr.startsWith(prefix), result.stderr);
    return result.stderr.slice(prefix.length).trim();
  };

  it("SignatureAdmission (install: false) applied the policy and the opted-in namespace, which policy-controller compiled", () => {
    assert.equal(cluster.get("namespace", OPTED_IN)?.metadata.labels?.[INCLUDE_LABEL], "true");
    const compiled = JSON.parse(cluster.get("configmap", "config-image-policies", "cosign-system")?.data?.["goplatform-signed-images"] ?? "{}") as { images?: { glob: string }[]; mode?: string };
    assert.deepEqual(compiled.images, [{ glob: `${registry?.host ?? ""}/goplatform/**` }]);
    assert.equal(compiled.mode, "enforce");
    // Stored as v1alpha1 and read at either version, with the CRD converting through the webhook: policy-controller converted it.
    const crd = cluster.get("crd", "clusterimagepolicies.policy.sigstore.dev") as { spec: { conversion: { strategy: string } } } | undefined;
    assert.equal(crd?.spec.conversion.strategy, "Webhook");
    for (const version of ["v1alpha1", "v1beta1"]) {
      const policy = cluster.get(`clusterimagepolicies.${version}.policy.sigstore.dev`, "goplatform-signed-images") as { apiVersion: string; spec: { images: unknown } } | undefined;
      assert.equal(policy?.apiVersion, `policy.sigstore.dev/${version}`);
      assert.deepEqual(policy.spec.images, compiled.images);
    }
  });

  it("admits a pod whose image is signed with the platform key", () => {
    const result = cluster.tryApply([pod("signed", OPTED_IN, refs.signed)]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(cluster.get("pod", "signed", OPTED_IN), "the pod exists");
  });

  it("denies an unsigned image, with the webhook's reason", () => {
    assert.equal(denial(cluster.tryApply([pod("unsigned", OPTED_IN, refs.unsigned)]), refs.unsigned), "no signatures found");
    assert.equal(cluster.get("pod", "unsigned", OPTED_IN), undefined);
  });

  it("denies an image signed with another key", () => {
    assert.equal(denial(cluster.tryApply([pod("other-key", OPTED_IN, refs.otherKey)]), refs.otherKey), "no matching signatures: invalid signature when validating ASN.1 encoded signature");
  });

  it("denies an image signed with the platform key in the Sigstore bundle format: v0.13.1 verifies key authorities' .sig signatures only", () => {
    assert.equal(denial(cluster.tryApply([pod("bundle", OPTED_IN, refs.bundle)]), refs.bundle), "no signatures found");
  });

  it("does not check a namespace that is not opted in", () => {
    const result = cluster.tryApply([pod("unsigned", NOT_OPTED_IN, refs.unsigned)]);
    assert.equal(result.status, 0, result.stderr);
  });

  it("one key across the chain: Tekton's key, the admission policy and the pack accept what goplatform's build signed with it, and refuse another key", async () => {
    const host = registry?.host ?? "";
    // Tekton: the public half of Chains' signing key, as the cluster holds it.
    const secret = cluster.get("secret", CHAINS_SIGNING_SECRET, "tekton-chains") as { data?: Record<string, string> } | undefined;
    const chainsKey = Buffer.from(secret?.data?.["cosign.pub"] ?? "", "base64").toString("utf8");
    assert.match(chainsKey, /^-----BEGIN PUBLIC KEY-----/);
    const verified = async (reference: string) => {
      const ref = parseImageRef(reference);
      assert.ok(ref !== undefined, reference);
      return (await verifyCosignSignature(ref, { publicKeys: [chainsKey], insecureRegistries: [host] })).status;
    };
    assert.equal(await verified(refs.built), "verified");
    assert.equal(await verified(refs.builtOtherKey), "invalid");

    // SignatureAdmission: its policy, made from Tekton's public key, admits one and denies the other.
    const admitted = cluster.tryApply([pod("built", OPTED_IN, refs.built)]);
    assert.equal(admitted.status, 0, admitted.stderr);
    assert.equal(denial(cluster.tryApply([pod("built-other-key", OPTED_IN, refs.builtOtherKey)]), refs.builtOtherKey), "no matching signatures: invalid signature when validating ASN.1 encoded signature");

    // The policy pack, configured with the same key.
    const judged = async (image: string) => {
      const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: OPTED_IN }, spec: { template: { spec: { containers: [{ name: "api", image }] } } } };
      const violations = await checkResources([{ type: "kubernetes:apps/v1:Deployment", name: "api", props: deployment }], { "image-cosign-signature": { publicKeys: [chainsKey], insecureRegistries: [host] } });
      return violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName);
    };
    assert.deepEqual(await judged(refs.built), []);
    assert.deepEqual(await judged(refs.builtOtherKey), ["image-cosign-signature"]);
  });

  it("pulumi up deploys a signed image, and reports the webhook's denial of an unsigned one", () => {
    cli.ok(stack("config", "set", "image", refs.signed));
    cli.ok(stack("up", "--yes", "--skip-preview"));
    const deployment = () => cluster.get("deployment", "api", OPTED_IN) as { spec: { template: { spec: { containers: { image: string }[] } } }; status: { readyReplicas?: number } } | undefined;
    assert.equal(deployment()?.status.readyReplicas, 1);

    cli.ok(stack("config", "set", "image", refs.unsigned));
    const up = cli.run(stack("up", "--yes", "--skip-preview"));
    assert.notEqual(up.status, 0, up.output);
    assert.match(up.output, /admission webhook "policy\.sigstore\.dev" denied the request: validation failed: failed policy: goplatform-signed-images: spec\.template\.spec\.containers\[0\]\.image/, up.output);
    assert.ok(up.output.includes(`signature key validation failed for authority goplatform-signing-key for ${refs.unsigned}: no signatures found`), up.output);
    assert.equal(deployment()?.spec.template.spec.containers[0]?.image, refs.signed, "the running Deployment keeps the signed image");
  });
});
