/**
 * The address pairs of a manual SA or tcpmd5 rule written with `{ }` lists (`tcpmd5 from 10.0.0.1 to { 10.0.0.2,
 * 10.0.0.3 } …`): ipsecctl's expand_rule (parse.y) makes one SA (and its reverse) per source × destination pair of
 * one family, sources outermost, after expand_any has replaced each `any` in a list by 0.0.0.0/0 followed by ::/0.
 * The model holds one pair per rule, so such a rule becomes that many rules, in ipsecctl's order. Pure.
 */
import { familyOf } from "./address";
import type { IpsecAddress } from "./types";

const V4_ANY: IpsecAddress = { kind: "ip", address: "0.0.0.0", prefix: 0 };
const V6_ANY: IpsecAddress = { kind: "ip", address: "::", prefix: 0 };

/**
 * The pairs; none when no pair is of one family (validate_af refuses such a rule: `source/destination address
 * families do not match`). Single addresses on both sides are one pair, `any` kept. A name (an interface, group or
 * DNS name) resolves only on the host, to addresses of either family: its pairs are kept, each then resolved and
 * paired by family on the host as a rule of its own.
 */
export function saPairs(from: readonly IpsecAddress[], to: readonly IpsecAddress[]): [IpsecAddress, IpsecAddress][] {
  if (from.length === 1 && to.length === 1) return [[from[0]!, to[0]!]];
  const expand = (l: readonly IpsecAddress[]) => l.flatMap((a) => (a.kind === "any" ? [V4_ANY, V6_ANY] : [a]));
  const oneFamily = (s: IpsecAddress, d: IpsecAddress) => s.kind === "name" || d.kind === "name" || familyOf(s) === familyOf(d);
  const pairs: [IpsecAddress, IpsecAddress][] = [];
  for (const s of expand(from)) for (const d of expand(to)) if (oneFamily(s, d)) pairs.push([s, d]);
  return pairs;
}
