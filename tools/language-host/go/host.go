package main

// The LanguageRuntime service: what the engine asks a Node.js language host.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	pbempty "google.golang.org/protobuf/types/known/emptypb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	codegenrpc "github.com/pulumi/pulumi/sdk/v3/proto/go/codegen"
	"google.golang.org/grpc"
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	mu       sync.Mutex
	engine   string
	tracing  string
	programs map[*os.Process]bool
}

func newHost(engine, tracing string) *host {
	return &host{engine: engine, tracing: tracing, programs: map[*os.Process]bool{}}
}

// signalPrograms passes the signal the host got on to the programs it runs.
func (h *host) signalPrograms(sig os.Signal) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.programs {
		_ = p.Signal(sig)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if a := req.GetEngineAddress(); a != "" {
		h.mu.Lock()
		h.engine = a
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: packageVersion}, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range requiredPlugins(programDirOf(req.GetInfo(), req.GetPwd())) {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{Name: p.name, Kind: p.kind, Version: p.version, Server: p.server})
	}
	return resp, nil
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range requiredPlugins(programDirOf(req.GetInfo(), "")) {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{Name: p.name, Kind: p.kind, Version: p.version, Server: p.server})
	}
	return resp, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, d := range programDependencies(programDirOf(req.GetInfo(), req.GetPwd())) {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: d.name, Version: d.version})
	}
	return resp, nil
}

func (h *host) Run(_ context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDirOf(req.GetInfo(), req.GetPwd())
	runPath, err := runPathFrom(dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return runResult(err), nil
	}
	o := optionsOf(req.GetInfo())
	h.mu.Lock()
	engine := h.engine
	h.mu.Unlock()
	cmd := exec.Command(node, nodeArguments(req, engine, h.tracing, runPath, o)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), programEnv(req, o)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return runResult(err), nil
	}
	h.mu.Lock()
	h.programs[cmd.Process] = true
	h.mu.Unlock()
	err = cmd.Wait()
	h.mu.Lock()
	delete(h.programs, cmd.Process)
	h.mu.Unlock()
	return runResult(err), nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	if dir == "" {
		dir, _ = os.Getwd()
	}
	pm := optionsOf(req.GetInfo()).packagemanager
	if pm == "" {
		pm = "npm"
		if exists(filepath.Join(dir, "yarn.lock")) {
			pm = "yarn"
		} else if exists(filepath.Join(dir, "pnpm-lock.yaml")) {
			pm = "pnpm"
		}
	}
	cmd := exec.Command(pm, "install")
	cmd.Dir = dir
	var mu sync.Mutex
	send := func(out bool) writerFunc {
		return func(b []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			r := &pulumirpc.InstallDependenciesResponse{}
			if out {
				r.Stdout = append([]byte(nil), b...)
			} else {
				r.Stderr = append([]byte(nil), b...)
			}
			return len(b), stream.Send(r)
		}
	}
	cmd.Stdout, cmd.Stderr = send(true), send(false)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("%s install failed with exit code %d", pm, exit.ExitCode())
		}
		return fmt.Errorf("%s install: %w", pm, err)
	}
	return nil
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(b []byte) (int, error) { return w(b) }

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimSpace(string(out)),
		Metadata:   map[string]string{"host": "pulumi-openbsd language host " + packageVersion},
	}, nil
}

// GenerateProgram is `pulumi import`'s code generation: PCL in (file name → text), `index.ts` out, by the Node.js
// generator (../generate-cli.ts: JSON on stdin and stdout); its error comes back as one diagnostic.
func (h *host) GenerateProgram(_ context.Context, req *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error) {
	in, _ := json.Marshal(map[string]any{"source": req.GetSource()})
	cmd := exec.Command("node", filepath.Join(packageRoot, "dist", "tools", "language-host", "generate-cli.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var result struct {
		Source *string `json:"source"`
		Error  string  `json:"error"`
	}
	if err == nil {
		err = json.Unmarshal(out, &result)
	}
	if err != nil {
		result.Error = fmt.Sprintf("the code generator failed: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	if result.Error != "" || result.Source == nil {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: []*codegenrpc.Diagnostic{{Severity: codegenrpc.DiagnosticSeverity_DIAG_ERROR, Summary: result.Error}}}, nil
	}
	return &pulumirpc.GenerateProgramResponse{Source: map[string][]byte{"index.ts": []byte(*result.Source)}}, nil
}

func (h *host) Cancel(context.Context, *pbempty.Empty) (*pbempty.Empty, error) {
	// The engine cancels the deployment through the resource monitor; programs exit on their own.
	return &pbempty.Empty{}, nil
}
