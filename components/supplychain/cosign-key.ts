/**
 * The platform's cosign key, opened the way cosign opens it: the PEM block
 * `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----` (older cosign: `… COSIGN …`) holds
 * JSON from go-securesystemslib's `encrypted` package — scrypt (N, r, p, salt) derives
 * a 32-byte key from the password, NaCl secretbox (XSalsa20-Poly1305, with the
 * stored nonce) seals the PKCS #8 DER of the private key. Decrypted with Node.js
 * crypto and tweetnacl; signatures are made the way cosign makes them (ECDSA and RSA
 * over SHA-256, ECDSA as ASN.1 DER; Ed25519 over the message itself).
 *
 * Nothing here logs or returns the key's bytes; errors never show them.
 */
import { createPrivateKey, createPublicKey, scrypt, sign, type KeyObject } from "node:crypto";
import nacl from "tweetnacl";

/** The encrypted key and its password, as `cosign generate-key-pair` writes them. */
export interface CosignKeyMaterial {
  /** cosign.key: `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----` PEM. */
  privateKey: string;
  /** The password it was encrypted with. */
  password: string;
}

/** A decrypted cosign key: signs bytes, and tells its public half. */
export interface CosignSigner {
  /** The public key (PEM, `-----BEGIN PUBLIC KEY-----`), what `cosign verify --key` takes. */
  readonly publicKey: string;
  /** Signature over `data` (SHA-256 for ECDSA and RSA), as cosign stores it. */
  sign(data: Buffer): Buffer;
}

export class CosignKeyError extends Error {
  constructor(reason: string) {
    super(`cosign private key: ${reason}`);
    this.name = "CosignKeyError";
  }
}

const PEM = /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END ENCRYPTED \1 PRIVATE KEY-----/;

interface EncryptedKey {
  kdf?: { name?: string; params?: { N?: number; r?: number; p?: number }; salt?: string };
  cipher?: { name?: string; nonce?: string };
  ciphertext?: string;
}

function scryptKey(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; cosign's N=65536, r=8 is 64 MiB, above Node's 32 MiB default.
    scrypt(Buffer.from(password, "utf8"), salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
      if (err) reject(new CosignKeyError(`scrypt failed: ${err.message}`));
      else resolve(key);
    });
  });
}

const b64 = (value: unknown, field: string): Buffer => {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new CosignKeyError(`${field} is not base64`);
  return Buffer.from(value, "base64");
};

/** Decrypts cosign's encrypted private key with its password. */
export async function loadCosignKey(material: CosignKeyMaterial): Promise<CosignSigner> {
  if (typeof material.privateKey !== "string") throw new CosignKeyError("expected a string");
  const match = PEM.exec(material.privateKey);
  if (match?.[2] === undefined) {
    throw new CosignKeyError("expected cosign's encrypted PEM (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----, cosign.key from `cosign generate-key-pair`)");
  }
  let encrypted: EncryptedKey;
  try {
    encrypted = JSON.parse(Buffer.from(match[2].replace(/\s+/g, ""), "base64").toString("utf8")) as EncryptedKey;
  } catch {
    throw new CosignKeyError("the PEM block does not hold cosign's JSON key envelope");
  }
  const { kdf, cipher } = encrypted;
  if (kdf?.name !== "scrypt") throw new CosignKeyError(`unsupported key derivation ${JSON.stringify(kdf?.name)}; expected "scrypt"`);
  if (cipher?.name !== "nacl/secretbox") throw new CosignKeyError(`unsupported cipher ${JSON.stringify(cipher?.name)}; expected "nacl/secretbox"`);
  const { N, r, p } = kdf.params ?? {};
  if (![N, r, p].every((n) => Number.isInteger(n) && (n ?? 0) > 0) || !Number.isInteger(Math.log2(N ?? 0))) {
    throw new CosignKeyError("scrypt parameters N, r, p must be positive integers, N a power of two");
  }
  const salt = b64(kdf.salt, "kdf.salt");
  const nonce = b64(cipher.nonce, "cipher.nonce");
  const ciphertext = b64(encrypted.ciphertext, "ciphertext");
  if (nonce.length !== nacl.secretbox.nonceLength) throw new CosignKeyError(`cipher.nonce must be ${String(nacl.secretbox.nonceLength)} bytes`);
  if (typeof material.password !== "string") throw new CosignKeyError("the password must be a string");

  const secretKey = await scryptKey(material.password, salt, N ?? 0, r ?? 0, p ?? 0);
  const opened = nacl.secretbox.open(new Uint8Array(ciphertext), new Uint8Array(nonce), new Uint8Array(secretKey));
  secretKey.fill(0);
  if (opened === null) throw new CosignKeyError("could not be decrypted: wrong password, or the key is corrupted");
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(opened), format: "der", type: "pkcs8" });
  } catch {
    throw new CosignKeyError("decrypted, but the contents are not a PKCS #8 private key");
  } finally {
    opened.fill(0);
  }
  const type = key.asymmetricKeyType;
  if (type !== "ec" && type !== "rsa" && type !== "ed25519") throw new CosignKeyError(`unsupported key type ${String(type)}; cosign signs with ECDSA, RSA or Ed25519`);
  const publicKey = createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  return {
    publicKey,
    // ECDSA signatures from Node.js are ASN.1 DER by default, the encoding cosign writes.
    sign: (data) => sign(type === "ed25519" ? null : "sha256", data, key),
  };
}
