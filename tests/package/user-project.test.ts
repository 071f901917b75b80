/**
 * goplatform as a platform team uses it: `npm pack` the package as npm would publish
 * it, then a Pulumi TypeScript project of their own outside this repository
 * installs the tarball, type-checks against all three entry points, and runs the
 * real pulumi CLI (up, preview, the policy pack from node_modules/goplatform, destroy)
 * against a local control plane (scripts/cluster.sh).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalCluster } from "../harness/local-cluster";
import { PulumiCli, REPO_ROOT } from "../harness/pulumi-cli";

const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const rootPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

const PROGRAM = `import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as gp from "goplatform";
import { goMetadata } from "goplatform/go";

const config = new pulumi.Config();
const kubeconfig = config.requireSecret("kubeconfig");
const provider = new k8s.Provider("acme", { kubeconfig });
const { cluster } = new gp.ExistingCluster("acme", { clusterName: "acme", kubernetesVersion: "1.34", kubeconfig });
const alerts = new gp.GoRuntimeAlerts("go-runtime", { namespace: "monitoring" }, { provider });
const admission = new gp.SignatureAdmission("signed-images", {
  cluster,
  install: false,
  publicKey: config.require("cosignPublicKey"),
  images: ["registry.acme.example/platform/**"],
  namespaces: ["payments"],
  createNamespaces: true,
});
if (config.getBoolean("useOldGo")) {
  // A team pinning a Go release the Go project no longer supports.
  new k8s.core.v1.ConfigMap("legacy-build", { metadata: { namespace: "payments", labels: goMetadata("1.25.14") } }, { provider, dependsOn: [admission] });
}
if (config.getBoolean("typo")) {
  // A PrometheusRule whose groups are not a list: only the API server's CRD schema knows.
  new k8s.apiextensions.CustomResource("typo-rule", { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { namespace: "monitoring" }, spec: { groups: "not-a-list" } }, { provider });
}
export const rules = alerts.alerts;
export const policy = admission.policyName;
export const registryToken = config.requireSecret("registryToken");
`;

describe("a platform team's own project installing the packed goplatform", function () {
  this.timeout(1_800_000);
  let work: string;
  let tarball: string;
  let project: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-user-project-"));
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], REPO_ROOT)) as { filename: string; files: { path: string }[] }[];
    const info = packed[0];
    assert.ok(info);
    tarball = path.join(work, info.filename);
    const files = info.files.map((f) => f.path);
    assert.ok(files.includes("dist/components/index.js"), "components entry is packed");
    assert.ok(files.includes("dist/components/go/index.d.ts"), "go entry declarations are packed");
    assert.ok(files.includes("dist/components/go/release-data.json"), "release table is packed");
    assert.ok(files.includes("dist/policies/index.d.ts"), "policies entry declarations are packed");
    for (const f of ["policy-pack/PulumiPolicy.yaml", "policy-pack/package.json", "policy-pack/index.js", "dist/policies/pack.js"]) assert.ok(files.includes(f), `${f} is packed`);
    assert.deepEqual(files.filter((f) => f.startsWith("dist/tests") || f.startsWith("dist/stacks") || f.startsWith("tests/")), [], "no tests or demo program in the package");

    project = path.join(work, "acme-platform");
    mkdirSync(project);
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: acme-platform\ndescription: ACME's platform stack\nruntime: nodejs\n");
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify(
        {
          name: "acme-platform",
          version: "1.0.0",
          private: true,
          main: "index.ts",
          dependencies: {
            goplatform: `file:${tarball}`,
            "@pulumi/pulumi": rootPackage.dependencies["@pulumi/pulumi"],
            "@pulumi/kubernetes": rootPackage.dependencies["@pulumi/kubernetes"],
          },
          devDependencies: { typescript: rootPackage.devDependencies.typescript, "@types/node": rootPackage.devDependencies["@types/node"] },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, outDir: "bin", module: "node16", moduleResolution: "node16", target: "ES2022", skipLibCheck: true, types: ["node"] }, files: ["index.ts"] }),
    );
    writeFileSync(path.join(project, "index.ts"), PROGRAM);
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], project);
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe("types", () => {
    const checkFile = () => path.join(project, "entry-points.ts");
    const tsc = () => run(path.join(project, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "tsconfig.json"], project);

    it("type-checks the program and goplatform, goplatform/go and goplatform/policies", () => {
      writeFileSync(
        checkFile(),
        [
          'import { goReleases, parseGoVersion, type GoVersion } from "goplatform/go";',
          'import { checkResources, goplatformPolicies } from "goplatform/policies";',
          "const v: GoVersion = parseGoVersion('go1.27.4');",
          "const lines: readonly string[] = goReleases.supportedLines('2026-11-23');",
          "void checkResources([], {}, goplatformPolicies);",
          "export const out = { v, lines };",
          "",
        ].join("\n"),
      );
      writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ ...readTsconfig(), files: ["index.ts", "entry-points.ts"] }));
      tsc();
    });

    it("fails to type-check a wrong import there (the check can fail)", () => {
      writeFileSync(checkFile(), 'import { noSuchExport } from "goplatform/go";\nexport const x = noSuchExport;\n');
      assert.throws(() => tsc(), (err: { stdout?: string }) => /has no exported member 'noSuchExport'/.test(err.stdout ?? ""));
      rmSync(checkFile());
      writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ ...readTsconfig(), files: ["index.ts"] }));
    });

    function readTsconfig(): Record<string, unknown> {
      return JSON.parse(readFileSync(path.join(project, "tsconfig.json"), "utf8")) as Record<string, unknown>;
    }
  });

  describe("the pulumi CLI in that project", () => {
    let cli: PulumiCli;
    let cluster: LocalCluster;
    const pack = () => path.join(project, "node_modules", "goplatform", "policy-pack");
    const TOKEN = "acme-registry-token-that-must-not-leak";

    before(() => {
      cluster = LocalCluster.start(path.join(work, "cluster"));
      cli = new PulumiCli(project, path.join(work, "state"));
      cli.ok(["stack", "init", "dev"]);
      cli.ok(["config", "set", "--secret", "kubeconfig", "--", readFileSync(cluster.kubeconfig, "utf8")]);
      cli.ok(["config", "set", "cosignPublicKey", "--", readFileSync(path.join(REPO_ROOT, "tests", "fixtures", "cosign", "cosign.pub"), "utf8")]);
      cli.ok(["config", "set", "--secret", "registryToken", TOKEN]);
    });

    after(() => {
      LocalCluster.purge(path.join(work, "cluster"));
    });

    it("pulumi up deploys the program to the cluster", () => {
      const up = cli.ok(["up", "--yes", "--skip-preview"]);
      assert.match(up.stdout, /Resources:\s+\+ \d+ created/);
      assert.deepEqual(cluster.list("clusterimagepolicies.policy.sigstore.dev").map((o) => o.metadata.name), ["goplatform-signed-images"]);
      assert.ok(cluster.get("prometheusrules.monitoring.coreos.com", "go-runtime", "monitoring") !== undefined, "the PrometheusRule is in the API server");
      assert.ok(cluster.get("namespace", "payments") !== undefined, "the admission namespace is created");
    });

    it("a second preview shows no changes (--expect-no-changes)", () => {
      cli.ok(["preview", "--expect-no-changes"]);
    });

    it("the policy pack installed with goplatform passes the program", () => {
      assert.ok(existsSync(path.join(pack(), "PulumiPolicy.yaml")));
      const preview = cli.ok(["preview", "--policy-pack", pack()]);
      assert.match(preview.stdout, /goplatform@v0\.2\.0/, "the pack ran");
    });

    it("the same pack fails the program once it pins an unsupported Go, with the policy's message", () => {
      cli.ok(["config", "set", "useOldGo", "true"]);
      try {
        const preview = cli.run(["preview", "--policy-pack", pack()]);
        assert.notEqual(preview.status, 0, preview.output);
        assert.match(preview.output, /\[mandatory\] \[severity: high\]\s+go-version-supported/);
        assert.match(preview.output, /metadata\.labels chooses Go 1\.25\.14; on \d{4}-\d{2}-\d{2} the Go project supports only the 1\.27 and 1\.26 lines/);
      } finally {
        cli.ok(["config", "rm", "useOldGo"]);
      }
    });

    it("pulumi up shows the API server's error for a custom resource field of the wrong type, and creates nothing else", () => {
      cli.ok(["config", "set", "typo", "true"]);
      try {
        const up = cli.run(["up", "--yes", "--skip-preview"]);
        assert.notEqual(up.status, 0, up.output);
        // Server-side apply checks the object against the CRD's structural schema.
        assert.match(up.output, /typo-rule" was not successfully created by the Kubernetes API server: failed to create typed patch object \(monitoring\/typo-rule-[0-9a-f]+; monitoring\.coreos\.com\/v1, Kind=PrometheusRule\): \.spec\.groups: expected list/);
        assert.deepEqual(cluster.list("prometheusrules.monitoring.coreos.com", "-n", "monitoring").map((o) => o.metadata.name), ["go-runtime"]);
      } finally {
        cli.ok(["config", "rm", "typo"]);
      }
    });

    it("pulumi stack export holds no plaintext secret", () => {
      const exported = cli.ok(["stack", "export"]).stdout;
      assert.ok(exported.includes('"ciphertext"'));
      assert.ok(!exported.includes(TOKEN), "plaintext secret in pulumi stack export");
    });

    it("pulumi destroy leaves an empty stack and nothing of it in the cluster", () => {
      cli.ok(["destroy", "--yes", "--skip-preview"]);
      const deployment = JSON.parse(cli.ok(["stack", "export"]).stdout) as { deployment: { resources?: unknown[] } };
      assert.deepEqual(deployment.deployment.resources ?? [], []);
      assert.equal(cluster.get("namespace", "payments"), undefined);
      assert.deepEqual(cluster.list("prometheusrules.monitoring.coreos.com", "-A"), []);
      assert.deepEqual(cluster.list("clusterimagepolicies.policy.sigstore.dev"), []);
    });
  });
});
