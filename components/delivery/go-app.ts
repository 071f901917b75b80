/**
 * GoApp and GoAppSet: Argo CD Applications for Go services, at pinned revisions (a
 * commit SHA or semver tag), synced automatically with prune and self-heal, retried
 * with backoff, applied server-side. GoAppSet is the ApplicationSet form for many
 * services from one repository.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, checkBoolean, checkDnsLabel, checkHttpsUrl, checkImageByDigest, checkList, checkNumber, componentToken, isPending, isRecord, withLegacyType } from "../args";
import { checkClusterData, connectCluster } from "../cluster";
import { ACCEPTED_GO_VERSION_FORMS, goMetadata, GoVersionError } from "../go";
import { type ArgoCdData, type ArgoCdDestination, destinationPermitted, IN_CLUSTER } from "./argocd";
import { checkRepoUrl, checkRevision } from "./checks";
import { validateArgs } from "../arg-validation";

/** How long Argo CD waits between sync attempts. */
export interface SyncBackoff {
  /** First backoff, e.g. "5s" (s, m or h). Default: "5s". */
  duration?: string;
  /** Growth factor of the backoff, 1–10. Default: 2. */
  factor?: number;
  /** Longest backoff, e.g. "3m". Default: "3m". */
  maxDuration?: string;
}

/** How Argo CD retries a failed sync. */
export interface SyncRetry {
  /** Attempts, 1–50. Default: 5. */
  limit?: number;
  /** Backoff between attempts. Default: 5s doubling to at most 3m. */
  backoff?: SyncBackoff;
}

export interface GoAppSource {
  /** Git repository of the manifests (must be in the project's sourceRepos). */
  repoUrl: string;
  /** Directory of the manifests in the repository (plain YAML or Kustomize). */
  path: string;
  /** A full commit SHA or a semver tag (`v1.4.2`, `refs/tags/v1.4.2`, or a sub-module's `services/api/v1.4.2`). HEAD and branches are refused unless `allowFloatingRevision`. */
  targetRevision: string;
  /** Kustomize image overrides, each `name=registry/repo@sha256:…` (by digest). Default: none. */
  images?: string[];
}

export interface GoAppArgs extends GoAppSource {
  /** The Argo CD installation and project the Application belongs to: an ArgoCd's `argoCd` output. */
  argoCd: ArgoCdData;
  /** Namespace the service deploys to (one of the project's destinations). */
  namespace: string;
  /** API server the service deploys to. Default: "https://kubernetes.default.svc". */
  server?: string;
  /** Accept HEAD or a branch as targetRevision. Default: false. */
  allowFloatingRevision?: boolean;
  /** Retry policy. Default: 5 attempts, 5s doubling to at most 3m. */
  retry?: SyncRetry;
  /** Deployments Argo CD keeps for rollback. Default: 10. */
  revisionHistoryLimit?: number;
  /** Go release the service is built with, recorded as `goplatform.dev/go-version`. Default: not recorded. */
  goVersion?: string;
  /**
   * Deleting the Application deletes what it deployed (Argo CD's resources
   * finalizer), and waits for Argo CD to do so. False leaves the deployed objects in
   * place, and is what a cluster with no running Argo CD controller needs, where
   * nothing would ever remove the finalizer. Default: true.
   */
  cascadeDelete?: boolean;
}

/** One service of a GoAppSet: one generated Application. */
export interface GoAppSetService {
  /** The Application's name (a DNS label, distinct within the set). */
  name: string;
  /** Directory of the service's manifests in the repository. */
  path: string;
  /** A full commit SHA or a semver tag, as GoApp's `targetRevision`. */
  targetRevision: string;
  /** Namespace the service deploys to (one of the project's destinations). */
  namespace: string;
}

export interface GoAppSetArgs {
  /** The Argo CD installation and project the Applications belong to: an ArgoCd's `argoCd` output. */
  argoCd: ArgoCdData;
  /** Git repository of the manifests (must be in the project's sourceRepos). */
  repoUrl: string;
  /** One Application per service. */
  services: GoAppSetService[];
  /** API server the services deploy to. Default: "https://kubernetes.default.svc". */
  server?: string;
  /** Accept HEAD or a branch as a service's targetRevision. Default: false. */
  allowFloatingRevision?: boolean;
  /** Retry policy of each Application. Default: 5 attempts, 5s doubling to at most 3m. */
  retry?: SyncRetry;
  /** Deployments Argo CD keeps for rollback, per Application. Default: 10. */
  revisionHistoryLimit?: number;
  /** As GoApp's `cascadeDelete`, for each generated Application. Default: true. */
  cascadeDelete?: boolean;
}

