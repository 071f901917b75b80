import { strict as assert } from "node:assert";
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_GO_TOOLCHAINS, SUPPORTED_KUBERNETES_VERSIONS, checkKubernetesVersion, kubernetesGoToolchain } from "../../../components";
import { formatGoVersion, goReleases } from "../../../components/go";

describe("Kubernetes versions", () => {
  it("default to a minor every cloud accepts", () => {
    for (const cloud of ["aws", "gcp", "azure"] as const) assert.ok(SUPPORTED_KUBERNETES_VERSIONS[cloud].includes(DEFAULT_KUBERNETES_VERSION), cloud);
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

  it("refuse a minor the cloud does not offer, naming the argument and the allowed list", () => {
    assert.equal(checkKubernetesVersion("X", "aws", "1.35"), "1.35");
    assert.throws(() => checkKubernetesVersion("X", "gcp", "1.32"), /^ArgumentError: X: invalid kubernetesVersion "1\.32"; expected a Kubernetes minor GKE supports: 1\.33, 1\.34, 1\.35$/);
    assert.throws(() => checkKubernetesVersion("X", "azure", "1.34.2"), /invalid kubernetesVersion "1\.34\.2"/);
  });
});
