/**
 * What goplatform attests about an image it built, as in-toto statements: an SPDX 2.3
 * SBOM and a SLSA provenance v1 predicate, both made from the Go binary's own build
 * info (`readBuildInfo`: main module, dependencies with versions and go.sum hashes,
 * toolchain, build settings) and the image's digest. Every byte is a function of those
 * inputs (no clock, no random ids), so the same build gives the same statements.
 */
import { createHash } from "node:crypto";
import type { GoBuildInfo, GoModuleInfo } from "../go/buildinfo";
import { SLSA_PROVENANCE_V1 } from "./attestation-verify";

/** The builder id goplatform's image builds record in their provenance. */
export const GOPLATFORM_BUILDER_ID = "https://goplatform.dev/builders/go-image/v1";
/** The build type of that provenance: a Go binary built with `buildGo`, packed by `buildGoImage`. */
export const GOPLATFORM_BUILD_TYPE = "https://goplatform.dev/build-types/go-image/v1";

export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
export const SPDX_PREDICATE_TYPE = "https://spdx.dev/Document";

/** The image an attestation is about. */
export interface AttestationSubject {
  /** `registry/repository`, e.g. "europe-west1-docker.pkg.dev/proj/repo/api". */
  name: string;
  /** Manifest digest, `sha256:<hex>`. */
  digest: string;
}

export interface StatementOf<P> {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: P;
}

function statement<P>(subject: AttestationSubject, predicateType: string, predicate: P): StatementOf<P> {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(subject.digest)?.[1];
  if (hex === undefined) throw new Error(`attestation subject ${subject.name}: digest ${JSON.stringify(subject.digest)} is not sha256:<64 hex>`);
  return { _type: IN_TOTO_STATEMENT_V1, subject: [{ name: subject.name, digest: { sha256: hex } }], predicateType, predicate };
}

/** The module a build actually used: the replacement when there is one. */
const used = (m: GoModuleInfo): GoModuleInfo => m.replace ?? m;

/** Package URL of a Go module (purl spec, type golang): path segments and version percent-encoded. */
export function goPurl(path: string, version?: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return version === undefined || version === "" || version === "(devel)" ? `pkg:golang/${encoded}` : `pkg:golang/${encoded}@${encodeURIComponent(version)}`;
}

/** A go.sum `h1:` hash (base64 SHA-256 dirhash) as lowercase hex, or undefined. */
function h1Hex(sum: string | undefined): string | undefined {
  const b64 = /^h1:([A-Za-z0-9+/]{43}=)$/.exec(sum ?? "")?.[1];
  return b64 === undefined ? undefined : Buffer.from(b64, "base64").toString("hex");
}

/** The time the build records (`vcs.time`, RFC 3339), else the Unix epoch: never the clock. */
function buildTime(info: GoBuildInfo): string {
  const t = info.settings["vcs.time"];
  const ms = t === undefined ? NaN : Date.parse(t);
  return new Date(Number.isNaN(ms) ? 0 : ms).toISOString().replace(/\.000Z$/, "Z");
}

const goVersionOf = (info: GoBuildInfo): string => info.goVersion.replace(/^go/, "");

// --- SPDX 2.3 -----------------------------------------------------------------------------

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  primaryPackagePurpose?: string;
  supplier?: string;
  licenseConcluded: "NOASSERTION";
  licenseDeclared: "NOASSERTION";
  copyrightText: "NOASSERTION";
  checksums?: { algorithm: "SHA256"; checksumValue: string }[];
  externalRefs: { referenceCategory: "PACKAGE-MANAGER"; referenceType: "purl"; referenceLocator: string }[];
  comment?: string;
}

export interface SpdxDocument {
  spdxVersion: "SPDX-2.3";
  dataLicense: "CC0-1.0";
  SPDXID: "SPDXRef-DOCUMENT";
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment: string };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: "DESCRIBES" | "DEPENDS_ON" | "CONTAINS"; relatedSpdxElement: string }[];
}

