/**
 * A test-only Cluster for the delivery tests: a plain Kubernetes provider and a
 * bindServiceAccount that creates the ServiceAccount, annotates it with a made-up
 * identity (bindExistingServiceAccount returns that annotation) and records every call, so tests can assert what the component asked for.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { BindServiceAccountArgs, BoundIdentity, BoundServiceAccount, Cloud, Cluster, ObjectBucket } from "../../components/cluster";

export interface RecordedBinding {
  readonly name: string;
  readonly args: BindServiceAccountArgs;
  readonly parent: pulumi.Resource;
  /** True for bindExistingServiceAccount (no ServiceAccount created). */
  readonly existing: boolean;
}

export class FakeDeliveryCluster implements Cluster {
  readonly cloudIdentityValue: string;
  readonly clusterName = pulumi.output("fake");
  readonly kubernetesVersion = pulumi.output("1.34");
  readonly kubeconfig = pulumi.secret("");
  readonly oidcIssuerUrl = pulumi.output("https://oidc.example.test");
  private lazyProvider?: k8s.Provider;
  readonly bindings: RecordedBinding[] = [];

  constructor(
    readonly cloud: Cloud = "aws",
    readonly podLabels: Record<string, string> = {},
  ) {
    this.cloudIdentityValue = `${cloud}-identity-for-ci`;
  }

  /** Created on first use, so a component that rejects its arguments registers nothing at all. */
  get provider(): k8s.Provider {
    this.lazyProvider ??= new k8s.Provider("fake-cluster", { kubeconfig: "{}" });
    return this.lazyProvider;
  }

  bindServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundServiceAccount {
    this.bindings.push({ name, args, parent, existing: false });
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      { metadata: { name: args.serviceAccountName, namespace: args.namespace, annotations: { "fake.test/identity": this.cloudIdentityValue } } },
      { parent, provider: this.provider },
    );
    return { serviceAccount, serviceAccountName: serviceAccount.metadata.name, podLabels: this.podLabels, cloudIdentity: pulumi.output(this.cloudIdentityValue) };
  }

  bindExistingServiceAccount(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity {
    this.bindings.push({ name, args, parent, existing: true });
    return { annotations: { "fake.test/identity": pulumi.output(this.cloudIdentityValue) }, podLabels: this.podLabels, cloudIdentity: pulumi.output(this.cloudIdentityValue) };
  }

  createBucket(name: string): ObjectBucket {
    throw new Error(`FakeDeliveryCluster: createBucket(${name}) is not used by the delivery tests`);
  }
}
