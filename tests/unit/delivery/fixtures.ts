// Shared inputs for the delivery tests.
import { generateKeyPairSync } from "node:crypto";

/** The day the Go version rules are judged for in these tests: Go 1.27.4 and 1.26.11 are current. */
export const AS_OF = "2026-11-23";

/** A real P-256 public key (the private half is discarded). */
export const PUBLIC_KEY = generateKeyPairSync("ec", { namedCurve: "P-256", publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).publicKey;

/** Shaped like cosign's encrypted key file; its body is never decrypted by goplatform. */
export const PRIVATE_KEY = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify({ kdf: "scrypt", cipher: "nacl/secretbox", test: true })).toString("base64")}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;

/** Test stand-ins for golang image digests (the real ones are the caller's to supply). */
export const GO_DIGESTS = { "1.27.4": `sha256:${"a".repeat(64)}`, "1.26.11": `sha256:${"b".repeat(64)}` };

export const REPO = "https://github.com/acme/payments.git";
export const COMMIT = "3f1c2a9d8e7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d";
export const IMAGE_REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/payments";
export const ECR_ARN = "arn:aws:ecr:eu-west-1:123456789012:repository/acme/payments";
export const WEBHOOK_SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef";
/** GitHub's web-flow commit signing key ID. */
export const GPG_KEY = "B5690EEEBB952194";
