/**
 * GoLambdaFunction: a Go module built reproducibly into a `provided.al2023` Lambda
 * function, signed with AWS Signer and enforced by a code signing config, with a
 * least-privilege role and its own log group.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkNotEmpty, checkNumber, checkOneOf, componentToken, isPending, isRecord, SECRET_NOT_SHOWN, withLegacyType } from "../args";
import { buildGo, checkBuildTags, goMetadata, goModulePath, resolveGoBuild, zipLambdaBootstrap, type GoArch } from "../go";
import { checkLogRetentionDays, privateEncryptedBucket } from "../cluster/clouds/aws";
import { validateArgs } from "../arg-validation";

const COMPONENT = "GoLambdaFunction";

/** Retention periods CloudWatch Logs accepts. */

/** Variables the Lambda runtime sets and a function configuration may not (AWS docs, "Defined runtime environment variables"). */
const RESERVED_ENV = new Set([
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
]);

/** Who may call a function URL. */
export const LambdaUrlAuthorization = {
  /** Only callers whose requests are signed with IAM credentials allowed to invoke the URL. */
  AwsIam: "AWS_IAM",
  /** Anyone on the internet: the URL is public (the component adds the resource policy that allows it). */
  None: "NONE",
} as const;
export type LambdaUrlAuthorization = (typeof LambdaUrlAuthorization)[keyof typeof LambdaUrlAuthorization];

/** A Lambda function URL: an HTTPS endpoint that invokes the function. */
export interface LambdaFunctionUrl {
  /** Create the URL. Default: true (giving `functionUrl` asks for one); false leaves the function without a URL. */
  enabled?: boolean;
  /** Who may call it: "AWS_IAM" (signed requests) or "NONE" (public). Only with `enabled` true. Default: "AWS_IAM". */
  authorization?: LambdaUrlAuthorization;
}

/** Whether an IAM statement grants or refuses. */
export const LambdaPolicyEffect = {
  /** Grants the actions on the resources. */
  Allow: "Allow",
  /** Refuses them, whatever else grants them. */
  Deny: "Deny",
} as const;
export type LambdaPolicyEffect = (typeof LambdaPolicyEffect)[keyof typeof LambdaPolicyEffect];

/** One statement of the function role's extra IAM policy. */
export interface LambdaPolicyStatement {
  /** Statement id. Default: none. */
  sid?: string;
  /** "Allow" or "Deny". Default: "Allow". */
  effect?: LambdaPolicyEffect;
  /** Named actions, e.g. ["s3:GetObject"], as plain strings; an Allow statement may not use wildcards ('*', '?'). Required, non-empty. */
  actions: string[];
  /** Resource ARNs the actions apply to (may be outputs of other resources). Required, non-empty. */
  resources: pulumi.Input<string>[];
  /**
   * IAM conditions: operator → condition key → values, e.g.
   * `{ StringEquals: { "aws:ResourceAccount": ["123456789012"] } }`. Default: none.
   */
  conditions?: Record<string, Record<string, pulumi.Input<string>[]>>;
}

const STATEMENT_FIELDS = ["sid", "effect", "actions", "resources", "conditions"];

export interface GoLambdaFunctionArgs {
  /** Directory of the Go module holding the handler's main package. */
  source: string;
  /** Main package, relative to `source`. Default: ".". */
  package?: string;
  /** Go toolchain release, e.g. "1.27.4". Default: newest patch of the newest supported line. */
  goVersion?: string;
  /** CPU architecture of the function: "arm64" (Graviton) or "amd64" (x86-64). Default: "arm64". */
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
  /** IAM statements granted to the function on top of writing its logs. Wildcard actions are refused in Allow statements. Default: none. */
  policyStatements?: LambdaPolicyStatement[];
  /**
   * A function URL: `{}` (or `{ enabled: true }`) for one that takes IAM-signed requests,
   * `{ authorization: "NONE" }` to open it to anyone. Default: no URL.
   */
  functionUrl?: LambdaFunctionUrl;
  /** Sign the archive with AWS Signer and enforce signatures on deploy. Default: true. Opt out with false. */
  codeSigning?: boolean;
  /** Tags for every resource, on top of the Go metadata tags. Default: none. */
  tags?: Record<string, string>;
  /** Day the Go version rules are judged for (YYYY-MM-DD). Default: today. */
  asOf?: string;
}

