/**
 * Waiting until the deploying identity may use an AKS cluster's Kubernetes API.
 *
 * With Entra ID, Azure RBAC and no local accounts, the deployer's access comes from an
 * Azure role assignment ("Azure Kubernetes Service RBAC Cluster Admin"), and Azure
 * says a new role assignment can take up to 10 minutes to take effect. Until then every
 * Kubernetes request is refused with 403, and the Kubernetes provider retries a create
 * only when the error is NotFound or NoMatch (pulumi-kubernetes
 * provider/pkg/await/await.go, `retrier.Do(apierrors.IsNotFound, meta.IsNoMatchError)`),
 * so the first in-cluster resource fails. `AksAccessWait` is a resource whose create
 * asks the API server, with the kubeconfig's own credential plugin (kubelogin), whether
 * the deployer may create what the in-cluster components create
 * (SelfSubjectAccessReview), and polls until every answer is "allowed" or a deadline
 * passes. The cluster's Kubernetes provider depends on it.
 *
 * The provider below is serialized by Pulumi into the state: it and the functions it
 * calls reference only each other and Node built-ins (https, child_process), never
 * `@pulumi/pulumi` or other modules of this package.
 */
import * as childProcess from "node:child_process";
import * as https from "node:https";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/** A client-go exec credential plugin, as the kubeconfig names it (kubelogin on AKS). */
export interface ExecPlugin {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
}

/** Where to ask and how to authenticate: taken from the cluster's kubeconfig. */
export interface AccessTarget {
  /** The API server URL, e.g. https://prod-abc.hcp.westeurope.azmk8s.io:443. */
  server: string;
  /** Base64 PEM of the cluster CA; empty to use the system trust store. */
  certificateAuthorityData: string;
  exec: ExecPlugin;
}

/** One SelfSubjectAccessReview resource attribute set: the deployer must be allowed each. */
export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
}

/**
 * What the in-cluster components create first: namespaces and CRDs, cluster-scoped.
 * "Azure Kubernetes Service RBAC Cluster Admin" allows both; a narrower role does not.
 */
