/**
 * Dotted quads with leading zeros (`10.2.00.0`, `010.1.0.1`), which the canonical model (parse.ts) refuses but
 * OpenBSD's tools read, each in its own way:
 * - `inet_pton`: ipsecctl's host_v4() (inet_pton/inet_net_pton): every part decimal, 0-255, any number of
 *   digits (`010` is 10).
 * - `inet_aton`: iked's host_ip() and pfctl's host_ip() (getaddrinfo AI_NUMERICHOST): a dotted quad
 *   inet_pton accepts, each part then read the inet_aton(3) way — a leading `0` makes it octal (`010` is 8,
 *   `08` is refused).
 */
export type DottedQuadRule = "inet_pton" | "inet_aton";

/**
 * Reads `text` as a dotted quad under `rule`: its canonical spelling (`010.1.0.1` → `8.1.0.1` with
 * inet_aton); null when it is a dotted quad of decimal digits the tool refuses; undefined when it is no
 * dotted quad of digits at all (then other readings apply).
 */
export function readDottedQuad(text: string, rule: DottedQuadRule): string | null | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  // inet_pton: decimal parts of at most 255 (leading zeros allowed)
  if (!parts.every((p) => Number(p) <= 255)) return null;
  if (rule === "inet_pton") return parts.map((p) => String(Number(p))).join(".");
  const octets: number[] = [];
  for (const p of parts) {
    if (p.length > 1 && p.startsWith("0")) {
      if (!/^[0-7]+$/.test(p)) return null;
      octets.push(parseInt(p, 8));
    } else octets.push(Number(p));
  }
  return octets.join(".");
}

/**
 * inet_net_pton(3)'s hexadecimal IPv4 network (`0x0a01` of `0x0a01/16`, pfctl's and ipsecctl's host() read it when a
 * mask is given): the digits after `0x`/`0X` two to a byte, a last odd one the high half of its byte, the bytes
 * missing zero (`0xa` is 160.0.0.0). Undefined when it is no such text or longer than an address.
 */
export function readHexNetwork(text: string): string | undefined {
  const m = /^0[xX]([0-9a-fA-F]{1,8})$/.exec(text);
  if (!m) return undefined;
  const digits = m[1]!.length % 2 ? `${m[1]!}0` : m[1]!;
  const bytes = (digits.match(/../g) ?? []).map((b) => parseInt(b, 16));
  return [...bytes, 0, 0, 0].slice(0, 4).join(".");
}
