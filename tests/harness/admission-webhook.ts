/**
 * Sigstore's policy-controller webhook (cmd/webhook of the module tools/policy-controller
 * pins, built by scripts/toolchain.sh) as the admission webhook of a LocalCluster: a
 * process on the host that the API server calls as it would call the chart's
 * in-cluster webhook.
 *
 * Its ports are fixed, not free ones: cmd/webhook v0.13.1 stores its webhook.Options
 * in the context before it declares --secure-port, so the flag changes a copy nobody
 * reads, and knative's server listens on ":8443" whatever it says; knative's
 * sharedmain serves health probes on ":8080", with no setting. One webhook per host
 * at a time, then: start() refuses to run when either port is taken. (Its profiling
 * port has a setting, PROFILING_PORT: a free one.)
 *
 * How the API server reaches it: the webhook configurations are the project's own
 * (config/500-webhook-configuration.yaml and 501-policy-webhook-configurations.yaml of
 * the module), referencing the Service `webhook` in cosign-system, as knative's
 * reconcilers require (they fill in rules, caBundle and path, and refuse a `url`). That
 * Service is of type ExternalName `localhost`: the API server's service resolver (no
 * aggregator routing) resolves an ExternalName Service to `https://<externalName>:<port
 * of the reference>`, and verifies the certificate for `<service>.<namespace>.svc`,
 * the name knative's certificate controller issues the serving certificate for. So the
 * references carry the webhook's port, and the webhook serves on it.
 *
 * What the chart's release would create, and the process needs before it starts: the
 * TrustRoot CRD (without it nothing is reconciled: its informers never sync), the empty
 * `webhook-certs` Secret (the certificate controller only fills an existing one), and
 * the ConfigMaps it watches (config-policy-controller with the no-match policy;
 * config-image-policies and config-sigstore-keys, without which it exits "Failed to
 * start configuration manager"; and
 * config-observability with metrics off, so it opens no metrics port). The
 * ClusterImagePolicy CRD is switched back to the chart's conversion through the webhook
 * (scripts/cluster-bootstrap.mjs sets `None`, for the clusters that do not run it).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import type { LocalCluster } from "./local-cluster";
import { REPO_ROOT, toolchain } from "./pulumi-cli";

/** The namespace cmd/webhook runs in (SYSTEM_NAMESPACE), and where the chart installs it by default. */
export const SYSTEM_NAMESPACE = "cosign-system";
/** The port cmd/webhook serves HTTPS on (its webhook.Options.Port), and knative's health probe port (see above). */
export const WEBHOOK_PORT = 8443;
const HEALTH_PORT = 8080;
/** cmd/webhook's webhook.Options.ServiceName: the Service its certificate is issued for (it keeps it in the Secret `webhook-certs`, from 500-webhook-configuration.yaml). */
const SERVICE = "webhook";
/** The webhook configurations cmd/webhook reconciles (its --webhook-name, --mutating-webhook-name and --validating-webhook-name defaults). */
const CONFIGURATIONS = [
  ["validatingwebhookconfiguration", "policy.sigstore.dev"],
  ["mutatingwebhookconfiguration", "policy.sigstore.dev"],
  ["validatingwebhookconfiguration", "validating.clusterimagepolicy.sigstore.dev"],
  ["mutatingwebhookconfiguration", "defaulting.clusterimagepolicy.sigstore.dev"],
] as const;
/** The CRD whose versions cmd/webhook converts (its conversion controller fills in caBundle and path). */
const CIP_CRD = "clusterimagepolicies.policy.sigstore.dev";

export interface AdmissionWebhookOptions {
  /** config-policy-controller's no-match-policy: what happens to an image no policy matches. Default: "deny" (SignatureAdmission's default). */
  noMatchPolicy?: "deny" | "warn" | "allow";
  /** How long to wait for the webhook to have reconciled its certificate into every configuration. Default: 120 s. */
  readySeconds?: number;
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  webhooks?: { clientConfig: { service?: { port?: number } } }[];
}

export class AdmissionWebhook {
  private constructor(
    private readonly child: ChildProcess,
    /** The loopback port it serves HTTPS on. */
    readonly port: number,
    /** Its stdout and stderr. */
    readonly logFile: string,
  ) {}

