import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import { checkResources, goplatformPolicies, kubernetesVersionPolicies, UNKNOWN, type PolicyConfig, type ResourceToCheck } from "../../policies/index";
import { runUnderMocks } from "../harness/mocks";

const TODAY = "2026-12-02";
const day = (asOf: string, extra: Record<string, unknown> = {}): PolicyConfig => ({
  "kubernetes-version-supported": { asOf, ...extra },
  "kubernetes-version-support-ending": { asOf, ...extra },
});
const lines = async (resources: ResourceToCheck[], config: PolicyConfig = day(TODAY)) =>
  (await checkResources(resources, config, kubernetesVersionPolicies)).map((v) => `${v.policyName} ${v.enforcementLevel} ${v.urn?.split("::").at(-1) ?? ""}: ${v.message}`);
const eks = (version: unknown, supportType?: string): ResourceToCheck => ({ type: "aws:eks/cluster:Cluster", name: "eks", props: { version, ...(supportType === undefined ? {} : { upgradePolicy: { supportType } }) } });
const gke = (minMasterVersion: unknown, channel = "REGULAR", nodeVersion?: string): ResourceToCheck => ({
  type: "gcp:container/cluster:Cluster",
  name: "gke",
  props: { minMasterVersion, releaseChannel: { channel }, ...(nodeVersion === undefined ? {} : { nodeVersion }) },
});
// LTS is the plan on the Premium tier: the plan alone does not enrol a cluster.
const aks = (kubernetesVersion: unknown, supportPlan?: string, tier = "Premium"): ResourceToCheck => ({
  type: "azure-native:containerservice:ManagedCluster",
  name: "aks",
  props: { kubernetesVersion, sku: { name: "Base", tier }, ...(supportPlan === undefined ? {} : { supportPlan }) },
});

