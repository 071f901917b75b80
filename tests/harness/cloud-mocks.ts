/**
 * What each cloud answers the cluster components with under mocks: the outputs of the
 * resources they read back and the results of the provider functions they call. Shared
 * by the cluster tests and the argument property test (tests/unit/arg-validation.property.test.ts).
 */
import { AKS_USER_KUBECONFIG } from "./aks-answers";
import type { MockOptions } from "./mocks";

export const EKS_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123";

// What AWS would return for the outputs and provider functions the component reads.
export const awsMocks: MockOptions = {
  // The region getRegion answers below; set, so that an AWS_REGION of the machine running the tests does not count.
  config: { "aws:region": "eu-west-1" },
  outputs: (args) => {
    const inputs = args.inputs as { name?: string };
    return {
      arn: `arn:aws:mock:::${args.type}/${args.name}`,
      name: inputs.name ?? `${args.name}-abc123`,
      ...(args.type === "aws:eks/cluster:Cluster"
        ? {
            endpoint: "https://ABC123.gr7.eu-west-1.eks.amazonaws.com",
            certificateAuthority: { data: "Q0EtREFUQQ==" },
            identities: [{ oidcs: [{ issuer: EKS_ISSUER }] }],
            vpcConfig: { ...(args.inputs as { vpcConfig: object }).vpcConfig, clusterSecurityGroupId: "sg-0eks1cluster" },
          }
        : {}),
      ...(args.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" ? { arn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123" } : {}),
      ...(args.type === "aws:ec2/launchTemplate:LaunchTemplate" ? { latestVersion: 3 } : {}),
      ...(args.type === "aws:s3/bucket:Bucket" ? { bucket: `${args.name}-bucket-1a2b`, arn: `arn:aws:s3:::${args.name}-bucket-1a2b` } : {}),
    };
  },
  calls: (args) => {
    const inputs = args.inputs as Record<string, unknown>;
    switch (args.token) {
      case "aws:index/getRegion:getRegion":
        return { region: "eu-west-1", name: "eu-west-1" };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        // eu-west-1b is impaired today: a state filter would leave it out and shift the subnets.
        return { names: inputs.state === "available" ? ["eu-west-1a", "eu-west-1c", "eu-west-1d"] : ["eu-west-1c", "eu-west-1a", "eu-west-1d", "eu-west-1b"], zoneIds: [] };
      case "aws:eks/getAddonVersion:getAddonVersion":
        // Only a mostRecent lookup gets the compatible version; anything else would show in the assertions.
        return { ...inputs, version: inputs.mostRecent === true ? `v-${String(inputs.addonName)}-for-${String(inputs.kubernetesVersion)}-eksbuild.1` : "not-most-recent" };
      default:
        return undefined;
    }
  },
};

export const gcpMocks: MockOptions = {
  config: { "gcp:project": "acme-prod", "gcp:region": "europe-west1" },
  outputs: (args) => {
    const inputs = args.inputs as { name?: string; accountId?: string; project?: string };
    return {
      name: inputs.name ?? `${args.name}-5f3e`,
      ...(args.type === "gcp:serviceaccount/account:Account" ? { email: `${String(inputs.accountId)}@${String(inputs.project)}.iam.gserviceaccount.com`, name: `projects/${String(inputs.project)}/serviceAccounts/${String(inputs.accountId)}` } : {}),
      ...(args.type === "gcp:container/cluster:Cluster" ? {
            endpoint: "10.10.0.2",
            masterVersion: "1.34.1-gke.1829001",
            masterAuth: { clusterCaCertificate: "R0tFLUNB" },
            controlPlaneEndpointsConfig: { dnsEndpointConfig: { ...((args.inputs as { controlPlaneEndpointsConfig?: { dnsEndpointConfig?: object } }).controlPlaneEndpointsConfig?.dnsEndpointConfig ?? {}), endpoint: "gke-0a1b2c3d4e5f-123456789012.europe-west1.gke.goog" } },
          } : {}),
    };
  },
  calls: (args) => (args.token === "gcp:organizations/getProject:getProject" ? { projectId: (args.inputs as { projectId?: string }).projectId, number: "123456789012" } : undefined),
};

export const AKS_ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant-1/cluster-1/";
export const AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const AZURE_DEPLOYER = "11111111-2222-3333-4444-555555555555";

export const azureMocks: MockOptions = {
  outputs: (args) => {
    const inputs = args.inputs as { resourceName?: string; accountName?: string; resourceGroupName?: string };
    const name = inputs.resourceName ?? (args.type === "azure-native:storage:StorageAccount" ? inputs.accountName : undefined) ?? `${args.name}-8d2c`;
    return {
      name,
      id: `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/${String(inputs.resourceGroupName)}/providers/${args.type}/${name}`,
      ...(args.type === "azure-native:containerservice:ManagedCluster" ? { oidcIssuerProfile: { enabled: true, issuerURL: AKS_ISSUER } } : {}),
      ...(args.type === "azure-native:managedidentity:UserAssignedIdentity" ? { clientId: `client-${args.name}`, principalId: `principal-${args.name}` } : {}),
    };
  },
  calls: (args) => {
    const inputs = args.inputs as Record<string, unknown>;
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return { subscriptionId: AZURE_SUBSCRIPTION, tenantId: "tenant-1", clientId: "c", objectId: AZURE_DEPLOYER };
      case "azure-native:containerservice:listManagedClusterUserCredentials":
        // Only the exec (kubelogin) format is what an Entra ID cluster without local accounts can use.
        return inputs.format === "exec" && inputs.resourceName === "prod" ? { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(AKS_USER_KUBECONFIG).toString("base64") }] } : { kubeconfigs: [] };
      default:
        return undefined;
    }
  },
};

// GoCloudRunService, a preview: the image digest is computed locally, nothing is pushed.
export const cloudRunMocks: MockOptions = {
  preview: true,
  outputs: (args) => ({
    ...(args.type === "gcp:serviceaccount/account:Account" ? { email: "hello-run@proj.iam.gserviceaccount.com" } : {}),
    ...(args.type === "gcp:artifactregistry/repository:Repository" ? { project: "proj" } : {}),
    ...(args.type === "gcp:cloudrunv2/service:Service" ? { uri: "https://hello-abc-ew.a.run.app", name: "hello" } : {}),
    ...(args.type === "docker:index/image:Image" ? { repoDigest: `europe-west1-docker.pkg.dev/proj/hello-images/hello@sha256:${"d".repeat(64)}` } : {}),
  }),
  calls: (args) => (args.token === "gcp:organizations/getClientConfig:getClientConfig" ? { accessToken: "ya29.mock", project: "proj" } : undefined),
};

// GoLambdaFunction: what AWS would return for the outputs the component reads.
export const lambdaMocks: MockOptions = {
  outputs: (args) => ({
    arn: `arn:aws:mock:::${args.type}/${args.name}`,
    name: (args.inputs as { name?: string }).name ?? `${args.name}-abc123`,
    ...(args.type === "aws:signer/signingProfile:SigningProfile" ? { versionArn: `arn:aws:signer:::/signing-profiles/${args.name}/v1` } : {}),
    ...(args.type === "aws:s3/bucketObjectv2:BucketObjectv2" ? { versionId: "v1" } : {}),
    ...(args.type === "aws:signer/signingJob:SigningJob" ? { signedObjects: [{ s3s: [{ bucket: "artifacts-bucket", key: "signed/hello/job-1.zip" }] }] } : {}),
    ...(args.type === "aws:lambda/functionUrl:FunctionUrl" ? { functionUrl: "https://abc.lambda-url.eu-west-1.on.aws/" } : {}),
  }),
};
