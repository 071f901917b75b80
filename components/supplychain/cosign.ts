/**
 * Cosign signatures and attestations, read from the registry and verified with a
 * public key.
 *
 * Signatures: the signature manifest cosign stores beside the image (tag
 * `sha256-<hex>.sig`), each simple-signing payload fetched, its digest checked, its
 * claim checked to name the image's manifest digest, and its signature verified with
 * Node.js crypto (ECDSA, RSA or Ed25519 keys in PEM); or Sigstore bundles (DSSE over
 * cosign's signing predicate) attached as OCI referrers.
 *
 * Attestations (`cosign attest`): DSSE envelopes under the `sha256-<hex>.att` tag, or
 * Sigstore bundles attached as referrers — the same bundle reader as signatures. Each
 * envelope's signature is verified over the DSSE pre-authentication encoding; what the
 * in-toto statement claims is judged by the caller (attestation-verify.ts for SLSA
 * provenance).
 *
 * Key-based verification only: keyless (Fulcio certificate + Rekor) signatures are
 * not verified, so for a key they count as no signature.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding } from "./dsse";
import { imageName, type ImageRef } from "./image-ref";
import { RegistryClient, repositoryUrl, type RegistryCredentials } from "./registry-client";
import { sha256Digest } from "./registry-repository";

export const COSIGN_SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
export const COSIGN_SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

export type CosignStatus =
  /** A signature over this digest verifies with one of the keys. */
  | "verified"
  /** The registry has no signature for this digest. */
  | "unsigned"
  /** Signatures exist, but none verifies with the keys for this digest. */
  | "invalid"
  /** The registry could not be asked (network, auth, server error). */
  | "unreachable";

export interface CosignResult {
  readonly status: CosignStatus;
  readonly detail: string;
}

export interface CosignVerifyOptions {
  /** Public keys (PEM, `-----BEGIN PUBLIC KEY-----`) a signature must verify with. */
  publicKeys: readonly string[];
  /** Registries spoken to over plain HTTP (loopback test registries). Default: none. */
  insecureRegistries?: readonly string[];
  /** Credentials per registry host. Default: anonymous. */
  credentials?: Readonly<Record<string, RegistryCredentials>>;
}

const SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
/** The layer media type of a classic cosign attestation (a DSSE envelope, as JSON). */
const DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json";
/** The predicate cosign 3 puts in a bundle that is an image signature (attestations carry their own). */
const COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");

interface SignatureManifest {
  layers?: { mediaType?: string; digest?: string; annotations?: Record<string, string> }[];
}

function keyObjects(pems: readonly string[]): KeyObject[] {
  return pems.map((pem, i) => {
    try {
      return createPublicKey(pem);
    } catch (err) {
      throw new Error(`cosign public key ${String(i)} is not a PEM public key: ${(err as Error).message}`, { cause: err });
    }
  });
}

function verifies(payload: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify(key.asymmetricKeyType === "ed25519" ? null : "sha256", payload, key, signature);
  } catch {
    return false;
  }
}

/** What one signature in the registry says about the image. */
type Finding = { verified: true } | { verified: false; problem: string };

class Unreachable extends Error {}

/** Registry reads for one image, every failure to ask turned into Unreachable. */
class CosignStore {
  constructor(
    private readonly client: RegistryClient,
    private readonly base: string,
  ) {}

