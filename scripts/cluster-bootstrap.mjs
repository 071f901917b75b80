// What the local control plane holds before the `local` stack runs, in place of the
// releases the components configure with their installs off (no chart or release
// manifest can be fetched here). Everything comes from the published modules that
// tools/crds/go.mod pins, read from the Go module cache:
//  - the CRDs the components create objects of: Argo CD's Application, ApplicationSet
//    and AppProject; the Prometheus Operator's PrometheusRule and ServiceMonitor;
//    policy-controller's ClusterImagePolicy; Tekton's Pipeline and Task;
//  - the objects those releases create and the components patch: Chains'
//    `chains-config` and `signing-secrets`, Argo CD's `argocd-gpg-keys-cm`, and the
//    namespaces they live in;
//  - kwok's default StorageClass and one kwok node (scripts/cluster.sh runs kwok).
// One change is made to the published CRDs: ClusterImagePolicy, Pipeline and Task
// convert between their versions through their projects' webhooks, which do not run
// here, so their `conversion` is set to None (the versions' schemas the components
// use are the storage versions, or identical in shape).
//
// Usage: node scripts/cluster-bootstrap.mjs <kubectl> <kwok stage dir>  (KUBECONFIG set)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";

const [kubectl, kwokStages] = process.argv.slice(2);
if (kubectl === undefined || kwokStages === undefined) {
  console.error("usage: cluster-bootstrap.mjs <kubectl> <kwok stage dir>");
  process.exit(2);
}
const repo = path.resolve(import.meta.dirname, "..");
const crdsModule = path.join(repo, "tools", "crds");

/** The module directory of a module tools/crds/go.mod pins (downloaded and checked against its go.sum). */
function moduleDir(module) {
  const out = execFileSync("go", ["mod", "download", "-json", module], { cwd: crdsModule, encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" } });
  return JSON.parse(out).Dir;
}

function documents(file) {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJSON())
    .filter((d) => d !== null && typeof d === "object");
}

const argo = moduleDir("github.com/argoproj/argo-cd/v3");
const promOperator = moduleDir("github.com/prometheus-operator/prometheus-operator");
const policyController = moduleDir("github.com/sigstore/policy-controller");
const pipeline = moduleDir("github.com/tektoncd/pipeline");
const chains = moduleDir("github.com/tektoncd/chains");

const WEBHOOK_CONVERTED = new Set(["clusterimagepolicies.policy.sigstore.dev", "pipelines.tekton.dev", "tasks.tekton.dev"]);
const crds = [
  ...["application-crd.yaml", "applicationset-crd.yaml", "appproject-crd.yaml"].map((f) => path.join(argo, "manifests", "crds", f)),
  ...["prometheusrules", "servicemonitors"].map((f) => path.join(promOperator, "example", "prometheus-operator-crd", `monitoring.coreos.com_${f}.yaml`)),
  path.join(policyController, "config", "300-clusterimagepolicy.yaml"),
  ...["300-pipeline.yaml", "300-task.yaml"].map((f) => path.join(pipeline, "config", "300-crds", f)),
]
  .flatMap(documents)
  .map((crd) => (WEBHOOK_CONVERTED.has(crd.metadata.name) ? { ...crd, spec: { ...crd.spec, conversion: { strategy: "None" } } } : crd));

const namespaces = ["tekton-pipelines", "tekton-chains", "argocd", "monitoring", "cosign-system"].map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
const chainsObjects = documents(path.join(chains, "config", "100-deployment.yaml")).filter(
  (o) => (o.kind === "Secret" && o.metadata.name === "signing-secrets") || (o.kind === "ConfigMap" && o.metadata.name === "chains-config"),
);
const argoKeyring = documents(path.join(argo, "manifests", "base", "config", "argocd-gpg-keys-cm.yaml")).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: "argocd" } }));
const storageClass = documents(path.join(kwokStages, "volume", "fast", "storage-class.yaml"));
const node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name: "goplatform-local-node",
    annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    labels: { "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux", "kubernetes.io/hostname": "goplatform-local-node", type: "kwok" },
  },
  status: { allocatable: { cpu: "32", memory: "256Gi", pods: "110" }, capacity: { cpu: "32", memory: "256Gi", pods: "110" } },
};

const apply = (objects) =>
  execFileSync(kubectl, ["apply", "--server-side", "--force-conflicts", "--field-manager", "goplatform-local-bootstrap", "-f", "-"], {
    input: objects.map((o) => stringify(o)).join("---\n"),
    stdio: ["pipe", "ignore", "inherit"],
  });
/** Waits until the API server serves every CRD (`kubectl wait` fails, not waits, while a new CRD has no conditions yet). */
function waitEstablished(names, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const { items } = JSON.parse(execFileSync(kubectl, ["get", "crd", ...names, "-o", "json"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
    const established = new Set(items.filter((crd) => (crd.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True")).map((crd) => crd.metadata.name));
    const waiting = names.filter((name) => !established.has(name));
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`CRDs not established after ${seconds} s: ${waiting.join(", ")}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

apply([...crds, ...namespaces, ...storageClass, node]);
waitEstablished(crds.map((c) => c.metadata.name), 60);
apply([...chainsObjects, ...argoKeyring]);
console.error(`cluster: bootstrap applied ${crds.length} CRDs, ${namespaces.length} namespaces, ${chainsObjects.length + argoKeyring.length} release objects, kwok's StorageClass and node`);
