/**
 * The pf rules the planner generates (typed; rendered by the pf model): the builders, the guide's IPsec
 * peer rules, and the gateway's pf.conf with its anchors.
 */
import type { PfFilterRule, PfHost, PfPort, PfRule, PfRuleset, PfStatement, PfTable } from "../model/pf/types";
import type { Acc, Egress } from "./acc";

/** The generated anchor holding every tunnel's, pair's and link's pf rules. */
export const VPN_ANCHOR = "vpn";
/** From this many IPsec peers on one egress binding, a gateway's peer rules use a pf table. */
export const PEER_TABLE_MIN = 9;
/** Where anchors' files live. */
export const ANCHOR_DIR = "/etc/pf.anchors";

export const host = (address: string): PfHost => ({ kind: "address", address });
export const ports = (...ps: number[]): PfPort[] => ps.map((port) => ({ op: "=", port }));
/** `keep state (if-bound)`. */
export const ifBound = { state: "keep", stateOptions: { ifBound: true } } as const;

/** A `pass` rule. */
export function rule(
  direction: "in" | "out" | undefined,
  on: string | undefined,
  proto: string | undefined,
  from: PfHost[],
  to: PfHost[],
  extra: Partial<PfFilterRule> & { fromPorts?: PfPort[]; toPorts?: PfPort[] } = {},
): PfFilterRule {
  const r: PfFilterRule = { kind: "filter", action: "pass", on: on ? [{ name: on }] : [], protos: proto ? [proto] : [], from: { hosts: from, ports: extra.fromPorts ?? [] }, to: { hosts: to, ports: extra.toPorts ?? [] } };
  if (direction) r.direction = direction;
  for (const k of Object.keys(extra) as (keyof typeof extra)[]) if (k !== "fromPorts" && k !== "toPorts") (r as unknown as Record<string, unknown>)[k] = extra[k];
  return r;
}

/**
 * The egress rules of a point-to-point VPN whose ends listen on their own ports (wg, OpenVPN, tinc), bound
 * to the egress interface `ext` as the IPsec peer rules are: `pass in on EXT proto P from PEER to (EXT)
 * port MINE` and `pass out on EXT proto P from EXT to PEER port THEIRS`.
 */
export function egressPeerRules(ext: string, protos: string[], peer: string, myPort: number, peerPort: number): PfFilterRule[] {
  return [
    rule("in", ext, undefined, [host(peer)], [{ kind: "dynamic", name: ext }], { protos, toPorts: ports(myPort) }),
    rule("out", ext, undefined, [{ kind: "interface", name: ext }], [host(peer)], { protos, toPorts: ports(peerPort) }),
  ];
}

/** `pass on IF`: everything on a tunnel's own interface. */
export function passOn(iface: string): PfFilterRule {
  return rule(undefined, iface, undefined, [], []);
}

const everything = () => ({ protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] } });

/** `block [return] [on IF]`: everything, or everything on one interface. */
function block(extra: { blockPolicy?: "return"; on?: string } = {}): PfFilterRule {
  return { kind: "filter", action: "block", ...(extra.blockPolicy ? { blockPolicy: extra.blockPolicy } : {}), on: extra.on ? [{ name: extra.on }] : [], ...everything() };
}

/** `anchor NAME`. */
function anchorCall(name: string): PfRule {
  return { kind: "anchor", name, on: [], ...everything() };
}

/**
 * The rules a gateway needs to talk IPsec with `peer`: udp 500/4500 (with IKE) and esp or ah, in and out
 * (seeds/000 "Allowing IPsec Traffic Through pf"). On a plain gateway they are bound to the egress
 * interface (`to (em1)`, `from em1`); on a CARP member to the CARP address (packets arrive on the carp
 * interface, not its carpdev).
 */
export function ipsecPeerRules(ext: Egress, peerAddress: string | PfHost, ike: boolean, satype: "esp" | "ah"): PfFilterRule[] {
  const peer = typeof peerAddress === "string" ? host(peerAddress) : peerAddress;
  const self: PfHost[] = ext.interface ? [{ kind: "interface", name: ext.interface }] : [host(ext.address)];
  const selfIn: PfHost[] = ext.interface ? [{ kind: "dynamic", name: ext.interface }] : [host(ext.address)];
  const out: PfFilterRule[] = [];
  if (ike) {
    out.push(rule("in", ext.interface, "udp", [peer], selfIn, { toPorts: ports(500, 4500) }));
    out.push(rule("out", ext.interface, "udp", self, [peer], { toPorts: ports(500, 4500) }));
  }
  out.push(rule("in", ext.interface, satype, [peer], selfIn));
  out.push(rule("out", ext.interface, satype, self, [peer]));
  return out;
}

/** The `vpn` anchor: enc0, pairs and links, IPsec peers (per peer or through tables), then the ends' own rules. */
function vpnAnchor(acc: Acc): PfRuleset {
  const pf = acc.pf;
  const vpn: PfRule[] = [];
  if (pf.enc0.has("filter")) vpn.push(block({ on: "enc0" }), ...pf.enc0Rules);
  for (const r of pf.vpnRules) vpn.push(r);
  // IPsec peers: the guide's four rules per peer, or, beyond PEER_TABLE_MIN peers, the same four rules
  // on a table of peers (a mesh gateway then loads O(1) rules instead of O(peers))
  const tables: PfTable[] = [];
  for (const g of pf.peerGroups.values()) {
    if (g.peers.size < PEER_TABLE_MIN) for (const p of g.peers) vpn.push(...ipsecPeerRules(g.ext, p, g.ike, g.satype));
    else {
      const name = `vpn_peers${tables.length > 0 ? `_${tables.length}` : ""}`;
      tables.push({ name, const: true, addresses: [...g.peers].map(host), files: [] });
      vpn.push(...ipsecPeerRules(g.ext, { kind: "table", name }, g.ike, g.satype));
    }
  }
  for (const r of pf.userRules) vpn.push(r);
  return { macros: [], tables, options: [], rules: vpn };
}

/** The gateway's pf.conf (policy, skip, anchor hooks) and its anchors' rulesets by name. */
export function pfDocuments(acc: Acc): { pf: PfRuleset; anchors: Record<string, PfRuleset> } {
  const gw = acc.gw;
  // each interface once (`pf.skip` may also name enc0, which skipping tunnels add)
  const skip = [...new Set(["lo", ...(acc.pf.enc0.has("skip") ? ["enc0"] : []), ...gw.pfSkip])];
  const rules: PfStatement[] = [];
  if (gw.pfPolicy === "pass") {
    rules.push(block({ blockPolicy: "return" }));
    rules.push(rule(undefined, undefined, undefined, [], []));
  } else {
    rules.push(block());
    rules.push(rule("out", undefined, undefined, [], []));
    rules.push(rule("in", undefined, "tcp", [], [], { toPorts: ports(22) }));
  }
  const anchors: Record<string, PfRuleset> = {};
  const hook = (name: string, rs: PfRuleset) => {
    anchors[name] = rs;
    rules.push(anchorCall(name));
    rules.push({ kind: "load-anchor", name, file: `${ANCHOR_DIR}/${name}` });
  };
  const vpn = vpnAnchor(acc);
  if (vpn.rules.length > 0) hook(VPN_ANCHOR, vpn);
  for (const [name, rs] of acc.pf.anchors) hook(name, { macros: [], tables: [], options: [], rules: rs });
  return { pf: { macros: [], tables: [], options: [{ kind: "skip", interfaces: skip }], rules }, anchors };
}
