/**
 * The language host's stand-in starts programs as Pulumi's Go host does: the same `node cmd/run`
 * arguments, the same environment, the same reading of the exit status; plugins found as it finds them.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { nodeArguments, programEnv, runResult, runtimeOptions, type RunSpec } from "../../../tools/language-host/run";
import { pluginOf, programDependencies, requiredPlugins } from "../../../tools/language-host/packages";
import { parseArgs } from "../../../tools/language-host/args";

const spec: RunSpec = {
  monitor: "127.0.0.1:4000",
  engine: "127.0.0.1:4001",
  organization: "organization",
  project: "vpn",
  stack: "dev",
  rootDirectory: "/p",
  programDirectory: "/p/src",
  entryPoint: ".",
  dryRun: true,
  parallel: 16,
  tracing: "",
  args: ["x"],
  config: { "vpn:psk": "s3cret", "openbsd:privateKey": "k" },
  configSecretKeys: ["vpn:psk"],
  options: {},
};

describe("language host: the program's command line and environment", () => {
  it("passes the Go host's flags to cmd/run, then the entry point and the program's arguments", () => {
    expect(nodeArguments(spec, "/n/@pulumi/pulumi/cmd/run/index.js")).toEqual([
      "/n/@pulumi/pulumi/cmd/run/index.js",
      "--monitor", "127.0.0.1:4000",
      "--engine", "127.0.0.1:4001",
      "--organization", "organization",
      "--project", "vpn",
      "--root-directory", "/p",
      "--stack", "dev",
      "--pwd", "/p/src",
      "--dry-run",
      "--parallel", "16",
      ".",
      "x",
    ]);
  });
  it("puts runtime.options.nodeargs before cmd/run, omits empty flags and --dry-run on an update", () => {
    const args = nodeArguments({ ...spec, dryRun: false, organization: "", tracing: "http://t", options: { nodeargs: " --max-old-space-size=4096  --trace-warnings " }, entryPoint: "main.ts", args: [] }, "/run");
    expect(args).toEqual(["--max-old-space-size=4096", "--trace-warnings", "/run", "--monitor", "127.0.0.1:4000", "--engine", "127.0.0.1:4001", "--project", "vpn", "--root-directory", "/p", "--stack", "dev", "--pwd", "/p/src", "--parallel", "16", "--tracing", "http://t", "main.ts"]);
  });
  it("sets PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS and TypeScript unless runtime.options.typescript is false", () => {
    expect(programEnv(spec)).toEqual({
      PULUMI_CONFIG: '{"vpn:psk":"s3cret","openbsd:privateKey":"k"}',
      PULUMI_CONFIG_SECRET_KEYS: '["vpn:psk"]',
      PULUMI_NODEJS_TYPESCRIPT: "true",
    });
    expect(programEnv({ ...spec, options: runtimeOptions({ typescript: false, tsconfig: "tsconfig.pulumi.json" }) })).toEqual({
      PULUMI_CONFIG: '{"vpn:psk":"s3cret","openbsd:privateKey":"k"}',
      PULUMI_CONFIG_SECRET_KEYS: '["vpn:psk"]',
      PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json",
    });
  });
  it("reads the exit status as the Go host: 0 ok, 32 bail (the user already saw the error), else an error", () => {
    expect(runResult(0, null)).toEqual({ error: "", bail: false });
    expect(runResult(32, null)).toEqual({ error: "", bail: true });
    expect(runResult(1, null)).toEqual({ error: "Program exited with non-zero exit code: 1", bail: false });
    expect(runResult(null, "SIGKILL")).toEqual({ error: "Program exited unexpectedly: signal: SIGKILL", bail: false });
  });
  it("parses the engine's Go-style flags and takes the engine address last", () => {
    expect(parseArgs(["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:9"])).toEqual({ engine: "127.0.0.1:9", tracing: "http://t" });
    expect(parseArgs(["-tracing=http://u", "-root", "/p", "127.0.0.1:9"])).toEqual({ engine: "127.0.0.1:9", tracing: "http://u" });
    expect(parseArgs([])).toEqual({ engine: "", tracing: "" });
  });
});

describe("language host: plugins and dependencies of a program folder", () => {
  it("names a plugin as the Go host does: @pulumi/ dropped, pulumi.name wins, version with v", () => {
    expect(pluginOf({ name: "@pulumi/command", version: "1.2.1", pulumi: { resource: true } })).toEqual({ name: "command", kind: "resource", version: "v1.2.1", server: "" });
    expect(pluginOf({ name: "@acme/x", version: "2.0.0", pulumi: { resource: true, server: "https://s" } })).toEqual({ name: "acme/x", kind: "resource", version: "v2.0.0", server: "https://s" });
    expect(pluginOf({ name: "y", version: "1.0.0", pulumi: { resource: true, name: "why", version: "v3.0.0" } })).toEqual({ name: "why", kind: "resource", version: "v3.0.0", server: "" });
    expect(pluginOf({ name: "@pulumi/pulumi", version: "3.248.0" })).toBeUndefined();
  });
  it("walks node_modules (scoped, nested, symlinked, cycles) and lists direct dependencies with installed versions", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "langhost-"));
    const pkg = (rel: string, json: object) => {
      mkdirSync(path.join(dir, rel), { recursive: true });
      writeFileSync(path.join(dir, rel, "package.json"), JSON.stringify(json));
    };
    pkg(".", { name: "prog", dependencies: { "@pulumi/command": "^1", linked: "file:linked" }, devDependencies: { typescript: "^5" } });
    pkg("node_modules/@pulumi/command", { name: "@pulumi/command", version: "1.2.1", pulumi: { resource: true } });
    pkg("node_modules/@pulumi/command/node_modules/inner", { name: "inner", version: "0.1.0", pulumi: { resource: true } });
    pkg("node_modules/typescript", { name: "typescript", version: "5.9.3" });
    pkg("linked", { name: "linked", version: "1.0.0" });
    symlinkSync(path.join(dir, "linked"), path.join(dir, "node_modules", "linked"));
    symlinkSync(dir, path.join(dir, "linked", "loop"));
    mkdirSync(path.join(dir, "linked", "node_modules"));
    symlinkSync(dir, path.join(dir, "linked", "node_modules", "prog"));
    expect(requiredPlugins(dir).map((p) => `${p.name}@${p.version}`).sort()).toEqual(["command@v1.2.1", "inner@v0.1.0"]);
    expect(programDependencies(dir)).toEqual([
      { name: "@pulumi/command", version: "1.2.1" },
      { name: "linked", version: "1.0.0" },
      { name: "typescript", version: "5.9.3" },
    ]);
  });
});
