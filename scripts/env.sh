# Sourced by the project's scripts, and by a user's shell (`source scripts/env.sh`) to
# type `pulumi …` against the embedded `local` stack:
#  - PATH: the project's Node.js, tsc, mocha, eslint (node_modules/.bin), the Pulumi
#    toolchain (.pulumi/bin, linked by scripts/toolchain.sh: the CLI and its language hosts)
#    and the local control plane's binaries, kubectl among them (.pulumi/control-plane);
#  - KUBECONFIG: the local control plane's (.pulumi/cluster/kubeconfig, scripts/cluster.sh);
#  - PULUMI_HOME: .pulumi/home, where toolchain.sh installed the provider plugins;
#  - PULUMI_BACKEND_URL: the file backend in .pulumi/state;
#  - PULUMI_CONFIG_PASSPHRASE: the documented demo passphrase, unless a passphrase or a
#    passphrase file is already set. Not a secret: the demo stack holds nothing worth
#    protecting, and every clone must be able to open it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/.pulumi/bin:$root/.pulumi/control-plane:$root/node_modules/.bin:$PATH"
export KUBECONFIG="$root/.pulumi/cluster/kubeconfig"
export PULUMI_HOME="${PULUMI_HOME:-$root/.pulumi/home}"
export PULUMI_BACKEND_URL="file://$root/.pulumi/state"
if [[ -z ${PULUMI_CONFIG_PASSPHRASE:-} && -z ${PULUMI_CONFIG_PASSPHRASE_FILE:-} ]]; then
  export PULUMI_CONFIG_PASSPHRASE=goplatform-local-demo
fi
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$root/.pulumi/state"
