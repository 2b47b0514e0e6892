/**
 * The planner: from the declared topology to each gateway's typed documents (pure: no I/O, no clock).
 *
 * Every check that needs both ends of a link runs here, at preview, before any SSH (ARCHITECTURE.md D4):
 * mirrored selectors, equal PSK (keyed fingerprints), a transform both daemons accept, `peer` equal to the
 * other end's egress or CARP address, the same IKE daemon, CARP vhid/password equal within a pair and
 * vhids unique per segment, address families, overlapping protected networks, manual key lengths. All
 * problems are collected and thrown together as one {@link PlanError}.
 *
 * One file per concept: gateway.ts (a gateway's own settings), carp.ts (pairs), tunnel*.ts (site-to-site
 * tunnels: checks, then isakmpd, iked or manual keying, and pf), links.ts (gif/gre/eoip/etherip),
 * anchors.ts (PfAnchor), pf-rules.ts and documents.ts (the per-gateway documents), acc.ts (what is
 * collected per gateway). This file walks the topology in that order and runs the per-gateway checks.
 *
 * Cost is linear in the number of tunnel ends: each tunnel touches its two ends once, per-gateway
 * checks use maps keyed by gateway.
 */
import { gwLabel, newAcc, pairLabel, type Acc, type Node } from "./acc";
import { planAnchor } from "./anchors";
import { planPair, type SegmentVhid } from "./carp";
import type { Plan, GatewayDocs } from "./docs";
import { gatewayDocuments } from "./documents";
import { PlanError, type PlanIssue } from "./errors";
import { checkUserServices, planGatewayBase } from "./gateway";
import { fingerprint } from "./keys";
import { planLink } from "./links";
import type { CarpPairSpec, GatewaySpec, IkeDaemon, Topology } from "./spec";
import { planTunnel, type ResolveNode } from "./tunnel";
import { planWireGuard } from "./wireguard";
import { planSshTunnels } from "./ssh-tunnel";
import { planOpenVpn } from "./openvpn";
import { planTinc } from "./tinc";

export { ANCHOR_DIR, PEER_TABLE_MIN, VPN_ANCHOR } from "./pf-rules";

/** Options of {@link planTopology}. */
export interface PlanOptions {
  /** Key of the fingerprints shown instead of secrets (random per program run; fixed in tests). */
  fingerprintKey: string;
}

/**
 * Plans a whole topology: one {@link GatewayDocs} per gateway. Throws {@link PlanError} listing every problem.
 */
export function planTopology(t: Topology, opts: PlanOptions): Plan {
  const issues: PlanIssue[] = [];
  const fp = (s: string) => fingerprint(opts.fingerprintKey, s);
  const accs = new Map<string, Acc>();
  for (const gw of t.gateways) {
    if (accs.has(gw.name)) {
      issues.push({ resources: [gwLabel(gw.name)], field: "name", value: gw.name, reason: "two gateways have this name", fix: "give each Gateway a unique name" });
      continue;
    }
    accs.set(gw.name, newAcc(gw));
  }
  const resolveNode = nodeResolver(accs, t.pairs, issues);
  const dependsOn: Record<string, string[]> = {};
  for (const acc of accs.values()) planGatewayBase(acc, issues);
  // CARP pairs before tunnels: tunnels bind to their addresses
  const segmentVhids: SegmentVhid[] = [];
  for (const p of t.pairs) planPair(p, accs, issues, segmentVhids, dependsOn);
  for (const tun of t.tunnels) planTunnel(tun, accs, resolveNode, issues, fp);
  for (const l of t.links) planLink(l, accs, issues);

  // --- WireGuard tunnels (wireguard.ts)
  planWireGuard(t.wireguard ?? [], accs, issues);
  planSshTunnels(t.sshTunnels ?? [], accs, issues);
  planOpenVpn(t.openvpn ?? [], accs, issues);
  planTinc(t.tinc ?? [], accs, issues);
  for (const a of t.anchors) planAnchor(a, accs, issues);
  for (const acc of accs.values()) checkGateway(acc, issues);
  for (const acc of accs.values()) checkUserServices(acc, issues);
  if (issues.length > 0) throw new PlanError(mergeIssues(issues));
  const gateways: Record<string, GatewayDocs> = {};
  for (const acc of accs.values()) gateways[acc.gw.name] = gatewayDocuments(acc);
  return { gateways, dependsOn };
}

/**
 * One problem found from each end of a link or tunnel (the same field, value, reason and fix, first named
 * resource the same) is one mistake: reported once, naming every resource it was found on.
 */
function mergeIssues(issues: PlanIssue[]): PlanIssue[] {
  const out: PlanIssue[] = [];
  const seen = new Map<string, PlanIssue>();
  for (const i of issues) {
    const key = [i.resources[0], i.field, i.value, i.reason, i.fix].join("\0");
    const first = seen.get(key);
    if (!first) {
      const copy = { ...i, resources: [...i.resources] };
      seen.set(key, copy);
      out.push(copy);
    } else for (const r of i.resources) if (!first.resources.includes(r)) first.resources.push(r);
  }
  return out;
}

/** What a tunnel end names: a Gateway, or a CarpPair whose two members exist (else reported by planPair). */
function nodeResolver(accs: Map<string, Acc>, pairList: CarpPairSpec[], issues: PlanIssue[]): ResolveNode {
  const pairs = new Map<string, CarpPairSpec>();
  for (const p of pairList) pairs.set(p.name, p);
  return (name: string, by: string, field: string): Node | undefined => {
    const gw = accs.get(name)?.gw;
    if (gw) return { kind: "gateway", label: gwLabel(name), gateways: [gw] };
    const pair = pairs.get(name);
    if (pair) {
      const members = pair.members.map((m) => accs.get(m.gateway)?.gw).filter((g): g is GatewaySpec => g !== undefined);
      const ext = pair.segments.find((s) => s.interface === pair.external);
      if (members.length !== 2 || !ext) return undefined; // reported by planPair
      return { kind: "pair", label: pairLabel(name), gateways: members, pair, ext };
    }
    issues.push({ resources: [by], field, value: name, reason: "no Gateway or CarpPair has this name", fix: "pass a Gateway or CarpPair declared in the same program" });
    return undefined;
  };
}

/** Per gateway: one IKE daemon, one enc0 mode; sasyncd controls the daemon in use. */
function checkGateway(acc: Acc, issues: PlanIssue[]): void {
  if (acc.daemons.size > 1) {
    const [[d1, by1], [d2, by2]] = [...acc.daemons.entries()] as [[IkeDaemon, string], [IkeDaemon, string]];
    issues.push({
      resources: [gwLabel(acc.gw.name), by1, by2], field: "ike", value: `${d1} and ${d2}`,
      reason: "both daemons would listen on UDP 500; a gateway runs one IKE daemon",
      fix: `use the same \`ike\` daemon for every tunnel of ${gwLabel(acc.gw.name)}`,
    });
  }
  if (acc.pf.enc0.size > 1) {
    issues.push({
      resources: [gwLabel(acc.gw.name), acc.pf.enc0.get("skip")!, acc.pf.enc0.get("filter")!], field: "enc0", value: "skip and filter",
      reason: "`set skip on enc0` disables every enc0 rule of the gateway",
      fix: "use the same `enc0` setting for every tunnel of the gateway",
    });
  }
  if (acc.sasyncd && acc.daemons.has("iked")) acc.sasyncd.control = "iked";
}