  /**
   * Starts the webhook for cluster, its log in dir/policy-controller.log, and waits
   * until it has reconciled its CA into every webhook configuration; stop it with stop().
   */
  static async start(cluster: LocalCluster, dir: string, options: AdmissionWebhookOptions = {}): Promise<AdmissionWebhook> {
    const binary = toolchain("policy-controller");
    const config = path.join(moduleDir("github.com/sigstore/policy-controller"), "config");
    const port = WEBHOOK_PORT;
    for (const p of [port, HEALTH_PORT]) {
      if (!(await portFree(p))) throw new Error(`port ${String(p)} on this host is in use; policy-controller v0.13.1 can only listen on ${String(port)} and ${String(HEALTH_PORT)} (another admission test running?)`);
    }
    const profilingPort = await freePort();
    const manifests = ["300-trustroot.yaml", "500-webhook-configuration.yaml", "501-policy-webhook-configurations.yaml"].flatMap((f) => documents(path.join(config, f)));
    for (const m of manifests) for (const w of m.webhooks ?? []) if (w.clientConfig.service) w.clientConfig.service.port = port;
    const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: SYSTEM_NAMESPACE }, data });
    cluster.apply([
      ...manifests,
      { apiVersion: "v1", kind: "Service", metadata: { name: SERVICE, namespace: SYSTEM_NAMESPACE }, spec: { type: "ExternalName", externalName: "localhost", ports: [{ name: "https", port }] } },
      configMap("config-policy-controller", { "no-match-policy": options.noMatchPolicy ?? "deny" }),
      configMap("config-image-policies", {}),
      configMap("config-sigstore-keys", {}),
      configMap("config-observability", { "metrics.backend-destination": "none" }),
    ]);

    // The reference carries the port, like the webhook configurations'.
    cluster.kubectl("patch", "crd", CIP_CRD, "--type", "merge", "-p", JSON.stringify({
      spec: { conversion: { strategy: "Webhook", webhook: { conversionReviewVersions: ["v1beta1", "v1alpha1"], clientConfig: { service: { name: SERVICE, namespace: SYSTEM_NAMESPACE, port } } } } },
    }));

    const logFile = path.join(dir, "policy-controller.log");
    const log = openSync(logFile, "a");
    // No TUF: the Sigstore public-good trust root is for keyless authorities, and would be fetched from the network.
    // The kubeconfig path after the flags is ignored by cmd/webhook (it reads no positional
    // argument; KUBECONFIG below is what it uses): it marks the process as this cluster's,
    // so scripts/test.sh's check for processes left under a test's cluster/ finds it too.
    const child = spawn(binary, ["--disable-tuf", cluster.kubeconfig], {
      stdio: ["ignore", log, log],
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        KUBECONFIG: cluster.kubeconfig,
        SYSTEM_NAMESPACE,
        WEBHOOK_NAME: SERVICE,
        METRICS_DOMAIN: "sigstore.dev/policy",
        // knative's profiling server always listens (":8008" by default): a port of its own.
        PROFILING_PORT: String(profilingPort),
      },
    });
    closeSync(log);
    const webhook = new AdmissionWebhook(child, port, logFile);
    try {
      await webhook.waitReady(cluster, options.readySeconds ?? 120);
    } catch (e) {
      webhook.stop();
      throw e;
    }
    return webhook;
  }

  /** What the webhook logged so far. */
  log(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /** Stops the process (if it still runs). */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  /**
   * Waits until the webhook has compiled the ClusterImagePolicy name into
   * config-image-policies, the ConfigMap its admission handlers judge by.
   */
  async waitForPolicy(cluster: LocalCluster, name: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      if (cluster.get("configmap", "config-image-policies", SYSTEM_NAMESPACE)?.data?.[name] !== undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`policy-controller did not compile ClusterImagePolicy ${name} into config-image-policies in ${String(seconds)} s:\n${this.log().slice(-4000)}`);
  }

  private async waitReady(cluster: LocalCluster, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    let pending: string[] = [];
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`policy-controller exited (${String(this.child.exitCode)}):\n${this.log().slice(-4000)}`);
      pending = CONFIGURATIONS.filter(([kind, name]) => {
        const webhooks = (cluster.get(kind, name) as { webhooks?: { clientConfig: { caBundle?: string }; rules?: unknown[] }[] } | undefined)?.webhooks ?? [];
        return !webhooks.every((w) => (w.clientConfig.caBundle ?? "") !== "" && (w.rules ?? []).length > 0);
      }).map(([kind, name]) => `${kind}/${name}`);
      const conversion = (cluster.get("crd", CIP_CRD)?.spec as { conversion?: { webhook?: { clientConfig?: { caBundle?: string } } } } | undefined)?.conversion;
      if ((conversion?.webhook?.clientConfig?.caBundle ?? "") === "") pending.push(`the conversion of ${CIP_CRD}`);
      if (pending.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`policy-controller did not reconcile ${pending.join(", ")} in ${String(seconds)} s:\n${this.log().slice(-4000)}`);
  }
}

/** The directory of a module tools/policy-controller/go.mod pins (downloaded and checked against its go.sum). */
function moduleDir(module: string): string {
  const out = execFileSync("go", ["mod", "download", "-json", module], {
    cwd: path.join(REPO_ROOT, "tools", "policy-controller"),
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
  });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

function documents(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJSON() as unknown)
    .filter((d): d is Manifest => d !== null && typeof d === "object");
}

/** Whether nothing listens on port (on any address: knative's server binds them all). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => {
        resolve(false);
      })
      .listen(port, () => {
        probe.close(() => {
          resolve(true);
        });
      });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === "object" && address !== null) resolve(address.port);
        else reject(new Error("the probe has no port"));
      });
    });
  });
}
