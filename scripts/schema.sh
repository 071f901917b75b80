#!/usr/bin/env bash
# `npm run schema`: regenerates provider/schema.json, the component package's schema,
# with `pulumi package get-schema` on the plugin (the component host infers it from the
# TypeScript sources in components/). Run it after changing any component's args or
# outputs; tests/package/component-package.test.ts fails while the file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
tsc -p tsconfig.json
pulumi package get-schema ./provider/pulumi-resource-goplatform >provider/schema.json.partial
mv provider/schema.json.partial provider/schema.json
echo "schema: wrote provider/schema.json ($(node -p 'Object.keys(require("./provider/schema.json").resources).length') components)"
