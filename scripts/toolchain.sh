#!/usr/bin/env bash
# The Pulumi toolchain, built with Go from the Go module proxy through the wrapper
# modules in tools/ (pinned go.sum, -mod=readonly); nothing is downloaded as a binary.
#
#   toolchain.sh            the CLI, the Node.js language host and the Kubernetes
#                           provider: prints the bin directory to put on PATH
#   toolchain.sh TOOL       one test tool (promtool, registry, cosign, policy-controller,
#                           actionlint):
#                           prints its path
#   toolchain.sh control-plane
#                           the local Kubernetes control plane (scripts/cluster.sh):
#                           etcd, kube-apiserver, kube-controller-manager,
#                           kube-scheduler, kubectl and kwok; prints their directory
#   toolchain.sh language-yaml
#                           the YAML language host (pulumi-language-yaml, for
#                           `runtime: yaml` projects): prints its path. Built only
#                           when asked, and not put in the bin directory (see below)
#   toolchain.sh language-go|language-python|language-dotnet
#                           the language host `pulumi package gen-sdk --language
#                           go|python|dotnet` hands the schema to (GeneratePackage):
#                           prints its path. Built only when asked, not in the bin
#                           directory; a temporary project names it in its Pulumi.yaml
#                           `plugins.languages` (tests/harness/gen-sdk.ts)
#
# Every binary is cached under $GOPLATFORM_TOOLS (default ~/.cache/goplatform/tools),
# keyed by its module version (and, for goplatform's own wrapper code, a hash of
# it), so only the first run on a machine compiles. The pieces:
#   pulumi                           tools/pulumi: pkg/v3 at the @pulumi/pulumi version
#   pulumi-language-nodejs-upstream  tools/language-nodejs-upstream: sdk/v3 v3.68.0's host
#   pulumi-language-nodejs           tools/language-nodejs: forwards to the upstream host
#                                    and implements RunPlugin (policy packs)
#   pulumi-resource-kubernetes       tools/kubernetes-provider: provider/v4 at the commit
#                                    tools/kubernetes-provider/VERSION names
#   pulumi-language-yaml             tools/language-yaml: pulumi-yaml with the pkg/v3 and
#                                    sdk/v3 it requires itself (it does not compile
#                                    against the CLI's); `toolchain.sh language-yaml` only
#   pulumi-language-go, -python      tools/language-codegen: goplatform's own host answering
#                                    only Handshake, GetPluginInfo and GeneratePackage, on
#                                    pkg/v3's codegen/go and codegen/python at the CLI's version
#                                    (upstream's host modules are not served by the proxy); one
#                                    binary, linked under both names; keyed by that version and a hash
#   pulumi-language-dotnet           tools/language-dotnet: pulumi-dotnet's host, raised to
#                                    the CLI's pkg/v3 and sdk/v3 (it compiles against them, and
#                                    a cold machine compiles the shared packages once); keyed
#                                    by its version and a hash of the wrapper
# The CLI and both Node.js hosts are hard-linked into one directory (the CLI finds
# language hosts next to itself); the provider is installed into $PULUMI_HOME's plugin
# cache with `pulumi plugin install --file`, where the CLI looks for plugins, so nothing
# runs "from $PATH". $PULUMI_HOME defaults to <repo>/.pulumi/home; <repo>/.pulumi/bin
# links to the bin directory. The YAML host is a "bundled" language plugin too (the
# plugin cache is not searched for it; `pulumi plugin install` refuses it): the CLI
# takes it from a project's `plugins.languages` path, else from $PATH (with a warning
# on every command, "using pulumi-language-yaml from $PATH", as it is not next to the
# CLI), else from next to itself. So a YAML project names the host's directory in its
# Pulumi.yaml (tests/integration/yaml-host.test.ts) and the bin directory stays as is.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

tools=${GOPLATFORM_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/goplatform/tools}
mkdir -p "$tools"
log() { echo "toolchain: $*" >&2; }

