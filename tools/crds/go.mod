module goplatform.dev/tools/crds

go 1.24.0

// The published modules scripts/cluster-bootstrap.sh takes the local control plane's
// CRDs and release objects from (their YAML, nothing is compiled):
//   argo-cd v3.3.7 (chart argo-cd 9.5.2), prometheus-operator v0.93.1 (chart
//   kube-prometheus-stack 88.5.3), policy-controller v0.13.1 (chart policy-controller
//   0.10.6), tekton pipeline v1.15.1 (the newest the proxy serves: v1.16.0's zip is
//   refused) and chains v0.24.0 (chains-config and signing-secrets).
require (
	github.com/argoproj/argo-cd/v3 v3.3.7
	github.com/prometheus-operator/prometheus-operator v0.93.1
	github.com/sigstore/policy-controller v0.13.1
	github.com/tektoncd/chains v0.24.0
	github.com/tektoncd/pipeline v1.15.1
)