export const DEPLOYER_ACCESS_CHECKS: readonly AccessAttributes[] = [
  { verb: "create", group: "", resource: "namespaces" },
  { verb: "create", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" },
];

/** What one check saw: allowed, not (yet) allowed, or a failure waiting will not fix. */
export type AccessAnswer = { kind: "allowed" } | { kind: "notYet"; detail: string } | { kind: "fatal"; detail: string };

/** An HTTP answer: status code and body text. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * Reads a SelfSubjectAccessReview answer. 201/200 with `status.allowed` is allowed;
 * `allowed: false`, 403 (the role has not reached the API server's authorizer yet),
 * 401, 429 and 5xx are "not yet"; any other status is fatal.
 */
export function readReview(answer: HttpAnswer): AccessAnswer {
  const { status, body } = answer;
  if (status === 200 || status === 201) {
    let review: unknown;
    try {
      review = JSON.parse(body);
    } catch {
      return { kind: "fatal", detail: `HTTP ${status} with a body that is not JSON: ${body.slice(0, 200)}` };
    }
    const result = typeof review === "object" && review !== null ? (review as { status?: { allowed?: unknown; reason?: unknown } }).status : undefined;
    if (result?.allowed === true) return { kind: "allowed" };
    const reason = typeof result?.reason === "string" && result.reason !== "" ? result.reason : "no reason given";
    return { kind: "notYet", detail: `not allowed (${reason})` };
  }
  const detail = `HTTP ${status}: ${body.slice(0, 300)}`;
  if (status === 401 || status === 403 || status === 429 || status >= 500) return { kind: "notYet", detail };
  return { kind: "fatal", detail };
}

/** The I/O an access check needs, injected so the logic is testable without a cluster. */
export interface AccessClient {
  /** A bearer token for the API server (from the exec plugin). */
  token(): Promise<string>;
  /** POST a JSON body to a path of the API server. */
  post(path: string, body: string, token: string): Promise<HttpAnswer>;
}

/** Asks once, for every attribute set; allowed only when all are. */
export async function checkAccess(client: AccessClient, checks: readonly AccessAttributes[]): Promise<AccessAnswer> {
  const token = await client.token();
  for (const attributes of checks) {
    const review = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { verb: attributes.verb, group: attributes.group, resource: attributes.resource } } };
    let answer: HttpAnswer;
    try {
      answer = await client.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", JSON.stringify(review), token);
    } catch (error) {
      // DNS and connections to a cluster created a minute ago can still fail; the deadline bounds it.
      return { kind: "notYet", detail: `request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const read = readReview(answer);
    if (read.kind !== "allowed") {
      const what = `${attributes.verb} ${attributes.group === "" ? "" : `${attributes.group}/`}${attributes.resource}`;
      return { ...read, detail: `${what}: ${read.detail}` };
    }
  }
  return { kind: "allowed" };
}

export interface WaitOptions {
  /** One check. A thrown error (e.g. the credential plugin failing) ends the wait. */
  check: () => Promise<AccessAnswer>;
  timeoutMs: number;
  intervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Names the cluster in messages. */
  what: string;
}

/** Checks until allowed, a fatal answer, or the deadline; returns the number of checks made. */
export async function waitForAccess(options: WaitOptions): Promise<number> {
  const deadline = options.now() + options.timeoutMs;
  let checks = 0;
  for (;;) {
    checks++;
    const answer = await options.check();
    if (answer.kind === "allowed") return checks;
    if (answer.kind === "fatal") throw new Error(`${options.what}: the API server refused the access check: ${answer.detail}`);
    const left = deadline - options.now();
    if (left <= 0) {
      throw new Error(
        `${options.what}: the deploying identity is still not authorized on the cluster after ${Math.round(options.timeoutMs / 1000)} s (${checks} checks; last: ${answer.detail}). ` +
          "Azure role assignments can take up to 10 minutes to take effect; check that the identity running `pulumi up` holds " +
          "\"Azure Kubernetes Service RBAC Cluster Admin\" on the cluster (az role assignment list --scope <cluster id>), then run `pulumi up` again. " +
          "If the last answer is a failed request, this machine does not reach the API server: a private cluster needs a network path to it, or a public endpoint with this machine's address allowed.",
      );
    }
    await options.sleep(Math.min(options.intervalMs, left));
  }
}

/** Runs the exec credential plugin and returns its token (client.authentication.k8s.io ExecCredential). */
export function execToken(exec: ExecPlugin): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const { name, value } of exec.env) env[name] = value;
  return new Promise((resolve, reject) => {
    childProcess.execFile(exec.command, exec.args, { env, timeout: 120_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`${exec.command} ${exec.args.join(" ")} failed: ${error.message}${stderr === "" ? "" : `: ${stderr.trim()}`}`));
        return;
      }
      let token: unknown;
      try {
        token = (JSON.parse(stdout) as { status?: { token?: unknown } }).status?.token;
      } catch {
        token = undefined;
      }
      if (typeof token !== "string" || token === "") reject(new Error(`${exec.command} printed no ExecCredential with a token`));
      else resolve(token);
    });
  });
}

/** POSTs JSON to the API server over TLS, trusting the cluster CA when given. */
export function httpsPost(target: AccessTarget, path: string, body: string, token: string): Promise<HttpAnswer> {
  const url = new URL(path, target.server);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` },
        ...(target.certificateAuthorityData === "" ? {} : { ca: Buffer.from(target.certificateAuthorityData, "base64") }),
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url.host} within 30 s`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** The dynamic resource's inputs (and outputs). */
export interface AccessWaitInputs {
  target: AccessTarget;
  checks: AccessAttributes[];
  timeoutSeconds: number;
  intervalSeconds: number;
  /** The role assignment waited for: a new one means waiting again. */
  grant: string;
  what: string;
}

async function waitUntilAuthorized(inputs: AccessWaitInputs): Promise<void> {
  const client: AccessClient = { token: () => execToken(inputs.target.exec), post: (path, body, token) => httpsPost(inputs.target, path, body, token) };
  await waitForAccess({
    check: () => checkAccess(client, inputs.checks),
    timeoutMs: inputs.timeoutSeconds * 1000,
    intervalMs: inputs.intervalSeconds * 1000,
    now: () => Date.now(),
    sleep: (ms) =>
      new Promise((resolve) => {
        setTimeout(resolve, ms);
      }),
    what: inputs.what,
  });
}

/** The dynamic provider: create and update wait; nothing to delete. */
export const accessWaitProvider: pulumi.dynamic.ResourceProvider<AccessWaitInputs, AccessWaitInputs> = {
  async create(inputs) {
    await waitUntilAuthorized(inputs);
    return { id: "deployer-authorized", outs: inputs };
  },
  diff(_id, olds, news) {
    // Olds come from the state, written by an earlier version maybe: read them defensively.
    const old = olds as Partial<AccessWaitInputs>;
    const changes = old.target?.server !== news.target.server || old.grant !== news.grant;
    return Promise.resolve({ changes });
  },
  async update(_id, _olds, news) {
    await waitUntilAuthorized(news);
    return { outs: news };
  },
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The API server, CA and exec credential plugin of a kubeconfig's current context (or
 * its only context). Throws when the user has no exec plugin: without one there is no
 * deployer identity to wait for.
 */
export function accessTarget(kubeconfig: string, where: string): AccessTarget {
  const config: unknown = parse(kubeconfig);
  if (!isRecord(config)) throw new Error(`${where}: the kubeconfig is not a YAML mapping`);
  const named = (list: unknown, name: unknown, field: string): Record<string, unknown> | undefined => {
    const entries = Array.isArray(list) ? list.filter(isRecord) : [];
    const entry = name === undefined ? (entries.length === 1 ? entries[0] : undefined) : entries.find((e) => e.name === name);
    const value = entry?.[field];
    return isRecord(value) ? value : undefined;
  };
  const context = named(config.contexts, config["current-context"] === "" ? undefined : config["current-context"], "context");
  const cluster = named(config.clusters, context?.cluster, "cluster");
  const user = named(config.users, context?.user, "user");
  const exec = user !== undefined && isRecord(user.exec) ? user.exec : undefined;
  if (cluster === undefined || typeof cluster.server !== "string") throw new Error(`${where}: the kubeconfig names no API server for its current context`);
  if (exec === undefined || typeof exec.command !== "string") throw new Error(`${where}: the kubeconfig's user has no exec credential plugin`);
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const env = Array.isArray(exec.env) ? exec.env.filter(isRecord).map((e) => ({ name: String(e.name), value: String(e.value) })) : [];
  const ca = typeof cluster["certificate-authority-data"] === "string" ? cluster["certificate-authority-data"] : "";
  return { server: cluster.server, certificateAuthorityData: ca, exec: { command: exec.command, args, env } };
}

export interface AksAccessWaitArgs {
  /** The cluster's kubeconfig (a secret output); its current context is checked. */
  kubeconfig: pulumi.Input<string>;
  /** The role assignment id waited for. */
  grant: pulumi.Input<string>;
  timeoutSeconds: number;
  /** Seconds between checks. */
  intervalSeconds: number;
  /** Names the cluster in messages. */
  what: string;
}

/** A resource that exists once the deploying identity may create namespaces and CRDs on the cluster. */
export class AksAccessWait extends pulumi.dynamic.Resource {
  constructor(name: string, args: AksAccessWaitArgs, opts?: pulumi.CustomResourceOptions) {
    const props: pulumi.Inputs = {
      target: pulumi.output(args.kubeconfig).apply((kubeconfig) => accessTarget(kubeconfig, args.what)),
      checks: DEPLOYER_ACCESS_CHECKS.map((c) => ({ ...c })),
      timeoutSeconds: args.timeoutSeconds,
      intervalSeconds: args.intervalSeconds,
      grant: args.grant,
      what: args.what,
    };
    super(accessWaitProvider, name, props, opts, undefined, "AksAccessWait");
  }
}
