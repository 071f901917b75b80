// Every example stack under stacks/ runs under mocks and passes the policy pack.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { checkResources, clusterKubernetesVersions, type PolicyConfig } from "../../policies/index";
import { program } from "../../stacks/program";
import { runUnderMocks, type MockOptions } from "../harness/mocks";
import { AKS_USER_KUBECONFIG } from "../harness/aks-answers";

// Provider functions the cluster components call, answered as the clouds would.
const calls: MockOptions["calls"] = (args) => {
  switch (args.token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zoneIds: [] };
    case "aws:index/getRegion:getRegion":
      return { region: "eu-west-1", name: "eu-west-1" };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws" };
    case "azure-native:authorization:getClientConfig":
      return { subscriptionId: "00000000-0000-0000-0000-000000000001", tenantId: "t", clientId: "c", objectId: "o" };
    case "azure-native:containerservice:listManagedClusterUserCredentials":
      return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(AKS_USER_KUBECONFIG).toString("base64") }] };
    default:
      return undefined;
  }
};
const CLUSTERS: Record<string, string> = { "aws-dev": "goplatform:index:EksCluster", "gcp-dev": "goplatform:index:GkeCluster", "azure-dev": "goplatform:index:AksCluster" };
const GO_WORKLOAD_STACKS = ["aws-dev", "gcp-dev"];
const CHAINS_ANNOTATION: Record<string, string> = { "aws-dev": "eks.amazonaws.com/role-arn", "gcp-dev": "iam.gke.io/gcp-service-account", "azure-dev": "azure.workload.identity/client-id" };

/**
 * How the machine running `pulumi up` reaches each cloud stack's API server (the
 * in-cluster components talk to it from there): a public endpoint open to the stack's
 * `goplatform:apiAllowedCidrs` only on EKS and AKS, GKE's IAM-protected DNS endpoint.
 */
const DEPLOYER_ACCESS: Record<string, { type: string; access: (inputs: Record<string, unknown>) => unknown; expected: unknown }> = {
  "aws-dev": {
    type: "aws:eks/cluster:Cluster",
    access: (inputs) => {
      const vpc = inputs.vpcConfig as Record<string, unknown>;
      return { private: vpc.endpointPrivateAccess, public: vpc.endpointPublicAccess, cidrs: vpc.publicAccessCidrs };
    },
    expected: { private: true, public: true, cidrs: ["203.0.113.0/24"] },
  },
  "gcp-dev": {
    type: "gcp:container/cluster:Cluster",
    access: (inputs) => {
      const endpoints = inputs.controlPlaneEndpointsConfig as { dnsEndpointConfig?: { allowExternalTraffic?: boolean } } | undefined;
      const privateConfig = inputs.privateClusterConfig as { enablePrivateEndpoint?: boolean };
      return { privateIpEndpoint: privateConfig.enablePrivateEndpoint, dnsEndpoint: endpoints?.dnsEndpointConfig?.allowExternalTraffic };
    },
    expected: { privateIpEndpoint: true, dnsEndpoint: true },
  },
  "azure-dev": {
    type: "azure-native:containerservice:ManagedCluster",
    access: (inputs) => inputs.apiServerAccessProfile,
    expected: { enablePrivateCluster: false, authorizedIPRanges: ["203.0.113.0/24"] },
  },
};

const stacksDir = path.resolve(__dirname, "..", "..", "..", "stacks");
const fixtures = path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "cosign");