/** Environment variables: a map of names Lambda does not reserve to strings (or outputs of strings); values are never shown (they may be secrets). */
function checkEnvironment(env: unknown): Record<string, pulumi.Input<string>> | undefined {
  if (env === undefined) return undefined;
  if (!isRecord(env)) throw new ArgumentError(COMPONENT, "environment", Array.isArray(env) ? "(a list)" : typeof env, "expected a map of variable names to string values, such as { LOG_LEVEL: \"info\" }");
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Za-z][A-Za-z0-9_]+$/.test(key) || RESERVED_ENV.has(key)) {
      throw new ArgumentError(COMPONENT, "environment", key, "expected a variable name of 2 or more letters, digits and '_', starting with a letter, that Lambda does not reserve (AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT …)");
    }
    if (typeof value !== "string" && !isPending(value)) {
      throw new ArgumentError(COMPONENT, `environment.${key}`, SECRET_NOT_SHOWN, "expected a string value (or an output of one, such as a Pulumi secret); write numbers and booleans as strings");
    }
  }
  return env as Record<string, pulumi.Input<string>>;
}

/**
 * Resource tags (AWS rules, "Tagging AWS resources"): keys of 1-128 characters not
 * starting with "aws:", string values of at most 256 characters.
 */
function checkTags(given: unknown): Record<string, string> {
  if (given === undefined) return {};
  if (!isRecord(given)) throw new ArgumentError(COMPONENT, "tags", given, "expected a map of tag keys to string values");
  for (const [key, value] of Object.entries(given)) {
    if (key.length === 0 || key.length > 128 || key.toLowerCase().startsWith("aws:")) {
      throw new ArgumentError(COMPONENT, "tags", key, "expected tag keys of 1-128 characters, not starting with \"aws:\" (reserved by AWS)");
    }
    if (typeof value !== "string" || value.length > 256) throw new ArgumentError(COMPONENT, `tags.${key}`, value, "expected a string of at most 256 characters");
  }
  return given as Record<string, string>;
}

/**
 * Caller grants must name their actions: an Allow statement may not use wildcards, and
 * actions must be plain strings (an Output could hide a "*"); NotAction and NotResource
 * are not offered (they grant everything else). Deny statements may use wildcards: there
 * they only take rights away. Checked at run time, as other languages bypass the types.
 */
function checkStatements(given: unknown): LambdaPolicyStatement[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) throw new ArgumentError(COMPONENT, "policyStatements", given, "expected a list of { effect?, actions, resources, conditions?, sid? }");
  return given.map((statement: unknown, i): LambdaPolicyStatement => {
    const at = `policyStatements[${i}]`;
    if (!isRecord(statement)) throw new ArgumentError(COMPONENT, at, statement, "expected { effect?, actions, resources, conditions?, sid? }");
    for (const key of Object.keys(statement)) {
      if (!STATEMENT_FIELDS.includes(key)) {
        throw new ArgumentError(COMPONENT, `${at}.${key}`, statement[key], `no such field; expected only the fields ${STATEMENT_FIELDS.join(", ")}; NotAction and NotResource are not offered: they grant everything else`);
      }
    }
    const effect = checkOneOf(COMPONENT, `${at}.effect`, (statement.effect ?? LambdaPolicyEffect.Allow) as LambdaPolicyEffect, Object.values(LambdaPolicyEffect));
    const actions: unknown = statement.actions;
    if (!Array.isArray(actions) || actions.length === 0) throw new ArgumentError(COMPONENT, `${at}.actions`, actions, "expected a non-empty list of named actions such as \"s3:GetObject\"");
    for (const action of actions as unknown[]) {
      if (typeof action !== "string") throw new ArgumentError(COMPONENT, `${at}.actions`, String(action), "expected actions as plain strings, known at preview");
      checkNotEmpty(COMPONENT, `${at}.actions`, action, "a named action such as \"s3:GetObject\"");
      if (effect === LambdaPolicyEffect.Allow && (action.includes("*") || action.includes("?"))) {
        throw new ArgumentError(COMPONENT, `${at}.actions`, action, "expected named actions such as \"s3:GetObject\"; wildcard actions are refused");
      }
    }
    const resources: unknown = statement.resources;
    if (!Array.isArray(resources) || resources.length === 0) throw new ArgumentError(COMPONENT, `${at}.resources`, resources, "expected a non-empty list of resource ARNs");
    (resources as unknown[]).forEach((resource, j) => {
      if (!isPending(resource) && (typeof resource !== "string" || resource === "")) {
        throw new ArgumentError(COMPONENT, `${at}.resources[${j}]`, resource, "expected a resource ARN (a string, or an output of one)");
      }
    });
    // IAM: a Sid holds only ASCII letters and digits.
    if (statement.sid !== undefined && (typeof statement.sid !== "string" || !/^[A-Za-z0-9]+$/.test(statement.sid))) {
      throw new ArgumentError(COMPONENT, `${at}.sid`, statement.sid, "expected a statement id of letters and digits");
    }
    const conditions: unknown = statement.conditions;
    if (conditions !== undefined) {
      const shape = "expected { <operator>: { <condition key>: [values] } }";
      if (!isRecord(conditions)) throw new ArgumentError(COMPONENT, `${at}.conditions`, conditions, shape);
      for (const [operator, keys] of Object.entries(conditions)) {
        if (!isRecord(keys)) throw new ArgumentError(COMPONENT, `${at}.conditions.${operator}`, keys, shape);
        for (const [key, values] of Object.entries(keys)) {
          if (!Array.isArray(values) || values.length === 0 || !(values as unknown[]).every((v) => typeof v === "string" || isPending(v))) {
            throw new ArgumentError(COMPONENT, `${at}.conditions.${operator}.${key}`, values, "expected a non-empty list of string values (a single value too: [\"value\"])");
          }
        }
      }
    }
    return statement as unknown as LambdaPolicyStatement;
  });
}

