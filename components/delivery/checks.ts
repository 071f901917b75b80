/**
 * Argument checks the delivery components share: Git repository URLs, pinned
 * revisions, images by digest, image globs, signing keys, webhook secrets. Each
 * throws an ArgumentError naming the component and argument before anything exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, isPending, shownSecret } from "../args";
import { checkRegistryRepositoryValue } from "../cluster/checks";
import type { Cloud } from "../cluster/contract";

/** `https://host/path` or `ssh://git@host/path` or scp-like `git@host:path`. */
const HTTPS_REPO = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9._~/-]+$/;
const SSH_REPO = /^ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9._~/-]+$/;
const SCP_REPO = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~-][A-Za-z0-9._~/-]*$/;

export function checkRepoUrl(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !(HTTPS_REPO.test(value) || SSH_REPO.test(value) || SCP_REPO.test(value)) || value.includes("..")) {
    throw new ArgumentError(component, argument, value, "expected a Git repository URL over https (https://host/org/repo.git) or ssh (ssh://git@host/org/repo.git or git@host:org/repo.git)");
  }
  return value;
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;
/**
 * A semver tag, with or without a leading `v` (`v1.4.2`, `1.4.2-rc.1`), optionally under
 * `refs/tags/` and a directory prefix of tag-safe segments, as Go modules in a
 * subdirectory are tagged (`services/api/v1.2.3`).
 */
const SEMVER_TAG = /^(refs\/tags\/)?([A-Za-z0-9_][A-Za-z0-9_.-]*\/)*v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** Prefixes that name branches or other refs, not tags. */
const NOT_A_TAG = /^(refs\/(?!tags\/)|heads\/|remotes\/)/;

export function isPinnedRevision(value: string): boolean {
  if (COMMIT_SHA.test(value)) return true;
  const dirs = value.split("/").slice(0, -1);
  return SEMVER_TAG.test(value) && !NOT_A_TAG.test(value) && !dirs.some((d) => d.includes("..") || d.endsWith(".lock") || d.endsWith("."));
}

/**
 * A Git revision for Argo CD: a full commit SHA or a semver tag (also `refs/tags/…` and
 * sub-module tags such as `services/api/v1.2.3`). `HEAD`, branch names and other
 * floating refs are refused unless `allowFloating`.
 */
export function checkRevision(component: string, argument: string, value: string, allowFloating: boolean): string {
  if (typeof value !== "string" || value.length === 0 || /\s/.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a full 40-character commit SHA or a semver tag such as \"v1.4.2\"");
  }
  if (!allowFloating && !isPinnedRevision(value)) {
    throw new ArgumentError(component, argument, value, "expected a pinned revision: a full 40-character commit SHA or a semver tag such as \"v1.4.2\", \"refs/tags/v1.4.2\" or \"services/api/v1.4.2\"; HEAD and branch names move (set allowFloatingRevision: true to accept them)");
  }
  return value;
}

/** An image repository to push to: `registry-host/path`, no tag, no digest. */
export function checkImageRepository(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !/^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$|^localhost(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(value)) {
    throw new ArgumentError(component, argument, value, "expected an image repository such as \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service\" (registry host and path, no tag or digest)");
  }
  return value;
}

/**
 * A policy-controller image glob for images the platform owns: a literal registry
 * host and at least one literal path segment before any wildcard, so `*`, `**`,
 * `*\/**` or `**\/foo` (which match every image) are refused.
 */
export function checkImageGlob(component: string, argument: string, value: string): string {
  const segments = typeof value === "string" ? value.split("/") : [];
  const literal = (s: string | undefined): boolean => s !== undefined && s.length > 0 && !/[*?[\]]/.test(s);
  const host = segments[0];
  const hostOk = literal(host) && (/[.:]/.test(host ?? "") || host === "localhost");
  if (!hostOk || segments.length < 2 || !literal(segments[1]) || segments.some((s) => s.length === 0)) {
    throw new ArgumentError(component, argument, value, "expected an image glob for images the platform owns: a registry host and at least one literal path segment, e.g. \"ghcr.io/acme/**\" or \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments/*\"; globs that match every image (\"*\", \"**\") are refused");
  }
  return value;
}

