import * as pulumi from "@pulumi/pulumi";
import { parseImageRef } from "./supplychain/image-ref";

/**
 * Argument checks shared by every component. Each throws an ArgumentError that names
 * the argument, shows the bad value and says what is allowed, before any child
 * resource exists.
 */

export class ArgumentError extends Error {
  constructor(
    readonly component: string,
    readonly argument: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${component}: invalid ${argument} ${show(value)}; ${allowed}`);
    this.name = "ArgumentError";
  }
}

/**
 * An Output or a Promise: a value a check cannot judge when the component is created.
 * The validation layer (components/arg-validation.ts) runs the same checks again on
 * such values once they are known.
 */
export function isPending(value: unknown): value is pulumi.Output<unknown> | Promise<unknown> {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** The value an ArgumentError shows for a secret argument: never the secret itself. */
export const SECRET_NOT_SHOWN: unique symbol = Symbol("a secret, not shown");

/** What an error shows for a secret argument's value: nothing of it, but an empty or missing value as such. */
export function shownSecret(value: unknown): unknown {
  return value === "" || value === undefined ? value : SECRET_NOT_SHOWN;
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === SECRET_NOT_SHOWN) return "(a secret, not shown)";
  if (isPending(value)) return "(an output, not known when the component is created)";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A Kubernetes object name / namespace: an RFC 1123 label. */
export function checkDnsLabel(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !DNS_LABEL.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a DNS-1123 label: lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric");
  }
  return value;
}

const PROM_DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;

/** A Prometheus duration such as `5m`, `1h30m`, `90s`. */
export function checkPromDuration(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || value === "" || value === "0" || !PROM_DURATION.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a Prometheus duration such as \"30s\", \"5m\" or \"1h30m\"");
  }
  return value;
}

/** Milliseconds of a duration checkPromDuration accepted (`1h30m` → 5400000; a year is 365 days, as in Prometheus). */
export function promDurationMs(value: string): number {
  const m = PROM_DURATION.exec(value);
  if (m === null) throw new RangeError(`promDurationMs: not a Prometheus duration: ${JSON.stringify(value)}`);
  const units = [365 * 86400_000, 7 * 86400_000, 86400_000, 3600_000, 60_000, 1000, 1];
  return units.reduce((total, unit, i) => total + Number(m[2 * i + 2] ?? 0) * unit, 0);
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Kubernetes label (or annotation) key: an optional DNS-subdomain prefix of at most
 * 253 characters and a "/", then a name of at most 63 characters, alphanumeric at both
 * ends with "-", "_" and "." between.
 */
export function checkLabelKey(component: string, argument: string, value: string): string {
  const slash = typeof value === "string" ? value.lastIndexOf("/") : -1;
  const prefix = slash < 0 ? undefined : value.slice(0, slash);
  const labelName = typeof value === "string" ? value.slice(slash + 1) : "";
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (typeof value !== "string" || !prefixOk || labelName.length > 63 || !LABEL_NAME.test(labelName)) {
    throw new ArgumentError(
      component,
      argument,
      value,
      "expected a Kubernetes label key: an optional DNS subdomain prefix (at most 253 characters) and \"/\", then a name of at most 63 characters, letters, digits, '-', '_' and '.', alphanumeric at both ends",
    );
  }
  return value;
}

/** A Kubernetes label value: empty, or at most 63 characters, letters, digits, '-', '_' and '.', alphanumeric at both ends (so no '/'). */
export function checkLabelValue(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a Kubernetes label value: at most 63 characters, letters, digits, '-', '_' and '.', alphanumeric at both ends (or empty)");
  }
  return value;
}

/** A Kubernetes port name (IANA_SVC_NAME): 1-15 lowercase letters, digits and '-', at least one letter, no '--', not starting or ending with '-'. */
export function checkPortName(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || value.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) || !/[a-z]/.test(value) || value.includes("--")) {
    throw new ArgumentError(component, argument, value, "expected a port name: 1-15 lowercase letters, digits and '-', with at least one letter (a port number is not a name)");
  }
  return value;
}

/** A finite number within [min, max] (or (min, max] when `exclusiveMin`). */
export function checkNumber(
  component: string,
  argument: string,
  value: number,
  range: { min: number; max?: number; exclusiveMin?: boolean; integer?: boolean },
): number {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const aboveMin = range.exclusiveMin === true ? value > range.min : value >= range.min;
  const ok = typeof value === "number" && Number.isFinite(value) && aboveMin && value <= max && (range.integer !== true || Number.isInteger(value));
  if (!ok) {
    const kind = range.integer === true ? "an integer" : "a number";
    const low = range.exclusiveMin === true ? `greater than ${range.min}` : `at least ${range.min}`;
    const high = range.max === undefined ? "" : ` and at most ${range.max}`;
    throw new ArgumentError(component, argument, value, `expected ${kind} ${low}${high}`);
  }
  return value;
}

/** A value that, when given as a plain string, must not be empty (an Output is judged once known). */
export function checkNotEmpty(component: string, argument: string, value: unknown, what: string): void {
  if (value === "") throw new ArgumentError(component, argument, value, `expected ${what}, not an empty string`);
}

/** A plain object (not an array, not null): what a data argument from another language arrives as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `registry/path[:tag]@sha256:<64 hex>`: an image reference (the supply chain's parser) with a path and a digest. */
export function isDigestRef(image: string): boolean {
  const host = image.split("/")[0] ?? "";
  return image.includes("/") && host === host.toLowerCase() && parseImageRef(image)?.digest !== undefined;
}

export function checkImageByDigest(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !isDigestRef(value)) {
    throw new ArgumentError(component, argument, value, "expected an image pinned by digest: registry/repository[:tag]@sha256:<64 hex digits>");
  }
  return value;
}

/** A non-empty list whose every element passes `check`. */
export function checkList<T>(component: string, argument: string, values: readonly T[] | undefined, check: (value: T, index: number) => unknown): readonly T[] {
  // A string or an object from another language is not a list (a string would be judged character by character).
  const given: unknown = values;
  if (values === undefined || !Array.isArray(given) || values.length === 0) {
    throw new ArgumentError(component, argument, values, "expected a non-empty list");
  }
  values.forEach((v, i) => check(v, i));
  return values;
}

/** One of `allowed` (an enum argument; checked at run time too: other languages bypass the types). */
export function checkOneOf<T extends string>(component: string, argument: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new ArgumentError(component, argument, value, `expected one of ${allowed.join(", ")}`);
  return value;
}

/**
 * A boolean flag. Checked at run time: from another language (or a JavaScript caller
 * upgrading from a string option such as `namespaceMode: "create"`) a string arrives.
 */
export function checkBoolean(component: string, argument: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ArgumentError(component, argument, value, "expected true or false");
  return value;
}

/** A Helm chart or release version: semver without a leading `v`. */
export function checkChartVersion(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/.test(value)) {
    throw new ArgumentError(component, argument, value, "expected an exact chart version such as \"9.5.2\" (no ranges)");
  }
  return value;
}

const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[^\s]*)?$/;

/** An `https://` URL (a chart repository, an issuer, an endpoint). */
export function checkHttpsUrl(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !HTTPS_URL.test(value)) {
    throw new ArgumentError(component, argument, value, "expected an https:// URL such as \"https://charts.example.com\"");
  }
  return value;
}

const VOLUME_SIZE = /^[1-9]\d*(Mi|Gi|Ti)$/;

/** A persistent volume size such as `20Gi` (Mi, Gi or Ti). */
export function checkVolumeSize(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !VOLUME_SIZE.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a volume size such as \"20Gi\" (Mi, Gi or Ti)");
  }
  return value;
}

/** The package every component's type token is in. */
export const PACKAGE = "goplatform";

/** The type token of component `name`: `goplatform:index:<name>` (a component package has the one module). */
export function componentToken(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

/**
 * `opts` with an alias to `legacyType`, the token a component had before 0.2
 * (`goplatform:aws:EksCluster`, …), so a stack created then upgrades without replacements.
 */
export function withLegacyType(legacyType: string, opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: legacyType }] };
}
