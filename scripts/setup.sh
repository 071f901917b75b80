#!/usr/bin/env bash
# Project set-up, run in front of every npm script that needs it.
# Idempotent: on a machine that is already set up it only checks and returns.
#  1. npm dependencies from package-lock.json (npm ci), re-run when the lock changes.
#  2. A supported Node.js (>= 22) from the npm registry's `node` package, which
#     npm puts at node_modules/.bin/node; every script runs with that first on PATH.
#  3. The Pulumi toolchain (scripts/toolchain.sh): built from the Go module proxy the
#     first time, then taken from its cache.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.goplatform-installed
if [[ ! -f $stamp || package-lock.json -nt $stamp || package.json -nt $stamp ]]; then
  echo "setup: installing npm dependencies from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

node_bin=node_modules/.bin/node
if ! "$node_bin" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null; then
  echo "setup: node_modules/.bin/node is missing or older than Node.js 22;" >&2
  echo "       the 'node' devDependency's install script did not run (npm allowScripts?)." >&2
  exit 1
fi

PATH="$PWD/node_modules/.bin:$PATH" bash scripts/toolchain.sh >/dev/null
