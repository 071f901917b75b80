import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkGoLambdaFunctionArgs, GoLambdaFunction, type GoLambdaFunctionArgs } from "../../../components";
import { lambdaMocks } from "../../harness/cloud-mocks";
import { failureUnderMocks, runUnderMocks, valueOf } from "../../harness/mocks";

const repo = path.resolve(__dirname, "..", "..", "..", "..");
const source = path.join(repo, "examples", "lambda-hello");
const asOf = "2026-11-23";

const make = (args: Partial<GoLambdaFunctionArgs> = {}) => () => new GoLambdaFunction("hello", { source, asOf, ...args });

describe("GoLambdaFunction", function () {
  this.timeout(600_000);

  it("deploys a signed provided.al2023 arm64 function with a least-privilege role and its own log group", async () => {
    const { result, resources } = await runUnderMocks(make(), lambdaMocks);
    const fn = resources.one("aws:lambda/function:Function");
    assert.equal(fn.inputs.runtime, "provided.al2023");
    assert.equal(fn.inputs.handler, "bootstrap");
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);
    assert.equal(fn.inputs.memorySize, 256);
    assert.equal(fn.inputs.timeout, 30);
    assert.deepEqual(fn.inputs.tags, { "goplatform.dev/go-version": "go1.27.4", "goplatform.dev/go-module": "example.com/goplatform/lambda-hello" });
    assert.equal(result.goVersion, "1.27.4");

    // Code signing: the deployed code is the signing job's output, and unsigned code is refused.
    const csc = resources.one("aws:lambda/codeSigningConfig:CodeSigningConfig");
    assert.deepEqual(csc.inputs.policies, { untrustedArtifactOnDeployment: "Enforce" });
    assert.equal(fn.inputs.codeSigningConfigArn, "arn:aws:mock:::aws:lambda/codeSigningConfig:CodeSigningConfig/hello");
    assert.equal(fn.inputs.s3Bucket, "artifacts-bucket");
    assert.equal(fn.inputs.s3Key, "signed/hello/job-1.zip");
    assert.equal(fn.inputs.code, undefined);
    const profile = resources.one("aws:signer/signingProfile:SigningProfile");
    assert.equal(profile.inputs.platformId, "AWSLambda-SHA384-ECDSA");
    assert.match(String(profile.inputs.namePrefix), /^[A-Za-z0-9_]+$/);
    const job = resources.one("aws:signer/signingJob:SigningJob");
    assert.equal(job.inputs.ignoreSigningJobFailure, false);
    assert.deepEqual((job.inputs.source as { s3: { version: string } }).s3.version, "v1");
    const unsigned = resources.one("aws:s3/bucketObjectv2:BucketObjectv2");
    assert.match(String(unsigned.inputs.key), /^unsigned\/hello\/[0-9a-f]{64}\.zip$/);
    assert.deepEqual(resources.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, { status: "Enabled" });
    assert.equal(resources.one("aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    const lifecycle = resources.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { noncurrentVersionExpiration: { noncurrentDays: number } }[];
    assert.equal(lifecycle[0]?.noncurrentVersionExpiration.noncurrentDays, 30);
    const sse = resources.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
    assert.equal(sse[0]?.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    assert.deepEqual(csc.inputs.allowedPublishers, { signingProfileVersionArns: ["arn:aws:signer:::/signing-profiles/hello/v1"] });
    const pab = resources.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);

    // Logs: a dedicated group with retention, created before the function.
    const logGroup = resources.one("aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logGroup.inputs.retentionInDays, 30);
    assert.ok(fn.dependsOn.includes(logGroup.urn));
    assert.deepEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: "hello-abc123" });

    // IAM: only writing to its own log group, no wildcard actions.
    const role = resources.one("aws:iam/role:Role");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Principal: unknown }[] };
    assert.deepEqual(trust.Statement[0]?.Principal, { Service: "lambda.amazonaws.com" });
    const policies = resources.ofType("aws:iam/rolePolicy:RolePolicy");
    assert.deepEqual(policies.map((p) => p.name), ["hello-logs"]);
    const statements = (JSON.parse(String(policies[0]?.inputs.policy)) as { Statement: { Action: string[]; Resource: string }[] }).Statement;
    for (const s of statements) {
      for (const action of s.Action) assert.ok(!action.includes("*"), `wildcard action ${action}`);
      assert.equal(s.Resource, "arn:aws:mock:::aws:cloudwatch/logGroup:LogGroup/hello:*");
    }
    assert.equal(resources.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    assert.equal(resources.ofType("aws:lambda/functionUrl:FunctionUrl").length, 0);
    assert.match(await valueOf(result.archiveSha256), /^[0-9a-f]{64}$/);
  });

  it("deploys the archive directly when code signing is explicitly off", async () => {
    const { resources } = await runUnderMocks(make({ codeSigning: false, arch: "amd64", memorySize: 1024, timeout: 900 }), lambdaMocks);
    assert.deepEqual(resources.types().filter((t) => t.startsWith("aws:signer") || t.startsWith("aws:s3")), []);
    const fn = resources.one("aws:lambda/function:Function");
    assert.deepEqual(fn.inputs.architectures, ["x86_64"]);
    assert.equal(fn.inputs.codeSigningConfigArn, undefined);
    assert.ok(fn.inputs.code !== undefined);
  });

  it("adds a function URL with IAM auth, and caller grants as a separate policy", async () => {
    const { result, resources } = await runUnderMocks(
      make({ functionUrl: {}, policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::data/*"] }], environment: { TOKEN: pulumi.secret("s3cr3t"), TZ: "Europe/Berlin" } }),
      lambdaMocks,
    );
    assert.equal(resources.one("aws:lambda/functionUrl:FunctionUrl").inputs.authorizationType, "AWS_IAM");
    assert.equal(await valueOf(result.url), "https://abc.lambda-url.eu-west-1.on.aws/");
    const grants = resources.one("aws:iam/rolePolicy:RolePolicy", "hello-grants");
    assert.deepEqual((grants.inputs.policy as { Statement: unknown[] }).Statement, [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/*"] }]);
    // TZ is not reserved (any longer): a function may set its time zone.
    assert.deepEqual(resources.one("aws:lambda/function:Function").inputs.environment, { variables: { TOKEN: "s3cr3t", TZ: "Europe/Berlin" } });
  });

  it("opens a NONE function URL to anyone through the resource policy, and lets Deny statements use wildcards", async () => {
    const { resources } = await runUnderMocks(
      make({ functionUrl: { authorization: "NONE" }, policyStatements: [{ effect: "Deny", actions: ["s3:*"], resources: ["*"] }] }),
      lambdaMocks,
    );
    assert.equal(resources.one("aws:lambda/functionUrl:FunctionUrl").inputs.authorizationType, "NONE");
    const permissions = resources.ofType("aws:lambda/permission:Permission").map((p) => [p.inputs.action, p.inputs.principal]);
    assert.deepEqual(permissions, [["lambda:InvokeFunctionUrl", "*"], ["lambda:InvokeFunction", "*"]]);
    const deny = resources.one("aws:iam/rolePolicy:RolePolicy", "hello-grants");
    assert.deepEqual((deny.inputs.policy as { Statement: unknown[] }).Statement, [{ Effect: "Deny", Action: ["s3:*"], Resource: ["*"] }]);
  });

  it("renders conditions and a statement id in IAM's form, and makes no URL with functionUrl.enabled false", async () => {
    const conditions = { StringEquals: { "aws:ResourceAccount": ["123456789012"] } };
    const { result, resources } = await runUnderMocks(make({ functionUrl: { enabled: false }, policyStatements: [{ sid: "ReadData", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::data/*"], conditions }] }), lambdaMocks);
    const grants = resources.one("aws:iam/rolePolicy:RolePolicy", "hello-grants");
    assert.deepEqual((grants.inputs.policy as { Statement: unknown[] }).Statement, [{ Sid: "ReadData", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/*"], Condition: conditions }]);
    assert.deepEqual(resources.ofType("aws:lambda/functionUrl:FunctionUrl"), []);
    assert.equal(await valueOf(result.url), undefined);
  });

  const bad: [string, Partial<GoLambdaFunctionArgs>, RegExp][] = [
    ["goVersion 1.x", { goVersion: "1.x" }, /GoLambdaFunction: invalid goVersion "1\.x"/],
    ["goVersion go1.19", { goVersion: "go1.19" }, /GoLambdaFunction: invalid goVersion "go1\.19"/],
    ["goVersion below the floor", { goVersion: "1.26.8" }, /invalid goVersion "1\.26\.8"; it is below the 1\.26 patch floor 1\.26\.11/],
    ["memory 64", { memorySize: 64 }, /GoLambdaFunction: invalid memorySize 64; expected an integer at least 128 and at most 10240/],
    ["timeout 0", { timeout: 0 }, /GoLambdaFunction: invalid timeout 0; expected an integer at least 1 and at most 900/],
    ["missing source dir", { source: "/nonexistent" }, /GoLambdaFunction: invalid source "\/nonexistent"; expected an existing directory/],
    ["source dir without go.mod", { source: path.join(repo, "bench") }, /GoLambdaFunction: invalid source ".*bench"; expected a Go module directory, but it has no go\.mod/],
    ["reserved environment name", { environment: { AWS_REGION: "x" } }, /GoLambdaFunction: invalid environment "AWS_REGION"; expected a variable name/],
    ["reserved AWS_LAMBDA_ name", { environment: { AWS_LAMBDA_RUNTIME_API: "x" } }, /GoLambdaFunction: invalid environment "AWS_LAMBDA_RUNTIME_API"/],
    ["one-letter environment name", { environment: { X: "x" } }, /GoLambdaFunction: invalid environment "X"; expected a variable name of 2 or more/],
    ["wildcard action", { policyStatements: [{ effect: "Allow", actions: ["s3:*"], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.actions "s3:\*"; expected named actions/],
    ["partial wildcard action", { policyStatements: [{ actions: ["iam:Pass*"], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.actions "iam:Pass\*"; expected named actions/],
    ["a wildcard in a later statement", { policyStatements: [{ actions: ["s3:GetObject"], resources: ["*"] }, { actions: ["s3:Get?bject"], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[1\]\.actions "s3:Get\?bject"; expected named actions/],
    ["NotAction", { policyStatements: [{ NotAction: ["s3:GetObject"], resources: ["*"] } as never] }, /GoLambdaFunction: invalid policyStatements\[0\]\.NotAction \["s3:GetObject"\]; no such field; expected only the fields sid, effect, actions, resources, conditions; NotAction and NotResource are not offered/],
    ["the old IAM-cased statement", { policyStatements: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" } as never] }, /GoLambdaFunction: invalid policyStatements\[0\]\.Effect "Allow"; no such field; expected only the fields/],
    ["a statement without actions", { policyStatements: [{ actions: [], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.actions \[\]; expected a non-empty list of named actions/],
    ["a statement without resources", { policyStatements: [{ actions: ["s3:GetObject"] } as never] }, /GoLambdaFunction: invalid policyStatements\[0\]\.resources undefined; expected a non-empty list of resource ARNs/],
    ["an action that is not a plain string", { policyStatements: [{ actions: [42 as never], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.actions "42"; expected actions as plain strings, known at preview/],
    ["an unknown effect", { policyStatements: [{ effect: "Maybe" as never, actions: ["s3:GetObject"], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.effect "Maybe"; expected one of Allow, Deny/],
    ["an unknown functionUrl.authorization", { functionUrl: { authorization: "OPEN" as never } }, /GoLambdaFunction: invalid functionUrl\.authorization "OPEN"; expected one of AWS_IAM, NONE/],
    ["functionUrl.authorization with enabled false", { functionUrl: { enabled: false, authorization: "NONE" } }, /GoLambdaFunction: invalid functionUrl\.authorization "NONE"; expected no authorization when functionUrl\.enabled is false/],
    ["the old functionUrl: true", { functionUrl: true as never }, /GoLambdaFunction: invalid functionUrl true; expected \{ enabled\?, authorization\? \}/],
    ["arch", { arch: "386" as never }, /GoLambdaFunction: invalid arch "386"; expected one of arm64, amd64/],
    ["log retention", { logRetentionDays: 8 }, /GoLambdaFunction: invalid logRetentionDays 8; expected one of 1, 3, 5/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects ${what} before creating anything`, async () => {
      const { error, resources } = await failureUnderMocks(make(args), lambdaMocks);
      assert.match(error.message, message);
      assert.deepEqual(resources.all, []);
    });
  }

  describe("issue 18", () => {
    const own = (args: Record<string, unknown>) => () => checkGoLambdaFunctionArgs({ source, asOf, ...args });
    const refused = async (args: Record<string, unknown>, message: RegExp) => {
      assert.throws(own(args), message);
      const { error, resources } = await failureUnderMocks(make(args), lambdaMocks);
      assert.match(error.message, /^GoLambdaFunction: invalid /);
      assert.deepEqual(resources.all, []);
    };

    it("refuses buildTags as a string instead of splitting it into characters, naming buildTags (issue 18, kinds 2 and 7)", async () => {
      await refused({ buildTags: "netgo,osusergo" }, /^ArgumentError: GoLambdaFunction: invalid buildTags "netgo,osusergo"; expected a list of build tags/);
    });

    it("names a bad build tag as buildTags[i], not the build helper's tags (issue 18, kind 7)", async () => {
      await refused({ buildTags: ["netgo", "bad tag"] }, /GoLambdaFunction: invalid buildTags\[1\] "bad tag"; expected a build tag of letters/);
    });

    it("refuses a goVersion given as a number (issue 18, kind 2)", async () => {
      await refused({ goVersion: 1.27 }, /GoLambdaFunction: invalid goVersion 1\.27; expected a Go release such as "1\.27\.4"/);
    });

    it("refuses codeSigning \"false\" (a string from stack config) instead of reading it as true (issue 18, kind 2)", async () => {
      await refused({ codeSigning: "false" }, /GoLambdaFunction: invalid codeSigning "false"; expected true or false/);
    });

    it("refuses environment and tags given as strings or with non-string values, never showing a value (issue 18, kind 2)", async () => {
      await refused({ environment: "LOG_LEVEL=info" }, /GoLambdaFunction: invalid environment "string"; expected a map of variable names/);
      await refused({ environment: { LOG_LEVEL: 3 } }, /GoLambdaFunction: invalid environment\.LOG_LEVEL \(a secret, not shown\); expected a string value/);
      await refused({ tags: "team=payments" }, /GoLambdaFunction: invalid tags "team=payments"; expected a map of tag keys/);
      await refused({ tags: { "aws:owner": "me" } }, /GoLambdaFunction: invalid tags "aws:owner"; expected tag keys of 1-128 characters, not starting with "aws:"/);
    });

    it("refuses a source, package or asOf of the wrong type with the argument named, not a raw TypeError (issue 18, kinds 2 and 7)", async () => {
      await refused({ source: 42 }, /GoLambdaFunction: invalid source 42; expected the path of an existing directory/);
      await refused({ package: ["./cmd"] }, /GoLambdaFunction: invalid package \["\.\/cmd"\]; expected a package path inside source/);
      await refused({ asOf: 20261123 }, /GoLambdaFunction: invalid asOf 20261123; expected a day as YYYY-MM-DD/);
      await refused({ asOf: "2026-13-01" }, /GoLambdaFunction: invalid asOf "2026-13-01"; expected a day as YYYY-MM-DD/);
    });

    it("refuses memory and timeout outside Lambda's quotas (issue 18, kind 4)", async () => {
      await refused({ memorySize: 10241 }, /GoLambdaFunction: invalid memorySize 10241; expected an integer at least 128 and at most 10240/);
      await refused({ memorySize: "512" }, /GoLambdaFunction: invalid memorySize "512"; expected an integer/);
      await refused({ timeout: 901 }, /GoLambdaFunction: invalid timeout 901; expected an integer at least 1 and at most 900/);
    });

    it("refuses a statement's bad sid, resource or condition values with their path (issue 18, kind 2)", async () => {
      await refused({ policyStatements: [{ sid: "read-all", actions: ["s3:GetObject"], resources: ["*"] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.sid "read-all"; expected a statement id of letters and digits/);
      await refused({ policyStatements: [{ actions: ["s3:GetObject"], resources: [42] }] }, /GoLambdaFunction: invalid policyStatements\[0\]\.resources\[0\] 42; expected a resource ARN/);
      await refused(
        { policyStatements: [{ actions: ["s3:GetObject"], resources: ["*"], conditions: { StringEquals: { "aws:ResourceAccount": "123456789012" } } }] },
        /GoLambdaFunction: invalid policyStatements\[0\]\.conditions\.StringEquals\.aws:ResourceAccount "123456789012"; expected a non-empty list of string values/,
      );
    });
  });
});
