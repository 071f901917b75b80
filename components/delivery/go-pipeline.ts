/**
 * GoPipeline: the Tekton (tekton.dev/v1) Tasks and Pipeline that take a Go repository
 * at a commit to a signed image by digest: clone → `go mod download` + `go mod verify`
 * → `go vet` + golangci-lint → `go test -race -count=1` (one step per Go version)
 * → govulncheck → a daemonless multi-arch ko build with an SPDX SBOM, pushed by digest
 * (IMAGE_URL / IMAGE_DIGEST results, which Tekton Chains signs and attests) → in
 * "cosign" mode, explicit cosign signature and SLSA provenance steps. A ServiceAccount
 * bound to a cloud identity that may push, and optional Triggers for push webhooks.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkDnsLabel, componentToken, withLegacyType } from "../args";
import { connectCluster, type CloudPermission, type ClusterData } from "../cluster";
import { checkGoVersion, defaultGoVersion, formatGoVersion, kubernetesGoMetadata, parseGoVersion, toDay } from "../go";
import { checkImageByDigest, checkList, checkOneOf } from "../args";
import { checkImageRepository, checkPrivateKey, checkRepoUrl, checkWebhookSecret } from "./checks";
import { COSIGN_IMAGE, GIT_IMAGE, GOLANG_REPOSITORY, GOLANGCI_LINT_IMAGE, GOVULNCHECK_MODULE, KO_BASE_IMAGE, KO_MODULE } from "./images";
import type { Tekton } from "./tekton";

const COMPONENT = "GoPipeline";
export const SIGNING_KEY = "goplatform.dev/signing";
export const PROVENANCE_KEY = "goplatform.dev/provenance";
const TEKTON_API = "tekton.dev/v1";
const TRIGGERS_API = "triggers.tekton.dev/v1beta1";
const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x"] as const;
type Platform = (typeof PLATFORMS)[number];

/** Explicit signing steps in the pipeline, with the platform key in a Secret of the pipeline namespace. */
export interface CosignSigning {
  mode: "cosign";
  /** cosign.key (encrypted PEM), as a Pulumi secret. */
  privateKey: pulumi.Input<string>;
  /** Its password, as a Pulumi secret. */
  password: pulumi.Input<string>;
  /** Upload the signature and attestation to Rekor. Default: false. */
  transparencyLog?: boolean;
}

