/**
 * ExistingCluster: a Kubernetes cluster goplatform did not create (or the `local`
 * stack's render-to-YAML provider), behind the same Cluster contract. It has no
 * cloud identity and no object storage of its own: asking it for cloud permissions
 * or a bucket is an error that says so.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel } from "../args";
import type { BindServiceAccountArgs, BoundIdentity, BoundServiceAccount, Cluster, ObjectBucket } from "./contract";

export interface ExistingClusterArgs {
  /** Provider for the cluster (kubeconfig, or `renderYamlToDirectory`). */
  provider: k8s.Provider;
  /** A name for the cluster, used in labels and docs. */
  clusterName: string;
  /** Its Kubernetes minor version, e.g. "1.34". */
  kubernetesVersion: string;
  /** Its kubeconfig, when known. Default: "" (stored as a secret either way). */
  kubeconfig?: pulumi.Input<string>;
  /** Its service account issuer URL, when known. Default: "". */
  oidcIssuerUrl?: pulumi.Input<string>;
}

const COMPONENT = "ExistingCluster";

export class ExistingCluster implements Cluster {
  readonly cloud = "existing" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly kubernetesVersion: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly oidcIssuerUrl: pulumi.Output<string>;

  constructor(args: ExistingClusterArgs) {
    checkDnsLabel(COMPONENT, "clusterName", args.clusterName);
    if (!/^1\.\d+$/.test(args.kubernetesVersion)) {
      throw new ArgumentError(COMPONENT, "kubernetesVersion", args.kubernetesVersion, "expected a Kubernetes minor version such as \"1.34\"");
    }
    this.provider = args.provider;
    this.clusterName = pulumi.output(args.clusterName);
    this.kubernetesVersion = pulumi.output(args.kubernetesVersion);
    this.kubeconfig = pulumi.secret(args.kubeconfig ?? "");
    this.oidcIssuerUrl = pulumi.output(args.oidcIssuerUrl ?? "");
  }

  bindServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundServiceAccount {
    this.identity(args);
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      { metadata: { name: args.serviceAccountName, namespace: args.namespace } },
      { parent, provider: this.provider },
    );
    return { serviceAccount, serviceAccountName: serviceAccount.metadata.name, podLabels: {}, cloudIdentity: pulumi.output("") };
  }

  /** Nothing to bind: no annotations, no pod labels, no cloud identity (and no permissions accepted). */
  bindExistingServiceAccount(_name: string, args: BindServiceAccountArgs): BoundIdentity {
    return this.identity(args);
  }

  private identity(args: BindServiceAccountArgs): BoundIdentity {
    checkDnsLabel(COMPONENT, "serviceAccountName", args.serviceAccountName);
    if ((args.permissions ?? []).length > 0) {
      throw new ArgumentError(COMPONENT, "permissions", args.permissions?.map((p) => p.kind), "an ExistingCluster has no cloud identity to grant permissions to; use EksCluster, GkeCluster or AksCluster");
    }
    return { annotations: {}, podLabels: {}, cloudIdentity: pulumi.output("") };
  }

  createBucket(name: string): ObjectBucket {
    throw new ArgumentError(COMPONENT, "bucket", name, "an ExistingCluster has no cloud object storage; pass a bucket explicitly");
  }
}
