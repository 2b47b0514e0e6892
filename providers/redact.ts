/**
 * Redaction of secret values from everything the plugin says: errors returned to the engine and log
 * lines on stderr (which the engine shows at default verbosity).
 *
 * Decision: the values come typed, never scraped out of text. The planner hands them over in
 * `state.secrets` (sdk/planner/secrets.ts: the PSKs, sharedkey, carp passwords, manual keys and derived
 * private keys the gateway's files hold); the engine hands over everything the program marked secret
 * (secret-wrapped values: the SSH private key, secret file contents). Each request's values are
 * remembered for the life of the plugin process, and {@link redact} masks all of them, so a tool's
 * stderr echoing a line of ipsec.conf cannot carry a PSK into an error, whichever operation failed.
 */
import { secretForms, MIN_REDACTED_LENGTH } from "../sdk/planner/secret-forms";
import { isSecret } from "./secrets";

const known = new Set<string>();
let ordered: string[] = [];

/** Remembers secret values (each with its line forms, for a PEM key) for {@link redact}. */
export function rememberSecrets(values: Iterable<string>): void {
  let added = false;
  for (const v of values)
    for (const f of secretForms(v))
      if (f.length >= MIN_REDACTED_LENGTH && !known.has(f)) {
        known.add(f);
        added = true;
      }
  // longest first, so that a value containing another is masked whole
  if (added) ordered = [...known].sort((a, b) => b.length - a.length);
}

/**
 * The secret values of a request's properties: each value the engine sent as a secret on its own (a
 * string, or a list of strings: the private key, a secret file's content, the `secrets` list) — not the
 * public strings of an object that is secret as a whole (a connection's host, a state's paths and modes)
 * —, plus, however the state was sent, its `secrets` list and the contents of its secret files: marked
 * `secret` or of a checked kind, or inside a value sent as a secret (the whole state, its files, one file).
 */
export function secretsInRequest(v: unknown): string[] {
  const out: string[] = [];
  const strings = (x: unknown): string[] => (typeof x === "string" ? [x] : Array.isArray(x) && x.every((y) => typeof y === "string") ? (x as string[]) : []);
  const walk = (x: unknown): void => {
    if (isSecret(x)) {
      out.push(...strings(x.value));
      return walk(x.value);
    }
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === "object" && x !== null) Object.values(x).forEach(walk);
  };
  walk(v);
  // `under.secret`: a value opened on the way was sent as a secret
  const open = (x: unknown, under = { secret: false }): unknown => (isSecret(x) ? ((under.secret = true), open(x.value, under)) : x);
  const outer = { secret: false };
  const state = open((open(v, outer) as { state?: unknown } | undefined)?.state, outer) as { secrets?: unknown; files?: unknown } | undefined;
  out.push(...strings(open(state?.secrets)));
  const files = open(state?.files, outer) as Record<string, unknown> | undefined;
  for (const f of Object.values(files ?? {})) {
    const under = { ...outer };
    const file = open(f, under) as { secret?: unknown; check?: unknown; content?: unknown } | undefined;
    const content = open(file?.content, under);
    if (typeof content === "string" && (under.secret || file?.secret === true || ["ipsec", "iked", "sasyncd"].includes(String(file?.check)))) out.push(content);
  }
  return out;
}

/** Remembers the secrets of each request property bag (olds, news, props, inputs). */
export function rememberRequest(...bags: unknown[]): void {
  for (const b of bags) rememberSecrets(secretsInRequest(b));
}

/** `text` with every remembered secret value replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join("***");
  return out;
}

/** Runs `fn`; an error it throws leaves with its message redacted (same class of failure, no secret). */
export async function redacting<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const message = redact(err.message);
    if (message !== err.message) {
      err.message = message;
      if (err.stack) err.stack = redact(err.stack);
    }
    throw err;
  }
}

/** For tests: forget every remembered value. */
export function forgetSecrets(): void {
  known.clear();
  ordered = [];
}
