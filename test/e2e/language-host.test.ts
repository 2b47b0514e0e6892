/**
 * The language host stand-ins (where no Pulumi `pulumi-language-nodejs` exists): the Go one setup builds
 * (tools/language-host/go, what the engine starts here) and the Node.js one it falls back to (tools/language-host)
 * answer the engine alike, spoken to over gRPC as the engine does: the same plugins found in the same node_modules,
 * the same program start (`node` arguments, environment, working folder), the same reading of the exit status, the
 * same code for `pulumi import`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineEnv, ROOT, TOOLS_BIN } from "../support/env";
import { startPlugin } from "../support/plugin-process";

const sdkRequire = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/package.json"));
const grpc = sdkRequire("@grpc/grpc-js");
const langrpc = sdkRequire("./proto/language_grpc_pb.js");
const langproto = sdkRequire("./proto/language_pb.js");
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb.js");
const emptyproto = sdkRequire("google-protobuf/google/protobuf/empty_pb.js");

const hasGo = spawnSync("go", ["version"]).status === 0;
const GO_HOST = path.join(ROOT, ".tools", "language-host", "pulumi-language-nodejs");
const NODE_HOST = path.join(ROOT, "tools", "language-host", "pulumi-language-nodejs");
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

const dir = mkdtempSync(path.join(os.tmpdir(), "pob-langhost-"));
/** The program folder: a package.json and a node_modules with plugins where Pulumi's host looks for them. */
const prog = path.join(dir, "prog");
/** Where the recording stand-in for cmd/run writes what it was started with. */
const record = path.join(dir, "record.json");

interface Host { name: string; proc: ChildProcess; client: any }
const hosts: Host[] = [];

function pkg(at: string, json: Record<string, unknown>): void {
  mkdirSync(at, { recursive: true });
  writeFileSync(path.join(at, "package.json"), JSON.stringify(json));
}

async function start(name: string, file: string): Promise<Host> {
  const env = { ...engineEnv(), PULUMI_LANGUAGE_NODEJS_RUN_PATH: path.join(dir, "run.js") };
  const { proc, port } = await startPlugin(file, ["--logtostderr", "-v=0", "127.0.0.1:1"], env, name);
  return { name, proc, client: new langrpc.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) };
}

function rpc<T = any>(h: Host, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => h.client[method](req, (err: any, resp: T) => (err ? reject(new Error(`${h.name}: ${err.details ?? String(err)}`)) : resolve(resp))));
}

/** Each host's answer to the same request, as plain objects: the first host's twice when it stands in alone. */
async function both(method: string, req: () => unknown): Promise<[any, any]> {
  const answers = await Promise.all(hosts.map(async (h) => (await rpc(h, method, req())).toObject()));
  return [answers[0], answers[answers.length - 1]];
}

function programInfo(options: Record<string, unknown> = {}): any {
  const info = new langproto.ProgramInfo();
  info.setRootDirectory(dir);
  info.setProgramDirectory(prog);
  info.setEntryPoint(".");
  info.setOptions(structproto.Struct.fromJavaScript(options));
  return info;
}

/** A request of type `Request` about the program folder (its ProgramInfo). */
const aboutProgram = (Request: new () => any) => () => {
  const r = new Request();
  r.setInfo(programInfo());
  return r;
};

