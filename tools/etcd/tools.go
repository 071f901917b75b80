//go:build tools

// Package tools pins the etcd server scripts/toolchain.sh builds for the local
// Kubernetes control plane (the 3.6 line Kubernetes 1.34 runs on).
package tools

import _ "go.etcd.io/etcd/server/v3"
