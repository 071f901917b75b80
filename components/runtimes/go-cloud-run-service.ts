/**
 * GoCloudRunService: a Go module built reproducibly into a container image, pushed
 * to Artifact Registry and run by digest on Cloud Run (v2) with a dedicated service
 * account, Binary Authorization, gen2, probes, and internal ingress by default.
 *
 * Two builders make the same filesystem (static binary, CA bundle, non-root user):
 * the default daemonless one assembles the OCI image itself and pushes it through
 * the registry API, so its digest is known at preview; "docker" hands a generated
 * build context to @pulumi/docker, for machines with a Docker daemon.
 *
 * Right after the push (at update, never at preview) the image is signed with the
 * platform's cosign key and gets its SPDX SBOM and SLSA provenance attached, in the
 * classic cosign format policy-controller and `cosign verify --key` read. The key is
 * decrypted at preview too, so a wrong password fails before anything changes; it is
 * never a resource input, so it is never in the state.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkNotEmpty, checkNumber, checkOneOf, componentToken, isPending, isRecord, SECRET_NOT_SHOWN, withLegacyType } from "../args";
import { checkPrivateKey } from "../delivery/checks";
import { buildGo, gcpGoLabels, goModulePath, readBuildInfo, resolveGoBuild, GoArch } from "../go";
import { buildGoImage, CosignKeyError, loadCosignKey, parseImageRef, pushImage, signAndAttestGoImage, writeDockerContext, type CosignKeyMaterial, type CosignSigner } from "../supplychain";
import { validateArgs } from "../arg-validation";

const COMPONENT = "GoCloudRunService";

/** How GoCloudRunService builds its image. */
export const CloudRunImageBuilder = {
  /** Assembles the OCI image itself and pushes it through the registry API: no Docker needed, digest known at preview. */
  Daemonless: "daemonless",
  /** @pulumi/docker's Image, built by a Docker daemon from a generated context. */
  Docker: "docker",
} as const;
export type CloudRunImageBuilder = (typeof CloudRunImageBuilder)[keyof typeof CloudRunImageBuilder];

/** Who can reach a Cloud Run service. */
export const CloudRunIngress = {
  /** The VPC and Cloud Load Balancing only. */
  InternalAndLoadBalancer: "internal-and-load-balancer",
  /** The VPC (and the project's internal sources) only. */
  Internal: "internal",
  /** The internet. */
  All: "all",
} as const;
export type CloudRunIngress = (typeof CloudRunIngress)[keyof typeof CloudRunIngress];

const INGRESS: Record<CloudRunIngress, string> = {
  "internal-and-load-balancer": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
  internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  all: "INGRESS_TRAFFIC_ALL",
};

/** Whether the image is signed. */
export const CloudRunSigningMode = {
  /** Sign with the platform's cosign key and attach SBOM and provenance attestations. Needs privateKey and password. */
  Cosign: "cosign",
  /** Deploy the image unsigned (an explicit opt-out; no key fields). */
  None: "none",
} as const;
export type CloudRunSigningMode = (typeof CloudRunSigningMode)[keyof typeof CloudRunSigningMode];

/** How the image is signed: the platform's cosign key (from `cosign generate-key-pair`), or explicitly not at all. */
export interface CloudRunSigning {
  /** "cosign" (sign with privateKey and password) or "none" (unsigned, chosen explicitly). Required: there is no default. */
  mode: CloudRunSigningMode;
  /**
   * cosign.key (`-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----`). Pass a Pulumi secret
   * (`config.requireSecret`). Required with mode "cosign", refused with "none". Default: none.
   */
  privateKey?: pulumi.Input<string>;
  /** The key's password. Pass a Pulumi secret. Required with mode "cosign", refused with "none". Default: none. */
  password?: pulumi.Input<string>;
}

/** Binary Authorization on the service: which policy admits its images. */
export interface CloudRunBinaryAuthorization {
  /** Enforce Binary Authorization. Default: true; false turns it off (an explicit opt-out). */
  enabled?: boolean;
  /** Name of the Binary Authorization policy to enforce. Only with `enabled` true. Default: the project's default policy. */
  policy?: string;
}

