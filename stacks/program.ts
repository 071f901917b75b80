/**
 * The example program: composes goplatform components for the stack's target.
 *
 * - `local`: Kubernetes objects rendered to YAML files in `renderDirectory` (the
 *   Kubernetes provider's renderYamlToDirectory): no cluster, no cloud credentials.
 *   The delivery components run with their installs switched off (charts and release
 *   manifests cannot be fetched offline), so only their custom resources are rendered.
 * - `aws`: the sample Lambda handler (examples/lambda-hello) as a signed GoLambdaFunction.
 * - `gcp`: the sample HTTP service (examples/http-service) as a GoCloudRunService.
 */
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgoCd, ExistingCluster, GoApp, GoAppSet, GoCloudRunService, GoLambdaFunction, GoPipeline, GoRuntimeAlerts, SignatureAdmission } from "../components";

export const TARGETS = ["local", "aws", "gcp"] as const;
export type Target = (typeof TARGETS)[number];

const projectRoot = path.join(__dirname, "..", "..");
const examples = path.join(projectRoot, "examples");

export function program(): Record<string, unknown> {
  const config = new pulumi.Config();
  const target = config.get("target") ?? "local";
  switch (target) {
    case "local":
      return local(config);
    case "aws":
      return awsStack();
    case "gcp":
      return gcpStack();
    default:
      throw new Error(`config goplatform:target: invalid value ${JSON.stringify(target)}; expected one of ${TARGETS.join(", ")}`);
  }
}

function local(config: pulumi.Config): Record<string, unknown> {
  // Relative to the project root: the provider process runs in another directory.
  const renderDirectory = path.resolve(projectRoot, config.get("renderDirectory") ?? ".pulumi/rendered/local");
  const provider = new k8s.Provider("render", { renderYamlToDirectory: renderDirectory });
  const alerts = new GoRuntimeAlerts("go-runtime-alerts", { ruleLabels: { release: "kube-prometheus-stack" } }, { provider });
  const delivery = localDelivery(config, provider);
  return { target: "local", renderDirectory, goRuntimeAlerts: alerts.alerts, ...delivery };
}

/**
 * Demo values for the `local` stack's delivery objects. The public key is a real
 * P-256 key whose private half was discarded; the golang digest is NOT a real image
 * digest (goplatform ships none it could not verify): set `goplatform:golangImageDigests`
 * to `{ "<go version>": "sha256:…" }` from your registry before running the pipeline.
 */
const DEMO = {
  publicKey: "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+vA6tu0z8D2XDZsJOkJt/jtDhrRJ\nEz0HmkcHupQyckQO/aDKq12kkmYIDu/GiU4I/vruwj6knlNAso1OtanCMQ==\n-----END PUBLIC KEY-----\n",
  goVersion: "1.27.4",
  golangImageDigests: { "1.27.4": `sha256:${"0".repeat(64)}` },
  appRepo: "https://github.com/example/payments.git",
  deployRepo: "https://github.com/example/deploy.git",
  imageRepository: "registry.example.com/platform/payments",
  // GitHub's web-flow commit signing key.
  gpgKey: "B5690EEEBB952194",
  revision: "0123456789abcdef0123456789abcdef01234567",
};

function localDelivery(config: pulumi.Config, provider: k8s.Provider): Record<string, unknown> {
  const cluster = new ExistingCluster({ provider, clusterName: "local", kubernetesVersion: "1.34" });
  const goVersion = config.get("pipelineGoVersion") ?? DEMO.goVersion;
  const pipeline = new GoPipeline("payments-ci", {
    cluster,
    repoUrl: DEMO.appRepo,
    imageRepository: DEMO.imageRepository,
    goVersion,
    goImageDigests: config.getObject<Record<string, string>>("golangImageDigests") ?? DEMO.golangImageDigests,
    goModule: "github.com/example/payments",
    package: "./cmd/payments",
  });
  const argoCd = new ArgoCd("argocd", {
    cluster,
    install: false,
    project: { sourceRepos: [DEMO.deployRepo], destinations: [{ namespace: "payments" }], signatureKeys: [DEMO.gpgKey] },
  });
  const app = new GoApp("payments", { argoCd, repoUrl: DEMO.deployRepo, path: "apps/payments", targetRevision: DEMO.revision, namespace: "payments", goVersion });
  const apps = new GoAppSet("payments-services", {
    argoCd,
    repoUrl: DEMO.deployRepo,
    services: [
      { name: "ledger", path: "apps/ledger", targetRevision: "v1.4.2", namespace: "payments" },
      { name: "fx-rates", path: "apps/fx-rates", targetRevision: DEMO.revision, namespace: "payments" },
    ],
  });
  const admission = new SignatureAdmission("signed-images", {
    cluster,
    install: false,
    publicKey: DEMO.publicKey,
    images: [`${DEMO.imageRepository}*`, "registry.example.com/platform/**"],
    namespaces: ["payments"],
    namespaceMode: "create",
  });
  return { pipeline: pipeline.pipelineName, pipelineGoVersion: pipeline.goVersion, application: app.applicationName, applicationSet: apps.applicationSetName, imagePolicy: admission.policyName };
}

function awsStack(): Record<string, unknown> {
  const hello = new GoLambdaFunction("hello", { source: path.join(examples, "lambda-hello"), functionUrl: true });
  return { target: "aws", functionName: hello.functionName, url: hello.url, goVersion: hello.goVersion, archiveSha256: hello.archiveSha256 };
}

function gcpStack(): Record<string, unknown> {
  const region = new pulumi.Config("gcp").require("region");
  const service = new GoCloudRunService("hello", { source: path.join(examples, "http-service"), location: region });
  return { target: "gcp", uri: service.uri, image: service.image, goVersion: service.goVersion };
}
