// images-pin-digest against a real registry on loopback: tag-only images in every
// kind imagesOf reads are rewritten to the digest the registry serves for the tag (an
// index tag to the index digest); an unreachable registry or unknown tag leaves the
// resource unchanged and the digest rule still fails it. The remediation is called the
// way @pulumi/policy's server calls it: only at level "remediate", props threaded
// through, validations run on the remediated props.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { pushImage, type Blob, type OciImage } from "../../components/supplychain";
import { checkResources, imagesPinnedByDigest, type ResourceToCheck } from "../../policies/index";
import { imagesPinDigest, type PinDigestConfig } from "../../policies/remediation";
import { LocalCluster } from "../harness/local-cluster";
import { PulumiCli, REPO_ROOT, writeProgramProject } from "../harness/pulumi-cli";
import { startRegistry, type LoopbackRegistry } from "../harness/registry";

const blob = (mediaType: string, data: Buffer): Blob => ({ mediaType, data, size: data.length, digest: `sha256:${createHash("sha256").update(data).digest("hex")}` });

function tinyImage(content: string): OciImage {
  const layer = blob("application/vnd.oci.image.layer.v1.tar", Buffer.from(content));
  const config = blob("application/vnd.oci.image.config.v1+json", Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.digest] } })));
  const manifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: config.mediaType, digest: config.digest, size: config.size }, layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }] };
  return { manifest: blob("application/vnd.oci.image.manifest.v1+json", Buffer.from(JSON.stringify(manifest))), config, layers: [layer] };
}

