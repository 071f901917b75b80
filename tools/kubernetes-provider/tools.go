//go:build tools

// Package tools pins the Kubernetes resource provider that scripts/toolchain.sh
// builds from the Go module proxy. The module proxy serves no provider/v3 or v4
// release (403); provider/v2 v2.0.0 is the newest it has. See README "Toolchain".
package tools

import _ "github.com/pulumi/pulumi-kubernetes/provider/v2/cmd/pulumi-resource-kubernetes"