/** Argo CD's finalizer: deleting an Application deletes what it deployed. */
function cascadeFinalizers(cascadeDelete: boolean): { finalizers?: string[] } {
  return cascadeDelete ? { finalizers: ["resources-finalizer.argocd.argoproj.io"] } : {};
}

const DURATION = /^([1-9]\d*)(s|m|h)$/;

function syncPolicy(component: string, retry: SyncRetry | undefined): Record<string, unknown> {
  const limit = checkNumber(component, "retry.limit", retry?.limit ?? 5, { min: 1, max: 50, integer: true });
  const duration = retry?.backoff?.duration ?? "5s";
  const maxDuration = retry?.backoff?.maxDuration ?? "3m";
  for (const [argument, value] of [["retry.backoff.duration", duration], ["retry.backoff.maxDuration", maxDuration]] as const) {
    if (!DURATION.test(value)) throw new ArgumentError(component, argument, value, "expected a duration such as \"5s\", \"2m\" or \"1h\"");
  }
  const factor = checkNumber(component, "retry.backoff.factor", retry?.backoff?.factor ?? 2, { min: 1, max: 10, integer: true });
  return {
    automated: { prune: true, selfHeal: true, allowEmpty: false },
    retry: { limit, backoff: { duration, factor, maxDuration } },
    syncOptions: ["ServerSideApply=true", "PruneLast=true", "FailOnSharedResource=true"],
  };
}

function checkSource(component: string, prefix: string, s: { path: string; targetRevision: string; images?: string[] }, allowFloating: boolean): void {
  if (typeof s.path !== "string" || s.path === "" || s.path.startsWith("/") || s.path.split("/").includes("..")) {
    throw new ArgumentError(component, `${prefix}path`, s.path, "expected a directory inside the repository, such as \"deploy/api\"");
  }
  checkRevision(component, `${prefix}targetRevision`, s.targetRevision, allowFloating);
  const images: unknown = s.images;
  if (images !== undefined && !Array.isArray(images)) throw new ArgumentError(component, `${prefix}images`, images, "expected a list of name=registry/repository@sha256:<digest>");
  for (const [i, image] of (s.images ?? []).entries()) {
    const [imageName, ref] = typeof image === "string" ? image.split("=", 2) : [];
    if (imageName === undefined || imageName === "" || ref === undefined) throw new ArgumentError(component, `${prefix}images[${i}]`, image, "expected name=registry/repository@sha256:<digest>");
    checkImageByDigest(component, `${prefix}images[${i}]`, ref);
  }
}

/** The `argoCd` argument: an ArgoCd's `argoCd` output, checked before anything exists. */
function checkArgoCd(component: string, argoCd: ArgoCdData): ArgoCdData {
  const given: unknown = argoCd;
  const cluster: unknown = isRecord(given) ? given.cluster : undefined;
  if (!isRecord(given) || !isRecord(cluster)) {
    throw new ArgumentError(component, isRecord(given) ? "argoCd.cluster" : "argoCd", isRecord(given) ? cluster : given, "expected an ArgoCd's `argoCd` output ({ cluster, namespace, projectName, destinations })");
  }
  checkClusterData(component, argoCd.cluster, "argoCd.cluster");
  // Known here from TypeScript; an output from another language is ArgoCd's, checked there.
  if (typeof argoCd.namespace === "string") checkDnsLabel(component, "argoCd.namespace", argoCd.namespace);
  if (typeof argoCd.projectName === "string") checkDnsLabel(component, "argoCd.projectName", argoCd.projectName);
  const destinations: unknown = given.destinations;
  if (destinations !== undefined && !isPending(destinations)) {
    const allowed = "expected the AppProject's destinations as ArgoCd outputs them: a list of { server, namespace }";
    if (!Array.isArray(destinations)) throw new ArgumentError(component, "argoCd.destinations", destinations, allowed);
    const list: unknown[] = destinations;
    list.forEach((d, i) => {
      if (isPending(d)) return;
      if (!isRecord(d)) throw new ArgumentError(component, `argoCd.destinations[${i}]`, d, allowed);
      for (const field of ["namespace", "server"] as const) {
        const value = d[field];
        if (!(field === "server" && value === undefined) && !isPending(value) && typeof value !== "string") {
          throw new ArgumentError(component, `argoCd.destinations[${i}].${field}`, value, allowed);
        }
      }
    });
  }
  return argoCd;
}