/** Runs the remediation as the engine does; returns the props the engine would deploy. */
async function remediate(r: ResourceToCheck, config: PinDigestConfig): Promise<Record<string, unknown>> {
  const args = { type: r.type, name: r.name, urn: `urn:pulumi:t::t::${r.type}::${r.name}`, props: r.props, getConfig: () => config } as unknown as ResourceValidationArgs;
  const result = (await imagesPinDigest.remediateResource?.(args)) as Record<string, unknown> | undefined;
  return result ?? r.props;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

describe("policies: images-pin-digest remediation on a loopback registry", function () {
  this.timeout(120_000);
  let registry: LoopbackRegistry;
  let digest: string;
  let indexDigest: string;
  let image: string;
  let config: PinDigestConfig;

  before(async () => {
    registry = await startRegistry();
    config = { insecureRegistries: [registry.host] };
    ({ digest } = await pushImage(tinyImage("api"), { registry: registry.host, repository: "acme/api", tag: "v1", insecure: true }));
    image = `${registry.host}/acme/api:v1`;
    // A multi-platform tag: an OCI index over two pushed manifests.
    const amd = await pushImage(tinyImage("amd64"), { registry: registry.host, repository: "acme/multi", insecure: true });
    const arm = await pushImage(tinyImage("arm64"), { registry: registry.host, repository: "acme/multi", insecure: true });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [amd, arm].map((m, i) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: m.digest, size: 1, platform: { os: "linux", architecture: i === 0 ? "amd64" : "arm64" } })),
      }),
    );
    const put = await fetch(`http://${registry.host}/v2/acme/multi/manifests/latest`, { method: "PUT", body: index, headers: { "Content-Type": "application/vnd.oci.image.index.v1+json" } });
    assert.equal(put.status, 201, await put.text());
    indexDigest = `sha256:${createHash("sha256").update(index).digest("hex")}`;
  });
  after(() => {
    registry.stop();
  });

  const podSpec = (img: string) => ({ initContainers: [{ name: "init", image: img }], containers: [{ name: "app", image: img, ports: [{ containerPort: 8080 }] }], ephemeralContainers: [{ name: "debug", image: img }] });
  const kinds: [string, (spec: unknown) => Record<string, unknown>, (props: Record<string, unknown>) => unknown][] = [
    ["kubernetes:core/v1:Pod", (spec) => ({ spec }), (p) => p.spec],
    ["kubernetes:apps/v1:Deployment", (spec) => ({ metadata: { name: "api" }, spec: { replicas: 2, template: { spec } } }), (p) => (p.spec as { template: { spec: unknown } }).template.spec],
    ["kubernetes:apps/v1:StatefulSet", (spec) => ({ spec: { template: { spec } } }), (p) => (p.spec as { template: { spec: unknown } }).template.spec],
    ["kubernetes:apps/v1:DaemonSet", (spec) => ({ spec: { template: { spec } } }), (p) => (p.spec as { template: { spec: unknown } }).template.spec],
    ["kubernetes:batch/v1:Job", (spec) => ({ spec: { template: { spec } } }), (p) => (p.spec as { template: { spec: unknown } }).template.spec],
    ["kubernetes:batch/v1:CronJob", (spec) => ({ spec: { jobTemplate: { spec: { template: { spec } } } } }), (p) => (p.spec as { jobTemplate: { spec: { template: { spec: unknown } } } }).jobTemplate.spec.template.spec],
    ["kubernetes:apps/v1:DeploymentPatch", (spec) => ({ spec: { template: { spec } } }), (p) => (p.spec as { template: { spec: unknown } }).template.spec],
    ["kubernetes:argoproj.io/v1alpha1:Rollout", (spec) => ({ spec: { template: { spec } } }), (p) => (p.spec as { template: { spec: unknown } }).template.spec],
  ];

  for (const [type, wrap, specOf] of kinds) {
    it(`${type}: every container's tag is pinned to the pushed digest, the rest untouched`, async () => {
      const props = wrap(podSpec(image));
      const before = JSON.stringify(props);
      const out = await remediate({ type, name: "w", props }, config);
      assert.equal(JSON.stringify(props), before, "the engine's props are not modified in place");
      const pinned = `${image}@${digest}`;
      assert.deepEqual(specOf(out), { initContainers: [{ name: "init", image: pinned }], containers: [{ name: "app", image: pinned, ports: [{ containerPort: 8080 }] }], ephemeralContainers: [{ name: "debug", image: pinned }] });
      // The digest rule fails the original and passes what the engine deploys.
      assert.equal((await checkResources([{ type, name: "w", props }], {}, [imagesPinnedByDigest])).length, 3);
      assert.deepEqual(await checkResources([{ type, name: "w", props: out }], {}, [imagesPinnedByDigest]), []);
    });
  }

  it("pins Tekton, Cloud Run and Lambda images; Lambda drops the tag; an index tag pins the index digest", async () => {
    const multi = `${registry.host}/acme/multi`;
    const task = await remediate({ type: "kubernetes:tekton.dev/v1:Task", name: "t", props: { spec: { stepTemplate: { image }, steps: [{ image: multi }], sidecars: [{ image }] } } }, config);
    assert.deepEqual(task, { spec: { stepTemplate: { image: `${image}@${digest}` }, steps: [{ image: `${multi}@${indexDigest}` }], sidecars: [{ image: `${image}@${digest}` }] } });
    const run = await remediate({ type: "gcp:cloudrunv2/service:Service", name: "run", props: { location: "europe-west1", template: { containers: [{ image }] } } }, config);
    assert.deepEqual(run, { location: "europe-west1", template: { containers: [{ image: `${image}@${digest}` }] } });
    const fn = await remediate({ type: "aws:lambda/function:Function", name: "fn", props: { packageType: "Image", imageUri: image } }, config);
    assert.deepEqual(fn, { packageType: "Image", imageUri: `${registry.host}/acme/api@${digest}` });
  });

  it("during preview: unknown siblings (behind @pulumi/policy's unknown-checking proxy) are kept, the image is still pinned", async () => {
    // The engine's proxy, as the remediate RPC wraps props: reading an unknown through it throws.
    const proxy = createRequire(__filename)("@pulumi/policy/proxy") as { unknownCheckingProxy(o: object): Record<string, unknown>; unknownStringValue: string };
    const unknown = proxy.unknownStringValue;
    const raw = { metadata: { namespace: unknown }, spec: { replicas: unknown, template: { metadata: { labels: { app: unknown } }, spec: { serviceAccountName: unknown, containers: [{ name: "app", image, env: unknown }] } } } };
    const props = proxy.unknownCheckingProxy(raw);
    assert.throws(() => JSON.stringify(props), /can't be known during preview/);
    const out = await imagesPinDigest.remediateResource?.({ type: "kubernetes:apps/v1:Deployment", props, getConfig: () => config } as unknown as ResourceValidationArgs);
    assert.deepEqual(out, { ...raw, spec: { ...raw.spec, template: { ...raw.spec.template, spec: { serviceAccountName: unknown, containers: [{ name: "app", image: `${image}@${digest}`, env: unknown }] } } } });
  });

  it("leaves pinned images, other registries' prefixes, unknown tags and unreachable registries unchanged", async () => {
    const pinned = `${registry.host}/acme/api@${digest}`;
    const props = { spec: { containers: [{ image: pinned }, { image: `${registry.host}/acme/api:no-such-tag` }] } };
    assert.equal(await imagesPinDigest.remediateResource?.({ type: "kubernetes:core/v1:Pod", props, getConfig: () => config } as unknown as ResourceValidationArgs), undefined);
    const skipped = { spec: { containers: [{ image }] } };
    assert.equal(await imagesPinDigest.remediateResource?.({ type: "kubernetes:core/v1:Pod", props: skipped, getConfig: () => ({ ...config, imagePrefixes: ["ghcr.io/acme"] }) } as unknown as ResourceValidationArgs), undefined);

    const gone = `127.0.0.1:${String(await closedPort())}`;
    const offline = { spec: { containers: [{ image: `${gone}/acme/api:v1` }] } };
    const goneConfig = { insecureRegistries: [gone], timeoutMs: 2000 };
    assert.equal(await imagesPinDigest.remediateResource?.({ type: "kubernetes:core/v1:Pod", props: offline, getConfig: () => goneConfig } as unknown as ResourceValidationArgs), undefined);
    // What is left is reported: the mandatory digest rule, and this policy's check names why.
    const found = await checkResources([{ type: "kubernetes:core/v1:Pod", name: "p", props: offline }], { "images-pin-digest": { enforcementLevel: "remediate", ...goneConfig } }, [imagesPinnedByDigest, imagesPinDigest]);
    assert.deepEqual(
      found.map((v) => [v.policyName, v.enforcementLevel]),
      [
        ["images-pinned-by-digest", "mandatory"],
        ["images-pin-digest", "remediate"],
      ],
    );
    assert.match(found[1]?.message ?? "", new RegExp(`could not pin ${gone}/acme/api:v1 to a digest: ${gone} could not be reached`));
  });

  it("is opt-in: disabled by default; as advisory a dry run that reports the digest", async () => {
    const resources: ResourceToCheck[] = [{ type: "kubernetes:core/v1:Pod", name: "p", props: { spec: { containers: [{ image }] } } }];
    assert.equal(imagesPinDigest.enforcementLevel, "disabled");
    assert.deepEqual(await checkResources(resources, { "images-pin-digest": { ...config } }, [imagesPinDigest]), []);
    const advice = await checkResources(resources, { "images-pin-digest": { enforcementLevel: "advisory", ...config } }, [imagesPinDigest]);
    assert.deepEqual(
      advice.map((v) => `${v.enforcementLevel} ${v.message}`),
      [`advisory spec.containers[0].image: ${image} would be pinned to ${image}@${digest} (set this policy's enforcement level to "remediate" to pin it).`],
    );
  });
  describe("in pulumi preview --policy-pack, remediate enabled by the pack config", () => {
    let work: string;
    let cli: PulumiCli;

    before(() => {
      work = mkdtempSync(path.join(tmpdir(), "goplatform-remediation-"));
      const project = writeProgramProject(
        path.join(work, "project"),
        "remediation-check",
        [
          '"use strict";',
          'const k8s = require("@pulumi/kubernetes");',
          'const pulumi = require("@pulumi/pulumi");',
          "const config = new pulumi.Config();",
          'const provider = new k8s.Provider("local", { kubeconfig: config.requireSecret("kubeconfig") });',
          'new k8s.apps.v1.Deployment("api", { metadata: { namespace: "default" }, spec: { selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: config.require("image") }] } } } }, { provider });',
          "",
        ].join("\n"),
      );
      const cluster = LocalCluster.start(path.join(work, "cluster"));
      cli = new PulumiCli(project, path.join(work, "state"));
      cli.ok(["stack", "init", "dev"]);
      cli.ok(["config", "set", "--secret", "kubeconfig", "--", readFileSync(cluster.kubeconfig, "utf8")]);
      cli.ok(["config", "set", "image", image]);
    });
    after(() => {
      LocalCluster.purge(path.join(work, "cluster"));
      rmSync(work, { recursive: true, force: true });
    });

    it("fails the tag without the remediation, and previews (and would deploy) the pinned reference with it", () => {
      const pack = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config"];
      const off = path.join(work, "off.json");
      writeFileSync(off, JSON.stringify({}));
      const failing = cli.run(["preview", "--diff", ...pack, off]);
      assert.notEqual(failing.status, 0, failing.output);
      assert.match(failing.output, /\[mandatory\] \[severity: high\]\s+images-pinned-by-digest/);
      const on = path.join(work, "on.json");
      writeFileSync(on, JSON.stringify({ "images-pin-digest": { enforcementLevel: "remediate", insecureRegistries: [registry.host] } }));
      const passing = cli.run(["preview", "--diff", ...pack, on]);
      assert.equal(passing.status, 0, passing.output);
      // The engine shows the remediation's diff and plans the Deployment with the pinned image.
      assert.match(passing.output, /\[remediate\]\s+images-pin-digest/);
      assert.ok(passing.output.includes(`image: "${image}@${digest}"`), passing.output);
      assert.doesNotMatch(passing.output, /images-pinned-by-digest/);
    });
  });
});
