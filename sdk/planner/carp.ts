/**
 * CARP pairs (seeds/000 "Adding Redundancy"): the checks between the two members (advskew, vhids and
 * passwords equal within the pair and vhids unique per segment, the sasyncd key), the master/backup roles
 * and apply order, and each member's carp interfaces, pfsync, sasyncd and pf rules.
 */
import { interfaceOf, refusalOf } from "../model/tokens/index";
import { gwLabel, pairLabel, type Acc } from "./acc";
import { overlaps, parseNet, type IpNet } from "../model/address/index";
import type { PlanIssue } from "./errors";
import { host, ports, rule } from "./pf-rules";
import { isRdomain, type PfIfSpec } from "../model/pf/types";
import type { CarpMemberSpec, CarpPairSpec, IfAddress } from "./spec";

/** carp `advskew` of the first and second member when none is given: the first is the intended master. */
export const DEFAULT_ADVSKEW = [0, 100] as const;

/** A member whose advskew is the one the planner uses (given, else the default of its position). */
export type CarpMember<T extends { advskew?: number } = CarpMemberSpec> = T & { advskew: number };

/** The members with their advskew as the planner uses it: the given one, else {@link DEFAULT_ADVSKEW} of their position. */
export function withAdvskew<T extends { advskew?: number }>(members: readonly [T, T]): [CarpMember<T>, CarpMember<T>] {
  return [{ ...members[0], advskew: members[0].advskew ?? DEFAULT_ADVSKEW[0] }, { ...members[1], advskew: members[1].advskew ?? DEFAULT_ADVSKEW[1] }];
}

/**
 * The intended master (lower advskew) and backup of a pair, defaults applied: the one rule behind the
 * CarpPair component's `master`/`backup` and apply order ({@link orderCarpPair}) and the planner's
 * `dependsOn`. Equal values are refused by {@link planPair}; the first member is then named master.
 */
export function carpRoles<T extends { advskew?: number }>(members: readonly [T, T]): { master: 0 | 1; backup: 0 | 1; decided: boolean } {
  const [a, b] = withAdvskew(members);
  const master = a.advskew <= b.advskew ? 0 : 1;
  return { master, backup: master === 0 ? 1 : 0, decided: a.advskew !== b.advskew };
}

/**
 * The roles of a pair from its members as declared (plain values: they shape the engine's graph, so they
 * are known when the pair is declared), and its apply order: the master's commit waits for the backup's,
 * recorded as `master → [backup]` in `order` (gateway → the gateways it applies after) when the advskews
 * differ. Returns the positions of the master and backup in `members`.
 */
export function orderCarpPair(members: readonly [{ gateway: string; advskew?: number }, { gateway: string; advskew?: number }], order: Map<string, string[]>): { master: 0 | 1; backup: 0 | 1 } {
  const { master, backup, decided } = carpRoles(members);
  const m = members[master].gateway;
  if (decided) order.set(m, [...(order.get(m) ?? []), members[backup].gateway]);
  return { master, backup };
}

/** A segment's vhid already taken (vhids are unique per segment across pairs). */
export interface SegmentVhid {
  net: IpNet;
  vhid: number;
  by: string;
  iface: string;
}