export interface GoPipelineArgs {
  /** The cluster the pipeline runs in. */
  cluster: ClusterData;
  /** The Tekton installation, when this stack manages it (custom resources wait for it). Default: none (Tekton already runs). */
  tekton?: Tekton;
  /** Git repository of the Go module: https://… or ssh (ssh://git@host/… or git@host:…). */
  repoUrl: string;
  /** Where to push the image: registry host and path, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api". */
  imageRepository: string;
  /**
   * Cloud registry repository the build ServiceAccount may push to (ECR repository ARN,
   * Artifact Registry repository id, ACR resource id); granted through
   * `cluster.bindServiceAccount`. Default: none (registry credentials then come from the
   * optional `dockerconfig` workspace).
   */
  registryPush?: pulumi.Input<string>;
  /**
   * A Secret in the pipeline namespace of type kubernetes.io/dockerconfigjson with
   * registry credentials, for registries the cloud identity cannot reach. Default:
   * none (the push relies on the cloud identity; ko and cosign use the ECR, GCR/Artifact
   * Registry and ACR credential helpers). Mounted as the `dockerconfig` workspace of
   * the build and cosign steps only: it is not among the build ServiceAccount's
   * imagePullSecrets (that ServiceAccount comes from `cluster.bindServiceAccount`), so
   * Tekton Chains, which pushes signatures and attestations with its controller's
   * credentials and the TaskRun ServiceAccount's imagePullSecrets, does not see it.
   */
  registryCredentialsSecret?: string;
  /** Namespace for the pipeline objects. Default: the component name. */
  namespace?: string;
  /** Create the namespace. Default: true. */
  createNamespace?: boolean;
  /**
   * Go release that builds the image, e.g. "1.27.4". Default: newest patch of the newest
   * supported line on `asOf`. A pinned release is checked against the supported window
   * on `asOf`, which defaults to today: once its Go line leaves the window, every later
   * preview of the stack throws. Pin `asOf` with it for a reproducible stack, or leave
   * goVersion unset to follow the newest release.
   */
  goVersion?: string;
  /** Go releases `go test -race` runs with, one step each. Default: [goVersion]. */
  testGoVersions?: string[];
  /**
   * Digest of the golang toolchain image for every Go release used (goVersion and
   * testGoVersions), e.g. `{ "1.27.4": "sha256:…" }`. Required: goplatform ships no
   * golang digests, because it could not verify one for each release it may pick.
   */
  goImageDigests: Record<string, string>;
  /** Repository of the golang images (a mirror, for air-gapped clusters). Default: "docker.io/library/golang". */
  goImageRepository?: string;
  /** Other step images, each by digest. Defaults: see images.ts (alpine/git, golangci-lint, cosign, distroless static base). */
  images?: { git?: string; golangciLint?: string; cosign?: string; koBase?: string };
  /** GOPROXY. Default: "https://proxy.golang.org,direct". */
  goProxy?: string;
  /** GOSUMDB. Default: "sum.golang.org". "off" is refused (use goPrivate for private modules). */
  goSumDb?: string;
  /** GOPRIVATE (modules fetched directly and not checked against GOSUMDB). Default: "". */
  goPrivate?: string;
  /** GOFLAGS. Default: "-mod=readonly". */
  goFlags?: string;
  /** Vulnerability database govulncheck queries. Default: "https://vuln.go.dev". */
  vulnDb?: string;
  /** Main package ko builds, relative to the repository root. Default: "." */
  package?: string;
  /** Image platforms. Default: ["linux/amd64", "linux/arm64"]. */
  platforms?: Platform[];
  /** Signing: Tekton Chains (default) or explicit cosign steps. Signing cannot be switched off. */
  signing?: { mode: "chains" } | CosignSigning;
  /** Push webhooks: a Triggers EventListener that verifies the webhook secret. Default: none. */
  trigger?: {
    provider: "github" | "gitlab";
    /** The webhook secret, as a Pulumi secret, at least 32 characters. */
    secret: pulumi.Input<string>;
    /** Branch whose pushes start a run. Default: "main". */
    branch?: string;
  };
  /** Go module path, recorded as `goplatform.dev/go-module`. Default: not recorded. */
  goModule?: string;
  /** Size of the per-run source workspace volume. Default: "2Gi". */
  workspaceSize?: string;
  /**
   * Day the Go version rules are judged for (YYYY-MM-DD). Default: today, so the same
   * program can start failing (a pinned goVersion leaving support) or change its default
   * goVersion on a later day; set it to make previews reproducible.
   */
  asOf?: string;
}

/** Arguments after validation and defaults. */
interface Resolved {
  namespace: string;
  goVersion: string;
  testGoVersions: string[];
  goImage: (version: string) => string;
  images: { git: string; golangciLint: string; cosign: string; koBase: string };
  env: { name: string; value: string }[];
  vulnDb: string;
  pkg: string;
  platforms: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export class GoPipeline extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly pipelineName: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;
  /** The cloud identity the build ServiceAccount runs as ("" on a cluster without one). */
  readonly cloudIdentity: pulumi.Output<string>;
  /** The Go release that builds the image, and the ones tests run with. */
  readonly goVersion: string;
  readonly testGoVersions: readonly string[];
  /** Every step image, all by digest. */
  readonly images: readonly string[];
  /** The EventListener's name, when a trigger is configured (its Service is `el-<name>`). */
  readonly eventListenerName?: pulumi.Output<string>;

  constructor(name: string, args: GoPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    const r = resolve(name, args);
    const signing = args.signing ?? { mode: "chains" as const };
    checkOneOf(COMPONENT, "signing.mode", signing.mode, ["chains", "cosign"]);
    const cosignKey = signing.mode === "cosign" ? checkPrivateKey(COMPONENT, "signing.privateKey", signing.privateKey) : undefined;
    if (signing.mode === "cosign" && typeof signing.password === "string" && signing.password === "") {
      throw new ArgumentError(COMPONENT, "signing.password", "", "expected the cosign key password");
    }
    let webhookSecret: pulumi.Output<string> | undefined;
    if (args.trigger !== undefined) {
      checkOneOf(COMPONENT, "trigger.provider", args.trigger.provider, ["github", "gitlab"]);
      webhookSecret = checkWebhookSecret(COMPONENT, "trigger.secret", args.trigger.secret);
      const branch = args.trigger.branch ?? "main";
      if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes("..") || branch.startsWith("/")) {
        throw new ArgumentError(COMPONENT, "trigger.branch", branch, "expected a branch name such as \"main\"");
      }
    }
    super(componentToken("GoPipeline"), name, {}, withLegacyType("goplatform:k8s:GoPipeline", opts));
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    this.goVersion = r.goVersion;
    this.testGoVersions = r.testGoVersions;

