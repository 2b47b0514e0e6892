package main

// How a program is started, as Pulumi's host starts it (see ../run.ts):
//
//	node [nodeargs…] <@pulumi/pulumi/cmd/run resolved from the program directory>
//	     --monitor ADDR --engine ADDR --organization O --project P --root-directory DIR --stack S
//	     --pwd DIR [--dry-run] --parallel N [--tracing URL] ENTRYPOINT [args…]
//
// with PULUMI_CONFIG (the config map as JSON), PULUMI_CONFIG_SECRET_KEYS (JSON array), PULUMI_NODEJS_TYPESCRIPT=true
// (runtime option `typescript`, default true) and PULUMI_NODEJS_TSCONFIG_PATH (runtime option `tsconfig`).

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/sys/unix"
)

// exitedAfterUserActionableMessage: cmd/run exits so after it has shown the user an actionable error.
const exitedAfterUserActionableMessage = 32

// runtimeOptions are the nodejs runtime options of Pulumi.yaml (`runtime: { name: nodejs, options: {...} }`).
type runtimeOptions struct {
	typescript     *bool
	nodeargs       string
	tsconfig       string
	packagemanager string
}

func optionsOf(info *pulumirpc.ProgramInfo) runtimeOptions {
	var o runtimeOptions
	if info == nil || info.GetOptions() == nil {
		return o
	}
	raw := info.GetOptions().AsMap()
	if v, ok := raw["typescript"].(bool); ok {
		o.typescript = &v
	}
	o.nodeargs, _ = raw["nodeargs"].(string)
	o.tsconfig, _ = raw["tsconfig"].(string)
	o.packagemanager, _ = raw["packagemanager"].(string)
	return o
}

// programDirOf is where a request's program lives: ProgramInfo's program directory, else the request's pwd.
func programDirOf(info *pulumirpc.ProgramInfo, pwd string) string {
	if d := info.GetProgramDirectory(); d != "" {
		return d
	}
	if pwd != "" {
		return pwd
	}
	wd, _ := os.Getwd()
	return wd
}

// runPathFrom resolves @pulumi/pulumi/cmd/run as Node would from the program folder: the nearest node_modules up the
// tree that holds it (PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides, as for Pulumi's host).
func runPathFrom(dir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		if filepath.IsAbs(p) {
			return p, nil
		}
		if strings.HasPrefix(p, ".") {
			return filepath.Join(dir, p), nil
		}
		return resolveModule(dir, p)
	}
	return resolveModule(dir, "@pulumi/pulumi/cmd/run")
}

func resolveModule(dir, mod string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		base := filepath.Join(d, "node_modules", mod)
		for _, f := range []string{base + ".js", filepath.Join(base, "index.js"), base} {
			if st, err := os.Stat(f); err == nil && !st.IsDir() {
				return f, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.New("It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install?")
		}
	}
}

// nodeArguments is the argument vector for `node`.
func nodeArguments(req *pulumirpc.RunRequest, engine, tracing, runPath string, o runtimeOptions) []string {
	args := strings.Fields(o.nodeargs)
	args = append(args, runPath)
	maybe := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	info := req.GetInfo()
	maybe("monitor", req.GetMonitorAddress())
	maybe("engine", engine)
	maybe("organization", req.GetOrganization())
	maybe("project", req.GetProject())
	maybe("root-directory", info.GetRootDirectory())
	maybe("stack", req.GetStack())
	maybe("pwd", programDirOf(info, req.GetPwd()))
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	maybe("parallel", strconv.Itoa(int(req.GetParallel())))
	maybe("tracing", tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	return append(args, req.GetArgs()...)
}

// programEnv is the environment added to the host's own.
func programEnv(req *pulumirpc.RunRequest, o runtimeOptions) []string {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	c, _ := json.Marshal(config)
	k, _ := json.Marshal(secretKeys)
	env := []string{"PULUMI_CONFIG=" + string(c), "PULUMI_CONFIG_SECRET_KEYS=" + string(k)}
	if o.typescript == nil || *o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// runResult is the RunResponse for a finished program.
func runResult(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return &pulumirpc.RunResponse{Error: "Problem executing program (could not run language executor): " + err.Error()}
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: signal: " + unix.SignalName(ws.Signal())}
	}
	code := exit.ExitCode()
	if code == exitedAfterUserActionableMessage {
		return &pulumirpc.RunResponse{Bail: true}
	}
	return &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: " + strconv.Itoa(code)}
}
