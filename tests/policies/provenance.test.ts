// SLSA provenance predicates read (v1 and v0.2 field paths), repository URIs normalised,
// and attestations judged — without a registry (tests/integration/provenance.test.ts
// has the registry, the cosign CLI and the policy).
import { strict as assert } from "node:assert";
import type { CosignAttestation } from "../../components/supplychain";
import { judgeProvenance, normaliseRepository, parseSourceUri, slsaProvenanceOf } from "../../components/supplychain/attestation-verify";
import { goplatformPolicies } from "../../policies/index";

const COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const DIGEST = `sha256:${"e".repeat(64)}`;

describe("SLSA provenance: predicates", () => {
  it("v1: runDetails.builder.id, and git sources from buildDefinition.resolvedDependencies with their commit and ref", () => {
    const provenance = slsaProvenanceOf({
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: {
        buildDefinition: {
          externalParameters: { module: "github.com/example/payments" },
          resolvedDependencies: [
            { uri: "git+https://github.com/example/payments", digest: { gitCommit: COMMIT } },
            { uri: "git+https://github.com/Example/tools.git@refs/tags/v1.2.3", digest: { sha1: COMMIT.toUpperCase() } },
            { uri: "oci://cgr.dev/chainguard/go", digest: { sha256: "1".repeat(64) } },
            { uri: "https://proxy.golang.org/golang.org/x/net/@v/v0.30.0.zip", digest: { sha256: "2".repeat(64) } },
          ],
        },
        runDetails: { builder: { id: "https://goplatform.dev/builders/go-image/v1" } },
      },
    });
    assert.deepEqual(provenance, {
      predicateType: "https://slsa.dev/provenance/v1",
      builderId: "https://goplatform.dev/builders/go-image/v1",
      sources: [
        { repository: "github.com/example/payments", uri: "git+https://github.com/example/payments", commit: COMMIT },
        { repository: "github.com/Example/tools", uri: "git+https://github.com/Example/tools.git@refs/tags/v1.2.3", commit: COMMIT, ref: "refs/tags/v1.2.3" },
      ],
    });
  });

  it("v0.2 (Tekton Chains' slsa/v1 format): builder.id, materials[].uri/digest.sha1 and invocation.configSource", () => {
    const provenance = slsaProvenanceOf({
      predicateType: "https://slsa.dev/provenance/v0.2",
      predicate: {
        builder: { id: "https://tekton.dev/chains/v2" },
        materials: [
          { uri: "git+https://github.com/example/payments.git", digest: { sha1: COMMIT } },
          { uri: "oci://cgr.dev/chainguard/go", digest: { sha256: "1".repeat(64) } },
        ],
        invocation: { configSource: { uri: "git+https://github.com/example/pipelines.git@refs/heads/main", digest: { sha1: "a".repeat(40) }, entryPoint: "build.yaml" } },
      },
    });
    assert.deepEqual(provenance, {
      predicateType: "https://slsa.dev/provenance/v0.2",
      builderId: "https://tekton.dev/chains/v2",
      sources: [
        { repository: "github.com/example/payments", uri: "git+https://github.com/example/payments.git", commit: COMMIT },
        { repository: "github.com/example/pipelines", uri: "git+https://github.com/example/pipelines.git@refs/heads/main", commit: "a".repeat(40), ref: "refs/heads/main" },
      ],
    });
  });

  it("the fields are read from their own version's paths only, and other predicates are not provenance", () => {
    // A v0.2-shaped predicate labelled v1 has no v1 builder or dependencies.
    assert.deepEqual(slsaProvenanceOf({ predicateType: "https://slsa.dev/provenance/v1", predicate: { builder: { id: "x" }, materials: [{ uri: "git+https://github.com/a/b", digest: { sha1: COMMIT } }] } }), {
      predicateType: "https://slsa.dev/provenance/v1",
      sources: [],
    });
    assert.equal(slsaProvenanceOf({ predicateType: "https://cosign.sigstore.dev/attestation/v1", predicate: { builder: { id: "x" } } }), undefined);
    assert.deepEqual(slsaProvenanceOf({ predicateType: "https://slsa.dev/provenance/v0.2", predicate: "not an object" }), { predicateType: "https://slsa.dev/provenance/v0.2", sources: [] });
  });

  it("repository URIs: git+, .git, trailing slashes, refs, user info, default ports and scp-style forms give one repository", () => {
    for (const uri of [
      "git+https://github.com/example/payments",
      "https://github.com/example/payments.git",
      "https://github.com/example/payments/",
      "https://GitHub.com:443/example/payments.git/",
      "git+https://github.com/example/payments@refs/heads/main",
      "ssh://git@github.com/example/payments.git",
      "git@github.com:example/payments.git",
      "github.com/example/payments",
    ]) {
      assert.equal(normaliseRepository(uri), "github.com/example/payments", uri);
    }
    assert.deepEqual(parseSourceUri("git+https://github.com/example/payments@refs/tags/v1.2.3"), { repository: "github.com/example/payments", ref: "refs/tags/v1.2.3" });
    assert.equal(normaliseRepository("https://gitlab.example:8443/group/sub/repo.git"), "gitlab.example:8443/group/sub/repo");
    assert.notEqual(normaliseRepository("https://github.com/example/payments-evil"), "github.com/example/payments");
    for (const bad of ["", "payments", "https://github.com", "https://github.com/", "not a url"]) assert.equal(normaliseRepository(bad), undefined, bad);
  });
});

