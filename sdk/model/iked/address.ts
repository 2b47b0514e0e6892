/**
 * Address literals as iked handles them (host_ip(): numeric only, optional `/len`), parsed and printed
 * with ip-num. IPv6 is printed the way getnameinfo(NI_NUMERICHOST) does: lower case, the first longest
 * run of two or more zero groups compressed to `::`.
 */
import { IPv4, IPv6, Validator } from "ip-num";

/** A numeric address, optionally with a prefix length. */
export interface IkedAddr {
  af: "inet" | "inet6";
  /** Numeric value of the address (not masked: iked keeps host bits as written). */
  value: bigint;
  /** Prefix length when written as `ADDR/LEN`. */
  mask?: number;
  /** Canonical text of the address alone. */
  text: string;
}

/** Formats a 128-bit value the way inet_ntop(3) does. */
export function formatIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** Parses `ADDR` or `ADDR/LEN` (numeric only); undefined when it is not a numeric address. */
export function parseAddr(s: string): IkedAddr | undefined {
  const slash = s.indexOf("/");
  const a = slash < 0 ? s : s.slice(0, slash);
  let mask: number | undefined;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(m)) return undefined;
    mask = Number(m);
  }
  if (Validator.isValidIPv4String(a)[0] && /^\d+\.\d+\.\d+\.\d+$/.test(a)) {
    // iked's host(): strtonum(mask, 0, 128) for both families; an IPv4 mask above 32 is kept as written
    if (mask !== undefined && mask > 128) return undefined;
    const ip = IPv4.fromString(a);
    return { af: "inet", value: ip.value, mask, text: ip.toString() };
  }
  if (a.includes(":") && Validator.isValidIPv6String(a)[0]) {
    if (mask !== undefined && mask > 128) return undefined;
    const ip = IPv6.fromString(a);
    return { af: "inet6", value: ip.value, mask, text: formatIPv6(ip.value) };
  }
  return undefined;
}

/** Canonical spelling of a host word: numeric addresses normalised, anything else unchanged. */
export function canonicalHost(s: string): string {
  const a = parseAddr(s);
  if (!a) return s;
  return a.mask === undefined ? a.text : `${a.text}/${a.mask}`;
}
