/**
 * Where images and Go toolchains sit in the resource shapes the policies judge:
 * Kubernetes pod specs (every pod-spec-bearing kind, init and ephemeral containers
 * included), Tekton steps, Cloud Run containers, Lambda image functions. Only those
 * fields count: a string that merely looks like an image in a ConfigMap or an
 * annotation is not an image.
 *
 * Props come from the engine (or checkResources) and may hold anything: missing,
 * null or oddly typed values are skipped, and unknown values (preview) are never
 * read as violations.
 */

/** The value the engine sends for a property not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

export function isRecord(value: unknown): value is Props {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `value.a.b.c`, or undefined when any step is missing or not an object. Below an
 * unknown value everything is unknown, so an unknown parent gives {@link UNKNOWN}.
 */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (isUnknown(current)) return UNKNOWN;
    if (typeof key === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[key] as unknown;
    } else {
      if (!isRecord(current)) return undefined;
      current = current[key];
    }
  }
  return current;
}

/** The elements of an array property, or none. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** A string property, or undefined (unknowns included). */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

export interface ImageUse {
  /** Property path of the image, e.g. `spec.template.spec.containers[0].image`. */
  readonly where: string;
  readonly image: string;
}

/** Workload kinds, their server-side-apply Patch forms, and Argo Rollouts (a Deployment with a rollout strategy). */
const POD_KINDS = /^kubernetes:(?:(?:core|apps|batch|extensions)\/v[0-9a-z]+:(Pod|PodTemplate|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob)(?:Patch)?|argoproj\.io\/v1alpha1:(Rollout))$/;
const TEKTON_KINDS = /^kubernetes:tekton\.dev\/v1(?:alpha1|beta1)?:(Task|ClusterTask|Pipeline|TaskRun|PipelineRun|StepAction)$/;

/** Path of the pod spec in a Kubernetes workload of `kind`. */
function podSpecPath(kind: string): string[] {
  switch (kind) {
    case "Pod":
      return ["spec"];
    case "PodTemplate":
      return ["template", "spec"];
    case "CronJob":
      return ["spec", "jobTemplate", "spec", "template", "spec"];
    default:
      return ["spec", "template", "spec"];
  }
}

function containerImages(containers: unknown, where: string, out: ImageUse[]): void {
  list(containers).forEach((c, i) => {
    const image = str(at(c, "image"));
    if (image !== undefined) out.push({ where: `${where}[${String(i)}].image`, image });
  });
}

function podSpecImages(spec: unknown, where: string, out: ImageUse[]): void {
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) containerImages(at(spec, field), `${where}.${field}`, out);
}

function taskSpecImages(spec: unknown, where: string, out: ImageUse[]): void {
  containerImages(at(spec, "steps"), `${where}.steps`, out);
  containerImages(at(spec, "sidecars"), `${where}.sidecars`, out);
  const template = str(at(spec, "stepTemplate", "image"));
  if (template !== undefined) out.push({ where: `${where}.stepTemplate.image`, image: template });
}

function pipelineSpecImages(spec: unknown, where: string, out: ImageUse[]): void {
  for (const field of ["tasks", "finally"]) {
    list(at(spec, field)).forEach((task, i) => {
      taskSpecImages(at(task, "taskSpec"), `${where}.${field}[${String(i)}].taskSpec`, out);
    });
  }
}

/** Every container image a resource runs, with where it is set. */
export function imagesOf(type: string, props: Props): ImageUse[] {
  const out: ImageUse[] = [];
  const pod = POD_KINDS.exec(type);
  if (pod !== null) {
    const path = podSpecPath(pod[1] ?? pod[2] ?? "");
    podSpecImages(at(props, ...path), path.join("."), out);
    return out;
  }
  const tekton = TEKTON_KINDS.exec(type);
  if (tekton !== null) {
    switch (tekton[1]) {
      case "Task":
      case "ClusterTask":
        taskSpecImages(props.spec, "spec", out);
        break;
      case "TaskRun":
        taskSpecImages(at(props, "spec", "taskSpec"), "spec.taskSpec", out);
        break;
      case "Pipeline":
        pipelineSpecImages(props.spec, "spec", out);
        break;
      case "PipelineRun":
        pipelineSpecImages(at(props, "spec", "pipelineSpec"), "spec.pipelineSpec", out);
        break;
      case "StepAction": {
        const image = str(at(props, "spec", "image"));
        if (image !== undefined) out.push({ where: "spec.image", image });
        break;
      }
    }
    return out;
  }
  switch (type) {
    case "gcp:cloudrunv2/service:Service":
      containerImages(at(props, "template", "containers"), "template.containers", out);
      break;
    case "gcp:cloudrunv2/job:Job":
      containerImages(at(props, "template", "template", "containers"), "template.template.containers", out);
      break;
    case "gcp:cloudrun/service:Service":
      containerImages(at(props, "template", "spec", "containers"), "template.spec.containers", out);
      break;
    case "aws:lambda/function:Function": {
      const image = str(props.imageUri);
      if (image !== undefined && image !== "") out.push({ where: "imageUri", image });
      break;
    }
  }
  return out;
}

/** The resource kinds whose images {@link imagesOf} reads, for docs and tests. */
export const IMAGE_BEARING_TYPES = {
  kubernetes: POD_KINDS.source,
  tekton: TEKTON_KINDS.source,
  other: ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:cloudrun/service:Service", "aws:lambda/function:Function"],
};
