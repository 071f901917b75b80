/**
 * SLSA provenance, verified: the in-toto attestations cosign stored for an image (both
 * of its formats, read by cosign.ts), their DSSE signatures checked against public
 * keys, and their SLSA provenance predicates read and judged — subject digest, builder
 * id, source repository — against what the caller trusts.
 *
 * Two predicate versions are understood, each with its own field paths:
 * - `https://slsa.dev/provenance/v1`: builder `runDetails.builder.id`, sources
 *   `buildDefinition.resolvedDependencies[]` (git URIs with a `gitCommit` or `sha1`
 *   digest, e.g. `git+https://github.com/org/repo@refs/heads/main`);
 * - `https://slsa.dev/provenance/v0.2` (what Tekton Chains' `slsa/v1` format and
 *   `cosign attest --type slsaprovenance` write): builder `builder.id`, sources
 *   `materials[]` (`uri`, `digest.sha1`) and `invocation.configSource` (`uri`, `digest`).
 */
import { imageName, type ImageRef } from "./image-ref";
import { readCosignAttestations, statementNames, type CosignAttestation, type CosignFormat, type CosignVerifyOptions, type InTotoStatement } from "./cosign";
import { isRecord } from "../args";

export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
export const SLSA_PROVENANCE_V0_2 = "https://slsa.dev/provenance/v0.2";
const SLSA_PREDICATES: readonly string[] = [SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V0_2];

/** A git source a provenance records. */
export interface ProvenanceSource {
  /** The repository, normalised by {@link normaliseRepository}: `github.com/org/repo`. */
  readonly repository: string;
  /** The URI as the provenance writes it. */
  readonly uri: string;
  /** The commit (lowercase hex), when the provenance records one. */
  readonly commit?: string;
  /** The ref built (`refs/heads/main`, `refs/tags/v1.2.3`), when the URI names one after `@`. */
  readonly ref?: string;
}

export interface SlsaProvenance {
  readonly predicateType: string;
  /** The builder that produced the artifact and wrote the provenance. */
  readonly builderId?: string;
  /** Every git source it records (a build's own source and, e.g., where its pipeline definition came from). */
  readonly sources: readonly ProvenanceSource[];
}

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * A git repository URI reduced to `host/path`, so the forms one repository is written
 * in compare equal: `git+https://github.com/org/repo.git@refs/heads/main`,
 * `https://github.com/org/repo/`, `ssh://git@github.com/org/repo`,
 * `git@github.com:org/repo.git` and `github.com/org/repo` all give
 * `github.com/org/repo` (host lowercased, default ports, user info, `.git`, trailing
 * slashes and the `@ref` suffix dropped). Undefined for what is not a repository URI.
 */
export function normaliseRepository(uri: string): string | undefined {
  return parseSourceUri(uri)?.repository;
}