export function planPair(p: CarpPairSpec, accs: Map<string, Acc>, issues: PlanIssue[], seen: SegmentVhid[], dependsOn: Record<string, string[]>): void {
  const P = pairLabel(p.name);
  const [a, b] = withAdvskew(p.members);
  const accA = accs.get(a.gateway);
  const accB = accs.get(b.gateway);
  for (const [m, acc] of [[a, accA], [b, accB]] as const)
    if (!acc) issues.push({ resources: [P], field: "members", value: m.gateway, reason: "no Gateway has this name", fix: "pass Gateways declared in the same program" });
  if (!accA || !accB) return;
  if (a.gateway === b.gateway) {
    issues.push({ resources: [P, gwLabel(a.gateway)], field: "members", value: `${a.gateway}, ${b.gateway}`, reason: "a pair needs two different gateways", fix: "pass two Gateways" });
    return;
  }
  const both = [P, gwLabel(a.gateway), gwLabel(b.gateway)];
  const before = issues.length;
  if (a.advskew === b.advskew)
    issues.push({ resources: both, field: "advskew", value: `${a.advskew}, ${b.advskew}`, reason: "equal advskew leaves the choice of master to chance", fix: "give the intended master the lower advskew (e.g. 0 and 100)" });
  for (const m of [a, b])
    if (!Number.isInteger(m.advskew) || m.advskew < 0 || m.advskew > 254)
      issues.push({ resources: [P, gwLabel(m.gateway)], field: "advskew", value: String(m.advskew), reason: "advskew is 0–254", fix: "use 0 for the master and e.g. 100 for the backup" });
  if (!p.segments.some((s) => s.interface === p.external))
    issues.push({ resources: [P], field: "external", value: p.external, reason: "no segment has this carp interface", fix: `name one of ${p.segments.map((s) => s.interface).join(", ")}` });
  const keyBytes = p.sharedkey.length / 2;
  if (!/^[0-9a-f]+$/i.test(p.sharedkey))
    issues.push({ resources: [P], field: "sharedkey", value: "(secret)", reason: "not hex: sasyncd reads `0x` and hex digits 0-9 a-f", fix: "give 32, 48 or 64 hex digits, e.g. from `openssl rand -hex 32`" });
  else if (p.sharedkey.length % 2 || ![16, 24, 32].includes(keyBytes))
    issues.push({ resources: [P], field: "sharedkey", value: `(secret, ${p.sharedkey.length} hex digits)`, reason: "sasyncd needs an AES key of 16, 24 or 32 bytes", fix: "give 32, 48 or 64 hex digits, e.g. from `openssl rand -hex 32`" });
  checkSegments(p, both, seen, issues);
  checkSyncAddresses(p, [accA, accB], issues);
  // one writer per /etc/hostname.IF: a member's own interface of a segment's name would lose its file
  for (const m of [a, b]) {
    const acc = accs.get(m.gateway);
    p.segments.forEach((s, i) => {
      if (acc?.hostnames.has(s.interface)) issues.push({ resources: [P, gwLabel(m.gateway)], field: `segments[${i}].interface`, value: s.interface, reason: `${gwLabel(m.gateway)} already writes /etc/hostname.${s.interface} (one of its own interfaces)`, fix: "give the segment a carp interface the members do not declare, e.g. `carp3`" });
    });
  }
  if (issues.length > before) return;

  const { master, backup } = carpRoles([a, b]);
  (dependsOn[[a, b][master]!.gateway] ??= []).push([a, b][backup]!.gateway);
  for (const [m, other] of [[a, b], [b, a]] as const) planMember(p, accs.get(m.gateway)!, m, other);
}

/** One member's carp interfaces, pfsync, sysctls, sasyncd and pf rules. */
/** The interface name of an `on` item (none for `on rdomain N`). */
const ifName = (i: PfIfSpec | undefined): string | undefined => (i && !isRdomain(i) ? i.name : undefined);

function planMember(p: CarpPairSpec, acc: Acc, m: CarpMember, other: CarpMember): void {
  for (const s of p.segments) {
    acc.hostnames.set(s.interface, [
      {
        kind: "inet", address: s.address.address, prefix: s.address.prefix,
        carp: { vhid: s.vhid, carpdev: s.carpdev, ...(s.password !== undefined ? { pass: s.password } : {}), ...(s.advbase !== undefined ? { advbase: s.advbase } : {}), advskew: m.advskew },
      },
    ]);
    if (!acc.pf.vpnRules.some((r) => r.kind === "filter" && r.protos[0] === "carp" && ifName(r.on[0]) === s.carpdev))
      acc.pf.vpnRules.push(rule(undefined, s.carpdev, "carp", [], [], { state: "keep", stateOptions: { noSync: true } }));
  }
  if (p.pfsyncDev) {
    acc.hostnames.set("pfsync0", [{ kind: "syncdev", dev: p.pfsyncDev }, { kind: "up" }]);
    acc.pf.vpnRules.push(rule(undefined, p.pfsyncDev, "pfsync", [], []));
  }
  acc.sysctls.set("net.inet.carp.allow", "1");
  if (p.preempt) acc.sysctls.set("net.inet.carp.preempt", "1");
  acc.sasyncd = { interface: p.external, peers: [other.syncAddress], sharedkey: p.sharedkey.toLowerCase(), ...(p.flushmode ? { flushmode: p.flushmode } : {}) };
  acc.services.set("sasyncd", { order: 3, enabled: true, running: true });
  // sasyncd talks TCP 500 between the members
  acc.pf.vpnRules.push(rule("in", undefined, "tcp", [host(other.syncAddress)], [host(m.syncAddress)], { toPorts: ports(500) }));
  acc.pf.vpnRules.push(rule("out", undefined, "tcp", [host(m.syncAddress)], [host(other.syncAddress)], { toPorts: ports(500) }));
}

/**
 * Each member's sasyncd address must be its own: not a CARP address (it moves to the master), and, inside a network
 * the member declares an address on, that address (another host there would get the other member's sasyncd
 * connections and its pf pass). An address on an interface the program leaves as installed (a sync link) is taken
 * as given.
 */
