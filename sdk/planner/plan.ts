/**
 * The planner: from the declared topology to each gateway's typed documents (pure: no I/O, no clock).
 *
 * Every check that needs both ends of a link runs here, at preview, before any SSH (DESIGN.md D4):
 * mirrored selectors, equal PSK (keyed fingerprints), a transform both daemons accept, `peer` equal to the
 * other end's egress or CARP address, the same IKE daemon, CARP vhid/password equal within a pair and
 * vhids unique per segment, address families, overlapping protected networks, manual key lengths. All
 * problems are collected and thrown together as one {@link PlanError}.
 *
 * Cost is linear in the number of tunnel ends: each tunnel touches its two ends once, per-gateway
 * checks use maps keyed by gateway.
 */
import { canonicalTransform, allowedNames } from "../model/iked/transforms";
import type { IkedAuth, IkedFlow, IkedPolicy, IkedTransforms } from "../model/iked/types";
import { statementProblems } from "../model/ipsec/validate";
import { AUTH_KEY_BYTES, ENC_INFO, resolveTransform, transformNames, type AuthTransform, type EncTransform, type GroupTransform } from "../model/ipsec/transforms";
import type { FlowRule, IkeMainPhase, IkePhase, IkeRule, IpsecStatement, SaRule } from "../model/ipsec/types";
import type { PfFilterRule, PfHost, PfPort, PfRule, PfRuleset, PfStatement, PfTable } from "../model/pf/types";
import type { ServiceState } from "../state";
import { contains, NetSet, netText, overlaps, parseNet, sameNets, toIpsec, type Net } from "./addr";
import type { GatewayDocs, IfLine, Plan, RawFile, SasyncdDoc } from "./docs";
import { PlanError, type PlanIssue } from "./errors";
import { anchorName, interfaceName, refusalOf, sysctlName, sysctlValue } from "../model/tokens/index";
import { fingerprint, ikedKeyPair } from "./keys";
import { planWireGuard } from "./wireguard";
import type {
  CarpPairSpec,
  CarpSegmentSpec,
  GatewaySpec,
  IkeDaemon,
  LinkSpec,
  ManualKeys,
  PhaseSpec,
  PolicySpec,
  Topology,
  TunnelEndSpec,
  TunnelSpec,
} from "./spec";

/** Options of {@link planTopology}. */
export interface PlanOptions {
  /** Key of the fingerprints shown instead of secrets (random per program run; fixed in tests). */
  fingerprintKey: string;
}

/** The generated anchor holding every tunnel's, pair's and link's pf rules. */
export const VPN_ANCHOR = "vpn";
/** From this many IPsec peers on one egress binding, a gateway's peer rules use a pf table. */
export const PEER_TABLE_MIN = 9;
/** Where anchors' files live. */
export const ANCHOR_DIR = "/etc/pf.anchors";

/** A tunnel end's node: a gateway, or a CARP pair (both members get the configuration). */
type Node =
  | { kind: "gateway"; label: string; gateways: GatewaySpec[] }
  | { kind: "pair"; label: string; gateways: GatewaySpec[]; pair: CarpPairSpec; ext: CarpSegmentSpec };

/** Per-gateway accumulator. */
interface Acc {
  gw: GatewaySpec;
  ipsec: IpsecStatement[];
  ipsecSecret: boolean;
  iked: IkedPolicy[];
  /** Daemon → the resource that asked for it (for the "same IKE daemon" error). */
  daemons: Map<IkeDaemon, string>;
  manual: boolean;
  enc0: Map<"skip" | "filter", string>;
  enc0Rules: PfRule[];
  /** Rules of pairs and links, in declaration order. */
  vpnRules: PfRule[];
  /** IKE/ESP peers by egress binding: rendered one rule set per peer, or through a table when there are many. */
  peerGroups: Map<string, { ext: { interface?: string; address: string }; ike: boolean; satype: "esp" | "ah"; peers: Set<string> }>;
  /** Rules given by tunnel ends (after the generated ones). */
  userRules: PfRule[];
  anchors: Map<string, PfRule[]>;
  hostnames: Map<string, IfLine[]>;
  sasyncd?: SasyncdDoc;
  sysctls: Map<string, string>;
  services: Map<string, ServiceState>;
  rawFiles: Map<string, RawFile>;
  /** Remote protected networks → tunnel label (overlap between tunnels of one gateway). */
  remoteNets: NetSet<string>;
}

const gwLabel = (n: string) => `Gateway "${n}"`;
const tunLabel = (n: string) => `SiteToSiteTunnel "${n}"`;
const pairLabel = (n: string) => `CarpPair "${n}"`;
const linkLabel = (n: string) => `GifTunnel "${n}"`;
const anchorLabel = (n: string) => `PfAnchor "${n}"`;

/** Fields whose values are secret: never echoed in messages. */
const SECRET_FIELD = /psk|key|pass/i;

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
  const pairs = new Map<string, CarpPairSpec>();
  for (const p of t.pairs) pairs.set(p.name, p);
  const dependsOn: Record<string, string[]> = {};

  const resolveNode = (name: string, by: string, field: string): Node | undefined => {
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

  // --- gateways' own settings
  for (const acc of accs.values()) planGatewayBase(acc, issues);

  // --- CARP pairs (before tunnels: tunnels bind to their addresses)
  const segmentVhids: { net: Net; vhid: number; by: string; iface: string }[] = [];
  for (const p of t.pairs) planPair(p, accs, issues, segmentVhids, dependsOn);

  // --- tunnels
  for (const tun of t.tunnels) planTunnel(tun, accs, resolveNode, issues, fp);

  // --- gif/gre/eoip/etherip links
  for (const l of t.links) planLink(l, accs, issues);

  // --- WireGuard tunnels (wireguard.ts)
  planWireGuard(t.wireguard ?? [], accs, issues);

  // --- anchors
  for (const a of t.anchors) {
    const acc = accs.get(a.gateway);
    if (!acc) {
      issues.push({ resources: [anchorLabel(a.resource ?? a.name)], field: "gateway", value: a.gateway, reason: "no Gateway has this name", fix: "pass a Gateway declared in the same program" });
      continue;
    }
    const bad = refusalOf(anchorName, a.name);
    if (bad || a.name === VPN_ANCHOR) {
      issues.push({
        resources: [anchorLabel(a.resource ?? a.name), gwLabel(a.gateway)], field: "name", value: a.name,
        reason: bad ? bad.reason : `\`${VPN_ANCHOR}\` is the anchor the tunnels' rules are generated into`,
        fix: bad ? bad.fix : "choose another anchor name",
      });
      continue;
    }
    if (acc.anchors.has(a.name)) {
      issues.push({ resources: [anchorLabel(a.resource ?? a.name), gwLabel(a.gateway)], field: "name", value: a.name, reason: "two anchors of this gateway have this name", fix: "merge their rules or rename one" });
      continue;
    }
    acc.anchors.set(a.name, a.rules);
  }

  // --- per gateway: one IKE daemon, one enc0 mode, CARP control
  for (const acc of accs.values()) {
    if (acc.daemons.size > 1) {
      const [[d1, by1], [d2, by2]] = [...acc.daemons.entries()] as [[IkeDaemon, string], [IkeDaemon, string]];
      issues.push({
        resources: [gwLabel(acc.gw.name), by1, by2], field: "ike", value: `${d1} and ${d2}`,
        reason: "both daemons would listen on UDP 500; a gateway runs one IKE daemon",
        fix: `use the same \`ike\` daemon for every tunnel of ${gwLabel(acc.gw.name)}`,
      });
    }
    if (acc.enc0.size > 1) {
      issues.push({
        resources: [gwLabel(acc.gw.name), acc.enc0.get("skip")!, acc.enc0.get("filter")!], field: "enc0", value: "skip and filter",
        reason: "`set skip on enc0` disables every enc0 rule of the gateway",
        fix: "use the same `enc0` setting for every tunnel of the gateway",
      });
    }
    if (acc.sasyncd && acc.daemons.has("iked")) acc.sasyncd.control = "iked";
  }

  if (issues.length > 0) throw new PlanError(issues);
  const gateways: Record<string, GatewayDocs> = {};
  for (const acc of accs.values()) gateways[acc.gw.name] = finish(acc);
  return { gateways, dependsOn };
}

