/**
 * A GatewayConfig that could not be registered (an input that failed: a refused argument, an error in the program)
 * must not cost its gateway its configuration.
 *
 * At the end of an update the engine deletes every resource of the stack that the program did not register, once the
 * program is done; a GatewayConfig's delete puts its gateway back to what it had before, tunnels down. Under
 * `pulumi up` the SDK's process exits non-zero after such an error and the engine deletes nothing. An inline
 * Automation API program, though, tells the engine that it is done (SignalAndWaitForShutdown, since
 * pulumi/pulumi#20143: automation/server.ts calls `disconnect(true)`) before it looks at the errors of its run, and the
 * engine then deleted the gateways' configuration. For an inline run in which a GatewayConfig failed to register,
 * this keeps that signal back: the run then ends with its errors, as under `pulumi up`, and nothing is deleted.
 *
 * The SDK's own pieces: `runtime/settings` (its `disconnect`, `waitForRPCs`, `rpcKeepAlive`) of the program's copy of
 * @pulumi/pulumi, and the AsyncLocalStorage it keeps at `global.asyncLocalStorage`, which holds a store for each
 * inline run (none under `pulumi up`). Where they are not as expected, nothing is changed.
 */
import * as pulumi from "@pulumi/pulumi";
import { localRequire } from "../local-require";

/** The runs (their SDK store) in which a GatewayConfig failed to register. */
const failedRuns = new WeakSet<object>();
let patched = false;

/** The SDK's store of the current inline Automation API run; undefined under `pulumi up` (one global store) or mocks. */
function inlineRun(): object | undefined {
  const als = (globalThis as { asyncLocalStorage?: { getStore(): unknown } }).asyncLocalStorage;
  const s = als?.getStore();
  return typeof s === "object" && s !== null ? s : undefined;
}

interface Settings {
  disconnect: (signalShutdown?: boolean) => Promise<void>;
  waitForRPCs: () => Promise<void>;
  rpcKeepAlive: () => () => void;
}

/** Wraps the SDK's `disconnect` once: its shutdown signal is kept back for a run whose GatewayConfig failed. */
function holdSignal(): void {
  if (patched) return;
  patched = true;
  let settings: Partial<Settings>;
  try {
    settings = localRequire("@pulumi/pulumi/runtime/settings") as Partial<Settings>;
  } catch {
    return;
  }
  // the same copy of the SDK as the program's (its runtime re-exports these functions), and the functions expected
  if (settings.rpcKeepAlive !== pulumi.runtime.rpcKeepAlive || typeof settings.disconnect !== "function" || typeof settings.waitForRPCs !== "function") return;
  const { disconnect, waitForRPCs } = settings as Settings;
  settings.disconnect = async (signalShutdown?: boolean) => {
    if (signalShutdown !== true) return disconnect(signalShutdown);
    // what the run still has on its way settles first (a GatewayConfig's registration among it), as disconnect does
    await waitForRPCs();
    const run = inlineRun();
    return disconnect(!(run && failedRuns.has(run)));
  };
}

/** Called for each GatewayConfig: in an inline run, its failed registration keeps the run's shutdown signal back. */
export function holdShutdownIfUnregistered(r: pulumi.CustomResource): void {
  const run = inlineRun();
  if (!run) return;
  holdSignal();
  // the run's wait for its RPCs includes this one, which settles once the failure is recorded
  const done = pulumi.runtime.rpcKeepAlive();
  (r.urn as unknown as { promise(): Promise<string> }).promise().then(
    () => done(),
    () => {
      failedRuns.add(run);
      done();
    },
  );
}
