/**
 * GCP: Google service accounts for workloads on a GKE cluster (Workload Identity) and
 * private GCS buckets, made from the cluster's GcpClusterData alone.
 */
import { createHash } from "node:crypto";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError } from "../../args";
import { checkBinding, checkNoncurrentDays } from "../checks";
import type { BindServiceAccountArgs, BoundIdentity, CloudBinding, GcpClusterData, ObjectBucket, ObjectBucketArgs } from "../contract";

/**
 * A Google service account id (6-30 characters) for `prefix-name` on one cluster: a
 * readable start and a hash of region, cluster and name, so two clusters never collide.
 */
export function accountId(cluster: { region: string; clusterName: string }, prefix: string, name: string): string {
  const full = `${prefix}-${name}`;
  const hash = createHash("sha256").update(`${cluster.region}/${cluster.clusterName}/${full}`).digest("hex").slice(0, 6);
  const base = full.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "").slice(0, 23).replace(/-+$/, "");
  return `${base}-${hash}`;
}

const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;

/** A GCP region such as "europe-west1": not a zone ("europe-west1-b"), not a multi-region ("EU"). */
export function checkGcpRegion(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !GCP_REGION.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a GCP region such as \"europe-west1\" (a region: zones such as \"europe-west1-b\" are not accepted)");
  }
  return value;
}

/** `projects/<p>/locations/<l>/repositories/<r>` split into the IAM member's fields; Outputs pass through whole. */
function parseRepository(component: string, repository: pulumi.Input<string>, argument: string): { project: string; location: string; repository: string } | undefined {
  if (typeof repository !== "string") return undefined;
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\/repositories\/([^/]+)$/.exec(repository);
  if (match === null) {
    throw new ArgumentError(component, argument, repository, "expected an Artifact Registry repository id projects/<project>/locations/<location>/repositories/<repository>");
  }
  return { project: match[1] as string, location: match[2] as string, repository: match[3] as string };
}

export function gcpBinding(component: string, clusterName: pulumi.Input<string>, data: GcpClusterData): CloudBinding {
  return {
    bindIdentity(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity {
      const permissions = checkBinding(component, "gcp", args);
      const registries = permissions.map((p, i) => (p.kind !== "bucket" ? parseRepository(component, p.repository, `permissions[${i}].repository`) : undefined));
      const account = new gcp.serviceaccount.Account(
        name,
        {
          project: data.project,
          accountId: pulumi.all([data.region, clusterName]).apply(([region, cluster]) => accountId({ region, clusterName: cluster }, "wi", name)),
          displayName: `Workload identity ${args.serviceAccountName} (goplatform)`,
        },
        { parent },
      );
      const member = pulumi.interpolate`serviceAccount:${account.email}`;
      new gcp.serviceaccount.IAMMember(
        `${name}-workload-identity`,
        { serviceAccountId: account.name, role: "roles/iam.workloadIdentityUser", member: pulumi.interpolate`serviceAccount:${data.workloadPool}[${args.namespace}/${args.serviceAccountName}]` },
        { parent },
      );
      permissions.forEach((permission, i) => {
        if (permission.kind === "bucket") {
          new gcp.storage.BucketIAMMember(
            `${name}-bucket-${i}`,
            { bucket: permission.bucket.bucketName, role: permission.access === "read" ? "roles/storage.objectViewer" : "roles/storage.objectUser", member },
            { parent },
          );
        } else {
          const repo = registries[i];
          new gcp.artifactregistry.RepositoryIamMember(
            `${name}-registry-${i}`,
            { ...(repo ?? { repository: permission.repository }), role: permission.kind === "registryPush" ? "roles/artifactregistry.writer" : "roles/artifactregistry.reader", member },
            { parent },
          );
        }
      });
      return { annotations: { "iam.gke.io/gcp-service-account": account.email }, podLabels: {}, cloudIdentity: account.email };
    },

    createBucket(name: string, args: ObjectBucketArgs, parent: pulumi.Resource): ObjectBucket {
      const noncurrentDays = checkNoncurrentDays(component, args.noncurrentVersionDays);
      // GCS encrypts every object at rest (Google-managed keys); access is IAM only.
      const bucket = new gcp.storage.Bucket(
        name,
        {
          project: data.project,
          location: pulumi.output(data.region).apply((region) => region.toUpperCase()),
          uniformBucketLevelAccess: true,
          publicAccessPrevention: "enforced",
          versioning: { enabled: true },
          lifecycleRules: [{ condition: { daysSinceNoncurrentTime: noncurrentDays, withState: "ARCHIVED" }, action: { type: "Delete" } }],
          forceDestroy: false,
          labels: data.labels ?? {},
        },
        { parent, retainOnDelete: args.retainOnDelete ?? true },
      );
      return {
        cloud: "gcp",
        bucketName: bucket.name,
        resourceId: bucket.name,
        thanosObjectStore: bucket.name.apply((bucketName) => JSON.stringify({ type: "GCS", config: { bucket: bucketName } })),
      };
    },
  };
}
