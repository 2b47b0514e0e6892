/**
 * A stand-in for Pulumi's `pulumi-language-nodejs` (ARCHITECTURE.md D10), for machines that cannot get the
 * real one (it is a Go binary from a module the proxy here refuses). It speaks the LanguageRuntime gRPC
 * protocol with the stubs @pulumi/pulumi ships and starts programs exactly as the Go host does: by
 * spawning `node @pulumi/pulumi/cmd/run …` from the program folder (see run.ts), so the program is
 * loaded by Pulumi's own loader (ts-node for TypeScript). A real `pulumi-language-nodejs` on PATH
 * always wins: setup installs a stand-in (.tools/bin) only where none exists, the Go one (go/, the same answers:
 * test/e2e/language-host.test.ts) where Go is at hand, this one where it is not.
 *
 * Started by the engine as `pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] ENGINE_ADDR`;
 * prints the port it serves on, as every plugin does. GenerateProgram (what `pulumi import` calls) handles the
 * PCL subset imports of openbsd resources produce (pcl.ts, generate-typescript.ts); GenerateProject/Package,
 * Pack, Link, Template and RunPlugin answer Unimplemented.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { nodeArguments, programEnv, runResult, runtimeOptions, type RunSpec } from "./run";
import { programDependencies, requiredPlugins } from "./packages";
import { parseArgs } from "./args";
import { generateProgram } from "./generate-cli";

// grpc-js and the generated stubs are @pulumi/pulumi's own: load them from wherever npm put it.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof import("@grpc/grpc-js") = fromPulumi("@grpc/grpc-js");
const langrpc = fromPulumi("@pulumi/pulumi/proto/language_grpc_pb.js");
const langproto = fromPulumi("@pulumi/pulumi/proto/language_pb.js");
const plugproto = fromPulumi("@pulumi/pulumi/proto/plugin_pb.js");
const codegenproto = fromPulumi("@pulumi/pulumi/proto/codegen/hcl_pb.js");
const emptyproto = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");

const VERSION: string = (JSON.parse(readFileSync(path.join(__dirname, "../../../package.json"), "utf8")) as { version: string }).version;

const args = parseArgs(process.argv.slice(2));
let engineAddress = args.engine;
const running = new Set<ChildProcess>();

type Callback = (err: unknown, resp?: unknown) => void;
const fail = (callback: Callback, e: unknown) => callback({ code: grpc.status.UNKNOWN, details: e instanceof Error ? e.message : String(e) });

function programDirOf(req: any): string {
  const info = req.getInfo?.();
  return info?.getProgramDirectory?.() || req.getPwd?.() || process.cwd();
}

function pluginDeps(dir: string): any[] {
  return requiredPlugins(dir).map((p) => {
    const d = new plugproto.PluginDependency();
    d.setName(p.name);
    d.setKind(p.kind);
    d.setVersion(p.version);
    d.setServer(p.server);
    return d;
  });
}

/** Resolves @pulumi/pulumi/cmd/run the way Node would from the program folder (the Go host's locateModule). */
function runPathFrom(dir: string): string {
  const mod = process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || "@pulumi/pulumi/cmd/run";
  try {
    return createRequire(path.join(dir, "package.json")).resolve(mod);
  } catch {
    throw new Error("It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install?");
  }
}

