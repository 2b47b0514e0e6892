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

const netCache = new Map<string, Net | undefined>();

/**
 * Parses `addr` or `addr/len` (host bits cleared); undefined when not an IP literal or out of range.
 * Memoised: a mesh names each network once per tunnel end, and ip-num parsing is costly.
 */
export function parseNet(text: string): Net | undefined {
  if (netCache.has(text)) return netCache.get(text);
  const r = parseIp(text.trim());
  const n: Net | undefined = !r || "error" in r ? undefined : { address: r.value.address, prefix: r.value.prefix, family: r.value.address.includes(":") ? 6 : 4 };
  if (netCache.size > 100_000) netCache.clear();
  netCache.set(text, n);
  return n;
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

const boundsCache = new Map<string, [bigint, bigint]>();

/** First and last address of a network as numbers (computed with ip-num once per network). */
export function bounds(n: Net): [bigint, bigint] {
  const key = `${n.family}|${netText(n)}`;
  let b = boundsCache.get(key);
  if (!b) {
    const r = range(n);
    b = [r.getFirst().getValue(), r.getLast().getValue()];
    if (boundsCache.size > 100_000) boundsCache.clear();
    boundsCache.set(key, b);
  }
  return b;
}

/** Whether two networks share an address (different families never do). */
export function overlaps(a: Net, b: Net): boolean {
  if (a.family !== b.family) return false;
  const [a0, a1] = bounds(a);
  const [b0, b1] = bounds(b);
  return a0 <= b1 && b0 <= a1;
}

/**
 * A set of disjoint networks (one family each) with O(log n) overlap queries: kept sorted by first
 * address, so a new network overlaps a member iff it overlaps its predecessor or successor.
 */
export class NetSet<T> {
  private readonly items: { lo: bigint; hi: bigint; family: 4 | 6; net: Net; tag: T }[] = [];

  /** The member overlapping `n`, if any; otherwise adds `n` with `tag` and returns undefined. */
  addOrClash(n: Net, tag: T): { net: Net; tag: T } | undefined {
    const [lo, hi] = bounds(n);
    const key = (f: 4 | 6, x: bigint) => (f === 4 ? x : x + (1n << 130n));
    const k = key(n.family, lo);
    let a = 0;
    let b = this.items.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (key(this.items[m]!.family, this.items[m]!.lo) <= k) a = m + 1;
      else b = m;
    }
    for (const i of [a - 1, a]) {
      const it = this.items[i];
      if (it && it.family === n.family && it.lo <= hi && lo <= it.hi) return { net: it.net, tag: it.tag };
    }
    this.items.splice(a, 0, { lo, hi, family: n.family, net: n, tag });
    return undefined;
  }
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
