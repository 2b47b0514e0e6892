/** Address helpers of the planner, all through ip-num (via the ipsec model's canonicaliser). */
import { IPv4CidrRange, IPv6CidrRange } from "ip-num";
import { parseIp } from "../model/ipsec/addresses";
import type { IpsecAddress } from "../model/ipsec/types";

/** A parsed address or network. */
export interface Net {
  address: string;
  /** Prefix length; undefined = a host address. */
  prefix?: number;
  family: 4 | 6;
}

/** Parses `addr` or `addr/len` (host bits cleared); undefined when not an IP literal or out of range. */
export function parseNet(text: string): Net | undefined {
  const r = parseIp(text.trim());
  if (!r || "error" in r) return undefined;
  return { address: r.value.address, prefix: r.value.prefix, family: r.value.address.includes(":") ? 6 : 4 };
}

/** Canonical text (`172.16.0.0/24`, `192.0.2.1`). */
export function netText(n: Net): string {
  return n.prefix === undefined ? n.address : `${n.address}/${n.prefix}`;
}

/** As an ipsec.conf address: networks keep their `/len`, hosts have none. */
export function toIpsec(n: Net): IpsecAddress {
  return n.prefix === undefined ? { kind: "ip", address: n.address } : { kind: "ip", address: n.address, prefix: n.prefix };
}

function range(n: Net): IPv4CidrRange | IPv6CidrRange {
  const len = n.prefix ?? (n.family === 4 ? 32 : 128);
  return n.family === 4 ? IPv4CidrRange.fromCidr(`${n.address}/${len}`) : IPv6CidrRange.fromCidr(`${n.address}/${len}`);
}

/** Whether two networks share an address (different families never do). */
export function overlaps(a: Net, b: Net): boolean {
  if (a.family !== b.family) return false;
  const ra = range(a);
  const rb = range(b);
  return a.family === 4 ? (ra as IPv4CidrRange).isOverlapping(rb as IPv4CidrRange) : (ra as IPv6CidrRange).isOverlapping(rb as IPv6CidrRange);
}

/** Whether `addr` lies in `net`. */
export function contains(net: Net, addr: Net): boolean {
  return overlaps(net, { ...addr, prefix: undefined });
}

/** The same set of networks (order-insensitive, canonical text). */
export function sameNets(a: Net[], b: Net[]): boolean {
  const sa = a.map(netText).sort();
  const sb = b.map(netText).sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
}
