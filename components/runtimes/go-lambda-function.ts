/**
 * GoLambdaFunction: a Go module built reproducibly into a `provided.al2023` Lambda
 * function, signed with AWS Signer and enforced by a code signing config, with a
 * least-privilege role and its own log group.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkNumber, componentToken, withLegacyType } from "../args";
import { buildGo, goMetadata, goModulePath, resolveGoBuild, zipLambdaBootstrap, type GoArch } from "../go";

const COMPONENT = "GoLambdaFunction";

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Variables the Lambda runtime sets and a function configuration may not (AWS docs, "Defined runtime environment variables"). */
const RESERVED_ENV = new Set([
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
]);

export interface GoLambdaFunctionArgs {
  /** Directory of the Go module holding the handler's main package. */
  source: string;
  /** Main package, relative to `source`. Default: ".". */
  package?: string;
  /** Go toolchain release, e.g. "1.27.4". Default: newest patch of the newest supported line. */
  goVersion?: string;
  /** "arm64" (Graviton, default) or "amd64". */
  arch?: GoArch;
  /** Extra Go build tags; `lambda.norpc` is always set. Default: none. */
  buildTags?: string[];
  /** Memory in MB, 128–10240. Default: 256. */
  memorySize?: number;
  /** Timeout in seconds, 1–900. Default: 30. */
  timeout?: number;
  /** Environment variables (values may be secrets); names reserved by Lambda are refused. Default: none. */
  environment?: Record<string, pulumi.Input<string>>;
  /** Log retention in days, one of CloudWatch's values. Default: 30. */
  logRetentionDays?: number;
  /** KMS key ARN for the log group. Default: CloudWatch's own encryption. */
  logKmsKeyArn?: pulumi.Input<string>;
  /** IAM statements granted to the function on top of writing its logs. Wildcard actions are refused. Default: none. */
  policyStatements?: aws.iam.PolicyStatement[];
  /** A function URL: `true` for IAM auth, or `{ authorization: "NONE" }` to open it. Default: none. */
  functionUrl?: boolean | { authorization: "AWS_IAM" | "NONE" };
  /** Sign the archive with AWS Signer and enforce signatures on deploy. Default: true. Opt out with false. */
  codeSigning?: boolean;
  /** Tags for every resource, on top of the Go metadata tags. Default: none. */
  tags?: Record<string, string>;
  /** Day the Go version rules are judged for (YYYY-MM-DD). Default: today. */
  asOf?: string;
}

function checkEnvironment(env: Record<string, unknown>): void {
  for (const key of Object.keys(env)) {
    if (!/^[A-Za-z][A-Za-z0-9_]+$/.test(key) || RESERVED_ENV.has(key)) {
      throw new ArgumentError(COMPONENT, "environment", key, "expected a variable name of 2 or more letters, digits and '_', starting with a letter, that Lambda does not reserve (AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT …)");
    }
  }
}

/**
 * Caller grants must name their actions: an Allow statement may not use wildcards,
 * NotAction or NotResource, and actions must be plain strings (an Output could hide
 * a "*"). Deny statements are left alone: wildcards there only take rights away.
 */
function checkStatements(statements: aws.iam.PolicyStatement[]): void {
  for (const statement of statements) {
    if (statement.Effect === "Deny") continue;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      throw new ArgumentError(COMPONENT, "policyStatements", statement.NotAction !== undefined ? "NotAction" : "NotResource", "expected Allow statements with Action and Resource; NotAction and NotResource grant everything else");
    }
    for (const action of ([] as unknown[]).concat(statement.Action ?? [])) {
      if (typeof action !== "string") {
        throw new ArgumentError(COMPONENT, "policyStatements", String(action), "expected actions as plain strings, known at preview");
      }
      if (action.includes("*") || action.includes("?")) {
        throw new ArgumentError(COMPONENT, "policyStatements", action, "expected named actions such as \"s3:GetObject\"; wildcard actions are refused");
      }
    }
  }
}

