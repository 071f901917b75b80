#!/usr/bin/env bash
# Makes the Pulumi toolchain available without downloading it: the pulumi CLI and
# the Kubernetes resource provider are built with Go from the Go module proxy (the
# wrapper modules in tools/ pin them), plus the policy-pack analyzer launcher.
# Binaries are cached by version under $GOPLATFORM_TOOLS (default
# ~/.cache/goplatform/tools), so a second run takes a second. Prints the bin
# directory to put on PATH as its last line.
#
# Installed tools are used when they are on PATH at the right version.
#
set -euo pipefail
cd "$(dirname "$0")/.."

PULUMI_VERSION=$(node -p 'require("./node_modules/@pulumi/pulumi/package.json").version')
K8S_PROVIDER_VERSION=$(sed -n 's#^require github.com/pulumi/pulumi-kubernetes/provider/v2 v\(.*\)$#\1#p' tools/kubernetes-provider/go.mod)
tools=${GOPLATFORM_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/goplatform/tools}
bin="$tools/pulumi-v$PULUMI_VERSION-k8s-v$K8S_PROVIDER_VERSION/bin"
mkdir -p "$bin"

log() { echo "toolchain: $*" >&2; }

# Test tools: `toolchain.sh promtool|registry|cosign` builds (or reuses) that one tool
# from its wrapper module in tools/ and prints its path. cosign is the slow one:
# about 11 minutes on a 2-core machine with a cold Go build cache.
declare -A TOOL_PACKAGES=(
  [promtool]="github.com/prometheus/prometheus github.com/prometheus/prometheus/cmd/promtool"
  [registry]="github.com/google/go-containerregistry github.com/google/go-containerregistry/cmd/registry"
  [cosign]="github.com/sigstore/cosign/v3 github.com/sigstore/cosign/v3/cmd/cosign"
)
if [[ -n ${1:-} ]]; then
  spec=${TOOL_PACKAGES[$1]:-}
  [[ -n $spec ]] || { log "unknown tool '$1'; expected one of: ${!TOOL_PACKAGES[*]}"; exit 2; }
  read -r module pkg <<<"$spec"
  version=$(sed -n "s#^\t$module v\([^ ]*\).*#\1#p; s#^require $module v\([^ ]*\).*#\1#p" "tools/$1/go.mod" | head -1)
  out="$tools/$1-v$version"
  if [[ ! -x $out/$1 ]]; then
    mkdir -p "$out"
    start=$SECONDS
    log "building $1 v$version from the Go module proxy; this takes minutes the first time"
    ( cd "tools/$1" && GOFLAGS=-mod=readonly GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -o "$out/$1.partial" "$pkg" )
    mv "$out/$1.partial" "$out/$1"
    log "built $1 in $((SECONDS - start)) s"
  fi
  echo "$out/$1"
  exit 0
fi

# The wrapper module must pin the same CLI version as the npm SDK.
grep -q "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION\$" tools/pulumi/go.mod || {
  log "tools/pulumi/go.mod does not pin pkg/v3 v$PULUMI_VERSION (the @pulumi/pulumi version in package-lock.json)"; exit 1; }

build() { # name, wrapper dir, main package, extra go build args...
  local name=$1 dir=$2 pkg=$3; shift 3
  local start=$SECONDS
  log "building $name from the Go module proxy ($pkg); this takes several minutes the first time"
  ( cd "$dir" && GOFLAGS=-mod=readonly GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath "$@" -o "$bin/$name.partial" "$pkg" ) &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30
    kill -0 "$pid" 2>/dev/null && log "  still building $name ($((SECONDS - start)) s)"
  done
  wait "$pid"
  mv "$bin/$name.partial" "$bin/$name"
  log "built $name in $((SECONDS - start)) s"
}

installed=$(command -v pulumi || true)
if [[ -x $bin/pulumi ]]; then
  :
elif [[ -n $installed ]] && [[ $("$installed" version 2>/dev/null) == "v$PULUMI_VERSION" ]]; then
  ln -sf "$installed" "$bin/pulumi"
else
  build pulumi tools/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
fi

if [[ ! -x $bin/pulumi-resource-kubernetes ]]; then
  build pulumi-resource-kubernetes tools/kubernetes-provider github.com/pulumi/pulumi-kubernetes/provider/v2/cmd/pulumi-resource-kubernetes \
    -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v2/pkg/version.Version=v$K8S_PROVIDER_VERSION"
fi

# The CLI starts a Node.js policy pack through an analyzer plugin of this name when no
# Node.js language host is installed; it runs the SDK's own policy-pack runner.
cat > "$bin/pulumi-analyzer-policy-nodejs.partial" <<'SH'
#!/bin/sh
# Runs a Node.js policy pack with @pulumi/pulumi's runner, resolved from the pack's directory.
runner=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/run-policy-pack"))') || exit 1
exec node "$runner" "$@"
SH
chmod +x "$bin/pulumi-analyzer-policy-nodejs.partial"
mv "$bin/pulumi-analyzer-policy-nodejs.partial" "$bin/pulumi-analyzer-policy-nodejs"

"$bin/pulumi" version >/dev/null
echo "$bin"
