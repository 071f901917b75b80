//go:build tools

// Package tools pins the Pulumi CLI that scripts/toolchain.sh builds from the Go
// module proxy: github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version of the
// @pulumi/pulumi npm SDK in package-lock.json.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
