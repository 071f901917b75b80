// Shared inputs for the delivery tests.
import { generateKeyPairSync } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { failureUnderMocks, type MockOptions, type MockRun, type ResourceGraph, runUnderMocks } from "../../harness/mocks";

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
/** A real ed25519 GnuPG public key made for these tests with `gpg --quick-gen-key` (private half discarded), and its primary key ID. */
export const GPG_KEY = "F31B821E91051329";
export const GPG_PUBLIC_KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawQoxBYJKwYBBAHaRw8BAQdAloGYhS283vtLGLwUU1rkaPnY9q1bCftn4/5p
lyRWxB+0JmdvcGxhdGZvcm0gdGVzdCA8dGVzdEBleGFtcGxlLmludmFsaWQ+iJAE
ExYIADgWIQTMOW0FWvrXQr9cWS/zG4IekQUTKQUCawQoxAIbAwULCQgHAgYVCgkI
CwIEFgIDAQIeAQIXgAAKCRDzG4IekQUTKUh8AP9mjl1bjTtXKiC0jTttbp9Np8FM
U/454AkiPsACeDU4cgEAnNB/q3+aQ/7DRiIYURGUBBLuxmKyz+3bpXmj2rRVQgQ=
=ck/a
-----END PGP PUBLIC KEY BLOCK-----
`;
/** A second test key, D119008EA166AA39, with an encryption subkey 4090B95503436CAA. */
export const OTHER_GPG_KEY = "D119008EA166AA39";
export const OTHER_GPG_SUBKEY = "4090B95503436CAA";
export const OTHER_GPG_PUBLIC_KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawQoxBYJKwYBBAHaRw8BAQdALiM0nC2WLSIKPKZ68GB48y2Eu92ZgHVt/UG7
N7MKpP60KGdvcGxhdGZvcm0gb3RoZXIgPG90aGVyQGV4YW1wbGUuaW52YWxpZD6I
kAQTFggAOBYhBFUYbMDrow92jOM569EZAI6hZqo5BQJrBCjEAhsDBQsJCAcCBhUK
CQgLAgQWAgMBAh4BAheAAAoJENEZAI6hZqo59vgA/iyTNsgPxUJjpht6qqmZ4V0o
4r9c09NXRq61yNPr4POuAQDY+0LgK5HM7hLJ7ewZVDS/vwVeMYjZRWw50hBuSFJt
ALg4BGsEKQISCisGAQQBl1UBBQEBB0CHTTwelvPIxV9lFGLXXYX3HfJ3U9QBwaom
oTXac2VsZwMBCAeIeAQYFggAIBYhBFUYbMDrow92jOM569EZAI6hZqo5BQJrBCkC
AhsMAAoJENEZAI6hZqo56+AA/3lzYlJYcEKq9INNJHwdoIEjTTGt8cb805sNYiUP
HgNFAQCJEPVXghm0UR1gJ8c2dy+Vepivg0jfqyaFvaFQGG/PBg==
=8aqe
-----END PGP PUBLIC KEY BLOCK-----
`;

/**
 * What the mocked cloud resources output that the bindings read back: the IAM role's ARN
 * (AWS), the Google service account's email (GCP), the managed identity's client and
 * principal ids (Azure). The mocks otherwise echo inputs, which hold none of these.
 */
export function cloudIdentityOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  switch (args.type) {
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::123456789012:role/${args.name}`, name: args.name };
    case "gcp:serviceaccount/account:Account":
      return { email: `${args.name}@demo-project.iam.gserviceaccount.com`, name: `projects/demo-project/serviceAccounts/${args.name}` };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { clientId: `${args.name}-client-id`, principalId: `${args.name}-principal-id`, name: args.name };
    default:
      return undefined;
  }
}

/** runUnderMocks with the cloud identities' outputs. */
export function run<T>(program: () => T | Promise<T>, options: MockOptions = {}): Promise<MockRun<T>> {
  return runUnderMocks(program, { outputs: cloudIdentityOutputs, ...options });
}

/** failureUnderMocks with the cloud identities' outputs. */
export function fail(program: () => unknown, options: MockOptions = {}): Promise<{ error: Error; resources: ResourceGraph }> {
  return failureUnderMocks(program, { outputs: cloudIdentityOutputs, ...options });
}
