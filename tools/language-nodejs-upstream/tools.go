//go:build tools

// Package tools pins the Node.js language host that scripts/toolchain.sh builds from
// the Go module proxy. From sdk/v3 v3.69.0 on the host lives in a module of its own
// (sdk/nodejs/cmd/pulumi-language-nodejs/v3) that the proxy does not serve; v3.68.0
// is the newest sdk/v3 release that still contains it. See README "Toolchain".
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