export interface GoCloudRunServiceArgs {
  /** Directory of the Go module holding the service's main package. */
  source: string;
  /** Main package, relative to `source`. Default: ".". */
  package?: string;
  /** Go toolchain release, e.g. "1.27.4". Default: newest patch of the newest supported line. */
  goVersion?: string;
  /** Cloud Run region, e.g. "europe-west1". */
  location: string;
  /** GCP project. Default: the provider's. */
  project?: pulumi.Input<string>;
  /** Image architecture, "amd64" or "arm64". Default: "amd64" (Cloud Run runs x86-64). */
  arch?: GoArch;
  /**
   * How the image is built: "daemonless" (no Docker needed, digest known at preview) or
   * "docker" (@pulumi/docker's Image against a Docker daemon). Default: "daemonless".
   */
  builder?: CloudRunImageBuilder;
  /** Who can reach it: "internal-and-load-balancer", "internal" or "all". Default: "internal-and-load-balancer". */
  ingress?: CloudRunIngress;
  /** Instances kept warm, 0–1000. Default: 0. */
  minInstances?: number;
  /** Upper bound on instances, 1–1000, at least minInstances. Default: 10. */
  maxInstances?: number;
  /** Concurrent requests per instance, 1–1000. Default: 80. */
  concurrency?: number;
  /** CPU limit, e.g. "1". Default: "1". */
  cpu?: string;
  /** Memory limit, e.g. "512Mi". Default: "512Mi". */
  memory?: string;
  /** Port the service listens on (it also gets PORT). Default: 8080. */
  port?: number;
  /** Path of the startup (readiness) probe. Default: "/readyz". */
  startupPath?: string;
  /** Path of the liveness probe. Default: "/healthz". */
  livenessPath?: string;
  /**
   * Sign the image with the platform's cosign key right after it is pushed, and attach
   * its SPDX 2.3 SBOM and SLSA provenance v1 (made from the binary's Go build info) as
   * signed attestations: `{ mode: "cosign", privateKey, password }` (cosign.key and its
   * password, as Pulumi secrets), the same key Tekton's `signingKey` takes. Required:
   * there is no default key, and an image goes unsigned only with an explicit
   * `{ mode: "none" }`.
   */
  signing: CloudRunSigning;
  /**
   * Binary Authorization: `{ policy }` to enforce a named policy, `{ enabled: false }` to
   * turn it off. Default: enforced, with the project's default policy.
   */
  binaryAuthorization?: CloudRunBinaryAuthorization;
  /** Labels for every resource, on top of the Go metadata labels. Default: none. */
  labels?: Record<string, string>;
  /** Day the Go version rules are judged for (YYYY-MM-DD). Default: today. */
  asOf?: string;
  /**
   * Protect the service and its children from deletion: Pulumi `protect`, and Cloud Run
   * `deletionProtection` on the service (which the provider otherwise turns on, so
   * `pulumi destroy` and any replacement of the service fail). Default: `opts.protect`,
   * else false: the service is stateless and its image is rebuilt from source, so
   * destroy and replacement work; opt in with true.
   */
  protect?: boolean;
}

/**
 * A GCP id (service account id, 6-30 characters; Artifact Registry repository id) for
 * `<name>-<suffix>`: that, cut to 23 characters, and a hash of it with the Pulumi project,
 * stack and location, so two stacks (or projects) deploying the same service into one
 * GCP project never share an id. Deterministic: the same stack gets the same id.
 */
function cloudRunId(name: string, suffix: string, location: string): string {
  const full = `${name}-${suffix}`;
  const hash = createHash("sha256").update(`${pulumi.getProject()}/${pulumi.getStack()}/${location}/${full}`).digest("hex").slice(0, 6);
  return `${full.slice(0, 23).replace(/-+$/, "")}-${hash}`;
}

/** Opens the cosign key (scrypt + secretbox), naming the argument when it cannot be opened. */
async function openKey(material: CosignKeyMaterial | undefined): Promise<CosignSigner | undefined> {
  if (material === undefined) return undefined;
  try {
    return await loadCosignKey(material);
  } catch (err) {
    if (err instanceof CosignKeyError) throw new Error(`${COMPONENT}: signing: ${err.message}`, { cause: err });
    throw err;
  }
}

/** A shown value for an error: booleans and undefined as they are, anything else (it may hold a key) hidden. */
function shown(value: unknown): unknown {
  return value === undefined || typeof value === "boolean" ? value : SECRET_NOT_SHOWN;
}

/**
 * The key to sign with, or undefined for mode "none". Checked at run time as well: other
 * languages and stack config bypass the types.
 */
