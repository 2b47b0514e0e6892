/**
 * Arguments checked at preview (ARCHITECTURE.md D11): every value a user gives is passed through the token rule
 * of what it becomes, before the planner and before any SSH. A refusal becomes one {@link UserError}
 * naming the resource, the field as the user wrote it, the value (never a secret) and the fix.
 *
 * Printing (issue 11): a user error is logged once as a Pulumi error (`pulumi.log.error`, no stack), and
 * the program then fails with the one {@link Refused} of the process, a RunError whose one-line message
 * does not repeat it. Throwing the user error itself would print it twice or more: once by the SDK's
 * handler of the rejected outputs, again as the language host's result (`One or more errors occurred: …`).
 */
import * as pulumi from "@pulumi/pulumi";
import { marksPending, maskMarked } from "./marked-secrets";
import { charName, givenKind, Refusal, shown, shownLabel, unsafeChar, visible, type TokenRule } from "../model/tokens/refusal";

/**
 * Fixes an error's message: the Pulumi SDK prefixes `error serializing property "…"` to the message of
 * every rejected input it meets (in place), which would print the path of each output the error crossed.
 */
function fixMessage(e: Error, message: string): void {
  // a value the user marked secret is never shown, whenever the message is read (marked-secrets.ts)
  Object.defineProperty(e, "message", { get: () => maskMarked(message), set: () => undefined, enumerable: false, configurable: false });
}

/**
 * A mistake in the user's program (a ResourceError with `hideStack`, should one ever reach the SDK's
 * handler: one `error:` line, no stack). Reported with {@link report}; its message is fixed at
 * construction (see {@link fixMessage}).
 */
export class UserError extends pulumi.ResourceError {
  constructor(message: string, resource?: pulumi.Resource) {
    super(message, resource, true);
    this.name = "UserError";
    fixMessage(this, message);
    // the stack would only show this module's frames: its first line alone, masked as the message is
    Object.defineProperty(this, "stack", { get: () => `${this.name}: ${this.message}`, set: () => undefined, enumerable: false, configurable: true });
  }

  /** Whether `e` is a UserError (also across copies of this module). */
  static is(e: unknown): e is UserError {
    return e instanceof Error && e.name === "UserError" && pulumi.ResourceError.isInstance(e);
  }
}

/**
 * What the program fails with once a {@link UserError} was reported: one object per process, so the
 * SDK, which reports an error object once however many outputs it rejects, prints it once. Its message
 * does not repeat the user error (already printed on its resource), so nothing is printed twice.
 */
export class Refused extends pulumi.RunError {
  constructor() {
    const message = "pulumi-openbsd refused the program's arguments (the error above says which); no gateway was contacted";
    super(message);
    this.name = "Refused";
    fixMessage(this, message);
    // the SDK prints `err.stack` for an error it meets after the program returned (cmd/run/index.js): the line alone
    this.stack = message;
  }
}

let refused: Refused | undefined;
const reported = new WeakSet<Error>();
const listeners = new Set<(e: UserError) => void>();

/** Calls `l` with each user error when it is reported (tests). Returns the function that stops it. */
export function onUserError(l: (e: UserError) => void): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}

/**
 * Reports a user error once, as a Pulumi error on `resource` (no stack trace), and returns the
 * {@link Refused} to throw instead: the message reaches the user exactly once.
 */
export function report(e: UserError, resource?: pulumi.Resource): Refused {
  if (!reported.has(e)) {
    reported.add(e);
    // a value the user marked secret is never printed (marked-secrets.ts): when one may still be being read, the
    // message waits one turn of the event loop, by which the value it quotes is known (it was read to be checked)
    const show = () => void pulumi.log.error(e.message, resource ?? e.resource);
    if (marksPending()) setImmediate(show);
    else show();
    for (const l of listeners) l(e);
  }
  return theRefused();
}

/** The one {@link Refused} of this process. */
export function theRefused(): Refused {
  return (refused ??= new Refused());
}

/**
 * `Label: field = value: reason; fix` (the value escaped for a terminal: `\n`, `\u202e`; so are the
 * resource name of the label and a user's map key in the field).
 */
export function userError(label: string, field: string, value: string, reason: string, fix: string): UserError {
  return new UserError(`${shownLabel(label)}: ${visible(field)} = ${value}: ${reason}; ${fix}`);
}

/** Options of {@link take}. */
export interface TakeOptions {
  /** The value is a secret: shown as `(secret)`. */
  secret?: boolean;
}

