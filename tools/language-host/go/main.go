// Command pulumi-language-nodejs is pulumi-openbsd's stand-in for Pulumi's own Node.js language host, for machines
// that cannot get the real one (the Go module proxy here refuses its module). It is the same protocol and the same
// program start as ../main.ts (the Node.js stand-in it replaces where Go is at hand, ARCHITECTURE.md D10), in Go as
// Pulumi's host is: it starts in a few milliseconds, where a Node.js host spends ~100 ms of CPU loading gRPC before
// it can answer (the engine starts a language host twice per operation).
//
// Started by the engine as `pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] [-root DIR] ENGINE_ADDR`;
// prints the port it serves on, as every plugin does. GenerateProgram (`pulumi import`) is answered by the Node.js
// code generator (../generate-cli.ts), started only then.
package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Set at build time (scripts/language-host.sh): the package's folder (for the code generator) and version.
var (
	packageRoot    = ""
	packageVersion = "0.0.0"
)

// parseArgs reads the engine's command line (Go flag syntax: `-x v`, `--x v`, `-x=v`); see ../args.ts.
func parseArgs(argv []string) (engine string, tracing string) {
	var positional []string
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		flag, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasValue && (flag == "tracing" || flag == "root") && i+1 < len(argv) {
			i++
			value = argv[i]
		}
		if flag == "tracing" {
			tracing = value
		}
	}
	if len(positional) > 0 {
		engine = positional[0]
	}
	return engine, tracing
}

func main() {
	engine, tracing := parseArgs(os.Args[1:])
	host := newHost(engine, tracing)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the language host RPC server: %v\n", err)
		os.Exit(1)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(srv, host)
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-signals
		host.signalPrograms(sig)
		srv.Stop()
		os.Exit(0)
	}()
	if err := srv.Serve(lis); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}
