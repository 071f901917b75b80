// Command pulumi-resource-kubernetes is the Kubernetes resource provider v4, built
// from the published provider module. The module's own main package embeds files
// that its `go generate` step writes (schema-embed.json, terraform-mapping-embed.json)
// and that the published module does not contain, so this wrapper embeds the same
// two files, written by ./gen from the module's schema.json and
// terraform-mapping.json with the provider version set (see scripts/toolchain.sh).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