/** A statement in IAM's own JSON form. */
function iamStatement(s: LambdaPolicyStatement): aws.iam.PolicyStatement {
  return {
    ...(s.sid === undefined ? {} : { Sid: s.sid }),
    Effect: s.effect ?? LambdaPolicyEffect.Allow,
    Action: s.actions,
    Resource: s.resources,
    ...(s.conditions === undefined ? {} : { Condition: s.conditions }),
  };
}

/**
 * The URL's authorization type, or undefined for no URL. Checked at run time as well:
 * other languages and stack config bypass the types.
 */
function urlAuthorization(given: unknown): LambdaUrlAuthorization | undefined {
  if (given === undefined) return undefined;
  if (!isRecord(given)) {
    throw new ArgumentError(COMPONENT, "functionUrl", given, "expected { enabled?, authorization? }: {} for a URL with IAM auth, { authorization: \"NONE\" } for a public one; leave it out for none");
  }
  const enabled = checkBoolean(COMPONENT, "functionUrl.enabled", given.enabled ?? true);
  if (!enabled) {
    if (given.authorization !== undefined) {
      throw new ArgumentError(COMPONENT, "functionUrl.authorization", given.authorization, "expected no authorization when functionUrl.enabled is false: there is no URL to authorize");
    }
    return undefined;
  }
  return checkOneOf(COMPONENT, "functionUrl.authorization", (given.authorization ?? LambdaUrlAuthorization.AwsIam) as LambdaUrlAuthorization, Object.values(LambdaUrlAuthorization));
}

/** GoLambdaFunction's arguments checked, defaults applied: a pure function of the args, run before anything exists. */
export function checkGoLambdaFunctionArgs(args: GoLambdaFunctionArgs) {
  if (!isRecord(args)) throw new ArgumentError(COMPONENT, "args", args, "expected the arguments object { source, … }");
  // Own check first: a string here would be spread into one tag per character.
  const buildTags = checkBuildTags(COMPONENT, "buildTags", args.buildTags);
  const build = resolveGoBuild(
    { source: args.source, package: args.package, goVersion: args.goVersion, arch: args.arch, tags: ["lambda.norpc", ...buildTags], asOf: args.asOf },
    COMPONENT,
    { tags: "buildTags" },
  );
  // Lambda quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
  // memory 128-10,240 MB in 1 MB steps, timeout 1-900 seconds (15 minutes).
  const memorySize = checkNumber(COMPONENT, "memorySize", args.memorySize ?? 256, { min: 128, max: 10240, integer: true });
  const timeout = checkNumber(COMPONENT, "timeout", args.timeout ?? 30, { min: 1, max: 900, integer: true });
  const retention = checkLogRetentionDays(COMPONENT, "logRetentionDays", args.logRetentionDays ?? 30);
  const logKmsKeyArn: unknown = args.logKmsKeyArn;
  if (logKmsKeyArn !== undefined && !isPending(logKmsKeyArn) && (typeof logKmsKeyArn !== "string" || !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/\S+$/.test(logKmsKeyArn))) {
    throw new ArgumentError(COMPONENT, "logKmsKeyArn", logKmsKeyArn, "expected a KMS key ARN such as \"arn:aws:kms:eu-west-1:123456789012:key/…\"");
  }
  const environment = checkEnvironment(args.environment);
  const statements = checkStatements(args.policyStatements);
  const urlAuth = urlAuthorization(args.functionUrl);
  const codeSigning = checkBoolean(COMPONENT, "codeSigning", args.codeSigning ?? true);
  const tags = checkTags(args.tags);
  return { build, memorySize, timeout, retention, environment, statements, urlAuth, codeSigning, tags };
}