/**
 * `namespace` on `server` is one of the Argo CD project's destinations (Argo CD's glob
 * rules), or Argo CD would refuse every sync. Not judged while the project's
 * destinations are unknown (not given, or an Output: the validation layer runs this
 * again with their values).
 */
function checkDestination(component: string, argument: string, argoCd: ArgoCdData, server: string, namespace: string): void {
  const given: unknown = argoCd.destinations;
  if (!Array.isArray(given)) return;
  const list: unknown[] = given;
  const destinations: Required<ArgoCdDestination>[] = [];
  for (const d of list) {
    if (!isRecord(d) || typeof d.namespace !== "string" || !(d.server === undefined || typeof d.server === "string")) return;
    destinations.push({ namespace: d.namespace, server: d.server ?? IN_CLUSTER });
  }
  const permitted = destinationPermitted(destinations, server, namespace);
  if (permitted !== false) return;
  const project = typeof argoCd.projectName === "string" ? ` "${argoCd.projectName}"` : "";
  const listed = destinations.map((d) => `${d.namespace} on ${d.server}`).join(", ");
  const onServer = destinations.some((d) => destinationPermitted([{ server: d.server, namespace: "*" }], server, namespace) === true);
  if (!onServer) {
    throw new ArgumentError(component, "server", server, `expected an API server the Argo CD project${project} allows as a destination (${listed}); Argo CD would refuse the sync`);
  }
  throw new ArgumentError(component, argument, namespace, `expected a namespace the Argo CD project${project} allows as a destination on ${server} (${listed}); add it to ArgoCd's project.destinations, or Argo CD refuses the sync`);
}

/** The `goplatform.dev/go-version` label of `goVersion` (none when unset); a bad version named as the user's argument. */
function goVersionLabels(component: string, goVersion: string | undefined): Record<string, string> {
  if (goVersion === undefined) return {};
  try {
    return goMetadata(goVersion);
  } catch (err) {
    if (err instanceof GoVersionError) throw new ArgumentError(component, "goVersion", goVersion, `expected ${ACCEPTED_GO_VERSION_FORMS}`);
    throw err;
  }
}

function source(repoUrl: string, s: { path: string; targetRevision: string; images?: string[] }): Record<string, unknown> {
  return { repoURL: repoUrl, path: s.path, targetRevision: s.targetRevision, ...(s.images?.length ? { kustomize: { images: s.images } } : {}) };
}

/** The own checks of GoApp's args. */
function checkGoAppArgs(name: string, args: GoAppArgs) {
  const COMPONENT = "GoApp";
  checkDnsLabel(COMPONENT, "name", name);
  checkArgoCd(COMPONENT, args.argoCd);
  checkRepoUrl(COMPONENT, "repoUrl", args.repoUrl);
  const allowFloating = checkBoolean(COMPONENT, "allowFloatingRevision", args.allowFloatingRevision ?? false);
  checkSource(COMPONENT, "", args, allowFloating);
  checkDnsLabel(COMPONENT, "namespace", args.namespace);
  const server = checkHttpsUrl(COMPONENT, "server", args.server ?? IN_CLUSTER);
  checkDestination(COMPONENT, "namespace", args.argoCd, server, args.namespace);
  const policy = syncPolicy(COMPONENT, args.retry);
  const history = checkNumber(COMPONENT, "revisionHistoryLimit", args.revisionHistoryLimit ?? 10, { min: 1, max: 100, integer: true });
  const goLabels = goVersionLabels(COMPONENT, args.goVersion);
  const cascadeDelete = checkBoolean(COMPONENT, "cascadeDelete", args.cascadeDelete ?? true);
  return { server, policy, history, goLabels, cascadeDelete };
}

export class GoApp extends pulumi.ComponentResource {
  /** The Argo CD Application's name. */
  readonly applicationName: pulumi.Output<string>;
  /** The revision it deploys. */
  readonly targetRevision: string;