    const provider = cluster.provider;
    const child = { parent: this, provider };
    const after = (...deps: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({
      ...child,
      dependsOn: [...(args.tekton?.ready ?? []), ...deps.filter((d): d is pulumi.Resource => d !== undefined)],
    });
    const namespace = args.createNamespace ?? true
      ? new k8s.core.v1.Namespace(name, { metadata: { name: r.namespace, labels: r.labels, annotations: r.annotations } }, child)
      : undefined;
    const ns = namespace?.metadata.name ?? pulumi.output(r.namespace);
    const meta = (objectName: string): { name: string; namespace: pulumi.Input<string>; labels: Record<string, string>; annotations: Record<string, string> } => ({
      name: objectName,
      namespace: ns,
      labels: r.labels,
      annotations: r.annotations,
    });

    const permissions: CloudPermission[] = args.registryPush === undefined ? [] : [{ kind: "registryPush", repository: args.registryPush }];
    const bound = cluster.bindServiceAccount(`${name}-build`, { namespace: ns, serviceAccountName: `${name}-build`, permissions });

    const cosignSecret = signing.mode === "cosign" && cosignKey !== undefined
      ? new k8s.core.v1.Secret(
          `${name}-signing`,
          { metadata: meta(`${name}-signing`), type: "Opaque", stringData: pulumi.secret(pulumi.all([cosignKey, signing.password]).apply(([key, password]) => ({ "cosign.key": key, "cosign.password": password }))) },
          { ...child, dependsOn: namespace === undefined ? [] : [namespace] },
        )
      : undefined;

    const tasks = goPipelineTasks(name, r, signing.mode === "cosign" ? { secretName: `${name}-signing`, transparencyLog: signing.transparencyLog ?? false } : undefined);
    const taskResources = tasks.map((t) => new k8s.apiextensions.CustomResource(t.metadata.name, { apiVersion: TEKTON_API, kind: "Task", metadata: meta(t.metadata.name), spec: t.spec }, after(namespace, cosignSecret)));
    const pipelineSpec = goPipelineSpec(name, args.repoUrl, args.imageRepository, signing.mode);
    // How the built image is signed, for people and policies reading the Pipeline.
    const annotations = { [SIGNING_KEY]: signing.mode === "chains" ? "tekton-chains" : "cosign", [PROVENANCE_KEY]: "slsa" };
    const pipeline = new k8s.apiextensions.CustomResource(name, { apiVersion: TEKTON_API, kind: "Pipeline", metadata: { ...meta(name), annotations: { ...r.annotations, ...annotations } }, spec: pipelineSpec }, after(...taskResources));

    if (args.trigger !== undefined && webhookSecret !== undefined) {
      const branch = args.trigger.branch ?? "main";
      const secret = new k8s.core.v1.Secret(
        `${name}-webhook`,
        { metadata: meta(`${name}-webhook`), type: "Opaque", stringData: { token: webhookSecret } },
        { ...child, dependsOn: namespace === undefined ? [] : [namespace] },
      );
      const listenerAccount = new k8s.core.v1.ServiceAccount(`${name}-triggers`, { metadata: meta(`${name}-triggers`) }, { ...child, dependsOn: namespace === undefined ? [] : [namespace] });
      // The ClusterRoles the Triggers release ships for EventListener service accounts.
      new k8s.rbac.v1.RoleBinding(
        `${name}-triggers`,
        {
          metadata: meta(`${name}-triggers`),
          subjects: [{ kind: "ServiceAccount", name: listenerAccount.metadata.name, namespace: ns }],
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tekton-triggers-eventlistener-roles" },
        },
        child,
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-triggers`,
        {
          metadata: { name: pulumi.interpolate`${ns}-${name}-triggers`, labels: r.labels, annotations: r.annotations },
          subjects: [{ kind: "ServiceAccount", name: listenerAccount.metadata.name, namespace: ns }],
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tekton-triggers-eventlistener-clusterroles" },
        },
        child,
      );
      const t = triggerObjects(name, args.trigger.provider, branch, `${name}-webhook`, r, args.workspaceSize ?? "2Gi", args.registryCredentialsSecret);
      const binding = new k8s.apiextensions.CustomResource(t.binding.metadata.name, { apiVersion: TRIGGERS_API, kind: "TriggerBinding", metadata: meta(t.binding.metadata.name), spec: t.binding.spec }, after(namespace));
      const template = new k8s.apiextensions.CustomResource(
        t.template.metadata.name,
        {
          apiVersion: TRIGGERS_API,
          kind: "TriggerTemplate",
          metadata: meta(t.template.metadata.name),
          spec: bound.serviceAccountName.apply((sa) => t.templateSpec(sa, bound.podLabels)),
        },
        after(pipeline),
      );
      const listener = new k8s.apiextensions.CustomResource(
        t.listener.metadata.name,
        { apiVersion: TRIGGERS_API, kind: "EventListener", metadata: meta(t.listener.metadata.name), spec: { ...t.listener.spec, serviceAccountName: listenerAccount.metadata.name } },
        after(binding, template, secret),
      );
      this.eventListenerName = listener.metadata.name;
    }

    this.namespace = ns;
    this.pipelineName = pipeline.metadata.name;
    this.serviceAccountName = bound.serviceAccountName;
    this.cloudIdentity = bound.cloudIdentity;
    this.images = [...new Set(tasks.flatMap((t) => t.spec.steps.map((s) => s.image)))];
    this.registerOutputs({ namespace: this.namespace, pipelineName: this.pipelineName, serviceAccountName: this.serviceAccountName, goVersion: this.goVersion, images: this.images });
  }
}

function resolve(name: string, args: GoPipelineArgs): Resolved {
  checkDnsLabel(COMPONENT, "name", name);
  if (name.length > 40) throw new ArgumentError(COMPONENT, "name", name, "expected at most 40 characters (Tekton object names are derived from it)");
  const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? name);
  checkRepoUrl(COMPONENT, "repoUrl", args.repoUrl);
  checkImageRepository(COMPONENT, "imageRepository", args.imageRepository);
  const day = toDay(args.asOf ?? new Date(), "asOf");
  const goVersion = checkGoVersion(COMPONENT, args.goVersion ?? defaultGoVersion(day), day, "goVersion");
  const testGoVersions = [...new Set(checkList(COMPONENT, "testGoVersions", args.testGoVersions ?? [goVersion], () => true).map((v, i) => checkGoVersion(COMPONENT, v, day, `testGoVersions[${i}]`)))];

  const goImageRepository = args.goImageRepository ?? GOLANG_REPOSITORY;
  checkImageRepository(COMPONENT, "goImageRepository", goImageRepository);
  const digests = new Map<string, string>();
  for (const [key, digest] of Object.entries(args.goImageDigests)) {
    let version: string;
    try {
      version = formatGoVersion(parseGoVersion(key));
    } catch {
      throw new ArgumentError(COMPONENT, "goImageDigests", key, "expected keys that are Go releases, such as \"1.27.4\"");
    }
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new ArgumentError(COMPONENT, `goImageDigests["${key}"]`, digest, "expected an image digest sha256:<64 hex digits>");
    digests.set(version, digest);
  }
  for (const version of new Set([goVersion, ...testGoVersions])) {
    if (!digests.has(version)) {
      throw new ArgumentError(COMPONENT, "goImageDigests", Object.fromEntries(digests), `expected the digest of ${goImageRepository}:${version} (Go ${version} is used by this pipeline); find it with \`crane digest ${goImageRepository}:${version}\` or your registry`);
    }
  }
  const goImage = (version: string): string => checkImageByDigest(COMPONENT, "goImageDigests", `${goImageRepository}:${version}@${digests.get(version) ?? ""}`);