/** {@link normaliseRepository}, with the ref after `@` in the path (if any). */
export function parseSourceUri(uri: string): { repository: string; ref?: string } | undefined {
  let rest = uri.trim().replace(/^git\+/, "");
  if (rest === "" || /\s/.test(rest)) return undefined;
  let host: string;
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/i.exec(rest);
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/|\d+(?:\/|$))(.+)$/.exec(rest);
  if (scheme !== null) {
    const authority = (scheme[2] ?? "").replace(/^.*@/, "");
    const port = /:(\d+)$/.exec(authority)?.[1];
    const defaultPort = { https: "443", http: "80", ssh: "22", git: "9418" }[(scheme[1] ?? "").toLowerCase()];
    host = port !== undefined && port === defaultPort ? authority.slice(0, -port.length - 1) : authority;
    path = scheme[3] ?? "";
  } else if (scp !== null) {
    host = scp[1] ?? "";
    path = `/${scp[2] ?? ""}`;
  } else {
    const slash = rest.indexOf("/");
    if (slash <= 0) return undefined;
    host = rest.slice(0, slash);
    path = rest.slice(slash);
  }
  let ref: string | undefined;
  const at = path.indexOf("@");
  if (at >= 0) {
    ref = path.slice(at + 1);
    path = path.slice(0, at);
  }
  rest = path.replace(/\/+$/, "").replace(/\.git$/, "").replace(/\/+$/, "");
  if (host === "" || rest === "" || rest === "/") return undefined;
  const repository = `${host.toLowerCase()}${rest.startsWith("/") ? "" : "/"}${rest}`;
  return ref === undefined || ref === "" ? { repository } : { repository, ref };
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** A git source from a URI and its digest set; undefined when it is not one (an OCI image, a file). */
function gitSource(uri: unknown, digest: unknown): ProvenanceSource | undefined {
  const written = text(uri);
  if (written === undefined) return undefined;
  const commitDigest = [field(digest, "gitCommit"), field(digest, "sha1")].map(text).find((d) => d !== undefined && COMMIT.test(d));
  // Git, by its URI scheme or by a commit digest; other schemes (oci://, pkg:, https://…/file.tar.gz with a sha256) are not sources.
  if (!written.startsWith("git+") && commitDigest === undefined) return undefined;
  const parsed = parseSourceUri(written);
  if (parsed === undefined) return undefined;
  const refIsCommit = parsed.ref !== undefined && COMMIT.test(parsed.ref);
  const commit = (commitDigest ?? (refIsCommit ? parsed.ref : undefined))?.toLowerCase();
  return { repository: parsed.repository, uri: written, ...(commit === undefined ? {} : { commit }), ...(parsed.ref === undefined || refIsCommit ? {} : { ref: parsed.ref }) };
}

/** The SLSA provenance a statement carries (v1 or v0.2), or undefined for any other predicate. */
export function slsaProvenanceOf(statement: Pick<InTotoStatement, "predicateType" | "predicate">): SlsaProvenance | undefined {
  const p = statement.predicate;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  let builderId: string | undefined;
  let candidates: [unknown, unknown][];
  if (statement.predicateType === SLSA_PROVENANCE_V1) {
    builderId = text(field(p, "runDetails", "builder", "id"));
    candidates = list(field(p, "buildDefinition", "resolvedDependencies")).map((d) => [field(d, "uri"), field(d, "digest")]);
  } else if (statement.predicateType === SLSA_PROVENANCE_V0_2) {
    builderId = text(field(p, "builder", "id"));
    const configSource = field(p, "invocation", "configSource");
    candidates = [...list(field(p, "materials")).map((m): [unknown, unknown] => [field(m, "uri"), field(m, "digest")]), [field(configSource, "uri"), field(configSource, "digest")]];
  } else {
    return undefined;
  }
  const sources = candidates.map(([uri, digest]) => gitSource(uri, digest)).filter((s): s is ProvenanceSource => s !== undefined);
  return { predicateType: statement.predicateType, ...(builderId === undefined ? {} : { builderId }), sources };
}

/** What the caller trusts a provenance to say. */
export interface ProvenanceRequirements {
  /** Builder ids (exact strings) whose provenance is accepted. None: no builder is. */
  readonly builderIds: readonly string[];
  /** Repositories (any form {@link normaliseRepository} reads) the image must be built from. None: no repository is. */
  readonly sourceRepositories: readonly string[];
}

export type ProvenanceStatus =
  /** A provenance signed by a configured key names the digest, an allowed builder and an allowed source. */
  | "verified"
  /** The registry has no SLSA provenance attestation for this digest. */
  | "missing"
  /** Provenance attestations exist, but none meets the requirements. */
  | "invalid"
  /** The registry could not be asked (network, auth, server error). */
  | "unreachable";

export interface VerifiedProvenance extends SlsaProvenance {
  readonly format: CosignFormat;
  readonly builderId: string;
  /** Its sources in the allowed repositories. */
  readonly allowedSources: readonly ProvenanceSource[];
}

