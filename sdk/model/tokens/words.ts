/**
 * Words and numbers: identities (`srcid`/`dstid`, quoted in ipsec.conf and iked.conf), rcctl flags
 * (rc.conf.local, read by the shell), enumerations and bounded integers.
 */
import { aString, givenKind, Refusal, refuseUnsafe, shown, type TokenRule } from "./refusal";

/**
 * An IKE identity (`srcid`/`dstid`): an FQDN, `user@fqdn` or an address, written quoted by the renderers.
 * Printable ASCII without quotes, backslash, `#` or blanks, 1–255 bytes.
 */
export const identity: TokenRule = (v) => {
  const s = aString(v, "an IKE identity", "gw1.example.org");
  refuseUnsafe(s, "ipsec.conf/iked.conf", "give an FQDN, `user@fqdn` or an address");
  if (!/^[A-Za-z0-9_.:@/+=,-]+$/.test(s) || s.length > 255) throw new Refusal("an identity is an FQDN, `user@fqdn` or an address (letters, digits and `_.:@/+=,-`, at most 255 bytes)", "write e.g. `gw1.example.org`");
  return s;
};

/**
 * Flags of an rc.d daemon (`rcctl set NAME flags …`, stored as `NAME_flags=…` in /etc/rc.conf.local,
 * which rc(8) sources): words of letters, digits and `_.,:/=+@%-` separated by single spaces; no
 * quotes, `$`, `;`, backquote, `#`, redirections or newlines.
 */
export const rcFlags: TokenRule = (v) => {
  const s = aString(v, "daemon flags", "-v");
  refuseUnsafe(s, "/etc/rc.conf.local (sourced by the shell)", "give plain flags, e.g. `-v`");
  if (!/^([A-Za-z0-9_.,:/=+@%-]+( [A-Za-z0-9_.,:/=+@%-]+)*)?$/.test(s)) throw new Refusal("flags are words of letters, digits and `_.,:/=+@%-` separated by single spaces (rc.conf.local is read by the shell)", "give plain flags, e.g. `-v -d`");
  return s;
};

/** One of `values` (enumerations such as `ike`, `mode`, `satype`). */
export function oneOf<T extends string>(values: readonly T[]): TokenRule<T> {
  return (v) => {
    if (typeof v === "string" && (values as readonly string[]).includes(v)) return v as T;
    // a list or an object is named as what was given: `auth = ["publickey"]` holds one of them, but not as a word
    throw new Refusal(`not one of ${values.join(", ")}${typeof v === "object" && v !== null ? ` (${givenKind(v)} given)` : ""}`, `use ${values.map((x) => `\`${x}\``).join(", ").replace(/, ([^,]+)$/, " or $1")}`);
  };
}

/**
 * An integer in `min`–`max` (`what` names the field's meaning, e.g. `a vhid`). A string of digits is refused with its
 * quotes shown (`a string given: "22"`): the value alone reads as the number it is not.
 */
export function integer(what: string, min: number, max: number, fix?: string): TokenRule<number> {
  return (v) => {
    if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
    const got = typeof v === "number" ? (Number.isInteger(v) ? "out of range" : "not an integer") : `not a number (${givenKind(v)} given: ${typeof v === "string" ? JSON.stringify(v) : shown(v)})`;
    throw new Refusal(`${what} is an integer in ${min}–${max}; this is ${got}`, fix ?? `give an integer in ${min}–${max}`);
  };
}

/** Characters of a hostname.if word that survive netstart's `read` (backslashes), word splitting and `eval` unchanged. */
const HN_WORD = /^[A-Za-z0-9_.,:@%+=/-]+$/;

/**
 * A word of /etc/hostname.IF. netstart(8) reads each line without `-r` (backslashes are eaten), splits it
 * on blanks and `eval`s the resulting ifconfig command as root: a word is written bare, of letters,
 * digits and `_.,:@%+=/-` only — no quoting can make other characters safe.
 */
export const hostnameIfWord: TokenRule = (v) => {
  const s = aString(v, "a hostname.if word", "up");
  refuseUnsafe(s, "/etc/hostname.IF (run through the shell by netstart)", "use letters, digits and `_.,:@%+=/-`");
  if (!HN_WORD.test(s)) throw new Refusal("holds a character the shell interprets: netstart `eval`s each line of /etc/hostname.IF as root", "use letters, digits and `_.,:@%+=/-`");
  return s;
};

/** A hostname.if free text (`description "…"`): {@link hostnameIfWord}s separated by single spaces (written between double quotes). */
export const hostnameIfText: TokenRule = (v) => {
  const s = aString(v, "a description", "uplink to ISP");
  if (s === "") return s;
  for (const w of s.split(" ")) {
    if (w === "") throw new Refusal("two blanks in a row or a leading/trailing blank (netstart's word splitting would change the text)", "separate words with one space");
    hostnameIfWord(w);
  }
  return s;
};
