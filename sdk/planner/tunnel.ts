/**
 * A site-to-site tunnel: both ends checked together (tunnel-checks.ts), the proposal resolved once, then
 * each end's contribution to every gateway of its node, by keying: isakmpd, iked or manual SAs, and pf.
 */
import { gwLabel, type Acc, type Node } from "./acc";
import type { PlanIssue } from "./errors";
import { ikedTransforms, resolvePhase, resolvePhase1 } from "./phases";
import type { PolicySpec, TunnelSpec } from "./spec";
import { checkForwarding, checkKeying, checkPeers, checkRemoteOverlap, checkSelectors, resolveEnds } from "./tunnel-checks";
import { endPairs, type TunnelCtx } from "./tunnel-end";
import { planIkedEnd, type IkedProposal } from "./tunnel-iked";
import { planIsakmpdEnd, type IsakmpdProposal } from "./tunnel-isakmpd";
import { planManualEnd } from "./tunnel-manual";
import { checkKeyedIdentities } from "./ike-ids";
import { planTunnelPf } from "./tunnel-pf";
import { checkNat, planNatEnd } from "./tunnel-nat";
import { needDefaultSysctl } from "./gateway";

/** Resolves a node name (a Gateway or CarpPair), reporting an unknown one. */
export type ResolveNode = (name: string, by: string, field: string) => Node | undefined;

/** The proposals of the tunnel's daemon (both ends use the same). */
function proposalOf(t: TunnelCtx, issues: PlanIssue[]): IsakmpdProposal & IkedProposal {
  const k = t.tun.keying;
  if (k.kind !== "ike") return {};
  const out: IsakmpdProposal & IkedProposal = {};
  if (t.L.daemon === "isakmpd") {
    const main = resolvePhase1(k.phase1, "main", t.both, issues);
    const quick = resolvePhase(k.phase2, "quick", t.both, issues);
    if (main) out.main = main;
    if (quick) out.quick = quick;
  } else {
    const ikesa = ikedTransforms(k.phase1, "ikesa", "main", t.both, issues);
    const childsa = ikedTransforms(k.phase2, "childsa", "quick", t.both, issues);
    if (ikesa) out.ikesa = ikesa;
    if (childsa) out.childsa = childsa;
    // iked.conf keeps lifetimes apart from the proposals: `ikelifetime` (IKE SA), `lifetime` (child SAs)
    if (k.phase1?.lifetime !== undefined) out.ikelifetime = k.phase1.lifetime;
    if (k.phase2?.lifetime !== undefined) out.lifetime = k.phase2.lifetime;
  }
  return out;
}

export function planTunnel(tun: TunnelSpec, accs: Map<string, Acc>, resolveNode: ResolveNode, issues: PlanIssue[], fp: (s: string) => string): void {
  const T = `SiteToSiteTunnel "${tun.name}"`;
  const ln = resolveNode(tun.left.node, T, "left");
  const rn = resolveNode(tun.right.node, T, "right");
  if (!ln || !rn) return;
  const before = issues.length;
  const t = resolveEnds(tun, T, ln, rn, issues);
  if (!t) return;
  checkSelectors(t, issues);
  checkPeers(t, issues);
  checkKeying(t, fp, issues);
  if (issues.length > before) return;
  if (tun.keying.kind === "ike" && tun.keying.auth.kind !== "psk") checkKeyedIdentities(t, issues);
  checkNat(t, issues);
  if (issues.length > before) return;
  checkRemoteOverlap(t, accs, issues);
  checkForwarding(t, accs, issues);
  if (issues.length > before) return;
  const proposal = proposalOf(t, issues);
  if (issues.length > before) return;

  const policies: PolicySpec[] = tun.policies.length > 0 ? tun.policies : [{}];
  for (const [me, other, side, flip] of endPairs(t)) {
    for (const g of me.node.gateways) {
      const acc = accs.get(g.name)!;
      const local = me.spec.local ?? (me.node.kind === "pair" ? me.address : undefined);
      const e = { t, acc, g, me, other, side, flip, local, peer: other.reach, label: [T, gwLabel(g.name)] };
      if (tun.keying.kind === "manual") planManualEnd(e, issues);
      else if (me.daemon === "isakmpd") planIsakmpdEnd(e, policies, proposal, issues);
      else planIkedEnd(e, policies, proposal, issues);
      if (tun.satype === "ah") acc.sysctls.set("net.inet.ah.enable", "1");
      else needDefaultSysctl(acc, "net.inet.esp.enable", "1");
      planTunnelPf(e, issues);
      planNatEnd(e);
    }
  }
}
