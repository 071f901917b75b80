//go:build tools

// Package tools pins the Pulumi .NET language host (pulumi-dotnet's
// pulumi-language-dotnet), which the CLI asks to generate a C# SDK from a schema
// (`pulumi package gen-sdk --language dotnet`, the GeneratePackage RPC). Its pulumi
// pkg/v3 and sdk/v3 are the versions the host itself requires (go mod tidy's choice).
package tools

import _ "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3"
