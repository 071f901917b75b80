/**
 * connectCluster: what an in-cluster component does with the ClusterData it is given.
 * It checks the data, builds a Kubernetes provider from the kubeconfig (or the render
 * directory) as a child of the component, and binds cloud identities through the
 * cloud's CloudBinding (clouds/<cloud>.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, isPending, isRecord } from "../args";
import { awsBinding } from "./clouds/aws";
import { azureBinding } from "./clouds/azure";
import { existingBinding } from "./clouds/existing";
import { gcpBinding } from "./clouds/gcp";
import { Cloud, type BindServiceAccountArgs, type Cluster, type CloudBinding, type ClusterData } from "./contract";
import { annotatedServiceAccount } from "./service-account";

const CLOUDS: readonly string[] = Object.values(Cloud);

/** ClusterData whose `cloud` is known: what checkClusterData returns. */
export type CheckedClusterData = Omit<ClusterData, "cloud"> & { readonly cloud: Cloud };

/** The cloud's binding for `data`, its per-cloud block checked to be there. */
function bindingFor(component: string, data: CheckedClusterData): CloudBinding {
  switch (data.cloud) {
    case "aws":
      return awsBinding(component, data.name, data.oidcIssuerUrl ?? "", required(component, "cluster", data, "aws"));
    case "gcp":
      return gcpBinding(component, data.name, required(component, "cluster", data, "gcp"));
    case "azure":
      return azureBinding(component, data.oidcIssuerUrl ?? "", required(component, "cluster", data, "azure"));
    case "existing":
      return existingBinding(component);
  }
}

function required<K extends "aws" | "gcp" | "azure">(component: string, argument: string, data: ClusterData, cloud: K): NonNullable<ClusterData[K]> {
  const block = data[cloud];
  if (!isRecord(block)) {
    throw new ArgumentError(component, `${argument}.${cloud}`, block, `a cluster with cloud "${cloud}" carries its identity data in ${argument}.${cloud}; pass the \`cluster\` output of the ${cloud === "aws" ? "EksCluster" : cloud === "gcp" ? "GkeCluster" : "AksCluster"}`);
  }
  return block;
}

/**
 * Checks `data` (the `cluster` argument of `component`, or `argument`) before any resource exists:
 * call it ahead of `super(...)`.
 */
export function checkClusterData(component: string, input: pulumi.Input<ClusterData>, argument = "cluster"): CheckedClusterData {
  const data = input as ClusterData;
  if (isPending(input)) {
    throw new ArgumentError(component, argument, input, "expected cluster data whose fields are known when the component is created (its `cloud` decides which cloud identities are made): a cluster component's `cluster` output, or from a StackReference `(await ref.getOutputDetails(\"cluster\")).secretValue`");
  }
  if (!isRecord(data)) {
    throw new ArgumentError(component, argument, data, "expected the cluster data an EksCluster, GkeCluster, AksCluster or ExistingCluster outputs as `cluster`");
  }
  const cloud = data.cloud;
  if (typeof cloud !== "string" || !CLOUDS.includes(cloud)) {
    throw new ArgumentError(component, `${argument}.cloud`, cloud, `expected one of ${CLOUDS.map((c) => JSON.stringify(c)).join(", ")}, known when the component is created (it decides which cloud identities are made)`);
  }
  // Outputs are judged once known (the validation layer); a plain value now, whatever its type.
  const version: unknown = data.kubernetesVersion;
  if (!isPending(version) && (typeof version !== "string" || !/^1\.\d+$/.test(version))) {
    throw new ArgumentError(component, `${argument}.kubernetesVersion`, version, "expected a Kubernetes minor version such as \"1.34\"");
  }
  // A missing name is the schema layer's to report (a required field).
  const clusterName: unknown = data.name;
  if (clusterName !== undefined && !isPending(clusterName) && (typeof clusterName !== "string" || clusterName === "")) {
    throw new ArgumentError(component, `${argument}.name`, clusterName, "expected the cluster's name");
  }
  const kubeconfig: unknown = data.kubeconfig;
  if (kubeconfig !== undefined && !isPending(kubeconfig) && typeof kubeconfig !== "string") {
    throw new ArgumentError(component, `${argument}.kubeconfig`, kubeconfig, "expected the kubeconfig's text (YAML)");
  }
  const render: unknown = data.renderYamlToDirectory;
  if (render !== undefined && !isPending(render) && (typeof render !== "string" || render === "")) {
    throw new ArgumentError(component, `${argument}.renderYamlToDirectory`, render, "expected a directory path");
  }
  if (render !== undefined && data.cloud !== "existing") {
    throw new ArgumentError(component, `${argument}.renderYamlToDirectory`, render, "rendering manifests to a directory is only for cloud \"existing\"");
  }
  if (render === undefined && (data.kubeconfig === undefined || data.kubeconfig === "")) {
    throw new ArgumentError(component, `${argument}.kubeconfig`, data.kubeconfig, "expected a kubeconfig (or renderYamlToDirectory); an empty one would use whatever cluster the deploying machine's KUBECONFIG names");
  }
  const checked = { ...data, cloud: cloud as Cloud };
  if (checked.cloud !== "existing") required(component, argument, checked, checked.cloud);
  // IRSA and AKS workload identity trust the issuer: without it no token would match.
  if ((checked.cloud === "aws" || checked.cloud === "azure") && (data.oidcIssuerUrl === undefined || data.oidcIssuerUrl === "")) {
    throw new ArgumentError(component, `${argument}.oidcIssuerUrl`, data.oidcIssuerUrl, `expected the cluster's OIDC issuer URL: ${checked.cloud === "aws" ? "IRSA" : "workload identity"} trusts it`);
  }
  return checked;
}

/** The cluster `data` names, connected for the component `parent` (after its `super(...)`). */
export function connectCluster(component: string, name: string, input: pulumi.Input<ClusterData>, parent: pulumi.Resource): Cluster {
  const data = checkClusterData(component, input);
  const binding = bindingFor(component, data);
  const providerArgs: k8s.ProviderArgs =
    data.renderYamlToDirectory === undefined
      ? {
          kubeconfig: pulumi.secret(
            pulumi.output(data.kubeconfig ?? "").apply((kubeconfig) => {
              // An output known only now (from another language) gets the same check as a plain value.
              if (kubeconfig === "") throw new ArgumentError(component, "cluster.kubeconfig", "", "expected a kubeconfig; an empty one would use whatever cluster the deploying machine's KUBECONFIG names");
              return kubeconfig;
            }),
          ),
        }
      : // An empty kubeconfig, not none: the Kubernetes SDK fills a missing one in from $KUBECONFIG, and render mode refuses any.
        { renderYamlToDirectory: data.renderYamlToDirectory, kubeconfig: "" };
  let provider: k8s.Provider | undefined;
  const cluster: Cluster = {
    data,
    cloud: data.cloud,
    clusterName: pulumi.output(data.name),
    kubernetesVersion: pulumi.output(data.kubernetesVersion),
    // Made on first use, so a component that creates nothing in the cluster registers no provider.
    get provider(): k8s.Provider {
      provider ??= new k8s.Provider(`${name}-cluster`, providerArgs, { parent });
      return provider;
    },
    bindServiceAccount: (bindName: string, args: BindServiceAccountArgs) => annotatedServiceAccount(bindName, args, binding.bindIdentity(bindName, args, parent), cluster.provider, parent),
    bindExistingServiceAccount: (bindName: string, args: BindServiceAccountArgs) => binding.bindIdentity(bindName, args, parent),
    createBucket: (bucketName, args) => binding.createBucket(bucketName, args, parent),
  };
  return cluster;
}
