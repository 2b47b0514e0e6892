/**
 * WireGuard tunnels (wg(4)) in the planner: each end becomes /etc/hostname.wgN (`wgkey`, `wgport`, one
 * `wgpeer … wgendpoint … wgaip …` line per peer, the inner address, `up`) and pf rules in the `vpn`
 * anchor (udp to the peer's wg port on the egress interface, in and out; traffic on wgN). wg(4) on
 * OpenBSD routes nothing by itself (allowed IPs only filter and pick the peer): every allowed network
 * outside the inner subnet gets `!route -q add -inet NET PEER-INNER` after `up`. Several tunnels
 * may share one wg interface of a gateway (a hub, a mesh): their peers are merged, and the interface's own
 * settings (key, port, inner address, rtable) must then agree.
 *
 * Checks that need both ends (at preview): same inner subnet, distinct inner addresses, an endpoint for
 * each end, allowed IPs that do not overlap between the peers of one interface nor with the gateway's own
 * networks. Pure: no I/O.
 */
import type { PfRule } from "../model/pf/types";
import { egressPeerRules, passOn } from "./pf-rules";
import { peerFamilyIssue } from "./egress-family";
import { claimPort } from "./listen-ports";
import { wgLines, type WgInterface, type WgPeer } from "../model/wg/index";
import { contains, NetSet, netText, parseNet, type IpNet as Net } from "../model/address/index";
import type { IfLine } from "./docs";
import { endTargets, innerSubnet } from "./end-targets";
import type { PlanIssue } from "./errors";
import type { GatewaySpec, IfAddress } from "./spec";
import { deriveWgKeyPair, wgPublicKey, type WgKeyPair } from "./wgkeys";

/** One end of a WireGuard tunnel, resolved. */
export interface WireGuardEndSpec {
  /** Gateway name. */
  node: string;
  /** The wg interface, `wgN`. Default {@link WG_DEFAULTS}.interface (`wg0`). */
  interface?: string;
  /** Inner address on wgN (`inet ADDR MASK`). */
  inner: IfAddress;
  /** `wgport`: UDP port this end listens on. Default {@link WG_DEFAULTS}.port (51820). */
  port?: number;
  /**
   * `wgkey` (base64, secret), when given. Default (absent): derived by the planner from the gateway's key
   * seed for this interface ({@link wireGuardEndKeys}).
   */
  privateKey?: string;
  /** The public key of `privateKey` (the other end's `wgpeer`); computed from it when absent. */
  publicKey?: string;
  /** Address the other end sends to (its `wgendpoint`); default this gateway's external address of the inner family, else IPv4. */
  endpoint?: string;
  /** What is reached through this end: the other end's `wgaip`s; default this end's inner address and its gateway's internal networks. */
  networks?: string[];
  /** `wgrtable`. */
  rtable?: number;
  /** The hub's end of a WireGuardHub tunnel: what is reached through it is worked out from the hub's members ({@link hubNetworks}); replaces `networks`. */
  hub?: WireGuardHubReach;
}

/** A member of a WireGuardHub as given: what is reached through it. */
export interface WireGuardReach {
  /** Gateway name. */
  node: string;
  /** The member's inner address as given (`10.8.0.2/24`): its address alone is reached. */
  inner: string;
  /** What is reached through the member, as given. Default: its inner address and its gateway's internal networks. */
  networks?: string[];
}

/** What a hub end of a WireGuardHub tunnel reaches: the hub itself and, with spoke-to-spoke routing, the other spokes. */
export interface WireGuardHubReach {
  hub: WireGuardReach;
  /** The spokes other than this tunnel's. */
  others: WireGuardReach[];
  /** Whether spokes reach each other through the hub. Default {@link WG_HUB_DEFAULTS}.spokeToSpoke (true). */
  spokeToSpoke?: boolean;
}

/** The defaults of a WireGuardHub (the planner applies them): spokes reach each other through the hub. */
export const WG_HUB_DEFAULTS = { spokeToSpoke: true } as const;

/**
 * The networks reached through a hub's end (each spoke's `wgaip`s for the hub and its routes): the hub's
 * own, then with spoke-to-spoke routing every other spoke's; a member's are its `networks` when given,
 * else its inner address and its gateway's internal networks (`internalOf`).
 */
