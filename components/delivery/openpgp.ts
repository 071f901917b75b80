/**
 * Just enough OpenPGP (RFC 4880 version 4 keys) to read the key IDs out of an ASCII-armoured public
 * key, so ArgoCd can check that each key it imports is filed under its own ID (Argo CD
 * names its keyring entries by primary key ID and verifies nothing else).
 */
import { createHash } from "node:crypto";

export const ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const ARMOR_END = "-----END PGP PUBLIC KEY BLOCK-----";
const PUBLIC_KEY = 6;
const PUBLIC_SUBKEY = 14;

export interface OpenPgpKeyIds {
  /** Key ID of the primary key: 16 uppercase hex digits. */
  primary: string;
  subkeys: string[];
}

/** The key IDs of an armoured public key, or an Error saying why it is not one. */
export function openPgpKeyIds(armored: string): OpenPgpKeyIds | Error {
  const lines = armored.trim().split(/\r?\n/).map((l) => l.trimEnd());
  if (lines[0] !== ARMOR_BEGIN || lines[lines.length - 1] !== ARMOR_END) return new Error(`not an armoured public key (${ARMOR_BEGIN} … ${ARMOR_END})`);
  const blank = lines.indexOf("");
  if (blank < 0) return new Error("no blank line after the armour headers");
  const body = lines.slice(blank + 1, -1).filter((l) => !/^=[A-Za-z0-9+/]{4}$/.test(l));
  if (body.length === 0 || body.some((l) => !/^[A-Za-z0-9+/=]+$/.test(l))) return new Error("the armoured body is not base64");
  const bytes = Buffer.from(body.join(""), "base64");
  const ids: string[] = [];
  const tags: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const header = bytes[i++] ?? 0;
    if ((header & 0x80) === 0) return new Error("malformed OpenPGP packet header");
    let tag: number;
    let length: number;
    if (header & 0x40) {
      tag = header & 0x3f;
      const o = bytes[i++] ?? 0;
      if (o < 192) length = o;
      else if (o < 224) length = ((o - 192) << 8) + (bytes[i++] ?? 0) + 192;
      else if (o === 255 && i + 4 <= bytes.length) {
        length = bytes.readUInt32BE(i);
        i += 4;
      } else return new Error("partial-length packets do not belong in a public key");
    } else {
      tag = (header >> 2) & 0x0f;
      const lengthBytes = [1, 2, 4][header & 0x03];
      if (lengthBytes === undefined || i + lengthBytes > bytes.length) return new Error("indeterminate-length packets do not belong in a public key");
      length = bytes.readUIntBE(i, lengthBytes);
      i += lengthBytes;
    }
    if (i + length > bytes.length) return new Error("truncated OpenPGP packet");
    const packet = bytes.subarray(i, i + length);
    i += length;
    tags.push(tag);
    if (tag === PUBLIC_KEY || tag === PUBLIC_SUBKEY) {
      const id = keyId(packet);
      if (id instanceof Error) return id;
      ids.push(id);
    }
  }
  const [primary, ...subkeys] = ids;
  if (tags[0] !== PUBLIC_KEY || primary === undefined) return new Error("does not start with a public key packet (is it a private key or a signature?)");
  return { primary, subkeys };
}

/** v4 (what GnuPG, and so Argo CD, reads): the low 64 bits of SHA-1 over 0x99‖len16‖body. */
function keyId(packet: Buffer): string | Error {
  if (packet[0] !== 4) return new Error(`OpenPGP key version ${String(packet[0])} is not supported (GnuPG, which Argo CD uses, reads version 4 keys)`);
  const prefix = Buffer.from([0x99, (packet.length >> 8) & 0xff, packet.length & 0xff]);
  return createHash("sha1").update(prefix).update(packet).digest().subarray(12).toString("hex").toUpperCase();
}
