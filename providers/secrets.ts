/**
 * Pulumi secrets as they cross the provider gRPC boundary.
 *
 * The provider announces `acceptSecrets`, so secret inputs arrive as
 * `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`
 * and outputs wrapped the same way stay secret in the state file.
 */
import { createHmac, randomBytes } from "node:crypto";

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface WrappedSecret<T = unknown> {
  [SIG_KEY]: typeof SECRET_SIG;
  value: T;
}

export function isSecret(v: unknown): v is WrappedSecret {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value so the engine stores it encrypted. */
export function secret<T>(value: T): WrappedSecret<T> {
  return { [SIG_KEY]: SECRET_SIG, value } as WrappedSecret<T>;
}

/** Recursively removes secret wrappers; `found` is set when any secret was seen. */
export function unwrap<T = unknown>(v: unknown, found?: { secret: boolean }): T {
  if (isSecret(v)) {
    if (found) found.secret = true;
    return unwrap(v.value, found) as T;
  }
  if (Array.isArray(v)) return v.map((x) => unwrap(x, found)) as T;
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrap(x, found);
    return out as T;
  }
  return v as T;
}

/**
 * Fingerprint of secret material for diffs and logs: `fp:` + 12 hex digits of HMAC-SHA256 keyed with
 * the gateway's fingerprint key ({@link newFingerprintKey}). Equal secrets under one key compare equal
 * from one run to the next; without the key (a Pulumi secret in the stack's state) a fingerprint seen
 * in a log cannot be used to test guesses of the secret offline.
 */
export function fingerprint(key: string, material: string): string {
  return "fp:" + createHmac("sha256", key).update(material).digest("hex").slice(0, 12);
}

/**
 * A new fingerprint key: 32 random bytes, hex. Decision: each GatewayConfig generates its own when it
 * is created (or imported) and keeps it as the secret output `fingerprintKey`, carried from its old
 * state on every update and refresh; no configuration is needed and nothing public keys it.
 */
export function newFingerprintKey(): string {
  return randomBytes(32).toString("hex");
}
