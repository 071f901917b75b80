/**
 * The schema layer every component runs before creating anything (components/arg-schema.ts):
 * what the components' own checks do not judge is refused from the one declaration,
 * provider/schema.json: an argument the component does not have (a typo, or a name
 * goplatform 0.1 had), a value of the wrong type, a missing required argument, at any
 * depth. Nothing is registered but what the program made before.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ArgoCd, GkeCluster, Observability, SignatureAdmission, Tekton } from "../../components";
import { fakeCluster } from "../harness/fake-clusters";
import { failureUnderMocks } from "../harness/mocks";
import { REPO_ROOT } from "../harness/pulumi-cli";

const COSIGN = path.join(REPO_ROOT, "tests", "fixtures", "cosign");
const signingKey = { privateKey: readFileSync(path.join(COSIGN, "cosign.key"), "utf8"), password: "test-only", publicKey: readFileSync(path.join(COSIGN, "cosign.pub"), "utf8") };
const cluster = fakeCluster("existing");
const bucket = { cloud: "existing", bucketName: "thanos", thanosObjectStore: JSON.stringify({ type: "S3", config: { bucket: "thanos", endpoint: "minio:9000" } }) };
const admission = { cluster, install: false, publicKey: signingKey.publicKey, images: ["registry.example.com/platform/**"], namespaces: ["payments"] };

// Each case passes what JavaScript, stack config or another language can pass; the casts say so.
const CASES: [string, () => unknown, RegExp][] = [
  ["a 0.1 argument name (installStack)", () => new Observability("obs", { cluster, bucket, installStack: false } as never), /^Observability: invalid installStack false; no such argument; expected one of .*\binstall\b/],
  ["a 0.1 argument name (namespaceMode)", () => new SignatureAdmission("sa", { ...admission, namespaceMode: "create" } as never), /^SignatureAdmission: invalid namespaceMode "create"; no such argument; expected one of .*\bcreateNamespaces\b/],
  ["a 0.1 argument name (gpgKeysMode)", () => new ArgoCd("argocd", { cluster, install: false, gpgKeysMode: "create", project: { sourceRepos: ["https://github.com/acme/deploy.git"], destinations: [{ namespace: "payments" }], requireSignedCommits: false } } as never), /^ArgoCd: invalid gpgKeysMode "create"; no such argument/],
  ["a 0.1 argument name (secretsEncryptionKey)", () => new GkeCluster("prod", { project: "acme-prod", region: "europe-west1", secretsEncryptionKey: false } as never), /^GkeCluster: invalid secretsEncryptionKey false; no such argument; expected one of .*\bsecretsEncryption\b/],
  ["a typo", () => new Tekton("tekton", { cluster, install: false, signingKey, registyPush: [] } as never), /^Tekton: invalid registyPush \[\]; no such argument; expected one of .*\bregistryPush\b/],
  ["a string where a boolean goes (stack config is strings)", () => new Tekton("tekton", { cluster, install: "false", signingKey } as never), /^Tekton: invalid install "false"; expected true or false$/],
  ["a number in a list of strings", () => new SignatureAdmission("sa", { ...admission, namespaces: ["payments", 7] } as never), // The own check (checkDnsLabel no longer judges a number's string form) or the schema, whichever runs first.
  /^SignatureAdmission: invalid namespaces\[1\] 7; expected (a string$|a DNS-1123 label)/],
  ["an unknown field deep inside", () => new Tekton("tekton", { cluster, install: false, signingKey: { ...signingKey, passphrase: "x" } } as never), /^Tekton: invalid signingKey\.passphrase "x"; no such argument; expected one of password, privateKey, publicKey$/],
  ["a missing required field deep inside (a hand-written cluster without its name)", () => new SignatureAdmission("sa", { ...admission, cluster: { cloud: "existing", kubernetesVersion: "1.34", kubeconfig: "apiVersion: v1" } } as never), /^SignatureAdmission: invalid cluster\.name undefined; expected a value: it is required$/],
];

describe("the schema layer of argument checks", () => {
  for (const [what, construct, message] of CASES) {
    it(`refuses ${what}, naming the argument, before anything exists`, async () => {
      const { error, resources } = await failureUnderMocks(construct);
      assert.match(error.message, message);
      assert.deepEqual(resources.all.map((r) => r.type), []);
    });
  }
});
