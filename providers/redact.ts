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
import { secretForms, MIN_REDACTED_LENGTH } from "../sdk/planner/secrets";
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

/** Every string inside a secret wrapper of a request's properties, and `state.secrets` however sent. */
export function secretsInRequest(v: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown, inSecret: boolean): void => {
    if (isSecret(x)) return walk(x.value, true);
    if (typeof x === "string") {
      if (inSecret) out.push(x);
    } else if (Array.isArray(x)) for (const y of x) walk(y, inSecret);
    else if (typeof x === "object" && x !== null) for (const y of Object.values(x)) walk(y, inSecret);
  };
  walk(v, false);
  const state = (v as { state?: unknown } | undefined)?.state;
  const listed = (isSecret(state) ? state.value : state) as { secrets?: unknown } | undefined;
  const secrets = isSecret(listed?.secrets) ? listed.secrets.value : listed?.secrets;
  if (Array.isArray(secrets)) for (const s of secrets) if (typeof s === "string") out.push(s);
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