beforeAll(async () => {
  pkg(prog, { name: "prog", dependencies: { "pulumi-openbsd": "^0.1.0", "@pulumi/aws": "^6" }, devDependencies: { typescript: "^5" } });
  pkg(path.join(prog, "node_modules", "pulumi-openbsd"), { name: "pulumi-openbsd", version: "0.1.0", pulumi: { resource: true, name: "openbsd" } });
  pkg(path.join(prog, "node_modules", "@pulumi", "aws"), { name: "@pulumi/aws", version: "6.1.0", pulumi: { resource: true, server: "https://example.invalid" } });
  pkg(path.join(prog, "node_modules", "@pulumi", "aws", "node_modules", "@scope", "nested"), { name: "@scope/nested", version: "v2.0.0", pulumi: { resource: true } });
  pkg(path.join(prog, "node_modules", "typescript"), { name: "typescript", version: "5.9.3" });
  pkg(path.join(prog, "node_modules", "noversion"), { name: "noversion", pulumi: { resource: true } });
  pkg(path.join(dir, "elsewhere", "linked"), { name: "linked", version: "1.2.3", pulumi: { resource: true } });
  symlinkSync(path.join(dir, "elsewhere", "linked"), path.join(prog, "node_modules", "linked"));
  writeFileSync(path.join(prog, "node_modules", ".hidden"), "");
  // cmd/run's stand-in: writes its arguments, folder and Pulumi's variables, then exits as the program asks
  writeFileSync(
    path.join(dir, "run.js"),
    `const fs = require("fs");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^PULUMI_(CONFIG|CONFIG_SECRET_KEYS|NODEJS_TYPESCRIPT|NODEJS_TSCONFIG_PATH)$/.test(k)));
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env }));
const exit = JSON.parse(process.env.PULUMI_CONFIG)["prog:exit"];
if (exit === "signal") process.kill(process.pid, "SIGKILL");
process.exit(Number(exit));
`,
  );
  // setup builds the Go one wherever Go is at hand (scripts/language-host.sh); without Go only the Node.js one stands
  // in, and is held to the same expectations alone
  if (hasGo) expect(existsSync(GO_HOST), `${GO_HOST}: scripts/language-host.sh builds it where Go is at hand (setup)`).toBe(true);
  if (existsSync(GO_HOST)) hosts.push(await start("go", GO_HOST));
  hosts.push(await start("node", NODE_HOST));
});

