/**
 * The checks of a tunnel that need both ends, at preview (before any SSH): a common address family,
 * protected networks (mirrored selectors, families, overlap), `peer` equal to the other end's address, one
 * IKE daemon and one PSK on both ends, manual key lengths.
 */
import { netText, overlaps, parseNet, sameNets, type IpNet } from "../model/address/index";
import { gwLabel, type Acc, type Node } from "./acc";
import type { PlanIssue } from "./errors";
import { checkManualKeys } from "./phases";
import { resolveManualKeys } from "./manual-keys";
import { egressOf, endPairs, natOf, type EndCtx, type TunnelCtx } from "./tunnel-end";
import type { TunnelSpec } from "./spec";

/** Parses a list of networks, reporting each one that is not an address or network. */
export function parseNets(list: string[], field: string, by: string[], issues: PlanIssue[]): IpNet[] {
  const out: IpNet[] = [];
  for (const s of list) {
    const n = parseNet(s);
    if (n) out.push(n);
    else issues.push({ resources: by, field, value: s, reason: "not an IPv4 or IPv6 address or network", fix: "write it as `ADDRESS` or `ADDRESS/LEN`, e.g. `172.16.0.0/24`" });
  }
  return out;
}

/** The field the user wrote an end's protected networks in: the end's `networks`, or the gateway's internal network. */
const networksField = (tun: TunnelSpec, side: "left" | "right") => tun[side].networksFrom ?? `${side}.networks`;

/** The two ends of a tunnel with their nodes, networks and egress addresses; undefined (reported) when they cannot be. */
export function resolveEnds(tun: TunnelSpec, label: string, ln: Node, rn: Node, issues: PlanIssue[]): TunnelCtx | undefined {
  if (ln.gateways.some((g) => rn.gateways.includes(g))) {
    issues.push({ resources: [label, ln.label, rn.label], field: "left, right", value: `${tun.left.node}, ${tun.right.node}`, reason: "both ends are the same gateway", fix: "connect two different gateways" });
    return undefined;
  }
  const both = [label, ln.label, rn.label];
  // address family of the outer (peer) addresses: IPv4 when both ends have one, else IPv6
  const family: 4 | 6 | undefined = egressOf(ln, 4) && egressOf(rn, 4) ? 4 : egressOf(ln, 6) && egressOf(rn, 6) ? 6 : undefined;
  if (!family) {
    issues.push({
      resources: both, field: "left.external.address, right.external.address", value: `${egressOf(ln, 4) ?? egressOf(ln, 6) ?? "(none)"}, ${egressOf(rn, 4) ?? egressOf(rn, 6) ?? "(none)"}`,
      reason: "the ends have no egress address of a common family", fix: "give both gateways an IPv4 (or both an IPv6) external address",
    });
    return undefined;
  }
  const end = (side: "left" | "right", node: Node): EndCtx => {
    const nets = parseNets(tun[side].networks, networksField(tun, side), both, issues);
    const natTo = tun[side].natTo !== undefined ? parseNet(tun[side].natTo!) : undefined;
    const address = egressOf(node, family)!;
    return { spec: tun[side], node, nets, address, reach: natOf(node, family)?.publicAddress ?? address, wire: natTo ? [natTo] : nets };
  };
  // manual keys: derived once, from the first member's seed on a pair (both members hold the same SAs)
  const manual = tun.keying.kind === "manual" ? resolveManualKeys(tun.name, tun.keying.keys, ln.gateways[0]!.keySeed, rn.gateways[0]!.keySeed) : undefined;
  const t: TunnelCtx = { tun, label, both, L: end("left", ln), R: end("right", rn), family, ...(manual ? { manual } : {}) };
  for (const [me, , side] of endPairs(t))
    if (me.nets.length === 0 && me.spec.networks.length === 0) {
      // `networks: []` written by the user, or the default (the gateway's internal networks) finding none
      const given = me.spec.networksFrom === undefined;
      issues.push({
        resources: both, field: `${side}.networks`, value: "[]",
        reason: `no protected network: ${given ? "the list is empty" : `${me.node.label} has no internal network`}`,
        fix: given ? `list the networks behind ${me.node.label}, or leave \`networks\` out to protect its internal network` : "give the Gateway an `internal` network or the tunnel end `networks`",
      });
    }
  return t;
}

