/**
 * What `@pulumi/pulumi/provider`'s gRPC server gets wrong for this plugin, found out by behaviour at start-up,
 * and the handlers that stand in for it (see providers/main.ts for the upstream source lines).
 *
 * The SDK's `Server` class is not exported; `main()` constructs it and registers it with
 * `grpc.Server.prototype.addService`. {@link installSdkCompat} hooks that method on the SDK's own copy of
 * `@grpc/grpc-js` (a second copy in node_modules would otherwise take the hook and leave the SDK unpatched),
 * probes the SDK's `diff` and `read` handlers once with a stub provider ({@link probeSdkServer}), and from
 * then on sends each call to the SDK's handler where it behaves, and to ours where it does not. So the same
 * plugin runs on an SDK that has the bugs (3.248.0 … 3.276.0, verified) and on one that fixes them.
 */
import { sdkRequire } from "./sdk-require";
import type { DetailedDiffResult, PropertyDiffKind } from "./diff";
import type { ResourceProvider } from "./resources/types";

const grpc = sdkRequire("@grpc/grpc-js");
const provproto = sdkRequire("./proto/provider_pb.js");
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb.js");

/** The installed `@pulumi/pulumi` version (the plugin runs on whatever SDK the user's node_modules holds). */
export const SDK_VERSION: string = sdkRequire("./package.json").version;

/** How the installed SDK's provider server behaves on the two RPCs the plugin depends on. */
export interface SdkServerBehaviour {
  /** Diff: the provider's `detailedDiff` reaches the engine (per-item changes such as `files["/etc/ipsec.conf"]`). */
  forwardsDetailedDiff: boolean;
  /** Read with no properties (what the engine sends for an import) reaches the provider instead of crashing. */
  readsImports: boolean;
  /** Read passes the request's `inputs` on to the provider (our read falls back to them when props lack a connection). */
  passesReadInputs: boolean;
}

/** Which handler serves each RPC: the SDK's own, or ours. */
export interface SdkCompatChoice {
  diff: "sdk" | "patched";
  read: "sdk" | "patched";
  configure: "patched";
  checkConfig: "patched";
}

/** Decides, from a probe, which RPCs keep the SDK's handler. */
export function choose(b: SdkServerBehaviour): SdkCompatChoice {
  return {
    diff: b.forwardsDetailedDiff ? "sdk" : "patched",
    read: b.readsImports && b.passesReadInputs ? "sdk" : "patched",
    // the SDK's Provider interface has no configure hook at all: the provider configuration is ours to record
    configure: "patched",
    // the SDK's server answers CheckConfig UNIMPLEMENTED and has no hook for it either
    checkConfig: "patched",
  };
}

const PROBE_URN = "urn:pulumi:probe::probe::openbsd:index:Probe::probe";

/** Calls one of the SDK's handlers, bound to a stub provider, with `request`; console.error is muted meanwhile. */
async function callSdk(proto: any, method: "diff" | "read", stub: object, request: unknown): Promise<{ err: unknown; resp: any }> {
  const server = Object.create(proto);
  server.provider = stub;
  server._callbacks = new Map();
  server.uncaughtErrors = new Set();
  const error = console.error;
  console.error = () => undefined; // the SDK logs the crash it is being probed for; the engine would show it
  try {
    return await new Promise((resolve) => {
      // the crash is made without a stack: the SDK reads `e.stack` for its log line (synchronously, in this call), and
      // source-map-support (installed by the SDK) would map it frame by frame, reading the SDK's files: ~20 ms of CPU
      // at every plugin start (--cpu-prof)
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        Promise.resolve(proto[method].call(server, { request }, (err: unknown, resp: unknown) => resolve({ err, resp }))).catch((err) => resolve({ err, resp: undefined }));
      } finally {
        Error.stackTraceLimit = limit;
      }
    });
  } finally {
    console.error = error;
  }
}

/** Probes the SDK server's `diff` and `read` handlers (given the server's prototype) with a stub provider. */
export async function probeSdkServer(proto: any): Promise<SdkServerBehaviour> {
  const empty = () => structproto.Struct.fromJavaScript({});

  const diffReq = new provproto.DiffRequest();
  diffReq.setId("probe");
  diffReq.setUrn(PROBE_URN);
  diffReq.setOlds(structproto.Struct.fromJavaScript({ a: "1" }));
  diffReq.setNews(structproto.Struct.fromJavaScript({ a: "2" }));
  const d = await callSdk(proto, "diff", { version: "0", diff: async () => ({ changes: true, detailedDiff: { a: { kind: "update", inputDiff: true } } }) }, diffReq);
  const forwardsDetailedDiff = !d.err && !!d.resp?.getHasdetaileddiff?.() && d.resp.getDetaileddiffMap().has("a");

  const readReq = new provproto.ReadRequest();
  readReq.setId("probe");
  readReq.setUrn(PROBE_URN);
  const r = await callSdk(proto, "read", { version: "0", read: async (id: string) => ({ id, props: {} }) }, readReq);
  const readsImports = !r.err && r.resp?.getId?.() === "probe";

  const inputsReq = new provproto.ReadRequest();
  inputsReq.setId("probe");
  inputsReq.setUrn(PROBE_URN);
  inputsReq.setProperties(empty());
  inputsReq.setInputs(structproto.Struct.fromJavaScript({ marker: "inputs" }));
  let seen: unknown;
  await callSdk(proto, "read", { version: "0", read: async (id: string, _urn: string, _props: unknown, inputs: unknown) => ((seen = inputs), { id, props: {} }) }, inputsReq);
  const passesReadInputs = (seen as { marker?: string } | undefined)?.marker === "inputs";

  return { forwardsDetailedDiff, readsImports, passesReadInputs };
}

