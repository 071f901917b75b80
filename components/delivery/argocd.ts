/**
 * ArgoCd: installs Argo CD from its Helm chart at a pinned version (HA optional) and
 * creates an AppProject that restricts where applications come from and where they
 * deploy, and (by default) requires GPG-signed commits, importing the public keys
 * they are checked with into Argo CD's keyring.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { ArgumentError, checkBoolean, checkChartVersion, checkDnsLabel, checkHttpsUrl, checkList, checkNotEmpty, componentToken, isRecord, withLegacyType } from "../args";
import { checkClusterData, connectCluster, type ClusterData } from "../cluster";
import { chartRelease } from "./chart-release";
import { checkRepoUrl } from "./checks";
import { clusterAfter } from "./ready";
import { ARGO_CD_CHART } from "./images";
import { ARMOR_BEGIN, openPgpKeyIds } from "./openpgp";
import { validateArgs } from "../arg-validation";

const COMPONENT = "ArgoCd";
export const IN_CLUSTER = "https://kubernetes.default.svc";
/** The ConfigMap Argo CD's repo server builds its GnuPG keyring from: key ID → armoured public key. */
export const GPG_KEYS_CONFIGMAP = "argocd-gpg-keys-cm";
const KEY_ID = /^[0-9A-F]{16}$/;

function checkGpgPublicKeys(keys: Record<string, string>): void {
  const entries = Object.entries(keys);
  if (entries.length === 0) {
    throw new ArgumentError(COMPONENT, "project.gpgPublicKeys", keys, "expected at least one GnuPG public key ({ \"<16-hex key ID>\": \"-----BEGIN PGP PUBLIC KEY BLOCK-----…\" }) so Argo CD can verify signed commits, or requireSignedCommits: false as an explicit opt-out");
  }
  for (const [id, armored] of entries) {
    const argument = `project.gpgPublicKeys["${id}"]`;
    if (!KEY_ID.test(id)) throw new ArgumentError(COMPONENT, argument, id, "expected the key's primary key ID, 16 uppercase hex digits, as the entry's name");
    const read = typeof armored === "string" ? openPgpKeyIds(armored) : new Error("not a string");
    if (read instanceof Error) {
      throw new ArgumentError(COMPONENT, argument, "(not shown)", `expected an ASCII-armoured GnuPG public key (${ARMOR_BEGIN}, from \`gpg --armor --export ${id}\`): ${read.message}`);
    }
    if (read.primary !== id) {
      const why = read.subkeys.includes(id) ? `${id} is one of its subkeys; Argo CD files keys under the primary key ID` : `it is a different key`;
      throw new ArgumentError(COMPONENT, argument, id, `expected the entry's name to be the armoured key's primary key ID ${read.primary}; ${why}`);
    }
  }
}

export interface ArgoCdDestination {
  /** Namespace applications may deploy to (no wildcards). */
  namespace: string;
  /** API server URL. Default: "https://kubernetes.default.svc" (the cluster Argo CD runs in). */
  server?: string;
}

/** A cluster-scoped kind applications may create. */
export interface ArgoCdResourceKind {
  /** API group, "" for the core group (no wildcards). */
  group: string;
  /** Kind, e.g. "Namespace" (no wildcards). */
  kind: string;
}

/** The AppProject applications of this platform belong to. */
export interface ArgoCdProject {
  /** Project name. Default: "goplatform". */
  name?: string;
  /** Git repositories applications may come from (no wildcards). */
  sourceRepos: string[];
  /** Clusters and namespaces applications may deploy to. */
  destinations: ArgoCdDestination[];
  /**
   * GnuPG public keys Argo CD verifies signatures with: primary key ID (16 uppercase
   * hex digits, `gpg --list-keys --keyid-format long`) → ASCII-armoured public key
   * (`gpg --armor --export <ID>`). They are imported into Argo CD's keyring (chart value
   * `configs.gpg.keys`, or with `install: false` the `argocd-gpg-keys-cm` ConfigMap),
   * without which Argo CD refuses every sync. Each key must be filed under its own
   * primary key ID. Required unless `requireSignedCommits` is false. Default: none.
   */
  gpgPublicKeys?: { [keyId: string]: string };
  /**
   * Key IDs whose signatures Argo CD accepts on the commits and annotated tags it syncs
   * (the AppProject's `signatureKeys`); each needs its public key in `gpgPublicKeys`.
   * Default: every key of `gpgPublicKeys`.
   */
  signatureKeys?: string[];
  /** Require signed commits; false is an explicit opt-out. Default: true. */
  requireSignedCommits?: boolean;
  /** Cluster-scoped kinds applications may create. Default: none. */
  clusterResourceWhitelist?: ArgoCdResourceKind[];
}