/** Mirrored selectors, matching address families, no overlap between the two sides' networks. */
export function checkSelectors(t: TunnelCtx, issues: PlanIssue[]): void {
  const { tun, both, L, R } = t;
  // an end with no network is reported once already (no protected network, or networks that do not parse)
  if (!L.wire.length || !R.wire.length) return;
  const nf = (side: "left" | "right") => networksField(tun, side);
  const both2 = `${nf("left")}, ${nf("right")}`;
  for (const [me, other, side] of endPairs(t)) {
    if (!me.spec.remoteNetworks) continue;
    const oside = side === "left" ? "right" : "left";
    const expect = parseNets(me.spec.remoteNetworks, `${side}.remoteNetworks`, both, issues);
    if (!sameNets(expect, other.wire)) {
      issues.push({
        resources: both, field: `${side}.remoteNetworks, ${other.spec.natTo !== undefined ? `${oside}.natTo` : nf(oside)}`, value: `${expect.map(netText).join(" ")} ≠ ${other.wire.map(netText).join(" ")}`,
        reason: "the selectors are not mirrored: the ends would propose different flows and phase 2 never completes",
        fix: `set ${side}.remoteNetworks to ${other.wire.map(netText).join(", ")} (or remove it)`,
      });
    }
  }
  const familyIssue = (n: IpNet, otherSide: "left" | "right", value: string) =>
    issues.push({ resources: both, field: both2, value, reason: `${netText(n)} is IPv${n.family} and the ${otherSide} end protects no IPv${n.family} network`, fix: "pair each network with one of the same family on the other end" });
  // what the flows negotiate: a network translated on enc0 (natTo) may overlap the other side's, its address may not
  for (const a of L.wire) {
    if (!R.wire.some((b) => b.family === a.family)) familyIssue(a, "right", `${netText(a)}, ${R.wire.map(netText).join(" ")}`);
    for (const b of R.wire)
      if (overlaps(a, b))
        issues.push({ resources: both, field: both2, value: `${netText(a)}, ${netText(b)}`, reason: "the protected networks overlap: traffic between them would never enter the tunnel", fix: "renumber one side or narrow the networks" });
  }
  for (const b of R.wire) if (!L.wire.some((a) => a.family === b.family)) familyIssue(b, "left", `${L.wire.map(netText).join(" ")}, ${netText(b)}`);
}

/** `peer`, when given, is the other end's egress or CARP address. */
export function checkPeers(t: TunnelCtx, issues: PlanIssue[]): void {
  for (const [me, other, side] of endPairs(t)) {
    if (me.spec.peer !== undefined && parseNet(me.spec.peer)?.address !== other.reach) {
      const behindNat = other.reach !== other.address;
      issues.push({
        resources: t.both, field: `${side}.peer`, value: me.spec.peer,
        reason: behindNat
          ? `${other.node.label} is behind NAT: its peers reach it at its NAT's public address ${other.reach} (external.nat.publicAddress), not ${me.spec.peer}`
          : `it is not ${other.node.label}'s ${other.node.kind === "pair" ? "CARP" : "egress"} address ${other.address}`,
        fix: `set ${side}.peer to ${other.reach} or remove it`,
      });
    }
    // IKE runs between two addresses of one family (iked: "create_ike: peer address family mismatch")
    const peer = me.spec.peer ?? other.reach;
    const fam = (a: string) => (a.includes(":") ? "IPv6" : "IPv4");
    if (me.spec.local !== undefined && fam(me.spec.local) !== fam(peer)) {
      issues.push({
        resources: t.both, field: `${side}.local`, value: me.spec.local,
        reason: `it is ${fam(me.spec.local)} and the peer ${peer} is ${fam(peer)}: IKE and ESP run between two addresses of one family`,
        fix: `give an ${fam(peer)} address of ${me.node.label} as ${side}.local, or remove it`,
      });
    }
  }
}

