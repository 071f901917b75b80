/**
 * GoPipeline's arguments: the interfaces and enums the component takes, and `resolve`,
 * which checks them (before anything exists) and fills in the defaults.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkDnsLabel, checkImageByDigest, checkList, checkNotEmpty, checkOneOf, checkVolumeSize, isDigestRef, isPending, isRecord, SECRET_NOT_SHOWN, shownSecret } from "../args";
import { checkClusterData, type ClusterData } from "../cluster";
import { checkGoVersion, defaultGoVersion, formatGoVersion, goReleases, kubernetesGoMetadata, parseGoVersion } from "../go";
import { checkAsOf } from "../days";
import { checkImageRepository, checkPrivateKey, checkRegistryRepositoryArgument, checkRepoUrl, checkWebhookSecret } from "./checks";
import { COSIGN_IMAGE, GIT_IMAGE, GOLANG_REPOSITORY, GOLANGCI_LINT_IMAGE, KO_BASE_IMAGE } from "./images";

export const COMPONENT = "GoPipeline";

/** A platform ko builds the image for. */
export const PipelinePlatform = {
  /** linux/amd64 */
  LinuxAmd64: "linux/amd64",
  /** linux/arm64 */
  LinuxArm64: "linux/arm64",
  /** linux/arm/v7 */
  LinuxArmV7: "linux/arm/v7",
  /** linux/ppc64le */
  LinuxPpc64le: "linux/ppc64le",
  /** linux/s390x */
  LinuxS390x: "linux/s390x",
} as const;
export type PipelinePlatform = (typeof PipelinePlatform)[keyof typeof PipelinePlatform];

/** Who signs the built image. */
export const PipelineSigningMode = {
  /** Tekton Chains signs the build's IMAGE_URL@IMAGE_DIGEST and attests SLSA provenance with the key Tekton holds. */
  Chains: "chains",
  /** Explicit cosign sign and attest steps in the pipeline, with a key in a Secret of the pipeline namespace. */
  Cosign: "cosign",
} as const;
export type PipelineSigningMode = (typeof PipelineSigningMode)[keyof typeof PipelineSigningMode];

/** How the image is signed. Signing cannot be switched off. */
export interface GoPipelineSigning {
  /** Tekton Chains or explicit cosign steps. Default: "chains". */
  mode?: PipelineSigningMode;
  /** cosign.key (encrypted PEM), as a Pulumi secret. Required with mode "cosign", refused with "chains" (Chains holds its own key). */
  privateKey?: pulumi.Input<string>;
  /** The key's password, as a Pulumi secret. Required with mode "cosign", refused with "chains". */
  password?: pulumi.Input<string>;
  /** Upload the signature and attestation to Rekor; only with mode "cosign" (Chains' log is Tekton's `transparencyLog`). Default: false. */
  transparencyLog?: boolean;
}

/** The Git host that sends push webhooks. */
export const PipelineTriggerProvider = {
  /** GitHub push events (`X-Hub-Signature-256`). */
  GitHub: "github",
  /** GitLab Push Hook events (`X-Gitlab-Token`). */
  GitLab: "gitlab",
} as const;
export type PipelineTriggerProvider = (typeof PipelineTriggerProvider)[keyof typeof PipelineTriggerProvider];

/** Push webhooks that start a run: a Triggers EventListener that verifies the webhook secret. */
export interface GoPipelineTrigger {
  /** The Git host sending the webhooks. */
  provider: PipelineTriggerProvider;
  /** The webhook secret, as a Pulumi secret, at least 32 characters. */
  secret: pulumi.Input<string>;
  /** Branch whose pushes start a run. Default: "main". */
  branch?: string;
}

/** Step images other than the golang toolchain, each by digest. */
export interface GoPipelineImages {
  /** Clones the repository and writes the provenance predicate. Default: alpine/git 2.49.1 (images.ts). */
  git?: string;
  /** golangci-lint. Default: golangci-lint 2.12.2 (images.ts). */
  golangciLint?: string;
  /** cosign, for signing mode "cosign". Default: cosign 2.5.0 (images.ts). */
  cosign?: string;
  /** The base image ko puts the binary on. Default: distroless static, non-root (images.ts). */
  koBase?: string;
}

