/**
 * An ObjectBucket on an S3-compatible endpoint (MinIO, Ceph RGW, …) for clusters
 * with no cloud object storage of their own (ExistingCluster, the `local` stack).
 * goplatform does not create this bucket and puts no keys in its configuration: the
 * endpoint must grant the Thanos pods access by their identity, or the operator adds
 * credentials outside goplatform.
 */
import { ArgumentError } from "../args";
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
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ENDPOINT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;

export function s3CompatibleBucket(args: S3CompatibleBucketArgs): ObjectBucket {
  if (!BUCKET.test(args.bucket)) throw new ArgumentError(COMPONENT, "bucket", args.bucket, "expected an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-'");
  if (!ENDPOINT.test(args.endpoint)) throw new ArgumentError(COMPONENT, "endpoint", args.endpoint, "expected host[:port] without a scheme, such as \"minio.minio.svc:9000\"");
  const config: Record<string, unknown> = {
    bucket: args.bucket,
    endpoint: args.endpoint,
    ...(args.region === undefined ? {} : { region: args.region }),
    insecure: args.insecure ?? false,
  };
  const bucketName = args.bucket;
  return { cloud: "existing", bucketName, thanosObjectStore: JSON.stringify({ type: "S3", config }) };
}
