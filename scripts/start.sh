#!/usr/bin/env bash
# npm start: the main job, a real `pulumi up` on the embedded `local` stack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
tsc -p tsconfig.json
node dist/stacks/up.js
