//go:build tools

// Package tools pins the in-memory OCI registry (go-containerregistry's cmd/registry)
// that the image tests push to on 127.0.0.1.
package tools

import _ "github.com/google/go-containerregistry/cmd/registry"
