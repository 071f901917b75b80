/**
 * A local Kubernetes control plane of a test's own (scripts/cluster.sh in a scratch
 * directory, on free loopback ports), read back through kubectl: what the API server
 * holds, not what the state file says.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT, toolchain } from "./pulumi-cli";

export class LocalCluster {
  readonly kubeconfig: string;
  private readonly kubectlPath: string;

  private constructor(readonly dir: string) {
    this.kubectlPath = path.join(toolchain("control-plane"), "kubectl");
    this.kubeconfig = path.join(dir, "kubeconfig");
  }

  /** Starts a control plane with its data in dir; stop it with purge(). */
  static start(dir: string): LocalCluster {
    execFileSync("bash", [path.join(REPO_ROOT, "scripts", "cluster.sh"), "start", dir], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
    return new LocalCluster(dir);
  }

  /** Stops every process of the control plane in dir (if one was started there) and removes dir. */
  static purge(dir: string): void {
    execFileSync("bash", [path.join(REPO_ROOT, "scripts", "cluster.sh"), "purge", dir], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }

  /** `kubectl get … -o json`: the items the API server lists (empty when none). */
  list(...args: string[]): KubeItem[] {
    return (JSON.parse(this.kubectl("get", ...args, "-o", "json")) as { items?: KubeItem[] }).items ?? [];
  }

  /** `kubectl get KIND NAME -o json`, or undefined when the API server has no such object. */
  get(kind: string, name: string, namespace?: string): KubeItem | undefined {
    const result = spawnSync(this.kubectlPath, ["get", kind, name, ...(namespace === undefined ? [] : ["-n", namespace]), "-o", "json", "--show-managed-fields"], { env: this.env(), encoding: "utf8" });
    if (result.status !== 0) {
      if (/NotFound|not found/.test(result.stderr)) return undefined;
      throw new Error(`kubectl get ${kind} ${name}: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as KubeItem;
  }

  kubectl(...args: string[]): string {
    return execFileSync(this.kubectlPath, args, { env: this.env(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  }

  /** `kubectl apply -f -` of objects (server-side, this harness's field manager); throws with kubectl's stderr when it fails. */
  apply(objects: object[]): void {
    const result = this.tryApply(objects);
    if (result.status !== 0) throw new Error(`kubectl apply: ${result.stderr}`);
  }

  /** `kubectl apply -f -` of objects, not judged: the exit status and what kubectl said (an admission denial is in stderr). */
  tryApply(objects: object[]): { status: number | null; stdout: string; stderr: string } {
    const input = JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
    const result = spawnSync(this.kubectlPath, ["apply", "--server-side", "--field-manager", "goplatform-tests", "-f", "-"], { env: this.env(), input, encoding: "utf8" });
    if (result.error !== undefined) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: this.kubeconfig };
  }
}

export interface KubeItem {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string }[] };
  spec?: unknown;
  data?: Record<string, string>;
  status?: unknown;
}
