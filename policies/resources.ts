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

/** An image with the property path to it, for {@link rewriteImages}. */
interface ImageSlot extends ImageUse {
  readonly path: readonly (string | number)[];
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

type Path = readonly (string | number)[];

const render = (path: Path): string => path.map((k, i) => (typeof k === "number" ? `[${String(k)}]` : i === 0 ? k : `.${k}`)).join("");

function push(out: ImageSlot[], path: Path, image: string | undefined): void {
  if (image !== undefined) out.push({ where: render(path), image, path });
}

function containerImages(containers: unknown, path: Path, out: ImageSlot[]): void {
  list(containers).forEach((c, i) => {
    push(out, [...path, i, "image"], str(at(c, "image")));
  });
}

function podSpecImages(spec: unknown, path: Path, out: ImageSlot[]): void {
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) containerImages(at(spec, field), [...path, field], out);
}

function taskSpecImages(spec: unknown, path: Path, out: ImageSlot[]): void {
  containerImages(at(spec, "steps"), [...path, "steps"], out);
  containerImages(at(spec, "sidecars"), [...path, "sidecars"], out);
  push(out, [...path, "stepTemplate", "image"], str(at(spec, "stepTemplate", "image")));
}

function pipelineSpecImages(spec: unknown, path: Path, out: ImageSlot[]): void {
  for (const field of ["tasks", "finally"]) {
    list(at(spec, field)).forEach((task, i) => {
      taskSpecImages(at(task, "taskSpec"), [...path, field, i, "taskSpec"], out);
    });
  }
}

function imageSlots(type: string, props: Props): ImageSlot[] {
  const out: ImageSlot[] = [];
  const pod = POD_KINDS.exec(type);
  if (pod !== null) {
    const path = podSpecPath(pod[1] ?? pod[2] ?? "");
    podSpecImages(at(props, ...path), path, out);
    return out;
  }
  const tekton = TEKTON_KINDS.exec(type);
  if (tekton !== null) {
    switch (tekton[1]) {
      case "Task":
      case "ClusterTask":
        taskSpecImages(props.spec, ["spec"], out);
        break;
      case "TaskRun":
        taskSpecImages(at(props, "spec", "taskSpec"), ["spec", "taskSpec"], out);
        break;
      case "Pipeline":
        pipelineSpecImages(props.spec, ["spec"], out);
        break;
      case "PipelineRun":
        pipelineSpecImages(at(props, "spec", "pipelineSpec"), ["spec", "pipelineSpec"], out);
        break;
      case "StepAction":
        push(out, ["spec", "image"], str(at(props, "spec", "image")));
        break;
    }
    return out;
  }
  switch (type) {
    case "gcp:cloudrunv2/service:Service":
      containerImages(at(props, "template", "containers"), ["template", "containers"], out);
      break;
    case "gcp:cloudrunv2/job:Job":
      containerImages(at(props, "template", "template", "containers"), ["template", "template", "containers"], out);
      break;
    case "gcp:cloudrun/service:Service":
      containerImages(at(props, "template", "spec", "containers"), ["template", "spec", "containers"], out);
      break;
    case "aws:lambda/function:Function": {
      const image = str(props.imageUri);
      if (image !== "") push(out, ["imageUri"], image);
      break;
    }
  }
  return out;
}

/** Every container image a resource runs, with where it is set. */
export function imagesOf(type: string, props: Props): ImageUse[] {
  return imageSlots(type, props).map(({ where, image }) => ({ where, image }));
}

/** `value` with `path` set to `replacement`, copying only the objects and arrays on the path. */
function withValue(value: unknown, path: Path, replacement: string): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return replacement;
  if (typeof key === "number") {
    const copy = [...list(value)];
    copy[key] = withValue(copy[key], rest, replacement);
    return copy;
  }
  const record = isRecord(value) ? value : {};
  return { ...record, [key]: withValue(record[key], rest, replacement) };
}

/**
 * The counterpart of {@link imagesOf}: `props` with each image `replace` returns a new
 * reference for rewritten in place (the same fields imagesOf reads), or undefined
 * when nothing changed. Only the objects on the way to a rewritten image are copied;
 * `props` itself is not modified.
 */
export async function rewriteImages(type: string, props: Props, replace: (use: ImageUse) => Promise<string | undefined>): Promise<Props | undefined> {
  let result: unknown = props;
  let changed = false;
  for (const slot of imageSlots(type, props)) {
    const replacement = await replace({ where: slot.where, image: slot.image });
    if (replacement === undefined || replacement === slot.image) continue;
    result = withValue(result, slot.path, replacement);
    changed = true;
  }
  return changed && isRecord(result) ? result : undefined;
}

/** The resource kinds whose images {@link imagesOf} reads, for docs and tests. */
export const IMAGE_BEARING_TYPES = {
  kubernetes: POD_KINDS.source,
  tekton: TEKTON_KINDS.source,
  other: ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:cloudrun/service:Service", "aws:lambda/function:Function"],
};
