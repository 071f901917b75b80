import { strict as assert } from "node:assert";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { rootCertificates } from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import { checkGoCloudRunServiceArgs, GoCloudRunService, type CloudRunSigning, type GoCloudRunServiceArgs } from "../../../components";
import { cloudRunMocks } from "../../harness/cloud-mocks";
import { failureUnderMocks, runUnderMocks, unhandledUnderMocks, valueOf } from "../../harness/mocks";

const repo = path.resolve(__dirname, "..", "..", "..", "..");
const source = path.join(repo, "examples", "http-service");
const asOf = "2026-11-23";

// The repository's test-only cosign key (tests/fixtures/cosign), as a stack passes its secrets.
const privateKey = readFileSync(path.join(repo, "tests", "fixtures", "cosign", "cosign.key"), "utf8");
const signing: CloudRunSigning = { mode: "cosign", privateKey, password: "test-only" };
const base = { source, location: "europe-west1", asOf, signing };
const make = (args: Partial<GoCloudRunServiceArgs> = {}) => () => new GoCloudRunService("hello", { ...base, ...args });

interface Container {
  image: string;
  ports: { containerPort: number };
  startupProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
}
interface Template {
  executionEnvironment: string;
  serviceAccount: string;
  maxInstanceRequestConcurrency: number;
  scaling: { minInstanceCount: number; maxInstanceCount: number };
  containers: Container[];
}

