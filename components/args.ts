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

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A Kubernetes object name / namespace: an RFC 1123 label. */
export function checkDnsLabel(component: string, argument: string, value: string): string {
  if (!DNS_LABEL.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a DNS-1123 label: lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric");
  }
  return value;
}

const PROM_DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;

/** A Prometheus duration such as `5m`, `1h30m`, `90s`. */
export function checkPromDuration(component: string, argument: string, value: string): string {
  if (value === "" || value === "0" || !PROM_DURATION.test(value)) {
    throw new ArgumentError(component, argument, value, "expected a Prometheus duration such as \"30s\", \"5m\" or \"1h30m\"");
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