export function hubNetworks(h: WireGuardHubReach, internalOf: (node: string) => string[]): string[] {
  const reach = (m: WireGuardReach) => m.networks ?? [m.inner.split("/")[0]!, ...internalOf(m.node)];
  return [...reach(h.hub), ...((h.spokeToSpoke ?? WG_HUB_DEFAULTS.spokeToSpoke) ? h.others.flatMap(reach) : [])];
}

/** A WireGuard tunnel between two gateways. */
export interface WireGuardSpec {
  name: string;
  left: WireGuardEndSpec;
  right: WireGuardEndSpec;
  /** `wgpka` on both ends' peer lines (seconds; absent = off). */
  keepalive?: number;
  /** `wgpsk` on both ends (base64, secret). */
  psk?: string;
  /** The mesh or hub that declared this tunnel, and how its arguments name the two ends (its messages use them). */
  declaredAs?: { label: string; sides: [string, string] };
}

/** What the planner keeps per gateway that WireGuard writes to (its per-gateway accumulator has these). */
export interface WgTarget {
  gw: GatewaySpec;
  hostnames: Map<string, IfLine[]>;
  pf: { vpnRules: PfRule[] };
}

/** The defaults of a WireGuard end (the planner applies them): wg0, WireGuard's customary port 51820. */
export const WG_DEFAULTS = { interface: "wg0", port: 51820 } as const;

/** A tunnel end with its defaults applied and its key pair resolved. */
type WgEnd = WireGuardEndSpec & WgKeyPair & { interface: string; port: number };

/** An end with its defaults and key pair (`seed`: its gateway's key seed). */
function resolveEnd(e: WireGuardEndSpec, seed: string): WgEnd {
  return { ...e, interface: e.interface ?? WG_DEFAULTS.interface, port: e.port ?? WG_DEFAULTS.port, ...wireGuardEndKeys(e, seed) };
}

/**
 * An end's key pair: the private key given (its public key computed), else derived from its gateway's key
 * seed (`seed`) for its interface. The one rule for wg keys: the planner, the secret listing and the
 * WireGuard components' public-key outputs call it.
 */
export function wireGuardEndKeys(e: Pick<WireGuardEndSpec, "node" | "interface" | "privateKey" | "publicKey">, seed: string): WgKeyPair {
  if (e.privateKey === undefined) return deriveWgKeyPair(seed, e.node, e.interface ?? WG_DEFAULTS.interface);
  return { privateKey: e.privateKey, publicKey: e.publicKey ?? wgPublicKey(e.privateKey) };
}

/** One wg interface of one gateway, merged over the tunnels that use it. */
interface WgIf {
  by: string;
  end: WgEnd;
  peers: WgPeer[];
  rules: PfRule[];
  /** `!route` lines: routes to the peers' networks beyond the inner subnet. */
  routes: IfLine[];
  aips: NetSet<string>;
}

const wgLabel = (n: string) => `WireGuardTunnel "${n}"`;
const gwLabel = (n: string) => `Gateway "${n}"`;


/** Plans every WireGuard tunnel of a topology into the gateways' hostname files and vpn rules. */
export function planWireGuard(specs: readonly WireGuardSpec[], accs: ReadonlyMap<string, WgTarget>, issues: PlanIssue[]): void {
  const ifs = new Map<string, Map<string, WgIf>>();
  for (const t of specs) planOne(t, accs, ifs, issues);
  for (const [gwName, m] of ifs) {
    const acc = accs.get(gwName)!;
    const ports = new Map<number, string>();
    for (const [iface, w] of m) {
      const at = [w.by, gwLabel(gwName)];
      if (acc.hostnames.has(iface)) {
        issues.push({ resources: at, field: "interface", value: iface, reason: `another resource already writes /etc/hostname.${iface}`, fix: "use another wg interface, e.g. `wg1`" });
        continue;
      }
      const other = ports.get(w.end.port);
      if (other !== undefined) issues.push({ resources: at, field: "port", value: String(w.end.port), reason: `${other} on this gateway listens on the same UDP port`, fix: "give each wg interface its own port" });
      else claimPort(acc, "udp", w.end.port, w.by, "port", issues);
      ports.set(w.end.port, iface);
      const wg: WgInterface = { privateKey: w.end.privateKey, port: w.end.port, ...(w.end.rtable !== undefined ? { rtable: w.end.rtable } : {}), peers: w.peers };
      const lines: IfLine[] = wgLines(wg, `hostname.${iface}`).map((l) => ({ kind: "ifconfig", args: (l as { args: string[] }).args }));
      lines.push(w.end.inner.address.includes(":") ? { kind: "inet6", ...w.end.inner } : { kind: "inet", ...w.end.inner }, { kind: "up" }, ...w.routes);
      acc.hostnames.set(iface, lines);
      acc.pf.vpnRules.push(...w.rules, passOn(iface));
    }
  }
}