describe("GoCloudRunService", function () {
  this.timeout(600_000);

  it("runs the image by digest, with its own service account, Binary Authorization, gen2, probes and internal ingress", async () => {
    const { result, resources } = await runUnderMocks(make(), cloudRunMocks);
    const service = resources.one("gcp:cloudrunv2/service:Service");
    assert.equal(service.inputs.ingress, "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
    assert.deepEqual(service.inputs.binaryAuthorization, { useDefault: true });
    assert.deepEqual(service.inputs.labels, { "goplatform-go-version": "go1_27_4", "goplatform-go-module": "example-com-goplatform-http-service" });
    const template = service.inputs.template as Template;
    assert.equal(template.executionEnvironment, "EXECUTION_ENVIRONMENT_GEN2");
    assert.equal(template.serviceAccount, "hello-run@proj.iam.gserviceaccount.com");
    assert.deepEqual(template.scaling, { minInstanceCount: 0, maxInstanceCount: 10 });
    assert.equal(template.maxInstanceRequestConcurrency, 80);
    const container = template.containers[0];
    assert.ok(container);
    assert.match(container.image, /^europe-west1-docker\.pkg\.dev\/proj\/hello-images-[0-9a-f]{6}\/hello@sha256:[0-9a-f]{64}$/);
    assert.equal(await valueOf(result.image), container.image);
    assert.equal(container.startupProbe.httpGet.path, "/readyz");
    assert.equal(container.livenessProbe.httpGet.path, "/healthz");
    assert.equal(container.ports.containerPort, 8080);
    assert.match(resources.one("gcp:serviceaccount/account:Account").inputs.accountId as string, /^hello-run-[0-9a-f]{6}$/);
    const repository = resources.one("gcp:artifactregistry/repository:Repository");
    assert.equal(repository.inputs.format, "DOCKER");
    assert.deepEqual(repository.inputs.dockerConfig, { immutableTags: true });
  });

  it("gives the same image digest on a second run (no diff on the next up)", async () => {
    const first = await runUnderMocks(make(), cloudRunMocks);
    const second = await runUnderMocks(make(), cloudRunMocks);
    const image = (r: typeof first) => (r.resources.one("gcp:cloudrunv2/service:Service").inputs.template as Template).containers[0]?.image;
    assert.equal(image(second), image(first));
  });

  it("with the docker builder, builds a generated FROM-scratch context through @pulumi/docker and runs its repo digest", async () => {
    const { resources } = await runUnderMocks(make({ builder: "docker" }), cloudRunMocks);
    const image = resources.one("docker:index/image:Image");
    const build = image.inputs.build as { context: string; dockerfile: string; platform: string };
    assert.equal(build.platform, "linux/amd64");
    assert.equal(build.dockerfile, path.join(build.context, "Dockerfile"));
    assert.match(image.inputs.imageName as string, /^europe-west1-docker\.pkg\.dev\/proj\/hello-images-[0-9a-f]{6}\/hello:[0-9a-f]{16}$/);
    assert.deepEqual(image.inputs.registry, { server: "europe-west1-docker.pkg.dev", username: "oauth2accesstoken", password: "ya29.mock" });

    const dockerfile = readFileSync(build.dockerfile, "utf8");
    assert.match(dockerfile, /^FROM scratch$/m, "no base image to pull or pin");
    assert.match(dockerfile, /^USER 65532:65532$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["\/app\/server"\]$/m);
    assert.match(dockerfile, /^LABEL goplatform\.dev\/go-version="go1\.27\.4" goplatform\.dev\/go-module="example\.com\/goplatform\/http-service"$/m);
    assert.equal(readFileSync(path.join(build.context, "rootfs", "etc", "ssl", "certs", "ca-certificates.crt"), "utf8"), `${rootCertificates.join("\n")}\n`);
    assert.equal(statSync(path.join(build.context, "server")).mode & 0o777, 0o755);

    const service = resources.one("gcp:cloudrunv2/service:Service");
    assert.equal((service.inputs.template as Template).containers[0]?.image, `europe-west1-docker.pkg.dev/proj/hello-images/hello@sha256:${"d".repeat(64)}`);
    const again = await runUnderMocks(make({ builder: "docker" }), cloudRunMocks);
    assert.deepEqual(again.resources.one("docker:index/image:Image").inputs, image.inputs, "the same inputs on a second run");
  });

  it("turns Cloud Run deletion protection off by default, and on with Pulumi protect when protect is true", async () => {
    const cases: [Partial<GoCloudRunServiceArgs>, pulumi.ComponentResourceOptions, boolean][] = [
      [{}, {}, false],
      [{ protect: true }, {}, true],
      [{}, { protect: true }, true],
      [{ protect: false }, { protect: true }, false],
    ];
    for (const [args, opts, expected] of cases) {
      const { resources } = await runUnderMocks(() => new GoCloudRunService("hello", { ...base, ...args }, opts), cloudRunMocks);
      const service = resources.one("gcp:cloudrunv2/service:Service");
      // Explicit even when false: the provider's default is true.
      assert.equal(service.inputs.deletionProtection, expected, JSON.stringify([args, opts]));
      assert.equal(service.protect, expected, JSON.stringify([args, opts]));
      assert.equal(resources.one("goplatform:index:GoCloudRunService").protect, expected);
    }
  });

  it("names its repository and service account per stack: two stacks in one GCP project never collide", async () => {
    const ids = async (stack: string, name = "hello") => {
      const { resources } = await runUnderMocks(() => new GoCloudRunService(name, base), { ...cloudRunMocks, stack });
      return { repositoryId: resources.one("gcp:artifactregistry/repository:Repository").inputs.repositoryId as string, accountId: resources.one("gcp:serviceaccount/account:Account").inputs.accountId as string };
    };
    const dev = await ids("dev");
    const prod = await ids("prod");
    assert.notEqual(dev.repositoryId, prod.repositoryId);
    assert.notEqual(dev.accountId, prod.accountId);
    assert.deepEqual(await ids("dev"), dev, "deterministic: the same stack gets the same ids");
    const longest = await ids("prod", "a-name-of-twenty-six-chars");
    for (const { repositoryId, accountId } of [dev, prod, longest]) {
      // Service account ids: 6-30 characters of [a-z]([-a-z0-9]*[a-z0-9]).
      assert.match(accountId, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
      assert.match(repositoryId, /^[a-z][-a-z0-9]{0,28}[a-z0-9]$/);
    }
    assert.match(longest.accountId, /^a-name-of-twenty-six-ch-[0-9a-f]{6}$/);
  });

  it("refuses to deploy an image nobody signs: no signing and no explicit mode \"none\" is an error before any resource", async () => {
    for (const given of [undefined, false, { privateKey, password: "test-only" }]) {
      const { error, resources } = await failureUnderMocks(make({ signing: given as never }), cloudRunMocks);
      if (given === undefined || given === false) {
        assert.match(error.message, new RegExp(`^GoCloudRunService: invalid signing ${String(given)}; expected \\{ mode: "cosign", privateKey, password \\}.*, or \\{ mode: "none" \\} to deploy an unsigned image$`));
      } else {
        // The old shape, a key without a mode: the mode must be chosen.
        assert.match(error.message, /^GoCloudRunService: invalid signing\.mode undefined; expected one of cosign, none$/);
      }
      assert.deepEqual(resources.all, []);
    }
    const unsigned = await runUnderMocks(make({ signing: { mode: "none" } }), cloudRunMocks);
    assert.match((unsigned.resources.one("gcp:cloudrunv2/service:Service").inputs.template as Template).containers[0]?.image ?? "", /@sha256:[0-9a-f]{64}$/, "signing mode none deploys");
  });

  it("enforces a named Binary Authorization policy, or none only when turned off explicitly", async () => {
    const named = await runUnderMocks(make({ binaryAuthorization: { policy: "projects/proj/platforms/cloudRun/policies/strict" } }), cloudRunMocks);
    assert.deepEqual(named.resources.one("gcp:cloudrunv2/service:Service").inputs.binaryAuthorization, { policy: "projects/proj/platforms/cloudRun/policies/strict" });
    const defaulted = await runUnderMocks(make({ binaryAuthorization: { enabled: true } }), cloudRunMocks);
    assert.deepEqual(defaulted.resources.one("gcp:cloudrunv2/service:Service").inputs.binaryAuthorization, { useDefault: true });
    const off = await runUnderMocks(make({ binaryAuthorization: { enabled: false } }), cloudRunMocks);
    assert.equal(off.resources.one("gcp:cloudrunv2/service:Service").inputs.binaryAuthorization, undefined);
  });

  it("keeps the key out of every resource input and output, and opens it at preview so a wrong password fails early", async () => {
    const secret: CloudRunSigning = { mode: "cosign", privateKey: pulumi.secret(privateKey), password: pulumi.secret("test-only") };
    const { result, resources } = await runUnderMocks(make({ signing: secret }), cloudRunMocks);
    const recorded = JSON.stringify(resources.all.map((r) => r.inputs));
    const ciphertext = /"ciphertext":"([^"]+)"/.exec(Buffer.from(privateKey.split("\n").slice(1, -2).join(""), "base64").toString("utf8"))?.[1] ?? "";
    assert.ok(ciphertext.length > 40);
    for (const material of [privateKey.split("\n")[1] ?? "", ciphertext, "test-only"]) assert.equal(recorded.includes(material), false, "key material in a resource input");
    // The image reference is not tainted secret by the key it was signed with.
    assert.equal(await pulumi.isSecret(result.image), false);
    assert.match(await valueOf(result.image), /@sha256:[0-9a-f]{64}$/);

    // In a preview: the key is opened before anything is pushed or changed, and the service is not registered.
    const wrong = await unhandledUnderMocks(make({ signing: { mode: "cosign", privateKey: pulumi.secret(privateKey), password: pulumi.secret("not-the-password") } }), cloudRunMocks);
    assert.ok(wrong.messages.length > 0, "the wrong password fails the run");
    for (const message of wrong.messages) assert.match(message, /GoCloudRunService: signing: cosign private key: could not be decrypted: wrong password, or the key is corrupted$/);
    assert.deepEqual(wrong.resources.ofType("gcp:cloudrunv2/service:Service"), []);
  });

  const bad: [string, Partial<GoCloudRunServiceArgs>, RegExp][] = [
    ["signing.privateKey that is not a cosign key", { signing: { mode: "cosign", privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", password: "x" } }, /GoCloudRunService: invalid signing\.privateKey \(a secret, not shown\); expected an encrypted cosign private key/],
    ["an empty signing.password", { signing: { mode: "cosign", privateKey, password: "" } }, /GoCloudRunService: invalid signing\.password ""; expected the cosign key's password/],
    ["signing mode cosign without privateKey", { signing: { mode: "cosign", password: "test-only" } }, /GoCloudRunService: invalid signing\.privateKey undefined; expected the platform's cosign key \(cosign\.key, as a Pulumi secret\) with signing\.mode "cosign"/],
    ["signing mode cosign without password", { signing: { mode: "cosign", privateKey } }, /GoCloudRunService: invalid signing\.password undefined; expected the cosign key's password \(as a Pulumi secret\) with signing\.mode "cosign"/],
    ["signing mode none with a key", { signing: { mode: "none", privateKey } }, /GoCloudRunService: invalid signing\.privateKey \(a secret, not shown\); expected no key with signing\.mode "none"/],
    ["signing mode none with a password", { signing: { mode: "none", password: "test-only" } }, /GoCloudRunService: invalid signing\.password \(a secret, not shown\); expected no key with signing\.mode "none"/],
    ["an unknown signing.mode", { signing: { mode: "chains" as never, privateKey, password: "test-only" } }, /GoCloudRunService: invalid signing\.mode "chains"; expected one of cosign, none/],
    ["binaryAuthorization turned off with a policy", { binaryAuthorization: { enabled: false, policy: "strict" } }, /GoCloudRunService: invalid binaryAuthorization\.policy "strict"; expected no policy when binaryAuthorization\.enabled is false/],
    ["binaryAuthorization enabled with an empty policy", { binaryAuthorization: { enabled: true, policy: "" } }, /GoCloudRunService: invalid binaryAuthorization\.policy ""; expected the name of a Binary Authorization policy/],
    ["binaryAuthorization as the old false", { binaryAuthorization: false as never }, /GoCloudRunService: invalid binaryAuthorization false; expected \{ enabled\?, policy\? \}/],
    ["arch", { arch: "386" as never }, /GoCloudRunService: invalid arch "386"; expected one of arm64, amd64/],
    ["goVersion 1.x", { goVersion: "1.x" }, /GoCloudRunService: invalid goVersion "1\.x"/],
    ["builder", { builder: "kaniko" as never }, /GoCloudRunService: invalid builder "kaniko"; expected one of daemonless, docker/],
    ["location", { location: "Europe" }, /GoCloudRunService: invalid location "Europe"; expected a Cloud Run region/],
    ["ingress", { ingress: "public" as never }, /GoCloudRunService: invalid ingress "public"; expected one of internal-and-load-balancer, internal, all/],
    ["maxInstances below minInstances", { minInstances: 5, maxInstances: 2 }, /GoCloudRunService: invalid maxInstances 2; expected at least minInstances \(5\)/],
    ["concurrency", { concurrency: 0 }, /GoCloudRunService: invalid concurrency 0/],
    ["probe path", { startupPath: "readyz" }, /GoCloudRunService: invalid startupPath "readyz"; expected an HTTP path/],
    ["source without go.mod", { source: path.join(repo, "bench") }, /GoCloudRunService: invalid source ".*bench"; expected a Go module directory/],
  ];
  it("rejects a name that cannot prefix its service account id, before creating anything", async () => {
    for (const name of ["h", "Hello", "a-name-much-too-long-for-an-account", "9lives"]) {
      const { error, resources } = await failureUnderMocks(() => new GoCloudRunService(name, base), cloudRunMocks);
      assert.match(error.message, new RegExp(`GoCloudRunService: invalid name "${name}"; expected 2-26 characters`));
      assert.deepEqual(resources.all, []);
    }
  });

  for (const [what, args, message] of bad) {
    it(`rejects ${what} before creating anything`, async () => {
      const { error, resources } = await failureUnderMocks(make(args), cloudRunMocks);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  describe("issue 18", () => {
    const own = (args: Record<string, unknown>) => () => checkGoCloudRunServiceArgs("hello", { ...base, ...args });
    const refused = async (args: Record<string, unknown>, message: RegExp) => {
      assert.throws(own(args), message);
      const { error, resources } = await failureUnderMocks(make(args), cloudRunMocks);
      assert.match(error.message, /^GoCloudRunService: invalid /);
      assert.deepEqual(resources.all, []);
    };

    it("refuses binaryAuthorization true, which would become an empty block, and maps every accepted form to the default or a named policy (issue 18, kind 4)", async () => {
      await refused({ binaryAuthorization: true }, /GoCloudRunService: invalid binaryAuthorization true; expected \{ enabled\?, policy\? \}: \{\} for the project's default policy/);
      await refused({ binaryAuthorization: "default" }, /GoCloudRunService: invalid binaryAuthorization "default"; expected \{ enabled\?, policy\? \}/);
      await refused({ binaryAuthorization: { enabled: "true" } }, /GoCloudRunService: invalid binaryAuthorization\.enabled "true"; expected true or false/);
      await refused({ binaryAuthorization: { policy: "strict" } }, /GoCloudRunService: invalid binaryAuthorization\.policy "strict"; expected the name of a Binary Authorization policy, such as "projects\/my-project\/platforms\/cloudRun\/policies\/my-policy"/);
      for (const given of [undefined, {}, { enabled: true }]) {
        assert.deepEqual(checkGoCloudRunServiceArgs("hello", { ...base, binaryAuthorization: given }).binaryAuthorization, { useDefault: true });
      }
    });

    it("refuses protect \"false\" (a string from stack config) instead of protecting the service (issue 18, kind 2)", async () => {
      await refused({ protect: "false" }, /GoCloudRunService: invalid protect "false"; expected true or false/);
    });

    it("refuses CPU and memory pairs Cloud Run does not run in the second generation (issue 18, kind 4)", async () => {
      await refused({ cpu: 2 }, /GoCloudRunService: invalid cpu 2; expected "1", "2", "4", "6" or "8"/);
      await refused({ cpu: "0.5" }, /GoCloudRunService: invalid cpu "0\.5"; expected "1", "2", "4", "6" or "8".*first generation/);
      await refused({ memory: "256Mi" }, /GoCloudRunService: invalid memory "256Mi"; expected 512Mi to 4Gi with cpu "1"/);
      await refused({ memory: "8Gi" }, /GoCloudRunService: invalid memory "8Gi"; expected 512Mi to 4Gi with cpu "1"/);
      await refused({ cpu: "4", memory: "1Gi" }, /GoCloudRunService: invalid memory "1Gi"; expected 2048Mi to 16Gi with cpu "4"/);
      await refused({ memory: "1G" }, /GoCloudRunService: invalid memory "1G"; expected a memory limit such as "512Mi"/);
      const ok = checkGoCloudRunServiceArgs("hello", { ...base, cpu: "2000m", memory: "8Gi" });
      assert.deepEqual([ok.cpu, ok.memory], ["2", "8Gi"]);
    });

    it("names minInstances when maxInstances is below it (issue 18, kind 4)", async () => {
      await refused({ minInstances: 3, maxInstances: 2 }, /GoCloudRunService: invalid maxInstances 2; expected at least minInstances \(3\)/);
      await refused({ concurrency: 1001 }, /GoCloudRunService: invalid concurrency 1001; expected an integer at least 1 and at most 1000/);
    });

    it("refuses labels that GCP does not accept, and a probe path or location of the wrong type (issue 18, kinds 2 and 5)", async () => {
      await refused({ labels: { Team: "payments" } }, /GoCloudRunService: invalid labels "Team"; expected label keys of 1-63 lowercase letters/);
      await refused({ labels: { module: "example.com/api" } }, /GoCloudRunService: invalid labels\.module "example\.com\/api"; expected a label value of up to 63 lowercase letters/);
      await refused({ labels: "team=payments" }, /GoCloudRunService: invalid labels "team=payments"; expected a map/);
      await refused({ startupPath: 42 }, /GoCloudRunService: invalid startupPath 42; expected an HTTP path starting with '\/'/);
      await refused({ location: ["europe-west1"] }, /GoCloudRunService: invalid location \["europe-west1"\]; expected a Cloud Run region/);
    });

    it("checks a plain signing key's format and the password's type before anything exists, never showing them (issue 18, kind 6)", async () => {
      assert.throws(own({ signing: { mode: "cosign", privateKey: "not a key", password: "x" } }), /GoCloudRunService: invalid signing\.privateKey \(a secret, not shown\); expected an encrypted cosign private key/);
      await refused({ signing: { mode: "cosign", privateKey, password: 1234 } }, /GoCloudRunService: invalid signing\.password \(a secret, not shown\); expected the cosign key's password as a string/);
    });
  });
});
