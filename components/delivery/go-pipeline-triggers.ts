/**
 * GoPipeline's push triggers: a Tekton Triggers TriggerBinding, TriggerTemplate and
 * EventListener that start a PipelineRun for each push to one branch, after the Git
 * host's interceptor verified the webhook secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PipelineTriggerProvider, Resolved } from "./go-pipeline-args";
import { TEKTON_API } from "./go-pipeline-tasks";

export const TRIGGERS_API = "triggers.tekton.dev/v1beta1";

/** Object metadata in the pipeline namespace, as the component makes it. */
export type Meta = (objectName: string) => { name: string; namespace: pulumi.Input<string>; labels: Record<string, string>; annotations: Record<string, string> };

export interface TriggerContext {
  /** The component's name (object names derive from it). */
  name: string;
  trigger: { provider: PipelineTriggerProvider; secret: pulumi.Output<string>; branch: string };
  r: Resolved;
  registrySecret: string | undefined;
  ns: pulumi.Output<string>;
  meta: Meta;
  /** The build ServiceAccount PipelineRuns run as, and the labels its pods need. */
  build: { serviceAccountName: pulumi.Output<string>; podLabels: Record<string, string> };
  /** Options for objects in the namespace (after it), and for Triggers objects (after Tekton and `deps`). */
  inNamespace: pulumi.CustomResourceOptions;
  child: pulumi.CustomResourceOptions;
  after: (...deps: (pulumi.Resource | undefined)[]) => pulumi.CustomResourceOptions;
  pipeline: pulumi.Resource;
}

/** The webhook Secret, the EventListener's ServiceAccount and bindings, and the Triggers objects; returns the EventListener. */
export function createTriggers(c: TriggerContext): k8s.apiextensions.CustomResource {
  const { name, meta, ns, r } = c;
  const secret = new k8s.core.v1.Secret(`${name}-webhook`, { metadata: meta(`${name}-webhook`), type: "Opaque", stringData: { token: c.trigger.secret } }, c.inNamespace);
  const listenerAccount = new k8s.core.v1.ServiceAccount(`${name}-triggers`, { metadata: meta(`${name}-triggers`) }, c.inNamespace);
  // The ClusterRoles the Triggers release ships for EventListener service accounts.
  new k8s.rbac.v1.RoleBinding(
    `${name}-triggers`,
    {
      metadata: meta(`${name}-triggers`),
      subjects: [{ kind: "ServiceAccount", name: listenerAccount.metadata.name, namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tekton-triggers-eventlistener-roles" },
    },
    c.child,
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    `${name}-triggers`,
    {
      metadata: { name: pulumi.interpolate`${ns}-${name}-triggers`, labels: r.labels, annotations: r.annotations },
      subjects: [{ kind: "ServiceAccount", name: listenerAccount.metadata.name, namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tekton-triggers-eventlistener-clusterroles" },
    },
    c.child,
  );
  const t = triggerObjects(name, c.trigger.provider, c.trigger.branch, `${name}-webhook`, r, c.registrySecret);
  const binding = new k8s.apiextensions.CustomResource(t.binding.metadata.name, { apiVersion: TRIGGERS_API, kind: "TriggerBinding", metadata: meta(t.binding.metadata.name), spec: t.binding.spec }, c.inNamespace);
  const template = new k8s.apiextensions.CustomResource(
    t.template.metadata.name,
    {
      apiVersion: TRIGGERS_API,
      kind: "TriggerTemplate",
      metadata: meta(t.template.metadata.name),
      spec: c.build.serviceAccountName.apply((sa) => t.templateSpec(sa, c.build.podLabels)),
    },
    c.after(c.pipeline),
  );
  return new k8s.apiextensions.CustomResource(
    t.listener.metadata.name,
    { apiVersion: TRIGGERS_API, kind: "EventListener", metadata: meta(t.listener.metadata.name), spec: { ...t.listener.spec, serviceAccountName: listenerAccount.metadata.name } },
    c.after(binding, template, secret),
  );
}

/**
 * The CEL filter for pushes to `branch`. A branch deletion is a push event too (GitHub:
 * `deleted: true`; GitLab: `checkout_sha: null`), with an all-zero `after`, and would
 * start a PipelineRun that can only fail at clone.
 */
export function pushFilter(provider: PipelineTriggerProvider, branch: string): string {
  const notDeleted = provider === "github" ? "!body.deleted" : "body.checkout_sha != null";
  return `body.ref == 'refs/heads/${branch}' && ${notDeleted}`;
}

/** TriggerBinding, TriggerTemplate and EventListener for push webhooks. */
export function triggerObjects(name: string, provider: PipelineTriggerProvider, branch: string, secretName: string, r: Resolved, registrySecret: string | undefined) {
  // Only the commit comes from the webhook body: the repository and image stay fixed in the Pipeline.
  const revision = provider === "github" ? "$(body.after)" : "$(body.checkout_sha)";
  const eventTypes = provider === "github" ? ["push"] : ["Push Hook"];
  return {
    binding: { metadata: { name: `${name}-push` }, spec: { params: [{ name: "revision", value: revision }] } },
    template: { metadata: { name: `${name}-run` } },
    templateSpec: (serviceAccountName: string, podLabels: Record<string, string>) => ({
      params: [{ name: "revision", description: "Commit SHA from the push event." }],
      resourcetemplates: [
        {
          apiVersion: TEKTON_API,
          kind: "PipelineRun",
          // Labels propagate to TaskRuns and their pods (AKS workload identity needs its pod label).
          metadata: { generateName: `${name}-`, labels: { ...r.labels, ...podLabels }, annotations: r.annotations },
          spec: {
            pipelineRef: { name },
            params: [{ name: "revision", value: "$(tt.params.revision)" }],
            taskRunTemplate: { serviceAccountName },
            workspaces: [
              { name: "source", volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: r.workspaceSize } } } } },
              registrySecret === undefined
                ? { name: "dockerconfig", emptyDir: {} }
                : { name: "dockerconfig", secret: { secretName: registrySecret, items: [{ key: ".dockerconfigjson", path: "config.json" }] } },
            ],
          },
        },
      ],
    }),
    listener: {
      metadata: { name: `${name}-push` },
      spec: {
        triggers: [
          {
            name: `${provider}-push`,
            interceptors: [
              {
                ref: { name: provider, kind: "ClusterInterceptor" },
                params: [
                  { name: "secretRef", value: { secretName, secretKey: "token" } },
                  { name: "eventTypes", value: eventTypes },
                ],
              },
              { ref: { name: "cel", kind: "ClusterInterceptor" }, params: [{ name: "filter", value: pushFilter(provider, branch) }] },
            ],
            bindings: [{ ref: `${name}-push` }],
            template: { ref: `${name}-run` },
          },
        ],
      },
    },
  };
}