function planOne(spec: WireGuardSpec, accs: ReadonlyMap<string, WgTarget>, ifs: Map<string, Map<string, WgIf>>, issues: PlanIssue[]): void {
  const L = spec.declaredAs?.label ?? wgLabel(spec.name);
  // the ends' fields as the user wrote them: left/right, or a mesh's members[i] and a hub's hub/spokes[i]
  const [SL, SR] = spec.declaredAs?.sides ?? ["left", "right"];
  const targets = endTargets(L, [{ node: spec.left.node, field: `${SL}.gateway` }, { node: spec.right.node, field: `${SR}.gateway` }], accs, issues);
  if (!targets) return;
  const [la, ra] = targets;
  const t = { ...spec, left: resolveEnd(spec.left, la.gw.keySeed), right: resolveEnd(spec.right, ra.gw.keySeed) };
  const both = [L, gwLabel(t.left.node), gwLabel(t.right.node)];
  const before = issues.length;
  if (t.left.node === t.right.node) issues.push({ resources: both, field: `${SL}.gateway, ${SR}.gateway`, value: t.left.node, reason: "both ends are the same gateway", fix: "connect two different gateways" });
  if (t.left.publicKey === t.right.publicKey)
    issues.push({ resources: both, field: `${SL}.privateKey, ${SR}.privateKey`, value: "(secret)", reason: "both ends have the same key (a WireGuard peer is identified by its public key)", fix: "give each end its own private key" });
  const lnet = innerSubnet(both, [SL, SR], t.left.inner, t.right.inner, issues);
  // the default endpoint: the external address of the inner family, else the other, of a family the sender has too
  const endpointOf = (e: WgEnd, acc: WgTarget, side: string, sender: WgTarget): string | undefined => {
    const x = acc.gw.external;
    // behind NAT, the other end sends to the NAT router's public address (what it sees), not the private one
    const v4 = x.nat ? { address: x.nat.publicAddress, prefix: 32 } : x.address;
    const prefer = lnet.family === 6 ? [x.address6, v4] : [v4, x.address6];
    const reachable = prefer.filter((a) => a && (a.address.includes(":") ? sender.gw.external.address6 : sender.gw.external.address));
    const a = e.endpoint ?? (reachable[0] ?? prefer.find((y) => y))?.address;
    if (!a) issues.push({ resources: both, field: `${side}.endpoint`, value: "(none)", reason: `${gwLabel(acc.gw.name)} has no external address for its peer to send to`, fix: `give \`${side}.endpoint\` or the gateway's external address` });
    else {
      const bad = peerFamilyIssue(both, e.endpoint !== undefined ? `${side}.endpoint` : `${side}.endpoint (default: ${gwLabel(acc.gw.name)}'s external address)`, a, sender.gw);
      if (bad) issues.push(bad);
    }
    return a;
  };
  const lep = endpointOf(t.left, la, SL, ra);
  const rep = endpointOf(t.right, ra, SR, la);
  const netsOf = (e: WgEnd, acc: WgTarget, side: string): Net[] => {
    const given = e.hub ? hubNetworks(e.hub, (n) => accs.get(n)?.gw.internal.map((i) => i.network) ?? []) : e.networks ?? [`${e.inner.address}/${e.inner.address.includes(":") ? 128 : 32}`, ...acc.gw.internal.map((i) => i.network)];
    return given.flatMap((n) => {
      const x = parseNet(n);
      if (!x) issues.push({ resources: both, field: `${side}.networks`, value: n, reason: "not a network", fix: "write e.g. `172.16.1.0/24`" });
      return x ? [x] : [];
    });
  };
  const lnets = netsOf(t.left, la, SL);
  const rnets = netsOf(t.right, ra, SR);
  if (issues.length > before || !lep || !rep) return;

  for (const [me, other, acc, peerNets, peerEp, side, otherSide] of [[t.left, t.right, la, rnets, rep, SL, SR], [t.right, t.left, ra, lnets, lep, SR, SL]] as const) {
    const at = [L, gwLabel(acc.gw.name)];
    let m = ifs.get(acc.gw.name);
    if (!m) ifs.set(acc.gw.name, (m = new Map()));
    let w = m.get(me.interface);
    if (!w) {
      w = { by: L, end: me, peers: [], rules: [], routes: [], aips: new NetSet<string>() };
      for (const i of acc.gw.internal) w.aips.addOrClash(parseNet(i.network)!, `${gwLabel(acc.gw.name)} internal network ${i.network}`);
      w.aips.addOrClash(parseNet(me.inner.address)!, `${side}.inner`);
      m.set(me.interface, w);
    } else {
      // a second tunnel on the same interface: the interface's own settings must agree
      const diff = (f: string, a: unknown, b: unknown, shownA: string, shownB: string) => {
        if (a !== b) issues.push({ resources: [w!.by, ...at], field: `${side}.${f}`, value: `${shownA} ≠ ${shownB}`, reason: `${w!.by} already sets ${me.interface} on this gateway differently`, fix: `give every tunnel on ${me.interface} the same ${f}, or use another interface` });
      };
      diff("inner", `${w.end.inner.address}/${w.end.inner.prefix}`, `${me.inner.address}/${me.inner.prefix}`, `${w.end.inner.address}/${w.end.inner.prefix}`, `${me.inner.address}/${me.inner.prefix}`);
      diff("port", w.end.port, me.port, String(w.end.port), String(me.port));
      diff("privateKey", w.end.privateKey, me.privateKey, "(secret)", "(secret)");
      diff("rtable", w.end.rtable, me.rtable, String(w.end.rtable ?? "(none)"), String(me.rtable ?? "(none)"));
    }
    if (w.peers.some((p) => p.publicKey === other.publicKey)) {
      issues.push({ resources: at, field: otherSide, value: other.publicKey, reason: `this peer is already on ${me.interface} of ${gwLabel(acc.gw.name)}`, fix: "declare one tunnel per pair of gateways" });
      continue;
    }
    for (const n of peerNets) {
      const c = w.aips.addOrClash(n, `${L} ${otherSide}.networks`);
      if (c) issues.push({ resources: at, field: `${otherSide}.networks`, value: netText(n), reason: `overlaps ${netText(c.net)} (${c.tag}) on ${me.interface} of ${gwLabel(acc.gw.name)}: wg(4) routes each address to one peer`, fix: "give each peer distinct allowed networks" });
    }
    w.peers.push({
      publicKey: other.publicKey,
      ...(t.psk !== undefined ? { psk: t.psk } : {}),
      ...(t.keepalive ? { keepalive: t.keepalive } : {}),
      endpoint: { host: peerEp, port: other.port },
      allowedIps: peerNets.map((n) => (n.prefix === undefined ? `${n.address}/${n.family === 4 ? 32 : 128}` : netText(n))),
    });
    const innerNet = parseNet(`${me.inner.address}/${me.inner.prefix}`)!;
    for (const n of peerNets) {
      if (n.family === innerNet.family && contains(innerNet, n)) continue;
      if (n.family !== innerNet.family) {
        issues.push({ resources: at, field: `${otherSide}.networks`, value: netText(n), reason: `an IPv${n.family} network routed through an IPv${innerNet.family} inner address`, fix: "give networks of the inner addresses' family" });
        continue;
      }
      if (acc.gw.forwarding.ipv4 === 2 && n.family === 4 && !w.routes.length)
        issues.push({ resources: at, field: "forwarding.ipv4", value: "2", reason: `net.inet.ip.forwarding=2 forwards only IPsec traffic, so ${netText(n)} behind ${me.interface} would not be forwarded`, fix: "set `forwarding: { ipv4: 1 }` on the gateway" });
      w.routes.push({ kind: "command", command: `route -q add -inet${n.family === 6 ? "6" : ""} ${n.prefix === undefined ? n.address : netText(n)} ${other.inner.address}` });
    }
    const ext = acc.gw.external.interface;
    // bound to the egress interface as the IPsec peer rules are (`to (em1)`, `from em1`)
    w.rules.push(
      ...egressPeerRules(ext, ["udp"], peerEp, me.port, other.port),
    );
  }
}
