// Issue 18: arguments the delivery components refused too late, on one cloud only, or not at all.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  ArgoCd,
  type ArgoCdData,
  ArgumentError,
  type ClusterData,
  GoApp,
  GoAppSet,
  GoPipeline,
  type GoPipelineArgs,
  SignatureAdmission,
  Tekton,
  type TektonArgs,
} from "../../../components";
import * as fc from "fast-check";
import { checkRegistryRepositoryValue } from "../../../components/cluster/checks";
import { destinationGlobMatch, destinationPermitted } from "../../../components/delivery/argocd";
import { fakeCluster } from "../../harness/fake-clusters";
import { AS_OF, COMMIT, ECR_ARN, fail, GO_DIGESTS, GPG_KEY, GPG_PUBLIC_KEY, IMAGE_REPO, PRIVATE_KEY, PUBLIC_KEY, REPO, run, WEBHOOK_SECRET } from "./fixtures";

type Cloud = "aws" | "gcp" | "azure";
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
/** A valid repository, and wildcard or over-broad ones, in each cloud's format. */
const REPOSITORIES: Record<Cloud, { valid: string; broad: string[] }> = {
  aws: { valid: ECR_ARN, broad: ["arn:aws:ecr:eu-west-1:123456789012:repository/*", "arn:aws:ecr:eu-west-1:123456789012:repository/acme/*", "*"] },
  gcp: {
    valid: "projects/demo-project/locations/europe-west1/repositories/platform",
    broad: ["projects/demo-project/locations/europe-west1/repositories/*", "projects/*/locations/*/repositories/*", "projects/demo-project/locations/-/repositories/platform", "projects/demo-project"],
  },
  azure: {
    valid: `/subscriptions/${SUBSCRIPTION}/resourceGroups/platform/providers/Microsoft.ContainerRegistry/registries/goplatformdev`,
    broad: [`/subscriptions/${SUBSCRIPTION}/resourceGroups/platform/providers/Microsoft.ContainerRegistry/registries/*`, `/subscriptions/${SUBSCRIPTION}/resourceGroups/platform`, `/subscriptions/${SUBSCRIPTION}`],
  },
};
const EXPECTED: Record<Cloud, RegExp> = {
  aws: /expected one ECR repository ARN/,
  gcp: /expected one Artifact Registry repository id, projects\/<project>\/locations\/<location>\/repositories\/<repository>, without wildcards/,
  azure: /expected one Azure Container Registry resource id/,
};
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const tekton = (cluster: ClusterData, extra: Partial<TektonArgs> = {}): Tekton =>
  new Tekton("tekton", { cluster, signingKey: { privateKey: PRIVATE_KEY, password: "correct horse", publicKey: PUBLIC_KEY }, ...extra });
const pipeline = (cluster: ClusterData, extra: Partial<GoPipelineArgs> = {}): GoPipeline =>
  new GoPipeline("payments", { cluster, repoUrl: REPO, imageRepository: IMAGE_REPO, goImageDigests: GO_DIGESTS, asOf: AS_OF, ...extra });
const admission = (cluster: ClusterData, registryRead: pulumi.Input<string>[]): SignatureAdmission =>
  new SignatureAdmission("admission", { cluster, publicKey: PUBLIC_KEY, images: ["ghcr.io/acme/*"], namespaces: ["payments"], registryRead });