function checkSigning(given: unknown): { privateKey: pulumi.Input<string>; password: pulumi.Input<string> } | undefined {
  if (!isRecord(given)) {
    throw new ArgumentError(COMPONENT, "signing", shown(given), "expected { mode: \"cosign\", privateKey, password } (the platform's cosign key and its password, as Pulumi secrets), or { mode: \"none\" } to deploy an unsigned image");
  }
  const mode = checkOneOf(COMPONENT, "signing.mode", given.mode as CloudRunSigningMode, Object.values(CloudRunSigningMode));
  const { privateKey, password } = given;
  if (mode === CloudRunSigningMode.None) {
    for (const [field, value] of [["privateKey", privateKey], ["password", password]] as const) {
      if (value !== undefined) throw new ArgumentError(COMPONENT, `signing.${field}`, SECRET_NOT_SHOWN, "expected no key with signing.mode \"none\": set mode \"cosign\" to sign with it");
    }
    return undefined;
  }
  if (privateKey === undefined || privateKey === null) {
    throw new ArgumentError(COMPONENT, "signing.privateKey", undefined, "expected the platform's cosign key (cosign.key, as a Pulumi secret) with signing.mode \"cosign\"");
  }
  if (password === undefined || password === null) {
    throw new ArgumentError(COMPONENT, "signing.password", undefined, "expected the cosign key's password (as a Pulumi secret) with signing.mode \"cosign\"");
  }
  if (!isPending(privateKey)) {
    // The format on the plain value, here, before anything exists (checkPrivateKey never shows the key).
    if (typeof privateKey !== "string") throw new ArgumentError(COMPONENT, "signing.privateKey", SECRET_NOT_SHOWN, "expected the cosign key as a string (cosign.key, as a Pulumi secret)");
    checkPrivateKey(COMPONENT, "signing.privateKey", privateKey);
  }
  if (!isPending(password) && typeof password !== "string") {
    throw new ArgumentError(COMPONENT, "signing.password", SECRET_NOT_SHOWN, "expected the cosign key's password as a string (as a Pulumi secret)");
  }
  if (typeof password === "string" && password.length === 0) {
    throw new ArgumentError(COMPONENT, "signing.password", "", "expected the cosign key's password (cosign keys are always encrypted)");
  }
  return { privateKey: privateKey as pulumi.Input<string>, password: password as pulumi.Input<string> };
}

const POLICY_NAME = /^projects\/[a-z0-9][-a-z0-9]*[a-z0-9]\/platforms\/cloudRun\/policies\/[A-Za-z0-9][-A-Za-z0-9_]*$/;

/**
 * The Cloud Run service's binaryAuthorization block, or undefined when it is turned off:
 * left out or `{}` or `{ enabled: true }` is `{ useDefault: true }` (the project's default
 * policy), `{ policy }` that policy. Anything else (`true`, a string) is refused: it would
 * reach the provider as an empty block.
 */
function checkBinaryAuthorization(given: unknown): { useDefault: true } | { policy: string } | undefined {
  if (given === undefined) return { useDefault: true };
  if (!isRecord(given)) {
    throw new ArgumentError(COMPONENT, "binaryAuthorization", given, "expected { enabled?, policy? }: {} for the project's default policy, { policy } for a named one, { enabled: false } to turn it off");
  }
  const enabled = checkBoolean(COMPONENT, "binaryAuthorization.enabled", given.enabled ?? true);
  if (!enabled) {
    if (given.policy !== undefined) {
      throw new ArgumentError(COMPONENT, "binaryAuthorization.policy", given.policy, "expected no policy when binaryAuthorization.enabled is false: nothing would enforce it");
    }
    return undefined;
  }
  if (given.policy === undefined) return { useDefault: true };
  // Cloud Run takes a platform policy by its resource name (Binary Authorization, "Cloud Run platform policies").
  if (typeof given.policy !== "string" || !POLICY_NAME.test(given.policy)) {
    throw new ArgumentError(COMPONENT, "binaryAuthorization.policy", given.policy, "expected the name of a Binary Authorization policy, such as \"projects/my-project/platforms/cloudRun/policies/my-policy\", or no policy for the project's default");
  }
  return { policy: given.policy };
}

/**
 * Cloud Run CPU and memory (https://cloud.google.com/run/docs/configuring/services/cpu and
 * …/services/memory-limits). The service runs in the second generation execution
 * environment, so: CPU 1, 2, 4, 6 or 8 (below 1 needs the first generation and
 * concurrency 1); memory 512 MiB (gen2 minimum) to 32 GiB; more than 4 GiB needs 2 CPUs,
 * more than 8 GiB 4, more than 16 GiB 6, more than 24 GiB 8; 4 CPUs need at least 2 GiB,
 * 6 and 8 CPUs at least 4 GiB.
 */