  const images = {
    git: checkImageByDigest(COMPONENT, "images.git", args.images?.git ?? GIT_IMAGE),
    golangciLint: checkImageByDigest(COMPONENT, "images.golangciLint", args.images?.golangciLint ?? GOLANGCI_LINT_IMAGE),
    cosign: checkImageByDigest(COMPONENT, "images.cosign", args.images?.cosign ?? COSIGN_IMAGE),
    koBase: checkImageByDigest(COMPONENT, "images.koBase", args.images?.koBase ?? KO_BASE_IMAGE),
  };
  const goSumDb = args.goSumDb ?? "sum.golang.org";
  if (goSumDb === "off" || goSumDb.trim() === "") {
    throw new ArgumentError(COMPONENT, "goSumDb", goSumDb, "expected a checksum database (default \"sum.golang.org\"); list private modules in goPrivate instead of switching verification off");
  }
  const goProxy = args.goProxy ?? "https://proxy.golang.org,direct";
  if (goProxy === "off" || goProxy.trim() === "") throw new ArgumentError(COMPONENT, "goProxy", goProxy, "expected a GOPROXY list such as \"https://proxy.golang.org,direct\"");
  const goFlags = args.goFlags ?? "-mod=readonly";
  if (/-mod=mod\b/.test(goFlags)) throw new ArgumentError(COMPONENT, "goFlags", goFlags, "expected flags that keep go.mod and go.sum authoritative (-mod=mod would let the build change them)");
  const pkg = args.package ?? ".";
  if (!/^\.(\/[A-Za-z0-9._-]+)*\/?$/.test(pkg) || pkg.split("/").includes("..")) {
    throw new ArgumentError(COMPONENT, "package", pkg, "expected a main package path inside the repository, such as \".\" or \"./cmd/api\"");
  }
  const platforms = checkList(COMPONENT, "platforms", args.platforms ?? ["linux/amd64", "linux/arm64"], (p) => checkOneOf(COMPONENT, "platforms", p, PLATFORMS));
  const vulnDb = args.vulnDb ?? "https://vuln.go.dev";
  if (!/^(https:\/\/|file:\/\/\/)\S+$/.test(vulnDb)) throw new ArgumentError(COMPONENT, "vulnDb", vulnDb, "expected an https:// or file:/// URL of a Go vulnerability database");
  if (args.registryCredentialsSecret !== undefined) checkDnsLabel(COMPONENT, "registryCredentialsSecret", args.registryCredentialsSecret);
  if (args.workspaceSize !== undefined && !/^[1-9]\d*(Mi|Gi|Ti)$/.test(args.workspaceSize)) {
    throw new ArgumentError(COMPONENT, "workspaceSize", args.workspaceSize, "expected a volume size such as \"2Gi\"");
  }

