//go:build tools

// Package tools pins actionlint (rhysd/actionlint's cmd/actionlint), which the CI
// examples test uses to check examples/ci/github-workflows/*.yml.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
