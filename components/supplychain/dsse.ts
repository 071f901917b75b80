/**
 * DSSE (Dead Simple Signing Envelope), the envelope in-toto attestations travel in:
 * the envelope's shape and the pre-authentication encoding its signatures sign.
 * One module for the side that signs (goplatform's builds) and the side that verifies
 * (the cosign check and the policies).
 */

/** The payload type of an in-toto statement inside an envelope. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

export interface DsseSignature {
  /** Base64 signature over `preAuthEncoding(payloadType, payload)`. */
  sig: string;
  keyid?: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

/** DSSE pre-authentication encoding: what a DSSE signature signs. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${String(Buffer.byteLength(payloadType))} ${payloadType} ${String(payload.length)} `), payload]);
}
