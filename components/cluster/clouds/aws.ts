/**
 * AWS: IAM roles for workloads on an EKS cluster (IRSA or EKS Pod Identity) and
 * private, encrypted S3 buckets, made from the cluster's AwsClusterData alone.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError } from "../../args";
import { checkBinding, checkNoncurrentDays } from "../checks";
import type { AwsClusterData, BindServiceAccountArgs, BoundIdentity, CloudBinding, CloudPermission, ObjectBucket, ObjectBucketArgs } from "../contract";

/** The retentions CloudWatch Logs accepts for a log group, in days (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** A CloudWatch Logs retention in days: one of LOG_RETENTION_DAYS (CloudWatch refuses any other). */
export function checkLogRetentionDays(component: string, argument: string, value: number): number {
  if (!LOG_RETENTION_DAYS.includes(value)) throw new ArgumentError(component, argument, value, `expected one of ${LOG_RETENTION_DAYS.join(", ")}`);
  return value;
}

/** The audience of the projected ServiceAccount tokens IRSA exchanges. */
export const OIDC_AUDIENCE = "sts.amazonaws.com";

export interface IamStatement {
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
}

/** A trust policy for an AWS service principal. */
export const assumeRole = (service: string): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

/** An IAM role a Kubernetes ServiceAccount assumes through the cluster's OIDC provider (IRSA), with AWS managed policies. */
export function irsaRole(
  name: string,
  cluster: { oidcProviderArn: pulumi.Input<string>; oidcIssuerUrl: pulumi.Input<string>; partition: pulumi.Input<string>; tags?: Record<string, string> },
  namespace: pulumi.Input<string>,
  serviceAccount: string,
  managedPolicies: string[],
  parent: pulumi.Resource,
): aws.iam.Role {
  const trust = pulumi.all([cluster.oidcProviderArn, cluster.oidcIssuerUrl, namespace]).apply(([providerArn, issuer, ns]) => {
    const host = issuer.replace(/^https:\/\//, "");
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${host}:sub`]: `system:serviceaccount:${ns}:${serviceAccount}`, [`${host}:aud`]: OIDC_AUDIENCE } },
        },
      ],
    });
  });
  const role = new aws.iam.Role(name, { assumeRolePolicy: trust, tags: cluster.tags ?? {} }, { parent });
  for (const policy of managedPolicies) {
    new aws.iam.RolePolicyAttachment(`${name}-${policy.split("/").pop() ?? policy}`, { role: role.name, policyArn: pulumi.interpolate`arn:${cluster.partition}:iam::aws:policy/${policy}` }, { parent });
  }
  return role;
}

/** Named actions on named resources only; ecr:GetAuthorizationToken has no resource type, so it alone takes "*". */
function statements(permission: CloudPermission, partition: pulumi.Input<string>): pulumi.Output<IamStatement>[] {
  if (permission.kind === "bucket") {
    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${permission.bucket.bucketName}`;
    const objectActions = permission.access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
    return [
      bucketArn.apply((arn): IamStatement => ({ Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: arn })),
      bucketArn.apply((arn): IamStatement => ({ Effect: "Allow", Action: objectActions, Resource: `${arn}/*` })),
    ];
  }
  const read = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
  const actions = permission.kind === "registryRead" ? read : [...read, "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"].sort();
  return [
    pulumi.output<IamStatement>({ Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" }),
    pulumi.output(permission.repository).apply((arn): IamStatement => ({ Effect: "Allow", Action: actions, Resource: arn })),
  ];
}

export interface PrivateBucketArgs {
  /** Days after which noncurrent object versions are deleted. */
  noncurrentDays: number;
  tags: Record<string, string>;
  /** Let `pulumi destroy` delete a bucket that still holds objects Pulumi does not track. Default: false. */
  forceDestroy?: boolean;
  /** The lifecycle rule's id. Default: "expire-noncurrent". */
  lifecycleRuleId?: string;
  /** Days after which incomplete multipart uploads are aborted. Default: 7. */
  abortIncompleteUploadDays?: number;
}

/** The bucket and the resources an object put into it must wait for. */
export interface PrivateBucket {
  bucket: aws.s3.Bucket;
  /** Versioning, default encryption and the public access block: in place before any object goes in. */
  ready: pulumi.Resource[];
}

/**
 * A private S3 bucket: KMS-encrypted by default, versioned, public access blocked,
 * ACLs disabled, TLS-only, noncurrent versions expired after `noncurrentDays`. Every
 * resource is named `name`.
 */
export function privateEncryptedBucket(name: string, args: PrivateBucketArgs, opts: pulumi.CustomResourceOptions): PrivateBucket {
  const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false, tags: args.tags }, opts);
  const versioning = new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(name, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] }, opts);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
  new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
  new aws.s3.BucketLifecycleConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [
        {
          id: args.lifecycleRuleId ?? "expire-noncurrent",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: args.noncurrentDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteUploadDays ?? 7 },
        },
      ],
    },
    { ...opts, dependsOn: [versioning] },
  );
  new aws.s3.BucketPolicy(
    name,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        }),
      ),
    },
    { ...opts, dependsOn: [publicAccess] },
  );
  return { bucket, ready: [versioning, encryption, publicAccess] };
}