function checkSyncAddresses(p: CarpPairSpec, accs: [Acc, Acc], issues: PlanIssue[]): void {
  const P = pairLabel(p.name);
  // sasyncd's TCP between the members, and its pf rules, need one family at both ends
  const fam = p.members.map((m) => parseNet(m.syncAddress)?.family);
  if (fam[0] && fam[1] && fam[0] !== fam[1])
    issues.push({ resources: [P], field: "members[1].syncAddress", value: p.members[1]!.syncAddress, reason: `IPv${fam[1]}, and members[0].syncAddress (${p.members[0]!.syncAddress}) is IPv${fam[0]}: the members' sasyncd connect to each other`, fix: "give both members addresses of one family" });
  p.members.forEach((m, i) => {
    const field = `members[${i}].syncAddress`;
    const gw = accs[i]!.gw;
    const seg = p.segments.find((s) => s.address.address === m.syncAddress);
    if (seg) {
      issues.push({ resources: [P, gwLabel(m.gateway)], field, value: m.syncAddress, reason: `it is the CARP address of ${seg.interface}, which moves to whichever member is master`, fix: "give the member's own address, e.g. its address on the internal network" });
      return;
    }
    const own = [gw.external.address, gw.external.address6, ...gw.internal.map((x) => x.address)].filter((a): a is IfAddress => a !== undefined);
    const sync = parseNet(m.syncAddress);
    if (!sync || own.some((a) => a.address === m.syncAddress)) return;
    const near = own.find((a) => { const n = parseNet(`${a.address}/${a.prefix}`); return n !== undefined && overlaps(n, sync); });
    if (near) issues.push({ resources: [P, gwLabel(m.gateway)], field, value: m.syncAddress, reason: `another host of the network of ${gwLabel(m.gateway)}'s ${near.address}/${near.prefix}: a member's sasyncd address is its own`, fix: `give \`${near.address}\`` });
  });
}

/** Each segment: a carp interface once, a vhid in range, equal on both members and unique on the segment. */
function checkSegments(p: CarpPairSpec, both: string[], seen: SegmentVhid[], issues: PlanIssue[]): void {
  const P = pairLabel(p.name);
  const [a, b] = p.members;
  const names = new Set<string>();
  for (const s of p.segments) {
    const badIface = refusalOf(interfaceOf("carp"), s.interface);
    if (badIface) issues.push({ resources: [P], field: `segments[${s.interface}].interface`, value: s.interface, reason: badIface.reason, fix: badIface.fix });
    if (names.has(s.interface)) issues.push({ resources: [P], field: `segments[${s.interface}].interface`, value: s.interface, reason: "two segments use this interface", fix: "one carp interface per segment" });
    names.add(s.interface);
    if (s.address.address.includes(":")) issues.push({ resources: [P], field: `segments[${s.interface}].address`, value: s.address.address, reason: "hostname.carpN is written `inet ADDR MASK … vhid …`: an IPv4 address", fix: "give the segment an IPv4 address, e.g. `192.0.2.153/24`" });
    if (!Number.isInteger(s.vhid) || s.vhid < 1 || s.vhid > 255) issues.push({ resources: [P], field: `segments[${s.interface}].vhid`, value: String(s.vhid), reason: "a vhid is 1–255", fix: "choose a vhid in 1–255, unique on the segment" });
    // equal within the pair
    for (const m of [a, b]) {
      const v = m.vhids?.[s.interface];
      if (v !== undefined && v !== s.vhid)
        issues.push({ resources: both, field: `${m.gateway}.vhids.${s.interface}`, value: `${v} ≠ ${s.vhid}`, reason: "the members would advertise different virtual hosts and both become MASTER", fix: `use vhid ${s.vhid} on both members` });
      const pw = m.passwords?.[s.interface];
      if (pw !== undefined && pw !== (s.password ?? ""))
        issues.push({ resources: both, field: `${m.gateway}.passwords.${s.interface}`, value: "(secret)", reason: "the carp passwords differ: advertisements fail their HMAC and both members become MASTER", fix: "use one `password` per segment" });
    }
    // unique per segment (same network, same vhid)
    const net: IpNet = { address: s.address.address, prefix: s.address.prefix, family: s.address.address.includes(":") ? 6 : 4 };
    const clash = seen.find((x) => x.vhid === s.vhid && overlaps(x.net, net));
    if (clash) issues.push({ resources: [P, clash.by], field: `segments[${s.interface}].vhid`, value: String(s.vhid), reason: `${clash.by} already uses vhid ${s.vhid} on this segment (${clash.iface})`, fix: "choose a vhid unused on the segment" });
    else seen.push({ net, vhid: s.vhid, by: P, iface: s.interface });
  }
}