describe("policies: Kubernetes version rules", function () {
  this.timeout(600_000);

  it("are in the catalog", () => {
    const names = goplatformPolicies.map((p) => p.name);
    assert.ok(names.includes("kubernetes-version-supported"));
    assert.ok(names.includes("kubernetes-version-support-ending"));
  });

  it("flag a plain aws.eks.Cluster on a minor past standard support, and stay quiet on a supported one", async () => {
    const { resources } = await runUnderMocks(() => {
      const role = "arn:aws:iam::123456789012:role/eks";
      const vpcConfig = { subnetIds: ["subnet-1", "subnet-2"] };
      new aws.eks.Cluster("old", { roleArn: role, vpcConfig, version: "1.34", upgradePolicy: { supportType: "STANDARD" } });
      new aws.eks.Cluster("current", { roleArn: role, vpcConfig, version: "1.36", upgradePolicy: { supportType: "STANDARD" } });
    });
    const found = (await checkResources(resources.forPolicies(), day(TODAY), kubernetesVersionPolicies)).map((v) => `${v.policyName} ${v.urn?.split("::").at(-1) ?? ""}: ${v.message}`);
    assert.deepEqual(found, [
      'kubernetes-version-supported old: version "1.34" runs Kubernetes 1.34 on EKS, whose standard support ended 2026-12-02 (extended support until 2027-12-02; extended support is not allowed here (allowExtendedSupport)): move to 1.36 or 1.35 (in EKS standard support on 2026-12-02).',
    ]);
    // A day earlier 1.34 was still in standard support: only the advisory speaks.
    const before = (await checkResources(resources.forPolicies(), day("2026-12-01"), kubernetesVersionPolicies)).map((v) => `${v.policyName} ${v.enforcementLevel} ${v.urn?.split("::").at(-1) ?? ""}`);
    assert.deepEqual(before, ["kubernetes-version-support-ending advisory old"]);
  });

  it("judge GKE's minMasterVersion and nodeVersion and AKS's kubernetesVersion, patch versions included", async () => {
    assert.deepEqual(await lines([gke("1.36.3-gke.1640000"), gke("latest"), aks("1.36"), aks("1.35.7"), eks(undefined), eks(UNKNOWN)]), []);
    assert.deepEqual(await lines([gke("1.35", "REGULAR", "1.34.9-gke.1655001"), aks("1.34.2")]), [
      'kubernetes-version-supported mandatory gke: nodeVersion "1.34.9-gke.1655001" runs Kubernetes 1.34 on GKE, whose standard support ended 2026-10-01 (extended support until 2027-09-30; extended support is not allowed here (allowExtendedSupport)): move to 1.36 or 1.35 (in GKE standard support on 2026-12-02).',
      'kubernetes-version-supported mandatory aks: kubernetesVersion "1.34.2" runs Kubernetes 1.34 on AKS, whose standard support ended 2026-11-30 (extended support until 2027-11-30; extended support is not allowed here (allowExtendedSupport)): move to 1.36 or 1.35 (in AKS standard support on 2026-12-02).',
    ]);
  });

  it("accept extended support only when allowed and the cluster is enrolled; never past it", async () => {
    const allow = day(TODAY, { allowExtendedSupport: true, warnDaysBefore: 0 });
    assert.deepEqual(await lines([eks("1.34", "EXTENDED"), eks("1.34"), gke("1.34", "EXTENDED"), aks("1.34", "AKSLongTermSupport")], allow), []);
    assert.equal((await lines([aks("1.34", "AKSLongTermSupport", "Standard")], allow)).length, 1, "the LTS plan without the Premium tier is not extended support");
    assert.deepEqual(
      (await lines([eks("1.34", "STANDARD"), gke("1.34", "STABLE"), aks("1.34", "KubernetesOfficial"), eks("1.31", "EXTENDED")], allow)).map((l) => l.replace(/:.*runs Kubernetes/, " runs")),
      [
        "kubernetes-version-supported mandatory eks runs 1.34 on EKS, whose standard support ended 2026-12-02 (extended support until 2027-12-02; the cluster is not enrolled in extended support (upgradePolicy.supportType \"EXTENDED\")): move to 1.36 or 1.35 (in EKS standard support on 2026-12-02).",
        "kubernetes-version-supported mandatory gke runs 1.34 on GKE, whose standard support ended 2026-10-01 (extended support until 2027-09-30; the cluster is not enrolled in extended support (releaseChannel.channel \"EXTENDED\")): move to 1.36 or 1.35 (in GKE standard support on 2026-12-02).",
        "kubernetes-version-supported mandatory aks runs 1.34 on AKS, whose standard support ended 2026-11-30 (extended support until 2027-11-30; the cluster is not enrolled in extended support (supportPlan \"AKSLongTermSupport\" on the Premium tier)): move to 1.36 or 1.35 (in AKS standard support on 2026-12-02).",
        "kubernetes-version-supported mandatory eks runs 1.31 on EKS, whose support ended 2026-11-26: move to 1.36 or 1.35 (in EKS standard support on 2026-12-02).",
      ],
    );
  });

  it("refuse a minor the table does not date, and a value that names no minor", async () => {
    assert.deepEqual(await lines([aks("1.37"), eks("one-point-thirty")]), [
      "kubernetes-version-supported mandatory aks: kubernetesVersion \"1.37\" runs Kubernetes 1.37 on AKS, which goplatform's Kubernetes support table (from 2026-12-02) does not show AKS offering on 2026-12-02: move to 1.36 or 1.35 (in AKS standard support on 2026-12-02), or update goplatform if AKS has added it.",
      'kubernetes-version-supported mandatory eks: version "one-point-thirty" names no Kubernetes minor; expected a version such as "1.36".',
    ]);
  });

  it("advise warnDaysBefore days before the support relied on ends", async () => {
    // EKS 1.35's standard support ends 2027-03-27: 115 days after 2026-12-02.
    assert.deepEqual(await lines([eks("1.35")], day(TODAY, { warnDaysBefore: 114 })), []);
    assert.deepEqual(await lines([eks("1.35")], day(TODAY, { warnDaysBefore: 115 })), [
      'kubernetes-version-support-ending advisory eks: version "1.35" runs Kubernetes 1.35 on EKS, whose standard support ends 2027-03-27 (115 days after 2026-12-02): upgrade to 1.36 before then.',
    ]);
    // Default window 60 days: EKS 1.34 on 2026-11-01 (31 days left) is advised, 1.35 is not.
    assert.deepEqual((await lines([eks("1.34"), eks("1.35")], day("2026-11-01"))).map((l) => l.split(":")[0]), ["kubernetes-version-support-ending advisory eks"]);
    // With extended support allowed and enrolled, the extended end is what counts.
    assert.deepEqual(await lines([eks("1.32", "EXTENDED")], day(TODAY, { allowExtendedSupport: true, warnDaysBefore: 120 })), [
      'kubernetes-version-support-ending advisory eks: version "1.32" runs Kubernetes 1.32 on EKS, whose extended support ends 2027-03-23 (111 days after 2026-12-02): upgrade to 1.36 or 1.35 before then.',
    ]);
  });

  it("fail closed on a support table older than maxTableAgeDays", async () => {
    assert.deepEqual(await lines([eks("1.36")], { "kubernetes-version-supported": { asOf: "2027-03-02" } }), []);
    const stale = await lines([eks("1.36")], { "kubernetes-version-supported": { asOf: "2027-03-03" } });
    assert.equal(stale.length, 1);
    assert.match(stale[0] ?? "", /^kubernetes-version-supported mandatory eks: version "1\.36": goplatform's Kubernetes support table is from 2026-12-02, 91 days before 2027-03-03 \(limit 90\): .*Update goplatform/);
    assert.deepEqual(await lines([eks("1.36")], { "kubernetes-version-supported": { asOf: "2027-03-03", maxTableAgeDays: 91 } }), []);
  });

  it("reports an asOf that is no day instead of throwing, and judges nothing more with a stale table", async () => {
    assert.deepEqual(await lines([eks("1.36")], { "kubernetes-version-supported": { asOf: "2026-02-30" } }), [
      'kubernetes-version-supported mandatory eks: policy config asOf "2026-02-30": asOf: invalid date "2026-02-30"; expected a YYYY-MM-DD string such as "2026-11-23".',
    ]);
    const stale = await lines([eks("1.36")], { "kubernetes-version-supported": { asOf: "2027-07-30" }, "kubernetes-version-support-ending": { asOf: "2027-07-30" } });
    assert.deepEqual(stale.map((l) => l.split(" ")[0]), ["kubernetes-version-supported"], "only the mandatory rule speaks about a stale table");
  });
});