const CPU_MEMORY_MIB: Readonly<Record<string, { min: number; max: number }>> = {
  "1": { min: 512, max: 4096 },
  "2": { min: 512, max: 8192 },
  "4": { min: 2048, max: 16384 },
  "6": { min: 4096, max: 24576 },
  "8": { min: 4096, max: 32768 },
};

function checkCpuMemory(cpuGiven: unknown, memoryGiven: unknown): { cpu: string; memory: string } {
  const cpuText = typeof cpuGiven === "string" ? cpuGiven.replace(/^([1-9])000m$/, "$1") : undefined;
  const range = cpuText === undefined ? undefined : CPU_MEMORY_MIB[cpuText];
  if (cpuText === undefined || range === undefined) {
    throw new ArgumentError(COMPONENT, "cpu", cpuGiven, "expected \"1\", \"2\", \"4\", \"6\" or \"8\" (as a string; CPU below 1 needs the first generation execution environment, and this service runs in the second)");
  }
  const match = typeof memoryGiven === "string" ? /^([1-9]\d*)(Mi|Gi)$/.exec(memoryGiven) : null;
  if (match === null) throw new ArgumentError(COMPONENT, "memory", memoryGiven, "expected a memory limit such as \"512Mi\" or \"2Gi\" (Mi or Gi)");
  const mib = Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
  if (mib < range.min || mib > range.max) {
    throw new ArgumentError(COMPONENT, "memory", memoryGiven, `expected ${range.min}Mi to ${range.max / 1024}Gi with cpu "${cpuText}" (Cloud Run, second generation: at least 512Mi; over 4Gi needs cpu 2, over 8Gi cpu 4, over 16Gi cpu 6, over 24Gi cpu 8; cpu 4 needs 2Gi, cpu 6 and 8 need 4Gi)`);
  }
  return { cpu: cpuText, memory: memoryGiven as string };
}

/** GCP resource labels: keys 1-63 lowercase letters, digits, '_' and '-' starting with a letter; values up to 63 of the same. */
function checkGcpLabels(given: unknown): Record<string, string> {
  if (given === undefined) return {};
  if (!isRecord(given)) throw new ArgumentError(COMPONENT, "labels", given, "expected a map of label keys to string values");
  for (const [key, value] of Object.entries(given)) {
    if (!/^[a-z][-_a-z0-9]{0,62}$/.test(key)) throw new ArgumentError(COMPONENT, "labels", key, "expected label keys of 1-63 lowercase letters, digits, '_' and '-', starting with a letter (GCP labels)");
    if (typeof value !== "string" || !/^[-_a-z0-9]{0,63}$/.test(value)) {
      throw new ArgumentError(COMPONENT, `labels.${key}`, value, "expected a label value of up to 63 lowercase letters, digits, '_' and '-' (GCP labels)");
    }
  }
  return given as Record<string, string>;
}

