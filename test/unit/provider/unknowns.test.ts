/**
 * Inputs not known yet at preview (providers/unknowns.ts), as the engine sends them to Check and Diff: the checks
 * that need them wait for up, the others still run, and the unknown parts come back as they came (Check) or as
 * changes (Diff).
 */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { diffInputs, gatewayConfig, validate } from "../../../providers/resources/gateway-config";
import { localFile } from "../../../providers/resources/local-file";
import { secret } from "../../../providers/secrets";
import { UNKNOWN } from "../../../providers/unknowns";
import { gwState } from "../../provider/fixtures";
import { TEST_PRIVATE_KEY } from "../../support/ssh-key";
import { ROOT } from "../../support/env";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXB";
const conn = { host: "192.0.2.153", privateKey: TEST_PRIVATE_KEY, hostKey: KEY };
const URN = "urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1";
const check = (news: unknown) => gatewayConfig.check!(URN, {}, news);
const reasons = (r: { failures?: { reason: string }[] }) => (r.failures ?? []).map((f) => f.reason);

describe("the unknown value", () => {
  it("is the SDK's runtime unknownValue, in both supported SDKs", () => {
    const sdks = [`${ROOT}/node_modules/@pulumi/pulumi`, `${ROOT}/.tools/matrix/node20/node_modules/@pulumi/pulumi`, "/work/main/.tools/matrix/node20/node_modules/@pulumi/pulumi"];
    const found = sdks.filter((d) => existsSync(`${d}/runtime/rpc.js`));
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) expect(createRequire(import.meta.url)(`${d}/runtime/rpc.js`).unknownValue).toBe(UNKNOWN);
  });
});

describe("GatewayConfig check with unknown inputs", () => {
  it("a whole state unknown (a PSK from another resource) passes and goes back unknown", async () => {
    const r = await check({ connection: conn, state: UNKNOWN });
    expect(reasons(r)).toEqual([]);
    expect((r.inputs as { state: unknown }).state).toBe(UNKNOWN);
  });
  it("a secret unknown (state, private key) passes and stays as it came", async () => {
    const r = await check({ connection: { ...conn, privateKey: secret(UNKNOWN) }, state: secret(UNKNOWN), rollbackSeconds: UNKNOWN });
    expect(reasons(r)).toEqual([]);
    expect(r.inputs).toEqual({ connection: { ...conn, privateKey: secret(UNKNOWN) }, state: secret(UNKNOWN), rollbackSeconds: UNKNOWN });
  });
  it("the checks that do not read the unknown still run", async () => {
    const r = await check({ connection: { ...conn, host: "bad host", privateKey: UNKNOWN }, state: UNKNOWN, rollbackSeconds: 3 });
    expect(reasons(r)).toEqual(["connection.host: `bad host`: not a host name or address; give e.g. `192.0.2.153` or `gw1.example.org`", "rollbackSeconds: `3` must be a whole number of seconds from 5 to 3600 (default 60)"]);
  });
  it("a state with unknown parts: the known items are checked, the references into unknown ones wait", () => {
    const s = gwState("gw1");
    s.files["/etc/x"] = { content: UNKNOWN, mode: "rw", owner: "root", group: "wheel", check: "none" };
    (s.files as Record<string, unknown>)["/etc/hostname.gif0"] = UNKNOWN;
    s.interfaces.push("gif0", UNKNOWN, "gif1");
    s.sysctls["net.inet.gre.allow"] = UNKNOWN;
    expect(validate({ connection: { ...conn, hostKey: UNKNOWN }, state: s }).map((x) => x.reason)).toEqual([
      'state.files["/etc/x"].mode: `rw` is not an octal mode; give e.g. 0600',
      "state.interfaces: `gif1` has no /etc/hostname.gif1 in state.files",
    ]);
    expect(validate({ connection: conn, state: { ...s, files: UNKNOWN as never } }).map((x) => x.reason)).toEqual([]);
  });
  it("once known (at up) the same values are refused", () => {
    expect(validate({ connection: conn, state: "not a state" as never }).map((x) => x.reason)).toEqual(["state: missing; give a HostState"]);
  });
});

describe("GatewayConfig diff with unknown inputs (preview of an update)", () => {
  const olds = { connection: conn, state: gwState("gw1") };
  it("an unknown state is one update of `state`", () => {
    expect(diffInputs(olds, { connection: conn, state: UNKNOWN as never })).toEqual({ changes: true, replaces: [], detailedDiff: { state: { kind: "update" } } });
  });
  it("an unknown host may be another host: an update of it (a connection is never replaced); an unknown key an update", () => {
    expect(diffInputs(olds, { connection: { ...conn, host: UNKNOWN }, state: gwState("gw1") })).toEqual({ changes: true, replaces: [], detailedDiff: { "connection.host": { kind: "update" } } });
    expect(diffInputs(olds, { connection: UNKNOWN as never, state: gwState("gw1") })).toEqual({ changes: true, replaces: [], detailedDiff: { "connection.host": { kind: "update" } } });
    expect(diffInputs(olds, { connection: { ...conn, privateKey: UNKNOWN }, state: gwState("gw1"), rollbackSeconds: UNKNOWN as never }).detailedDiff).toEqual({
      "connection.privateKey": { kind: "update" },
      rollbackSeconds: { kind: "update" },
    });
  });
  it("through the provider's diff, a secret unknown state too", async () => {
    const d = await gatewayConfig.diff!("192.0.2.153", URN, olds, { connection: conn, state: secret(UNKNOWN) });
    expect(d).toEqual({ changes: true, replaces: [], detailedDiff: { state: { kind: "update" } } });
  });
});

describe("LocalFile with unknown inputs", () => {
  it("an unknown path or content passes check; a known bad path is still refused", async () => {
    const urn = "urn:pulumi:dev::vpn::openbsd:index:LocalFile::f";
    expect((await localFile.check!(urn, {}, { path: UNKNOWN, content: secret(UNKNOWN) })).failures).toEqual([]);
    expect(reasons(await localFile.check!(urn, {}, { path: "rel", content: UNKNOWN }))).toEqual(["path: `rel` is not an absolute path; give a path starting with /"]);
  });
  it("an unknown path replaces, unknown content updates", async () => {
    const d = await localFile.diff!("/tmp/f", "urn", { path: "/tmp/f", content: "x" }, { path: UNKNOWN, content: UNKNOWN });
    expect(d).toEqual({ changes: true, replaces: ["path"], detailedDiff: { path: { kind: "update-replace" }, content: { kind: "update" } } });
  });
});