export function awsBinding(component: string, clusterName: pulumi.Input<string>, oidcIssuerUrl: pulumi.Input<string>, data: AwsClusterData): CloudBinding {
  const tags = data.tags ?? {};
  const workloadIdentity = data.workloadIdentity ?? "irsa";
  if (workloadIdentity !== "irsa" && workloadIdentity !== "podIdentity") {
    throw new ArgumentError(component, "cluster.aws.workloadIdentity", workloadIdentity, "expected \"irsa\" or \"podIdentity\", known when the component is created");
  }
  return {
    bindIdentity(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity {
      const permissions = checkBinding(component, "aws", args);
      const grants = permissions.flatMap((p) => statements(p, data.partition));
      let role: aws.iam.Role;
      const annotations: Record<string, pulumi.Output<string>> = {};
      if (workloadIdentity === "irsa") {
        role = irsaRole(name, { ...data, oidcIssuerUrl, tags }, args.namespace, args.serviceAccountName, [], parent);
        annotations["eks.amazonaws.com/role-arn"] = role.arn;
      } else {
        role = new aws.iam.Role(
          name,
          {
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] }),
            tags,
          },
          { parent },
        );
        new aws.eks.PodIdentityAssociation(name, { clusterName, namespace: args.namespace, serviceAccount: args.serviceAccountName, roleArn: role.arn, tags }, { parent });
      }
      if (grants.length > 0) {
        new aws.iam.RolePolicy(
          `${name}-grants`,
          { role: role.id, policy: pulumi.all(grants).apply((resolved) => JSON.stringify({ Version: "2012-10-17", Statement: resolved })) },
          { parent },
        );
      }
      return { annotations, podLabels: {}, cloudIdentity: role.arn };
    },

    createBucket(name: string, args: ObjectBucketArgs, parent: pulumi.Resource): ObjectBucket {
      const noncurrentDays = checkNoncurrentDays(component, args.noncurrentVersionDays);
      const { bucket } = privateEncryptedBucket(name, { noncurrentDays, tags }, { parent, retainOnDelete: args.retainOnDelete ?? true });
      return {
        cloud: "aws",
        bucketName: bucket.bucket,
        resourceId: bucket.arn,
        thanosObjectStore: pulumi.all([bucket.bucket, data.region]).apply(([bucketName, region]) =>
          JSON.stringify({ type: "S3", config: { bucket: bucketName, endpoint: `s3.${region}.amazonaws.com`, region, aws_sdk_auth: true } }),
        ),
      };
    },
  };
}
