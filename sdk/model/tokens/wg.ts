/**
 * WireGuard tokens (wg(4), ifconfig(8)): keys are 32 bytes written in standard base64 (44 characters
 * ending in `=`), as `WG_LOAD_KEY` in sbin/ifconfig/ifconfig.c decodes them (`b64_pton` must yield
 * exactly WG_KEY_LEN = 32 bytes, else `wgkey: invalid base64`).
 */
import { aString, givenKind, Refusal, type TokenRule } from "./refusal";

/** Length of a WireGuard key in bytes (`WG_KEY_LEN`). */
export const WG_KEY_LEN = 32;
/** ifconfig's bound for `wgpka` (`strtonum(pka, 0, 43200)`: 12 hours). */
export const WG_PKA_MAX = 43200;

const B64_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * A WireGuard key (`wgkey`, `wgpeer`, `wgpsk`): standard base64 of exactly 32 bytes, 44 characters, as
 * `wg genkey` / `openssl rand -base64 32` print it. `what` names it in the reason (`a wgkey`).
 */
export function wgKey(what: string): TokenRule {
  return (v) => {
    const s = aString(v, what, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=");
    if (!B64_KEY.test(s)) {
      const n = /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? Buffer.from(s, "base64").length : undefined;
      throw new Refusal(
        n === undefined ? `${what} is 32 bytes in base64 (44 characters of A-Z a-z 0-9 + / ending in =); this is not base64` : `${what} is 32 bytes in base64 (44 characters ending in =); this decodes to ${n} bytes`,
        "generate one with `openssl rand -base64 32` (a private key) or `wg pubkey` (a public key)",
      );
    }
    return s;
  };
}

/** A UDP port `wgport`/`wgendpoint … PORT` (tinc, OpenVPN: `example` their default): 1–65535 (ifconfig takes 0 for `wgport`, which means "any": we always pin one). */
export function udpPort(what: string, example = 51820): TokenRule<number> {
  return (v) => {
    if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535) return v;
    throw new Refusal(`${what} is a UDP port, an integer in 1–65535; this is ${typeof v === "number" ? (Number.isInteger(v) ? "out of range" : "not an integer") : `not a number (${givenKind(v)} given)`}`, `give a port such as ${example}`);
  };
}
