/**
 * An ObjectBucket on an S3-compatible endpoint (MinIO, Ceph RGW, …) for clusters
 * with no cloud object storage of their own (ExistingCluster, the `local` stack).
 * goplatform does not create this bucket and puts no keys in its configuration: the
 * endpoint must grant the Thanos pods access by their identity, or the operator adds
 * credentials outside goplatform.
 */
import { ArgumentError, checkBoolean } from "../args";
import type { ObjectBucket } from "../cluster/contract";

export interface S3CompatibleBucketArgs {
  /** Bucket name (S3 rules: 3-63 lowercase letters, digits, '.', '-'). */
  bucket: string;
  /** `host[:port]` of the S3 API, without scheme. */
  endpoint: string;
  /** Region the endpoint expects, if any. Default: none. */
  region?: string;
  /** Talk plain HTTP to the endpoint. Default: false (HTTPS). */
  insecure?: boolean;
}

const COMPONENT = "s3CompatibleBucket";
const ENDPOINT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;

/** Why `name` is not a bucket (or container) name in `cloud`'s rules, or undefined when it is one. */
function bucketNameProblem(cloud: string, name: string): string | undefined {
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(name);
  switch (cloud) {
    case "aws":
    case "existing":
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes("..") || ip || /^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
        return "expected an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending alphanumeric, no '..', not an IP address, no reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3)";
      }
      return undefined;
    case "gcp":
      // https://cloud.google.com/storage/docs/buckets#naming
      if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(name) || name.split(".").some((part) => part.length > 63) || (!name.includes(".") && name.length > 63) || ip || name.startsWith("goog") || name.includes("google")) {
        return "expected a Cloud Storage bucket name: 3-63 lowercase letters, digits, '-', '_' and '.' (up to 222 with dots, 63 between them), starting and ending alphanumeric, not an IP address, not starting with \"goog\" or containing \"google\"";
      }
      return undefined;
    case "azure":
      // https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
      if (!/^[a-z0-9](-?[a-z0-9])*$/.test(name) || name.length < 3 || name.length > 63) {
        return "expected an Azure blob container name: 3-63 lowercase letters, digits and '-', starting and ending alphanumeric, no '--'";
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A bucket name by the rules of the bucket's cloud (S3 for "aws" and the S3-compatible
 * "existing", Cloud Storage for "gcp", blob containers for "azure"), refused under the
 * caller's `argument`.
 */
export function checkBucketName(component: string, argument: string, cloud: string, name: unknown): string {
  const problem = typeof name === "string" ? bucketNameProblem(cloud, name) : "expected the bucket's name as a string";
  if (problem !== undefined) throw new ArgumentError(component, argument, name, problem);
  return name as string;
}

export function s3CompatibleBucket(args: S3CompatibleBucketArgs): ObjectBucket {
  checkBucketName(COMPONENT, "bucket", "existing", args.bucket);
  if (typeof args.endpoint !== "string" || !ENDPOINT.test(args.endpoint)) throw new ArgumentError(COMPONENT, "endpoint", args.endpoint, "expected host[:port] without a scheme, such as \"minio.minio.svc:9000\"");
  if (args.region !== undefined && (typeof args.region !== "string" || !/^[a-z0-9][-a-z0-9]*$/.test(args.region))) {
    throw new ArgumentError(COMPONENT, "region", args.region, "expected a region name such as \"us-east-1\"");
  }
  const config: Record<string, unknown> = {
    bucket: args.bucket,
    endpoint: args.endpoint,
    ...(args.region === undefined ? {} : { region: args.region }),
    // A string "false" would reach Thanos as a string: refused here.
    insecure: checkBoolean(COMPONENT, "insecure", args.insecure ?? false),
  };
  const bucketName = args.bucket;
  return { cloud: "existing", bucketName, thanosObjectStore: JSON.stringify({ type: "S3", config }) };
}
