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

/**
 * strtol(s, &end, 0) that must read all of `s`, as ipsecctl's host() reads a netmask: strtol's leading white space
 * and sign, then `0x` hex, `0` octal or decimal digits to the end. Undefined when nothing or not everything is
 * read, or the value is outside a long (ERANGE).
 */
export function strtolWhole(s: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 ? (body.startsWith("0") ? BigInt(`0o${body.slice(1)}`) : BigInt(body)) : BigInt(body);
  const n = m[1] === "-" ? -v : v;
  return n > LLONG_MAX || n < LLONG_MIN ? undefined : n;
}
