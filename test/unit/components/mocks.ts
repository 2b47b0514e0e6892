/** Pulumi mocks for component tests: records every resource's inputs; GatewayConfig echoes its inputs as outputs. */
import * as pulumi from "@pulumi/pulumi";
import { onUserError, type UserError } from "pulumi-openbsd";

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

/** Lets a case's declaration group seal (a refused group would otherwise take the next case's gateways). */
export async function sealed(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** What a bad-input program shows the user: the user errors reported, and what it fails with (none: accepted). */
export interface ProgramOutcome {
  reported: UserError[];
  failures: unknown[];
  when: "declaration" | "preview" | "accepted";
}

/**
 * Runs `build` against `kit`, whose `makers` methods declare Gateways: returns the user errors reported and the
 * failures, thrown at declaration or rejected by the gateways' state (one error object counted once, however many
 * gateways it rejects).
 */
export async function runProgram<K extends object>(kit: K, makers: readonly (keyof K & string)[], build: (k: K) => void): Promise<ProgramOutcome> {
  const reported: UserError[] = [];
  const stop = onUserError((e) => reported.push(e));
  try {
    const gateways: { state: pulumi.Output<unknown> }[] = [];
    const spy = kit as unknown as Record<string, unknown>;
    for (const m of makers) {
      const f = (spy[m] as (...a: unknown[]) => { state: pulumi.Output<unknown> }).bind(kit);
      spy[m] = (...a: unknown[]) => {
        const g = f(...a);
        gateways.push(g);
        return g;
      };
    }
    try {
      build(kit);
    } catch (e) {
      await sealed();
      return { reported, failures: [e], when: "declaration" };
    }
    const results = await Promise.allSettled(gateways.map((g) => valueOf(g.state)));
    const failures = [...new Set(results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason))];
    return { reported, failures, when: failures.length ? "preview" : "accepted" };
  } finally {
    stop();
  }
}