describe("SLSA provenance: judging attestations", () => {
  const statement = (builder: string, repository: string, digest = DIGEST) => ({
    subject: [{ name: "registry.example.com/payments", digest: { sha256: digest.slice("sha256:".length) } }],
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: { runDetails: { builder: { id: builder } }, buildDefinition: { resolvedDependencies: [{ uri: `git+${repository}`, digest: { gitCommit: COMMIT } }] } },
  });
  const attestation = (overrides: Partial<CosignAttestation> = {}): CosignAttestation => ({ format: "bundle", keyVerified: true, statement: statement("https://b", "https://github.com/example/payments"), ...overrides });
  const requirements = { builderIds: ["https://b"], sourceRepositories: ["https://github.com/example/payments.git"] };
  const judge = (attestations: CosignAttestation[]) => judgeProvenance("registry.example.com/payments", DIGEST, attestations, requirements);

  it("passes a signed provenance naming the digest, builder and repository; any one good attestation is enough", () => {
    const ok = judge([attestation({ keyVerified: false }), attestation()]);
    assert.equal(ok.status, "verified");
    assert.deepEqual(ok.provenances.map((p) => p.allowedSources.map((s) => s.commit)), [[COMMIT]]);
  });

  it("names the first thing wrong with each attestation: key, then subject, then builder, then source", () => {
    const which = "a Sigstore bundle provenance attestation (https://slsa.dev/provenance/v1)";
    assert.equal(judge([attestation({ keyVerified: false, statement: statement("https://evil", "https://x.example/y") })]).detail, `${which} is not signed by a configured key`);
    assert.equal(judge([attestation({ statement: statement("https://evil", "https://x.example/y", `sha256:${"f".repeat(64)}`) })]).detail, `${which} is about sha256:${"f".repeat(64)}, not ${DIGEST}`);
    assert.equal(judge([attestation({ statement: statement("https://evil", "https://x.example/y") })]).detail, `${which} names builder https://evil, which is not in builderIds (https://b)`);
    assert.equal(
      judge([attestation({ format: "classic", statement: statement("https://b", "https://github.com/example/payments-evil") })]).detail,
      "a classic .att provenance attestation (https://slsa.dev/provenance/v1) records source github.com/example/payments-evil, which is not in sourceRepositories (https://github.com/example/payments.git)",
    );
    assert.equal(judgeProvenance("r/p", DIGEST, [attestation()], { builderIds: ["https://b"], sourceRepositories: [] }).detail, `${which} records source github.com/example/payments, which is not in sourceRepositories (none configured)`);
  });

  it("no provenance among the attestations is missing, and says what else is there", () => {
    const custom = attestation({ statement: { ...statement("https://b", "https://github.com/example/payments"), predicateType: "https://cosign.sigstore.dev/attestation/v1" } });
    assert.deepEqual(judge([custom]), { status: "missing", detail: `no SLSA provenance attestation for ${DIGEST} in registry.example.com/payments (only https://cosign.sigstore.dev/attestation/v1)`, provenances: [] });
    assert.equal(judge([]).status, "missing");
  });

  it("the pack runs image-provenance (mandatory) and its advisory twin, as stack policies after the image rules", () => {
    const names = goplatformPolicies.map((p) => p.name);
    assert.deepEqual(names.slice(names.indexOf("image-cosign-reachable") + 1, names.indexOf("image-cosign-reachable") + 3), ["image-provenance", "image-provenance-reachable"]);
    const levels = goplatformPolicies.filter((p) => p.name.startsWith("image-provenance")).map((p) => [p.name, p.enforcementLevel, "validateStack" in p]);
    assert.deepEqual(levels, [["image-provenance", "mandatory", true], ["image-provenance-reachable", "advisory", true]]);
  });
});
