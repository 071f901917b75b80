/**
 * The validation layer every component runs on its args before anything exists:
 *
 * 1. the component's own checks (types, ranges, patterns, and rules across
 *    arguments), a pure function of the args, whose messages say most;
 * 2. the schema (components/arg-schema.ts): types, required fields, arguments the
 *    component does not have, enum values — what the own checks did not judge. When an
 *    own check fails on a value of another type than declared (a TypeError, or an
 *    error about something inside a value that is not even of the declared type, such
 *    as `namespaces[0]` of a string), the schema's error about that value is the one
 *    raised.
 *
 * Both judge the plain values at once. Values that are Outputs (or Promises) are judged
 * again once known: for each argument holding one, both run with that argument
 * resolved, and once more with every such argument resolved (for rules across two
 * Outputs). The component itself depends on that outcome, and its children wait for
 * their parent, so an Output with a bad value fails the run before any child resource
 * is registered (at preview when the value is known then, at `up` in any case). An
 * error about a value that came from a secret shows no value.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkArgsAgainstSchema } from "./arg-schema";
import { ArgumentError, isPending, isRecord, SECRET_NOT_SHOWN } from "./args";

export interface ValidatedArgs<C> {
  /** What the own checks returned for the args as given. */
  readonly checked: C;
  /** `opts` with the component made to wait for the judging of its Output values (unchanged when there are none). */
  readonly opts: pulumi.ComponentResourceOptions;
}

/** A pending value inside the args, and its property path as the user wrote it. */
interface PendingValue {
  readonly path: string;
  readonly value: pulumi.Output<unknown> | Promise<unknown>;
}

function pendingValues(value: unknown, path: string, found: PendingValue[]): PendingValue[] {
  if (isPending(value)) found.push({ path, value });
  else if (Array.isArray(value)) value.forEach((item, i) => pendingValues(item, `${path}[${i}]`, found));
  else if (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) pendingValues(item, path === "" ? key : `${path}.${key}`, found);
  }
  return found;
}

/** `value` with its pending values replaced, in `pendingValues` order, by `resolved`; plain objects and lists are copied, nothing else is. */
function substitute(value: unknown, resolved: readonly unknown[]): unknown {
  let next = 0;
  const walk = (item: unknown): unknown => {
    if (isPending(item)) return resolved[next++];
    if (Array.isArray(item)) return item.map(walk);
    if (isRecord(item) && Object.getPrototypeOf(item) === Object.prototype) return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, walk(v)]));
    return item;
  };
  return walk(value);
}

/** A property path with map keys written as fields (`environment["TOKEN"]` → `environment.TOKEN`), so both spellings compare equal. */
const normalPath = (path: string): string => path.replace(/\["((?:[^"\\]|\\.)*)"\]/g, ".$1");

/** Whether the property path `path` lies strictly inside `outer` (`a.b`, `a[0]` inside `a`). */
const within = (path: string, outer: string): boolean => path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`);

/** Whether `argument` (a property path) is `secretPath` or lies inside or around it. */
function touches(argument: string, secretPath: string): boolean {
  const [a, b] = [normalPath(argument), normalPath(secretPath)];
  return a === b || within(a, b) || within(b, a);
}

/**
 * `allowed` with every part of the secret values replaced by "…": checks may echo a
 * part of a value there (a region out of a resource path). Parts are what lies between
 * separators (spaces, "/", ":", ",", quotes, brackets), four characters or more, so
 * that the words of the text itself stay.
 */
function redact(allowed: string, secrets: readonly unknown[]): string {
  const parts = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === "string" || typeof value === "number") for (const part of String(value).split(/[\s/:,;="'()[\]{}]+/)) if (part.length >= 4) parts.add(part);
    if (Array.isArray(value)) value.forEach(collect);
    else if (isRecord(value)) Object.values(value).forEach(collect);
  };
  secrets.forEach(collect);
  return [...parts].sort((x, y) => y.length - x.length).reduce((text, part) => text.split(part).join("…"), allowed);
}

/** The schema's error when it is more to the point than `ownError`: the own check crashed, or judged a part of a value that has the wrong type as a whole. */
function schemaErrorAbout(component: string, args: unknown, ownError: unknown): ArgumentError | undefined {
  try {
    checkArgsAgainstSchema(component, args);
    return undefined;
  } catch (schemaError) {
    if (!(schemaError instanceof ArgumentError)) throw schemaError;
    if (!(ownError instanceof ArgumentError)) return schemaError;
    return within(ownError.argument, schemaError.argument) ? schemaError : undefined;
  }
}

/**
 * Runs the schema and `ownChecks` on `args` of `component` and returns what the own
 * checks returned, with the options the component must be created with. Throws an
 * ArgumentError naming the argument for a bad plain value.
 */
export function validateArgs<A extends object, C>(component: string, args: A, ownChecks: (args: A) => C, opts: pulumi.ComponentResourceOptions = {}): ValidatedArgs<C> {
  const judge = (candidate: A): C => {
    let checked: C;
    try {
      checked = ownChecks(candidate);
    } catch (err) {
      throw schemaErrorAbout(component, candidate, err) ?? err;
    }
    checkArgsAgainstSchema(component, candidate);
    return checked;
  };
  const checked = judge(args);

  const pending = pendingValues(args, "", []);
  if (pending.length === 0) return { checked, opts };
  const secretFlags = Promise.all(pending.map(async ({ value }) => pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))));

  const judgeResolved = async (resolved: Record<string, unknown>, values: ReadonlyMap<string, unknown>): Promise<void> => {
    try {
      judge({ ...args, ...resolved });
    } catch (err) {
      const flags = await secretFlags;
      const secrets = pending.filter((p, i) => flags[i] === true && err instanceof ArgumentError && touches(err.argument, p.path));
      if (err instanceof ArgumentError && secrets.length > 0) {
        throw new ArgumentError(err.component, err.argument, SECRET_NOT_SHOWN, redact(err.allowed, secrets.map((p) => values.get(p.path))));
      }
      throw err;
    }
  };
  const record = args as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => pendingValues(record[key], key, []).length > 0);
  // Each argument with its pending values resolved; then all of them together.
  const resolveArgs = (names: readonly string[]) => {
    const inKeys = names.map((key) => pendingValues(record[key], key, []));
    return pulumi.all(inKeys.map((list) => pulumi.all(list.map((p) => p.value)))).apply((perKey) => {
      const values = new Map(inKeys.flatMap((list, i) => list.map((p, j): [string, unknown] => [p.path, perKey[i]?.[j]])));
      return judgeResolved(Object.fromEntries(names.map((key, i) => [key, substitute(record[key], perKey[i] ?? [])])), values);
    });
  };
  const judged = keys.map((key) => resolveArgs([key]));
  if (keys.length > 1) judged.push(resolveArgs(keys));
  const gate: pulumi.Output<pulumi.Resource[]> = pulumi.all(judged).apply(() => []);
  return { checked, opts: pulumi.mergeOptions(opts, { dependsOn: gate }) };
}
