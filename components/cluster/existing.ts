/**
 * ExistingCluster: a Kubernetes cluster goplatform did not create, given by its
 * kubeconfig (or a directory the manifests are rendered to), behind the same cluster
 * contract. It creates no cloud resource and has no cloud identity or object storage:
 * in-cluster components asking it for cloud permissions or a bucket get an error that
 * says so.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkHttpsUrl, componentToken, isPending } from "../args";
import { checkClusterName } from "./checks";
import { checkClusterData } from "./connect";
import type { ClusterData } from "./contract";
import { validateArgs } from "../arg-validation";

export interface ExistingClusterArgs {
  /** A name for the cluster (a DNS label), used in labels and docs. */
  clusterName: string;
  /** Its Kubernetes minor version, e.g. "1.34". */
  kubernetesVersion: string;
  /**
   * Its kubeconfig; stored as a secret. Required unless `renderYamlToDirectory` is set. Default: "".
   */
  kubeconfig?: pulumi.Input<string>;
  /**
   * Render the manifests of every in-cluster component to this directory instead of
   * applying them (review, GitOps). Default: unset: apply to the cluster.
   */
  renderYamlToDirectory?: string;
  /**
   * Its service account issuer URL, when known. Default: "".
   */
  oidcIssuerUrl?: pulumi.Input<string>;
}

const COMPONENT = "ExistingCluster";

/** The own checks of ExistingCluster's args; returns the cluster data. */
function checkExistingClusterArgs(args: ExistingClusterArgs): ClusterData {
  checkClusterName(COMPONENT, args.clusterName);
  // A number (1.34 from YAML or config) would pass the pattern and stay a number.
  if (typeof args.kubernetesVersion !== "string" || !/^1\.\d+$/.test(args.kubernetesVersion)) {
    throw new ArgumentError(COMPONENT, "kubernetesVersion", args.kubernetesVersion, "expected a Kubernetes minor version such as \"1.34\"");
  }
  if (args.renderYamlToDirectory !== undefined && args.kubeconfig !== undefined) {
    throw new ArgumentError(COMPONENT, "renderYamlToDirectory", args.renderYamlToDirectory, "expected either a kubeconfig or a render directory, not both");
  }
  const render: unknown = args.renderYamlToDirectory;
  if (render !== undefined && (typeof render !== "string" || render === "")) {
    throw new ArgumentError(COMPONENT, "renderYamlToDirectory", render, "expected a directory path");
  }
  const kubeconfig: unknown = args.kubeconfig;
  if (kubeconfig !== undefined && !isPending(kubeconfig) && typeof kubeconfig !== "string") {
    throw new ArgumentError(COMPONENT, "kubeconfig", kubeconfig, "expected the kubeconfig's text (YAML)");
  }
  const issuer: unknown = args.oidcIssuerUrl;
  if (issuer !== undefined && !isPending(issuer) && issuer !== "") checkHttpsUrl(COMPONENT, "oidcIssuerUrl", issuer as string);
  const data: ClusterData = {
    cloud: "existing",
    name: args.clusterName,
    kubernetesVersion: args.kubernetesVersion,
    ...(args.renderYamlToDirectory === undefined ? { kubeconfig: pulumi.secret(args.kubeconfig ?? "") } : { renderYamlToDirectory: args.renderYamlToDirectory }),
    oidcIssuerUrl: args.oidcIssuerUrl ?? "",
  };
  if (args.renderYamlToDirectory === undefined && (args.kubeconfig === undefined || args.kubeconfig === "")) {
    throw new ArgumentError(COMPONENT, "kubeconfig", args.kubeconfig, "expected the cluster's kubeconfig (or renderYamlToDirectory); an empty one would use whatever cluster the deploying machine's KUBECONFIG names");
  }
  checkClusterData(COMPONENT, data);
  return data;
}

export class ExistingCluster extends pulumi.ComponentResource {
  /** What in-cluster components take as `cluster`. */
  readonly cluster: ClusterData;
  readonly clusterName: pulumi.Output<string>;
  readonly kubernetesVersion: pulumi.Output<string>;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs(COMPONENT, args, checkExistingClusterArgs, opts);
    super(componentToken(COMPONENT), name, {}, validated.opts);
    const data = validated.checked;
    this.cluster = data;
    this.clusterName = pulumi.output(args.clusterName);
    this.kubernetesVersion = pulumi.output(args.kubernetesVersion);
    this.registerOutputs({ cluster: this.cluster, clusterName: this.clusterName, kubernetesVersion: this.kubernetesVersion });
  }
}
