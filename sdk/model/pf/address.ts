/**
 * Addresses in pf rules: literal addresses (the shared model's literal rules, model/address, plus pfctl's
 * `10/8` shorthand; canonicalised with ip-num as pfctl prints them) and
 * interface names replaced by the interface's addresses (pfctl's host_if()/ifa_lookup()).
 */
import { IPv4CidrRange, IPv6CidrRange, collapseIPv6Number } from "ip-num";
import { isIPv4Literal, isIPv6Literal } from "../address/index";
import type { PfAddressFamily, PfIfModifier, PfInterface } from "./types";

/** A literal address with its family, canonical: `10.0.0.0/24`, `192.0.2.1`, `2001:db8::2`. */
export interface LiteralAddress {
  address: string;
  af: PfAddressFamily;
  /** An interface address with a scope (IPv6 link-local): the interface it belongs to (pfctl's ifindex). */
  scope?: string;
}

/**
 * Parses a literal address or network (`192.0.2.1`, `10/8`, `10.1.2.3/24`, `2001:db8::/32`) into
 * pfctl's canonical spelling: host bits masked off, no `/32`/`/128`, IPv6 compressed.
 * Returns undefined when the text is not an address (then pfctl tries an interface, then DNS).
 */
export function parseLiteralAddress(text: string): LiteralAddress | undefined {
  // Fast path (validation only, no address arithmetic): a dotted quad without mask is canonical
  // when every octet is 0-255 without leading zeros.
  const q = DOTTED_QUAD.exec(text);
  if (q) {
    return q.slice(1).every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== "0")) ? { address: text, af: "inet" } : undefined;
  }
  const hit = cache.get(text);
  if (hit !== undefined || cache.has(text)) return hit;
  if (cache.size > 50_000) cache.clear();
  let parsed: LiteralAddress | undefined;
  try {
    parsed = parseWithIpNum(text);
  } catch {
    parsed = undefined; // ip-num rejects some forms its validator accepts (e.g. `::192.168.15.5`)
  }
  cache.set(text, parsed);
  return parsed;
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** ip-num is thorough but slow (tens of µs per call); rule sets repeat addresses. */
const cache = new Map<string, LiteralAddress | undefined>();

function parseWithIpNum(text: string): LiteralAddress | undefined {
  const slash = text.indexOf("/");
  let addr = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? undefined : text.slice(slash + 1);
  if (maskText !== undefined && !/^\d{1,3}$/.test(maskText)) return undefined;
  const mask = maskText === undefined ? undefined : Number(maskText);
  if (addr.includes(":")) {
    // an embedded IPv4 tail (`::ffff:10.0.0.1`) as two 16-bit groups, which ip-num reads
    const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(addr);
    if (v4) {
      if (!isIPv4Literal(v4[2]!)) return undefined;
      const o = v4[2]!.split(".").map(Number);
      addr = `${v4[1]}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
    }
    if (!isIPv6Literal(addr)) return undefined;
    const bits = mask ?? 128;
    if (bits > 128) return undefined;
    const range = IPv6CidrRange.fromCidr(`${addr}/${bits}`);
    const first = inetNtop6(collapseIPv6Number(range.getFirst().toString()));
    return { address: bits === 128 ? first : `${first}/${bits}`, af: "inet6" };
  }
  // inet_net_pton accepts a shortened network when a mask is given (`10/8`).
  if (mask !== undefined && /^\d{1,3}(\.\d{1,3}){0,2}$/.test(addr)) {
    const parts = addr.split(".");
    while (parts.length < 4) parts.push("0");
    addr = parts.join(".");
  }
  if (!isIPv4Literal(addr)) return undefined;
  const bits = mask ?? 32;
  if (bits > 32) return undefined;
  const first = IPv4CidrRange.fromCidr(`${addr}/${bits}`).getFirst().toString();
  return { address: bits === 32 ? first : `${first}/${bits}`, af: "inet" };
}

/**
 * inet_ntop(3)'s spelling of an IPv4-mapped address (`::ffff:a00:1` → `::ffff:10.0.0.1`), as pfctl prints it.
 * (The v4-compatible form `::a.b.c.d` is left in hex: the model never writes it.)
 */
function inetNtop6(collapsed: string): string {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(collapsed);
  if (!m) return collapsed;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Family of a canonical literal address. */
export function addressFamily(address: string): PfAddressFamily {
  return address.includes(":") ? "inet6" : "inet";
}

/** Driver group of an interface name (`em0` → `em`), which OpenBSD adds to every interface. */
function driverGroup(name: string): string {
  return name.replace(/\d+$/, "");
}

/** The interfaces a name designates: the interface itself, the members of a group, or all for `self`. */
export function interfacesNamed(name: string, interfaces: readonly PfInterface[]): PfInterface[] {
  if (name === "self") return [...interfaces];
  const exact = interfaces.filter((i) => i.name === name);
  if (exact.length > 0) return exact;
  return interfaces.filter((i) => i.groups.includes(name) || driverGroup(i.name) === name);
}

/** True when `name` is an interface, a group with members, or `self`. */
export function interfaceExists(name: string, interfaces: readonly PfInterface[]): boolean {
  return name === "self" || interfacesNamed(name, interfaces).length > 0 ||
    interfaces.some((i) => i.groups.includes(name));
}

/**
 * Addresses an interface name stands for (pfctl's ifa_lookup): each address as a host, or with
 * `:network` the networks, `:broadcast` the IPv4 broadcast addresses, `:0` only the first address
 * of each family, `:peer` nothing (no point-to-point peers are modelled).
 */
export function interfaceAddresses(
  name: string,
  modifier: PfIfModifier | undefined,
  interfaces: readonly PfInterface[],
): LiteralAddress[] {
  const out: LiteralAddress[] = [];
  for (const itf of interfacesNamed(name, interfaces)) {
    const seen = new Set<PfAddressFamily>();
    for (const a of itf.addresses) {
      const slash = a.indexOf("/");
      const host = slash < 0 ? a : a.slice(0, slash);
      const parsed = parseLiteralAddress(host);
      if (!parsed) continue;
      const prefix = slash < 0 ? (parsed.af === "inet" ? 32 : 128) : Number(a.slice(slash + 1));
      // pfctl ifa_lookup(): a link-local IPv6 address carries its interface as scope; `:network` skips it
      const linkLocal = parsed.af === "inet6" && /^fe[89ab][0-9a-f]:/i.test(parsed.address);
      const scoped = linkLocal ? { ...parsed, scope: itf.name } : parsed;
      switch (modifier) {
        case undefined:
          out.push(scoped);
          break;
        case "0":
          if (!seen.has(parsed.af)) out.push(scoped);
          seen.add(parsed.af);
          break;
        case "network": {
          if (linkLocal) break;
          const net = parseLiteralAddress(`${host}/${prefix}`);
          if (net) out.push(net);
          break;
        }
        case "broadcast":
          if (parsed.af === "inet" && prefix < 32) {
            out.push({ address: IPv4CidrRange.fromCidr(`${host}/${prefix}`).getLast().toString(), af: "inet" });
          }
          break;
        case "peer":
          break;
      }
    }
  }
  return out;
}
