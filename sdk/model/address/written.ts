/**
 * Addresses as written, host bits kept (iked's host_ip(), hostname.if's carppeer): numeric only, an
 * optional `/len` kept as given, printed the way getnameinfo(NI_NUMERICHOST) does (IPv4 dotted, IPv6
 * lower case with the first longest run of two or more zero groups as `::`).
 */
import { IPv4, IPv6 } from "ip-num";
import { formatIPv6, isIPv4Literal, isIPv6Literal } from "./parse";

/** A numeric address, optionally with a prefix length. */
export interface WrittenAddress {
  af: "inet" | "inet6";
  /** Numeric value of the address (not masked: iked keeps host bits as written). */
  value: bigint;
  /** Prefix length when written as `ADDR/LEN`. */
  mask?: number;
  /** Canonical text of the address alone. */
  text: string;
}

/** Parses `ADDR` or `ADDR/LEN` (numeric only); undefined when it is not a numeric address. */
export function parseWrittenAddress(s: string): WrittenAddress | undefined {
  const slash = s.indexOf("/");
  const a = slash < 0 ? s : s.slice(0, slash);
  let mask: number | undefined;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(m)) return undefined;
    mask = Number(m);
  }
  if (isIPv4Literal(a)) {
    // as iked's host(): strtonum(mask, 0, 128) for both families; an IPv4 mask above 32 is kept as written
    if (mask !== undefined && mask > 128) return undefined;
    const ip = IPv4.fromString(a);
    return { af: "inet", value: ip.value, mask, text: ip.toString() };
  }
  if (isIPv6Literal(a)) {
    if (mask !== undefined && mask > 128) return undefined;
    const ip = IPv6.fromString(a);
    return { af: "inet6", value: ip.value, mask, text: formatIPv6(ip.value) };
  }
  return undefined;
}

/** Canonical spelling of a host word: numeric addresses normalised, anything else unchanged. */
export function canonicalWritten(s: string): string {
  const a = parseWrittenAddress(s);
  if (!a) return s;
  return a.mask === undefined ? a.text : `${a.text}/${a.mask}`;
}
