/**
 * strtonum(3) as the lexers of pfctl, ipsecctl and iked call it on a number token: `strtonum(buf, LLONG_MIN,
 * LLONG_MAX, &errstr)`. A value outside the range is `"BUF" invalid number: too large` (or `too small`), after which
 * the lexer skips the rest of the line (findeol).
 */
const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** strtonum's error string for a token of digits (an optional `-` first): undefined when it is in range. */
export function llongRange(digits: string): "too large" | "too small" | undefined {
  const n = BigInt(digits);
  return n > LLONG_MAX ? "too large" : n < LLONG_MIN ? "too small" : undefined;
}

/**
 * strtonum(3) of any string, as OpenBSD's parsers call it on a word (`strtonum("pflog" + 5, 0, 255)`): strtoll's
 * leading white space and sign, then base-10 digits to the end. Its errstr: `invalid` (no digits, anything after
 * them), `too small` or `too large`; undefined when the value is in [min, max].
 */
export function strtonumError(s: string, min: number, max: number): "invalid" | "too small" | "too large" | undefined {
  const m = /^[ \t\n\v\f\r]*([-+]?\d+)$/.exec(s);
  if (!m) return "invalid";
  const n = BigInt(m[1]!);
  return n < BigInt(min) ? "too small" : n > BigInt(max) ? "too large" : undefined;
}
