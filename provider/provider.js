// The goplatform component provider: the components in ../dist/components served to
// any Pulumi language (YAML, Python, Go, C#) through the engine's Construct call. The
// schema is inferred from the TypeScript sources in ../components by @pulumi/pulumi's
// component host; `pulumi package get-schema ./pulumi-resource-goplatform` prints it.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { main } = require("@pulumi/pulumi/provider");
const { ComponentProvider, getPulumiComponents } = require("@pulumi/pulumi/provider/experimental");
const goplatform = require("../dist/components");
const { isRecord } = require("../dist/components/args");
const { version } = require("../package.json");

/**
 * Fields the components read when they are constructed, so they must be plain values:
 * `cloud` decides which cloud identities are made, `workloadIdentity` how; and every
 * enum-typed property of the schema (a mode, a policy) decides which resources exist.
 */
const CONSTRUCTION_FIELDS = ["cloud", "workloadIdentity"];

/**
 * The fields of goplatform's data types (ClusterData and its cloud blocks, ArgoCdData)
 * that are never secret. A value that arrives secret as a whole is taken apart with
 * these public again and every other field (a kubeconfig, a key) still secret.
 */
const PUBLIC_FIELDS = new Set([
  "cloud", "name", "kubernetesVersion", "oidcIssuerUrl", "renderYamlToDirectory",
  "partition", "region", "oidcProviderArn", "workloadIdentity", "tags",
  "project", "workloadPool", "labels",
  "subscriptionId", "resourceGroupName", "location",
  "namespace", "projectName",
]);

/**
 * A value another language passes from a component output (YAML `cluster:
 * ${eks.cluster}`) arrives with its fields as Outputs, or whole as one Output. Fields in
 * `plainFields` whose value is known become plain values; every other field stays an
 * Output, which keeps its secrecy and its dependencies. An unknown one stays an Output,
 * and the component's own check says it must be known.
 */
async function resolveConstructionFields(value, plainFields) {
  if (pulumi.Output.isInstance(value)) {
    const [resolved, known] = await Promise.all([value.promise(), value.isKnown]);
    if (!known || !isRecord(resolved)) return value;
    // Taken apart: a field per Output of that field.
    const split = (object, pathTo) =>
      Object.fromEntries(
        Object.entries(object)
          .filter(([, field]) => field !== undefined && field !== null)
          .map(([key, field]) => {
            const at = [...pathTo, key];
            if (plainFields.has(key) && (typeof field === "string" || (Array.isArray(field) && field.every((item) => typeof item === "string")))) return [key, field];
            if (isRecord(field) && !pulumi.Output.isInstance(field)) return [key, split(field, at)];
            const part = value.apply((whole) => at.reduce((o, k) => (isRecord(o) ? o[k] : undefined), whole));
            return [key, PUBLIC_FIELDS.has(key) ? pulumi.unsecret(part) : part];
          }),
      );
    return split(resolved, []);
  }
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveConstructionFields(item, plainFields)));
  if (!isRecord(value) || pulumi.Resource.isInstance(value)) return value;
  const entries = await Promise.all(
    Object.entries(value).map(async ([key, field]) => {
      if (plainFields.has(key) && pulumi.Output.isInstance(field)) {
        const [resolved, known] = await Promise.all([field.promise(), field.isKnown]);
        const plain = typeof resolved === "string" || (Array.isArray(resolved) && resolved.every((item) => typeof item === "string"));
        return [key, known && plain ? resolved : field];
      }
      return [key, await resolveConstructionFields(field, plainFields)];
    }),
  );
  return Object.fromEntries(entries);
}

/** Per-language package settings the inferred schema has no source for. */
const LANGUAGE = {
  // The import path the generated Go SDK uses for itself (goplatform.dev, as the tools' modules).
  go: { importBasePath: "goplatform.dev/sdk/go/goplatform" },
};

/** The Outputs anywhere inside a plain value. */
function nestedOutputs(value) {
  if (pulumi.Output.isInstance(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(nestedOutputs);
  if (isRecord(value) && !pulumi.Resource.isInstance(value)) return Object.values(value).flatMap(nestedOutputs);
  return [];
}

/**
 * An output object holding a known secret (a cluster's data with its kubeconfig) is
 * returned as one Output, secret as a whole: Pulumi YAML v1.25 reads a secret nested in
 * an object output as {} (it lost the kubeconfig). resolveConstructionFields takes it
 * apart again. While a field is still unknown (a new cluster's kubeconfig at preview)
 * the object stays as it is, so that its `cloud` stays known to the components it is passed to.
 */
async function wholeIfKnownSecret(value) {
  if (!isRecord(value) || pulumi.Output.isInstance(value)) return value;
  const outputs = nestedOutputs(value);
  const [known, secret] = await Promise.all([Promise.all(outputs.map((o) => o.isKnown)), Promise.all(outputs.map((o) => o.isSecret))]);
  return known.every(Boolean) && secret.some(Boolean) ? pulumi.output(value) : value;
}

class GoplatformProvider extends ComponentProvider {
  /** The inferred schema with the per-language settings. */
  async getSchema() {
    this.schema ??= super.getSchema().then((text) => {
      const schema = JSON.parse(text);
      for (const [language, settings] of Object.entries(LANGUAGE)) schema.language[language] = { ...schema.language[language], ...settings };
      return JSON.stringify(schema);
    });
    return this.schema;
  }

  async plainFields() {
    if (this.plain === undefined) {
      const schema = JSON.parse(await this.getSchema());
      const enumTypes = new Set(Object.entries(schema.types).filter(([, t]) => Array.isArray(t.enum)).map(([token]) => `#/types/${token}`));
      this.plain = new Set(CONSTRUCTION_FIELDS);
      const properties = [...Object.values(schema.types).map((t) => t.properties ?? {}), ...Object.values(schema.resources).map((r) => r.inputProperties ?? {})];
      // An enum, or a list of them (maintenance days, build platforms).
      for (const props of properties) for (const [key, property] of Object.entries(props)) if (enumTypes.has(property.$ref) || enumTypes.has(property.items?.$ref)) this.plain.add(key);
    }
    return this.plain;
  }

  async construct(name, type, inputs, options) {
    const result = await super.construct(name, type, await resolveConstructionFields(inputs, await this.plainFields()), options);
    const state = {};
    for (const [key, value] of Object.entries(result.state)) state[key] = await wholeIfKnownSecret(value);
    return { ...result, state };
  }
}

const provider = new GoplatformProvider({ components: getPulumiComponents(goplatform), name: "goplatform", version, dirname: __dirname });
main(provider, process.argv.slice(2));