afterAll(() => {
  for (const h of hosts) {
    h.client.close();
    h.proc.kill();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("the Go and the Node.js language host stand-ins answer alike", () => {
  it("what .tools/bin holds for the engine: a real host where one exists, else the Go stand-in (it starts in milliseconds), else the Node.js one", () => {
    const installed = path.join(TOOLS_BIN, "pulumi-language-nodejs");
    const digest = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
    const real = lstatSync(installed).isSymbolicLink() ? realpathSync(installed) : undefined;
    if (real !== undefined) expect([GO_HOST, NODE_HOST].filter((f) => existsSync(f)).map((f) => realpathSync(f))).not.toContain(real);
    else if (existsSync(GO_HOST)) expect(digest(installed)).toBe(digest(GO_HOST));
    else expect(readFileSync(installed, "utf8")).toContain(NODE_HOST);
  });

  it("plugin info: the package's version", async () => {
    const [go, node] = await both("getPluginInfo", () => new emptyproto.Empty());
    expect(go).toEqual(node);
    expect(go.version).toBe(VERSION);
  });

  it("required plugins and packages: the resource plugins under node_modules, scoped, nested and linked ones included", async () => {
    const byName = (l: { name: string }[]) => [...l].sort((a, b) => a.name.localeCompare(b.name));
    const [go, node] = await both("getRequiredPlugins", aboutProgram(langproto.GetRequiredPluginsRequest));
    expect(byName(go.pluginsList)).toEqual(byName(node.pluginsList));
    expect(byName(go.pluginsList).map((p: any) => `${p.name} ${p.kind} ${p.version} ${p.server}`)).toEqual([
      "aws resource v6.1.0 https://example.invalid",
      "linked resource v1.2.3 ",
      "openbsd resource v0.1.0 ",
      "scope/nested resource v2.0.0 ",
    ]);
    const [gp, np] = await both("getRequiredPackages", aboutProgram(langproto.GetRequiredPackagesRequest));
    expect(byName(gp.packagesList)).toEqual(byName(np.packagesList));
    expect(gp.packagesList.map((p: any) => p.name).sort()).toEqual(["aws", "linked", "openbsd", "scope/nested"]);
  });

  it("program dependencies: the declared ones with the versions installed", async () => {
    const [go, node] = await both("getProgramDependencies", aboutProgram(langproto.GetProgramDependenciesRequest));
    expect(go).toEqual(node);
    expect(go.dependenciesList).toEqual([
      { name: "@pulumi/aws", version: "6.1.0" },
      { name: "pulumi-openbsd", version: "0.1.0" },
      { name: "typescript", version: "5.9.3" },
    ]);
  });

  const runRequest = (exit: string, options: Record<string, unknown> = {}) => () => {
    const r = new langproto.RunRequest();
    r.setInfo(programInfo(options));
    r.setMonitorAddress("127.0.0.1:4000");
    r.setOrganization("organization");
    r.setProject("prog");
    r.setStack("dev");
    r.setDryrun(true);
    r.setParallel(16);
    r.setArgsList(["x", "y"]);
    r.getConfigMap().set("prog:exit", exit);
    r.getConfigMap().set("prog:psk", "s3cret");
    r.setConfigsecretkeysList(["prog:psk"]);
    return r;
  };
  /** Runs the request on each host in turn; returns each host's response and what the program was started with. */
  /** Each host's response and start, the first host's twice when it stands in alone (as {@link both}). */
  async function runOnEach(req: () => unknown): Promise<{ resp: any; started: any }[]> {
    const out: { resp: any; started: any }[] = [];
    for (const h of hosts) {
      rmSync(record, { force: true });
      const resp = (await rpc(h, "run", req())).toObject();
      out.push({ resp, started: existsSync(record) ? JSON.parse(readFileSync(record, "utf8")) : undefined });
    }
    return [out[0]!, out[out.length - 1]!];
  }

  it("run: the program starts with cmd/run's arguments, in its folder, with the config, its secret keys and TypeScript on", async () => {
    const [go, node] = await runOnEach(runRequest("0"));
    expect(go).toEqual(node);
    expect(go!.resp).toEqual({ error: "", bail: false });
    expect(go!.started.argv).toEqual([
      "--monitor", "127.0.0.1:4000", "--engine", "127.0.0.1:1", "--organization", "organization", "--project", "prog",
      "--root-directory", dir, "--stack", "dev", "--pwd", prog, "--dry-run", "--parallel", "16", ".", "x", "y",
    ]);
    expect(realpathSync(go!.started.cwd)).toBe(realpathSync(prog));
    expect(go!.started.env).toEqual({
      PULUMI_CONFIG: JSON.stringify({ "prog:exit": "0", "prog:psk": "s3cret" }),
      PULUMI_CONFIG_SECRET_KEYS: '["prog:psk"]',
      PULUMI_NODEJS_TYPESCRIPT: "true",
    });
  });

  it("run: the runtime options typescript, tsconfig and nodeargs", async () => {
    const [go, node] = await runOnEach(runRequest("0", { typescript: false, tsconfig: "tsconfig.pulumi.json", nodeargs: "--no-warnings  --stack-size=2000" }));
    expect(go).toEqual(node);
    expect(go!.started.env.PULUMI_NODEJS_TYPESCRIPT).toBeUndefined();
    expect(go!.started.env.PULUMI_NODEJS_TSCONFIG_PATH).toBe("tsconfig.pulumi.json");
  });

  it("run: a failed program is an error, exit status 32 (cmd/run has shown the error) a bail, a killed one names its signal", async () => {
    const [go3, node3] = await runOnEach(runRequest("3"));
    expect(go3!.resp).toEqual(node3!.resp);
    expect(go3!.resp).toEqual({ error: "Program exited with non-zero exit code: 3", bail: false });
    const [go32, node32] = await runOnEach(runRequest("32"));
    expect(go32!.resp).toEqual(node32!.resp);
    expect(go32!.resp).toEqual({ error: "", bail: true });
    const [gok, nodek] = await runOnEach(runRequest("signal"));
    expect(gok!.resp).toEqual(nodek!.resp);
    expect(gok!.resp).toEqual({ error: "Program exited unexpectedly: signal: SIGKILL", bail: false });
  });

  it("`pulumi import`'s code generation: the same program from the same PCL, the same one diagnostic for PCL it cannot read", async () => {
    const captured = readFileSync(path.join(ROOT, "test/fixtures/pcl/import-gateway-config.pp"), "utf8");
    const generate = (text: string) => () => {
      const r = new langproto.GenerateProgramRequest();
      r.getSourceMap().set("main.pp", text);
      return r;
    };
    const source = (o: any) => Object.fromEntries(o.sourceMap.map(([k, v]: [string, string]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    const [go, node] = await both("generateProgram", generate(captured));
    expect(source(go)).toEqual(source(node));
    expect(source(go)["index.ts"]).toContain('const gw1 = new openbsd.GatewayConfig("gw1", {');
    expect(go.diagnosticsList).toEqual([]);
    const [gbad, nbad] = await both("generateProgram", generate('resource gw1 "openbsd:index:GatewayConfig" {\n  connection = {\n'));
    expect(gbad).toEqual(nbad);
    expect(gbad.diagnosticsList).toHaveLength(1);
    expect(gbad.sourceMap).toEqual([]);
  });
});
