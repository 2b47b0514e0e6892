/**
 * strtod(3) as pfctl calls it on a word (`bandwidth 1.5M`, `start 25%`): the longest prefix that is a number
 * (leading spaces, a sign, decimal with an exponent, `0x` hex with a `p` exponent, `inf`, `infinity`, `nan`), and
 * what follows it. No number at all is 0, with the whole word left (strtod's `endptr` at the start).
 */
export function strtod(text: string): { value: number; rest: string } {
  const m = /^\s*([-+]?)(?:(0[xX])((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([-+]?\d+))?|((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(inf(?:inity)?|nan))/i.exec(text);
  if (!m) return { value: 0, rest: text };
  const sign = m[1] === "-" ? -1 : 1;
  let value: number;
  if (m[2]) {
    const [int, frac = ""] = m[3]!.split(".");
    value = (parseInt(int || "0", 16) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0)) * 2 ** Number(m[4] ?? 0);
  } else if (m[5]) value = Number(m[5]);
  else value = m[6]!.toLowerCase() === "nan" ? Number.NaN : Number.POSITIVE_INFINITY;
  return { value: sign * value, rest: text.slice(m[0].length) };
}
