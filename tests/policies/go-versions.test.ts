import { strict as assert } from "node:assert";
import { checkResources, goVersionPolicies, type ResourceToCheck } from "../../policies/index";
import { gcpGoLabels, goMetadata } from "../../components/go";

const asOf = { "go-version-supported": { asOf: "2026-11-23" }, "go-patch-level": { asOf: "2026-11-23" } };
const check = (resources: ResourceToCheck[]) => checkResources(goVersionPolicies, resources, asOf);
const deployment = (labels: Record<string, string>): ResourceToCheck => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "api",
  props: { metadata: { name: "api", labels } },
});

describe("policies: Go version rules", () => {
  it("passes current releases in every metadata form", async () => {
    assert.deepEqual(
      await check([
        deployment(goMetadata("1.27.4", "example.com/api")),
        { type: "aws:lambda/function:Function", name: "fn", props: { tags: goMetadata("go1.26.11") } },
        { type: "gcp:cloudrunv2/service:Service", name: "run", props: { labels: gcpGoLabels("1.27.4", "example.com/api") } },
        { type: "kubernetes:core/v1:ConfigMap", name: "plain", props: { metadata: { labels: { app: "x" } } } },
      ]),
      [],
    );
  });

  it("fails an unsupported line with the supported window in the message", async () => {
    assert.deepEqual(await check([deployment(goMetadata("1.25.14"))]), [
      {
        policy: "go-version-supported",
        enforcementLevel: "mandatory",
        resource: "api",
        message: "metadata.labels records Go 1.25.14; on 2026-11-23 the Go project supports only the 1.27 and 1.26 lines.",
      },
    ]);
  });

  it("fails a patch below the floor, naming floor and latest", async () => {
    const violations = await check([{ type: "gcp:cloudrunv2/service:Service", name: "run", props: { labels: gcpGoLabels("1.26.8") } }]);
    assert.deepEqual(violations.map((v) => [v.policy, v.message]), [
      ["go-patch-level", "labels records Go 1.26.8, below the 1.26 patch floor 1.26.11 on 2026-11-23 (latest 1.26.11); rebuild with Go 1.26.11."],
    ]);
  });

  it("fails prereleases and values that are not Go versions, without throwing", async () => {
    const violations = await check([
      deployment({ "goplatform.dev/go-version": "go1.27rc2" }),
      { type: "aws:lambda/function:Function", name: "odd", props: { tags: { "goplatform.dev/go-version": "latest" } } },
      { type: "gcp:cloudrunv2/service:Service", name: "odd-gcp", props: { labels: { "goplatform-go-version": "go1_x" } } },
      { type: "aws:lambda/function:Function", name: "weird", props: { tags: ["not", "a", "map"], labels: null, metadata: 7 } },
    ]);
    assert.deepEqual(violations.map((v) => `${v.policy} ${v.resource}: ${v.message}`), [
      "go-version-supported api: metadata.labels records Go 1.27rc2, a prerelease; deploy a release of Go 1.27 or 1.26.",
      'go-version-supported odd: tags records Go version "latest", which is not a Go version; expected go1.26.8 or 1.26.8 (a release), 1.26 or go1.26 (a minor line / language version), go1.27rc1 or go1.27beta1 (a prerelease).',
      'go-version-supported odd-gcp: labels records Go version "go1_x", which is not a Go version; expected go1.26.8 or 1.26.8 (a release), 1.26 or go1.26 (a minor line / language version), go1.27rc1 or go1.27beta1 (a prerelease).',
    ]);
  });
});