/** GoCloudRunService's arguments checked, defaults applied: a pure function of the args, run before anything exists. */
export function checkGoCloudRunServiceArgs(name: string, args: GoCloudRunServiceArgs, opts?: pulumi.ComponentResourceOptions) {
  if (typeof name !== "string" || !/^[a-z][-a-z0-9]{0,24}[a-z0-9]$/.test(name)) {
    // It prefixes the service account id (6-30 characters) and the repository id.
    throw new ArgumentError(COMPONENT, "name", name, "expected 2-26 characters: lowercase letters, digits and '-', starting with a letter and ending alphanumeric");
  }
  checkNotEmpty(COMPONENT, "project", args.project, "a GCP project id (or no project, for the provider's)");
  if (!isRecord(args)) throw new ArgumentError(COMPONENT, "args", args, "expected the arguments object { source, location, signing, … }");
  const builder = checkOneOf(COMPONENT, "builder", args.builder ?? CloudRunImageBuilder.Daemonless, Object.values(CloudRunImageBuilder));
  const build = resolveGoBuild({ source: args.source, package: args.package, goVersion: args.goVersion, arch: args.arch ?? GoArch.Amd64, binaryName: "server", asOf: args.asOf }, COMPONENT);
  if (typeof args.location !== "string" || !/^[a-z]+-[a-z]+\d+$/.test(args.location)) {
    throw new ArgumentError(COMPONENT, "location", args.location, "expected a Cloud Run region such as \"europe-west1\"");
  }
  const ingress = checkOneOf(COMPONENT, "ingress", args.ingress ?? CloudRunIngress.InternalAndLoadBalancer, Object.values(CloudRunIngress));
  // Cloud Run: up to 1000 instances (https://cloud.google.com/run/docs/configuring/max-instances),
  // up to 1000 concurrent requests per instance (https://cloud.google.com/run/docs/about-concurrency).
  const minInstances = checkNumber(COMPONENT, "minInstances", args.minInstances ?? 0, { min: 0, max: 1000, integer: true });
  const maxInstances = checkNumber(COMPONENT, "maxInstances", args.maxInstances ?? 10, { min: 1, max: 1000, integer: true });
  if (maxInstances < minInstances) {
    throw new ArgumentError(COMPONENT, "maxInstances", maxInstances, `expected at least minInstances (${minInstances}): Cloud Run cannot keep more instances warm than it may run`);
  }
  const concurrency = checkNumber(COMPONENT, "concurrency", args.concurrency ?? 80, { min: 1, max: 1000, integer: true });
  const { cpu, memory } = checkCpuMemory(args.cpu ?? "1", args.memory ?? "512Mi");
  const port = checkNumber(COMPONENT, "port", args.port ?? 8080, { min: 1, max: 65535, integer: true });
  const paths = { startupPath: args.startupPath ?? "/readyz", livenessPath: args.livenessPath ?? "/healthz" };
  for (const [argument, value] of Object.entries(paths)) {
    if (typeof value !== "string" || !/^\/\S*$/.test(value)) throw new ArgumentError(COMPONENT, argument, value, "expected an HTTP path starting with '/'");
  }
  const signing = checkSigning(args.signing);
  const binaryAuthorization = checkBinaryAuthorization(args.binaryAuthorization);
  const labels = checkGcpLabels(args.labels);
  // One value for Pulumi's protect and Cloud Run's deletionProtection.
  const protect = checkBoolean(COMPONENT, "protect", args.protect ?? opts?.protect ?? false);
  return { builder, build, location: args.location, ingress, minInstances, maxInstances, concurrency, cpu, memory, port, ...paths, signing, binaryAuthorization, labels, protect };
}

export class GoCloudRunService extends pulumi.ComponentResource {
  /** Name of the Cloud Run service. */
  readonly serviceName: pulumi.Output<string>;
  /** The service's URL (reachable as `ingress` allows). */
  readonly uri: pulumi.Output<string>;
  /** The image the service runs, by digest. */
  readonly image: pulumi.Output<string>;
  /** Email of the service's dedicated service account. */
  readonly serviceAccountEmail: pulumi.Output<string>;
  /** Go toolchain the binary was built with, e.g. "1.27.4". */
  readonly goVersion: string;
  /** Main module of the service, from its go.mod. */
  readonly goModule: string;

