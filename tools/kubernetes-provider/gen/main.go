// Command gen writes the two files the provider embeds, as the provider's own
// generate.go does: schema.json with its "version" set, and terraform-mapping.json
// re-encoded compactly. Usage: go run ./gen <provider module dir> <version> <out dir>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 4 {
		fail(fmt.Errorf("usage: gen <provider module dir> <version> <out dir>"))
	}
	moduleDir, version, outDir := os.Args[1], os.Args[2], os.Args[3]
	cmdDir := filepath.Join(moduleDir, "cmd", "pulumi-resource-kubernetes")

	var schema map[string]json.RawMessage
	read(filepath.Join(cmdDir, "schema.json"), &schema)
	encodedVersion, err := json.Marshal(version)
	if err != nil {
		fail(err)
	}
	schema["version"] = encodedVersion
	write(filepath.Join(outDir, "schema-embed.json"), schema)

	var mapping any
	read(filepath.Join(cmdDir, "terraform-mapping.json"), &mapping)
	write(filepath.Join(outDir, "terraform-mapping-embed.json"), mapping)
}

func read(path string, into any) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		fail(fmt.Errorf("%s: %w", path, err))
	}
}

// write replaces path atomically so an interrupted run leaves no half file behind.
func write(path string, value any) {
	data, err := json.Marshal(value)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(path+".partial", data, 0o644); err != nil {
		fail(err)
	}
	if err := os.Rename(path+".partial", path); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
