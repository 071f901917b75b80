/**
 * A cluster goplatform did not create: no cloud identity to bind and no cloud object
 * storage. ServiceAccounts get no annotations; asking for permissions or a bucket is an
 * error that says so.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel } from "../../args";
import type { BindServiceAccountArgs, BoundIdentity, CloudBinding, ObjectBucket } from "../contract";

export function existingBinding(component: string): CloudBinding {
  return {
    bindIdentity(_name: string, args: BindServiceAccountArgs): BoundIdentity {
      checkDnsLabel(component, "serviceAccountName", args.serviceAccountName);
      if ((args.permissions ?? []).length > 0) {
        throw new ArgumentError(component, "permissions", args.permissions?.map((p) => p.kind), "a cluster with cloud \"existing\" has no cloud identity to grant permissions to; use EksCluster, GkeCluster or AksCluster");
      }
      return { annotations: {}, podLabels: {}, cloudIdentity: pulumi.output("") };
    },
    createBucket(name: string): ObjectBucket {
      throw new ArgumentError(component, "bucket", name, "a cluster with cloud \"existing\" has no cloud object storage; pass a bucket explicitly (s3CompatibleBucket)");
    },
  };
}
