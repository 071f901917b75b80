// No policy throws: random resource shapes (missing, null, oddly typed and unknown
// values, other providers' types) go through every policy of the pack.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { checkResources, UNKNOWN, type ResourceToCheck } from "../../policies/index";

const TYPES = [
  "kubernetes:core/v1:Pod",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:ConfigMap",
  "kubernetes:tekton.dev/v1:Task",
  "kubernetes:tekton.dev/v1:Pipeline",
  "kubernetes:tekton.dev/v1beta1:PipelineRun",
  "kubernetes:argoproj.io/v1alpha1:Application",
  "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
  "kubernetes:argoproj.io/v1alpha1:AppProject",
  "kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy",
  "aws:lambda/function:Function",
  "aws:lambda/codeSigningConfig:CodeSigningConfig",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:eks/cluster:Cluster",
  "gcp:container/cluster:Cluster",
  "gcp:cloudrunv2/service:Service",
  "azure-native:containerservice:ManagedCluster",
  "docker:index/image:Image",
  "docker-build:index:Image",
  "random:index/randomPet:RandomPet",
];

/** Keys the policies look for, so random values land where they are read. */
const KEYS = ["metadata", "labels", "annotations", "tags", "spec", "template", "containers", "initContainers", "image", "steps", "tasks", "taskSpec", "taskRef", "name", "results", "source", "sources", "targetRevision", "signatureKeys", "runtime", "code", "path", "imageUri", "packageType", "codeSigningConfigArn", "policies", "binaryAuthorization", "evaluationMode", "build", "dockerfile", "data", "authorities", "goplatform.dev/go-version", "goplatform-go-version", "jobTemplate", "script"];

const leaf = fc.oneof(
  fc.constant(UNKNOWN),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constantFrom("golang:1.27.4", "golang:latest", "go1.x", "1.26.11", "go1_27_4", "nginx@sha256:" + "a".repeat(64), "HEAD", "Enforce", "/no/such/file.zip", "ko build ./...", "-----BEGIN PUBLIC KEY-----"),
);
const shape = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie("value"), { maxKeys: 5 }),
})).object;

const resource = fc.record({ type: fc.oneof(fc.constantFrom(...TYPES), fc.string()), name: fc.string(), props: shape }) as fc.Arbitrary<ResourceToCheck>;

describe("policies: robustness", function () {
  this.timeout(600_000);

  it("no policy throws on random resource shapes, unknowns or other providers' resources", async () => {
    const config = { "go-version-supported": { asOf: "2026-11-23" }, "go-patch-level": { asOf: "2026-11-23" }, "go-version-floor": { minimum: "1.26.0" }, "images-from-allowed-registries": { allowedRegistries: ["registry.example.com/"] } };
    await fc.assert(
      fc.asyncProperty(fc.array(resource, { maxLength: 6 }), async (resources) => {
        const violations = await checkResources(resources, config);
        assert.ok(Array.isArray(violations));
      }),
      { numRuns: 300 },
    );
  });

  it("an unknown value is never a violation", async () => {
    const unknownEverywhere = TYPES.map((type) => ({ type, name: "u", props: Object.fromEntries(KEYS.map((k) => [k, UNKNOWN])) }));
    const violations = await checkResources(unknownEverywhere, { "go-version-supported": { asOf: "2026-11-23" } });
    assert.deepEqual(violations, []);
  });
});