export interface ArgoCdArgs {
  /** The cluster to install into (its data, e.g. an EksCluster's `cluster` output). */
  cluster: ClusterData;
  /** Install Argo CD from its Helm chart. With false, Argo CD must already run in `namespace`; only the AppProject (and the GnuPG keys) are applied. Default: true. */
  install?: boolean;
  /**
   * With `install: false`, create the `argocd-gpg-keys-cm` ConfigMap with only the
   * project's GnuPG public keys (for rendered manifests, or an installation without
   * one) instead of patching the keys into the ConfigMap the installation created
   * (server-side apply; other keys are left alone). Not with `install: true` (the chart
   * writes the ConfigMap). Default: false (patch).
   */
  createGpgKeysConfigMap?: boolean;
  /** Namespace Argo CD runs in. Default: "argocd". */
  namespace?: string;
  /** Chart version. Default: "9.5.2". */
  chartVersion?: string;
  /** Chart repository, or "" with a local chart path/archive in `chart` for air-gapped clusters. Default: "https://argoproj.github.io/argo-helm". */
  chartRepository?: string;
  /** Chart name, or a local chart path with `chartRepository: ""`. Default: "argo-cd". */
  chart?: string;
  /** High availability: Redis HA, two or more replicas of server, repo server and ApplicationSet controller. Default: false. */
  ha?: boolean;
  /** Extra chart values as a YAML (or JSON) mapping, merged over goplatform's. Default: none. */
  valuesYaml?: string;
  /** The AppProject applications of this platform belong to. */
  project: ArgoCdProject;
}

/**
 * What GoApp and GoAppSet need of an Argo CD installation, as plain data (an ArgoCd's
 * `argoCd` output): it crosses a language boundary, which the component itself cannot.
 */
export interface ArgoCdData {
  /** The cluster Argo CD runs in, with a kubeconfig that resolves once Argo CD and the AppProject exist. */
  cluster: ClusterData;
  /** The namespace Argo CD runs in (and watches for Applications). */
  namespace: pulumi.Input<string>;
  /** The AppProject applications belong to. */
  projectName: pulumi.Input<string>;
  /**
   * The AppProject's destinations (API server and namespace, Argo CD globs allowed),
   * which GoApp and GoAppSet check their namespace against before anything exists.
   * Default: not known (the namespace is then only checked by Argo CD at sync).
   */
  destinations?: ArgoCdDestination[];
}