describe("delivery argument validation (issue 18)", () => {
  describe("registry repositories on every cloud (kind 3, kind 7)", () => {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      for (const broad of REPOSITORIES[cloud].broad) {
        it(`Tekton refuses the over-broad registryPush ${broad} on ${cloud}, naming registryPush[1], before registering anything (issue 18, kind 3)`, async () => {
          const { error, resources } = await fail(() => tekton(fakeCluster(cloud), { registryPush: [REPOSITORIES[cloud].valid, broad] }));
          assert.ok(error instanceof ArgumentError, error.message);
          assert.match(error.message, new RegExp(`^Tekton: invalid registryPush\\[1\\] "${escape(broad)}"; ${EXPECTED[cloud].source}`));
          assert.doesNotMatch(error.message, /permissions/);
          assert.deepEqual(resources.all, []);
        });
      }

      it(`GoPipeline refuses a wildcard registryPush on ${cloud}, naming registryPush, before registering anything (issue 18, kind 3)`, async () => {
        const broad = REPOSITORIES[cloud].broad[0] as string;
        const { error, resources } = await fail(() => pipeline(fakeCluster(cloud), { registryPush: broad }));
        assert.ok(error instanceof ArgumentError, error.message);
        assert.match(error.message, new RegExp(`^GoPipeline: invalid registryPush "${escape(broad)}"; ${EXPECTED[cloud].source}`));
        assert.deepEqual(resources.all, []);
      });

      it(`SignatureAdmission refuses a wildcard registryRead on ${cloud}, naming registryRead[0], before registering anything (issue 18, kind 3)`, async () => {
        const broad = REPOSITORIES[cloud].broad[0] as string;
        const { error, resources } = await fail(() => admission(fakeCluster(cloud), [broad]));
        assert.ok(error instanceof ArgumentError, error.message);
        assert.match(error.message, new RegExp(`^SignatureAdmission: invalid registryRead\\[0\\] "${escape(broad)}"; ${EXPECTED[cloud].source}`));
        assert.deepEqual(resources.all, []);
      });

      it(`grants a named repository on ${cloud} (the rule is per cloud, not one cloud's format for all)`, async () => {
        const { resources } = await run(() => tekton(fakeCluster(cloud), { registryPush: [REPOSITORIES[cloud].valid] }));
        assert.ok(resources.all.length > 1);
        const other = (["aws", "gcp", "azure"] as const).find((c) => c !== cloud) ?? "aws";
        const { error } = await fail(() => tekton(fakeCluster(cloud), { registryPush: [REPOSITORIES[other].valid] }));
        assert.match(error.message, new RegExp(`^Tekton: invalid registryPush\\[0\\] .*; ${EXPECTED[cloud].source}`));
      });
    }

    it("property: a repository with a wildcard, or cut short, is refused on every cloud; each cloud's own valid id is granted", () => {
      const clouds = ["aws", "gcp", "azure"] as const;
      fc.assert(
        fc.property(fc.constantFrom(...clouds), fc.nat(), fc.constantFrom("*", "**", "?", "-", ""), (cloud, at, wildcard) => {
          const valid = REPOSITORIES[cloud].valid;
          assert.equal(checkRegistryRepositoryValue("Test", cloud, "registryPush[0]", valid), valid);
          const segments = valid.split("/");
          const i = 1 + (at % (segments.length - 1));
          // Replace one segment by a wildcard (or nothing), or drop everything after it (on ECR a
          // shorter repository path is another repository's name, not a broader scope).
          const cut = cloud === "aws" && i >= 2 ? [] : [segments.slice(0, i).join("/")];
          const broadened = [[...segments.slice(0, i), wildcard, ...segments.slice(i + 1)].join("/"), ...cut];
          for (const value of broadened) {
            if (value === valid || (wildcard === "-" && cloud === "azure")) continue;
            assert.throws(() => checkRegistryRepositoryValue("Test", cloud, "registryPush[0]", value), ArgumentError, `${cloud}: ${value}`);
          }
        }),
      );
    });

    it("leaves a registryPush Output to the validation layer (its own check accepts a plain value in the same position)", async () => {
      const { resources } = await run(() => tekton(fakeCluster("gcp"), { registryPush: [pulumi.output(REPOSITORIES.gcp.valid)] }));
      assert.equal(resources.ofType("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember").length, 1);
    });

    it("GoPipeline refuses registryPush on an ExistingCluster before registering anything, naming registryPush, not permissions (issue 18, kind 7)", async () => {
      const { error, resources } = await fail(() => pipeline(fakeCluster("existing"), { registryPush: ECR_ARN }));
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, /^GoPipeline: invalid registryPush "arn:aws:ecr:[^"]+"; an ExistingCluster has no cloud identity for the build/);
      assert.deepEqual(resources.all, []);
    });

    it("refuses a registryPush entry that is not a string, naming the entry (issue 18, kind 2)", async () => {
      const { error, resources } = await fail(() => tekton(fakeCluster("aws"), { registryPush: [42 as unknown as string] }));
      assert.match(error.message, /^Tekton: invalid registryPush\[0\] 42; expected a registry repository/);
      assert.deepEqual(resources.all, []);
    });
  });

  describe("GoApp and GoAppSet destinations (kind 4)", () => {
    const DEPLOY_REPO = "https://github.com/acme/deploy.git";
    const data = (destinations: ArgoCdData["destinations"]): ArgoCdData => ({ cluster: fakeCluster("aws"), namespace: "argocd", projectName: "goplatform", ...(destinations === undefined ? {} : { destinations }) });
    const app = (argoCd: ArgoCdData, namespace: string, server?: string): GoApp =>
      new GoApp("payments", { argoCd, repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace, ...(server === undefined ? {} : { server }) });

    it("refuses a GoApp namespace its Argo CD project does not allow, before registering the Application (issue 18, kind 4)", async () => {
      const { error, resources } = await fail(() => {
        const argo = new ArgoCd("argocd", { cluster: fakeCluster("aws"), project: { sourceRepos: [DEPLOY_REPO], destinations: [{ namespace: "payments" }], gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY } } });
        return app(argo.argoCd, "billing");
      });
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, /^GoApp: invalid namespace "billing"; expected a namespace the Argo CD project "goplatform" allows as a destination on https:\/\/kubernetes\.default\.svc \(payments on https:\/\/kubernetes\.default\.svc\)/);
      assert.equal(resources.ofType("goplatform:index:GoApp").length, 0);
      assert.equal(resources.ofType("kubernetes:argoproj.io/v1alpha1:Application").length, 0);
    });

    it("ArgoCd outputs its project's destinations in argoCd, which a GoApp to an allowed namespace deploys with", async () => {
      const { result, resources } = await run(() => {
        const argo = new ArgoCd("argocd", { cluster: fakeCluster("aws"), project: { sourceRepos: [DEPLOY_REPO], destinations: [{ namespace: "payments" }], gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY } } });
        app(argo.argoCd, "payments");
        return argo;
      });
      assert.deepEqual(result.argoCd.destinations, [{ server: "https://kubernetes.default.svc", namespace: "payments" }]);
      assert.equal(resources.ofType("kubernetes:argoproj.io/v1alpha1:Application").length, 1);
    });

    it("follows Argo CD's glob rules: *, prefix globs, ! deny patterns, and the server", async () => {
      const cases: [ArgoCdData["destinations"], string, string | undefined, boolean][] = [
        [[{ namespace: "*" }], "anything", undefined, true],
        [[{ namespace: "team-*", server: "*" }], "team-payments", "https://other.example", true],
        [[{ namespace: "team-*" }], "payments", undefined, false],
        [[{ namespace: "team-*" }, { namespace: "!team-secret" }], "team-secret", undefined, false],
        [[{ namespace: "payments", server: "https://prod.example" }], "payments", undefined, false],
      ];
      for (const [destinations, namespace, server, allowed] of cases) {
        const program = (): GoApp => app(data(destinations), namespace, server);
        if (allowed) {
          await run(program);
        } else {
          const { error, resources } = await fail(program);
          assert.ok(error instanceof ArgumentError, `${namespace} ${JSON.stringify(destinations)}: ${error.message}`);
          assert.match(error.message, server === undefined && destinations?.[0]?.server !== undefined ? /^GoApp: invalid server "https:\/\/kubernetes\.default\.svc"/ : new RegExp(`^GoApp: invalid namespace "${namespace}"`));
          assert.deepEqual(resources.all, []);
        }
      }
      assert.equal(destinationGlobMatch("team-?", "team-a"), true);
      assert.equal(destinationGlobMatch("team.*", "teamx"), false);
      assert.equal(destinationGlobMatch("team-[ab]", "team-a"), undefined);
      assert.equal(destinationPermitted([{ server: "*", namespace: "team-[ab]" }], "https://kubernetes.default.svc", "x"), undefined);
    });

    it("does not judge the namespace while the project's destinations are unknown (not given, or an Output)", async () => {
      await run(() => app(data(undefined), "billing"));
      await run(() => app({ ...data(undefined), destinations: pulumi.output([{ namespace: "payments" }]) as unknown as ArgoCdData["destinations"] }, "billing"));
    });

    it("refuses a GoApp goVersion with an ArgumentError naming GoApp's goVersion, not a bare Go version error (issue 18, kind 7)", async () => {
      const { error, resources } = await fail(() => new GoApp("payments", { argoCd: data(undefined), repoUrl: DEPLOY_REPO, path: "apps/payments", targetRevision: COMMIT, namespace: "payments", goVersion: "latest" }));
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, /^GoApp: invalid goVersion "latest"; expected go1\.26\.8 or 1\.26\.8 \(a release\)/);
      assert.deepEqual(resources.all, []);
    });

    it("refuses a GoAppSet service namespace outside the project, naming the service (issue 18, kind 4)", async () => {
      const { error, resources } = await fail(
        () =>
          new GoAppSet("services", {
            argoCd: data([{ namespace: "team-*" }]),
            repoUrl: DEPLOY_REPO,
            services: [
              { name: "api", path: "apps/api", targetRevision: COMMIT, namespace: "team-api" },
              { name: "web", path: "apps/web", targetRevision: COMMIT, namespace: "web" },
            ],
          }),
      );
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, /^GoAppSet: invalid services\[1\]\.namespace "web"; expected a namespace the Argo CD project "goplatform" allows/);
      assert.deepEqual(resources.all, []);
    });
  });

  describe("secrets and wrong types (kinds 2, 6)", () => {
    it("refuses a cosign key password that is not a string without showing it (issue 18, kind 2)", async () => {
      const { error, resources } = await fail(() => tekton(fakeCluster("aws"), { signingKey: { privateKey: PRIVATE_KEY, password: 1234 as unknown as string, publicKey: PUBLIC_KEY } }));
      assert.ok(error instanceof ArgumentError, error.message);
      assert.equal(error.message, "Tekton: invalid signingKey.password (a secret, not shown); expected the cosign key password (cosign keys are always encrypted)");
      assert.deepEqual(resources.all, []);
      const cosign = await fail(() => pipeline(fakeCluster("aws"), { signing: { mode: "cosign", privateKey: PRIVATE_KEY, password: 1234 as unknown as string } }));
      assert.match(cosign.error.message, /^GoPipeline: invalid signing\.password \(a secret, not shown\)/);
      assert.deepEqual(cosign.resources.all, []);
    });

    it("refuses a missing signingKey with an ArgumentError, not a TypeError (issue 18, kind 2)", async () => {
      const { error, resources } = await fail(() => tekton(fakeCluster("aws"), { signingKey: undefined as unknown as TektonArgs["signingKey"] }));
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, /^Tekton: invalid signingKey undefined; expected \{ privateKey, password, publicKey \}/);
      assert.deepEqual(resources.all, []);
    });

    it("refuses versions given as a string, not spread into characters (issue 18, kind 2)", async () => {
      const { error } = await fail(() => tekton(fakeCluster("aws"), { versions: "v1.16.0" as unknown as TektonArgs["versions"] }));
      assert.match(error.message, /^Tekton: invalid versions "v1\.16\.0"; expected \{ pipeline\?, triggers\?, chains\? \}/);
    });

    it("refuses a list argument given as a string, not judged character by character (issue 18, kind 2)", async () => {
      const { error, resources } = await fail(() => new SignatureAdmission("admission", { cluster: fakeCluster("aws"), publicKey: PUBLIC_KEY, images: ["ghcr.io/acme/*"], namespaces: "payments" as unknown as string[] }));
      assert.ok(error instanceof ArgumentError, error.message);
      assert.match(error.message, /^SignatureAdmission: invalid namespaces "payments"; expected a non-empty list/);
      assert.deepEqual(resources.all, []);
    });

    const DEPLOY = "https://github.com/acme/deploy.git";
    const argoArgs = { cluster: fakeCluster("aws"), project: { sourceRepos: [DEPLOY], destinations: [{ namespace: "payments" }], gpgPublicKeys: { [GPG_KEY]: GPG_PUBLIC_KEY } } };
    const argoData: ArgoCdData = { cluster: fakeCluster("aws"), namespace: "argocd", projectName: "goplatform" };
    const wrongTypes: [string, () => unknown, RegExp][] = [
      ["ArgoCd without a project", () => new ArgoCd("argocd", { cluster: fakeCluster("aws") } as unknown as ConstructorParameters<typeof ArgoCd>[1]), /^ArgoCd: invalid project undefined; expected the AppProject/],
      ["ArgoCd destination null", () => new ArgoCd("argocd", { ...argoArgs, project: { ...argoArgs.project, destinations: [null as unknown as { namespace: string }] } }), /^ArgoCd: invalid project\.destinations\[0\] null; expected \{ namespace, server\? \}/],
      ["ArgoCd gpgPublicKeys as one string", () => new ArgoCd("argocd", { ...argoArgs, project: { ...argoArgs.project, gpgPublicKeys: GPG_PUBLIC_KEY as unknown as Record<string, string> } }), /^ArgoCd: invalid project\.gpgPublicKeys "\(not shown\)"; expected a map of primary key ID/],
      ["ArgoCd clusterResourceWhitelist entry null", () => new ArgoCd("argocd", { ...argoArgs, project: { ...argoArgs.project, clusterResourceWhitelist: [null as unknown as { group: string; kind: string }] } }), /^ArgoCd: invalid project\.clusterResourceWhitelist\[0\] null; expected \{ group, kind \}/],
      ["GoAppSet service null", () => new GoAppSet("services", { argoCd: argoData, repoUrl: DEPLOY, services: [null as unknown as { name: string; path: string; targetRevision: string; namespace: string }] }), /^GoAppSet: invalid services\[0\] null; expected \{ name, path, targetRevision, namespace \}/],
      ["GoApp images as one string", () => new GoApp("payments", { argoCd: argoData, repoUrl: DEPLOY, path: "apps/payments", targetRevision: COMMIT, namespace: "payments", images: "payments=x" as unknown as string[] }), /^GoApp: invalid images "payments=x"; expected a list of name=registry\/repository@sha256:<digest>/],
      ["GoPipeline goSumDb as a number", () => pipeline(fakeCluster("aws"), { goSumDb: 1 as unknown as string }), /^GoPipeline: invalid goSumDb 1; expected a checksum database/],
      ["GoPipeline goProxy as a number", () => pipeline(fakeCluster("aws"), { goProxy: 1 as unknown as string }), /^GoPipeline: invalid goProxy 1; expected a GOPROXY list/],
      ["GoPipeline images as one string", () => pipeline(fakeCluster("aws"), { images: "docker.io/alpine/git@sha256:x" as unknown as { git: string } }), /^GoPipeline: invalid images "docker\.io\/alpine\/git@sha256:x"; expected \{ git\?, golangciLint\?, cosign\?, koBase\? \}/],
      ["Tekton install \"false\"", () => tekton(fakeCluster("aws"), { install: "false" as unknown as boolean }), /^Tekton: invalid install "false"; expected true or false/],
      ["ArgoCd ha \"true\"", () => new ArgoCd("argocd", { ...argoArgs, ha: "true" as unknown as boolean }), /^ArgoCd: invalid ha "true"; expected true or false/],
      ["GoApp cascadeDelete \"false\"", () => new GoApp("payments", { argoCd: argoData, repoUrl: DEPLOY, path: "apps/payments", targetRevision: COMMIT, namespace: "payments", cascadeDelete: "false" as unknown as boolean }), /^GoApp: invalid cascadeDelete "false"; expected true or false/],
      ["GoPipeline createNamespace \"false\"", () => pipeline(fakeCluster("aws"), { createNamespace: "false" as unknown as boolean }), /^GoPipeline: invalid createNamespace "false"; expected true or false/],
    ];
    // The boolean ones the schema layer already refused; the own checks now judge them too (the layer re-runs them on Output values).
    const schemaAlreadyRefused = new Set(["Tekton install \"false\"", "ArgoCd ha \"true\"", "GoApp cascadeDelete \"false\"", "GoPipeline createNamespace \"false\""]);
    for (const [what, program, message] of wrongTypes) {
      it(`refuses ${what} with an ArgumentError naming it, not a TypeError or the other behaviour${schemaAlreadyRefused.has(what) ? " (own check)" : " (issue 18, kind 2)"}`, async () => {
        const { error, resources } = await fail(program);
        assert.ok(error instanceof ArgumentError, error.message);
        assert.match(error.message, message);
        assert.deepEqual(resources.all, []);
      });
    }

    it("judges a plain webhook secret in the own checks and never shows it; an Output secret is left to the validation layer (kind 6: no check hidden in a child input)", async () => {
      const short = "short-but-secret";
      const { error, resources } = await fail(() => pipeline(fakeCluster("aws"), { trigger: { provider: "github", secret: short } }));
      assert.match(error.message, /^GoPipeline: invalid trigger\.secret \(a secret, not shown\); expected a webhook secret of at least 32 characters/);
      assert.ok(!error.message.includes(short));
      assert.deepEqual(resources.all, []);
      // A good secret as an Output: no check is hidden in the Secret's input.
      const ok = await run(() => pipeline(fakeCluster("aws"), { trigger: { provider: "github", secret: pulumi.secret(WEBHOOK_SECRET) } }));
      assert.deepEqual(ok.resources.one("kubernetes:core/v1:Secret", "payments-webhook").inputs.stringData, { token: WEBHOOK_SECRET });
    });
  });
});