function newAcc(gw: GatewaySpec): Acc {
  return {
    gw, ipsec: [], ipsecSecret: false, iked: [], daemons: new Map(), manual: false, enc0: new Map(), enc0Rules: [], vpnRules: [], peerGroups: new Map(), userRules: [],
    anchors: new Map(), hostnames: new Map(), sysctls: new Map(), services: new Map(), rawFiles: new Map(), remoteNets: new NetSet<string>(),
  };
}

// ---------------------------------------------------------------------------------------------------
// pf rule builders (typed; rendered by the pf model)

const host = (address: string): PfHost => ({ kind: "address", address });
const ports = (...ps: number[]): PfPort[] => ps.map((port) => ({ op: "=", port }));

function rule(
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
 * The rules a gateway needs to talk IPsec with `peer`: udp 500/4500 (with IKE) and esp or ah, in and out
 * (seeds/000 "Allowing IPsec Traffic Through pf"). On a plain gateway they are bound to the egress
 * interface (`to (em1)`, `from em1`); on a CARP member to the CARP address (packets arrive on the carp
 * interface, not its carpdev).
 */
function ipsecPeerRules(ext: { interface?: string; address: string }, peerAddress: string | PfHost, ike: boolean, satype: "esp" | "ah"): PfFilterRule[] {
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

const ifBound = { state: "keep", stateOptions: { ifBound: true } } as const;

// ---------------------------------------------------------------------------------------------------
// gateways

function planGatewayBase(acc: Acc, issues: PlanIssue[]): void {
  const gw = acc.gw;
  acc.sysctls.set("net.inet.ip.forwarding", String(gw.forwarding.ipv4));
  if (gw.forwarding.ipv6) acc.sysctls.set("net.inet6.ip6.forwarding", "1");
  if (gw.esp !== undefined) acc.sysctls.set("net.inet.esp.enable", gw.esp ? "1" : "0");
  if (gw.ah !== undefined) acc.sysctls.set("net.inet.ah.enable", gw.ah ? "1" : "0");
  if (gw.ipcomp !== undefined) acc.sysctls.set("net.inet.ipcomp.enable", gw.ipcomp ? "1" : "0");
  for (const [k, v] of Object.entries(gw.sysctls)) {
    const bad = refusalOf(sysctlName, k) ?? refusalOf(sysctlValue, v);
    if (bad) {
      issues.push({ resources: [gwLabel(gw.name)], field: `sysctls["${k}"]`, value: refusalOf(sysctlName, k) ? k : v, reason: bad.reason, fix: bad.fix });
      continue;
    }
    acc.sysctls.set(k, v);
  }
  if (gw.external.configure) {
    const lines: IfLine[] = [];
    if (gw.external.address) lines.push({ kind: "inet", ...gw.external.address });
    if (gw.external.address6) lines.push({ kind: "inet6", ...gw.external.address6 });
    lines.push({ kind: "up" });
    acc.hostnames.set(gw.external.interface, lines);
  }
  for (const i of gw.internal) {
    if (!i.configure) continue;
    if (!i.address) {
      issues.push({ resources: [gwLabel(gw.name)], field: `internal[${i.interface}].address`, value: "(none)", reason: "`configure: true` needs the gateway's address on the interface", fix: "give `address` (e.g. `172.16.0.1/24`) or set `configure: false`" });
      continue;
    }
    acc.hostnames.set(i.interface, [{ kind: "inet", ...i.address }, { kind: "up" }]);
  }
  for (const x of gw.extraInterfaces) acc.hostnames.set(x.interface, [...x.addresses.map((a): IfLine => (a.address.includes(":") ? { kind: "inet6", ...a } : { kind: "inet", ...a })), { kind: "up" }]);
  for (const [k, x] of gw.pfSkip.entries()) {
    const bad = refusalOf(interfaceName, x);
    if (bad) issues.push({ resources: [gwLabel(gw.name)], field: `pf.skip[${k}]`, value: x, reason: bad.reason, fix: bad.fix });
  }
  let order = 10;
  for (const [name, s] of Object.entries(gw.services)) {
    acc.services.set(name, { order: order++, enabled: s.enabled, ...(s.flags !== undefined ? { flags: s.flags } : {}), running: s.running ?? s.enabled });
  }
}

/** Services of an IKE daemon (rc.d order: isakmpd 1 → ipsec 2 → sasyncd 3; iked 1). */
function useDaemon(acc: Acc, d: IkeDaemon, by: string): void {
  if (!acc.daemons.has(d)) acc.daemons.set(d, by);
  switch (d) {
    case "isakmpd":
      // -K: no keynote policy (required with ipsecctl); -S is added by rc.d when sasyncd is enabled (C.2)
      acc.services.set("isakmpd", { order: 1, enabled: true, flags: "-K", running: true });
      acc.services.set("ipsec", { order: 2, enabled: true, running: true });
      return;
    case "iked":
      acc.services.set("iked", { order: 1, enabled: true, running: true });
      return;
  }
}

function useManual(acc: Acc): void {
  acc.manual = true;
  acc.services.set("ipsec", { order: 2, enabled: true, running: true });
}

function egressOf(node: Node, family: 4 | 6): string | undefined {
  if (node.kind === "pair") return node.ext.address.address.includes(":") === (family === 6) ? node.ext.address.address : undefined;
  const e = node.gateways[0]!.external;
  return (family === 4 ? e.address : e.address6)?.address;
}

// ---------------------------------------------------------------------------------------------------
// tunnels

function resolvePhase1(p: PhaseSpec | undefined, field: string, by: string[], issues: PlanIssue[]): IkeMainPhase | undefined {
  if (!p) return undefined;
  return resolvePhase(p, field, by, issues) as IkeMainPhase;
}

function resolvePhase(p: PhaseSpec | undefined, field: string, by: string[], issues: PlanIssue[]): IkePhase | undefined {
  if (!p) return undefined;
  const out: IkePhase = {};
  if (p.auth !== undefined) {
    const a = resolveTransform("auth", p.auth);
    if (a) out.auth = a;
    else issues.push({ resources: by, field: `${field}.auth`, value: p.auth, reason: "unknown transform", fix: `use one of ${transformNames("auth").join(", ")}` });
  }
  if (p.enc !== undefined) {
    const e = resolveTransform("enc", p.enc);
    if (e) out.enc = e;
    else issues.push({ resources: by, field: `${field}.enc`, value: p.enc, reason: "unknown transform", fix: `use one of ${transformNames("enc").join(", ")}` });
  }
  if (p.group !== undefined) {
    const g = resolveTransform("group", p.group);
    if (g) out.group = g as GroupTransform;
    else issues.push({ resources: by, field: `${field}.group`, value: p.group, reason: "unknown group", fix: `use one of ${transformNames("group").join(", ")}` });
  }
  if (p.lifetime !== undefined) out.lifetime = p.lifetime;
  return out;
}

function ikedTransforms(p: PhaseSpec | undefined, sa: "ikesa" | "childsa", field: string, by: string[], issues: PlanIssue[]): IkedTransforms[] | undefined {
  if (!p) return undefined;
  const out: IkedTransforms = {};
  const one = (kind: "enc" | "auth" | "prf" | "group", v: string | undefined) => {
    if (v === undefined) return;
    const c = canonicalTransform(kind, sa, v);
    if (c) out[kind] = [c];
    else issues.push({ resources: by, field: `${field}.${kind}`, value: v, reason: `iked does not accept it in ${sa}`, fix: `use one of ${allowedNames(kind, sa).join(", ")}` });
  };
  one("enc", p.enc);
  one("auth", p.auth);
  if (sa === "ikesa") one("prf", p.prf);
  one("group", p.group);
  return [out];
}

interface EndCtx {
  spec: TunnelEndSpec;
  node: Node;
  nets: Net[];
  /** This end's egress/CARP address (what the other end uses as `peer`). */
  address: string;
  daemon?: IkeDaemon;
}

function parseNets(list: string[], field: string, by: string[], issues: PlanIssue[]): Net[] {
  const out: Net[] = [];
  for (const s of list) {
    const n = parseNet(s);
    if (n) out.push(n);
    else issues.push({ resources: by, field, value: s, reason: "not an IPv4 or IPv6 address or network", fix: "write it as `ADDRESS` or `ADDRESS/LEN`, e.g. `172.16.0.0/24`" });
  }
  return out;
}

function planTunnel(
  tun: TunnelSpec,
  accs: Map<string, Acc>,
  resolveNode: (name: string, by: string, field: string) => Node | undefined,
  issues: PlanIssue[],
  fp: (s: string) => string,
): void {
  const T = tunLabel(tun.name);
  const ln = resolveNode(tun.left.node, T, "left");
  const rn = resolveNode(tun.right.node, T, "right");
  if (!ln || !rn) return;
  if (ln.gateways.some((g) => rn.gateways.includes(g))) {
    issues.push({ resources: [T, ln.label, rn.label], field: "left, right", value: `${tun.left.node}, ${tun.right.node}`, reason: "both ends are the same gateway", fix: "connect two different gateways" });
    return;
  }
  const both = [T, ln.label, rn.label];
  const before = issues.length;

  // address family of the outer (peer) addresses: IPv4 when both ends have one, else IPv6
  const family: 4 | 6 | undefined = egressOf(ln, 4) && egressOf(rn, 4) ? 4 : egressOf(ln, 6) && egressOf(rn, 6) ? 6 : undefined;
  if (!family) {
    issues.push({
      resources: both, field: "left.external.address, right.external.address", value: `${egressOf(ln, 4) ?? egressOf(ln, 6) ?? "(none)"}, ${egressOf(rn, 4) ?? egressOf(rn, 6) ?? "(none)"}`,
      reason: "the ends have no egress address of a common family", fix: "give both gateways an IPv4 (or both an IPv6) external address",
    });
    return;
  }
  // the field the user wrote the protected networks in: the end's `networks`, or the gateway's internal network
  const nf = (side: "left" | "right") => tun[side].networksFrom ?? `${side}.networks`;
  const both2 = `${nf("left")}, ${nf("right")}`;
  const L: EndCtx = { spec: tun.left, node: ln, nets: parseNets(tun.left.networks, nf("left"), both, issues), address: egressOf(ln, family)! };
  const R: EndCtx = { spec: tun.right, node: rn, nets: parseNets(tun.right.networks, nf("right"), both, issues), address: egressOf(rn, family)! };
  if (L.nets.length === 0 && tun.left.networks.length === 0) issues.push({ resources: both, field: "left.networks", value: "[]", reason: `no protected network: ${ln.label} has no internal network`, fix: "give the Gateway an `internal` network or the tunnel end `networks`" });
  if (R.nets.length === 0 && tun.right.networks.length === 0) issues.push({ resources: both, field: "right.networks", value: "[]", reason: `no protected network: ${rn.label} has no internal network`, fix: "give the Gateway an `internal` network or the tunnel end `networks`" });

  // mirrored selectors
  for (const [me, other, side, oside] of [[L, R, "left", "right"], [R, L, "right", "left"]] as const) {
    if (!me.spec.remoteNetworks) continue;
    const expect = parseNets(me.spec.remoteNetworks, `${side}.remoteNetworks`, both, issues);
    if (!sameNets(expect, other.nets)) {
      issues.push({
        resources: both, field: `${side}.remoteNetworks, ${nf(oside)}`, value: `${expect.map(netText).join(" ")} ≠ ${other.nets.map(netText).join(" ")}`,
        reason: "the selectors are not mirrored: the ends would propose different flows and phase 2 never completes",
        fix: `set ${side}.remoteNetworks to ${other.nets.map(netText).join(", ")} (or remove it)`,
      });
    }
  }
  // address families of the protected networks, and overlap
  for (const a of L.nets) {
    if (!R.nets.some((b) => b.family === a.family))
      issues.push({ resources: both, field: both2, value: `${netText(a)}, ${R.nets.map(netText).join(" ")}`, reason: `${netText(a)} is IPv${a.family} and the right end protects no IPv${a.family} network`, fix: "pair each network with one of the same family on the other end" });
    for (const b of R.nets)
      if (overlaps(a, b))
        issues.push({ resources: both, field: both2, value: `${netText(a)}, ${netText(b)}`, reason: "the protected networks overlap: traffic between them would never enter the tunnel", fix: "renumber one side or narrow the networks" });
  }
  for (const b of R.nets)
    if (!L.nets.some((a) => a.family === b.family))
      issues.push({ resources: both, field: both2, value: `${L.nets.map(netText).join(" ")}, ${netText(b)}`, reason: `${netText(b)} is IPv${b.family} and the left end protects no IPv${b.family} network`, fix: "pair each network with one of the same family on the other end" });

  // peer = the other end's egress or CARP address
  for (const [me, other, side] of [[L, R, "left"], [R, L, "right"]] as const) {
    if (me.spec.peer !== undefined && parseNet(me.spec.peer)?.address !== other.address) {
      issues.push({
        resources: both, field: `${side}.peer`, value: me.spec.peer,
        reason: `it is not ${other.node.label}'s ${other.node.kind === "pair" ? "CARP" : "egress"} address ${other.address}`,
        fix: `set ${side}.peer to ${other.address} or remove it`,
      });
    }
  }

  // keying
  const k = tun.keying;
  if (k.kind === "ike") {
    for (const [me, side] of [[L, "left"], [R, "right"]] as const) {
      const ds = new Set(me.node.gateways.map((g) => k.daemon ?? g.ike));
      me.daemon = [...ds][0];
      if (ds.size > 1) issues.push({ resources: [T, me.node.label], field: `${side}: ike`, value: [...ds].join(", "), reason: "the members of the pair use different IKE daemons", fix: "use the same `ike` on both members" });
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
    } else if (L.daemon === "isakmpd" || R.daemon === "isakmpd") {
      issues.push({
        resources: both, field: "auth", value: "publickey",
        reason: "public-key authentication is generated for iked (ECDSA keys derived from each gateway's key seed); isakmpd needs RSA keys",
        fix: "set `ike: \"iked\"` or use a `psk`",
      });
    }
    for (const [me, side] of [[L, "left"], [R, "right"]] as const)
      if (me.daemon === "iked" && me.spec.mode === "dynamic")
        issues.push({ resources: both, field: `${side}.mode`, value: "dynamic", reason: "iked policies are `active` or `passive` (dynamic is isakmpd's active + DPD)", fix: "use `active` or `passive`" });
  } else {
    checkManualKeys(k.keys, tun.satype, both, "keys", issues);
  }
  if (issues.length > before) return;

  // overlap between tunnels of one gateway (same remote network twice)
  for (const [me, other] of [[L, R], [R, L]] as const)
    for (const g of me.node.gateways) {
      const acc = accs.get(g.name)!;
      for (const n of other.nets) {
        const clash = acc.remoteNets.addOrClash(n, T);
        if (clash) issues.push({ resources: [T, clash.tag, gwLabel(g.name)], field: "networks", value: `${netText(n)}, ${netText(clash.net)}`, reason: `both tunnels of ${gwLabel(g.name)} protect overlapping remote networks`, fix: "route each remote network through one tunnel" });
      }
    }
  if (issues.length > before) return;

  // transforms, resolved once per tunnel (both ends use the same proposal)
  const main = k.kind === "ike" && L.daemon === "isakmpd" ? resolvePhase1(k.phase1, "main", both, issues) : undefined;
  const quick = k.kind === "ike" && L.daemon === "isakmpd" ? resolvePhase(k.phase2, "quick", both, issues) : undefined;
  const ikesa = k.kind === "ike" && L.daemon === "iked" ? ikedTransforms(k.phase1, "ikesa", "ikesa", both, issues) : undefined;
  const childsa = k.kind === "ike" && L.daemon === "iked" ? ikedTransforms(k.phase2, "childsa", "childsa", both, issues) : undefined;
  if (issues.length > before) return;

  // contributions to each gateway of each end
  const policies: PolicySpec[] = tun.policies.length > 0 ? tun.policies : [{}];
  for (const [me, other, side, flip] of [[L, R, "left", false], [R, L, "right", true]] as const) {
    for (const g of me.node.gateways) {
      const acc = accs.get(g.name)!;
      const local = me.spec.local ?? (me.node.kind === "pair" ? me.address : undefined);
      const peer = other.address;
      const label = [T, gwLabel(g.name)];
      if (k.kind === "ike") {
        useDaemon(acc, me.daemon!, T);
        if (me.daemon === "isakmpd") {
          const psk = k.auth.kind === "psk" ? (me.spec.psk ?? k.auth.psk) : undefined;
          for (const p of policies) {
            const r: IkeRule = {
              type: "ike",
              ...(me.spec.mode !== "active" ? { mode: me.spec.mode } : {}),
              satype: tun.satype,
              ...(p.proto !== undefined ? { proto: p.proto } : {}),
              from: { addresses: me.nets.map(toIpsec), ...(portOf(p, flip, "from") !== undefined ? { port: portOf(p, flip, "from") } : {}) },
              to: { addresses: other.nets.map(toIpsec), ...(portOf(p, flip, "to") !== undefined ? { port: portOf(p, flip, "to") } : {}) },
              ...(local ? { local: { kind: "ip", address: local } } : {}),
              peer: { kind: "ip", address: peer },
              ...(main ? { main } : {}),
              ...(quick ? { quick } : {}),
              ...(me.spec.srcid ? { srcid: me.spec.srcid } : {}),
              ...(me.spec.dstid ? { dstid: me.spec.dstid } : {}),
              ...(psk !== undefined ? { auth: { kind: "psk", psk } } : {}),
              ...(me.spec.tag ? { tag: me.spec.tag } : {}),
            };
            pushStatement(acc, r, label, issues);
            if (psk !== undefined) acc.ipsecSecret = true;
          }
        } else {
          let auth: IkedAuth | undefined;
          if (k.auth.kind === "psk") auth = { kind: "psk", value: me.spec.psk ?? k.auth.psk };
          else {
            auth = { kind: "method", method: "ecdsa256" };
            installKeys(acc, g, other, family);
          }
          policies.forEach((p, i) => {
            const flows: IkedFlow[] = [];
            for (const a of me.nets)
              for (const b of other.nets)
                if (a.family === b.family) {
                  const fp_ = portOf(p, flip, "from");
                  const tp = portOf(p, flip, "to");
                  flows.push({ from: netText(a), ...(fp_ !== undefined ? { fromPort: fp_ } : {}), to: netText(b), ...(tp !== undefined ? { toPort: tp } : {}) });
                }
            const active = me.spec.mode !== "passive";
            acc.iked.push({
              name: policies.length > 1 ? `${tun.name}-${i + 1}` : tun.name,
              mode: active ? "active" : "passive",
              encapsulation: "tunnel",
              saProto: tun.satype,
              ...(p.proto !== undefined ? { proto: [p.proto] } : {}),
              flows,
              local: local ?? me.address,
              // the guide's passive responder names no peer; an active initiator must
              ...(active || me.spec.peer !== undefined ? { peer } : {}),
              ...(ikesa ? { ikesa } : {}),
              ...(childsa ? { childsa } : {}),
              ...(me.spec.srcid ? { srcid: me.spec.srcid } : k.auth.kind === "publickey" ? { srcid: me.address } : {}),
              ...(me.spec.dstid ? { dstid: me.spec.dstid } : k.auth.kind === "publickey" ? { dstid: peer } : {}),
              auth,
              ...(me.spec.tag ? { tag: me.spec.tag } : {}),
            });
          });
        }
      } else {
        useManual(acc);
        acc.ipsecSecret = true;
        const keys = k.keys;
        const out = flip ? "rightToLeft" : "leftToRight";
        const inn = flip ? "leftToRight" : "rightToLeft";
        const flow: FlowRule = {
          type: "flow", satype: tun.satype, from: { addresses: me.nets.map(toIpsec) }, to: { addresses: other.nets.map(toIpsec) },
          ...(local ? { local: { kind: "ip", address: local } } : {}), peer: { kind: "ip", address: peer },
        };
        const sa: SaRule = {
          type: "sa", satype: tun.satype, encap: "tunnel", from: { kind: "ip", address: me.address }, to: { kind: "ip", address: peer },
          spi: { out: keys.spi[out], in: keys.spi[inn] },
          auth: keys.auth as AuthTransform,
          ...(tun.satype === "esp" ? { enc: keys.enc as EncTransform, enckey: { out: keys.enckey[out], in: keys.enckey[inn] } } : {}),
          authkey: { out: keys.authkey[out], in: keys.authkey[inn] },
        };
        pushStatement(acc, flow, label, issues);
        pushStatement(acc, sa, label, issues);
      }
      if (tun.satype === "ah") acc.sysctls.set("net.inet.ah.enable", "1");
      // pf
      const ext = me.node.kind === "pair" ? { address: me.address } : { interface: g.external.interface, address: me.address };
      const gkey = `${ext.interface ?? ""}|${ext.address}|${k.kind}|${tun.satype}`;
      let group = acc.peerGroups.get(gkey);
      if (!group) acc.peerGroups.set(gkey, (group = { ext, ike: k.kind === "ike", satype: tun.satype, peers: new Set() }));
      group.peers.add(peer);
      if (!acc.enc0.has(tun.enc0)) acc.enc0.set(tun.enc0, T);
      if (tun.enc0 === "filter") {
        const to: PfHost[] = ext.interface ? [{ kind: "dynamic", name: ext.interface }] : [host(me.address)];
        acc.enc0Rules.push(rule("in", "enc0", "ipencap", [host(peer)], to, { ...ifBound }));
        if (me.spec.tag) acc.enc0Rules.push(rule("in", "enc0", undefined, [], [], { ...ifBound, tagged: { name: me.spec.tag } }));
        // `block on enc0` passes only ipencap (and tagged packets): an end with neither a tag nor a rule that
        // passes on enc0 carries nothing through the tunnel, silently. Refused here with the guide's rule.
        const passesOnEnc0 = me.spec.rules.some((r) => r.kind === "filter" && r.action === "pass" && r.on.some((i) => !i.not && (i.name === "enc0" || i.name === "enc")));
        if (!me.spec.tag && !passesOnEnc0) {
          const a = me.nets[0] ? netText(me.nets[0]) : "LOCAL";
          const b = other.nets[0] ? netText(other.nets[0]) : "REMOTE";
          issues.push({
            resources: label, field: `${side}.rules`, value: "(none on enc0)",
            reason: 'with enc0: "filter" only ipencap is passed on enc0, so no traffic can cross the tunnel',
            fix: `add rules passing the tunnel's traffic, as the guide does: \`pass out on enc0 from ${a} to ${b} keep state (if-bound)\` (and \`pass in on enc0 from ${b} to ${a} keep state (if-bound)\` for the other way), or set ${side}.tag and pass what is tagged, or use enc0: "skip"`,
          });
        }
      }
      acc.userRules.push(...me.spec.rules);
    }
  }
}

/** The port of a policy on the `from` or `to` side of one end's rule (the right end sees the policy mirrored). */
function portOf(p: PolicySpec, flip: boolean, side: "from" | "to"): number | undefined {
  const leftFrom = p.localPort;
  const leftTo = p.port;
  if (!flip) return side === "from" ? leftFrom : leftTo;
  return side === "from" ? leftTo : leftFrom;
}

function pushStatement(acc: Acc, s: IpsecStatement, by: string[], issues: PlanIssue[]): void {
  for (const p of statementProblems(s)) {
    issues.push({ resources: by, field: p.field, value: SECRET_FIELD.test(p.field) ? "(secret)" : String(p.value), reason: p.text, fix: p.hint ?? "see ipsec.conf(5)" });
  }
  acc.ipsec.push(s);
}

/** iked public-key files: this gateway's private and public key, and the peer's public key by its address. */
function installKeys(acc: Acc, g: GatewaySpec, other: EndCtx, family: 4 | 6): void {
  const mine = ikedKeyPair(g.keySeed);
  acc.rawFiles.set("/etc/iked/private/local.key", { content: mine.privateKey, mode: "0600", secret: true });
  acc.rawFiles.set("/etc/iked/local.pub", { content: mine.publicKey, mode: "0644", secret: false });
  // a pair end: both members answer for the CARP address; they share the first member's key
  const peerGw = other.node.gateways[0]!;
  const theirs = ikedKeyPair(peerGw.keySeed);
  acc.rawFiles.set(`/etc/iked/pubkeys/${family === 4 ? "ipv4" : "ipv6"}/${other.address}`, { content: theirs.publicKey, mode: "0644", secret: false });
}

function checkManualKeys(keys: ManualKeys, satype: "esp" | "ah", by: string[], field: string, issues: PlanIssue[]): void {
  const auth = resolveTransform("auth", keys.auth);
  const enc = resolveTransform("enc", keys.enc);
  if (!auth) issues.push({ resources: by, field: `${field}.auth`, value: keys.auth, reason: "unknown transform", fix: `use one of ${transformNames("auth").join(", ")}` });
  if (satype === "esp" && !enc) issues.push({ resources: by, field: `${field}.enc`, value: keys.enc, reason: "unknown transform", fix: `use one of ${transformNames("enc").join(", ")}` });
  for (const dir of ["leftToRight", "rightToLeft"] as const) {
    const spi = keys.spi[dir];
    if (!Number.isInteger(spi) || spi < 256 || spi > 0xfffffffe) issues.push({ resources: by, field: `${field}.spi.${dir}`, value: String(spi), reason: "an SPI is 256–0xfffffffe (0–255 are reserved)", fix: "choose another SPI" });
    if (auth) {
      const want = AUTH_KEY_BYTES[auth] * 2;
      const got = keys.authkey[dir];
      if (!/^[0-9a-f]*$/i.test(got))
        issues.push({ resources: by, field: `${field}.authkey.${dir}`, value: "(secret)", reason: "not hex: a key is written as hex digits 0-9 a-f", fix: `give ${want} hex digits, e.g. from \`openssl rand -hex ${AUTH_KEY_BYTES[auth]}\`, or omit the keys to have them derived` });
      else if (got.length !== want)
        issues.push({ resources: by, field: `${field}.authkey.${dir}`, value: `(secret, ${got.length / 2} bytes)`, reason: `${auth} needs a ${AUTH_KEY_BYTES[auth]}-byte key`, fix: `give ${want} hex digits, e.g. from \`openssl rand -hex ${AUTH_KEY_BYTES[auth]}\`, or omit the keys to have them derived` });
    }
    if (satype === "esp" && enc) {
      const info = ENC_INFO[enc];
      const got = keys.enckey[dir];
      const bytes = got.length / 2;
      if (!/^[0-9a-f]*$/i.test(got))
        issues.push({ resources: by, field: `${field}.enckey.${dir}`, value: "(secret)", reason: "not hex: a key is written as hex digits 0-9 a-f", fix: `give ${info.keyMin * 2}${info.keyMin === info.keyMax ? "" : `–${info.keyMax * 2}`} hex digits, or omit the keys to have them derived` });
      else if (bytes < info.keyMin || bytes > info.keyMax || got.length % 2)
        issues.push({
          resources: by, field: `${field}.enckey.${dir}`, value: `(secret, ${bytes} bytes)`,
          reason: `${enc} needs a ${info.keyMin === info.keyMax ? info.keyMin : `${info.keyMin}–${info.keyMax}`}-byte key`,
          fix: `give ${info.keyMin * 2}${info.keyMin === info.keyMax ? "" : `–${info.keyMax * 2}`} hex digits, or omit the keys to have them derived`,
        });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// CARP pairs

function planPair(p: CarpPairSpec, accs: Map<string, Acc>, issues: PlanIssue[], seen: { net: Net; vhid: number; by: string; iface: string }[], dependsOn: Record<string, string[]>): void {
  const P = pairLabel(p.name);
  const [a, b] = p.members;
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
  const names = new Set<string>();
  for (const s of p.segments) {
    if (!/^carp\d+$/.test(s.interface)) issues.push({ resources: [P], field: `segments[${s.interface}].interface`, value: s.interface, reason: "not a carp interface name", fix: "use `carpN`, e.g. `carp1`" });
    if (names.has(s.interface)) issues.push({ resources: [P], field: `segments[${s.interface}].interface`, value: s.interface, reason: "two segments use this interface", fix: "one carp interface per segment" });
    names.add(s.interface);
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
    const net: Net = { address: s.address.address, prefix: s.address.prefix, family: s.address.address.includes(":") ? 6 : 4 };
    const clash = seen.find((x) => x.vhid === s.vhid && overlaps(x.net, net));
    if (clash) issues.push({ resources: [P, clash.by], field: `segments[${s.interface}].vhid`, value: String(s.vhid), reason: `${clash.by} already uses vhid ${s.vhid} on this segment (${clash.iface})`, fix: "choose a vhid unused on the segment" });
    else seen.push({ net, vhid: s.vhid, by: P, iface: s.interface });
  }
  if (issues.length > before) return;

  const [master, backup] = a.advskew < b.advskew ? [a, b] : [b, a];
  (dependsOn[master.gateway] ??= []).push(backup.gateway);
  for (const [m, other] of [[a, b], [b, a]] as const) {
    const acc = accs.get(m.gateway)!;
    for (const s of p.segments) {
      acc.hostnames.set(s.interface, [
        {
          kind: "inet", address: s.address.address, prefix: s.address.prefix,
          carp: { vhid: s.vhid, carpdev: s.carpdev, ...(s.password !== undefined ? { pass: s.password } : {}), ...(s.advbase !== undefined ? { advbase: s.advbase } : {}), advskew: m.advskew },
        },
      ]);
      if (!acc.vpnRules.some((r) => r.kind === "filter" && r.protos[0] === "carp" && r.on[0]?.name === s.carpdev))
        acc.vpnRules.push(rule(undefined, s.carpdev, "carp", [], [], { state: "keep", stateOptions: { noSync: true } }));
    }
    if (p.pfsyncDev) {
      acc.hostnames.set("pfsync0", [{ kind: "syncdev", dev: p.pfsyncDev }, { kind: "up" }]);
      acc.vpnRules.push(rule(undefined, p.pfsyncDev, "pfsync", [], []));
    }
    acc.sysctls.set("net.inet.carp.allow", "1");
    if (p.preempt) acc.sysctls.set("net.inet.carp.preempt", "1");
    acc.sasyncd = { interface: p.external, peers: [other.syncAddress], sharedkey: p.sharedkey.toLowerCase(), ...(p.flushmode ? { flushmode: p.flushmode } : {}) };
    acc.services.set("sasyncd", { order: 3, enabled: true, running: true });
    // sasyncd talks TCP 500 between the members
    acc.vpnRules.push(rule("in", undefined, "tcp", [host(other.syncAddress)], [host(m.syncAddress)], { toPorts: ports(500) }));
    acc.vpnRules.push(rule("out", undefined, "tcp", [host(m.syncAddress)], [host(other.syncAddress)], { toPorts: ports(500) }));
  }
}

// ---------------------------------------------------------------------------------------------------
// gif / gre / eoip / etherip links (and RFC 3884 transport-mode IPsec over gif)

const LINK_PREFIX: Record<LinkSpec["kind"], string> = { gif: "gif", gre: "gre", eoip: "eoip", etherip: "etherip" };

function planLink(l: LinkSpec, accs: Map<string, Acc>, issues: PlanIssue[]): void {
  const G = linkLabel(l.name);
  const la = accs.get(l.left.node);
  const ra = accs.get(l.right.node);
  for (const [e, acc, side] of [[l.left, la, "left"], [l.right, ra, "right"]] as const)
    if (!acc) issues.push({ resources: [G], field: side, value: e.node, reason: "no Gateway has this name", fix: "pass a Gateway declared in the same program" });
  if (!la || !ra) return;
  const both = [G, gwLabel(l.left.node), gwLabel(l.right.node)];
  const before = issues.length;
  const outerOf = (e: typeof l.left, acc: Acc, side: string): string | undefined => {
    const text = e.outer ?? (l.outer === 4 ? acc.gw.external.address : acc.gw.external.address6)?.address;
    if (!text) {
      issues.push({ resources: both, field: `${side}.outer`, value: "(none)", reason: `${gwLabel(acc.gw.name)} has no IPv${l.outer} external address`, fix: `give \`${side}.outer\` or the gateway's external IPv${l.outer} address` });
      return undefined;
    }
    const n = parseNet(text);
    if (!n || n.prefix !== undefined || n.family !== l.outer) {
      issues.push({ resources: both, field: `${side}.outer`, value: text, reason: `the tunnel's outer family is IPv${l.outer} (source and destination address families must match)`, fix: `give an IPv${l.outer} host address` });
      return undefined;
    }
    return n.address;
  };
  const lo = outerOf(l.left, la, "left");
  const ro = outerOf(l.right, ra, "right");
  for (const [e, side] of [[l.left, "left"], [l.right, "right"]] as const) {
    if (e.role === "gif" && !e.interface.startsWith(LINK_PREFIX[l.kind]))
      issues.push({ resources: both, field: `${side}.interface`, value: e.interface, reason: `a ${l.kind} tunnel's interface is ${LINK_PREFIX[l.kind]}N`, fix: `use e.g. \`${LINK_PREFIX[l.kind]}0\`` });
    if (e.role === "ipsec-tunnel" && (l.kind !== "gif" || l.ipsec.kind === "none"))
      issues.push({ resources: both, field: `${side}.role`, value: e.role, reason: "a tunnel-mode IPsec end interoperates only with a gif end protected by IPsec (RFC 3884)", fix: "set `ipsec` or use `role: \"gif\"`" });
    if ((l.kind === "gif" || l.kind === "gre") && !e.inner)
      issues.push({ resources: both, field: `${side}.inner`, value: "(none)", reason: `a ${l.kind} tunnel needs inner addresses`, fix: "give `inner`, e.g. `172.16.0.1`" });
  }
  if (l.left.role === "ipsec-tunnel" && l.right.role === "ipsec-tunnel")
    issues.push({ resources: both, field: "left.role, right.role", value: "ipsec-tunnel, ipsec-tunnel", reason: "no end has a gif interface", fix: "make at least one end `role: \"gif\"`" });
  if (l.left.inner && l.right.inner && l.left.inner.address.includes(":") !== l.right.inner.address.includes(":"))
    issues.push({ resources: both, field: "left.inner, right.inner", value: `${l.left.inner.address}, ${l.right.inner.address}`, reason: "the inner addresses are of different families", fix: "use two IPv4 or two IPv6 inner addresses" });
  if (l.kind === "eoip" && l.vnetid === undefined)
    issues.push({ resources: both, field: "vnetid", value: "(none)", reason: "an eoip tunnel needs its tunnel id", fix: "give `vnetid` (the same on both ends)" });
  if (l.ipsec.kind === "manual") checkManualKeys(l.ipsec.keys, "esp", both, "ipsec.keys", issues);
  if (l.ipsec.kind === "ike" && l.ipsec.psk.length === 0) issues.push({ resources: both, field: "ipsec.psk", value: "(empty)", reason: "an empty pre-shared key", fix: "give a PSK" });
  if (issues.length > before || !lo || !ro) return;

  const innerProto = (l.left.inner ?? l.right.inner)?.address.includes(":") ? "ipv6" : "ipencap";
  const wireProto = l.kind === "gif" ? innerProto : l.kind === "etherip" ? "etherip" : "gre";
  for (const [me, other, acc, self, peer, flip] of [[l.left, l.right, la, lo, ro, false], [l.right, l.left, ra, ro, lo, true]] as const) {
    const label = [G, gwLabel(acc.gw.name)];
    if (me.role === "gif") {
      const lines: IfLine[] = [{ kind: "tunnel", source: self, destination: peer }];
      if (me.inner) lines.push(me.inner.address.includes(":") ? { kind: "inet6", ...me.inner, ...(other.inner ? { dest: other.inner.address } : {}) } : { kind: "inet", ...me.inner, ...(other.inner ? { dest: other.inner.address } : {}) });
      if (l.vnetid !== undefined) lines.push({ kind: "vnetid", id: l.vnetid });
      if (l.keepalive) lines.push({ kind: "keepalive", ...l.keepalive });
      lines.push({ kind: "up" });
      acc.hostnames.set(me.interface, lines);
    } else if (me.inner) {
      acc.hostnames.set(me.interface, [{ kind: "inet", ...me.inner }, { kind: "up" }]);
    }
    if (l.kind === "gre" || l.kind === "eoip") acc.sysctls.set("net.inet.gre.allow", "1");
    if (l.kind === "etherip") acc.sysctls.set("net.inet.etherip.allow", "1");
    const on = acc.gw.external.interface;
    // the encapsulated packets on the wire (a tunnel-mode IPsec end sees only ESP)
    if (me.role === "gif") acc.vpnRules.push(rule("in", on, wireProto, [host(peer)], [host(self)]), rule("out", on, wireProto, [host(self)], [host(peer)]));

    const ip = l.ipsec;
    switch (ip.kind) {
      case "none":
        break;
      case "manual": {
        useManual(acc);
        acc.ipsecSecret = true;
        const out = flip ? "rightToLeft" : "leftToRight";
        const inn = flip ? "leftToRight" : "rightToLeft";
        const tunnelMode = me.role === "ipsec-tunnel";
        const flow: FlowRule = tunnelMode
          ? { type: "flow", satype: "esp", from: { addresses: [{ kind: "ip", address: me.inner!.address }] }, to: { addresses: [{ kind: "ip", address: other.inner!.address }] }, local: { kind: "ip", address: self }, peer: { kind: "ip", address: peer } }
          : { type: "flow", satype: "esp", proto: innerProto, from: { addresses: [{ kind: "ip", address: self }] }, to: { addresses: [{ kind: "ip", address: peer }] } };
        const sa: SaRule = {
          type: "sa", satype: "esp", encap: tunnelMode ? "tunnel" : "transport", from: { kind: "ip", address: self }, to: { kind: "ip", address: peer },
          spi: { out: ip.keys.spi[out], in: ip.keys.spi[inn] }, auth: ip.keys.auth as AuthTransform, enc: ip.keys.enc as EncTransform,
          authkey: { out: ip.keys.authkey[out], in: ip.keys.authkey[inn] }, enckey: { out: ip.keys.enckey[out], in: ip.keys.enckey[inn] },
        };
        pushStatement(acc, flow, label, issues);
        pushStatement(acc, sa, label, issues);
        acc.vpnRules.push(...ipsecPeerRules({ interface: on, address: self }, peer, false, "esp"));
        break;
      }
      case "ike": {
        useDaemon(acc, "isakmpd", G);
        acc.ipsecSecret = true;
        const main = resolvePhase1(ip.phase1, "ipsec.phase1", label, issues);
        const quick = resolvePhase(ip.phase2, "ipsec.phase2", label, issues);
        const tunnelMode = me.role === "ipsec-tunnel";
        const r: IkeRule = {
          type: "ike", satype: "esp", ...(tunnelMode ? {} : { encap: "transport" as const, proto: innerProto }),
          from: { addresses: [{ kind: "ip", address: tunnelMode ? me.inner!.address : self }] },
          to: { addresses: [{ kind: "ip", address: tunnelMode ? other.inner!.address : peer }] },
          ...(tunnelMode ? { local: { kind: "ip" as const, address: self } } : {}),
          peer: { kind: "ip", address: peer },
          ...(main ? { main } : {}), ...(quick ? { quick } : {}),
          auth: { kind: "psk", psk: ip.psk },
        };
        pushStatement(acc, r, label, issues);
        acc.vpnRules.push(...ipsecPeerRules({ interface: on, address: self }, peer, true, "esp"));
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// per-gateway documents

function finish(acc: Acc): GatewayDocs {
  const gw = acc.gw;
  const skip = ["lo", ...(acc.enc0.has("skip") ? ["enc0"] : []), ...gw.pfSkip];
  const rules: PfStatement[] = [];
  if (gw.pfPolicy === "pass") {
    rules.push({ kind: "filter", action: "block", blockPolicy: "return", on: [], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] } });
    rules.push(rule(undefined, undefined, undefined, [], []));
  } else {
    rules.push({ kind: "filter", action: "block", on: [], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] } });
    rules.push(rule("out", undefined, undefined, [], []));
    rules.push(rule("in", undefined, "tcp", [], [], { toPorts: ports(22) }));
  }
  const anchors: Record<string, PfRuleset> = {};
  const vpn: PfRule[] = [];
  if (acc.enc0.has("filter")) vpn.push({ kind: "filter", action: "block", on: [{ name: "enc0" }], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] } }, ...acc.enc0Rules);
  vpn.push(...acc.vpnRules);
  // IPsec peers: the guide's four rules per peer, or, beyond PEER_TABLE_MIN peers, the same four rules
  // on a table of peers (a mesh gateway then loads O(1) rules instead of O(peers))
  const tables: PfTable[] = [];
  for (const g of acc.peerGroups.values()) {
    if (g.peers.size < PEER_TABLE_MIN) for (const p of g.peers) vpn.push(...ipsecPeerRules(g.ext, p, g.ike, g.satype));
    else {
      const name = `vpn_peers${tables.length > 0 ? `_${tables.length}` : ""}`;
      tables.push({ name, const: true, addresses: [...g.peers].map(host), files: [] });
      vpn.push(...ipsecPeerRules(g.ext, { kind: "table", name }, g.ike, g.satype));
    }
  }
  vpn.push(...acc.userRules);
  const hook = (name: string) => {
    rules.push({ kind: "anchor", name, on: [], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] } });
    rules.push({ kind: "load-anchor", name, file: `${ANCHOR_DIR}/${name}` });
  };
  if (vpn.length > 0) {
    anchors[VPN_ANCHOR] = { macros: [], tables, options: [], rules: vpn };
    hook(VPN_ANCHOR);
  }
  for (const [name, rs] of acc.anchors) {
    anchors[name] = { macros: [], tables: [], options: [], rules: rs };
    hook(name);
  }
  const daemon: GatewayDocs["daemon"] = acc.daemons.has("iked") ? "iked" : acc.daemons.has("isakmpd") ? "isakmpd" : "none";
  return {
    name: gw.name,
    ...(acc.ipsec.length > 0 ? { ipsec: { statements: acc.ipsec } } : {}),
    ...(acc.iked.length > 0 ? { iked: { macros: [], settings: [], users: [], policies: acc.iked } } : {}),
    daemon,
    pf: { macros: [], tables: [], options: [{ kind: "skip", interfaces: skip }], rules },
    anchors,
    hostnames: Object.fromEntries(acc.hostnames),
    ...(acc.sasyncd ? { sasyncd: acc.sasyncd } : {}),
    sysctls: Object.fromEntries(acc.sysctls),
    services: Object.fromEntries(acc.services),
    rawFiles: Object.fromEntries(acc.rawFiles),
    secrets: { ipsec: acc.ipsecSecret, iked: acc.iked.some((p) => p.auth?.kind === "psk") },
  };
}

/** Exposed for tests: whether `addr` is inside one of `nets`. */
export function inNets(addr: string, nets: string[]): boolean {
  const a = parseNet(addr);
  return a !== undefined && nets.some((n) => {
    const x = parseNet(n);
    return x !== undefined && contains(x, a);
  });
}