const server = {
  handshake(call: any, callback: Callback) {
    const addr = call.request.getEngineAddress();
    if (addr) engineAddress = addr;
    callback(null, new langproto.LanguageHandshakeResponse());
  },
  getPluginInfo(_call: any, callback: Callback) {
    const info = new plugproto.PluginInfo();
    info.setVersion(VERSION);
    callback(null, info);
  },
  getRequiredPlugins(call: any, callback: Callback) {
    try {
      const resp = new langproto.GetRequiredPluginsResponse();
      resp.setPluginsList(pluginDeps(programDirOf(call.request)));
      callback(null, resp);
    } catch (e) {
      fail(callback, e);
    }
  },
  getRequiredPackages(call: any, callback: Callback) {
    try {
      const resp = new langproto.GetRequiredPackagesResponse();
      resp.setPackagesList(
        requiredPlugins(programDirOf(call.request)).map((p) => {
          const d = new plugproto.PackageDependency();
          d.setName(p.name);
          d.setKind(p.kind);
          d.setVersion(p.version);
          d.setServer(p.server);
          return d;
        }),
      );
      callback(null, resp);
    } catch (e) {
      fail(callback, e);
    }
  },
  run(call: any, callback: Callback) {
    const req = call.request;
    const info = req.getInfo();
    const dir = programDirOf(req);
    const config: Record<string, string> = {};
    req.getConfigMap().forEach((v: string, k: string) => (config[k] = v));
    const spec: RunSpec = {
      monitor: req.getMonitorAddress(),
      engine: engineAddress,
      organization: req.getOrganization(),
      project: req.getProject(),
      stack: req.getStack(),
      rootDirectory: info?.getRootDirectory() ?? "",
      programDirectory: dir,
      entryPoint: info?.getEntryPoint() || req.getProgram() || ".",
      dryRun: req.getDryrun(),
      parallel: req.getParallel(),
      tracing: args.tracing,
      args: req.getArgsList(),
      config,
      configSecretKeys: req.getConfigsecretkeysList(),
      options: runtimeOptions(info?.getOptions()?.toJavaScript()),
    };
    let runPath: string;
    try {
      runPath = runPathFrom(dir);
    } catch (e) {
      const resp = new langproto.RunResponse();
      resp.setError((e as Error).message);
      callback(null, resp);
      return;
    }
    const child = spawn(process.execPath, nodeArguments(spec, runPath), {
      cwd: dir,
      env: { ...process.env, ...programEnv(spec) },
      stdio: ["ignore", "inherit", "inherit"],
    });
    running.add(child);
    let done = false;
    const finish = (error: string, bail: boolean) => {
      if (done) return;
      done = true;
      running.delete(child);
      const resp = new langproto.RunResponse();
      resp.setError(error);
      resp.setBail(bail);
      callback(null, resp);
    };
    child.on("error", (e) => finish(`Problem executing program (could not run language executor): ${e.message}`, false));
    child.on("exit", (code, signal) => {
      const r = runResult(code, signal);
      finish(r.error, r.bail);
    });
  },
  installDependencies(call: any) {
    const req = call.request;
    const dir = req.getInfo()?.getProgramDirectory() || req.getDirectory() || process.cwd();
    const pm = runtimeOptions(req.getInfo()?.getOptions()?.toJavaScript()).packagemanager ?? (existsSync(path.join(dir, "yarn.lock")) ? "yarn" : existsSync(path.join(dir, "pnpm-lock.yaml")) ? "pnpm" : "npm");
    const child = spawn(pm, ["install"], { cwd: dir, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    const send = (kind: "stdout" | "stderr") => (chunk: Buffer) => {
      const r = new langproto.InstallDependenciesResponse();
      if (kind === "stdout") r.setStdout(chunk);
      else r.setStderr(chunk);
      call.write(r);
    };
    child.stdout.on("data", send("stdout"));
    child.stderr.on("data", send("stderr"));
    child.on("error", (e) => call.destroy({ code: grpc.status.UNKNOWN, details: `${pm} install: ${e.message}` }));
    child.on("exit", (code) => {
      if (code === 0) call.end();
      else call.destroy({ code: grpc.status.UNKNOWN, details: `${pm} install failed with exit code ${code}` });
    });
  },
  runtimeOptionsPrompts(_call: any, callback: Callback) {
    const resp = new langproto.RuntimeOptionsResponse();
    resp.setPromptsList([]);
    callback(null, resp);
  },
  about(_call: any, callback: Callback) {
    const resp = new langproto.AboutResponse();
    resp.setExecutable(process.execPath);
    resp.setVersion(process.version);
    resp.getMetadataMap().set("host", `pulumi-openbsd language host ${VERSION}`);
    callback(null, resp);
  },
  getProgramDependencies(call: any, callback: Callback) {
    try {
      const resp = new langproto.GetProgramDependenciesResponse();
      resp.setDependenciesList(
        programDependencies(programDirOf(call.request)).map((d) => {
          const i = new langproto.DependencyInfo();
          i.setName(d.name);
          i.setVersion(d.version);
          return i;
        }),
      );
      callback(null, resp);
    } catch (e) {
      fail(callback, e);
    }
  },
  /** `pulumi import`'s code generation: PCL in (file name → text), `index.ts` out; errors come back as one diagnostic. */
  generateProgram(call: any, callback: Callback) {
    const req = call.request;
    const resp = new langproto.GenerateProgramResponse();
    try {
      const source: Record<string, string> = {};
      req.getSourceMap().forEach((text: string, file: string) => (source[file] = text));
      resp.getSourceMap().set("index.ts", Buffer.from(generateProgram(source), "utf8"));
    } catch (e) {
      const d = new codegenproto.Diagnostic();
      d.setSeverity(codegenproto.DiagnosticSeverity.DIAG_ERROR);
      d.setSummary(e instanceof Error ? e.message : String(e));
      resp.setDiagnosticsList([d]);
    }
    callback(null, resp);
  },
  cancel(_call: any, callback: Callback) {
    // The engine cancels the deployment through the resource monitor; programs exit on their own.
    callback(null, new emptyproto.Empty());
  },
};

const srv = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
srv.addService(langrpc.LanguageRuntimeService, server as any);
srv.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`pulumi-language-nodejs: could not start the language host RPC server: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    for (const c of running) c.kill(sig);
    srv.forceShutdown();
    process.exit(0);
  });