export class GoLambdaFunction extends pulumi.ComponentResource {
  /** Name of the Lambda function. */
  readonly functionName: pulumi.Output<string>;
  /** ARN of the Lambda function. */
  readonly functionArn: pulumi.Output<string>;
  /** ARN of the function's execution role. */
  readonly roleArn: pulumi.Output<string>;
  /** Name of the function's CloudWatch log group. */
  readonly logGroupName: pulumi.Output<string>;
  /** The function URL, when one was asked for; undefined otherwise. */
  readonly url: pulumi.Output<string | undefined>;
  /** Go toolchain the binary was built with, e.g. "1.27.4". */
  readonly goVersion: string;
  /** Main module of the handler, from its go.mod. */
  readonly goModule: string;
  /** sha256 (hex) of the bootstrap binary. */
  readonly binarySha256: pulumi.Output<string>;
  /** sha256 (hex) of the deployment archive (before signing). */
  readonly archiveSha256: pulumi.Output<string>;
  /** ARN of the code signing config that enforces signatures; undefined with `codeSigning: false`. */
  readonly codeSigningConfigArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: GoLambdaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs(
      "GoLambdaFunction",
      args,
      (a) => {
        const checked = checkGoLambdaFunctionArgs(a);
        return { ...checked, goModule: goModulePath(checked.build.source, COMPONENT) };
      },
      withLegacyType("goplatform:aws:GoLambdaFunction", opts),
    );
    const { build, memorySize, timeout, retention, environment, statements, urlAuth, codeSigning, tags: callerTags, goModule } = validated.checked;
    super(componentToken("GoLambdaFunction"), name, {}, validated.opts);
    this.goVersion = build.goVersion;
    this.goModule = goModule;

    const tags = { ...callerTags, ...goMetadata(build.goVersion, goModule) };
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
      statements.length > 0
        ? [new aws.iam.RolePolicy(`${name}-grants`, { role: role.id, policy: { Version: "2012-10-17", Statement: statements.map(iamStatement) } }, parent)]
        : [];

    const code = codeSigning ? signedCode(this, name, artifact, tags) : unsignedCode(artifact);

    const fn = new aws.lambda.Function(
      name,
      {
        runtime: "provided.al2023",
        handler: "bootstrap",
        architectures: [build.arch === "arm64" ? "arm64" : "x86_64"],
        role: role.arn,
        memorySize,
        timeout,
        environment: environment === undefined ? undefined : { variables: environment },
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

}

function unsignedCode(artifact: pulumi.Output<{ zipPath: string }>) {
  return {
    functionArgs: { code: artifact.apply((a) => new pulumi.asset.FileArchive(a.zipPath)) },
    codeSigningConfigArn: pulumi.output<string | undefined>(undefined),
  };
}

/**
 * Upload the archive to a versioned, encrypted, private bucket, have AWS Signer sign
 * it, deploy the signed copy, and make Lambda refuse anything not signed by this
 * profile (UntrustedArtifactOnDeployment: Enforce). Children of `component`.
 */
function signedCode(component: pulumi.ComponentResource, name: string, artifact: pulumi.Output<{ zipPath: string; zipSha256: string }>, tags: Record<string, string>) {
  const parent = { parent: component };
  // Signer writes the signed copies, which Pulumi does not track: forceDestroy lets
  // `pulumi destroy` remove them, and the lifecycle rule keeps old builds from piling up.
  const { bucket, ready } = privateEncryptedBucket(
    `${name}-artifacts`,
    { tags, noncurrentDays: 30, forceDestroy: true, lifecycleRuleId: "expire-old-builds", abortIncompleteUploadDays: 1 },
    parent,
  );

  const unsigned = new aws.s3.BucketObjectv2(
    `${name}-unsigned`,
    {
      bucket: bucket.id,
      key: pulumi.interpolate`unsigned/${name}/${artifact.zipSha256}.zip`,
      source: artifact.apply((a) => new pulumi.asset.FileAsset(a.zipPath)),
      tags,
    },
    { parent: component, dependsOn: ready },
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
