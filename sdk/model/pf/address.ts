/**
 * Addresses in pf rules: literal addresses (the shared address model, model/address, after pfctl's
 * `10/8` shorthand; printed as pfctl prints them) and interface names replaced by the interface's
 * addresses (pfctl's host_if()/ifa_lookup()).
 */
import { modifierMode, modifierNoAlias } from "./if-modifier";
import { IPv4CidrRange } from "ip-num";
import { netText, ntop6, parseIpNet, readDottedQuad, readHexNetwork, type IpNet } from "../address/index";
import { hostsFileAddresses as etcHosts } from "../address/hosts-file";
import type { PfAddressFamily, PfHost, PfIfModifier, PfInterface } from "./types";

/** A literal address of a pf rule: the shared model's {@link IpNet} (host bits masked off), with the text pfctl prints for it. */
export type LiteralAddress = IpNet & {
  /** As pfctl prints it: `10.0.0.0/24`, `192.0.2.1` (no `/32` or `/128`), `2001:db8::2`. */
  text: string;
  /** An interface address with a scope (IPv6 link-local): the interface it belongs to (pfctl's ifindex). */
  scope?: string;
};

/** pf's name of a family (`inet`, `inet6`). */
export function pfFamily(n: IpNet): PfAddressFamily {
  return n.family === 4 ? "inet" : "inet6";
}

/** The family of the first of `addrs` (an interface's addresses), undefined when there is none. */
export function firstFamily(addrs: readonly IpNet[]): PfAddressFamily | undefined {
  return addrs[0] ? pfFamily(addrs[0]) : undefined;
}

/**
 * Parses a literal address or network (`192.0.2.1`, `10/8`, `10.1.2.3/24`, `2001:db8::/32`) into
 * pfctl's canonical spelling: host bits masked off, no `/32`/`/128`, IPv6 compressed.
 * Returns undefined when the text is not an address (then pfctl tries an interface, then DNS).
 */
export function parseLiteralAddress(written: string): LiteralAddress | undefined {
  const text = hostIpText(written);
  if (text === undefined) return undefined;
  const q = DOTTED_QUAD.exec(text);
  if (q && !q.slice(1).every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== "0"))) return undefined;
  const slash = text.indexOf("/");
  // inet_net_pton accepts a shortened network when a mask is given (`10/8`)
  const shorthand = slash >= 0 && /^\d{1,3}(\.\d{1,3}){0,2}$/.test(text.slice(0, slash));
  const full = shorthand ? `${[...text.slice(0, slash).split("."), "0", "0", "0"].slice(0, 4).join(".")}${text.slice(slash)}` : text;
  if (slash >= 0 && !/^\d{1,3}$/.test(text.slice(slash + 1))) return undefined;
  const r = parseIpNet(full);
  if (!r || "error" in r) return undefined;
  const n = r.value;
  const host = n.prefix === undefined || n.prefix === (n.family === 4 ? 32 : 128);
  const net: IpNet = host ? { address: n.address, family: n.family } : n;
  // inet_ntop(3) prints an IPv4-mapped address with its dotted tail, as pfctl does
  const t = netText(net);
  const slash2 = t.indexOf("/");
  return { ...net, text: slash2 < 0 ? inetNtop6(t) : `${inetNtop6(t.slice(0, slash2))}${t.slice(slash2)}` };
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * host_ip()'s reading of what canonical literals do not cover, as canonical text (undefined: no address).
 * getaddrinfo(AI_NUMERICHOST) first: a dotted quad with leading zeros the inet_aton way (`010.1.0.1` is
 * 8.1.0.1), a scoped IPv6 address (`fe80::1%em0`; pfctl keeps the scope as the interface index and prints
 * the address alone). Failing that, with a mask, inet_net_pton reads the parts in decimal (`08.1.0.0/16`).
 */
function hostIpText(text: string): string | undefined {
  const slash = text.indexOf("/");
  let addr = slash < 0 ? text : text.slice(0, slash);
  const mask = slash < 0 ? "" : text.slice(slash);
  const pct = addr.indexOf("%");
  if (pct > 0 && addr.includes(":")) {
    if (!/^[A-Za-z0-9_.]+$/.test(addr.slice(pct + 1))) return undefined;
    addr = addr.slice(0, pct);
  }
  const aton = readDottedQuad(addr, "inet_aton");
  if (typeof aton === "string") return aton + mask;
  const parts = addr.split(".");
  if (aton === undefined && mask !== "" && parts.length < 4 && parts.every((p) => /^\d+$/.test(p))) {
    // inet_net_pton: a network of one to three decimal parts, the rest zero (`10/8`, `172.16.00/24`)
    const pton = readDottedQuad([...parts, "0", "0", "0"].slice(0, 4).join("."), "inet_pton");
    return typeof pton === "string" ? pton + mask : undefined;
  }
  // inet_net_pton (with a mask): a hexadecimal network (`0x0a01/16`)
  const hex = mask === "" ? undefined : readHexNetwork(addr);
  if (hex !== undefined) return hex + mask;
  if (aton === null) {
    const pton = mask === "" ? undefined : readDottedQuad(addr, "inet_pton");
    return typeof pton === "string" ? pton + mask : undefined;
  }
  return addr + mask;
}