/** An SPDX id for a package: readable, and unique through a hash of its purl or name. */
function spdxId(kind: string, key: string): string {
  return `SPDXRef-${kind}-${key.replace(/[^A-Za-z0-9.]+/g, "-").replace(/^-|-$/g, "").slice(0, 80)}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

const H1_COMMENT = "checksum: the module's go.sum h1: hash (SHA-256 dirhash over its files), in hex";

function modulePackage(m: GoModuleInfo, purpose?: string): SpdxPackage {
  const u = used(m);
  const purl = goPurl(u.path, u.version);
  const sha = h1Hex(u.sum);
  return {
    SPDXID: spdxId("Package-go-module", purl),
    name: u.path,
    ...(u.version === "" || u.version === "(devel)" ? {} : { versionInfo: u.version }),
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    ...(purpose === undefined ? {} : { primaryPackagePurpose: purpose }),
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    ...(sha === undefined ? {} : { checksums: [{ algorithm: "SHA256", checksumValue: sha }] }),
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl }],
    ...(sha === undefined ? {} : { comment: m.replace === undefined ? H1_COMMENT : `replaces ${m.path}@${m.version}; ${H1_COMMENT}` }),
  };
}

/**
 * The SBOM: an SPDX 2.3 document describing the image, which contains the Go binary's
 * main module, which depends on the Go standard library (the toolchain that built it)
 * and on every module in its build info, each with its purl and go.sum hash. `created`
 * is the build's `vcs.time` when recorded, else 1970-01-01; the namespace is derived
 * from the image digest.
 */
export function goSpdxSbom(info: GoBuildInfo, image: AttestationSubject): SpdxDocument {
  const imageId = spdxId("Image", `${image.name}@${image.digest}`);
  const main = modulePackage(info.main ?? { path: info.path, version: "(devel)" }, "APPLICATION");
  if (info.settings["vcs.revision"] !== undefined) main.comment = `built from ${info.settings.vcs ?? "vcs"} revision ${info.settings["vcs.revision"]}${info.settings["vcs.modified"] === "true" ? " (modified)" : ""}`;
  const stdlib: SpdxPackage = {
    SPDXID: spdxId("Package-go-stdlib", info.goVersion),
    name: "stdlib",
    versionInfo: info.goVersion,
    downloadLocation: `https://go.dev/dl/${info.goVersion}.src.tar.gz`,
    filesAnalyzed: false,
    supplier: "Organization: The Go Authors",
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: goPurl("stdlib", goVersionOf(info)) }],
  };
  const deps = info.deps.map((d) => modulePackage(d));
  const imagePackage: SpdxPackage = {
    SPDXID: imageId,
    name: image.name,
    versionInfo: image.digest,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    primaryPackagePurpose: "CONTAINER",
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    checksums: [{ algorithm: "SHA256", checksumValue: image.digest.replace(/^sha256:/, "") }],
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: `pkg:oci/${encodeURIComponent(image.name.split("/").at(-1) ?? "")}@${encodeURIComponent(image.digest)}?repository_url=${encodeURIComponent(image.name)}` }],
  };
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${image.name}@${image.digest}`,
    documentNamespace: `https://goplatform.dev/spdx/${image.digest.replace(":", "-")}`,
    creationInfo: {
      created: buildTime(info),
      creators: ["Tool: goplatform", "Organization: goplatform"],
      comment: `From the Go build info of ${info.path}, built by ${info.goVersion}.`,
    },
    packages: [imagePackage, main, stdlib, ...deps],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: imageId },
      { spdxElementId: imageId, relationshipType: "CONTAINS", relatedSpdxElement: main.SPDXID },
      { spdxElementId: main.SPDXID, relationshipType: "DEPENDS_ON", relatedSpdxElement: stdlib.SPDXID },
      ...deps.map((d) => ({ spdxElementId: main.SPDXID, relationshipType: "DEPENDS_ON" as const, relatedSpdxElement: d.SPDXID })),
    ],
  };
}

/** The SBOM as an in-toto statement about the image (predicateType `https://spdx.dev/Document`). */
export function goSbomStatement(info: GoBuildInfo, image: AttestationSubject): StatementOf<SpdxDocument> {
  return statement(image, SPDX_PREDICATE_TYPE, goSpdxSbom(info, image));
}

// --- SLSA provenance v1 ---------------------------------------------------------------------

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
}

