/**
 * Manual SA keys: the defaults and the derivation of the keys and SPIs a user does not give. Given keys
 * are used as they are (hex without `0x`, lower case; lengths checked by the planner, phases.ts); missing
 * ones are derived (HKDF, keys.ts) from both gateways' key seeds and the link name, so they are stable
 * across runs and as secret as the seeds.
 */
import { AUTH_KEY_BYTES, ENC_INFO, resolveTransform } from "../model/ipsec/transforms";
import { deriveHexKey, deriveSpi } from "./keys";
import type { ManualKeys, ManualKeysSpec } from "./spec";

/** The authentication transform when none is given. */
export const DEFAULT_MANUAL_AUTH = "hmac-sha2-256";
/** The encryption transform when none is given (AES with a 256-bit key when derived). */
export const DEFAULT_MANUAL_ENC = "aes";

/** Manual keys as given after their checks: anything absent is derived. */
export type GivenManualKeys = ManualKeysSpec;

/** Key lengths in bytes of the transforms (a derived key has the longest length the transform takes). */
export function manualKeyBytes(auth: string, enc: string): { auth: number; enc: number } {
  const a = resolveTransform("auth", auth);
  const e = resolveTransform("enc", enc);
  return { auth: a ? AUTH_KEY_BYTES[a] : 32, enc: e ? ENC_INFO[e].keyMax : 32 };
}

const hex = (s: string) => s.replace(/^0x/i, "").toLowerCase();

/** The keys of the link `name` between the gateways whose key seeds are `leftSeed` and `rightSeed`. */
export function resolveManualKeys(name: string, given: GivenManualKeys, leftSeed: string, rightSeed: string): ManualKeys {
  const auth = given.auth ?? DEFAULT_MANUAL_AUTH;
  const enc = given.enc ?? DEFAULT_MANUAL_ENC;
  const seed = `${leftSeed}\u0000${rightSeed}`;
  const bytes = manualKeyBytes(auth, enc);
  const k = (what: string, dir: string, n: number) => deriveHexKey(seed, `${name}/${what}/${dir}`, n);
  const ak = given.authkey;
  const ek = given.enckey;
  return {
    spi: given.spi ?? { leftToRight: deriveSpi(seed, `${name}/spi/leftToRight`), rightToLeft: deriveSpi(seed, `${name}/spi/rightToLeft`) },
    auth,
    enc,
    authkey: ak ? { leftToRight: hex(ak.leftToRight), rightToLeft: hex(ak.rightToLeft) } : { leftToRight: k("authkey", "lr", bytes.auth), rightToLeft: k("authkey", "rl", bytes.auth) },
    enckey: ek ? { leftToRight: hex(ek.leftToRight), rightToLeft: hex(ek.rightToLeft) } : { leftToRight: k("enckey", "lr", bytes.enc), rightToLeft: k("enckey", "rl", bytes.enc) },
  };
}
