// The goplatform component provider: the components in ../dist/components served to
// any Pulumi language (YAML, Python, Go, C#) through the engine's Construct call. The
// schema is inferred from the TypeScript sources in ../components by @pulumi/pulumi's
// component host; `pulumi package get-schema ./pulumi-resource-goplatform` prints it.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { main } = require("@pulumi/pulumi/provider");
const { ComponentProvider, getPulumiComponents } = require("@pulumi/pulumi/provider/experimental");
const goplatform = require("../dist/components");
const { version } = require("../package.json");

const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * An argument another language passes whole from a component output (YAML
 * `cluster: ${eks.cluster}`) arrives as one Output. The components read some of its
 * fields when they are constructed (`cluster.cloud` decides which cloud identities are
 * made), so a known object is taken apart: enum fields become plain values, every
 * other field an Output of that field, which keeps the secrecy and the dependencies.
 */
async function liftKnownObject(value, enumProperties) {
  if (!pulumi.Output.isInstance(value)) return value;
  const [resolved, known] = await Promise.all([value.promise(), value.isKnown]);
  if (!known || !isRecord(resolved)) return value;
  const lift = (object, pathTo) =>
    Object.fromEntries(
      Object.entries(object)
        .filter(([, field]) => field !== undefined && field !== null)
        .map(([key, field]) => {
          const at = [...pathTo, key];
          if (enumProperties.has(key) && typeof field === "string") return [key, field];
          if (isRecord(field) && !pulumi.Output.isInstance(field)) return [key, lift(field, at)];
          return [key, value.apply((whole) => at.reduce((o, k) => (isRecord(o) ? o[k] : undefined), whole))];
        }),
    );
  return lift(resolved, []);
}

class GoplatformProvider extends ComponentProvider {
  async enumProperties() {
    if (this.enums === undefined) {
      const schema = JSON.parse(await this.getSchema());
      const enumTypes = new Set(Object.entries(schema.types).filter(([, t]) => Array.isArray(t.enum)).map(([token]) => `#/types/${token}`));
      this.enums = new Set();
      for (const t of Object.values(schema.types)) {
        for (const [key, property] of Object.entries(t.properties ?? {})) if (enumTypes.has(property.$ref)) this.enums.add(key);
      }
    }
    return this.enums;
  }

  async construct(name, type, inputs, options) {
    const enums = await this.enumProperties();
    const lifted = {};
    for (const [key, value] of Object.entries(inputs)) lifted[key] = await liftKnownObject(value, enums);
    return super.construct(name, type, lifted, options);
  }
}

const provider = new GoplatformProvider({ components: getPulumiComponents(goplatform), name: "goplatform", version, dirname: __dirname });
main(provider, process.argv.slice(2));