/** The own checks of ArgoCd's args. */
function checkArgoCdArgs(name: string, args: ArgoCdArgs) {
  checkClusterData(COMPONENT, args.cluster);
  const namespace = checkDnsLabel(COMPONENT, "namespace", args.namespace ?? "argocd");
  const chartVersion = checkChartVersion(COMPONENT, "chartVersion", args.chartVersion ?? ARGO_CD_CHART.version);
  checkNotEmpty(COMPONENT, "chart", args.chart, "a chart name or a local chart path");
  const givenProject: unknown = args.project;
  if (!isRecord(givenProject)) throw new ArgumentError(COMPONENT, "project", givenProject, "expected the AppProject: { sourceRepos, destinations, gpgPublicKeys, … }");
  const project = args.project;
  const projectName = checkDnsLabel(COMPONENT, "project.name", project.name ?? "goplatform");
  checkList(COMPONENT, "project.sourceRepos", project.sourceRepos, (repo, i) => checkRepoUrl(COMPONENT, `project.sourceRepos[${i}]`, repo));
  checkList(COMPONENT, "project.destinations", project.destinations, (d, i) => {
    const given: unknown = d;
    if (!isRecord(given)) throw new ArgumentError(COMPONENT, `project.destinations[${i}]`, given, "expected { namespace, server? }");
    if (typeof d.namespace !== "string" || /[*?[\]]/.test(d.namespace)) throw new ArgumentError(COMPONENT, `project.destinations[${i}].namespace`, d.namespace, "expected a namespace name (no wildcards)");
    checkDnsLabel(COMPONENT, `project.destinations[${i}].namespace`, d.namespace);
    if (d.server !== undefined) checkHttpsUrl(COMPONENT, `project.destinations[${i}].server`, d.server);
  });
  const requireSigned = checkBoolean(COMPONENT, "project.requireSignedCommits", project.requireSignedCommits ?? true);
  const givenKeys: unknown = project.gpgPublicKeys;
  if (givenKeys !== undefined && !isRecord(givenKeys)) {
    throw new ArgumentError(COMPONENT, "project.gpgPublicKeys", "(not shown)", "expected a map of primary key ID to ASCII-armoured GnuPG public key, such as { \"<16-hex key ID>\": \"-----BEGIN PGP PUBLIC KEY BLOCK-----…\" }");
  }
  const publicKeys = project.gpgPublicKeys ?? {};
  const keys = project.signatureKeys ?? Object.keys(publicKeys);
  if (requireSigned) {
    // Named signature keys without public keys get the more helpful per-key message below.
    if (project.signatureKeys === undefined || Object.keys(publicKeys).length > 0) checkGpgPublicKeys(publicKeys);
    checkList(COMPONENT, "project.signatureKeys", keys, (key, i) => {
      if (!KEY_ID.test(key)) throw new ArgumentError(COMPONENT, `project.signatureKeys[${i}]`, key, "expected a GPG key ID of 16 uppercase hex digits");
      if (!Object.keys(publicKeys).includes(key)) {
        throw new ArgumentError(COMPONENT, `project.signatureKeys[${i}]`, key, `expected a key whose ASCII-armoured public key is in project.gpgPublicKeys (add "${key}": the output of \`gpg --armor --export ${key}\`); without it Argo CD refuses every sync`);
      }
    });
  } else if (keys.length > 0 || Object.keys(publicKeys).length > 0) {
    throw new ArgumentError(COMPONENT, project.signatureKeys === undefined ? "project.gpgPublicKeys" : "project.signatureKeys", keys, "signature keys are given but requireSignedCommits is false; drop one of the two");
  }
  const whitelist: unknown = project.clusterResourceWhitelist;
  if (whitelist !== undefined && !Array.isArray(whitelist)) throw new ArgumentError(COMPONENT, "project.clusterResourceWhitelist", whitelist, "expected a list of { group, kind }");
  for (const [i, r] of (project.clusterResourceWhitelist ?? []).entries()) {
    const given: unknown = r;
    if (!isRecord(given)) throw new ArgumentError(COMPONENT, `project.clusterResourceWhitelist[${i}]`, given, "expected { group, kind }");
    if (r.kind === "*" || r.group === "*") throw new ArgumentError(COMPONENT, `project.clusterResourceWhitelist[${i}]`, r, "expected a named group and kind (no wildcards)");
  }
  const install = checkBoolean(COMPONENT, "install", args.install ?? true);
  const createGpgKeysConfigMap = checkBoolean(COMPONENT, "createGpgKeysConfigMap", args.createGpgKeysConfigMap ?? false);
  if (install && args.createGpgKeysConfigMap !== undefined) {
    throw new ArgumentError(COMPONENT, "createGpgKeysConfigMap", args.createGpgKeysConfigMap, "expected no createGpgKeysConfigMap when install is true (the chart writes argocd-gpg-keys-cm itself)");
  }
  const ha = checkBoolean(COMPONENT, "ha", args.ha ?? false);
  const extraValues = parseValues(args.valuesYaml);
  return { namespace, chartVersion, project, projectName, requireSigned, publicKeys, keys, install, createGpgKeysConfigMap, ha, extraValues };
}

export class ArgoCd extends pulumi.ComponentResource {
  /** The namespace Argo CD runs in. */
  readonly namespace: string;
  /** The AppProject's name. */
  readonly projectName: string;
  /** The chart version installed (with `install: false`, the one asked for). */
  readonly chartVersion: string;
  /** Whether this component installed Argo CD from its chart. */
  readonly installed: boolean;
  /** What GoApp and GoAppSet take as `argoCd`: they are created once Argo CD and the AppProject exist. */
  readonly argoCd: ArgoCdData;

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs("ArgoCd", args, (a) => checkArgoCdArgs(name, a), withLegacyType("goplatform:k8s:ArgoCd", opts));
    const { namespace, chartVersion, project, projectName, requireSigned, publicKeys, keys, install, createGpgKeysConfigMap, ha, extraValues } = validated.checked;
    super(componentToken("ArgoCd"), name, {}, validated.opts);
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    this.namespace = namespace;
    this.projectName = projectName;
    this.chartVersion = chartVersion;
    this.installed = install;

    const child = { parent: this, provider: cluster.provider };
    const installed: pulumi.Resource[] = [];
    const keyring = requireSigned ? publicKeys : {};
    if (install) {
      const chart = { repository: args.chartRepository ?? ARGO_CD_CHART.repository, chart: args.chart ?? ARGO_CD_CHART.chart, version: chartVersion };
      const values = deepMerge(argoCdValues(ha), Object.keys(keyring).length > 0 ? { configs: { gpg: { keys: keyring } } } : {});
      installed.push(chartRelease(name, chart, namespace, deepMerge(values, extraValues), child));
    } else if (Object.keys(keyring).length > 0) {
      // Argo CD's own manifests create this ConfigMap; a server-side apply patch adds our keys and leaves others' alone.
      const metadata = { name: GPG_KEYS_CONFIGMAP, namespace };
      installed.push(
        !createGpgKeysConfigMap
          ? new k8s.core.v1.ConfigMapPatch(`${name}-gpg-keys`, { metadata, data: keyring }, child)
          : new k8s.core.v1.ConfigMap(`${name}-gpg-keys`, { metadata: { ...metadata, labels: { "app.kubernetes.io/part-of": "argocd", "app.kubernetes.io/managed-by": "goplatform" } }, data: keyring }, child),
      );
    }
    const appProject = new k8s.apiextensions.CustomResource(
      `${name}-project`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: projectName, namespace, labels: { "app.kubernetes.io/managed-by": "goplatform" } },
        spec: appProjectSpec({ ...project, requireSignedCommits: requireSigned, signatureKeys: keys }),
      },
      { ...child, dependsOn: installed },
    );
    const destinations = projectDestinations(project.destinations);
    this.argoCd = { cluster: clusterAfter(args.cluster, [...installed, appProject]), namespace, projectName, destinations };
    this.registerOutputs({ namespace, projectName, chartVersion, installed: install, argoCd: this.argoCd });
  }
}