  const goMeta = kubernetesGoMetadata(goVersion, args.goModule);
  return {
    namespace,
    goVersion,
    testGoVersions,
    goImage,
    images,
    env: [
      { name: "GOPROXY", value: goProxy },
      { name: "GOSUMDB", value: goSumDb },
      { name: "GOPRIVATE", value: args.goPrivate ?? "" },
      { name: "GOFLAGS", value: goFlags },
      { name: "GOMODCACHE", value: "$(workspaces.source.path)/cache/mod" },
      { name: "GOCACHE", value: "$(workspaces.source.path)/cache/build" },
      { name: "SRC", value: "$(workspaces.source.path)/src" },
    ],
    vulnDb,
    pkg,
    platforms: [...platforms],
    labels: { "app.kubernetes.io/managed-by": "goplatform", "app.kubernetes.io/part-of": name, ...goMeta.labels },
    annotations: goMeta.annotations,
  };
}

export interface TektonStep {
  name: string;
  image: string;
  script?: string;
  command?: string[];
  args?: string[];
  env?: ({ name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } })[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface TektonTask {
  metadata: { name: string };
  spec: {
    description: string;
    params?: { name: string; type: "string"; description: string }[];
    results?: { name: string; type: "string"; description: string }[];
    workspaces: { name: string; description: string; optional?: boolean; readOnly?: boolean }[];
    stepTemplate: { env: { name: string; value: string }[]; securityContext: Record<string, unknown> };
    steps: TektonStep[];
    volumes?: ({ name: string; emptyDir: Record<string, never> } | { name: string; secret: { secretName: string } })[];
  };
}

const SH = "#!/bin/sh\nset -eu\n";

/** The Tasks of the pipeline (pure: what the component registers, and what the tests lint). */
export function goPipelineTasks(name: string, r: Resolved, cosign?: { secretName: string; transparencyLog: boolean }): TektonTask[] {
  const source = { name: "source", description: "Source checkout (src/) and Go caches (cache/)." };
  const stepTemplate = {
    env: r.env,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
  };
  const local = { name: "GOTOOLCHAIN", value: "local" };
  const primary = r.goImage(r.goVersion);
  const task = (suffix: string, spec: Omit<TektonTask["spec"], "stepTemplate" | "workspaces"> & { workspaces?: TektonTask["spec"]["workspaces"] }): TektonTask => ({
    metadata: { name: `${name}-${suffix}` },
    spec: { ...spec, workspaces: spec.workspaces ?? [source], stepTemplate },
  });

  const tasks: TektonTask[] = [
    task("clone", {
      description: "Clones the repository at one commit (a full SHA) and records it for provenance.",
      params: [
        { name: "url", type: "string", description: "Repository URL." },
        { name: "revision", type: "string", description: "Full 40-character commit SHA." },
      ],
      results: [
        { name: "CHAINS-GIT_URL", type: "string", description: "Repository URL, for provenance." },
        { name: "CHAINS-GIT_COMMIT", type: "string", description: "Commit built, for provenance." },
      ],
      steps: [
        {
          name: "clone",
          image: r.images.git,
          env: [
            { name: "URL", value: "$(params.url)" },
            { name: "REVISION", value: "$(params.revision)" },
          ],
          script: `${SH}case "$REVISION" in *[!0-9a-f]*) echo "revision must be a full commit SHA" >&2; exit 1;; esac
[ "\${#REVISION}" -eq 40 ] || { echo "revision must be a full 40-character commit SHA" >&2; exit 1; }
rm -rf "$SRC" && mkdir -p "$SRC" && cd "$SRC"
git init -q .
git remote add origin "$URL"
git -c protocol.file.allow=never fetch -q --depth=1 origin "$REVISION"
git -c advice.detachedHead=false checkout -q --detach FETCH_HEAD
[ "$(git rev-parse HEAD)" = "$REVISION" ]
printf '%s' "$URL" > "$(results.CHAINS-GIT_URL.path)"
printf '%s' "$REVISION" > "$(results.CHAINS-GIT_COMMIT.path)"
`,
        },
      ],
    }),
    task("mod", {
      description: "Downloads the module graph through GOPROXY and verifies it against go.sum.",
      steps: [{ name: "download-verify", image: primary, env: [local], script: `${SH}cd "$SRC"\ngo mod download\ngo mod verify\n` }],
    }),
    task("lint", {
      description: "go vet and golangci-lint.",
      steps: [
        { name: "vet", image: primary, env: [local], script: `${SH}cd "$SRC"\ngo vet ./...\n` },
        // golangci-lint runs on the Go toolchain inside its image (it must be at least the module's go version).
        { name: "golangci-lint", image: r.images.golangciLint, env: [{ name: "GOLANGCI_LINT_CACHE", value: "$(workspaces.source.path)/cache/lint" }], script: `${SH}cd "$SRC"\ngolangci-lint run --timeout=10m ./...\n` },
      ],
    }),
    task("test", {
      description: `go test -race -count=1 with Go ${r.testGoVersions.join(", ")}.`,
      steps: r.testGoVersions.map((version) => ({
        name: `test-go${version.replaceAll(".", "-")}`,
        image: r.goImage(version),
        env: [local, { name: "CGO_ENABLED", value: "1" }],
        script: `${SH}cd "$SRC"\ngo version\ngo test -race -count=1 ./...\n`,
      })),
    }),
    task("vulncheck", {
      description: "govulncheck against the Go vulnerability database.",
      steps: [
        {
          name: "govulncheck",
          image: primary,
          env: [local, { name: "GOBIN", value: "/tmp/bin" }, { name: "VULNDB", value: r.vulnDb }],
          script: `${SH}go install ${GOVULNCHECK_MODULE}\ncd "$SRC"\n/tmp/bin/govulncheck -db "$VULNDB" ./...\n`,
        },
      ],
    }),
    task("build", {
      description: "Builds a multi-arch image with ko (no Docker daemon) with an SPDX SBOM, pushes it and records its digest.",
      params: [
        { name: "image-repo", type: "string", description: "Repository to push to." },
        { name: "revision", type: "string", description: "Commit built, used as the image tag." },
      ],
      results: [
        { name: "IMAGE_URL", type: "string", description: "Image repository (Chains signs IMAGE_URL@IMAGE_DIGEST)." },
        { name: "IMAGE_DIGEST", type: "string", description: "Image digest, sha256:…" },
      ],
      workspaces: [source, { name: "dockerconfig", description: "Optional registry credentials (config.json) where no cloud identity is bound.", optional: true, readOnly: true }],
      steps: [
        {
          name: "ko-build",
          image: primary,
          env: [
            local,
            { name: "GOBIN", value: "/tmp/bin" },
            { name: "KO_DOCKER_REPO", value: "$(params.image-repo)" },
            { name: "KO_DEFAULTBASEIMAGE", value: r.images.koBase },
            { name: "REVISION", value: "$(params.revision)" },
            { name: "PLATFORMS", value: r.platforms.join(",") },
            { name: "PACKAGE", value: r.pkg },
          ],
          script: `${SH}if [ "$(workspaces.dockerconfig.bound)" = "true" ]; then export DOCKER_CONFIG="$(workspaces.dockerconfig.path)"; fi
go install ${KO_MODULE}
cd "$SRC"
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
export SOURCE_DATE_EPOCH
/tmp/bin/ko build --bare --sbom=spdx --platform="$PLATFORMS" --tags="$REVISION" --image-refs=/tmp/image-refs "$PACKAGE"
ref="$(cat /tmp/image-refs)"
url="\${ref%@*}"
printf '%s' "\${url%:$REVISION}" > "$(results.IMAGE_URL.path)"
printf '%s' "\${ref#*@}" > "$(results.IMAGE_DIGEST.path)"
`,
        },
      ],
    }),
  ];

  if (cosign !== undefined) {
    const mounts = [{ name: "work", mountPath: "/work" }];
    const keyMounts = [...mounts, { name: "signing", mountPath: "/signing", readOnly: true }];
    const password = { name: "COSIGN_PASSWORD", valueFrom: { secretKeyRef: { name: cosign.secretName, key: "cosign.password" } } };
    const tlog = `--tlog-upload=${String(cosign.transparencyLog)}`;
    const image = "$(params.image-url)@$(params.image-digest)";
    tasks.push(
      task("sign", {
        description: "Signs the image by digest with the platform key and attests SLSA provenance (explicit cosign steps).",
        params: [
          { name: "image-url", type: "string", description: "Image repository." },
          { name: "image-digest", type: "string", description: "Image digest." },
          { name: "repo-url", type: "string", description: "Repository built." },
          { name: "revision", type: "string", description: "Commit built." },
        ],
        workspaces: [{ name: "dockerconfig", description: "Optional registry credentials (config.json).", optional: true, readOnly: true }],
        volumes: [{ name: "work", emptyDir: {} }, { name: "signing", secret: { secretName: cosign.secretName } }],
        steps: [
          {
            name: "provenance",
            image: r.images.git,
            env: [
              { name: "REPO", value: "$(params.repo-url)" },
              { name: "REVISION", value: "$(params.revision)" },
              { name: "GO_VERSION", value: r.goVersion },
            ],
            volumeMounts: mounts,
            script: `${SH}cat > /work/predicate.json <<EOF
{"buildDefinition":{"buildType":"https://goplatform.dev/GoPipeline/v1","externalParameters":{"repository":"$REPO","revision":"$REVISION"},"internalParameters":{"goVersion":"go$GO_VERSION","builder":"ko"},"resolvedDependencies":[{"uri":"git+$REPO","digest":{"sha1":"$REVISION"}}]},"runDetails":{"builder":{"id":"https://goplatform.dev/GoPipeline"}}}
EOF
`,
          },
          {
            name: "sign",
            image: r.images.cosign,
            env: [password, { name: "DOCKER_CONFIG", value: "$(workspaces.dockerconfig.path)" }],
            volumeMounts: keyMounts,
            command: ["cosign"],
            args: ["sign", "--yes", "--key", "/signing/cosign.key", tlog, image],
          },
          {
            name: "attest",
            image: r.images.cosign,
            env: [password, { name: "DOCKER_CONFIG", value: "$(workspaces.dockerconfig.path)" }],
            volumeMounts: keyMounts,
            command: ["cosign"],
            args: ["attest", "--yes", "--key", "/signing/cosign.key", tlog, "--type", "slsaprovenance1", "--predicate", "/work/predicate.json", image],
          },
        ],
      }),
    );
  }
  return tasks;
}

/** The Pipeline spec: task order, parameters, workspaces and the image results. */
export function goPipelineSpec(name: string, repoUrl: string, imageRepository: string, signing: "chains" | "cosign"): Record<string, unknown> {
  const source = [{ name: "source", workspace: "source" }];
  const tasks: Record<string, unknown>[] = [
    { name: "clone", taskRef: { name: `${name}-clone` }, params: [{ name: "url", value: "$(params.repo-url)" }, { name: "revision", value: "$(params.revision)" }], workspaces: source },
    { name: "mod", runAfter: ["clone"], taskRef: { name: `${name}-mod` }, workspaces: source },
    { name: "lint", runAfter: ["mod"], taskRef: { name: `${name}-lint` }, workspaces: source },
    { name: "test", runAfter: ["mod"], taskRef: { name: `${name}-test` }, workspaces: source },
    { name: "vulncheck", runAfter: ["mod"], taskRef: { name: `${name}-vulncheck` }, workspaces: source },
    {
      name: "build",
      runAfter: ["lint", "test", "vulncheck"],
      taskRef: { name: `${name}-build` },
      params: [{ name: "image-repo", value: "$(params.image-repo)" }, { name: "revision", value: "$(params.revision)" }],
      workspaces: [...source, { name: "dockerconfig", workspace: "dockerconfig" }],
    },
  ];
  if (signing === "cosign") {
    tasks.push({
      name: "sign",
      runAfter: ["build"],
      taskRef: { name: `${name}-sign` },
      params: [
        { name: "image-url", value: "$(tasks.build.results.IMAGE_URL)" },
        { name: "image-digest", value: "$(tasks.build.results.IMAGE_DIGEST)" },
        { name: "repo-url", value: "$(params.repo-url)" },
        { name: "revision", value: "$(params.revision)" },
      ],
      workspaces: [{ name: "dockerconfig", workspace: "dockerconfig" }],
    });
  }
  return {
    description: `Go supply chain for ${repoUrl}: verify, vet and lint, test with -race, govulncheck, ko build with SBOM, push by digest, sign and attest provenance (${signing === "chains" ? "Tekton Chains" : "cosign steps"}).`,
    params: [
      { name: "revision", type: "string", description: "Full commit SHA to build." },
      { name: "repo-url", type: "string", description: "Repository URL.", default: repoUrl },
      { name: "image-repo", type: "string", description: "Repository to push the image to.", default: imageRepository },
    ],
    workspaces: [
      { name: "source", description: "Per-run volume for the checkout and Go caches." },
      { name: "dockerconfig", description: "Optional registry credentials.", optional: true },
    ],
    results: [
      { name: "IMAGE_URL", type: "string", description: "Image repository.", value: "$(tasks.build.results.IMAGE_URL)" },
      { name: "IMAGE_DIGEST", type: "string", description: "Image digest.", value: "$(tasks.build.results.IMAGE_DIGEST)" },
      { name: "CHAINS-GIT_URL", type: "string", description: "Repository built.", value: "$(tasks.clone.results.CHAINS-GIT_URL)" },
      { name: "CHAINS-GIT_COMMIT", type: "string", description: "Commit built.", value: "$(tasks.clone.results.CHAINS-GIT_COMMIT)" },
    ],
    tasks,
  };
}

/**
 * The CEL filter for pushes to `branch`. A branch deletion is a push event too (GitHub:
 * `deleted: true`; GitLab: `checkout_sha: null`), with an all-zero `after`, and would
 * start a PipelineRun that can only fail at clone.
 */
function pushFilter(provider: "github" | "gitlab", branch: string): string {
  const notDeleted = provider === "github" ? "!body.deleted" : "body.checkout_sha != null";
  return `body.ref == 'refs/heads/${branch}' && ${notDeleted}`;
}

/** TriggerBinding, TriggerTemplate and EventListener for push webhooks. */
function triggerObjects(name: string, provider: "github" | "gitlab", branch: string, secretName: string, r: Resolved, workspaceSize: string, registrySecret: string | undefined) {
  // Only the commit comes from the webhook body: the repository and image stay fixed in the Pipeline.
  const revision = provider === "github" ? "$(body.after)" : "$(body.checkout_sha)";
  const eventTypes = provider === "github" ? ["push"] : ["Push Hook"];
  return {
    binding: { metadata: { name: `${name}-push` }, spec: { params: [{ name: "revision", value: revision }] } },
    template: { metadata: { name: `${name}-run` } },
    templateSpec: (serviceAccountName: string, podLabels: Record<string, string>) => ({
      params: [{ name: "revision", description: "Commit SHA from the push event." }],
      resourcetemplates: [
        {
          apiVersion: TEKTON_API,
          kind: "PipelineRun",
          // Labels propagate to TaskRuns and their pods (AKS workload identity needs its pod label).
          metadata: { generateName: `${name}-`, labels: { ...r.labels, ...podLabels }, annotations: r.annotations },
          spec: {
            pipelineRef: { name },
            params: [{ name: "revision", value: "$(tt.params.revision)" }],
            taskRunTemplate: { serviceAccountName },
            workspaces: [
              { name: "source", volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: workspaceSize } } } } },
              registrySecret === undefined
                ? { name: "dockerconfig", emptyDir: {} }
                : { name: "dockerconfig", secret: { secretName: registrySecret, items: [{ key: ".dockerconfigjson", path: "config.json" }] } },
            ],
          },
        },
      ],
    }),
    listener: {
      metadata: { name: `${name}-push` },
      spec: {
        triggers: [
          {
            name: `${provider}-push`,
            interceptors: [
              {
                ref: { name: provider, kind: "ClusterInterceptor" },
                params: [
                  { name: "secretRef", value: { secretName, secretKey: "token" } },
                  { name: "eventTypes", value: eventTypes },
                ],
              },
              { ref: { name: "cel", kind: "ClusterInterceptor" }, params: [{ name: "filter", value: pushFilter(provider, branch) }] },
            ],
            bindings: [{ ref: `${name}-push` }],
            template: { ref: `${name}-run` },
          },
        ],
      },
    },
  };
}