export interface ProvenanceResult {
  readonly status: ProvenanceStatus;
  readonly detail: string;
  /** The provenances that met the requirements (empty unless verified). */
  readonly provenances: readonly VerifiedProvenance[];
}

const FORMAT_LABEL: Record<CosignFormat, string> = { classic: "classic .att", bundle: "Sigstore bundle" };
const listed = (values: readonly string[]) => (values.length === 0 ? "none configured" : values.join(", "));

/**
 * Judges the attestations read for `digest` of `image`: the SLSA provenances among
 * them, each checked in turn for a configured key's signature, a subject naming the
 * digest, an allowed builder and an allowed source repository (the first that fails is
 * the attestation's problem).
 */
export function judgeProvenance(image: string, digest: string, attestations: readonly CosignAttestation[], requirements: ProvenanceRequirements): ProvenanceResult {
  const allowedRepositories = new Set(requirements.sourceRepositories.map((r) => normaliseRepository(r) ?? r));
  const problems: string[] = [];
  const provenances: VerifiedProvenance[] = [];
  const provenanceAttestations = attestations.filter((a) => SLSA_PREDICATES.includes(a.statement.predicateType));
  for (const attestation of provenanceAttestations) {
    const provenance = slsaProvenanceOf(attestation.statement);
    if (provenance === undefined) continue;
    const which = `a ${FORMAT_LABEL[attestation.format]} provenance attestation (${provenance.predicateType})`;
    const allowedSources = provenance.sources.filter((s) => allowedRepositories.has(s.repository));
    if (!attestation.keyVerified) {
      problems.push(`${which} is not signed by a configured key`);
    } else if (!statementNames(attestation.statement, digest)) {
      const subjects = attestation.statement.subject.map((s) => (s.digest?.sha256 === undefined ? "?" : `sha256:${s.digest.sha256}`));
      problems.push(`${which} is about ${subjects.join(", ") || "no subject"}, not ${digest}`);
    } else if (provenance.builderId === undefined || !requirements.builderIds.includes(provenance.builderId)) {
      problems.push(`${which} names builder ${provenance.builderId ?? "(none)"}, which is not in builderIds (${listed(requirements.builderIds)})`);
    } else if (allowedSources.length === 0) {
      const recorded = [...new Set(provenance.sources.map((s) => s.repository))];
      problems.push(`${which} records source ${recorded.join(", ") || "(no git source)"}, which is not in sourceRepositories (${listed(requirements.sourceRepositories)})`);
    } else {
      provenances.push({ ...provenance, format: attestation.format, builderId: provenance.builderId, allowedSources });
    }
  }
  if (provenances.length > 0) {
    return { status: "verified", detail: `${image}@${digest} has SLSA provenance from ${[...new Set(provenances.map((p) => p.builderId))].join(", ")}`, provenances };
  }
  if (provenanceAttestations.length === 0) {
    const others = [...new Set(attestations.map((a) => a.statement.predicateType))];
    return { status: "missing", detail: `no SLSA provenance attestation for ${digest} in ${image}${others.length === 0 ? "" : ` (only ${others.join(", ")})`}`, provenances: [] };
  }
  return { status: "invalid", detail: [...new Set(problems)].join("; "), provenances: [] };
}

/**
 * Reads `ref`'s attestations from its registry (both cosign formats) and judges its
 * SLSA provenance. `ref` must carry a digest: an undigested image has nothing to look
 * up and is reported missing.
 */
export async function verifySlsaProvenance(ref: ImageRef, options: CosignVerifyOptions & ProvenanceRequirements): Promise<ProvenanceResult> {
  if (ref.digest === undefined) return { status: "missing", detail: `${imageName(ref)} is not referenced by digest, so no provenance can be looked up`, provenances: [] };
  const read = await readCosignAttestations(ref, options);
  if (read.status === "unreachable") return { status: "unreachable", detail: read.detail, provenances: [] };
  return judgeProvenance(imageName(ref), ref.digest, read.attestations, options);
}
