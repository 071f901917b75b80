#!/usr/bin/env bash
# npm run bench -- <name>: runs bench/<name>.ts (compiled) and records its results in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
tsc -p tsconfig.json
for name in "${@:-go-lambda-build}"; do
  node "dist/bench/$name.js"
done
