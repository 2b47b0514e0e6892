/**
 * The provider's warnings to the user, through the engine. What a plugin writes to stderr the CLI keeps for its
 * verbose log (`-v`): a warning there — a host key not verified, a tunnel whose flows did not come up, a gateway left
 * as it is at delete — is never seen. Sent with `Engine.Log` instead (the engine's address is the plugin's first
 * argument, as `@pulumi/pulumi/provider`'s own `main` reads it), a warning is shown under the resource it is about and
 * in the update's Diagnostics. Without an engine (the provider in-process, in tests) it goes to stderr.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The URN of the resource whose operation is running (set around each operation, see {@link withUrn}). */
const current = new AsyncLocalStorage<string>();

/** Warnings sent and not yet acknowledged by the engine. */
const pending = new Set<Promise<void>>();

/**
 * Runs one resource operation with its URN as the subject of the warnings it logs; the operation's result goes back
 * once the engine has them (the engine may end the update, and the plugin, right after the last result).
 */
export function withUrn<T>(urn: string, f: () => Promise<T>): Promise<T> {
  return current.run(urn, async () => {
    try {
      return await f();
    } finally {
      if (pending.size) await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 2000).unref())]);
    }
  });
}

interface EngineLog {
  send(message: string): void;
}

let engine: EngineLog | undefined;

/**
 * The engine's address among the plugin's arguments: the first that is not a flag (`--logtostderr`, `-v=N`,
 * `--tracing ADDR`), as `@pulumi/pulumi/provider`'s `parseArgs` takes it.
 */
export function engineAddress(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--tracing") i++;
    else if (a !== "--logtostderr" && !a.startsWith("-v=")) return a;
  }
  return undefined;
}

/**
 * Connects to the engine at `address` (the plugin's start), with the installed SDK's grpc-js and generated code
 * (`sdkRequire`, providers/sdk-require.ts); a failure leaves warnings on stderr.
 */
export function connectEngine(address: string | undefined, sdkRequire: NodeRequire): void {
  if (!address) return;
  try {
    const grpc = sdkRequire("@grpc/grpc-js");
    const rpc = sdkRequire("./proto/engine_grpc_pb.js");
    const pb = sdkRequire("./proto/engine_pb.js");
    const client = new rpc.EngineClient(address, grpc.credentials.createInsecure());
    engine = {
      send(message) {
        const req = new pb.LogRequest();
        req.setSeverity(pb.LogSeverity.WARNING);
        req.setMessage(message);
        const urn = current.getStore();
        if (urn) req.setUrn(urn);
        const sent = new Promise<void>((resolve) =>
          client.log(req, (err: Error | null) => {
            if (err) process.stderr.write(`pulumi-resource-openbsd: warning: ${message}\n`);
            resolve();
          }),
        );
        pending.add(sent);
        void sent.then(() => pending.delete(sent));
      },
    };
  } catch {
    engine = undefined;
  }
}

/** Shows `message` (already redacted and made inert) to the user as a warning; false when there is no engine. */
export function warnThroughEngine(message: string): boolean {
  if (!engine) return false;
  engine.send(message);
  return true;
}