export interface GoPipelineArgs {
  /**
   * The cluster the pipeline runs in. Pass a Tekton's `cluster` output when this stack
   * installs Tekton, so the pipeline objects are created after the installation.
   */
  cluster: ClusterData;
  /** Git repository of the Go module: https://… or ssh (ssh://git@host/… or git@host:…). */
  repoUrl: string;
  /** Where to push the image: registry host and path, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api". */
  imageRepository: string;
  /**
   * Cloud registry repository the build ServiceAccount may push to (ECR repository ARN,
   * Artifact Registry repository id, ACR resource id); granted through the cluster's
   * workload identity. Default: none (registry credentials then come from the optional
   * `dockerconfig` workspace).
   */
  registryPush?: pulumi.Input<string>;
  /**
   * A Secret in the pipeline namespace of type kubernetes.io/dockerconfigjson with
   * registry credentials, for registries the cloud identity cannot reach. Mounted as the
   * `dockerconfig` workspace of the build and cosign steps only: it is not among the
   * build ServiceAccount's imagePullSecrets, so Tekton Chains, which pushes signatures
   * and attestations with its controller's credentials and the TaskRun ServiceAccount's
   * imagePullSecrets, does not see it. Default: none (the push relies on the cloud
   * identity; ko and cosign use the ECR, GCR/Artifact Registry and ACR credential helpers).
   */
  registryCredentialsSecret?: string;
  /** Namespace for the pipeline objects. Default: the component name. */
  namespace?: string;
  /** Create the namespace. Default: true. */
  createNamespace?: boolean;
  /**
   * Go release that builds the image, e.g. "1.27.4". A pinned release is checked
   * against the supported window on `asOf`, which defaults to today: once its Go line
   * leaves the window, every later preview of the stack throws. Pin `asOf` with it for a
   * reproducible stack, or leave goVersion unset to follow the newest release. Default:
   * newest patch of the newest supported line on `asOf`.
   */
  goVersion?: string;
  /** Go releases `go test -race` runs with, one step each. Default: [goVersion]. */
  testGoVersions?: string[];
  /**
   * Digest of the golang toolchain image for every Go release used (goVersion and
   * testGoVersions), e.g. `{ "1.27.4": "sha256:…" }`. Required: goplatform ships no
   * golang digests, because it could not verify one for each release it may pick.
   */
  goImageDigests: { [goVersion: string]: string };
  /** Repository of the golang images (a mirror, for air-gapped clusters). Default: "docker.io/library/golang". */
  goImageRepository?: string;
  /** Other step images, each by digest. Default: see images.ts (alpine/git, golangci-lint, cosign, distroless static base). */
  images?: GoPipelineImages;
  /** GOPROXY. Default: "https://proxy.golang.org,direct". */
  goProxy?: string;
  /** GOSUMDB; "off" is refused (use goPrivate for private modules). Default: "sum.golang.org". */
  goSumDb?: string;
  /** GOPRIVATE (modules fetched directly and not checked against GOSUMDB). Default: "". */
  goPrivate?: string;
  /** GOFLAGS. Default: "-mod=readonly". */
  goFlags?: string;
  /** Vulnerability database govulncheck queries (https:// or file:///). Default: "https://vuln.go.dev". */
  vulnDb?: string;
  /** Main package ko builds, relative to the repository root. Default: ".". */
  package?: string;
  /** Image platforms. Default: ["linux/amd64", "linux/arm64"]. */
  platforms?: PipelinePlatform[];
  /** Signing: Tekton Chains or explicit cosign steps; signing cannot be switched off. Default: { mode: "chains" }. */
  signing?: GoPipelineSigning;
  /** Push webhooks: a Triggers EventListener that verifies the webhook secret. Default: none. */
  trigger?: GoPipelineTrigger;
  /** Go module path, recorded as `goplatform.dev/go-module`. Default: not recorded. */
  goModule?: string;
  /** Size of the per-run source workspace volume (Mi, Gi or Ti). Default: "2Gi". */
  workspaceSize?: string;
  /**
   * Day the Go version rules are judged for (YYYY-MM-DD). The same program can start
   * failing (a pinned goVersion leaving support) or change its default goVersion on a
   * later day; set it to make previews reproducible. Default: today.
   */
  asOf?: string;
}

/** Arguments after validation and defaults. */
export interface Resolved {
  namespace: string;
  /** Whether the component creates the namespace. */
  createNamespace: boolean;
  /** The registry repository the build may push to, checked for the cluster's cloud (undefined: none). */
  registryPush: pulumi.Input<string> | undefined;
  goVersion: string;
  testGoVersions: string[];
  goImage: (version: string) => string;
  images: Required<GoPipelineImages>;
  env: { name: string; value: string }[];
  vulnDb: string;
  pkg: string;
  platforms: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  workspaceSize: string;
}

/** `signing` checked: the fields the mode needs are there, the ones it forbids are not. */
export interface ResolvedSigning {
  mode: PipelineSigningMode;
  /** With mode "cosign": the key (a secret, checked when known) and its password. */
  cosign?: { privateKey: pulumi.Output<string>; password: pulumi.Input<string>; transparencyLog: boolean };
}

