/**
 * parse.y atoul(): strtoul(s, &ep, 0) over the whole string, after strtoul's leading white space — decimal, `0x` hex
 * or `0` octal, with an optional sign (a negative number wraps around as an unsigned long: -1 is
 * 18446744073709551615). Undefined when it is not a whole number (`08`, `1.5`, `0x`) or overflows (ERANGE), where
 * pfctl looks the text up otherwise (a service name) or refuses it ("is not a number").
 */
export function atoul(s: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body.startsWith("0") ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  const MAX = 1n << 64n;
  if (v >= MAX) return undefined;
  return m[1] === "-" ? (MAX - v) % MAX : v;
}
