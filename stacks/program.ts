/**
 * The example program: composes goplatform components for the stack's target.
 *
 * - `local`: Kubernetes objects rendered to YAML files in `renderDirectory` (the
 *   Kubernetes provider's renderYamlToDirectory): no cluster, no cloud credentials.
 * - `aws`: the sample Lambda handler (examples/lambda-hello) as a signed GoLambdaFunction,
 *   and an EksCluster with a Thanos bucket and a ServiceAccount bound to it.
 * - `gcp`: the sample HTTP service (examples/http-service) as a GoCloudRunService, and a
 *   GkeCluster with the same bucket and binding.
 * - `azure`: an AksCluster with the same bucket and binding.
 */
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster, EksCluster, GkeCluster, GoCloudRunService, GoLambdaFunction, GoRuntimeAlerts, type Cluster } from "../components";

export const TARGETS = ["local", "aws", "gcp", "azure"] as const;
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
    case "azure":
      return azureStack();
    default:
      throw new Error(`config goplatform:target: invalid value ${JSON.stringify(target)}; expected one of ${TARGETS.join(", ")}`);
  }
}

function local(config: pulumi.Config): Record<string, unknown> {
  // Relative to the project root: the provider process runs in another directory.
  const renderDirectory = path.resolve(projectRoot, config.get("renderDirectory") ?? ".pulumi/rendered/local");
  const provider = new k8s.Provider("render", { renderYamlToDirectory: renderDirectory });
  const alerts = new GoRuntimeAlerts("go-runtime-alerts", { ruleLabels: { release: "kube-prometheus-stack" } }, { provider });
  return { target: "local", renderDirectory, goRuntimeAlerts: alerts.alerts };
}

function awsStack(): Record<string, unknown> {
  const hello = new GoLambdaFunction("hello", { source: path.join(examples, "lambda-hello"), functionUrl: true });
  const cluster = new EksCluster("platform", {});
  return { target: "aws", functionName: hello.functionName, url: hello.url, goVersion: hello.goVersion, archiveSha256: hello.archiveSha256, ...clusterOutputs(cluster) };
}

function gcpStack(): Record<string, unknown> {
  const region = new pulumi.Config("gcp").require("region");
  const service = new GoCloudRunService("hello", { source: path.join(examples, "http-service"), location: region });
  const cluster = new GkeCluster("platform", { region });
  return { target: "gcp", uri: service.uri, image: service.image, goVersion: service.goVersion, ...clusterOutputs(cluster) };
}

function azureStack(): Record<string, unknown> {
  const location = new pulumi.Config("azure-native").require("location");
  const cluster = new AksCluster("platform", { location });
  return { target: "azure", ...clusterOutputs(cluster) };
}

/**
 * What every cloud's example does with its cluster, through the Cluster contract only:
 * a Thanos bucket and a ServiceAccount that may read and write it.
 */
function clusterOutputs(cluster: Cluster & pulumi.Resource): Record<string, unknown> {
  const bucket = cluster.createBucket("thanos", {}, cluster);
  const thanos = cluster.bindServiceAccount("thanos", { namespace: "monitoring", serviceAccountName: "thanos", permissions: [{ kind: "bucket", bucket, access: "readWrite" }] }, cluster);
  return {
    clusterName: cluster.clusterName,
    kubernetesVersion: cluster.kubernetesVersion,
    kubeconfig: cluster.kubeconfig,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
    thanosBucket: bucket.bucketName,
    thanosIdentity: thanos.cloudIdentity,
  };
}