/**
 * What the build info may not hold: cmd/go leaves `-ldflags` out of it under `-trimpath`
 * (they can carry local paths, go.dev/issue/52372), and buildGo always trims paths.
 */
export interface GoBuildFlags {
  /** The linker flags the binary was built with (buildGo's `ldflags`). Default: only what the build info records. */
  ldflags?: string;
}

export interface GoProvenancePredicate {
  buildDefinition: {
    buildType: string;
    externalParameters: {
      goVersion: string;
      goos: string;
      goarch: string;
      /** The main package built. */
      package: string;
      /** cmd/go flags recorded in the build info: -trimpath, -tags, -ldflags, -buildmode, -compiler… */
      flags: Record<string, string>;
      ldflags: string;
      source: { module: string; version?: string; vcs?: string; revision?: string; modified?: boolean };
    };
    internalParameters: { env: Record<string, string> };
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: { builder: { id: string } };
}

/**
 * SLSA provenance v1 for the image: the Go toolchain, GOOS/GOARCH, the cmd/go flags
 * (ldflags included) and the source module with its VCS revision when the build
 * recorded it (`-buildvcs`); ldflags from the build info, else from `build`; the dependencies resolved (toolchain, source commit,
 * every module with its go.sum hash as `dirHash`); builder `GOPLATFORM_BUILDER_ID`.
 */
export function goSlsaProvenance(info: GoBuildInfo, build: GoBuildFlags = {}): GoProvenancePredicate {
  const s = info.settings;
  const ldflags = s["-ldflags"] ?? build.ldflags;
  const recorded: Record<string, string> = Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith("-")));
  if (ldflags !== undefined) recorded["-ldflags"] = ldflags;
  const flags = Object.fromEntries(Object.keys(recorded).sort().map((k) => [k, recorded[k] ?? ""]));
  const env = Object.fromEntries(Object.entries(s).filter(([k]) => /^(CGO_|GO[A-Z0-9]+$)/.test(k) && k !== "GOOS" && k !== "GOARCH"));
  const main = info.main === undefined ? undefined : used(info.main);
  const revision = s["vcs.revision"];
  const source = {
    module: info.main?.path ?? info.path,
    ...(main === undefined || main.version === "(devel)" || main.version === "" ? {} : { version: main.version }),
    ...(s.vcs === undefined ? {} : { vcs: s.vcs }),
    ...(revision === undefined ? {} : { revision }),
    ...(s["vcs.modified"] === undefined ? {} : { modified: s["vcs.modified"] === "true" }),
  };
  const sourceDependency: ResourceDescriptor[] =
    revision === undefined ? [] : [{ name: source.module, uri: goPurl(source.module, source.version), digest: { [s.vcs === "git" ? "gitCommit" : `${s.vcs ?? "vcs"}Commit`]: revision } }];
  const moduleDependencies = info.deps.map((d): ResourceDescriptor => {
    const u = used(d);
    const hex = h1Hex(u.sum);
    return { name: u.path, uri: goPurl(u.path, u.version), ...(hex === undefined ? {} : { digest: { dirHash: hex } }) };
  });
  return {
    buildDefinition: {
      buildType: GOPLATFORM_BUILD_TYPE,
      externalParameters: { goVersion: info.goVersion, goos: s.GOOS ?? "", goarch: s.GOARCH ?? "", package: info.path, flags, ldflags: ldflags ?? "", source },
      internalParameters: { env },
      resolvedDependencies: [{ name: "go", uri: goPurl("stdlib", goVersionOf(info)) }, ...sourceDependency, ...moduleDependencies],
    },
    // No run metadata (start time, invocation id): the statement stays a function of the build.
    runDetails: { builder: { id: GOPLATFORM_BUILDER_ID } },
  };
}

/** The provenance as an in-toto statement about the image (predicateType `https://slsa.dev/provenance/v1`). */
export function goProvenanceStatement(info: GoBuildInfo, image: AttestationSubject, build: GoBuildFlags = {}): StatementOf<GoProvenancePredicate> {
  return statement(image, SLSA_PROVENANCE_V1, goSlsaProvenance(info, build));
}