  constructor(name: string, args: GoAppArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs("GoApp", args, (a) => checkGoAppArgs(name, a), withLegacyType("goplatform:k8s:GoApp", opts));
    const COMPONENT = "GoApp";
    const { server, policy, history, goLabels, cascadeDelete } = validated.checked;
    super(componentToken("GoApp"), name, {}, validated.opts);
    this.targetRevision = args.targetRevision;

    const app = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
          name,
          namespace: args.argoCd.namespace,
          labels: { "app.kubernetes.io/managed-by": "goplatform", ...goLabels },
          ...cascadeFinalizers(cascadeDelete),
        },
        spec: {
          project: args.argoCd.projectName,
          source: source(args.repoUrl, args),
          destination: { server, namespace: args.namespace },
          syncPolicy: policy,
          revisionHistoryLimit: history,
        },
      },
      { parent: this, provider: connectCluster(COMPONENT, name, args.argoCd.cluster, this).provider },
    );
    this.applicationName = app.metadata.name;
    this.registerOutputs({ applicationName: this.applicationName, targetRevision: this.targetRevision });
  }
}

/** The own checks of GoAppSet's args. */
function checkGoAppSetArgs(name: string, args: GoAppSetArgs) {
  const COMPONENT = "GoAppSet";
  checkDnsLabel(COMPONENT, "name", name);
  checkArgoCd(COMPONENT, args.argoCd);
  checkRepoUrl(COMPONENT, "repoUrl", args.repoUrl);
  const allowFloating = checkBoolean(COMPONENT, "allowFloatingRevision", args.allowFloatingRevision ?? false);
  checkList(COMPONENT, "services", args.services, (s, i) => {
    const given: unknown = s;
    if (!isRecord(given)) throw new ArgumentError(COMPONENT, `services[${i}]`, given, "expected { name, path, targetRevision, namespace }");
    checkDnsLabel(COMPONENT, `services[${i}].name`, s.name);
    checkDnsLabel(COMPONENT, `services[${i}].namespace`, s.namespace);
    checkSource(COMPONENT, `services[${i}].`, s, allowFloating);
  });
  const names = args.services.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new ArgumentError(COMPONENT, "services", names, "expected distinct service names");
  const server = checkHttpsUrl(COMPONENT, "server", args.server ?? IN_CLUSTER);
  args.services.forEach((s, i) => {
    checkDestination(COMPONENT, `services[${i}].namespace`, args.argoCd, server, s.namespace);
  });
  const policy = syncPolicy(COMPONENT, args.retry);
  const history = checkNumber(COMPONENT, "revisionHistoryLimit", args.revisionHistoryLimit ?? 10, { min: 1, max: 100, integer: true });
  const cascadeDelete = checkBoolean(COMPONENT, "cascadeDelete", args.cascadeDelete ?? true);
  return { server, policy, history, cascadeDelete };
}

export class GoAppSet extends pulumi.ComponentResource {
  /** The Argo CD ApplicationSet's name. */
  readonly applicationSetName: pulumi.Output<string>;

  constructor(name: string, args: GoAppSetArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs("GoAppSet", args, (a) => checkGoAppSetArgs(name, a), withLegacyType("goplatform:k8s:GoAppSet", opts));
    const COMPONENT = "GoAppSet";
    const { server, policy, history, cascadeDelete } = validated.checked;
    super(componentToken("GoAppSet"), name, {}, validated.opts);

    // The list generator carries each service's pinned revision; the template only fills them in.
    const elements = args.services.map((s) => ({ name: s.name, path: s.path, targetRevision: s.targetRevision, namespace: s.namespace }));
    const set = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ApplicationSet",
        metadata: { name, namespace: args.argoCd.namespace, labels: { "app.kubernetes.io/managed-by": "goplatform" } },
        spec: {
          goTemplate: true,
          goTemplateOptions: ["missingkey=error"],
          generators: [{ list: { elements } }],
          template: {
            metadata: { name: "{{.name}}", labels: { "app.kubernetes.io/managed-by": "goplatform" }, ...cascadeFinalizers(cascadeDelete) },
            spec: {
              project: args.argoCd.projectName,
              source: { repoURL: args.repoUrl, path: "{{.path}}", targetRevision: "{{.targetRevision}}" },
              destination: { server, namespace: "{{.namespace}}" },
              syncPolicy: policy,
              revisionHistoryLimit: history,
            },
          },
          syncPolicy: { preserveResourcesOnDeletion: false },
        },
      },
      { parent: this, provider: connectCluster(COMPONENT, name, args.argoCd.cluster, this).provider },
    );
    this.applicationSetName = set.metadata.name;
    this.registerOutputs({ applicationSetName: this.applicationSetName });
  }
}
