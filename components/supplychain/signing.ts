/**
 * Signing and attesting an image in the registry, in classic cosign's storage format
 * (what `cosign sign --key` / `cosign attest --key` write with `--new-bundle-format=false`,
 * and what policy-controller and `cosign verify --key` accept):
 *
 * - the signature: an image under the tag `sha256-<hex>.sig` whose layers are
 *   simple-signing payloads (`application/vnd.dev.cosign.simplesigning.v1+json`),
 *   each with its base64 signature in the layer annotation
 *   `dev.cosignproject.cosign/signature`;
 * - the attestations: an image under `sha256-<hex>.att` whose layers are DSSE envelopes
 *   (`application/vnd.dsse.envelope.v1+json`) over in-toto statements, with the
 *   annotations `dev.cosignproject.cosign/signature: ""` and `predicateType`.
 *
 * Like cosign, a new signature or attestation is appended to what the tag already
 * holds, and nothing is pushed when an equal one from the same key is there already
 * (so a second push of the same image changes nothing in the registry).
 */
import { createPublicKey, verify } from "node:crypto";
import type { GoBuildInfo } from "../go/buildinfo";
import { goProvenanceStatement, goSbomStatement, type GoBuildFlags, type StatementOf } from "./attestations";
import { COSIGN_SIGNATURE_ANNOTATION, COSIGN_SIMPLE_SIGNING } from "./cosign";
import { loadCosignKey, type CosignKeyMaterial, type CosignSigner } from "./cosign-key";
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding, type DsseEnvelope } from "./dsse";
import { jsonBlob, OCI_MANIFEST, RegistryRepository, sha256Digest, type Blob, type PushTarget } from "./registry-repository";

export const DSSE_ENVELOPE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
export const COSIGN_PREDICATE_TYPE_ANNOTATION = "predicateType";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
/** go-containerregistry's zero time, what cosign's signature images carry as `created`. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** The simple-signing payload cosign signs for `name@digest` (name: `registry/repository`). */
export function simpleSigningPayload(name: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({ critical: { identity: { "docker-reference": name }, image: { "docker-manifest-digest": digest }, type: "cosign container image signature" }, optional: null }),
  );
}

/** A DSSE envelope over `payload`, signed (its pre-authentication encoding) with the key. */
export function signDsse(signer: CosignSigner, payload: Buffer, payloadType = IN_TOTO_PAYLOAD_TYPE): DsseEnvelope {
  return { payloadType, payload: payload.toString("base64"), signatures: [{ keyid: "", sig: signer.sign(preAuthEncoding(payloadType, payload)).toString("base64") }] };
}

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const tagOf = (digest: string, suffix: "sig" | "att"): string => {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`expected an image digest sha256:<64 hex>, got ${JSON.stringify(digest)}`);
  return `${digest.replace(":", "-")}.${suffix}`;
};

/** The layers the tag holds now (none when the tag does not exist). */
async function existingLayers(repository: RegistryRepository, tag: string): Promise<Layer[]> {
  const data = await repository.getManifest(tag);
  if (data === undefined) return [];
  const manifest = JSON.parse(data.toString("utf8")) as { layers?: Layer[] };
  return manifest.layers ?? [];
}

/** Writes the signature image: config and manifest shaped as go-containerregistry writes them for cosign. */
async function putSignatureImage(repository: RegistryRepository, tag: string, layers: Layer[], added: Blob[]): Promise<void> {
  for (const blob of added) await repository.pushBlob(blob);
  // Signature layers are stored uncompressed, so each diff id is the layer digest.
  const config = jsonBlob(OCI_CONFIG, {
    architecture: "",
    created: ZERO_TIME,
    history: layers.map(() => ({ created: ZERO_TIME })),
    os: "",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    config: {},
  });
  await repository.pushBlob(config);
  const manifest = jsonBlob(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
    layers,
  });
  await repository.putManifest(tag, manifest);
}