  constructor(name: string, args: GoCloudRunServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs(
      "GoCloudRunService",
      args,
      (a) => {
        const checked = checkGoCloudRunServiceArgs(name, a, opts);
        return { ...checked, goModule: goModulePath(checked.build.source, COMPONENT) };
      },
      withLegacyType("goplatform:gcp:GoCloudRunService", opts),
    );
    const { builder, build, ingress, minInstances, maxInstances, concurrency, cpu, memory, port, startupPath, livenessPath, signing, binaryAuthorization, labels: callerLabels, protect, goModule } = validated.checked;
    // Neither ever becomes a resource input: they are read inside the push, unsecreted there
    // only so the image reference they help make is not marked secret.
    const keyMaterial: pulumi.Output<CosignKeyMaterial | undefined> =
      signing === undefined
        ? pulumi.output(undefined)
        : pulumi.all([pulumi.unsecret(pulumi.output(signing.privateKey)), pulumi.unsecret(pulumi.output(signing.password))]).apply(([privateKey, password]) => ({ privateKey, password }));
    super(componentToken("GoCloudRunService"), name, {}, { ...validated.opts, protect });
    this.goVersion = build.goVersion;
    this.goModule = goModule;

    const labels = { ...callerLabels, ...gcpGoLabels(build.goVersion, goModule) };
    const parent = { parent: this };

    const repository = new gcp.artifactregistry.Repository(
      name,
      { location: args.location, project: args.project, repositoryId: cloudRunId(name, "images", args.location), format: "DOCKER", dockerConfig: { immutableTags: true }, labels },
      parent,
    );
    const account = new gcp.serviceaccount.Account(
      name,
      { accountId: cloudRunId(name, "run", args.location), project: args.project, displayName: `${name} (Cloud Run, goplatform)` },
      parent,
    );

    const registryHost = `${args.location}-docker.pkg.dev`;
    const repositoryPath = pulumi.interpolate`${repository.project}/${repository.repositoryId}/${name}`;
    const accessToken = pulumi.secret(gcp.organizations.getClientConfigOutput(parent).accessToken);
    const binary = buildGo(build, COMPONENT);
    const imageArgs = (binaryPath: string) => ({ binary: binaryPath, arch: build.arch, goVersion: build.goVersion, goModule, name: "server", ldflags: build.ldflags });

    let imageRef: pulumi.Output<string>;
    if (builder === "daemonless") {
      // The digest is a function of the binary, so it is known at preview; the push
      // itself happens only on update, with the caller's access token.
      // A plain promise, not an Output: pulumi.output would copy the image's Buffers into
      // plain objects, and the registry would get other bytes than the digests name.
      const image = binary.then((b) => buildGoImage(imageArgs(b.binary)));
      // Awaited in the apply below; this only keeps an unused rejection (a preview with unknowns) from going unhandled.
      image.catch(() => undefined);
      imageRef = pulumi.all([repositoryPath, pulumi.unsecret(accessToken), keyMaterial]).apply(async ([repositoryName, password, material]) => {
        const built = await image;
        const signer = await openKey(material);
        const target = { registry: registryHost, repository: repositoryName, credentials: { username: "oauth2accesstoken", password } };
        if (pulumi.runtime.isDryRun()) return `${registryHost}/${repositoryName}@${built.manifest.digest}`;
        return (await pushImage(built, target, signer === undefined ? {} : { signing: signer })).reference;
      });
    } else {
      const context = pulumi.output(binary.then((b) => writeDockerContext(imageArgs(b.binary), b.outDir)));
      const image = new docker.Image(
        name,
        {
          build: { context: context.context, dockerfile: context.context.apply((c) => path.join(c, "Dockerfile")), platform: `linux/${build.arch}` },
          // Tagged by content: the repository's tags are immutable.
          imageName: pulumi.interpolate`${registryHost}/${repositoryPath}:${context.contentHash.apply((h) => h.slice(0, 16))}`,
          registry: { server: registryHost, username: "oauth2accesstoken", password: accessToken },
        },
        parent,
      );
      // @pulumi/docker pushes at update; the signature follows as soon as its digest is known.
      imageRef = pulumi
        .all([image.repoDigest, repositoryPath, pulumi.unsecret(accessToken), keyMaterial, binary])
        .apply(async ([repoDigest, repositoryName, password, material, built]) => {
          const signer = await openKey(material);
          if (signer === undefined || pulumi.runtime.isDryRun()) return repoDigest;
          const digest = parseImageRef(repoDigest)?.digest;
          if (digest === undefined) throw new Error(`${COMPONENT}: the docker build returned ${JSON.stringify(repoDigest)}, not an image reference by digest`);
          const target = { registry: registryHost, repository: repositoryName, credentials: { username: "oauth2accesstoken", password } };
          await signAndAttestGoImage(target, digest, { info: await readBuildInfo(built.binary), ldflags: built.ldflags }, signer);
          return repoDigest;
        });
    }

    const service = new gcp.cloudrunv2.Service(
      name,
      {
        location: args.location,
        project: args.project,
        ingress: INGRESS[ingress],
        deletionProtection: protect,
        labels,
        binaryAuthorization,
        template: {
          executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
          serviceAccount: account.email,
          maxInstanceRequestConcurrency: concurrency,
          scaling: { minInstanceCount: minInstances, maxInstanceCount: maxInstances },
          labels,
          containers: [
            {
              image: imageRef,
              ports: { containerPort: port },
              resources: { limits: { cpu, memory } },
              startupProbe: { httpGet: { path: startupPath, port }, periodSeconds: 2, failureThreshold: 15 },
              livenessProbe: { httpGet: { path: livenessPath, port }, periodSeconds: 10 },
            },
          ],
        },
      },
      parent,
    );

    this.serviceName = service.name;
    this.uri = service.uri;
    this.image = imageRef;
    this.serviceAccountEmail = account.email;
    this.registerOutputs({ serviceName: this.serviceName, uri: this.uri, image: this.image, serviceAccountEmail: this.serviceAccountEmail, goVersion: this.goVersion, goModule: this.goModule });
  }
}
