//go:build tools

// Package tools pins kwok, which scripts/toolchain.sh builds for the local
// Kubernetes control plane: it fakes a node and the status of the pods placed on it,
// so Deployments, StatefulSets and Jobs become ready without a container runtime.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