export function resolveSigning(signing: GoPipelineSigning | undefined): ResolvedSigning {
  const given: unknown = signing;
  if (given !== undefined && !isRecord(given)) {
    throw new ArgumentError(COMPONENT, "signing", signing, "expected { mode: \"chains\" } or { mode: \"cosign\", privateKey, password }; signing cannot be switched off");
  }
  const mode = checkOneOf(COMPONENT, "signing.mode", signing?.mode ?? PipelineSigningMode.Chains, Object.values(PipelineSigningMode));
  if (mode === PipelineSigningMode.Chains) {
    for (const field of ["privateKey", "password", "transparencyLog"] as const) {
      if (signing?.[field] !== undefined) {
        throw new ArgumentError(COMPONENT, `signing.${field}`, field === "transparencyLog" ? signing[field] : SECRET_NOT_SHOWN, `expected no signing.${field} with signing mode "chains" (Tekton Chains signs with the key and log of the Tekton component); set mode: "cosign" to sign in the pipeline`);
      }
    }
    return { mode };
  }
  if (signing?.privateKey === undefined) {
    throw new ArgumentError(COMPONENT, "signing.privateKey", undefined, "expected the cosign private key (cosign.key, a Pulumi secret) with signing mode \"cosign\"");
  }
  if (!isPending(signing.password) && (typeof signing.password !== "string" || signing.password === "")) {
    throw new ArgumentError(COMPONENT, "signing.password", shownSecret(signing.password), "expected the cosign key password (a Pulumi secret) with signing mode \"cosign\"");
  }
  const transparencyLog = checkBoolean(COMPONENT, "signing.transparencyLog", signing.transparencyLog ?? false);
  return { mode, cosign: { privateKey: checkPrivateKey(COMPONENT, "signing.privateKey", signing.privateKey), password: signing.password, transparencyLog } };
}

/** `trigger` checked; its webhook secret checked when known. */
export function resolveTrigger(trigger: GoPipelineTrigger | undefined): { provider: PipelineTriggerProvider; secret: pulumi.Output<string>; branch: string } | undefined {
  if (trigger === undefined) return undefined;
  const given: unknown = trigger;
  if (!isRecord(given)) throw new ArgumentError(COMPONENT, "trigger", trigger, "expected { provider, secret, branch? }");
  const provider = checkOneOf(COMPONENT, "trigger.provider", trigger.provider, Object.values(PipelineTriggerProvider));
  const secret = checkWebhookSecret(COMPONENT, "trigger.secret", trigger.secret);
  const branch = trigger.branch ?? "main";
  if (typeof branch !== "string" || !/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes("..") || branch.startsWith("/")) {
    throw new ArgumentError(COMPONENT, "trigger.branch", branch, "expected a branch name such as \"main\"");
  }
  return { provider, secret, branch };
}

