#!/usr/bin/env bash
# A local Kubernetes control plane on loopback, from binaries built from the Go module
# proxy (scripts/toolchain.sh control-plane): etcd, kube-apiserver (RBAC, the default
# admission plugins), kube-controller-manager, kube-scheduler, and kwok faking one
# node and the status of the pods on it, so Deployments and StatefulSets become ready
# without a container runtime.
#
#   cluster.sh start [DIR]    start (or resume) the control plane; prints the kubeconfig path
#   cluster.sh stop [DIR]     stop it; its data stays, the next start resumes it
#   cluster.sh status [DIR]   say whether it runs (exit 1 if not)
#   cluster.sh purge [DIR]    stop it and delete DIR
#
# DIR (default <repo>/.pulumi/cluster) holds the certificates, the kubeconfig, etcd's
# data, the ports chosen at first start, the logs and the pids. After start, the
# cluster also holds what scripts/cluster-bootstrap.mjs installs: the CRDs the
# components need and the objects the releases they configure would have created.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cmd=${1:-start}
dir=${2:-$repo/.pulumi/cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
log() { echo "cluster: $*" >&2; }

pid_of() { # prints the pid of a component of this cluster if it runs
  local file="$dir/run/$1.pid" pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  # The process must still be ours: a pid file left by a crash may name a new process.
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/" || return 1
  echo "$pid"
}

stop() {
  local i pid
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    if pid=$(pid_of "${COMPONENTS[i]}"); then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/run/${COMPONENTS[i]}.pid"
  done
}

case $cmd in
  stop) stop; log "stopped (data kept in $dir)"; exit 0 ;;
  purge) stop; rm -rf "$dir"; log "stopped and removed $dir"; exit 0 ;;
  status)
    for c in "${COMPONENTS[@]}"; do pid_of "$c" >/dev/null || { log "$c is not running"; exit 1; }; done
    log "running; kubeconfig $dir/kubeconfig"; exit 0 ;;
  start) ;;
  *) log "unknown command '$cmd'; expected start, stop, status or purge"; exit 2 ;;
esac

bin=$(bash scripts/toolchain.sh control-plane)
mkdir -p "$dir/run" "$dir/logs" "$dir/pki"

running=0
for c in "${COMPONENTS[@]}"; do pid_of "$c" >/dev/null && running=$((running + 1)); done
if ((running == ${#COMPONENTS[@]})); then
  log "already running; kubeconfig $dir/kubeconfig"
  echo "$dir/kubeconfig"
  exit 0
fi
((running == 0)) || { log "partly running ($running of ${#COMPONENTS[@]} components): restarting it"; stop; }

# --- Ports: chosen free at first start, kept so a restart resumes the same cluster ---
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [[ ! -f $dir/ports.env ]]; then
  { echo "ETCD_CLIENT_PORT=$(free_port)"; echo "ETCD_PEER_PORT=$(free_port)"; echo "APISERVER_PORT=$(free_port)"; } >"$dir/ports.env"
fi
# shellcheck source=/dev/null
source "$dir/ports.env"
for p in "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT"; do
  port_free "$p" || {
    log "port $p (kept in $dir/ports.env) is in use by another process; stop it, or run 'npm run cluster -- purge' for a new cluster on new ports"
    exit 1
  }
done

# --- Certificates: one CA, the API server's serving certificate, a client certificate per component ---
pki=$dir/pki
if [[ ! -f $pki/ca.crt ]]; then
  log "generating certificates in $pki"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=goplatform-local-ca" -days 3650 -out "$pki/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  cert() { # name, subject, extensions
    openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key" 2>/dev/null
    openssl req -new -key "$pki/$1.key" -subj "$2" 2>/dev/null |
      openssl x509 -req -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 -out "$pki/$1.crt" -extfile <(printf '%s\n' "$3") 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
  cert admin "/O=system:masters/CN=goplatform-admin" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
  cert kube-controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
  cert kube-scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/service-account.key" 2>/dev/null
  openssl ec -in "$pki/service-account.key" -pubout -out "$pki/service-account.pub" 2>/dev/null
  chmod 600 "$pki"/*.key
fi

kubeconfig() { # user, file
  local b64='base64 -w0'
  cat >"$2.partial" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: goplatform-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 <"$pki/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $($b64 <"$pki/$1.crt")
    client-key-data: $($b64 <"$pki/$1.key")
contexts:
- name: goplatform-local
  context: { cluster: goplatform-local, user: $1 }
current-context: goplatform-local
EOF
  chmod 600 "$2.partial"
  mv "$2.partial" "$2"
}
kubeconfig admin "$dir/kubeconfig"
kubeconfig kube-controller-manager "$pki/kube-controller-manager.kubeconfig"
kubeconfig kube-scheduler "$pki/kube-scheduler.kubeconfig"

launch() { # name, args...: runs a component in its own session, so it outlives this script
  local name=$1; shift
  setsid "$bin/$name" "$@" >>"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/run/$name.pid"
}
wait_for() { # what, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "$what did not become ready in $seconds s; its log: $dir/logs"
  stop
  exit 1
}

start=$SECONDS
# Whatever fails from here on, nothing this start launched is left running.
trap 'log "start failed; stopping what it started (logs in $dir/logs)"; stop' ERR
launch etcd --name goplatform-local --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "goplatform-local=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" --log-level warn
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

launch kube-apiserver --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/service-account.pub" --service-account-signing-key-file "$pki/service-account.key" \
  --service-cluster-ip-range 10.96.0.0/16 --authorization-mode Node,RBAC --allow-privileged=true
readyz() { curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "https://127.0.0.1:$APISERVER_PORT/readyz"; }
wait_for kube-apiserver 120 readyz

launch kube-controller-manager --kubeconfig "$pki/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig "$pki/kube-controller-manager.kubeconfig" --authorization-kubeconfig "$pki/kube-controller-manager.kubeconfig" \
  --secure-port 0 --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$pki/service-account.key" --root-ca-file "$pki/ca.crt" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" --service-cluster-ip-range 10.96.0.0/16
launch kube-scheduler --kubeconfig "$pki/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig "$pki/kube-scheduler.kubeconfig" --authorization-kubeconfig "$pki/kube-scheduler.kubeconfig" \
  --secure-port 0 --leader-elect=false

# kwok's stages, from the kwok module: nodes become Ready, pods Running and Ready (and
# complete, and go on deletion), claims of its default StorageClass are provisioned.
kwok_module=$(cd tools/kwok && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
stages=$kwok_module/kustomize/stage
{
  for f in node/fast/node-initialize pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete \
    volume/fast/pv-bind volume/fast/pv-delete volume/fast/pvc-provision volume/fast/pvc-delete; do
    echo "---"; cat "$stages/$f.yaml"
  done
} >"$dir/kwok.yaml"
launch kwok --kubeconfig "$dir/kubeconfig" -c "$dir/kwok.yaml" \
  --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --node-lease-duration-seconds 40 --cidr 10.244.0.0/16

export KUBECONFIG=$dir/kubeconfig
node scripts/cluster-bootstrap.mjs "$bin/kubectl" "$stages"
node_ready() { [[ $("$bin/kubectl" get node goplatform-local-node -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]; }
wait_for "the kwok node" 60 node_ready
trap - ERR
log "control plane ready in $((SECONDS - start)) s on https://127.0.0.1:$APISERVER_PORT (data in $dir)"
echo "$dir/kubeconfig"
