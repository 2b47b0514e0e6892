/**
 * The one address/network model of the project, on ip-num: which text is an IPv4 or IPv6 literal, its
 * canonical spelling, its prefix length and whether host bits were set. Every language (ipsec.conf,
 * iked.conf, hostname.if, sasyncd.conf, the tools' outputs), the components' checks and the planner parse
 * through here; each language keeps only its own printing rules (a thin function over {@link IpNet}).
 * pf.conf's literal parser (pf/address.ts) adds pfctl's shorthand (`10/8`) and prints through here.
 */
import { IPv4, IPv4CidrRange, IPv4Mask, IPv4Prefix, IPv6, IPv6CidrRange, IPv6Prefix, Validator, collapseIPv6Number } from "ip-num";

/** An IP family: 4 or 6. */
export type IpFamily = 4 | 6;

/** A parsed address or network, canonical (IPv4 dotted quad, IPv6 compressed lower case; host bits masked off). */
export interface IpNet {
  /** The address, or the network's first address. */
  address: string;
  /** Prefix length; undefined = a host address written without one. */
  prefix?: number;
  family: IpFamily;
}

/** Dotted quad in canonical form (no leading zeros, octets 0-255): ip-num's own text of it is the same. */
const CANONICAL_V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `text` is an IPv4 literal: a full dotted quad (octets 0-255). */
export function isIPv4Literal(text: string): boolean {
  return CANONICAL_V4.test(text) || (/^\d{1,3}(\.\d{1,3}){3}$/.test(text) && Validator.isValidIPv4String(text)[0]);
}

/** Whether `text` is an IPv6 literal (no scope, no prefix). */
export function isIPv6Literal(text: string): boolean {
  return /^[0-9A-Fa-f:.]+$/.test(text) && text.includes(":") && Validator.isValidIPv6String(text)[0];
}

/** The family of an address literal; undefined when it is none. */
export function literalFamily(text: string): IpFamily | undefined {
  return isIPv4Literal(text) ? 4 : isIPv6Literal(text) ? 6 : undefined;
}

/** Result of {@link parseIpNet}: undefined when the text is no IP literal; `error` when its prefix is out of range. */
export type ParsedIpNet = { value: IpNet; hostBits: boolean } | { error: string } | undefined;

/** ip-num's string conversions dominate parsing; configurations repeat addresses, and the validators re-check them. */
const CACHE_MAX = 250_000;
const cache = new Map<string, ParsedIpNet>();

/**
 * Parses `addr` or `addr/len` into its canonical {@link IpNet} (host bits cleared; `hostBits` says whether
 * any were set). Memoised: a mesh names each network once per tunnel end.
 */
export function parseIpNet(text: string): ParsedIpNet {
  let r = cache.get(text);
  if (r === undefined && !cache.has(text)) {
    if (cache.size >= CACHE_MAX) cache.clear();
    r = parseUncached(text);
    cache.set(text, r);
  }
  return r && "value" in r ? { value: { ...r.value }, hostBits: r.hostBits } : r;
}

/** {@link parseIpNet} without the error case: undefined when not a literal or out of range. */
export function parseNet(text: string): IpNet | undefined {
  const r = parseIpNet(text.trim());
  return !r || "error" in r ? undefined : r.value;
}

function net(address: string, family: IpFamily, prefix?: number): IpNet {
  return prefix === undefined ? { address, family } : { address, prefix, family };
}

function parseUncached(text: string): ParsedIpNet {
  try {
    return parseLiteral(text);
  } catch {
    return undefined; // ip-num refuses some forms its validator accepts (e.g. `::192.168.15.5`)
  }
}

function parseLiteral(text: string): ParsedIpNet {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? undefined : text.slice(1 + slash);
  const v4 = isIPv4Literal(addr);
  const v6 = !v4 && isIPv6Literal(addr);
  if (!v4 && !v6) return undefined;
  const max = v4 ? 32 : 128;
  if (lenText !== undefined && (!/^\d+$/.test(lenText) || Number(lenText) > max)) return { error: `invalid netmask '/${lenText}'` };
  if (v4) {
    const ip = CANONICAL_V4.test(addr) ? undefined : new IPv4(addr);
    const asText = ip ? ip.toString() : addr;
    if (lenText === undefined) return { value: net(asText, 4), hostBits: false };
    const len = Number(lenText);
    const first = new IPv4CidrRange(ip ?? new IPv4(addr), IPv4Prefix.fromNumber(BigInt(len))).getFirst().toString();
    return { value: net(first, 4, len), hostBits: first !== asText };
  }
  const ip = new IPv6(addr);
  const asText = collapseIPv6Number(ip.toString());
  if (lenText === undefined) return { value: net(asText, 6), hostBits: false };
  const len = Number(lenText);
  const first = collapseIPv6Number(new IPv6CidrRange(ip, IPv6Prefix.fromNumber(BigInt(len))).getFirst().toString());
  return { value: net(first, 6, len), hostBits: first !== asText };
}

/** Canonical text (`172.16.0.0/24`, `192.0.2.1`). */
export function netText(n: IpNet): string {
  return n.prefix === undefined ? n.address : `${n.address}/${n.prefix}`;
}

/** An IPv6 address's text (any spelling ip-num reads) as OpenBSD's inet_ntop(3) prints it ({@link formatIPv6}). */
export function ntop6(text: string): string {
  return formatIPv6(IPv6.fromString(text).value);
}

/**
 * Formats a 128-bit value the way OpenBSD's inet_ntop(3) does: lower case, the first longest run of two or more zero
 * groups as `::`, an encapsulated IPv4 address's last 32 bits dotted (`::ffff:10.0.0.1`, `::255.255.0.0`).
 */
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
  // an encapsulated IPv4 address (inet_ntop6): v4-compatible `::a.b.c.d` (the first six groups the zero run) or
  // v4-mapped `::ffff:a.b.c.d`, its last 32 bits dotted
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && groups[5] === 0xffff))) {
    const quad = [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
    return bestLen === 6 ? `::${quad}` : `::ffff:${quad}`;
  }
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * The prefix length of an IPv4 netmask written dotted (`255.255.255.0`, hostname.if) or in hex
 * (`0xffffff00`, as ifconfig prints it and netstart accepts); undefined when it is not a contiguous mask.
 */
export function netmaskPrefix(text: string): number | undefined {
  const dotted = /^0x[0-9a-fA-F]{1,8}$/.test(text) ? IPv4.fromNumber(BigInt(text)).toString() : text;
  if (!isIPv4Literal(dotted) || !Validator.isValidIPv4Mask(dotted)[0]) return undefined;
  return IPv4Mask.fromDecimalDottedString(dotted).prefix;
}

/** An IP address, host only (no `/len`), with a KAME scope when written `fe80::1%em0`. */
export type ScopedIp = IpNet & {
  /** The scope zone of a link-local IPv6 address (`fe80::1%em0` → `em0`), when written. */
  scope?: string;
};

/** Parses a host address as the tools print it (`192.0.2.1`, `2001:db8::1`, `fe80::1%em0`), canonical; undefined when it is none. */
export function parseScopedIp(text: string): ScopedIp | undefined {
  const pct = text.indexOf("%");
  const bare = pct >= 0 ? text.slice(0, pct) : text;
  const scope = pct >= 0 ? text.slice(pct + 1) : undefined;
  if (bare.includes("/") || (scope !== undefined && !/^[A-Za-z0-9_.]+$/.test(scope))) return undefined;
  const n = parseNet(bare);
  if (!n || (scope !== undefined && n.family !== 6)) return undefined;
  return scope === undefined ? n : { ...n, scope };
}