  /** GET a manifest or blob; undefined on 404, Unreachable on any other failure. */
  async get(pathAndQuery: string, accept?: string): Promise<Buffer | undefined> {
    let response: Response;
    try {
      response = await this.client.request("GET", `${this.base}/${pathAndQuery}`, undefined, accept === undefined ? {} : { Accept: accept });
    } catch (err) {
      throw new Unreachable(`${this.client.registry} could not be reached: ${(err as Error).message}`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Unreachable(`${this.client.registry} answered HTTP ${String(response.status)} for ${pathAndQuery}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** A blob, checked against its digest. */
  async blob(digest: string): Promise<Buffer | undefined> {
    const data = await this.get(`blobs/${digest}`);
    if (data === undefined) return undefined;
    return sha256Digest(data) === digest ? data : undefined;
  }
}

function parseJson(data: Buffer | undefined): unknown {
  if (data === undefined) return undefined;
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Classic cosign signatures: simple-signing payloads under the `sha256-<hex>.sig` tag. */
async function simpleSigningFindings(store: CosignStore, digest: string, keys: KeyObject[]): Promise<Finding[]> {
  const manifest = parseJson(await store.get(`manifests/${digest.replace(":", "-")}.sig`, MANIFEST_TYPES)) as SignatureManifest | undefined;
  const findings: Finding[] = [];
  for (const layer of manifest?.layers ?? []) {
    const signature = layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION];
    if (layer.mediaType !== COSIGN_SIMPLE_SIGNING || layer.digest === undefined || signature === undefined) continue;
    const payload = await store.blob(layer.digest);
    if (payload === undefined) {
      findings.push({ verified: false, problem: `payload ${layer.digest} is missing or does not match its digest` });
      continue;
    }
    const claimed = (parseJson(payload) as { critical?: { image?: { "docker-manifest-digest"?: unknown } } } | undefined)?.critical?.image?.["docker-manifest-digest"];
    if (claimed !== digest) findings.push({ verified: false, problem: `a signature payload names ${String(claimed)}, not ${digest}` });
    else if (keys.some((key) => verifies(payload, Buffer.from(signature, "base64"), key))) findings.push({ verified: true });
    else findings.push({ verified: false, problem: "a signature does not verify with the configured key(s)" });
  }
  return findings;
}

interface Descriptor {
  mediaType?: string;
  artifactType?: string;
  digest?: string;
}

/** Where cosign stored a DSSE envelope: its classic `sha256-<hex>.att` tag, or a Sigstore bundle (cosign 3's default). */
export type CosignFormat = "classic" | "bundle";

/** A DSSE envelope cosign stored beside an image, as read (not yet verified). */
interface StoredEnvelope {
  format: CosignFormat;
  payloadType: string;
  payload: Buffer;
  /** Base64 signatures over the envelope's pre-authentication encoding. */
  signatures: string[];
}

function storedEnvelope(format: CosignFormat, value: unknown): StoredEnvelope | undefined {
  const e = value as Partial<Record<"payload" | "payloadType", unknown>> & { signatures?: unknown } | undefined;
  if (typeof e?.payload !== "string" || typeof e.payloadType !== "string") return undefined;
  const signatures = (Array.isArray(e.signatures) ? (e.signatures as { sig?: unknown }[]) : []).flatMap((s) => (typeof s.sig === "string" ? [s.sig] : []));
  return { format, payloadType: e.payloadType, payload: Buffer.from(e.payload, "base64"), signatures };
}

/** Whether one of the envelope's signatures verifies with one of the keys (DSSE: over the pre-authentication encoding). */
function envelopeVerifies(envelope: StoredEnvelope, keys: readonly KeyObject[]): boolean {
  const signed = preAuthEncoding(envelope.payloadType, envelope.payload);
  return envelope.signatures.some((sig) => keys.some((key) => verifies(signed, Buffer.from(sig, "base64"), key)));
}

/** An in-toto statement: what an attestation says, about which artifacts. */
export interface InTotoStatement {
  _type?: string;
  subject: { name?: string; digest?: Record<string, string> }[];
  predicateType: string;
  predicate: unknown;
}

/** The in-toto statement an envelope carries, or undefined when it carries something else. */
function statementOf(envelope: StoredEnvelope): InTotoStatement | undefined {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  const s = parseJson(envelope.payload) as Partial<InTotoStatement> | undefined;
  if (typeof s?.predicateType !== "string") return undefined;
  return { ...s, predicateType: s.predicateType, subject: Array.isArray(s.subject) ? s.subject : [], predicate: s.predicate };
}

/** Whether a statement's subjects include `digest` (`sha256:<hex>`). */
export function statementNames(statement: InTotoStatement, digest: string): boolean {
  return statement.subject.some((s) => `sha256:${s.digest?.sha256 ?? ""}` === digest);
}

/**
 * Sigstore bundles: OCI artifacts referring to the image, found through the referrers
 * API or its fallback tag `sha256-<hex>`, each layer a bundle whose `dsseEnvelope`
 * holds an in-toto statement. cosign 3 writes signatures (its signing predicate) and
 * attestations (`cosign attest`) this way.
 */
async function bundleEnvelopes(store: CosignStore, digest: string): Promise<StoredEnvelope[]> {
  const index =
    (parseJson(await store.get(`referrers/${digest}?artifactType=${encodeURIComponent(SIGSTORE_BUNDLE)}`, OCI_INDEX).catch(() => undefined)) as { manifests?: Descriptor[] } | undefined) ??
    (parseJson(await store.get(`manifests/${digest.replace(":", "-")}`, OCI_INDEX)) as { manifests?: Descriptor[] } | undefined);
  const envelopes: StoredEnvelope[] = [];
  for (const entry of index?.manifests ?? []) {
    if (entry.artifactType !== SIGSTORE_BUNDLE || entry.digest === undefined) continue;
    const manifest = parseJson(await store.get(`manifests/${entry.digest}`, MANIFEST_TYPES)) as { layers?: Descriptor[] } | undefined;
    for (const layer of manifest?.layers ?? []) {
      if (layer.mediaType !== SIGSTORE_BUNDLE || layer.digest === undefined) continue;
      const envelope = storedEnvelope("bundle", (parseJson(await store.blob(layer.digest)) as { dsseEnvelope?: unknown } | undefined)?.dsseEnvelope);
      if (envelope !== undefined) envelopes.push(envelope);
    }
  }
  return envelopes;
}

/** Classic cosign attestations (`cosign attest --new-bundle-format=false`): DSSE envelopes as layers under the `sha256-<hex>.att` tag. */
async function attestationTagEnvelopes(store: CosignStore, digest: string): Promise<StoredEnvelope[]> {
  const manifest = parseJson(await store.get(`manifests/${digest.replace(":", "-")}.att`, MANIFEST_TYPES)) as { layers?: Descriptor[] } | undefined;
  const envelopes: StoredEnvelope[] = [];
  for (const layer of manifest?.layers ?? []) {
    if (layer.mediaType !== DSSE_ENVELOPE || layer.digest === undefined) continue;
    const envelope = storedEnvelope("classic", parseJson(await store.blob(layer.digest)));
    if (envelope !== undefined) envelopes.push(envelope);
  }
  return envelopes;
}

/** Cosign image signatures in the bundle format: statements with cosign's signing predicate over the image digest. */
async function bundleFindings(store: CosignStore, digest: string, keys: KeyObject[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const envelope of await bundleEnvelopes(store, digest)) {
    // A signature, not an attestation made with the same key: cosign's signing predicate, as in-toto.
    const statement = statementOf(envelope);
    if (statement?.predicateType !== COSIGN_SIGN_PREDICATE) continue;
    if (!statementNames(statement, digest)) findings.push({ verified: false, problem: `a bundle's statement does not name ${digest}` });
    else findings.push(envelopeVerifies(envelope, keys) ? { verified: true } : { verified: false, problem: "a bundle signature does not verify with the configured key(s)" });
  }
  return findings;
}

/** The registry reads for one image, over HTTPS unless its registry is listed as insecure. */
function storeFor(ref: ImageRef, options: CosignVerifyOptions): CosignStore {
  const insecure = options.insecureRegistries?.includes(ref.registry) === true;
  return new CosignStore(new RegistryClient(ref.registry, options.credentials?.[ref.registry], insecure), repositoryUrl(ref, insecure));
}

/**
 * Verifies the cosign signatures of `ref` (which must carry a digest) with the given
 * keys, in both storage formats cosign writes.
 */
export async function verifyCosignSignature(ref: ImageRef, options: CosignVerifyOptions): Promise<CosignResult> {
  const digest = ref.digest;
  if (digest === undefined) return { status: "unsigned", detail: `${imageName(ref)} is not referenced by digest, so no signature can be looked up` };
  const keys = keyObjects(options.publicKeys);
  const store = storeFor(ref, options);
  let findings: Finding[];
  try {
    findings = await simpleSigningFindings(store, digest, keys);
    if (!findings.some((f) => f.verified)) findings.push(...(await bundleFindings(store, digest, keys)));
  } catch (err) {
    if (err instanceof Unreachable) return { status: "unreachable", detail: err.message };
    throw err;
  }
  if (findings.some((f) => f.verified)) return { status: "verified", detail: `${imageName(ref)}@${digest} is signed with a configured key` };
  const problems = findings.flatMap((f) => (f.verified ? [] : [f.problem]));
  if (problems.length === 0) return { status: "unsigned", detail: `no cosign signature for ${digest} in ${imageName(ref)}` };
  return { status: "invalid", detail: [...new Set(problems)].join("; ") };
}

/** An in-toto attestation cosign stored for an image, with what its signature says. */
export interface CosignAttestation {
  readonly format: CosignFormat;
  readonly statement: InTotoStatement;
  /** One of the envelope's signatures verifies with one of the configured keys. */
  readonly keyVerified: boolean;
}

export type CosignAttestations =
  /** Every in-toto attestation stored for the digest, in both formats (cosign's own signatures excluded). */
  | { readonly status: "read"; readonly attestations: readonly CosignAttestation[] }
  /** The registry could not be asked (network, auth, server error). */
  | { readonly status: "unreachable"; readonly detail: string };

/**
 * The in-toto attestations (`cosign attest`) stored for `ref`'s digest, in both formats
 * cosign writes: envelopes under the `sha256-<hex>.att` tag and Sigstore bundles
 * attached as referrers. Each is checked against the keys (DSSE signature over the
 * pre-authentication encoding); what the statement claims is left to the caller.
 * Bundles with cosign's signing predicate are signatures, not attestations, and are
 * left out. A ref without a digest has no attestations to look up.
 */
export async function readCosignAttestations(ref: ImageRef, options: CosignVerifyOptions): Promise<CosignAttestations> {
  const digest = ref.digest;
  if (digest === undefined) return { status: "read", attestations: [] };
  const keys = keyObjects(options.publicKeys);
  const store = storeFor(ref, options);
  let envelopes: StoredEnvelope[];
  try {
    envelopes = [...(await attestationTagEnvelopes(store, digest)), ...(await bundleEnvelopes(store, digest))];
  } catch (err) {
    if (err instanceof Unreachable) return { status: "unreachable", detail: err.message };
    throw err;
  }
  const attestations: CosignAttestation[] = [];
  for (const envelope of envelopes) {
    const statement = statementOf(envelope);
    if (statement === undefined || statement.predicateType === COSIGN_SIGN_PREDICATE) continue;
    attestations.push({ format: envelope.format, statement, keyVerified: envelopeVerifies(envelope, keys) });
  }
  return { status: "read", attestations };
}
