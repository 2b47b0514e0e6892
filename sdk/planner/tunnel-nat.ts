/**
 * NAT and a site-to-site tunnel (DESIGN.md scenario 11; seeds/002 "NAT traversal configuration"; ipsec.conf(5)
 * and iked.conf(5) "OUTGOING NETWORK ADDRESS TRANSLATION"). Two different things:
 *
 * 1. **A gateway behind NAT** (`Gateway.external.nat`): a NAT router masquerades its egress `address` as a
 *    public address. The other end names that public address as `peer` (tunnel-end.ts `reach`); this end
 *    keeps its own egress address as its endpoint (iked `local`, the pf rules on its egress). isakmpd and
 *    iked detect the NAT during IKE (RFC 3947 NAT-D payloads, on unless started with `-T`) and move IKE and
 *    ESP to UDP 4500 (ESP-in-UDP, RFC 3948): the gateway's pf passes udp 500 and 4500 (and esp, for peers
 *    not behind NAT), and the kernel must accept ESP-in-UDP (`net.inet.esp.udpencap=1`, written to
 *    sysctl.conf so a hand change shows as drift). Identities: isakmpd's default ID is its own (private)
 *    address; iked with public keys uses the address its peer knows it by (the public one), and the peer's
 *    public key is installed under that name.
 * 2. **NAT of tunnel traffic on enc0** (`natTo` on a tunnel end): the end's network is translated into one
 *    address on its way into the tunnel (pf `match out on enc0 from NET to REMOTE nat-to ADDR`), and the
 *    flow is negotiated for that address (`from ADDR (NET)`: the SA is installed for NET, the peer's
 *    selectors name ADDR). For a network that overlaps the peer's, or a peer that accepts one address.
 *    pf must see enc0 for the translation (`enc0: "filter"`), so the planner also passes the translated
 *    traffic out on enc0 (`pass out on enc0 from ADDR to REMOTE keep state (if-bound)`; pf.conf(5): rules
 *    after a `match` see the translated packet). Connections only go out: the peer cannot open one to NET.
 *
 * Every check here needs both ends, and runs at preview (before any SSH).
 */
import { netText, parseNet } from "../model/address/index";
import type { PlanIssue } from "./errors";
import { endPairs, natOf, type EndCtx, type EndOnGateway, type TunnelCtx } from "./tunnel-end";

/** An end's IKE identity when the planner knows it: its `srcid`, else the daemon's default. Undefined: the host name (iked with a PSK). */
function idOf(t: TunnelCtx, end: EndCtx): string | undefined {
  if (end.spec.srcid !== undefined) return end.spec.srcid;
  const k = t.tun.keying;
  if (k.kind !== "ike") return undefined;
  if (end.daemon === "isakmpd") return end.spec.local ?? end.address;
  return k.auth.kind === "publickey" ? end.reach : undefined;
}

const behindNat = (e: EndCtx) => e.reach !== e.address;