# module_version DIR MODULE: the version DIR's go.mod requires MODULE at.
module_version() {
  sed -n "s#^\t$2 v\([^ ]*\).*#\1#p; s#^require $2 v\([^ ]*\).*#\1#p" "$1/go.mod" | head -1
}
# source_hash DIR: a short hash of the wrapper's own files, so a change rebuilds it.
source_hash() {
  (cd "$1" && git ls-files -co --exclude-standard | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-12
}

# go_build NAME DIR OUT PACKAGES [go build args...]: builds the (space-separated) PACKAGES
# in wrapper module DIR to OUT (a file, or with several packages a directory),
# printing every 30 s how many of their packages have been compiled so far.
go_build() {
  local name=$1 dir=$2 out=$3 pkgs=$4; shift 4
  local start=$SECONDS progress total target="$out.partial"
  progress=$(mktemp)
  # shellcheck disable=SC2086 # PACKAGES is a list
  total=$(cd "$dir" && GOFLAGS=-mod=readonly go list -deps $pkgs 2>/dev/null | wc -l)
  log "building $name from the Go module proxy ($pkgs, $total packages); cached after the first time"
  mkdir -p "$(dirname "$out")"
  [[ $pkgs == *" "* ]] && { rm -rf "$target"; mkdir -p "$target"; target="$target/"; }
  # shellcheck disable=SC2086
  ( cd "$dir" && GOFLAGS=-mod=readonly GOTOOLCHAIN=local CGO_ENABLED=0 \
      go build -v -trimpath -buildvcs=false "$@" -o "$target" $pkgs ) 2>"$progress" &
  local pid=$! shown=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS - shown >= 30)); then
      shown=$SECONDS
      log "  $name: $(grep -cv '^#' "$progress") of $total packages compiled ($((SECONDS - start)) s)"
    fi
  done
  if ! wait "$pid"; then
    grep -v '^[a-z0-9./_~-]*$' "$progress" >&2 || cat "$progress" >&2
    rm -f "$progress"
    log "building $name failed"
    exit 1
  fi
  rm -f "$progress"
  rm -rf "$out"
  mv "$out.partial" "$out"
  log "built $name in $((SECONDS - start)) s"
}

# link_dir DIR FILES...: DIR holds hard links to FILES (copies across file systems),
# written aside and renamed into place; an existing DIR is kept.
link_dir() {
  local dir=$1; shift
  [[ -d $dir ]] && return 0
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  for f in "$@"; do ln -f "$f" "$dir.partial/" 2>/dev/null || cp "$f" "$dir.partial/"; done
  mv "$dir.partial" "$dir"
}

