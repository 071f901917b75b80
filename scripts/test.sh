#!/usr/bin/env bash
# The whole suite: type-check and build, lint, then every mocha test, then a check
# that no test left a process of its own control plane running.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "test: node $(node --version), typescript $(tsc --version | cut -d' ' -f2)"
echo "test: tsc (strict) build"
rm -rf dist
tsc -p tsconfig.json
echo "test: eslint"
eslint --max-warnings=0 .
echo "test: mocha"
status=0
mocha "$@" || status=$?
# Tests start control planes under the temp directory (tests/harness/local-cluster.ts).
tmp=$(node -p 'require("os").tmpdir()')
if leftovers=$(pgrep -af -- "$tmp/goplatform-[^ ]*/cluster/"); then
  echo "test: processes the tests started are still running:" >&2
  echo "$leftovers" >&2
  pkill -f -- "$tmp/goplatform-[^ ]*/cluster/" || true
  status=1
fi
exit "$status"
