// Command pulumi-language-codegen is the code-generating half of a Pulumi language host,
// for `pulumi package gen-sdk --language go|python`: the CLI hands the schema to the
// language plugin's GeneratePackage RPC and writes nothing itself. scripts/toolchain.sh
// installs this one binary as pulumi-language-go and pulumi-language-python; it
// generates the language its own name says.
//
// Upstream's hosts (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3 and
// sdk/python/cmd/pulumi-language-python/v3) are not served by the Go module proxy this
// project builds from (403 "This module version is not available" for v3.276.0 and
// every other version tried), but the code generators they call, pkg/v3's codegen/go
// and codegen/python, are. This host implements only what gen-sdk needs (Handshake,
// GetPluginInfo, GeneratePackage) on pkg/v3 v3.276.0, the CLI's own version; every
// other RPC answers Unimplemented, so it cannot run programs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gocodegen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pycodegen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// generators: how each language's files are made from a bound package.
var generators = map[string]func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error){
	"go": func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, _ schema.ReferenceLoader) (map[string][]byte, error) {
		if len(req.ExtraFiles) > 0 {
			return nil, errors.New("overlays are not supported for Go")
		}
		return gocodegen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
	},
	"python": func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error) {
		return pycodegen.GeneratePackage("pulumi-language-python", pkg, req.ExtraFiles, loader)
	},
}

// name is the executable's own name, pulumi-language-<language>.
var name = filepath.Base(os.Args[0])

// version is stamped by scripts/toolchain.sh (-X main.version=...): the pkg/v3 version.
var version = "0.0.0-dev"

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	generate func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error)
}

func (host) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, fmt.Errorf("reading the schema: %w", err)
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	response := &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}
	if diags.HasErrors() {
		return response, nil
	}
	files, err := h.generate(pkg, req, cached)
	if err != nil {
		return nil, err
	}
	return response, writeFiles(req.Directory, files)
}

// writeFiles writes the generated files under dir.
func writeFiles(dir string, files map[string][]byte) error {
	for file, data := range files {
		out := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	generate, ok := generators[strings.TrimPrefix(name, "pulumi-language-")]
	if !ok {
		fmt.Fprintf(os.Stderr, "%s: expected to be installed as pulumi-language-go or pulumi-language-python\n", name)
		os.Exit(2)
	}
	// The engine passes its address as the only argument; Handshake carries it too.
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host{generate: generate})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