const PEM_PUBLIC = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/;
/** cosign's own encrypted key format, the only one Chains and `cosign sign --key` load. */
const PEM_PRIVATE = /^-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----\s*$/;

/** A PEM public key (`cosign.pub`). */
export function checkPublicKey(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !PEM_PUBLIC.test(value.trim() + "\n")) {
    throw new ArgumentError(component, argument, value === "" ? "" : "(not a PEM public key)", "expected a PEM public key (-----BEGIN PUBLIC KEY----- …), the cosign.pub of the platform's signing key");
  }
  return value;
}

/**
 * A cosign private key (`cosign.key`, encrypted), returned as a Pulumi secret. A plain
 * value is checked now; an Output is passed through unjudged (the validation layer runs
 * this same check on its value once known, before any child uses it). The error never
 * shows the key.
 */
export function checkPrivateKey(component: string, argument: string, value: pulumi.Input<string>): pulumi.Output<string> {
  if (!isPending(value) && (typeof value !== "string" || !PEM_PRIVATE.test(value.trim() + "\n"))) {
    throw new ArgumentError(component, argument, shownSecret(value), "expected an encrypted cosign private key (cosign.key from `cosign generate-key-pair`, -----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----), passed as a Pulumi secret");
  }
  return pulumi.secret(pulumi.output(value));
}

/**
 * A webhook secret: at least `min` characters, no whitespace, returned as a Pulumi
 * secret. A plain value now; an Output by the validation layer once known (as
 * checkPrivateKey). The error never shows the secret.
 */
export function checkWebhookSecret(component: string, argument: string, value: pulumi.Input<string>, min = 32): pulumi.Output<string> {
  if (!isPending(value) && (typeof value !== "string" || value.length < min || /\s/.test(value))) {
    throw new ArgumentError(component, argument, shownSecret(value), `expected a webhook secret of at least ${min} characters without whitespace (e.g. \`openssl rand -hex 32\`), passed as a Pulumi secret`);
  }
  return pulumi.secret(pulumi.output(value));
}

/** What a registryPush or registryRead repository is, on each cloud. */
const REGISTRY_REPOSITORY = "a registry repository (ECR repository ARN, Artifact Registry repository id or ACR resource id)";

/**
 * One registry repository a component binds a cloud identity to (GoPipeline's
 * `registryPush`), in the format of the cluster's `cloud`: one named repository, never
 * a wildcard (the cluster's rule for each cloud, components/cluster/checks.ts), named
 * as the user wrote it. None on a cluster without a cloud identity (`refusal` says so,
 * and what to do instead). An Output is left to the validation layer, which runs this
 * check again on its value once known.
 */
export function checkRegistryRepositoryArgument(component: string, argument: string, cloud: Cloud, repository: unknown, refusal: string): pulumi.Input<string> {
  if (cloud === "existing") throw new ArgumentError(component, argument, repository, refusal);
  if (isPending(repository)) return repository as pulumi.Output<string>;
  if (typeof repository !== "string" || repository.length === 0) throw new ArgumentError(component, argument, repository, `expected ${REGISTRY_REPOSITORY}`);
  return checkRegistryRepositoryValue(component, cloud, argument, repository);
}

/**
 * Registry repositories a component binds a cloud identity to (Tekton's `registryPush`,
 * SignatureAdmission's `registryRead`): a list, each entry as checkRegistryRepositoryArgument
 * (`registryPush[0]`, …), and none on a cluster without a cloud identity.
 */
export function checkRegistryRepositories(component: string, argument: string, cloud: Cloud, repositories: unknown, refusal: string): pulumi.Input<string>[] {
  if (repositories === undefined) return [];
  if (!Array.isArray(repositories)) throw new ArgumentError(component, argument, repositories, "expected a list of registry repositories");
  const list: unknown[] = repositories;
  list.forEach((repository, i) => {
    if (!isPending(repository) && (typeof repository !== "string" || repository.length === 0)) {
      throw new ArgumentError(component, `${argument}[${i}]`, repository, `expected ${REGISTRY_REPOSITORY}`);
    }
  });
  if (list.length > 0 && cloud === "existing") throw new ArgumentError(component, argument, list, refusal);
  return list.map((repository, i) => checkRegistryRepositoryArgument(component, `${argument}[${i}]`, cloud, repository, refusal));
}
