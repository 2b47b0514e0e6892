/**
 * ipsecctl's host_if (parse.y host → host_if → ifa_lookup, ifa_grouplookup): a flow's or manual SA's address
 * written as an interface or interface-group name stands for that interface's addresses (each IPv4 a /32, each IPv6
 * a /128 host, link-local IPv6 skipped; a group: its members' in turn), in place in the rule's list, so `flow esp
 * from em0 … peer egress` loads and prints as `from 172.16.0.1 … peer 203.0.113.1`. A name that is no interface
 * with an address is left as written (DNS, which the double has not). A manual SA then has one rule per pair of
 * one family (sa-pairs.ts), as expand_rule makes. Pure.
 */
import { familyOf, hostsFileHost } from "../../../sdk/model/ipsec/address";
import { saPairs } from "../../../sdk/model/ipsec/sa-pairs";
import type { IpsecAddress, IpsecStatement } from "../../../sdk/model/ipsec";

/** An interface as host_if sees it: its name, groups, and addresses in kernel order. */
export interface HostIfInterface {
  name: string;
  groups?: readonly string[];
  addresses: readonly { family: "inet" | "inet6"; address: string }[];
}

/** The addresses `name` stands for, or undefined when it is no interface or group with an address. */
export function hostIf(name: string, ifs: readonly HostIfInterface[]): IpsecAddress[] | undefined {
  // ifa_grouplookup first (a group's members, each by ifa_lookup), else the interface itself
  const group = ifs.filter((i) => (i.groups ?? []).includes(name));
  const hit = group.length ? group : ifs.filter((i) => i.name === name);
  const out: IpsecAddress[] = hit.flatMap((i) =>
    i.addresses.filter((a) => !(a.family === "inet6" && /^fe80:/i.test(a.address))).map((a) => ({ kind: "ip" as const, address: a.address.replace(/%.*$/, "") })),
  );
  if (out.length) return out;
  // host_dns(): a name of OpenBSD's own /etc/hosts (`localhost`)
  const dns = hostsFileHost({ kind: "name", name });
  return dns[0]?.kind === "ip" ? dns : undefined;
}

/** The members of group `name` that have an address, as names (undefined when `name` is an interface, or no group). */
function groupMembers(name: string, ifs: readonly HostIfInterface[]): IpsecAddress[] | undefined {
  if (ifs.some((i) => i.name === name)) return undefined;
  const m = ifs.filter((i) => (i.groups ?? []).includes(name) && hostIf(i.name, ifs) !== undefined);
  return m.length ? m.map((i) => ({ kind: "name", name: i.name })) : undefined;
}

/** A list with its names resolved in place; a name's `(NAT)` goes to its first address (`$$->srcnat = $3`). */
const resolveList = (l: readonly IpsecAddress[], ifs: readonly HostIfInterface[]): IpsecAddress[] =>
  l.flatMap((a) => {
    if (a.kind !== "name") return [a];
    const r = hostIf(a.name, ifs);
    if (!r) return [a];
    const nat = a.nat;
    return nat ? r.map((x, i) => (i === 0 && x.kind !== "any" ? { ...x, nat } : x)) : r;
  });

/** `s` with its interface names resolved: a flow's lists in place; a manual SA as one rule per pair. */
export function resolveInterfaces(s: IpsecStatement, ifs: readonly HostIfInterface[]): IpsecStatement[] {
  switch (s.type) {
    case "flow": {
      // set_rule_peers: a peer or local written as a name is the first of its addresses (copyhost of the list's head)
      const one = (a: IpsecAddress | undefined) => (a?.kind === "name" ? (hostIf(a.name, ifs)?.[0] ?? a) : a);
      const [peer, local] = [one(s.peer), one(s.local)];
      return [{ ...s, from: { ...s.from, addresses: resolveList(s.from.addresses, ifs) }, to: { ...s.to, addresses: resolveList(s.to.addresses, ifs) }, ...(peer ? { peer } : {}), ...(local ? { local } : {}) }];
    }
    case "sa":
    case "tcpmd5": {
      if (s.from.kind !== "name" && s.to.kind !== "name") return [s];
      const pairs = saPairs(resolveList([s.from], ifs), resolveList([s.to], ifs));
      return pairs.length ? pairs.map(([from, to]) => ({ ...s, from, to })) : [s];
    }
    case "ike": {
      // ike.c names a host by the `name` host_if gave it: an interface's own name, so a group written in an ike rule
      // stands for its members' names (`from egress` is `from-em1-…`)
      // each member's name once per address host_if gave it (its family kept: expand_rule pairs by family)
      const perAddress = (a: IpsecAddress): IpsecAddress[] => {
        if (a.kind !== "name") return [a];
        const all = hostIf(a.name, ifs)?.filter((x) => x.kind === "ip");
        return all?.length ? all.map((x) => ({ kind: "name" as const, name: a.name, family: familyOf(x) })) : [a];
      };
      // a name's `(NAT)` in a list goes to its first address (`$$->srcnat = $3`)
      const names = (l: readonly IpsecAddress[]) =>
        l.flatMap((a) => {
          if (a.kind !== "name") return [a];
          const out = (groupMembers(a.name, ifs) ?? [a]).flatMap(perAddress);
          const [head, ...rest] = out;
          return a.nat && head && head.kind !== "any" ? [{ ...head, nat: a.nat }, ...rest] : out;
        });
      const one = (a: IpsecAddress | undefined) => (a?.kind === "name" ? (groupMembers(a.name, ifs)?.[0] ?? a) : a);
      const [peer, local] = [one(s.peer), one(s.local)];
      return [{ ...s, from: { ...s.from, addresses: names(s.from.addresses) }, to: { ...s.to, addresses: names(s.to.addresses) }, ...(peer ? { peer } : {}), ...(local ? { local } : {}) }];
    }
  }
}
