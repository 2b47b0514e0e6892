/**
 * Addresses as written, host bits kept (iked's host_ip(), hostname.if's carppeer): numeric only, an
 * optional `/len` kept as given, printed the way getnameinfo(NI_NUMERICHOST) does (IPv4 dotted, IPv6
 * lower case with the first longest run of two or more zero groups as `::`).
 */
import { IPv4, IPv6 } from "ip-num";
import { readDottedQuad, type DottedQuadRule } from "./dotted";
import { formatIPv6, isIPv4Literal, isIPv6Literal } from "./parse";

/** A numeric address, optionally with a prefix length. */
export interface WrittenAddress {
  af: "inet" | "inet6";
  /** Numeric value of the address (not masked: iked keeps host bits as written). */
  value: bigint;
  /** Prefix length when written as `ADDR/LEN`. */
  mask?: number;
  /** Canonical text of the address alone (with `%scope` for a scoped IPv6 address). */
  text: string;
  /** The scope zone of a scoped IPv6 address (`fe80::1%em0` → `em0`), when written and allowed. */
  scope?: string;
}

/** What a language reads beyond canonical literals (each defaults to no). */
export interface WrittenAddressRules {
  /** Dotted quads with leading zeros, read the way this rule says (model/address/dotted.ts). */
  dottedQuad?: DottedQuadRule;
  /** IPv6 addresses with a scope, `ADDR%IF` or `ADDR%N` (getaddrinfo's KAME scope). */
  scoped?: boolean;
}

/** Parses `ADDR` or `ADDR/LEN` (numeric only); undefined when it is not a numeric address. */
export function parseWrittenAddress(s: string, rules: WrittenAddressRules = {}): WrittenAddress | undefined {
  const slash = s.indexOf("/");
  let a = slash < 0 ? s : s.slice(0, slash);
  let scope: string | undefined;
  const pct = a.indexOf("%");
  if (rules.scoped && pct >= 0) {
    scope = a.slice(pct + 1);
    a = a.slice(0, pct);
    if (!/^[A-Za-z0-9_.]+$/.test(scope) || !isIPv6Literal(a)) return undefined;
  }
  if (rules.dottedQuad !== undefined && !isIPv4Literal(a)) {
    const q = readDottedQuad(a, rules.dottedQuad);
    if (q === null) return undefined;
    if (q !== undefined) a = q;
  }
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
    const text = formatIPv6(ip.value);
    return scope === undefined ? { af: "inet6", value: ip.value, mask, text } : { af: "inet6", value: ip.value, mask, text: `${text}%${scope}`, scope };
  }
  return undefined;
}

/** Canonical spelling of a host word: numeric addresses normalised, anything else unchanged. */
export function canonicalWritten(s: string, rules: WrittenAddressRules = {}): string {
  const a = parseWrittenAddress(s, rules);
  if (!a) return s;
  return a.mask === undefined ? a.text : `${a.text}/${a.mask}`;
}
