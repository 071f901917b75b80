//go:build tools

// Package tools pins Sigstore's policy-controller admission webhook (cmd/webhook),
// which the admission tests run as the local control plane's image-signature webhook.
package tools

import _ "github.com/sigstore/policy-controller/cmd/webhook"
