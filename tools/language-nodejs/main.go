// Command pulumi-language-nodejs is the Node.js language host goplatform's toolchain
// installs next to the pulumi CLI.
//
// The newest Node.js host the Go module proxy serves is the one inside sdk/v3 v3.68.0
// (built from tools/language-nodejs-upstream as pulumi-language-nodejs-upstream). It
// runs programs, but answers RunPlugin with "not supported", and the CLI runs a
// Node.js policy pack (and a Node.js component package) through RunPlugin as soon as
// a nodejs language host is installed. This host starts the upstream one, forwards
// every RPC to it unchanged, and implements RunPlugin itself the way current
// upstream hosts do: `node @pulumi/pulumi/cmd/run-policy-pack <args> <pack dir>` for
// policy packs, `node @pulumi/pulumi/cmd/run-plugin <plugin dir> <args>` otherwise,
// with the module resolved from the plugin's own directory.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

const upstreamName = "pulumi-language-nodejs-upstream"

func main() {
	// The upstream host is killed with this process (Pdeathsig), which Linux ties to
	// the thread that started it: keep main on one thread.
	runtime.LockOSThread()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs:", err)
		os.Exit(1)
	}
}

func run() error {
	upstream, err := startUpstream(os.Args[1:])
	if err != nil {
		return err
	}
	conn, err := grpc.NewClient(upstream, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(400*1024*1024)))
	if err != nil {
		return fmt.Errorf("connecting to %s at %s: %w", upstreamName, upstream, err)
	}
	defer conn.Close()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(server, &host{upstream: pulumirpc.NewLanguageRuntimeClient(conn)})
	// The plugin handshake: the CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	return server.Serve(listener)
}

// startUpstream starts the upstream host beside this executable with the same
// arguments and returns the address it listens on.
func startUpstream(args []string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	self, err = filepath.EvalSymlinks(self)
	if err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(filepath.Dir(self), upstreamName), args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", upstreamName, err)
	}
	lines := bufio.NewReader(stdout)
	port, err := lines.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s printed no port: %w", upstreamName, err)
	}
	// The upstream host exits when the engine goes away (it health-checks the engine's
	// address); this host lives exactly as long, so neither outlives a killed CLI.
	go func() {
		_, _ = io.Copy(os.Stderr, lines)
		if err := cmd.Wait(); err != nil {
			fmt.Fprintln(os.Stderr, "pulumi-language-nodejs:", upstreamName, "exited:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}()
	return "127.0.0.1:" + strings.TrimSpace(port), nil
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	upstream pulumirpc.LanguageRuntimeClient
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	var script string
	var args []string
	workDir := req.GetPwd()
	if req.GetKind() == "analyzer" {
		// Policy packs run in their own directory, with the pack directory last.
		script, args, workDir = "@pulumi/pulumi/cmd/run-policy-pack", append(append([]string{}, req.GetArgs()...), dir), dir
	} else {
		script, args = "@pulumi/pulumi/cmd/run-plugin", append([]string{dir}, req.GetArgs()...)
	}
	entry, err := resolveModule(stream.Context(), dir, script)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(stream.Context(), "node", append([]string{entry}, args...)...)
	cmd.Dir = workDir
	cmd.Env = req.GetEnv()
	if len(cmd.Env) == 0 {
		cmd.Env = os.Environ()
	}
	send := make(chan *pulumirpc.RunPluginResponse)
	cmd.Stdout = streamWriter(send, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	cmd.Stderr = streamWriter(send, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	done := make(chan error, 1)
	go func() { done <- cmd.Run(); close(send) }()
	for msg := range send {
		if err := stream.Send(msg); err != nil {
			go func() { // the CLI went away: let the plugin's output drain while the context kills it
				for range send {
				}
			}()
			return err
		}
	}
	code := int32(0)
	if err := <-done; err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			return err
		}
		code = int32(exitErr.ExitCode())
	}
	return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// resolveModule finds script the way node would from dir, so the plugin runs with
// the @pulumi/pulumi it depends on, not one of the host's choosing.
func resolveModule(ctx context.Context, dir, script string) (string, error) {
	cmd := exec.CommandContext(ctx, "node", "-e", "process.stdout.write(require.resolve(process.argv[1]))", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s (is @pulumi/pulumi installed there?): %w", script, dir, err)
	}
	return string(out), nil
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// streamWriter sends each write as one message; exec copies output from one
// goroutine per stream, and the channel keeps Send on a single goroutine.
func streamWriter(send chan<- *pulumirpc.RunPluginResponse, wrap func([]byte) *pulumirpc.RunPluginResponse) io.Writer {
	return writerFunc(func(b []byte) (int, error) {
		send <- wrap(append([]byte(nil), b...))
		return len(b), nil
	})
}

// Everything else is the upstream host's answer, unchanged (Unimplemented for the
// RPCs it predates, which the CLI treats as an older host).

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return h.upstream.Handshake(ctx, req)
}

func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return h.upstream.GetRequiredPlugins(ctx, req)
}

func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return h.upstream.GetRequiredPackages(ctx, req)
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return h.upstream.Run(ctx, req)
}

func (h *host) GetPluginInfo(ctx context.Context, req *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return h.upstream.GetPluginInfo(ctx, req)
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	upstream, err := h.upstream.InstallDependencies(stream.Context(), req)
	if err != nil {
		return err
	}
	for {
		msg, err := upstream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.Send(msg); err != nil {
			return err
		}
	}
}

func (h *host) RuntimeOptionsPrompts(ctx context.Context, req *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return h.upstream.RuntimeOptionsPrompts(ctx, req)
}

func (h *host) Template(ctx context.Context, req *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return h.upstream.Template(ctx, req)
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return h.upstream.About(ctx, req)
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return h.upstream.GetProgramDependencies(ctx, req)
}

func (h *host) GenerateProgram(ctx context.Context, req *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error) {
	return h.upstream.GenerateProgram(ctx, req)
}

func (h *host) GenerateProject(ctx context.Context, req *pulumirpc.GenerateProjectRequest) (*pulumirpc.GenerateProjectResponse, error) {
	return h.upstream.GenerateProject(ctx, req)
}

func (h *host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	return h.upstream.GeneratePackage(ctx, req)
}

func (h *host) Pack(ctx context.Context, req *pulumirpc.PackRequest) (*pulumirpc.PackResponse, error) {
	return h.upstream.Pack(ctx, req)
}

func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	return h.upstream.Link(ctx, req)
}

func (h *host) Cancel(ctx context.Context, req *emptypb.Empty) (*emptypb.Empty, error) {
	return h.upstream.Cancel(ctx, req)
}