export function resolve(name: string, args: GoPipelineArgs): Resolved {
  checkDnsLabel(COMPONENT, "name", name);
  if (name.length > 40) throw new ArgumentError(COMPONENT, "name", name, "expected at most 40 characters (Tekton object names are derived from it)");
  const { cloud } = checkClusterData(COMPONENT, args.cluster);
  const registryPush =
    args.registryPush === undefined
      ? undefined
      : checkRegistryRepositoryArgument(COMPONENT, "registryPush", cloud, args.registryPush, "an ExistingCluster has no cloud identity for the build; leave registryPush unset and give registry credentials in registryCredentialsSecret instead");
  const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? name);
  checkRepoUrl(COMPONENT, "repoUrl", args.repoUrl);
  checkImageRepository(COMPONENT, "imageRepository", args.imageRepository);
  const day = checkAsOf(COMPONENT, args.asOf, "asOf", goReleases.coversFrom());
  const goVersion = checkGoVersion(COMPONENT, args.goVersion ?? defaultGoVersion(day), day, "goVersion");
  const testGoVersions = [...new Set(checkList(COMPONENT, "testGoVersions", args.testGoVersions ?? [goVersion], () => true).map((v, i) => checkGoVersion(COMPONENT, v, day, `testGoVersions[${i}]`)))];

  const goImageRepository = args.goImageRepository ?? GOLANG_REPOSITORY;
  checkImageRepository(COMPONENT, "goImageRepository", goImageRepository);
  const givenDigests: unknown = args.goImageDigests;
  if (!isRecord(givenDigests)) {
    throw new ArgumentError(COMPONENT, "goImageDigests", args.goImageDigests, "expected a map of Go release to golang image digest, such as { \"1.27.4\": \"sha256:…\" }");
  }
  const digests = new Map<string, string>();
  for (const [key, digest] of Object.entries(args.goImageDigests)) {
    let version: string;
    try {
      version = formatGoVersion(parseGoVersion(key));
    } catch {
      throw new ArgumentError(COMPONENT, "goImageDigests", key, "expected keys that are Go releases, such as \"1.27.4\"");
    }
    // The digest rule of image references (parseImageRef), on the reference the steps will run.
    if (typeof digest !== "string" || !isDigestRef(`${goImageRepository}:${version}@${digest}`)) {
      throw new ArgumentError(COMPONENT, `goImageDigests["${key}"]`, digest, "expected an image digest sha256:<64 hex digits>");
    }
    digests.set(version, digest);
  }
  for (const version of new Set([goVersion, ...testGoVersions])) {
    if (!digests.has(version)) {
      throw new ArgumentError(COMPONENT, "goImageDigests", Object.fromEntries(digests), `expected the digest of ${goImageRepository}:${version} (Go ${version} is used by this pipeline); find it with \`crane digest ${goImageRepository}:${version}\` or your registry`);
    }
  }
  const goImage = (version: string): string => `${goImageRepository}:${version}@${digests.get(version) ?? ""}`;

  const givenImages: unknown = args.images;
  if (givenImages !== undefined && !isRecord(givenImages)) {
    throw new ArgumentError(COMPONENT, "images", givenImages, "expected { git?, golangciLint?, cosign?, koBase? }, each an image by digest");
  }
  const images = {
    git: checkImageByDigest(COMPONENT, "images.git", args.images?.git ?? GIT_IMAGE),
    golangciLint: checkImageByDigest(COMPONENT, "images.golangciLint", args.images?.golangciLint ?? GOLANGCI_LINT_IMAGE),
    cosign: checkImageByDigest(COMPONENT, "images.cosign", args.images?.cosign ?? COSIGN_IMAGE),
    koBase: checkImageByDigest(COMPONENT, "images.koBase", args.images?.koBase ?? KO_BASE_IMAGE),
  };
  const goSumDb = args.goSumDb ?? "sum.golang.org";
  if (typeof goSumDb !== "string" || goSumDb === "off" || goSumDb.trim() === "") {
    throw new ArgumentError(COMPONENT, "goSumDb", goSumDb, "expected a checksum database (default \"sum.golang.org\"); list private modules in goPrivate instead of switching verification off");
  }
  const goProxy = args.goProxy ?? "https://proxy.golang.org,direct";
  if (typeof goProxy !== "string" || goProxy === "off" || goProxy.trim() === "") throw new ArgumentError(COMPONENT, "goProxy", goProxy, "expected a GOPROXY list such as \"https://proxy.golang.org,direct\"");
  const goFlags = args.goFlags ?? "-mod=readonly";
  if (typeof goFlags !== "string" || /-mod=mod\b/.test(goFlags)) throw new ArgumentError(COMPONENT, "goFlags", goFlags, "expected flags that keep go.mod and go.sum authoritative (-mod=mod would let the build change them)");
  const pkg = args.package ?? ".";
  if (!/^\.(\/[A-Za-z0-9._-]+)*\/?$/.test(pkg) || pkg.split("/").includes("..")) {
    throw new ArgumentError(COMPONENT, "package", pkg, "expected a main package path inside the repository, such as \".\" or \"./cmd/api\"");
  }
  const platforms = checkList(COMPONENT, "platforms", args.platforms ?? [PipelinePlatform.LinuxAmd64, PipelinePlatform.LinuxArm64], (p) =>
    checkOneOf(COMPONENT, "platforms", p, Object.values(PipelinePlatform)),
  );
  const vulnDb = args.vulnDb ?? "https://vuln.go.dev";
  if (typeof vulnDb !== "string" || !/^(https:\/\/|file:\/\/\/)\S+$/.test(vulnDb)) throw new ArgumentError(COMPONENT, "vulnDb", vulnDb, "expected an https:// or file:/// URL of a Go vulnerability database");
  if (args.registryCredentialsSecret !== undefined) checkDnsLabel(COMPONENT, "registryCredentialsSecret", args.registryCredentialsSecret);
  const workspaceSize = checkVolumeSize(COMPONENT, "workspaceSize", args.workspaceSize ?? "2Gi");

  checkNotEmpty(COMPONENT, "goModule", args.goModule, "a Go module path such as \"github.com/acme/payments\" (or no goModule)");
  const goMeta = kubernetesGoMetadata(goVersion, args.goModule);
  return {
    namespace,
    createNamespace: checkBoolean(COMPONENT, "createNamespace", args.createNamespace ?? true),
    registryPush,
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
    workspaceSize,
  };
}