/** Chart values: HA replicas and Redis HA when asked; the server not exposed outside the cluster either way. */
export function argoCdValues(ha: boolean): Record<string, unknown> {
  const base = { server: { service: { type: "ClusterIP" } }, configs: { params: { "server.insecure": false } } };
  if (!ha) return base;
  return deepMerge(base, {
    "redis-ha": { enabled: true },
    controller: { replicas: 1 },
    server: { autoscaling: { enabled: true, minReplicas: 2 } },
    repoServer: { autoscaling: { enabled: true, minReplicas: 2 } },
    applicationSet: { replicas: 2 },
  });
}

/** The AppProject's destinations, with the in-cluster API server where none is named. */
export function projectDestinations(destinations: readonly ArgoCdDestination[]): Required<ArgoCdDestination>[] {
  return destinations.map((d) => ({ server: d.server ?? IN_CLUSTER, namespace: d.namespace }));
}

/**
 * Argo CD's glob match for a project destination field (AppProject `destinations`):
 * `*` any run of characters, `?` one character, a leading `!` negates. Returns undefined
 * for patterns with `[` or `{`, which this does not judge (Argo CD, not goplatform, then decides).
 */
export function destinationGlobMatch(pattern: string, value: string): boolean | undefined {
  if (pattern.startsWith("!")) {
    const match = destinationGlobMatch(pattern.slice(1), value);
    return match === undefined ? undefined : !match;
  }
  if (/[[{]/.test(pattern)) return undefined;
  const source = pattern.replace(/[.+^$()|\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(value);
}

/**
 * Whether an AppProject with `destinations` permits an Application to deploy to
 * `server`/`namespace`, by Argo CD's rule (AppProject.isDestinationMatched): some
 * destination matches both server and namespace, and no deny (`!`) pattern excludes
 * them. Undefined when a pattern is one this does not judge.
 */
export function destinationPermitted(destinations: readonly Required<ArgoCdDestination>[], server: string, namespace: string): boolean | undefined {
  let matched = false;
  for (const d of destinations) {
    const serverMatch = d.server === "*" ? true : destinationGlobMatch(d.server, server);
    const namespaceMatch = d.namespace === "*" ? true : destinationGlobMatch(d.namespace, namespace);
    if (serverMatch === undefined || namespaceMatch === undefined) return undefined;
    if (serverMatch && namespaceMatch) matched = true;
    else if ((!serverMatch && d.server.startsWith("!")) || (!namespaceMatch && d.namespace.startsWith("!"))) return false;
  }
  return matched;
}

export function appProjectSpec(project: ArgoCdProject & { requireSignedCommits: boolean; signatureKeys: string[] }): Record<string, unknown> {
  return {
    description: "goplatform: Go services, from pinned revisions of known repositories to known namespaces",
    sourceRepos: project.sourceRepos,
    destinations: projectDestinations(project.destinations),
    clusterResourceWhitelist: project.clusterResourceWhitelist ?? [],
    ...(project.requireSignedCommits ? { signatureKeys: project.signatureKeys.map((keyID) => ({ keyID })) } : {}),
    orphanedResources: { warn: true },
  };
}

/** `valuesYaml` as a mapping (YAML is a superset of JSON); an empty document is no values. */
function parseValues(text: string | undefined): Record<string, unknown> {
  const allowed = "expected a YAML or JSON mapping of chart values as a string, such as \"server:\\n  replicas: 2\"";
  if (text === undefined) return {};
  if (typeof text !== "string") throw new ArgumentError(COMPONENT, "valuesYaml", text, allowed);
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ArgumentError(COMPONENT, "valuesYaml", text, `${allowed}: ${(err instanceof Error ? err.message : String(err)).split("\n")[0] ?? ""}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isRecord(parsed)) throw new ArgumentError(COMPONENT, "valuesYaml", text, allowed);
  return parsed;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? deepMerge(prev, v) : v;
  }
  return out;
}
