#!/usr/bin/env bash
# The whole suite: type-check and build, lint, then every mocha test.
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
mocha "$@"
