#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the real pulumi CLI with the project's environment
# (scripts/env.sh), from the repository root, e.g. `npm run pulumi -- preview --stack local`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec pulumi "$@"
