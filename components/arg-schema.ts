/**
 * The type layer of argument checking, from one declaration: the component package's
 * schema (provider/schema.json, inferred from the args interfaces and held equal to
 * them by tests/package/component-package.test.ts). Every component runs it on its
 * args first, so that a value of the wrong type, a missing required argument, an
 * argument the component does not have (a typo, or a name from goplatform 0.1) or an
 * enum value it does not know is refused before anything exists, from TypeScript,
 * JavaScript, stack config or another language alike. Values still unknown (Outputs)
 * pass here; the components' own checks judge those they must know.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ArgumentError, checkBoolean, componentToken, isPending, isRecord } from "./args";

/** The parts of the component package schema the checks read. */
export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
}
export interface TypeSpec {
  type?: string;
  properties?: Record<string, PropertySpec>;
  required?: string[];
  enum?: { value: string | number }[];
}
export interface PackageSchema {
  resources: Record<string, { inputProperties?: Record<string, PropertySpec>; requiredInputs?: string[] }>;
  types: Record<string, TypeSpec>;
}

let loaded: PackageSchema | undefined;
/** provider/schema.json, read once. */
export function schema(): PackageSchema {
  // dist/components/arg-schema.js → provider/schema.json, in the repository and in the npm package.
  loaded ??= JSON.parse(readFileSync(path.join(__dirname, "..", "..", "provider", "schema.json"), "utf8")) as PackageSchema;
  return loaded;
}

/** The properties of an object (the args, or an object type): required ones present, no unknown ones, each of its type. */
function checkObject(component: string, at: string, value: unknown, properties: Record<string, PropertySpec>, required: readonly string[]): void {
  if (!isRecord(value)) throw new ArgumentError(component, at === "" ? "args" : at, value, "expected an object");
  const prefix = at === "" ? "" : `${at}.`;
  for (const name of required) {
    if (value[name] === undefined) throw new ArgumentError(component, `${prefix}${name}`, undefined, "expected a value: it is required");
  }
  for (const [name, field] of Object.entries(value)) {
    if (field === undefined) continue;
    const spec = properties[name];
    if (spec === undefined) {
      throw new ArgumentError(component, `${prefix}${name}`, field, `no such argument; expected one of ${Object.keys(properties).sort().join(", ")}`);
    }
    checkValue(component, `${prefix}${name}`, field, spec);
  }
}

function checkValue(component: string, at: string, value: unknown, spec: PropertySpec): void {
  if (value === undefined || isPending(value)) return;
  if (spec.$ref !== undefined) {
    if (!spec.$ref.startsWith("#/types/")) return; // pulumi.json#/Any, assets, archives
    const type = schema().types[spec.$ref.slice("#/types/".length)];
    if (type === undefined) return;
    if (type.enum !== undefined) {
      const allowed = type.enum.map((e) => e.value);
      if (!allowed.includes(value as string | number)) throw new ArgumentError(component, at, value, `expected one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`);
      return;
    }
    checkObject(component, at, value, type.properties ?? {}, type.required ?? []);
    return;
  }
  switch (spec.type) {
    case "string":
      if (typeof value !== "string") throw new ArgumentError(component, at, value, "expected a string");
      return;
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) throw new ArgumentError(component, at, value, "expected a number");
      return;
    case "boolean":
      checkBoolean(component, at, value);
      return;
    case "array":
      if (!Array.isArray(value)) throw new ArgumentError(component, at, value, "expected a list");
      value.forEach((item, i) => {
        if (spec.items !== undefined) checkValue(component, `${at}[${i}]`, item, spec.items);
      });
      return;
    case "object":
      if (!isRecord(value)) throw new ArgumentError(component, at, value, "expected a map");
      for (const [key, item] of Object.entries(value)) if (spec.additionalProperties !== undefined) checkValue(component, `${at}[${JSON.stringify(key)}]`, item, spec.additionalProperties);
      return;
  }
}

/** Checks `args` of component `name` against its declaration in the schema; throws an ArgumentError naming the argument. */
export function checkArgsAgainstSchema(name: string, args: unknown): void {
  const resource = schema().resources[componentToken(name)];
  if (resource === undefined) throw new Error(`${name} is not in provider/schema.json: run \`npm run schema\``);
  checkObject(name, "", args ?? {}, resource.inputProperties ?? {}, resource.requiredInputs ?? []);
}
