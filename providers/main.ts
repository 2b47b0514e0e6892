/**
 * Entry point of the `pulumi-resource-openbsd` plugin (see bin/pulumi-resource-openbsd).
 *
 * Served by `@pulumi/pulumi/provider`'s `main()` (DESIGN.md D1). One addition: 3.248's server
 * discards the detailed diff, so the Diff RPC is replaced with one that sends it — the engine then
 * shows per-item changes such as `files["/etc/ipsec.conf"]`; Read accepts an import (no properties);
 * Configure records the provider configuration (`openbsd:privateKey`, providers/config.ts), which the
 * SDK's Configure ignores. Everything else is the SDK's own server.
 */
import * as provider from "@pulumi/pulumi/provider";
import { createRequire } from "node:module";
import { PROVIDER_VERSION, resourceFor } from "./provider";
import { setProviderConfig } from "./config";
import type { PropertyDiffKind } from "./diff";

// grpc-js, the generated stubs and google-protobuf are @pulumi/pulumi's own dependencies: load the very copies
// the SDK's server uses (npm may place them anywhere), resolved from wherever @pulumi/pulumi itself is.
// This file is compiled to CommonJS (tsconfig.build.json) and run by providers/bin/pulumi-resource-openbsd.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof import("@grpc/grpc-js") = fromPulumi("@grpc/grpc-js");
const provproto = fromPulumi("@pulumi/pulumi/proto/provider_pb.js");
const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");

const KIND: Record<PropertyDiffKind, number> = {
  add: 0, "add-replace": 1, delete: 2, "delete-replace": 3, update: 4, "update-replace": 5,
};

async function detailedDiff(call: any, callback: any): Promise<void> {
  try {
    const req = call.request;
    const r = resourceFor(req.getUrn());
    const olds = req.getOlds().toJavaScript();
    const news = req.getNews().toJavaScript();
    const resp = new provproto.DiffResponse();
    if (!r.diff) {
      resp.setChanges(provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN);
      callback(undefined, resp);
      return;
    }
    const oldInputs = req.getOldInputs?.()?.toJavaScript();
    const d = await r.diff(req.getId(), req.getUrn(), olds, news, oldInputs);
    resp.setChanges(d.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
    if (d.replaces?.length) resp.setReplacesList(d.replaces);
    if (d.deleteBeforeReplace) resp.setDeletebeforereplace(true);
    if (d.detailedDiff) {
      resp.setHasdetaileddiff(true);
      const m = resp.getDetaileddiffMap();
      for (const [k, v] of Object.entries(d.detailedDiff)) {
        const pd = new provproto.PropertyDiff();
        pd.setKind(KIND[v.kind]);
        pd.setInputdiff(v.inputDiff ?? true);
        m.set(k, pd);
      }
      resp.setDiffsList(Object.keys(d.detailedDiff).map((k) => k.split(/[.[]/)[0]));
    }
    callback(undefined, resp);
  } catch (e) {
    callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, undefined);
  }
}

/** Read, as the SDK's, but an import sends no properties (3.248's server then crashes on `undefined`). */
async function readWithImport(call: any, callback: any): Promise<void> {
  try {
    const req = call.request;
    const r = resourceFor(req.getUrn());
    const props = req.getProperties()?.toJavaScript() ?? {};
    const inputs = req.getInputs?.()?.toJavaScript();
    const resp = new provproto.ReadResponse();
    const result: { id?: string; props?: any; inputs?: any } = r.read ? await r.read(req.getId(), req.getUrn(), props, inputs) : { id: req.getId(), props };
    resp.setId(result.id ?? "");
    resp.setProperties(structproto.Struct.fromJavaScript(result.props ?? {}));
    if (result.inputs !== undefined) resp.setInputs(structproto.Struct.fromJavaScript(result.inputs));
    callback(undefined, resp);
  } catch (e) {
    callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, undefined);
  }
}

/** Configure, as the SDK's (secrets, resources, outputs accepted), recording `openbsd:*` config first. */
function configureWithConfig(call: any, callback: any): void {
  try {
    const req = call.request;
    const vars: Record<string, string> = {};
    req.getVariablesMap().forEach((v: string, k: string) => (vars[k] = v));
    setProviderConfig(req.getArgs?.()?.toJavaScript(), vars);
    const resp = new provproto.ConfigureResponse();
    resp.setAcceptsecrets(true);
    resp.setAcceptresources(true);
    resp.setAcceptoutputs(true);
    callback(undefined, resp);
  } catch (e) {
    callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, undefined);
  }
}

// Wrap addService so the SDK's Server gets our Diff handler (the Server class is not exported).
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service: any, impl: any) {
  if (impl && typeof impl.diff === "function" && "check" in impl) {
    impl.diff = detailedDiff;
    impl.read = readWithImport;
    impl.configure = configureWithConfig;
  }
  return addService.call(this, service, impl);
};

const impl: provider.Provider = {
  version: PROVIDER_VERSION,
  check: (urn, olds, news) => resourceFor(urn).check?.(urn, olds, news) ?? Promise.resolve({ inputs: news }),
  create: (urn, inputs) => resourceFor(urn).create(urn, inputs),
  read: (id, urn, props) => resourceFor(urn).read?.(id, urn, props) ?? Promise.resolve({ id, props }),
  update: (id, urn, olds, news) => resourceFor(urn).update?.(id, urn, olds, news) ?? Promise.resolve({ outs: news }),
  delete: (id, urn, props) => resourceFor(urn).delete?.(id, urn, props) ?? Promise.resolve(),
};

provider.main(impl, process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