/** The checks of NAT on a tunnel that need both ends. */
export function checkNat(t: TunnelCtx, issues: PlanIssue[]): void {
  const { tun, both } = t;
  const natted = endPairs(t).filter(([me]) => behindNat(me));
  for (const [me, , side] of endPairs(t)) {
    if (me.node.kind === "pair") {
      const g = me.node.gateways.find((x) => x.external.nat !== undefined);
      if (g)
        issues.push({
          resources: [t.label, me.node.label, `Gateway "${g.name}"`], field: "external.nat", value: g.external.nat!.publicAddress,
          reason: `${side} is a CARP pair: its tunnels use the CARP address, which a NAT in front of one member cannot carry`,
          fix: "put the pair's CARP address on the Internet side, or remove `external.nat` from the member",
        });
    }
  }
  if (tun.keying.kind === "manual") {
    for (const [me, , side] of natted)
      issues.push({
        resources: both, field: "manual", value: `${side}: ${me.node.label} behind NAT (${me.address} seen as ${me.reach})`,
        reason: "manually keyed SAs cannot cross a NAT: there is no IKE to detect it and move ESP into UDP 4500, and the NAT's port mapping is not known in advance",
        fix: "key the tunnel with IKE (`psk` or `auth: \"publickey\"`), which does NAT traversal on its own",
      });
    for (const [me, , side] of endPairs(t))
      if (me.spec.natTo !== undefined)
        issues.push({ resources: both, field: `${side}.natTo`, value: me.spec.natTo, reason: "a manually keyed flow has no NAT part (`from ADDR (NET)` is negotiated by IKE)", fix: "key the tunnel with IKE, or remove natTo" });
    return;
  }
  // IKE needs one end that can receive the first packet: a NAT drops unsolicited udp 500 unless it forwards it
  const unreachable = (e: EndCtx) => behindNat(e) && !natOf(e.node, t.family)!.forwardsIke;
  if (unreachable(t.L) && unreachable(t.R))
    issues.push({
      resources: both, field: "left external.nat, right external.nat", value: `${t.L.reach}, ${t.R.reach}`,
      reason: "both ends are behind NAT and neither NAT forwards IKE (udp 500/4500) to its gateway: neither end can ever reach the other, so IKE never starts",
      fix: "forward udp 500 and 4500 on one NAT to its gateway and set that gateway's `external.nat.forwardsIke: true`, or put one end on a public address",
    });
  for (const [me, other, side] of endPairs(t)) {
    if (unreachable(me) && me.spec.mode === "passive" && !unreachable(other))
      issues.push({
        resources: both, field: `${side}.mode`, value: "passive",
        reason: `${me.node.label} is behind NAT (${me.address} seen as ${me.reach}) and its NAT does not forward IKE: a passive end waits for ${other.node.label}, whose IKE packets the NAT drops`,
        fix: `let the end behind NAT initiate: set ${side}.mode to "active" (the default), or forward udp 500/4500 and set external.nat.forwardsIke`,
      });
    // NAT-T off: isakmpd -T / iked -T disables it, and IKE would then send ESP the NAT cannot map
    if (natted.length > 0)
      for (const g of me.node.gateways) {
        const d = me.daemon ?? "isakmpd";
        const flags = g.services[d]?.flags ?? "";
        if (/(^|\s)-[A-Za-z]*T/.test(flags))
          issues.push({
            resources: [t.label, `Gateway "${g.name}"`], field: `services.${d}.flags`, value: flags,
            reason: `-T disables NAT traversal in ${d}, and this tunnel crosses a NAT (${natted.map(([e]) => `${e.node.label} ${e.address} seen as ${e.reach}`).join(", ")})`,
            fix: "remove -T",
          });
      }
    // an explicit dstid must be the identity the other end sends; behind NAT that is not the address its peer sees
    // (with public keys or certificates ike-ids.ts checkKeyedIdentities says it, from the keyed identity)
    const theirs = idOf(t, other);
    const keyed = tun.keying.kind === "ike" && tun.keying.auth.kind !== "psk";
    if (!keyed && me.spec.dstid !== undefined && theirs !== undefined && me.spec.dstid !== theirs) {
      const oside = side === "left" ? "right" : "left";
      const natNote = behindNat(other) && me.spec.dstid === other.reach
        ? `: ${other.node.label} is behind NAT and ${other.daemon} sends its own address ${theirs} as its ID, not the NAT's public address`
        : "";
      issues.push({
        resources: both, field: `${side}.dstid`, value: me.spec.dstid,
        reason: `the ${oside} end identifies itself as ${theirs}${other.spec.srcid !== undefined ? ` (${oside}.srcid)` : ""}, so phase 1 would fail on the ID${natNote}`,
        fix: `set ${side}.dstid to ${theirs}${other.spec.srcid === undefined ? `, or give both ${oside}.srcid and ${side}.dstid the same identity (e.g. an FQDN)` : ""}`,
      });
    }
    // natTo: one network, pf sees enc0, same family
    if (me.spec.natTo !== undefined) {
      const to = parseNet(me.spec.natTo);
      if (tun.enc0 !== "filter")
        issues.push({
          resources: both, field: `${side}.natTo`, value: me.spec.natTo,
          reason: "with enc0: \"skip\" (`set skip on enc0`) pf never sees the tunnel's traffic, so the `match out on enc0 … nat-to` rule would never translate anything (the mistake of seeds/001's reader: the tunnel is up and nothing arrives)",
          fix: "set the tunnel's `enc0: \"filter\"`",
        });
      if (me.nets.length !== 1)
        issues.push({
          resources: both, field: `${side}.natTo`, value: me.spec.natTo,
          reason: `${me.nets.length} networks (${me.nets.map(netText).join(", ")}) would be negotiated as one address: ipsec.conf's \`from ADDR (NET)\` names a single network`,
          fix: `give ${side}.networks exactly one network, or one tunnel per network`,
        });
      else if (to && to.family !== me.nets[0]!.family)
        issues.push({ resources: both, field: `${side}.natTo`, value: me.spec.natTo, reason: `it is IPv${to.family} and ${netText(me.nets[0]!)} is IPv${me.nets[0]!.family} (Flow NAT address family mismatch)`, fix: "translate into an address of the network's family" });
    }
  }
}

/** An end of a tunnel that crosses a NAT: the kernel must take ESP-in-UDP (its default, pinned so a hand change shows). */
export function planNatEnd(e: EndOnGateway): void {
  if (e.t.tun.keying.kind !== "ike") return;
  if (behindNat(e.me) || behindNat(e.other)) e.acc.sysctls.set("net.inet.esp.udpencap", "1");
}