export class GoLambdaFunction extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  /** The function URL, when one was asked for. */
  readonly url: pulumi.Output<string | undefined>;
  /** Go toolchain the binary was built with, e.g. "1.27.4". */
  readonly goVersion: string;
  /** Main module of the handler. */
  readonly goModule: string;
  /** sha256 of the bootstrap binary and of the deployed archive. */
  readonly binarySha256: pulumi.Output<string>;
  readonly archiveSha256: pulumi.Output<string>;
  readonly codeSigningConfigArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: GoLambdaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    const build = resolveGoBuild(
      { source: args.source, package: args.package, goVersion: args.goVersion, arch: args.arch, tags: ["lambda.norpc", ...(args.buildTags ?? [])], asOf: args.asOf },
      COMPONENT,
    );
    const memorySize = checkNumber(COMPONENT, "memorySize", args.memorySize ?? 256, { min: 128, max: 10240, integer: true });
    const timeout = checkNumber(COMPONENT, "timeout", args.timeout ?? 30, { min: 1, max: 900, integer: true });
    const retention = args.logRetentionDays ?? 30;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      throw new ArgumentError(COMPONENT, "logRetentionDays", retention, `expected one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    checkEnvironment(args.environment ?? {});
    checkStatements(args.policyStatements ?? []);
    const urlAuth = args.functionUrl === undefined || args.functionUrl === false ? undefined : args.functionUrl === true ? "AWS_IAM" : (args.functionUrl.authorization as string | undefined);
    // Checked at run time too: JavaScript callers and stack config bypass the type.
    if (args.functionUrl !== undefined && args.functionUrl !== false && (urlAuth === undefined || !["AWS_IAM", "NONE"].includes(urlAuth))) {
      throw new ArgumentError(COMPONENT, "functionUrl.authorization", urlAuth, "expected \"AWS_IAM\" or \"NONE\"");
    }
    const goModule = goModulePath(build.source, COMPONENT);
    super(componentToken("GoLambdaFunction"), name, {}, withLegacyType("goplatform:aws:GoLambdaFunction", opts));
    this.goVersion = build.goVersion;
    this.goModule = goModule;

    const tags = { ...args.tags, ...goMetadata(build.goVersion, goModule) };
    const artifact = pulumi.output(
      buildGo(build, COMPONENT).then(async (binary) => {
        const zip = await zipLambdaBootstrap(binary.binary, path.join(binary.outDir, "bootstrap.zip"));
        return { binarySha256: binary.sha256, zipPath: zip.path, zipSha256: zip.sha256, zipSha256Base64: Buffer.from(zip.sha256, "hex").toString("base64") };
      }),
    );
    const parent = { parent: this };

    const logGroup = new aws.cloudwatch.LogGroup(
      name,
      { namePrefix: `/goplatform/lambda/${name}-`, retentionInDays: retention, kmsKeyId: args.logKmsKeyArn, tags },
      parent,
    );

    const role = new aws.iam.Role(
      name,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
      },
      parent,
    );
    const logsPolicy = new aws.iam.RolePolicy(
      `${name}-logs`,
      {
        role: role.id,
        policy: logGroup.arn.apply((arn) =>
          JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn}:*` }] }),
        ),
      },
      parent,
    );
    const grants =
      args.policyStatements !== undefined && args.policyStatements.length > 0
        ? [new aws.iam.RolePolicy(`${name}-grants`, { role: role.id, policy: { Version: "2012-10-17", Statement: args.policyStatements } }, parent)]
        : [];

    const code = args.codeSigning === false ? this.unsignedCode(artifact) : this.signedCode(name, artifact, tags);

    const fn = new aws.lambda.Function(
      name,
      {
        runtime: "provided.al2023",
        handler: "bootstrap",
        architectures: [build.arch === "arm64" ? "arm64" : "x86_64"],
        role: role.arn,
        memorySize,
        timeout,
        environment: args.environment === undefined ? undefined : { variables: args.environment },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        sourceCodeHash: artifact.zipSha256Base64,
        tags,
        ...code.functionArgs,
      },
      { parent: this, dependsOn: [logGroup, logsPolicy, ...grants] },
    );

    const url =
      urlAuth === undefined ? undefined : new aws.lambda.FunctionUrl(name, { functionName: fn.name, authorizationType: urlAuth }, parent);
    if (urlAuth === "NONE") {
      // An unauthenticated URL still needs the resource policy to let anyone call it.
      new aws.lambda.Permission(`${name}-url-public`, { function: fn.name, action: "lambda:InvokeFunctionUrl", principal: "*", functionUrlAuthType: "NONE" }, parent);
      new aws.lambda.Permission(`${name}-url-invoke`, { function: fn.name, action: "lambda:InvokeFunction", principal: "*", invokedViaFunctionUrl: true }, parent);
    }

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.url = url === undefined ? pulumi.output(undefined) : url.functionUrl;
    this.binarySha256 = artifact.binarySha256;
    this.archiveSha256 = artifact.zipSha256;
    this.codeSigningConfigArn = code.codeSigningConfigArn;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      roleArn: this.roleArn,
      logGroupName: this.logGroupName,
      url: this.url,
      goVersion: this.goVersion,
      goModule: this.goModule,
      binarySha256: this.binarySha256,
      archiveSha256: this.archiveSha256,
      codeSigningConfigArn: this.codeSigningConfigArn,
    });
  }

  private unsignedCode(artifact: pulumi.Output<{ zipPath: string }>) {
    return {
      functionArgs: { code: artifact.apply((a) => new pulumi.asset.FileArchive(a.zipPath)) },
      codeSigningConfigArn: pulumi.output<string | undefined>(undefined),
    };
  }

  /**
   * Upload the archive to a versioned, encrypted, private bucket, have AWS Signer sign
   * it, deploy the signed copy, and make Lambda refuse anything not signed by this
   * profile (UntrustedArtifactOnDeployment: Enforce).
   */
  private signedCode(name: string, artifact: pulumi.Output<{ zipPath: string; zipSha256: string }>, tags: Record<string, string>) {
    const parent = { parent: this };
    // Signer writes the signed copies, which Pulumi does not track: forceDestroy lets
    // `pulumi destroy` remove them, and the lifecycle rule keeps old builds from piling up.
    const bucket = new aws.s3.Bucket(`${name}-artifacts`, { forceDestroy: true, tags }, parent);
    const versioning = new aws.s3.BucketVersioning(`${name}-artifacts`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-artifacts`,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
      parent,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-artifacts`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketOwnershipControls(`${name}-artifacts`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-artifacts`,
      {
        bucket: bucket.id,
        rules: [{ id: "expire-old-builds", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
      },
      { parent: this, dependsOn: [versioning] },
    );

    const unsigned = new aws.s3.BucketObjectv2(
      `${name}-unsigned`,
      {
        bucket: bucket.id,
        key: pulumi.interpolate`unsigned/${name}/${artifact.zipSha256}.zip`,
        source: artifact.apply((a) => new pulumi.asset.FileAsset(a.zipPath)),
        tags,
      },
      { parent: this, dependsOn: [versioning, encryption, publicAccess] },
    );
    // Signer names allow only letters, digits and '_' (Pulumi's default auto-name adds a '-'),
    // so the provider generates the unique suffix after a sanitised prefix.
    const profile = new aws.signer.SigningProfile(
      name,
      { namePrefix: `${name.replace(/[^A-Za-z0-9]/g, "_")}_`.slice(0, 38), platformId: "AWSLambda-SHA384-ECDSA", tags },
      parent,
    );
    const job = new aws.signer.SigningJob(
      name,
      {
        profileName: profile.name,
        source: { s3: { bucket: bucket.id, key: unsigned.key, version: unsigned.versionId } },
        destination: { s3: { bucket: bucket.id, prefix: `signed/${name}/` } },
        ignoreSigningJobFailure: false,
      },
      parent,
    );
    const csc = new aws.lambda.CodeSigningConfig(
      name,
      {
        description: `goplatform: only code signed by ${name}'s signing profile deploys`,
        allowedPublishers: { signingProfileVersionArns: [profile.versionArn] },
        policies: { untrustedArtifactOnDeployment: "Enforce" },
        tags,
      },
      parent,
    );
    const signed = job.signedObjects.apply((objects) => {
      const s3 = objects[0]?.s3s[0];
      if (s3 === undefined) throw new Error(`${COMPONENT} ${name}: the signing job returned no signed object`);
      return s3;
    });
    return {
      functionArgs: { s3Bucket: signed.bucket, s3Key: signed.key, codeSigningConfigArn: csc.arn },
      codeSigningConfigArn: csc.arn.apply((arn): string | undefined => arn),
    };
  }
}
