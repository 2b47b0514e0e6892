/** Pulumi mocks for component tests: records every resource's inputs; GatewayConfig echoes its inputs as outputs. */
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const recorded: Recorded[] = [];

export async function setupMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "unit",
    "unit",
    false,
  );
}

/** The value of an output (rejects when the output fails). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    (o as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
  });
}

/**
 * A refused program rejects its outputs; the Pulumi runtime reports those rejections through
 * `unhandledRejection` (once per error object). Between `tolerate()` and the returned `stop()`, such
 * rejections are collected instead of failing the test run; `stop()` returns the ones that were not
 * `accept`ed, which the caller asserts to be empty.
 */
export function tolerateRejections(accept: (e: unknown) => boolean): () => Promise<unknown[]> {
  const seen: unknown[] = [];
  const collect = (e: unknown) => void seen.push(e);
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", collect);
  return async () => {
    // late rejections settle on later turns
    await new Promise((r) => setTimeout(r, 300));
    process.off("unhandledRejection", collect);
    for (const l of saved) process.on("unhandledRejection", l);
    return seen.filter((e) => !accept(e));
  };
}
