import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { checkAsOf } from "../../../components/days";
import { resolveGoBuild } from "../../../components/go/build";
import {
  KUBERNETES_GO_TOOLCHAINS,
  KubernetesSupportTable,
  checkKubernetesVersion,
  defaultKubernetesVersion,
  kubernetesGoToolchain,
  kubernetesReleases,
  supportedKubernetesVersions,
  type KubernetesMinorSupport,
} from "../../../components";
import { formatGoVersion, goReleases } from "../../../components/go";
import releaseData from "../../../components/cluster/kubernetes-releases.json";

const TODAY = "2026-12-02";
const CLOUDS = ["aws", "gcp", "azure"] as const;
const at = (day: string, extendedSupport = false) => ({ day, extendedSupport });

describe("Kubernetes versions", () => {
  it("carry, for every minor on every cloud, its dates (or a note saying why not) and the cloud's sources with the day they were read", () => {
    for (const cloud of CLOUDS) {
      const data = releaseData.clouds[cloud];
      assert.ok(data.sources.length > 0, cloud);
      for (const source of data.sources) {
        assert.match(source.url, /^https:\/\//, `${cloud} source`);
        assert.match(source.read, /^\d{4}-\d{2}-\d{2}$/, `${cloud} ${source.url} read`);
      }
      for (const row of kubernetesReleases.minors(cloud)) {
        assert.ok(row.available !== null || (row.note ?? "").length > 40, `${cloud} ${row.minor}: no date and no note`);
      }
      // Every minor a new cluster could use today is dated.
      for (const minor of supportedKubernetesVersions(cloud, TODAY, true)) assert.ok(kubernetesReleases.support(cloud, minor)?.available, `${cloud} ${minor}`);
    }
    assert.equal(kubernetesReleases.asOf, TODAY);
  });

  it("judge a minor on a day: standard, then extended (EKS 1.34 leaves standard support on 2026-12-02), then retired", () => {
    assert.equal(kubernetesReleases.status("aws", "1.34", "2026-12-01"), "standard");
    assert.equal(kubernetesReleases.status("aws", "1.34", "2026-12-02"), "extended");
    assert.equal(kubernetesReleases.status("aws", "1.34", "2027-12-02"), "retired");
    assert.equal(kubernetesReleases.status("aws", "1.36", "2026-06-01"), "unavailable");
    assert.equal(kubernetesReleases.status("aws", "1.37", TODAY), "unavailable");
    assert.deepEqual(supportedKubernetesVersions("aws", TODAY), ["1.36", "1.35"]);
    assert.deepEqual(supportedKubernetesVersions("aws", TODAY, true), ["1.36", "1.35", "1.34", "1.33", "1.32"]);
    assert.deepEqual(supportedKubernetesVersions("gcp", TODAY, true), ["1.36", "1.35", "1.34", "1.33", "1.32"]);
    assert.deepEqual(supportedKubernetesVersions("azure", TODAY, true), ["1.36", "1.35", "1.34", "1.33", "1.32"]);
  });

  it("default to the newest minor in standard support on all three clouds that day, moving with asOf", () => {
    // AKS had no 1.35 before 2026-03-05; EKS had no 1.36 before 2026-06-02, AKS none before 2026-06-30.
    assert.equal(defaultKubernetesVersion("2026-03-04"), "1.34");
    assert.equal(defaultKubernetesVersion("2026-03-05"), "1.35");
    assert.equal(defaultKubernetesVersion("2026-06-29"), "1.35");
    assert.equal(defaultKubernetesVersion("2026-06-30"), "1.36");
    assert.equal(defaultKubernetesVersion(TODAY), "1.36");
    // The default is in standard support on every cloud on every day the table may judge.
    for (let t = Date.parse("2026-03-05T00:00:00Z"); t <= Date.parse("2027-03-02T00:00:00Z"); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const minor = defaultKubernetesVersion(day);
      for (const cloud of CLOUDS) assert.equal(kubernetesReleases.status(cloud, minor, day), "standard", `${day} ${cloud} ${minor}`);
    }
  });

  it("move the default off a minor once its standard support ends on any cloud", () => {
    const row = (minor: string, available: string, end: string, ext: string | null = null): KubernetesMinorSupport => ({ minor, available, endOfStandardSupport: end, endOfExtendedSupport: ext });
    // 1.35 ends early on GKE in this table; 1.34 outlives it everywhere.
    const table = new KubernetesSupportTable(
      {
        aws: [row("1.34", "2025-10-06", "2027-12-02"), row("1.35", "2026-01-28", "2027-03-27")],
        gcp: [row("1.34", "2025-09-30", "2027-12-02"), row("1.35", "2026-02-11", "2026-12-02", "2027-06-01")],
        azure: [row("1.34", "2026-01-04", "2027-12-02"), row("1.35", "2026-03-05", "2027-03-31")],
      },
      "2026-11-01",
    );
    assert.equal(defaultKubernetesVersion("2026-12-01", table), "1.35");
    assert.equal(defaultKubernetesVersion("2026-12-02", table), "1.34");
    assert.throws(() => checkKubernetesVersion("X", "gcp", "1.35", at("2026-12-02"), "kubernetesVersion", table), /standard support for 1\.35 ended 2026-12-02; expected a Kubernetes minor in GKE standard support on 2026-12-02: 1\.34/);
  });

  it("refuse a minor past standard support, naming kubernetesVersion, the end date, the alternatives and the opt-in", () => {
    assert.equal(checkKubernetesVersion("X", "aws", "1.34", at("2026-12-01")), "1.34");
    assert.throws(
      () => checkKubernetesVersion("EksCluster", "aws", "1.34", at(TODAY)),
      (e: Error) =>
        e.message ===
        'EksCluster: invalid kubernetesVersion "1.34"; EKS standard support for 1.34 ended 2026-12-02; expected a Kubernetes minor in EKS standard support on 2026-12-02: 1.36, 1.35 (or opt in to extended support, until 2027-12-02, with supportType "EXTENDED" (EKS extended support, charged per cluster hour))',
    );
    assert.equal(checkKubernetesVersion("X", "aws", "1.34", at(TODAY, true)), "1.34");
    assert.throws(() => checkKubernetesVersion("GkeCluster", "gcp", "1.34", at(TODAY)), /^ArgumentError: GkeCluster: invalid kubernetesVersion "1\.34"; GKE standard support for 1\.34 ended 2026-10-01; .*: 1\.36, 1\.35 \(or opt in to the Extended channel, until 2027-09-30, with releaseChannel "EXTENDED"/);
    assert.throws(() => checkKubernetesVersion("AksCluster", "azure", "1.34", at(TODAY)), /AKS standard support for 1\.34 ended 2026-11-30; .* with longTermSupport true \(AKS LTS: Premium tier, supportPlan AKSLongTermSupport\)\)$/);
    assert.equal(checkKubernetesVersion("X", "azure", "1.34", at(TODAY, true)), "1.34");
    // Past extended support: refused even with the opt-in.
    assert.throws(() => checkKubernetesVersion("X", "aws", "1.31", at(TODAY, true)), /^ArgumentError: X: invalid kubernetesVersion "1\.31"; EKS support for 1\.31 ended 2026-11-26; expected a Kubernetes minor in EKS standard support on 2026-12-02: 1\.36, 1\.35, or in extended support: 1\.34, 1\.33, 1\.32$/);
    // Not dated in the table, a patch version, not a version.
    assert.throws(() => checkKubernetesVersion("X", "aws", "1.37", at(TODAY)), /invalid kubernetesVersion "1\.37"; goplatform's table \(from 2026-12-02\) has no EKS release date for 1\.37; expected .*: 1\.36, 1\.35$/);
    assert.throws(() => checkKubernetesVersion("X", "azure", "1.34.2", at(TODAY)), /invalid kubernetesVersion "1\.34\.2"; expected a Kubernetes minor in AKS standard support/);
    assert.throws(() => checkKubernetesVersion("X", "gcp", "1.20", at(TODAY)), /invalid kubernetesVersion "1\.20"; goplatform's table/);
  });

  it("fail closed on a table older than 90 days, saying to update goplatform", () => {
    assert.equal(defaultKubernetesVersion("2027-03-02"), "1.36");
    assert.throws(() => defaultKubernetesVersion("2027-03-03"), /^RangeError: goplatform's Kubernetes support table is from 2026-12-02, 91 days before 2027-03-03 \(limit 90\): .* Update goplatform/);
    assert.throws(() => checkKubernetesVersion("EksCluster", "aws", "1.36", at("2027-03-03")), /^ArgumentError: EksCluster: invalid asOf "2027-03-03"; goplatform's Kubernetes support table is from 2026-12-02, 91 days/);
    assert.equal(checkKubernetesVersion("EksCluster", "aws", "1.36", at("2027-03-02")), "1.36");
  });

  it("map each Kubernetes minor to the Go toolchains it was built with (from k8s.io/kubernetes on the Go module proxy)", () => {
    const row = kubernetesGoToolchain("1.33.4");
    assert.ok(row);
    assert.equal(formatGoVersion(row.goDirective), "1.24.0");
    assert.equal(formatGoVersion(row.initial.go), "1.24.2");
    assert.equal(formatGoVersion(row.latestChecked.go), "1.25.11");
    assert.deepEqual(row.goLines, ["1.24", "1.25"]);
    assert.deepEqual(
      KUBERNETES_GO_TOOLCHAINS.map((r) => [r.kubernetes, formatGoVersion(r.initial.go)]),
      [["1.31", "1.22.5"], ["1.32", "1.23.3"], ["1.33", "1.24.2"], ["1.34", "1.24.6"], ["1.35", "1.25.5"], ["1.36", "1.26.2"], ["1.37", "1.26.6"]],
    );
    assert.equal(kubernetesGoToolchain("1.20"), undefined);
  });

  it("know the Go toolchain of every minor in the support table", () => {
    for (const cloud of CLOUDS) {
      for (const { minor } of kubernetesReleases.minors(cloud)) assert.ok(kubernetesGoToolchain(minor), `${cloud} ${minor}: no KUBERNETES_GO_TOOLCHAINS row`);
    }
  });

  it("name Go releases the shipped Go release table knows", () => {
    for (const row of KUBERNETES_GO_TOOLCHAINS) {
      for (const go of [row.initial.go, row.latestChecked.go]) {
        const data = goReleases.line(`${go.major}.${go.minor}`);
        // The table starts at Go 1.21, so every line Kubernetes 1.31+ used is in it.
        assert.ok(data, `${row.kubernetes}: Go line ${go.major}.${go.minor} missing from the release table`);
        assert.ok(data.patches.some((p) => p.version === formatGoVersion(go)), `${row.kubernetes}: ${formatGoVersion(go)} is not a Go release in the table`);
      }
    }
  });

  it("refuse a malformed table", () => {
    const ok: KubernetesMinorSupport = { minor: "1.35", available: "2026-01-28", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" };
    const make = (aws: KubernetesMinorSupport[]) => () => new KubernetesSupportTable({ aws, gcp: [], azure: [] }, TODAY);
    assert.doesNotThrow(make([ok]));
    assert.throws(make([ok, ok]), /aws 1\.35: expected each minor once/);
    assert.throws(make([{ ...ok, endOfStandardSupport: null }]), /both dates or both null/);
    assert.throws(make([{ ...ok, endOfExtendedSupport: "2027-01-01" }]), /extended support must end after standard support/);
    assert.throws(make([{ ...ok, available: "2026-13-01" }]), /invalid date "2026-13-01"/);
  });

  it("refuses an asOf before the tables can judge it, or one not known when the component is created, naming asOf", () => {
    assert.throws(() => checkAsOf("EksCluster", "2000-01-01", "asOf", kubernetesReleases.coversFrom()), /^ArgumentError: EksCluster: invalid asOf "2000-01-01"; expected a day from \d{4}-\d{2}-\d{2}, the first day goplatform's table judges$/);
    assert.throws(() => resolveGoBuild({ source: ".", asOf: "2000-01-01" }, "GoLambdaFunction"), /^ArgumentError: GoLambdaFunction: invalid asOf "2000-01-01"; expected a day from /);
    assert.throws(() => checkAsOf("GkeCluster", pulumi.output("2026-12-02")), /^ArgumentError: GkeCluster: invalid asOf \(an output, not known when the component is created\); expected a day known when the component is created/);
  });
});