/** `rule(value)`, or (reported, then thrown as {@link Refused}) the {@link UserError} naming `label`, `field`, the value and the rule's fix. */
export function take<T>(label: string, field: string, value: unknown, rule: TokenRule<T>, o: TakeOptions = {}): T {
  try {
    return rule(value);
  } catch (e) {
    if (e instanceof Refusal) throw report(userError(label, field, o.secret ? "(secret)" : shown(value), e.reason, e.fix));
    throw e;
  }
}

/** Like {@link take} for an optional value: undefined stays undefined. */
export function takeOpt<T>(label: string, field: string, value: unknown, rule: TokenRule<T>, o: TakeOptions = {}): T | undefined {
  return value === undefined || value === null ? undefined : take(label, field, value, rule, o);
}

/** A required argument: the error when it is missing. */
export function need(label: string, field: string, value: unknown, fix: string): void {
  if (value === undefined || value === null) throw report(userError(label, field, "(none)", "required", fix));
}

/** What stands where a Gateway (or CarpPair) was expected, for the message: `(none)`, `(null)`, `(a list)`, or its type. */
export function notANode(v: unknown): string {
  return v === undefined ? "(none)" : v === null ? "(null)" : Array.isArray(v) ? "(a list)" : typeof v;
}

/** Whether a value is known now (not a Pulumi Output or promise). */
export function isPlain(v: unknown): boolean {
  return !pulumi.Output.isInstance(v) && !(v instanceof Promise);
}

/** How a wrongly typed value is named: `a string`, `a list`, `nothing`. */
/**
 * `list` when it has no hole: a hole (`[, "em1"]`, `new Array(3)`) is skipped by forEach and map but not by a for
 * loop, so one check would pass it and the next fail on it; refused once, naming its index.
 */
export function noHoles<T>(label: string, field: string, list: T[], example: string): T[] {
  for (let i = 0; i < list.length; i++)
    if (!(i in list)) throw report(userError(label, `${field}[${i}]`, "(none)", "a hole in the list: nothing at this index", `remove it, e.g. \`${example}\``));
  return list;
}

/**
 * An optional list argument (plain JavaScript may pass a string or an object): the list, `[]` when
 * absent, a value not known yet (an Output) as it is; anything else is refused naming what was given.
 */
export function listArg<T>(label: string, field: string, value: T[] | undefined | null, example: string): T[] {
  if (Array.isArray(value)) return noHoles(label, field, value, example);
  if (value === undefined || value === null) return [];
  if (!isPlain(value)) return value as unknown as T[];
  throw report(userError(label, field, shown(value), `not a list (${givenKind(value)} given)`, `give a list, e.g. \`${example}\``));
}

/** An optional boolean argument: JavaScript's `"no"` or `"false"` would be true. */
export function boolArg(label: string, field: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") throw report(userError(label, field, shown(value), `not a boolean (${givenKind(value)} given)`, "write `true` or `false`"));
}

/** An entry of a list of objects: required (not `undefined` or `null`), an object (not a list, not a scalar). */
export function entryArg(label: string, field: string, value: unknown, example: string): void {
  if (value === undefined || value === null) throw report(userError(label, field, shown(value), `not an object (${givenKind(value)} given)`, `give e.g. \`${example}\``));
  objectArg(label, field, value, example);
}

/** An optional object argument (not a list, not a scalar). */
export function objectArg(label: string, field: string, value: unknown, example: string): void {
  if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value)) && isPlain(value))
    throw report(userError(label, field, shown(value), `not an object (${givenKind(value)} given)`, `give e.g. \`${example}\``));
}

/**
 * A component's label, `Kind "name"`, once its resource name is checked: the name reaches the stack's
 * URN, which the provider records on the host (the owner file, one line per field), and every message;
 * an invisible character (newline, bidi override, zero-width) in it is refused.
 */
export function labelOf(kind: string, name: string): string {
  const label = `${kind} "${name}"`;
  if (typeof name !== "string" || name === "") throw report(userError(label, "name (the resource name)", shown(name), "empty", "name the resource, e.g. `gw1`"));
  const c = unsafeChar(name);
  if (c !== undefined) throw report(userError(label, "name (the resource name)", shown(name), `holds ${charName(c)}, which a resource name cannot hold safely (it is recorded on the gateway in the stack's URN)`, "use letters, digits and punctuation"));
  return label;
}