const KIND: Record<PropertyDiffKind, number> = {
  add: 0, "add-replace": 1, delete: 2, "delete-replace": 3, update: 4, "update-replace": 5,
};

/** Diff, as the SDK's, but the detailed diff is sent (kinds per property, `diffs` the top-level keys). */
export function diffHandler(resourceFor: (urn: string) => ResourceProvider) {
  return async (call: any, callback: any): Promise<void> => {
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
      const d: DetailedDiffResult = await r.diff(req.getId(), req.getUrn(), olds, news, oldInputs);
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
        resp.setDiffsList([...new Set(Object.keys(d.detailedDiff).map((k) => k.split(/[.[]/)[0]!))]);
      }
      callback(undefined, resp);
    } catch (e) {
      callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, undefined);
    }
  };
}

/** Read, as the SDK's, but an import (no properties) reaches the provider, and the request's inputs are passed on. */
export function readHandler(resourceFor: (urn: string) => ResourceProvider) {
  return async (call: any, callback: any): Promise<void> => {
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
  };
}

/** Configure, as the SDK's (secrets, resources, outputs accepted), handing `args`/`variables` to `record` first. */
export function configureHandler(record: (args: unknown, vars: Record<string, string>) => void) {
  return (call: any, callback: any): void => {
    try {
      const req = call.request;
      const vars: Record<string, string> = {};
      req.getVariablesMap().forEach((v: string, k: string) => (vars[k] = v));
      record(req.getArgs?.()?.toJavaScript(), vars);
      const resp = new provproto.ConfigureResponse();
      resp.setAcceptsecrets(true);
      resp.setAcceptresources(true);
      resp.setAcceptoutputs(true);
      callback(undefined, resp);
    } catch (e) {
      callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, undefined);
    }
  };
}

/**
 * CheckConfig: the provider's inputs as `check` returns them from the request's `news`. The SDK's server answers
 * UNIMPLEMENTED (server.js 108-113, 3.248.0 and 3.276.0), and the engine then stores the configuration as the
 * stack holds it: a key set without `--secret` in plaintext, whatever the schema's `secret` says.
 */
export function checkConfigHandler(check: (news: Record<string, unknown>) => Record<string, unknown>) {
  return (call: any, callback: any): void => {
    try {
      const news = call.request.getNews()?.toJavaScript() ?? {};
      const resp = new provproto.CheckResponse();
      resp.setInputs(structproto.Struct.fromJavaScript(check(news)));
      callback(undefined, resp);
    } catch (e) {
      callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, undefined);
    }
  };
}

/** The provider configuration's two RPCs: CheckConfig's `check` and Configure's `record`. */
export interface ConfigHooks {
  check: (news: Record<string, unknown>) => Record<string, unknown>;
  record: (args: unknown, vars: Record<string, string>) => void;
}

/** Set once the SDK's server went through {@link installSdkCompat}'s hook; the promise of the choice made. */
let installed: Promise<SdkCompatChoice> | undefined;

/**
 * Hooks the SDK's server registration (call before `provider.main`). The probe runs once, on the first
 * registration; calls that arrive before it finishes wait for it.
 */
export function installSdkCompat(resourceFor: (urn: string) => ResourceProvider, config: ConfigHooks): void {
  const ours = { diff: diffHandler(resourceFor), read: readHandler(resourceFor), configure: configureHandler(config.record), checkConfig: checkConfigHandler(config.check) };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service: any, impl: any) {
    if (impl && typeof impl.diff === "function" && typeof impl.read === "function" && "check" in impl) {
      const proto = Object.getPrototypeOf(impl);
      const sdk = { diff: impl.diff.bind(impl), read: impl.read.bind(impl) };
      const choice = (installed ??= probeSdkServer(proto).then(choose));
      impl.diff = (call: any, cb: any) => choice.then((c) => (c.diff === "sdk" ? sdk.diff : ours.diff)(call, cb));
      impl.read = (call: any, cb: any) => choice.then((c) => (c.read === "sdk" ? sdk.read : ours.read)(call, cb));
      impl.configure = ours.configure;
      impl.checkConfig = ours.checkConfig;
    }
    return addService.call(this, service, impl);
  };
}

/**
 * The choice made for the running server. Fails when the SDK registered its server without going through the
 * hook (its internals changed): the plugin must then not run silently without detailed diffs and imports.
 */
export function sdkCompatChoice(): Promise<SdkCompatChoice> {
  if (!installed) return Promise.reject(new Error(`pulumi-resource-openbsd: @pulumi/pulumi ${SDK_VERSION}'s provider server did not register through grpc.Server.prototype.addService of its own @grpc/grpc-js; the plugin cannot check its Diff and Read handlers. Pin @pulumi/pulumi to a version listed in the README ("Supported versions").`));
  return installed;
}
