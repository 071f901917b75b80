//go:build tools

// Package tools pins the Pulumi YAML language host (pulumi-yaml's cmd/pulumi-language-yaml),
// which runs `runtime: yaml` projects. Its pulumi pkg/v3 and sdk/v3 are the versions
// pulumi-yaml v1.25.0 itself requires: it does not compile against pkg/v3 v3.259.0 and
// later, so they are not raised to the CLI's.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
