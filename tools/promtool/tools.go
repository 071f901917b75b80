//go:build tools

// Package tools pins the promtool that scripts/toolchain.sh builds from the Go
// module proxy to check and unit-test the alert rules goplatform generates.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
