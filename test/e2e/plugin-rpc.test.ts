/**
 * The `pulumi-resource-openbsd` plugin as the engine starts it (the launcher in providers/bin, `node` from
 * PATH, the `@pulumi/pulumi` installed beside the package), spoken to over gRPC as the engine does: the
 * versions it runs on, a detailed diff in the Diff response, an import Read (no properties) that reaches the
 * provider, CheckConfig answered with the private key a secret. The same file runs on each combination of the
 * support matrix (README, "Supported versions"); scripts/matrix.sh sets PULUMI_OPENBSD_EXPECT_{NODE,SDK,CLI} to
 * what its combination must be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineEnv, PROVIDER_DIR, ROOT, TOOLS_BIN } from "../support/env";
import { startPlugin } from "../support/plugin-process";
import { TEST_PRIVATE_KEY } from "../support/ssh-key";

const sdkRequire = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/package.json"));
const grpc = sdkRequire("@grpc/grpc-js");
const provrpc = sdkRequire("./proto/provider_grpc_pb.js");
const provproto = sdkRequire("./proto/provider_pb.js");
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb.js");
const emptyproto = sdkRequire("google-protobuf/google/protobuf/empty_pb.js");

const expectNode = process.env.PULUMI_OPENBSD_EXPECT_NODE;
const expectSdk = process.env.PULUMI_OPENBSD_EXPECT_SDK;
const expectCli = process.env.PULUMI_OPENBSD_EXPECT_CLI;

const env = engineEnv();
const dir = mkdtempSync(path.join(os.tmpdir(), "pob-rpc-"));
let plugin: ChildProcess;
let client: any;
let stderr: () => string = () => "";

function rpc<T>(method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: any, resp: T) => (err ? reject(new Error(err.details ?? String(err))) : resolve(resp))));
}

/** The first `node` on the PATH the engine hands to the plugin. */
function nodeOnPath(): string {
  for (const d of (env.PATH ?? "").split(":")) if (d && existsSync(path.join(d, "node"))) return realpathSync(path.join(d, "node"));
  throw new Error("no node on PATH");
}

