#!/usr/bin/env bash
# npm start: the main job on the embedded `local` stack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
tsc -p tsconfig.json
echo "start: no Pulumi CLI here yet, so the local stack runs UNDER MOCKS (see README)."
node dist/stacks/run-under-mocks.js local
