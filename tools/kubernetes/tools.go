//go:build tools

// Package tools pins the local Kubernetes control plane scripts/toolchain.sh builds
// from the Go module proxy: kube-apiserver, kube-controller-manager, kube-scheduler
// and kubectl from k8s.io/kubernetes (the minor the cluster components default to).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
