/**
 * A tunnel end's pf: its peer joins the gateway's IPsec peer rules, enc0 is skipped or filtered (with the
 * guide's ipencap and tag rules), and the end's own rules follow in the `vpn` anchor.
 */
import { isRdomain, type PfHost } from "../model/pf/types";
import type { Egress } from "./acc";
import { netText } from "../model/address/index";
import type { PlanIssue } from "./errors";
import { checkRuleFamilies } from "./pf-families";
import { host, ifBound, rule } from "./pf-rules";
import type { EndOnGateway } from "./tunnel-end";

export function planTunnelPf(e: EndOnGateway, issues: PlanIssue[]): void {
  const { t, acc, g, me, other, side, peer } = e;
  const { tun } = t;
  const ext: Egress = me.node.kind === "pair" ? { address: me.address } : { interface: g.external.interface, address: me.address };
  const ike = tun.keying.kind === "ike";
  const gkey = `${ext.interface ?? ""}|${ext.address}|${tun.keying.kind}|${tun.satype}`;
  let group = acc.pf.peerGroups.get(gkey);
  if (!group) acc.pf.peerGroups.set(gkey, (group = { ext, ike, satype: tun.satype, peers: new Set() }));
  group.peers.add(peer);
  if (!acc.pf.enc0.has(tun.enc0)) acc.pf.enc0.set(tun.enc0, t.label);
  if (tun.enc0 === "filter") {
    const to: PfHost[] = ext.interface ? [{ kind: "dynamic", name: ext.interface }] : [host(me.address)];
    acc.pf.enc0Rules.push(rule("in", "enc0", "ipencap", [host(peer)], to, { ...ifBound }));
    if (me.spec.tag) acc.pf.enc0Rules.push(rule("in", "enc0", undefined, [], [], { ...ifBound, tagged: { name: me.spec.tag } }));
    // natTo (tunnel-nat.ts): translate the network on its way into the tunnel, then pass it as translated
    if (me.spec.natTo !== undefined) {
      const remote = other.wire.map((n) => host(netText(n)));
      const nets = me.nets.map((n) => host(netText(n)));
      acc.pf.enc0Rules.push({ kind: "filter", action: "match", direction: "out", on: [{ name: "enc0" }], protos: [], from: { hosts: nets, ports: [] }, to: { hosts: remote, ports: [] }, natTo: host(me.spec.natTo) });
      acc.pf.enc0Rules.push(rule("out", "enc0", undefined, [host(me.spec.natTo)], remote, { ...ifBound }));
    }
    // `block on enc0` passes only ipencap (and tagged packets): an end with neither a tag nor a rule that
    // passes on enc0 carries nothing through the tunnel, silently. Refused here with the guide's rule.
    const passesOnEnc0 = me.spec.rules.some((r) => r.kind === "filter" && r.action === "pass" && r.on.some((i) => !isRdomain(i) && !i.not && (i.name === "enc0" || i.name === "enc")));
    if (!me.spec.tag && !passesOnEnc0 && me.spec.natTo === undefined) {
      const a = me.nets[0] ? netText(me.nets[0]) : "LOCAL";
      const b = other.nets[0] ? netText(other.nets[0]) : "REMOTE";
      issues.push({
        resources: e.label, field: `${side}.rules`, value: "(none on enc0)",
        reason: 'with enc0: "filter" only ipencap is passed on enc0, so no traffic can cross the tunnel',
        fix: `add rules passing the tunnel's traffic, as the guide does: \`pass out on enc0 from ${a} to ${b} keep state (if-bound)\` (and \`pass in on enc0 from ${b} to ${a} keep state (if-bound)\` for the other way), or set ${side}.tag and pass what is tagged, or use enc0: "skip"`,
      });
    }
  }
  // rules naming the gateway's interfaces: pfctl's address-family checks with the addresses the Gateway declares
  checkRuleFamilies(acc, me.spec.rules, e.label, (i) => `${side}.rules[${i}]`, issues);
  for (const r of me.spec.rules) acc.pf.userRules.push(r);
}
