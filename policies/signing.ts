/**
 * Signing rules for the platforms that check signatures themselves: Lambda code
 * signing, Binary Authorization on GKE and Cloud Run, and an admission-time
 * signature check on every EKS or AKS cluster of the stack.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { at, isRecord, isUnknown, list, str } from "./resources";
import { policyDocsUrl } from "./docs";

const CLOUD_RUN_TYPES = new Set(["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job"]);

export const lambdaCodeSigning: ResourceValidationPolicy = {
  name: "lambda-code-signing",
  description: "Lambda zip functions run only code signed by an allowed AWS Signer profile: a code signing config that enforces (UntrustedArtifactOnDeployment: Enforce).",
  enforcementLevel: "mandatory",
  displayName: "Lambda code signing enforced",
  severity: "high",
  tags: ["supply-chain", "signing", "lambda"],
  remediationSteps:
    "Create an aws.lambda.CodeSigningConfig for your AWS Signer profile with policies.untrustedArtifactOnDeployment \"Enforce\" and set the function's codeSigningConfigArn to it; GoLambdaFunction does by default.",
  url: policyDocsUrl("lambda-code-signing"),
  validateResource: (args, report) => {
    const props: Record<string, unknown> = args.props;
    if (args.type === "aws:lambda/function:Function") {
      if (str(props.packageType) === "Image" || isUnknown(props.codeSigningConfigArn)) return;
      if (str(props.codeSigningConfigArn) === undefined || props.codeSigningConfigArn === "") {
        report("the function has no code signing config; set codeSigningConfigArn to a config that enforces signatures from your AWS Signer profile (GoLambdaFunction does this by default).");
      }
    } else if (args.type === "aws:lambda/codeSigningConfig:CodeSigningConfig") {
      const setting = at(props, "policies", "untrustedArtifactOnDeployment");
      if (isUnknown(setting)) return;
      if (setting !== "Enforce") {
        report(`untrustedArtifactOnDeployment is ${JSON.stringify(setting ?? "Warn (the default)")}: unsigned or tampered code would still deploy; set policies.untrustedArtifactOnDeployment to "Enforce".`);
      }
    }
  },
};

export const binaryAuthorization: ResourceValidationPolicy = {
  name: "binary-authorization",
  description: "GKE clusters enforce Binary Authorization (PROJECT_SINGLETON_POLICY_ENFORCE) and Cloud Run services and jobs have Binary Authorization on.",
  enforcementLevel: "mandatory",
  displayName: "Binary Authorization on",
  severity: "high",
  tags: ["supply-chain", "signing", "gcp"],
  remediationSteps:
    "On a GKE cluster set binaryAuthorization.evaluationMode to \"PROJECT_SINGLETON_POLICY_ENFORCE\" (GkeCluster does); on a Cloud Run service or job set binaryAuthorization.useDefault to true or name a policy (GoCloudRunService does).",
  url: policyDocsUrl("binary-authorization"),
  validateResource: (args, report) => {
    const props: Record<string, unknown> = args.props;
    if (args.type === "gcp:container/cluster:Cluster") {
      const mode = at(props, "binaryAuthorization", "evaluationMode");
      if (isUnknown(mode)) return;
      if (mode !== "PROJECT_SINGLETON_POLICY_ENFORCE") {
        report(`binaryAuthorization.evaluationMode is ${JSON.stringify(mode ?? "unset (disabled)")}; set it to "PROJECT_SINGLETON_POLICY_ENFORCE" so only attested images run (GkeCluster does).`);
      }
    } else if (CLOUD_RUN_TYPES.has(args.type)) {
      const setting = props.binaryAuthorization;
      if (isUnknown(setting) || isUnknown(at(setting, "policy"))) return;
      const on = at(setting, "useDefault") === true || (str(at(setting, "policy")) ?? "") !== "";
      if (!on) report("binaryAuthorization is off; set binaryAuthorization.useDefault: true (or a named policy) so Cloud Run admits only attested images (GoCloudRunService does).");
    }
  },
};

const ADMISSION_CLUSTERS = /^(aws:eks\/cluster:Cluster|azure-native:containerservice(\/[\w-]+)?:ManagedCluster)$/;
const SIGSTORE_POLICY = /^kubernetes:policy\.sigstore\.dev\/v1(alpha1|beta1)?:ClusterImagePolicy$/;
const KYVERNO_POLICY = /^kubernetes:kyverno\.io\/v1:(ClusterPolicy|Policy)$/;

/** A ClusterImagePolicy with a key or keyless authority, or a Kyverno policy with a verifyImages rule. */
function isSignatureAdmission(type: string, props: Record<string, unknown>): boolean {
  // Not known yet during preview: not a violation.
  if (SIGSTORE_POLICY.test(type)) {
    const authorities = at(props, "spec", "authorities");
    return isUnknown(authorities) || list(authorities).some((a) => isRecord(a) && (a.key !== undefined || a.keyless !== undefined));
  }
  if (KYVERNO_POLICY.test(type)) {
    const rules = at(props, "spec", "rules");
    return isUnknown(rules) || list(rules).some((r) => isUnknown(r) || isUnknown(at(r, "verifyImages")) || list(at(r, "verifyImages")).length > 0);
  }
  return false;
}

export const clusterSignatureAdmission: StackValidationPolicy = {
  name: "cluster-signature-admission",
  description: "A stack with an EKS or AKS cluster also installs an admission-time image signature check (a Sigstore ClusterImagePolicy or a Kyverno verifyImages policy). GKE uses Binary Authorization instead.",
  enforcementLevel: "mandatory",
  displayName: "Signature admission on EKS and AKS",
  severity: "high",
  tags: ["supply-chain", "signing", "kubernetes"],
  remediationSteps:
    "Add goplatform's SignatureAdmission for the cluster in the same stack (a Sigstore policy-controller ClusterImagePolicy with your cosign key), or a Kyverno ClusterPolicy with a verifyImages rule.",
  url: policyDocsUrl("cluster-signature-admission"),
  validateStack: (args, report) => {
    const clusters = args.resources.filter((r) => ADMISSION_CLUSTERS.test(r.type));
    if (clusters.length === 0) return;
    if (args.resources.some((r) => isSignatureAdmission(r.type, r.props as Record<string, unknown>))) return;
    for (const cluster of clusters) {
      report(
        `cluster ${cluster.name} (${cluster.type}) admits unsigned images: the stack has no admission-time signature check; add one in this stack: SignatureAdmission (a Sigstore policy-controller ClusterImagePolicy whose spec.authorities hold your cosign key), or a Kyverno ClusterPolicy with a verifyImages rule.`,
        cluster.urn,
      );
    }
  },
};

export const signingPolicies = { resource: [lambdaCodeSigning, binaryAuthorization], stack: [clusterSignatureAdmission] } as const;
