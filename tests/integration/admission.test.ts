// Signature admission, for real: Sigstore's policy-controller webhook (built from the Go
// module proxy) as the admission webhook of a local control plane, judging pods whose
// images are in a registry on 127.0.0.1 and were signed (or not) by the cosign CLI,
// against the ClusterImagePolicy SignatureAdmission applies.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildGoImage, pushImage } from "../../components";
import { clusterImagePolicySpec, INCLUDE_LABEL } from "../../components/delivery/signature-admission";
import { AdmissionWebhook } from "../harness/admission-webhook";
import { LocalCluster } from "../harness/local-cluster";
import { toolchain } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const run = promisify(execFile);

describe("signature admission by policy-controller on a local control plane", function () {
  this.timeout(1_800_000);
  let work: string;
  let registry: LoopbackRegistry | undefined;
  let cluster: LocalCluster | undefined;
  let webhook: AdmissionWebhook | undefined;
  let cosign: string;
  const refs: Record<"signed" | "unsigned" | "otherKey" | "bundle", string> = { signed: "", unsigned: "", otherKey: "", bundle: "" };
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

    cluster = LocalCluster.start(path.join(work, "cluster"));
    webhook = await AdmissionWebhook.start(cluster, work);
    const publicKey = readFileSync(path.join(work, "platform", "cosign.pub"), "utf8");
    cluster.apply([
      { apiVersion: "policy.sigstore.dev/v1beta1", kind: "ClusterImagePolicy", metadata: { name: "goplatform-signed-images" }, spec: clusterImagePolicySpec([`${registry.host}/**`], publicKey, "enforce") },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: OPTED_IN, labels: { [INCLUDE_LABEL]: "true" } } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: NOT_OPTED_IN } },
    ]);
    await webhook.waitForPolicy(cluster, "goplatform-signed-images", 60);
  });

  after(() => {
    webhook?.stop();
    if (cluster !== undefined) LocalCluster.purge(cluster.dir);
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

  it("admits a pod whose image is signed with the platform key", () => {
    const result = cluster?.tryApply([pod("signed", OPTED_IN, refs.signed)]);
    assert.equal(result?.status, 0, result?.stderr);
    assert.ok(cluster?.get("pod", "signed", OPTED_IN), "the pod exists");
  });

  it("denies an unsigned image, with the webhook's reason", () => {
    assert.equal(denial(cluster?.tryApply([pod("unsigned", OPTED_IN, refs.unsigned)]) ?? assert.fail(), refs.unsigned), "no signatures found");
    assert.equal(cluster?.get("pod", "unsigned", OPTED_IN), undefined);
  });

  it("denies an image signed with another key", () => {
    assert.equal(denial(cluster?.tryApply([pod("other-key", OPTED_IN, refs.otherKey)]) ?? assert.fail(), refs.otherKey), "no matching signatures: invalid signature when validating ASN.1 encoded signature");
  });

  it("denies an image signed with the platform key in the Sigstore bundle format: v0.13.1 verifies key authorities' .sig signatures only", () => {
    assert.equal(denial(cluster?.tryApply([pod("bundle", OPTED_IN, refs.bundle)]) ?? assert.fail(), refs.bundle), "no signatures found");
  });

  it("does not check a namespace that is not opted in", () => {
    const result = cluster?.tryApply([pod("unsigned", NOT_OPTED_IN, refs.unsigned)]);
    assert.equal(result?.status, 0, result?.stderr);
  });
});