beforeAll(async () => {
  // as the engine starts it: the plugin file, the engine's address as the argument, port on stdout
  const started = await startPlugin(path.join(PROVIDER_DIR, "pulumi-resource-openbsd"), ["127.0.0.1:1"], env);
  plugin = started.proc;
  stderr = started.stderr;
  const port = started.port;
  client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  plugin?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("the plugin process on this combination", () => {
  it("runs on the node first on PATH, with the @pulumi/pulumi installed beside the package, driven by the expected CLI", () => {
    const exe = realpathSync(readlinkSync(`/proc/${plugin.pid}/exe`));
    expect(exe).toBe(nodeOnPath());
    const version = execFileSync(exe, ["--version"], { encoding: "utf8" }).trim();
    // the test process runs on the same node and the same SDK (scripts/matrix.sh runs vitest with it)
    expect(version).toBe(process.version);
    const pluginSdk = createRequire(path.join(ROOT, "providers", "main.ts"))("@pulumi/pulumi/package.json").version;
    expect(pluginSdk).toBe(sdkRequire("./package.json").version);
    const cli = execFileSync(path.join(TOOLS_BIN, "pulumi"), ["version"], { encoding: "utf8", env }).trim();
    if (expectNode) expect(version).toMatch(new RegExp(`^v${expectNode}\\.`));
    if (expectSdk) expect(pluginSdk).toBe(expectSdk);
    if (expectCli) expect(cli).toBe(`v${expectCli}`);
    else expect(cli).toMatch(/^v3\.\d+\.\d+/);
  });

  it("GetPluginInfo answers the provider version", async () => {
    const info: any = await rpc("getPluginInfo", new emptyproto.Empty());
    expect(info.getVersion()).toBe("0.1.0");
  });

  it("Diff of a LocalFile answers the detailed diff: content updated in place, a new path replaces", async () => {
    const req = new provproto.DiffRequest();
    req.setId("/tmp/x");
    req.setUrn("urn:pulumi:s::p::openbsd:index:LocalFile::motd");
    req.setOlds(structproto.Struct.fromJavaScript({ path: "/tmp/x", content: "a\n" }));
    req.setNews(structproto.Struct.fromJavaScript({ path: "/tmp/x", content: "b\n" }));
    const d: any = await rpc("diff", req);
    expect(d.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(d.getHasdetaileddiff()).toBe(true);
    expect(d.getDiffsList()).toEqual(["content"]);
    expect(d.getDetaileddiffMap().get("content").getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE);
    expect(d.getReplacesList()).toEqual([]);

    req.setNews(structproto.Struct.fromJavaScript({ path: "/tmp/y", content: "a\n" }));
    const r: any = await rpc("diff", req);
    expect(r.getReplacesList()).toEqual(["path"]);
    expect(r.getDetaileddiffMap().get("path").getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE_REPLACE);

    req.setNews(structproto.Struct.fromJavaScript({ path: "/tmp/x", content: "a\n" }));
    const same: any = await rpc("diff", req);
    expect(same.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
  });

  it("Read of an import (no properties, as the engine sends it) reads the file in; a gone file answers no id", async () => {
    const f = path.join(dir, "existing");
    writeFileSync(f, "already here\n");
    const req = new provproto.ReadRequest();
    req.setId(f);
    req.setUrn("urn:pulumi:s::p::openbsd:index:LocalFile::existing");
    const r: any = await rpc("read", req);
    expect(r.getId()).toBe(f);
    expect(r.getProperties().toJavaScript()).toEqual({ path: f, content: "already here\n" });
    expect(r.getInputs().toJavaScript()).toEqual({ path: f, content: "already here\n" });
    req.setId(path.join(dir, "gone"));
    expect(((await rpc("read", req)) as any).getId()).toBe("");
  });

  it("Read of a GatewayConfig import without openbsd:privateKey fails naming the config key, before any SSH", async () => {
    const req = new provproto.ReadRequest();
    req.setId("root@192.0.2.153:22 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
    req.setUrn("urn:pulumi:s::p::openbsd:index:GatewayConfig::gw1");
    await expect(rpc("read", req)).rejects.toThrow("the provider configuration `openbsd:privateKey` is not set.");
  });

  it("CheckConfig answers the configuration with openbsd:privateKey a secret (the SDK's own server answers UNIMPLEMENTED)", async () => {
    const req = new provproto.CheckRequest();
    req.setUrn("urn:pulumi:s::p::pulumi:providers:openbsd::default");
    req.setNews(structproto.Struct.fromJavaScript({ privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n", version: "0.1.0" }));
    const r: any = await rpc("checkConfig", req);
    expect(r.getInputs().toJavaScript()).toEqual({
      privateKey: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n" },
      version: "0.1.0",
    });
  });

  it("Check and Diff of a GatewayConfig whose state is unknown (preview): no failure, the unknown returned, one update of `state`", async () => {
    // the value the engine sends for an input not known yet, as this SDK names it
    const unknown: string = sdkRequire("./runtime/rpc.js").unknownValue;
    const urn = "urn:pulumi:s::p::openbsd:index:Gateway$openbsd:index:GatewayConfig::gw1";
    const connection = { host: "192.0.2.153", privateKey: TEST_PRIVATE_KEY, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" };
    const check = new provproto.CheckRequest();
    check.setUrn(urn);
    check.setOlds(structproto.Struct.fromJavaScript({}));
    check.setNews(structproto.Struct.fromJavaScript({ connection, state: unknown }));
    const c: any = await rpc("check", check);
    expect(c.getFailuresList().map((f: any) => f.getReason())).toEqual([]);
    expect(c.getInputs().toJavaScript().state).toBe(unknown);

    const diff = new provproto.DiffRequest();
    diff.setId("192.0.2.153");
    diff.setUrn(urn);
    diff.setOlds(structproto.Struct.fromJavaScript({ connection, state: { files: {}, sysctls: {}, services: {}, interfaces: [], anchors: {}, ipsec: { daemon: "none" } } }));
    diff.setNews(structproto.Struct.fromJavaScript({ connection, state: unknown }));
    const d: any = await rpc("diff", diff);
    expect(d.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect([...d.getDetaileddiffMap().keys()]).toEqual(["state"]);
    expect(d.getReplacesList()).toEqual([]);
  });

  it("wrote nothing to stderr (the probe of the SDK's handlers is silent)", () => {
    expect(stderr()).toBe("");
  });
});
