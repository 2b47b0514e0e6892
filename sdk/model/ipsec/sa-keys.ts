/**
 * validate_sa()'s keys of a manual SA (parse.y): hex keys as parsekey() reads them, and their lengths against the
 * transforms', for one direction of the SA.
 */
import { AUTH_KEY_BYTES, ENC_INFO, type AuthTransform, type EncTransform } from "./transforms";
import type { KeyPair } from "./types";
import type { RuleProblem } from "./validate";

export function keyBytes(out: RuleProblem[], field: string, k: KeyPair | undefined): { out?: number; in?: number } {
  if (k === undefined) return {};
  const lens: { out?: number; in?: number } = {};
  for (const [part, hex] of [["out", k.out], ["in", k.in]] as const) {
    if (hex === undefined) continue;
    // parsekey(): any even run of hex digits, none included (`0x…:` gives an empty IN key)
    if (typeof hex !== "string" || !/^([0-9a-f]{2})*$/.test(hex)) {
      out.push({ field, value: `(${typeof hex === "string" ? hex.length : 0} hex digits)`, text: "keys need to be specified in hex digits", hint: `${field}.${part}: an even number of lower-case hex digits without 0x`, stage: "parse" });
      return {};
    }
    lens[part] = hex.length / 2;
  }
  return lens;
}

/**
 * validate_sa()'s key checks for one direction of a manual SA: `keys` are the byte lengths of the keys given for
 * it (undefined: none), `stage` where a refusal happens (create_sa for the forward SA, expand_rule for the reverse).
 */
export function saKeyProblems(xf: { auth?: AuthTransform; enc?: EncTransform }, keys: { auth?: number; enc?: number }, stage: RuleProblem["stage"], missing: (field: string, why: string) => string): RuleProblem | undefined {
  if (xf.auth) {
    // `unknown` and `none` have keymin 0; `none` alone needs no key
    const need = AUTH_KEY_BYTES[xf.auth] ?? 0;
    if (keys.auth === undefined && (xf.auth as string) !== "none") return { field: "authkey", value: undefined, text: "no authentication key specified", hint: missing("authkey", `${xf.auth} needs ${need * 8} bits (${need * 2} hex digits)`), stage };
    if (keys.auth !== undefined && keys.auth !== need)
      return { field: "authkey", value: `(${keys.auth * 8} bits)`, text: `wrong authentication key length, needs to be ${need * 8} bits`, hint: `${xf.auth} key given with ${keys.auth * 8} bits`, stage };
  }
  if (xf.enc) {
    const info = ENC_INFO[xf.enc] ?? { keyMin: 0, keyMax: 0 };
    const range = `${xf.enc} keys are ${info.keyMin * 8}-${info.keyMax * 8} bits`;
    if (keys.enc === undefined) return xf.enc === "null" ? undefined : { field: "enckey", value: undefined, text: "no encryption key specified", hint: missing("enckey", `${xf.enc} needs ${info.keyMin * 8}-${info.keyMax * 8} bits`), stage };
    if (keys.enc < info.keyMin) return { field: "enckey", value: `(${keys.enc * 8} bits)`, text: `encryption key too short (${keys.enc * 8} bits), minimum ${info.keyMin * 8} bits`, hint: range, stage };
    if (keys.enc > info.keyMax) return { field: "enckey", value: `(${keys.enc * 8} bits)`, text: `encryption key too long (${keys.enc * 8} bits), maximum ${info.keyMax * 8} bits`, hint: range, stage };
  }
  return undefined;
}
