/**
 * Set algebra on networks (overlap, containment, sets of disjoint networks), computed with ip-num once
 * per network: what the planner's checks between tunnel ends and CARP segments need.
 */
import { IPv4CidrRange, IPv6CidrRange } from "ip-num";
import { netText, type IpNet } from "./parse";

function range(n: IpNet): IPv4CidrRange | IPv6CidrRange {
  const len = n.prefix ?? (n.family === 4 ? 32 : 128);
  return n.family === 4 ? IPv4CidrRange.fromCidr(`${n.address}/${len}`) : IPv6CidrRange.fromCidr(`${n.address}/${len}`);
}

const boundsCache = new Map<string, [bigint, bigint]>();

/** First and last address of a network as numbers (computed with ip-num once per network). */
export function bounds(n: IpNet): [bigint, bigint] {
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
export function overlaps(a: IpNet, b: IpNet): boolean {
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
  private readonly items: { lo: bigint; hi: bigint; family: 4 | 6; net: IpNet; tag: T }[] = [];

  /** The member overlapping `n`, if any; otherwise adds `n` with `tag` and returns undefined. */
  addOrClash(n: IpNet, tag: T): { net: IpNet; tag: T } | undefined {
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
export function contains(net: IpNet, addr: IpNet): boolean {
  return overlaps(net, { ...addr, prefix: undefined });
}

/** The same set of networks (order-insensitive, canonical text). */
export function sameNets(a: IpNet[], b: IpNet[]): boolean {
  const sa = a.map(netText).sort();
  const sb = b.map(netText).sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
}
