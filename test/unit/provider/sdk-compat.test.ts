/**
 * The probe of `@pulumi/pulumi/provider`'s server (providers/sdk-compat.ts) against the SDK installed here
 * (3.248.0 in `npm test`, the newest 3.x in the support matrix, scripts/matrix.sh), and the handlers that
 * stand in for the SDK's: a detailed diff reaches the response, an import read reaches the provider.
 */
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import * as provider from "@pulumi/pulumi/provider";
import { checkConfigHandler, choose, diffHandler, probeSdkServer, readHandler, SDK_VERSION } from "../../../providers/sdk-compat";
import { checkProviderConfig } from "../../../providers/config";
import { isSecret, secret } from "../../../providers/secrets";
import type { ResourceProvider } from "../../../providers/resources/types";

const sdkRequire = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/package.json"));
const grpc = sdkRequire("@grpc/grpc-js");
const provproto = sdkRequire("./proto/provider_pb.js");
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb.js");

/** The SDK's (unexported) provider Server prototype, taken from main()'s registration before it binds a port. */
async function sdkServerPrototype(): Promise<any> {
  const addService = grpc.Server.prototype.addService;
  let proto: any;
  grpc.Server.prototype.addService = function (_s: unknown, impl: object) {
    proto = Object.getPrototypeOf(impl);
    throw new Error("captured");
  };
  try {
    await provider.main({ version: "0" }, []).catch(() => undefined);
  } finally {
    grpc.Server.prototype.addService = addService;
  }
  expect(proto, "main() registers its server through grpc.Server.prototype.addService").toBeDefined();
  return proto;
}

function call<T>(h: (call: any, cb: any) => unknown, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => void h({ request }, (err: any, resp: T) => (err ? reject(new Error(err.details ?? String(err))) : resolve(resp))));
}

const urn = "urn:pulumi:s::p::openbsd:index:LocalFile::f";

describe(`@pulumi/pulumi ${SDK_VERSION}'s provider server`, () => {
  it("the probe finds the two bugs in every SDK from 3.248.0 to 3.276.0 (server.js lines 189-215 and 244), so both patches are used", async () => {
    const b = await probeSdkServer(await sdkServerPrototype());
    const [maj, min] = SDK_VERSION.split(".").map(Number);
    if (maj === 3 && min! >= 248 && min! <= 276) {
      expect(b).toEqual({ forwardsDetailedDiff: false, readsImports: false, passesReadInputs: false });
      expect(choose(b)).toEqual({ diff: "patched", read: "patched", configure: "patched", checkConfig: "patched" });
    } else {
      // a newer SDK: whatever it does, the choice follows the behaviour (README "Supported versions" to update)
      expect(choose(b).diff).toBe(b.forwardsDetailedDiff ? "sdk" : "patched");
    }
  });

  it("an SDK server that forwards detailed diffs and reads imports with their inputs gets its own handlers back", async () => {
    const fixed = {
      async diff(this: any, c: any, cb: any) {
        const d = await this.provider.diff(c.request.getId(), c.request.getUrn(), {}, {});
        const resp = new provproto.DiffResponse();
        resp.setHasdetaileddiff(true);
        for (const [k, v] of Object.entries<any>(d.detailedDiff)) resp.getDetaileddiffMap().set(k, new provproto.PropertyDiff().setKind(v.kind === "update" ? 4 : 0));
        cb(undefined, resp);
      },
      async read(this: any, c: any, cb: any) {
        const r = await this.provider.read(c.request.getId(), c.request.getUrn(), c.request.getProperties()?.toJavaScript() ?? {}, c.request.getInputs()?.toJavaScript());
        cb(undefined, new provproto.ReadResponse().setId(r.id));
      },
    };
    const b = await probeSdkServer(fixed);
    expect(b).toEqual({ forwardsDetailedDiff: true, readsImports: true, passesReadInputs: true });
    expect(choose(b)).toEqual({ diff: "sdk", read: "sdk", configure: "patched", checkConfig: "patched" });
    expect(choose({ ...b, passesReadInputs: false }).read).toBe("patched");
  });
});

describe("the handlers that stand in for the SDK's", () => {
  const file: ResourceProvider = {
    create: async () => ({ id: "x", outs: {} }),
    diff: async () => ({ changes: true, replaces: ["path"], detailedDiff: { path: { kind: "update-replace" }, 'files["/etc/a"]': { kind: "update" }, 'files["/etc/b"]': { kind: "add", inputDiff: false } } }),
    read: async (id, _urn, props, inputs) => ({ id, props: { seen: props, inputs: inputs ?? null } }),
  };

  it("Diff sends the detailed diff: kind per property path, top-level keys once", async () => {
    const req = new provproto.DiffRequest();
    req.setId("x");
    req.setUrn(urn);
    req.setOlds(structproto.Struct.fromJavaScript({ path: "/a" }));
    req.setNews(structproto.Struct.fromJavaScript({ path: "/b" }));
    const resp: any = await call(diffHandler(() => file), req);
    expect(resp.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(resp.getHasdetaileddiff()).toBe(true);
    expect(resp.getReplacesList()).toEqual(["path"]);
    expect(resp.getDiffsList()).toEqual(["path", "files"]);
    const m = resp.getDetaileddiffMap();
    expect(m.get("path").getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE_REPLACE);
    expect(m.get('files["/etc/a"]').getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE);
    expect(m.get('files["/etc/b"]').getKind()).toBe(provproto.PropertyDiff.Kind.ADD);
    expect(m.get('files["/etc/b"]').getInputdiff()).toBe(false);
  });

  it("Read of an import (no properties) reaches the provider with {} and the request's inputs", async () => {
    const req = new provproto.ReadRequest();
    req.setId("root@192.0.2.1:22 ssh-ed25519 AAAA");
    req.setUrn(urn);
    const resp: any = await call(readHandler(() => file), req);
    expect(resp.getId()).toBe("root@192.0.2.1:22 ssh-ed25519 AAAA");
    expect(resp.getProperties().toJavaScript()).toEqual({ seen: {}, inputs: null });
    req.setInputs(structproto.Struct.fromJavaScript({ connection: { host: "192.0.2.1" } }));
    const withInputs: any = await call(readHandler(() => file), req);
    expect(withInputs.getProperties().toJavaScript()).toEqual({ seen: {}, inputs: { connection: { host: "192.0.2.1" } } });
  });

  it("CheckConfig returns the configuration with openbsd:privateKey a secret, set with --secret or not", async () => {
    for (const privateKey of ["-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n", secret("-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n")]) {
      const req = new provproto.CheckRequest();
      req.setUrn("urn:pulumi:s::p::pulumi:providers:openbsd::default");
      req.setNews(structproto.Struct.fromJavaScript({ privateKey, version: "0.1.0" }));
      const resp: any = await call(checkConfigHandler(checkProviderConfig), req);
      const inputs = resp.getInputs().toJavaScript();
      expect(isSecret(inputs.privateKey)).toBe(true);
      expect(inputs.privateKey.value).toBe("-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n");
      expect(inputs.version).toBe("0.1.0");
    }
    expect(checkProviderConfig({ version: "0.1.0" })).toEqual({ version: "0.1.0" });
  });

  it("a provider error reaches the engine as the call's error, word for word", async () => {
    const req = new provproto.ReadRequest();
    req.setId("x");
    req.setUrn(urn);
    const failing: ResourceProvider = { ...file, read: async () => { throw new Error("gw1: connection refused"); } };
    await expect(call(readHandler(() => failing), req)).rejects.toThrow(/^gw1: connection refused$/);
  });
});
