/**
 * The one way EKS, GKE and AKS turn a cloud identity into a ServiceAccount: created
 * with the identity's annotations, on the cluster's provider, as a child of the caller.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { BindServiceAccountArgs, BoundIdentity, BoundServiceAccount } from "./contract";

export function annotatedServiceAccount(name: string, args: BindServiceAccountArgs, identity: BoundIdentity, provider: k8s.Provider, parent: pulumi.Resource): BoundServiceAccount {
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    name,
    { metadata: { name: args.serviceAccountName, namespace: args.namespace, annotations: identity.annotations } },
    { parent, provider },
  );
  return { serviceAccount, serviceAccountName: serviceAccount.metadata.name, podLabels: identity.podLabels, cloudIdentity: identity.cloudIdentity };
}