/** The scope written after a scoped IPv6 literal (`fe80::1%em0` → `em0`), undefined when none. */
export function literalScope(text: string): string | undefined {
  const m = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*%([A-Za-z0-9_.]+)(\/\d+)?$/.exec(text);
  return m?.[1];
}

/**
 * inet_ntop(3)'s spelling of an address as pfctl prints it: an encapsulated IPv4 address with its dotted tail
 * (`::ffff:a00:1` → `::ffff:10.0.0.1`, `::1:0` → `::0.1.0.0`).
 */
function inetNtop6(collapsed: string): string {
  return collapsed.includes(":") ? ntop6(collapsed) : collapsed;
}

/** Family of a canonical literal address. */
export function addressFamily(address: string): PfAddressFamily {
  return address.includes(":") ? "inet6" : "inet";
}

/** The family of a literal host (an address or a range); undefined for names, tables and the rest. */
export function literalFamily(h: PfHost): PfAddressFamily | undefined {
  return h.kind === "address" ? addressFamily(h.address) : h.kind === "range" ? addressFamily(h.from) : undefined;
}

/**
 * Drivers whose interfaces are made by a cloner (sys/net `IF_CLONE_INITIALIZER`): if_clone_create adds each to a group
 * named after its cloner (`carp1` is in `carp`). A physical interface is in no such group: `em` names nothing.
 */
const CLONED_DRIVERS: ReadonlySet<string> = new Set([
  "aggr", "bpe", "bridge", "carp", "egre", "enc", "eoip", "etherip", "gif", "gre", "lo", "mgre", "mpe", "mpip", "mpw", "nvgre",
  "pair", "pflog", "pflow", "pfsync", "ppp", "pppoe", "rport", "sec", "svlan", "tap", "tpmr", "trunk", "tun", "veb", "vether",
  "vlan", "vport", "vxlan", "wg",
]);

/** The cloner group of an interface name (`carp1` → `carp`); undefined for a physical interface (`em0`). */
function driverGroup(name: string): string | undefined {
  const driver = name.replace(/\d+$/, "");
  return CLONED_DRIVERS.has(driver) ? driver : undefined;
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
 * Drivers whose interfaces have no IFF_BROADCAST (sys/net: loopback, point-to-point and pseudo interfaces), so no
 * broadcast address for `:broadcast`: lo, enc, gif, gre and mgre, tun, pppoe, pppx, pflog, pfsync, sec.
 */
const NO_BROADCAST = new Set(["lo", "enc", "gif", "gre", "mgre", "tun", "pppoe", "pppx", "pflog", "pfsync", "sec"]);

/** The interface has broadcast addresses (IFF_BROADCAST), by its driver (the name without its unit number). */
function hasBroadcast(name: string): boolean {
  return !NO_BROADCAST.has(name.replace(/\d+$/, ""));
}

/**
 * Addresses an interface name stands for (pfctl's ifa_lookup): each address as a host, or with
 * `:network` the networks, `:broadcast` the IPv4 broadcast addresses, `:0` only the first address
 * of each family (with a mode: the first the mode keeps), `:peer` nothing (no point-to-point peers are modelled).
 */
export function interfaceAddresses(
  name: string,
  modifier: PfIfModifier | undefined,
  interfaces: readonly PfInterface[],
): LiteralAddress[] {
  const out: LiteralAddress[] = [];
  const mode = modifierMode(modifier);
  const noAlias = modifierNoAlias(modifier);
  for (const itf of interfacesNamed(name, interfaces)) {
    const seen = new Set<4 | 6>();
    for (const a of itf.addresses) {
      const slash = a.indexOf("/");
      const host = slash < 0 ? a : a.slice(0, slash);
      const parsed = parseLiteralAddress(host);
      if (!parsed) continue;
      const prefix = slash < 0 ? (parsed.family === 4 ? 32 : 128) : Number(a.slice(slash + 1));
      // pfctl ifa_lookup(): a link-local IPv6 address carries its interface as scope; `:network` skips it
      const linkLocal = parsed.family === 6 && /^fe[89ab][0-9a-f]:/i.test(parsed.address);
      const scoped = linkLocal ? { ...parsed, scope: itf.name } : parsed;
      // ifa_lookup: the mode's skips first (no IPv6 for :broadcast, no link-local for :network), then :0 takes
      // the first address of each family that is left
      if (mode === "broadcast" && (parsed.family !== 4 || prefix >= 32 || !hasBroadcast(itf.name))) continue;
      if (mode === "network" && linkLocal) continue;
      if (noAlias && seen.has(parsed.family)) continue;
      seen.add(parsed.family);
      switch (mode) {
        case undefined:
          out.push(scoped);
          break;
        case "network": {
          const net = parseLiteralAddress(`${host}/${prefix}`);
          if (net) out.push(net);
          break;
        }
        case "broadcast": {
          const b = parseLiteralAddress(IPv4CidrRange.fromCidr(`${host}/${prefix}`).getLast().toString());
          if (b) out.push(b);
          break;
        }
        case "peer":
          break;
      }
    }
  }
  return out;
}

/** What host_dns() gives for a name of OpenBSD's own /etc/hosts (`localhost`), as pf addresses; undefined for any other. */
export function hostsFileAddresses(name: string): LiteralAddress[] | undefined {
  return etcHosts(name)?.map((a) => parseLiteralAddress(a)!);
}
