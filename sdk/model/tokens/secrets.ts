/**
 * Secrets: pre-shared keys (ipsec.conf `psk`, iked.conf `psk`), carp passwords (hostname.if `pass`, run
 * through netstart's `eval` as root) and hex keys (manual SA keys, sasyncd `sharedkey`). A refusal never
 * quotes the value.
 */
import { aString, charName, Refusal, unsafeChar, type TokenRule } from "./refusal";

/** Shortest PSK accepted: the daemons take one byte, which anyone can guess offline from one handshake. */
export const PSK_MIN = 8;
/**
 * Longest PSK accepted: iked keeps it in `auth_data[IKED_PSK_SIZE]` (1024) with strlcpy, so 1023 bytes
 * (parse.y: "psk too long" above 1024); ipsecctl hands isakmpd the same word. One bound for both daemons
 * keeps a tunnel valid when its `ike` changes.
 */
export const PSK_MAX = 1023;

/** Characters refused in a PSK: the quote and backslash of the quoted word, and whitespace (isakmpd's `set … Authentication=KEY force` is split on blanks). */
const PSK_BAD = /["\\\s]/;

/**
 * A pre-shared key as written in `psk "KEY"` (ipsec.conf, iked.conf): 8–1023 bytes of printable ASCII
 * without `"`, `\` or whitespace. A key starting with `0x` is read as hex by both daemons, so it must be
 * an even number of hex digits.
 */
export const psk: TokenRule = (v) => {
  const s = aString(v, "a pre-shared key", "$(openssl rand -hex 20)");
  const c = unsafeChar(s);
  if (c !== undefined) throw new Refusal(`holds ${charName(c)}`, "use printable ASCII, e.g. `openssl rand -hex 20`");
  if (/[^\x20-\x7e]/.test(s)) throw new Refusal("holds a non-ASCII character (the daemons compare bytes; encodings differ between hosts)", "use printable ASCII, e.g. `openssl rand -hex 20`");
  if (PSK_BAD.test(s)) throw new Refusal("holds a quote, backslash or whitespace, which the quoted `psk` word of ipsec.conf/iked.conf cannot hold", "use letters, digits and punctuation without `\"` and `\\`, e.g. `openssl rand -hex 20`");
  const bytes = Buffer.byteLength(s);
  if (/^0x/i.test(s)) {
    const hex = s.slice(2);
    if (!/^[0-9a-f]+$/i.test(hex)) throw new Refusal("starts with `0x`, so isakmpd and iked read it as hex, but the rest is not hex digits", "give hex digits after `0x` or a key not starting with `0x`");
    if (hex.length % 2) throw new Refusal(`starts with \`0x\` (read as hex) but has an odd number of hex digits (${hex.length})`, "give an even number of hex digits");
    if (hex.length / 2 < PSK_MIN) throw new Refusal(`${hex.length / 2} bytes is too short to resist an offline guess`, `give at least ${PSK_MIN} bytes, e.g. \`0x$(openssl rand -hex 20)\``);
    if (hex.length / 2 > PSK_MAX) throw new Refusal(`${hex.length / 2} bytes: iked holds at most ${PSK_MAX} (IKED_PSK_SIZE)`, "give a shorter key, e.g. `openssl rand -hex 32`");
    return s;
  }
  if (bytes < PSK_MIN) throw new Refusal(`${bytes} bytes is too short to resist an offline guess`, `give at least ${PSK_MIN} bytes, e.g. \`openssl rand -hex 20\``);
  if (bytes > PSK_MAX) throw new Refusal(`${bytes} bytes: iked holds at most ${PSK_MAX} (IKED_PSK_SIZE, "psk too long")`, "give a shorter key, e.g. `openssl rand -hex 32`");
  return s;
};

/** carp(4) keeps the password in `carpr_key[CARP_KEY_LEN]` (20) with strlcpy: 19 bytes, longer ones are cut silently. */
export const CARP_PASS_MAX = 19;

/**
 * A carp password as written in `/etc/hostname.carpN` (`pass WORD`). netstart(8) reads the file line by
 * line, splits it on blanks and `eval`s the ifconfig command as root, so the word is letters, digits and
 * `_.,:@%+=-` only: no newline (a next line starting with `!` is a shell command), no quote, `;`, `$`,
 * backquote, `#`, backslash or blank. 1–19 bytes (CARP_KEY_LEN).
 */
export const carpPassword: TokenRule = (v) => {
  const s = aString(v, "a carp password", "$(openssl rand -hex 8)");
  const c = unsafeChar(s);
  if (c !== undefined) throw new Refusal(`holds ${charName(c)}: netstart runs each line of /etc/hostname.carpN through the shell as root`, "use letters, digits and `_.,:@%+=-`, e.g. `openssl rand -hex 8`");
  if (s === "") throw new Refusal("empty", "give a password or omit `password`");
  if (!/^[A-Za-z0-9_.,:@%+=-]+$/.test(s)) throw new Refusal("holds a character the shell interprets: netstart `eval`s each line of /etc/hostname.carpN as root", "use letters, digits and `_.,:@%+=-`, e.g. `openssl rand -hex 8`");
  if (Buffer.byteLength(s) > CARP_PASS_MAX) throw new Refusal(`${Buffer.byteLength(s)} bytes: carp keeps ${CARP_PASS_MAX} (CARP_KEY_LEN) and cuts the rest silently`, `give at most ${CARP_PASS_MAX} characters, e.g. \`openssl rand -hex 8\``);
  return s;
};

/**
 * A key in hex (with or without `0x`), of one of the lengths `bytes` allows; returns lower-case digits
 * without `0x`. A non-hex value is refused as such, before its length is considered.
 */
export function hexKey(what: string, bytes: readonly number[] | { min: number; max: number }): TokenRule {
  const allowed = Array.isArray(bytes) ? (bytes as readonly number[]) : undefined;
  const range = Array.isArray(bytes) ? undefined : (bytes as { min: number; max: number });
  const digits = allowed ? allowed.map((b) => b * 2).join(", ").replace(/, (\d+)$/, " or $1") : `${range!.min * 2}–${range!.max * 2}`;
  const ex = allowed ? allowed[allowed.length - 1]! : range!.max;
  return (v) => {
    const s = aString(v, `${what} in hex`, `0x$(openssl rand -hex ${ex})`);
    const hex = s.replace(/^0x/i, "");
    const c = unsafeChar(hex);
    if (c !== undefined || !/^[0-9a-f]*$/i.test(hex)) throw new Refusal(`not hex: ${what} is written as hex digits 0-9 a-f`, `give ${digits} hex digits, e.g. from \`openssl rand -hex ${ex}\``);
    if (hex.length === 0) throw new Refusal("empty", `give ${digits} hex digits, e.g. from \`openssl rand -hex ${ex}\``);
    if (hex.length % 2) throw new Refusal(`an odd number of hex digits (${hex.length})`, `give ${digits} hex digits, e.g. from \`openssl rand -hex ${ex}\``);
    const n = hex.length / 2;
    if (allowed ? !allowed.includes(n) : n < range!.min || n > range!.max)
      throw new Refusal(`${n} bytes; ${what} is ${allowed ? allowed.join(", ").replace(/, (\d+)$/, " or $1") : `${range!.min}–${range!.max}`} bytes`, `give ${digits} hex digits, e.g. from \`openssl rand -hex ${ex}\``);
    return hex.toLowerCase();
  };
}

/** sasyncd `sharedkey`: an AES key of 16, 24 or 32 bytes (conf.y refuses other sizes). */
export const sasyncdKey: TokenRule = hexKey("a sasyncd sharedkey (AES)", [16, 24, 32]);

/** The least length of a key seed (a Gateway's `keySeed`, a CertificateAuthority's): every derived key is as hard to guess as it. */
export const KEY_SEED_MIN = 16;

/** A key seed: a string of at least {@link KEY_SEED_MIN} characters (a secret: never shown). */
export const keySeed: TokenRule = (v) => {
  if (typeof v !== "string" || v.length < KEY_SEED_MIN) throw new Refusal(`a key seed is a string of at least ${KEY_SEED_MIN} characters`, "generate one with `openssl rand -hex 32` and keep it with `pulumi config set --secret`");
  return v;
};
