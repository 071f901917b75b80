/**
 * GoPipeline: the Tekton (tekton.dev/v1) Tasks and Pipeline that take a Go repository
 * at a commit to a signed image by digest: clone → `go mod download` + `go mod verify`
 * → `go vet` + golangci-lint → `go test -race -count=1` (one step per Go version)
 * → govulncheck → a daemonless multi-arch ko build with an SPDX SBOM, pushed by digest
 * (IMAGE_URL / IMAGE_DIGEST results, which Tekton Chains signs and attests) → in
 * "cosign" mode, explicit cosign signature and SLSA provenance steps. A ServiceAccount
 * bound to a cloud identity that may push, and optional Triggers for push webhooks.
 *
 * Arguments: go-pipeline-args.ts; Tasks and their scripts: go-pipeline-tasks.ts;
 * triggers: go-pipeline-triggers.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentToken, withLegacyType } from "../args";
import { connectCluster, type CloudPermission } from "../cluster";
import { COMPONENT, type GoPipelineArgs, resolve, resolveSigning, resolveTrigger } from "./go-pipeline-args";
import { goPipelineSpec, goPipelineTasks, TEKTON_API } from "./go-pipeline-tasks";
import { createTriggers, type Meta } from "./go-pipeline-triggers";
import { validateArgs } from "../arg-validation";

export * from "./go-pipeline-args";
export { goPipelineSpec, goPipelineTasks, type TektonStep, type TektonTask } from "./go-pipeline-tasks";

export const SIGNING_KEY = "goplatform.dev/signing";
export const PROVENANCE_KEY = "goplatform.dev/provenance";

export class GoPipeline extends pulumi.ComponentResource {
  /** The namespace of the pipeline objects. */
  readonly namespace: pulumi.Output<string>;
  /** The Tekton Pipeline's name (PipelineRuns reference it). */
  readonly pipelineName: pulumi.Output<string>;
  /** The build ServiceAccount PipelineRuns run as. */
  readonly serviceAccountName: pulumi.Output<string>;
  /** The cloud identity the build ServiceAccount runs as ("" on a cluster without one). */
  readonly cloudIdentity: pulumi.Output<string>;
  /** The Go release that builds the image. */
  readonly goVersion: string;
  /** The Go releases `go test -race` runs with. */
  readonly testGoVersions: string[];
  /** Every step image, all by digest. */
  readonly images: string[];
  /** The EventListener's name, when a trigger is configured (its Service is `el-<name>`). */
  readonly eventListenerName?: pulumi.Output<string>;

  constructor(name: string, args: GoPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateArgs(
      "GoPipeline",
      args,
      (a) => ({ r: resolve(name, a), signing: resolveSigning(a.signing), trigger: resolveTrigger(a.trigger) }),
      withLegacyType("goplatform:k8s:GoPipeline", opts),
    );
    const { r, signing, trigger } = validated.checked;
    super(componentToken("GoPipeline"), name, {}, validated.opts);
    const cluster = connectCluster(COMPONENT, name, args.cluster, this);
    this.goVersion = r.goVersion;
    this.testGoVersions = r.testGoVersions;

    const child = { parent: this, provider: cluster.provider };
    const after = (...deps: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({ ...child, dependsOn: deps.filter((d): d is pulumi.Resource => d !== undefined) });
    const namespace = r.createNamespace
      ? new k8s.core.v1.Namespace(name, { metadata: { name: r.namespace, labels: r.labels, annotations: r.annotations } }, child)
      : undefined;
    const inNamespace = after(namespace);
    const ns = namespace?.metadata.name ?? pulumi.output(r.namespace);
    const meta: Meta = (objectName) => ({ name: objectName, namespace: ns, labels: r.labels, annotations: r.annotations });

    const permissions: CloudPermission[] = r.registryPush === undefined ? [] : [{ kind: "registryPush", repository: r.registryPush }];
    const bound = cluster.bindServiceAccount(`${name}-build`, { namespace: ns, serviceAccountName: `${name}-build`, permissions });

    const cosign = signing.cosign;
    const cosignSecret =
      cosign === undefined
        ? undefined
        : new k8s.core.v1.Secret(
            `${name}-signing`,
            { metadata: meta(`${name}-signing`), type: "Opaque", stringData: pulumi.secret(pulumi.all([cosign.privateKey, cosign.password]).apply(([key, password]) => ({ "cosign.key": key, "cosign.password": password }))) },
            inNamespace,
          );

    const tasks = goPipelineTasks(name, r, cosign === undefined ? undefined : { secretName: `${name}-signing`, transparencyLog: cosign.transparencyLog });
    const taskResources = tasks.map((t) => new k8s.apiextensions.CustomResource(t.metadata.name, { apiVersion: TEKTON_API, kind: "Task", metadata: meta(t.metadata.name), spec: t.spec }, after(namespace, cosignSecret)));
    const pipelineSpec = goPipelineSpec(name, args.repoUrl, args.imageRepository, signing.mode);
    // How the built image is signed, for people and policies reading the Pipeline.
    const annotations = { [SIGNING_KEY]: signing.mode === "chains" ? "tekton-chains" : "cosign", [PROVENANCE_KEY]: "slsa" };
    const pipeline = new k8s.apiextensions.CustomResource(name, { apiVersion: TEKTON_API, kind: "Pipeline", metadata: { ...meta(name), annotations: { ...r.annotations, ...annotations } }, spec: pipelineSpec }, after(...taskResources));

    if (trigger !== undefined) {
      const listener = createTriggers({ name, trigger, r, registrySecret: args.registryCredentialsSecret, ns, meta, build: bound, inNamespace, child, after, pipeline });
      this.eventListenerName = listener.metadata.name;
    }

    this.namespace = ns;
    this.pipelineName = pipeline.metadata.name;
    this.serviceAccountName = bound.serviceAccountName;
    this.cloudIdentity = bound.cloudIdentity;
    this.images = [...new Set(tasks.flatMap((t) => t.spec.steps.map((s) => s.image)))];
    this.registerOutputs({ namespace: this.namespace, pipelineName: this.pipelineName, serviceAccountName: this.serviceAccountName, goVersion: this.goVersion, images: this.images });
  }
}