function verifiesWith(signer: CosignSigner, data: Buffer, signature: string): boolean {
  const key = createPublicKey(signer.publicKey);
  try {
    return verify(key.asymmetricKeyType === "ed25519" ? null : "sha256", data, key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/**
 * Signs `repository@digest` with the key: a simple-signing payload under
 * `sha256-<hex>.sig`. Returns the signature tag and whether a new signature was written
 * (false when the tag already holds this key's signature of this payload).
 */
export async function signImage(target: PushTarget, digest: string, signer: CosignSigner): Promise<{ tag: string; written: boolean }> {
  const repository = new RegistryRepository(target);
  const tag = tagOf(digest, "sig");
  const data = simpleSigningPayload(repository.name, digest);
  const payload: Blob = { mediaType: COSIGN_SIMPLE_SIGNING, digest: sha256Digest(data), size: data.length, data };
  const layers = await existingLayers(repository, tag);
  const already = layers.some((l) => l.mediaType === COSIGN_SIMPLE_SIGNING && l.digest === payload.digest && verifiesWith(signer, payload.data, l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] ?? ""));
  if (already) return { tag: `${repository.name}:${tag}`, written: false };
  const signature = signer.sign(payload.data).toString("base64");
  const layer: Layer = { mediaType: payload.mediaType, digest: payload.digest, size: payload.size, annotations: { [COSIGN_SIGNATURE_ANNOTATION]: signature } };
  await putSignatureImage(repository, tag, [...layers, layer], [payload]);
  return { tag: `${repository.name}:${tag}`, written: true };
}

/**
 * Attaches in-toto statements about `repository@digest` as DSSE envelopes signed with
 * the key, under `sha256-<hex>.att`, one layer per statement. A statement already there,
 * byte for byte, in an envelope this key signed is not added again. Returns the tag and
 * how many attestations were written.
 */
export async function attestImage(target: PushTarget, digest: string, signer: CosignSigner, statements: readonly StatementOf<unknown>[]): Promise<{ tag: string; written: number }> {
  const repository = new RegistryRepository(target);
  const tag = tagOf(digest, "att");
  const hex = digest.slice("sha256:".length);
  const layers = await existingLayers(repository, tag);
  const present = async (predicateType: string, payload: string): Promise<boolean> => {
    for (const l of layers) {
      if (l.mediaType !== DSSE_ENVELOPE_MEDIA_TYPE || l.annotations?.[COSIGN_PREDICATE_TYPE_ANNOTATION] !== predicateType) continue;
      const envelope = JSON.parse((await repository.getBlob(l.digest))?.toString("utf8") ?? "{}") as Partial<DsseEnvelope>;
      if (envelope.payload !== payload || envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) continue;
      const pae = preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, Buffer.from(payload, "base64"));
      if ((envelope.signatures ?? []).some((s) => verifiesWith(signer, pae, s.sig))) return true;
    }
    return false;
  };
  const added: Blob[] = [];
  const newLayers: Layer[] = [];
  for (const statement of statements) {
    if (!statement.subject.some((s) => s.digest.sha256 === hex)) throw new Error(`attestation ${statement.predicateType}: its subject does not name ${digest}`);
    const payload = Buffer.from(JSON.stringify(statement));
    if (await present(statement.predicateType, payload.toString("base64"))) continue;
    const envelope = jsonBlob(DSSE_ENVELOPE_MEDIA_TYPE, signDsse(signer, payload));
    added.push(envelope);
    newLayers.push({
      mediaType: envelope.mediaType,
      digest: envelope.digest,
      size: envelope.size,
      annotations: { [COSIGN_SIGNATURE_ANNOTATION]: "", [COSIGN_PREDICATE_TYPE_ANNOTATION]: statement.predicateType },
    });
  }
  if (added.length > 0) await putSignatureImage(repository, tag, [...layers, ...newLayers], added);
  return { tag: `${repository.name}:${tag}`, written: added.length };
}

/** The Go build an image runs: the binary's build info, and the flags it does not record. */
export interface GoImageBuild extends GoBuildFlags {
  readonly info: GoBuildInfo;
}

/** The platform key: already decrypted, or cosign's encrypted key and its password. */
export type ImageSigningKey = CosignSigner | CosignKeyMaterial;

export interface SignedImage {
  /** `registry/repository:sha256-<hex>.sig`. */
  readonly signature: string;
  /** `registry/repository:sha256-<hex>.att`: the SPDX SBOM and the SLSA provenance. */
  readonly attestations: string;
}

const signerOf = (key: ImageSigningKey): Promise<CosignSigner> => ("sign" in key ? Promise.resolve(key) : loadCosignKey(key));

/**
 * Signs a Go image goplatform pushed and attaches its SBOM (SPDX 2.3) and SLSA
 * provenance v1, both made from the binary's build info, all with the platform key.
 */
export async function signAndAttestGoImage(target: PushTarget, digest: string, build: GoImageBuild, key: ImageSigningKey): Promise<SignedImage> {
  const signer = await signerOf(key);
  const subject = { name: `${target.registry}/${target.repository}`, digest };
  const signature = await signImage(target, digest, signer);
  const attestations = await attestImage(target, digest, signer, [goSbomStatement(build.info, subject), goProvenanceStatement(build.info, subject, build)]);
  return { signature: signature.tag, attestations: attestations.tag };
}