/** Sets each end's IKE daemon and checks that the ends can key the tunnel (daemon, PSK, auth, mode; manual keys). */
export function checkKeying(t: TunnelCtx, fp: (s: string) => string, issues: PlanIssue[]): void {
  const { tun, both, L, R } = t;
  const k = tun.keying;
  if (k.kind === "manual") {
    if (t.manual) checkManualKeys(t.manual, tun.satype, both, "manual", issues);
    return;
  }
  for (const [me, , side] of endPairs(t)) {
    const ds = new Set(me.node.gateways.map((g) => k.daemon ?? g.ike));
    me.daemon = [...ds][0];
    if (ds.size > 1) issues.push({ resources: [t.label, me.node.label], field: `${side}: ike`, value: [...ds].join(", "), reason: "the members of the pair use different IKE daemons", fix: "use the same `ike` on both members" });
  }
  if (L.daemon !== R.daemon) {
    issues.push({
      resources: both, field: "left ike, right ike", value: `${L.daemon}, ${R.daemon}`,
      reason: "isakmpd speaks IKEv1 and iked IKEv2: the ends cannot negotiate",
      fix: "set the tunnel's `ike` (or both gateways' `ike`) to the same daemon",
    });
  }
  if (k.auth.kind === "psk") {
    const lp = tun.left.psk ?? k.auth.psk;
    const rp = tun.right.psk ?? k.auth.psk;
    if (lp !== rp) issues.push({ resources: both, field: "left.psk, right.psk", value: `${fp(lp)} ≠ ${fp(rp)}`, reason: "the pre-shared keys differ (keyed fingerprints shown)", fix: "use one `psk` for the tunnel" });
    if (lp.length === 0) issues.push({ resources: both, field: "psk", value: "(empty)", reason: "an empty pre-shared key", fix: "generate one, e.g. `openssl rand -hex 20`, and keep it with `pulumi config set --secret`" });
  }
  if (t.L.spec.mode === "passive" && t.R.spec.mode === "passive")
    issues.push({ resources: both, field: "left.mode, right.mode", value: "passive, passive", reason: "both ends wait for the other to start IKE: the tunnel never comes up", fix: "leave one end `active` (the default)" });
  for (const [me, , side] of endPairs(t))
    if (me.daemon === "iked" && me.spec.mode === "dynamic")
      issues.push({ resources: both, field: `${side}.mode`, value: "dynamic", reason: "iked policies are `active` or `passive` (dynamic is isakmpd's active + DPD)", fix: "use `active` or `passive`" });
}

/**
 * A gateway that protects a network behind it (not one of its own addresses) must forward that family:
 * `net.inet.ip.forwarding=0` (or ip6) would drop the network's packets before IPsec sees them.
 */
export function checkForwarding(t: TunnelCtx, accs: Map<string, Acc>, issues: PlanIssue[]): void {
  for (const [me, , side] of endPairs(t))
    for (const g of me.node.gateways) {
      const gw = accs.get(g.name)!.gw;
      const own = new Set([gw.external.address, gw.external.address6, ...gw.internal.map((i) => i.address)].filter((a) => a !== undefined).map((a) => a.address));
      const behind = me.nets.find((n) => !((n.prefix === undefined || n.prefix === (n.family === 4 ? 32 : 128)) && own.has(n.address)));
      if (!behind) continue;
      const [field, off] = behind.family === 4 ? ["forwarding.ipv4", gw.forwarding.ipv4 === 0] : ["forwarding.ipv6", gw.forwarding.ipv6 === 0];
      if (off)
        issues.push({ resources: [t.label, gwLabel(g.name)], field, value: "0", reason: `${gwLabel(g.name)} would not forward ${netText(behind)} (${side}.networks) into the tunnel`, fix: `set the gateway's \`forwarding: { ${field.split(".")[1]}: 1 }\`` });
    }
}

/** Overlap between tunnels of one gateway (the same remote network routed through two tunnels). */
export function checkRemoteOverlap(t: TunnelCtx, accs: Map<string, Acc>, issues: PlanIssue[]): void {
  for (const [me, other] of endPairs(t))
    for (const g of me.node.gateways) {
      const acc = accs.get(g.name)!;
      for (const n of other.wire) {
        const clash = acc.remoteNets.addOrClash(n, t.label);
        if (clash) issues.push({ resources: [t.label, clash.tag, gwLabel(g.name)], field: "networks", value: `${netText(n)}, ${netText(clash.net)}`, reason: `both tunnels of ${gwLabel(g.name)} protect overlapping remote networks`, fix: "route each remote network through one tunnel" });
      }
    }
}
