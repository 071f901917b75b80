#!/usr/bin/env bash
# npm start: the main job. Starts (or resumes) the local Kubernetes control plane
# (scripts/cluster.sh), then `pulumi up` of the repository's own project (Pulumi.yaml,
# program dist/stacks/index.js) on the embedded `local` stack onto it, through the
# real CLI and Node.js language host, with state in .pulumi/state.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/cluster.sh start >/dev/null
echo "start: tsc"
tsc -p tsconfig.json
pulumi stack select --create local --non-interactive
echo "start: pulumi up --stack local"
pulumi up --stack local --yes --skip-preview
node dist/stacks/report.js
