/**
 * A Stack whose up, refresh and destroy run one CLI process each. The Automation API follows each of them with
 * `pulumi stack history` (the summary) and `up` also with `pulumi stack output` twice (the outputs): three more
 * CLI starts, each decrypting the stack's config (the passphrase's key derivation), about 0.3 s of CPU apiece —
 * a sixth of the end-to-end suite's CPU. Here the summary comes from the engine's own event stream (its closing
 * `summaryEvent`, which is what history records) and the outputs from the Stack resource's outputs event (secrets
 * show as "[secret]", as the engine prints them); the operation itself, its arguments, its errors (a CommandError
 * on a non-zero exit, as before) and its stdout/stderr are the Automation API's own.
 *
 * Tests only: the bench (bench/provider.ts) keeps the stock Automation API, whose calls users pay.
 */
import type { EngineEvent, OutputMap, Stack, UpdateSummary } from "@pulumi/pulumi/automation";

type Op = "up" | "refresh" | "destroy";
const KIND = { up: "update", refresh: "refresh", destroy: "destroy" } as const;

/** Replaces `stack`'s up, refresh and destroy (on this instance only) and returns it. */
export function leanStack(stack: Stack): Stack {
  const s = stack as unknown as Record<string, unknown> & { info: unknown; outputs: unknown };
  for (const op of ["up", "refresh", "destroy"] as Op[]) {
    const stock = (s[op] as (o?: Record<string, unknown>) => Promise<unknown>).bind(stack);
    s[op] = async (opts: Record<string, unknown> = {}) => {
      const startTime = new Date();
      let changes: Record<string, number> | undefined;
      const outputs: OutputMap = {};
      const onEvent = (e: EngineEvent) => {
        if (e.summaryEvent) changes = e.summaryEvent.resourceChanges as Record<string, number>;
        const st = e.resOutputsEvent?.metadata;
        if (st?.type === "pulumi:pulumi:Stack")
          for (const [k, v] of Object.entries(st.new?.outputs ?? {})) outputs[k] = { value: v, secret: v === "[secret]" };
        (opts.onEvent as ((e: EngineEvent) => void) | undefined)?.(e);
      };
      // the stock operation calls this.info() and this.outputs() after the CLI exits 0: answer from the events
      s.info = async (): Promise<UpdateSummary> => ({
        kind: KIND[op], startTime, endTime: new Date(), message: "", environment: {}, config: {},
        result: "succeeded", resourceChanges: changes ?? {},
      } as UpdateSummary);
      s.outputs = async () => outputs;
      try {
        return await stock({ ...opts, onEvent });
      } finally {
        delete s.info;
        delete s.outputs;
      }
    };
  }
  return stack;
}
