/**
 * Which values of a component's arguments the user marked secret (planner/marked-forms.ts): every string inside a
 * secret Output, wherever it sits in the arguments (an address, a network, a list of them, a sysctl value, a
 * flags string). Numbers and booleans count as their text.
 *
 * Resources among the arguments (a tunnel's Gateways, a CarpPair) are not walked: their outputs are theirs. An
 * Output that is unknown (a preview before the resource behind it exists) or that fails adds nothing: the files it
 * would reach are unknown or refused too, and marking must never make a program fail or a preview less known.
 */
import * as pulumi from "@pulumi/pulumi";
import { markedForms } from "../planner/marked-forms";
import { MIN_REDACTED_LENGTH } from "../planner/secret-forms";

/**
 * The marked values seen so far in this program (their forms, longest first: see {@link maskMarked}), and how many
 * secret Outputs are still being read. A check that refuses a marked value (`external.address = …: not an
 * address`) must not print it: its error is masked with these before it is shown (check.ts `report`).
 */
const seen = new Set<string>();
let pending = 0;

/** What an Output carries besides its value (the SDK's OutputImpl; read as `awaitedLater` in registry.ts does). */
interface OutputFlags {
  isKnown?: Promise<boolean>;
  isSecret?: Promise<boolean>;
}

/** The strings (numbers and booleans as text) of a resolved value, however nested (each object once: a cycle ends). */
function leaves(v: unknown, out: string[] = [], depth = 0, visited = new WeakSet<object>()): string[] {
  if (depth > 32 || v === null || v === undefined) return out;
  if (typeof v === "string") out.push(v);
  else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") out.push(String(v));
  else if (typeof v === "object" && !visited.has(v) && !pulumi.Resource.isInstance(v)) {
    visited.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) leaves(x, out, depth + 1, visited);
  }
  return out;
}

/** The strings of `o` when it is a known secret; none otherwise (unknown, plain, or failed). */
function ifSecret(o: pulumi.Output<unknown>): pulumi.Output<string[]> {
  const f = o as unknown as OutputFlags;
  const flags = Promise.all([f.isKnown ?? false, f.isSecret ?? false]).catch(() => [false, false]);
  pending++;
  return pulumi.output(flags).apply(async ([known, secret]): Promise<string[]> => {
    try {
      if (!known || !secret) return [];
      // a failed value marks nothing: the component's own checks report it
      const values = await (o as unknown as { promise(): Promise<unknown> }).promise().then((v) => leaves(v), () => []);
      for (const v of values) for (const f of markedForms(v)) if (f.length >= MIN_REDACTED_LENGTH) seen.add(f);
      return values;
    } finally {
      pending--;
    }
  });
}

/**
 * The values the user marked secret in `args` (see above), `skip`ping top-level fields that never reach a file
 * (a Gateway's `connection`, `rollbackSeconds`). A plain Output: the values are looked for in the rendered files,
 * which are then secret.
 */
export function markedSecrets(args: object, skip: readonly string[] = []): pulumi.Output<string[]> {
  const found: pulumi.Output<string[]>[] = [];
  // each object once: arguments that hold a cycle (or one object many times) are walked in linear time
  const visited = new WeakSet<object>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32 || v === null || v === undefined || typeof v !== "object" || visited.has(v)) return;
    visited.add(v);
    if (pulumi.Output.isInstance(v)) found.push(ifSecret(v));
    else if (pulumi.Resource.isInstance(v)) return;
    else for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
  };
  try {
    for (const [k, v] of Object.entries(args)) if (!skip.includes(k)) walk(v, 1);
  } catch {
    // a getter that throws: the component's own checks report what is wrong with the arguments
  }
  return pulumi.all(found).apply((xs) => [...new Set(xs.flat())]);
}

/** Whether a marked value may still be unread (a secret Output found in arguments, not resolved yet). */
export function marksPending(): boolean {
  return pending > 0;
}

/**
 * `text` with every marked value seen so far replaced by `(secret)` (values shorter than the provider redacts are
 * left: they occur everywhere by chance).
 */
export function maskMarked(text: string): string {
  return [...seen].sort((a, b) => b.length - a.length).reduce((t, v) => (t.includes(v) ? t.split(v).join("(secret)") : t), text);
}