# Test tools: one binary each, from its wrapper module.
declare -A TOOL_PACKAGES=(
  [promtool]="github.com/prometheus/prometheus github.com/prometheus/prometheus/cmd/promtool"
  [registry]="github.com/google/go-containerregistry github.com/google/go-containerregistry/cmd/registry"
  [cosign]="github.com/sigstore/cosign/v3 github.com/sigstore/cosign/v3/cmd/cosign"
  [policy-controller]="github.com/sigstore/policy-controller github.com/sigstore/policy-controller/cmd/webhook"
  [actionlint]="github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint"
)
# Build flags of a test tool beyond the defaults: the version it reports about itself.
declare -A TOOL_LDFLAGS=(
  [policy-controller]="-X sigs.k8s.io/release-utils/version.gitVersion=v%s"
  [actionlint]="-X github.com/rhysd/actionlint.version=v%s"
)
if [[ ${1:-} == control-plane ]]; then
  k8s_version=$(module_version tools/kubernetes k8s.io/kubernetes)
  etcd_version=$(module_version tools/etcd go.etcd.io/etcd/server/v3)
  kwok_version=$(module_version tools/kwok sigs.k8s.io/kwok)
  k8s="$tools/kubernetes-v$k8s_version"
  [[ -x $k8s/kubectl ]] || go_build kubernetes tools/kubernetes "$k8s" \
    "k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl" \
    -ldflags "-X k8s.io/component-base/version.gitVersion=v$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$k8s_version")"
  etcd="$tools/etcd-v$etcd_version/etcd"
  [[ -x $etcd ]] || go_build etcd tools/etcd "$etcd" go.etcd.io/etcd/server/v3
  kwok="$tools/kwok-v$kwok_version/kwok"
  [[ -x $kwok ]] || go_build kwok tools/kwok "$kwok" sigs.k8s.io/kwok/cmd/kwok
  bin="$tools/control-plane-k8s-v$k8s_version-etcd-v$etcd_version-kwok-v$kwok_version"
  link_dir "$bin" "$k8s"/* "$etcd" "$kwok"
  mkdir -p "$repo/.pulumi"
  ln -sfn "$bin" "$repo/.pulumi/control-plane"
  echo "$bin"
  exit 0
fi
if [[ ${1:-} == language-yaml ]]; then
  yaml_version=$(module_version tools/language-yaml github.com/pulumi/pulumi-yaml)
  yaml_host="$tools/pulumi-language-yaml-v$yaml_version/pulumi-language-yaml"
  [[ -x $yaml_host ]] || go_build pulumi-language-yaml tools/language-yaml "$yaml_host" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
    -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$yaml_version"
  echo "$yaml_host"
  exit 0
fi
if [[ ${1:-} == language-go || ${1:-} == language-python ]]; then
  pkg_version=$(module_version tools/language-codegen github.com/pulumi/pulumi/pkg/v3)
  key="v$pkg_version-$(source_hash tools/language-codegen)"
  codegen="$tools/pulumi-language-codegen-$key/pulumi-language-codegen"
  [[ -x $codegen ]] || go_build pulumi-language-codegen tools/language-codegen "$codegen" . -ldflags "-X main.version=$pkg_version"
  # One binary, named for the language it generates (the CLI looks for pulumi-language-<name>).
  host_dir="$tools/pulumi-$1-$key"
  if [[ ! -x $host_dir/pulumi-$1 ]]; then
    rm -rf "$host_dir.partial" && mkdir -p "$host_dir.partial"
    ln -f "$codegen" "$host_dir.partial/pulumi-$1" 2>/dev/null || cp "$codegen" "$host_dir.partial/pulumi-$1"
    rm -rf "$host_dir" && mv "$host_dir.partial" "$host_dir"
  fi
  echo "$host_dir/pulumi-$1"
  exit 0
fi
if [[ ${1:-} == language-dotnet ]]; then
  dotnet_version=$(module_version tools/language-dotnet github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3)
  dotnet_host="$tools/pulumi-language-dotnet-v$dotnet_version-$(source_hash tools/language-dotnet)/pulumi-language-dotnet"
  [[ -x $dotnet_host ]] || go_build pulumi-language-dotnet tools/language-dotnet "$dotnet_host" \
    github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3 \
    -ldflags "-X github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3/version.Version=v$dotnet_version"
  echo "$dotnet_host"
  exit 0
fi
if [[ -n ${1:-} ]]; then
  spec=${TOOL_PACKAGES[$1]:-}
  [[ -n $spec ]] || { log "unknown tool '$1'; expected one of: ${!TOOL_PACKAGES[*]}"; exit 2; }
  read -r module pkg <<<"$spec"
  version=$(module_version "tools/$1" "$module")
  out="$tools/$1-v$version/$1"
  # shellcheck disable=SC2059 # the format is TOOL_LDFLAGS's
  [[ -x $out ]] || go_build "$1" "tools/$1" "$out" "$pkg" -ldflags "$(printf -- "${TOOL_LDFLAGS[$1]:-}" "$version")"
  echo "$out"
  exit 0
fi

# --- The Pulumi toolchain ---------------------------------------------------------
PULUMI_VERSION=$(node -p 'require("./node_modules/@pulumi/pulumi/package.json").version')
K8S_SDK_VERSION=$(node -p 'require("./node_modules/@pulumi/kubernetes/package.json").version')
K8S_PROVIDER_VERSION=$(tr -d '[:space:]' <tools/kubernetes-provider/VERSION)
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
UPSTREAM_HOST_VERSION=$(module_version tools/language-nodejs-upstream github.com/pulumi/pulumi/sdk/v3)

# The engine warns when a provider plugin is older than the SDK that asks for it, and
# a stamp other than the release the code is would be a lie: keep the three in step.
[[ $(module_version tools/pulumi github.com/pulumi/pulumi/pkg/v3) == "$PULUMI_VERSION" ]] || {
  log "tools/pulumi/go.mod does not pin pkg/v3 v$PULUMI_VERSION (the @pulumi/pulumi version in package-lock.json)"; exit 1; }
[[ $K8S_PROVIDER_VERSION == "$K8S_SDK_VERSION" ]] || {
  log "tools/kubernetes-provider builds provider v$K8S_PROVIDER_VERSION but package-lock.json has @pulumi/kubernetes $K8S_SDK_VERSION"; exit 1; }

cli="$tools/pulumi-v$PULUMI_VERSION/pulumi"
[[ -x $cli ]] || go_build pulumi tools/pulumi "$cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

upstream_host="$tools/pulumi-language-nodejs-upstream-v$UPSTREAM_HOST_VERSION/pulumi-language-nodejs-upstream"
[[ -x $upstream_host ]] || go_build pulumi-language-nodejs-upstream tools/language-nodejs-upstream "$upstream_host" \
  github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$UPSTREAM_HOST_VERSION"

node_host="$tools/pulumi-language-nodejs-$(source_hash tools/language-nodejs)/pulumi-language-nodejs"
[[ -x $node_host ]] || go_build pulumi-language-nodejs tools/language-nodejs "$node_host" .

provider="$tools/pulumi-resource-kubernetes-v$K8S_PROVIDER_VERSION-$(source_hash tools/kubernetes-provider)/pulumi-resource-kubernetes"
if [[ ! -x $provider ]]; then
  module_dir=$(cd tools/kubernetes-provider && GOFLAGS=-mod=readonly go mod download -json "$K8S_PROVIDER_MODULE" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).Dir))')
  (cd tools/kubernetes-provider && GOFLAGS=-mod=readonly GOTOOLCHAIN=local go run ./gen "$module_dir" "$K8S_PROVIDER_VERSION" .)
  go_build pulumi-resource-kubernetes tools/kubernetes-provider "$provider" . \
    -ldflags "-X $K8S_PROVIDER_MODULE/pkg/version.Version=$K8S_PROVIDER_VERSION"
fi

# One directory with the CLI and the hosts it finds next to itself.
bin="$tools/bin-pulumi-v$PULUMI_VERSION-$(basename "$(dirname "$node_host")")-v$UPSTREAM_HOST_VERSION"
link_dir "$bin" "$upstream_host" "$node_host" "$cli"
mkdir -p "$repo/.pulumi"
ln -sfn "$bin" "$repo/.pulumi/bin"

export PULUMI_HOME=${PULUMI_HOME:-$repo/.pulumi/home} PULUMI_SKIP_UPDATE_CHECK=true
installed="$PULUMI_HOME/plugins/resource-kubernetes-v$K8S_PROVIDER_VERSION"
if [[ ! -x $installed/pulumi-resource-kubernetes || $(cat "$PULUMI_HOME/goplatform-provider-stamp" 2>/dev/null) != "$provider" ]]; then
  log "installing the kubernetes v$K8S_PROVIDER_VERSION provider plugin into $PULUMI_HOME"
  "$bin/pulumi" plugin install resource kubernetes "v$K8S_PROVIDER_VERSION" --file "$provider" --reinstall >&2
  echo "$provider" >"$PULUMI_HOME/goplatform-provider-stamp"
fi

echo "$bin"