/** The policy pack config a stack is judged with: stacks/policy-config.<stack>.json, if any. */
function policyConfig(stack: string): PolicyConfig {
  const file = path.join(stacksDir, `policy-config.${stack}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PolicyConfig) : {};
}
const mockKubeconfig = path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "kubeconfig-mocks.yaml");
const stacks = readdirSync(stacksDir)
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .map((f) => f.replace(/^Pulumi\.|\.yaml$/g, ""));

describe("example stacks", function () {
  this.timeout(600_000);

  it("include local, aws-dev, gcp-dev and azure-dev", () => {
    for (const stack of ["local", "aws-dev", "gcp-dev", "azure-dev"]) assert.ok(stacks.includes(stack), stacks.join(", "));
  });

  for (const stack of stacks) {
    it(`${stack}: runs under mocks with no mandatory policy violation`, async () => {
      const doc = parse(readFileSync(path.join(stacksDir, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
      const config: Record<string, string> = Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
      // The secrets a real stack sets with `pulumi config set --secret`: a test-only key here.
      // (The local stack keeps the same test key in its file, passphrase-encrypted.)
      const needsKey = CLUSTERS[stack] !== undefined || "goplatform:cosignPrivateKey" in (doc.config ?? {});
      const secretConfig = needsKey ? ["goplatform:cosignPrivateKey", "goplatform:cosignPassword"] : [];
      if (secretConfig.length > 0) {
        config["goplatform:cosignPrivateKey"] = readFileSync(path.join(fixtures, "cosign.key"), "utf8");
        config["goplatform:cosignPassword"] = "test-only";
      }
      // The local stack's control plane (scripts/cluster.sh) does not run under mocks: any kubeconfig file will do.
      if (config["goplatform:kubeconfig"] !== undefined) config["goplatform:kubeconfig"] = mockKubeconfig;
      // As a preview: nothing is pushed or deployed.
      // What AKS answers for a cluster it made (the in-cluster components judge the cluster data once known).
      const outputs = (args: pulumi.runtime.MockResourceArgs) =>
        args.type === "azure-native:containerservice:ManagedCluster" ? { oidcIssuerProfile: { enabled: true, issuerURL: "https://westeurope.oic.prod-aks.azure.com/tenant-1/issuer-1/" } } : undefined;
      const { resources } = await runUnderMocks(program, { stack, config, secretConfig, preview: true, calls, outputs });
      assert.ok(resources.all.some((r) => r.type.startsWith("goplatform:")), "the stack uses goplatform components");
      const asOf = { asOf: "2026-11-23" };
      const violations = await checkResources(resources.forPolicies(), { ...policyConfig(stack), "go-version-supported": asOf, "go-patch-level": asOf });
      assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), []);
      const clusterType = CLUSTERS[stack];
      if (clusterType !== undefined) {
        // Each cloud stack runs its cluster, protected, with Observability, Tekton and signature admission on it.
        assert.equal(resources.one(clusterType).protect, true);
        const reach = DEPLOYER_ACCESS[stack];
        assert.ok(reach !== undefined, `no deployer access expectation for ${stack}`);
        // kubernetes-version-supported (judged above on today's date) had the cloud's own cluster resource to judge.
        assert.ok(clusterKubernetesVersions(reach.type, resources.one(reach.type).inputs).length > 0, `${stack}: no Kubernetes version on ${reach.type}`);
        assert.deepEqual(reach.access(resources.one(reach.type).inputs), reach.expected, "the deployer reaches the API server the in-cluster components are applied through");
        for (const component of ["goplatform:index:Observability", "goplatform:index:Tekton", "goplatform:index:SignatureAdmission"]) resources.one(component);
        // Chains pushes signatures with a cloud identity on its controller's ServiceAccount (goplatform:chainsRegistryPush).
        const chains = resources.one("kubernetes:core/v1:ServiceAccountPatch").inputs.metadata as { name: string; namespace: string; annotations: Record<string, unknown> };
        assert.deepEqual([chains.name, chains.namespace], ["tekton-chains-controller", "tekton-chains"]);
        assert.ok(Object.keys(chains.annotations).includes(CHAINS_ANNOTATION[stack] ?? "none"), JSON.stringify(chains.annotations));
        // The controller rolls to pick the identity up; on AKS its pods also get the workload identity label.
        const rollout = resources.one("kubernetes:apps/v1:DeploymentPatch").inputs.spec as { template: { metadata: { labels: Record<string, string> } } };
        assert.deepEqual(Object.keys(rollout.template.metadata.labels), stack === "azure-dev" ? ["azure.workload.identity/use"] : []);
        // The admission webhook reads signatures from the same repositories with an identity of its own.
        const webhook = resources.one("kubernetes:helm.sh/v3:Release", "signed-images").inputs.values as { webhook: { serviceAccount?: { annotations?: Record<string, unknown> } } };
        assert.ok(Object.keys(webhook.webhook.serviceAccount?.annotations ?? {}).includes(CHAINS_ANNOTATION[stack] ?? "none"), JSON.stringify(webhook.webhook));
      }
      if (GO_WORKLOAD_STACKS.includes(stack)) {
        // The Go workloads record their toolchain, so the policies above had something to judge.
        const recorded = JSON.stringify(resources.all.map((r) => r.inputs));
        assert.match(recorded, /"goplatform\.dev\/go-version":"go1\.27\.4"|"goplatform-go-version":"go1_27_4"/);
      }
    });
  }

  it("refuses an unknown target, naming the config key", async () => {
    await assert.rejects(runUnderMocks(program, { config: { target: "mars" } }), /config goplatform:target: invalid value "mars"; expected one of local, aws, gcp, azure/);
  });
});
