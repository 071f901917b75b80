//go:build tools

// Package tools pins cosign (sigstore's cmd/cosign), which the signature tests use
// to sign images in the local registry on 127.0.0.1.
package tools

import _ "github.com/sigstore/cosign/v3/cmd/cosign"
