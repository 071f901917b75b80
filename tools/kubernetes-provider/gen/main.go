// Command gen writes the two files the provider embeds, as the provider's own
// generate.go does: schema.json with its "version" set, and terraform-mapping.json
// re-encoded compactly. Usage: go run ./gen <provider module dir> <version> <out dir>
package main

import (
	"bytes"
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
	if err := json.Unmarshal(read(filepath.Join(cmdDir, "schema.json")), &schema); err != nil {
		fail(fmt.Errorf("schema.json: %w", err))
	}
	encodedVersion, err := json.Marshal(version)
	if err != nil {
		fail(err)
	}
	schema["version"] = encodedVersion
	encodedSchema, err := json.Marshal(schema)
	if err != nil {
		fail(err)
	}
	write(filepath.Join(outDir, "schema-embed.json"), encodedSchema)

	var mapping bytes.Buffer
	if err := json.Compact(&mapping, read(filepath.Join(cmdDir, "terraform-mapping.json"))); err != nil {
		fail(fmt.Errorf("terraform-mapping.json: %w", err))
	}
	write(filepath.Join(outDir, "terraform-mapping-embed.json"), mapping.Bytes())
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	return data
}

// write replaces path atomically so an interrupted run leaves no half file behind.
func write(path string, data []byte) {
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
