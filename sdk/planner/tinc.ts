/**
 * tinc networks in the planner: each member gets the `tinc` package, /etc/tinc/NET/tinc.conf (its name,
 * `Interface = tun0`, its port, `ConnectTo` every other member: a full mesh), hosts/NAME for every member
 * (egress address, port, `Subnet`s: its inner address and the networks behind it, its RSA public key),
 * rsa_key.priv (0600, a secret), tinc-up (0755: the inner address on $INTERFACE, routes to the other
 * members' networks); rc.d `tincd` enabled with flags `-n NET` and restarted when a file of the network
 * changes; pf rules in the `vpn` anchor passing tcp and udp to the tinc ports between the members' egress
 * addresses, and traffic on tun0.
 *
 * Keys: tinc 1.0 speaks RSA only; each member's pair is derived from its gateway's key seed (rsakeys.ts),
 * so every member knows the others' public keys at preview. rc.d/tincd runs one network, so a gateway is in
 * at most one TincNetwork, and tun0 (tinc's default device on OpenBSD) must not be an OpenVPN tunnel's too.
 *
 * Checks that need every member (at preview): at least two members on distinct gateways, distinct node
 * names, inner addresses in one subnet and distinct, an egress address for each, Subnets that do not
 * overlap between members. Pure: no I/O.
 */
import type { PfRule } from "../model/pf/types";
import { egressPeerRules, passOn } from "./pf-rules";
import { peerFamilyIssue } from "./egress-family";
import { claimTun } from "./tun-devices";
import { claimPort } from "./listen-ports";
import type { IfLine } from "./docs";
import { renderTincConf, renderTincHost, renderTincUp } from "../model/tinc/index";
import { NetSet, netText, parseNet, type IpNet } from "../model/address/index";
import type { PlanIssue } from "./errors";
import { needPackage, type PackageTarget } from "./packages";
import type { RawFile } from "./docs";
import type { ServiceState } from "../state";
import type { GatewaySpec } from "./spec";
import { tincRsaKeyPair } from "./rsakeys";
import type { PemKeyPair } from "./keys";

/** One member of a tinc network, resolved. */
export interface TincMemberSpec {
  /** Gateway name. */
  node: string;
  /** tinc node name (`Name =`, hosts/NAME). */
  name: string;
  /** Inner address on the VPN interface with the VPN subnet's prefix, e.g. `10.10.0.1/24`. */
  inner: { address: string; prefix: number };
  /** `Port =`: tcp and udp port it listens on. Default {@link TINC_DEFAULT_PORT} (655). */
  port?: number;
  /** `Address =` in its hosts file; default the gateway's external IPv4 address. */
  address?: string;
  /** Networks behind it (`Subnet =`); default the gateway's internal IPv4 networks. */
  subnets?: string[];
  /**
   * Its RSA key pair (PKCS#1 PEM; private secret), when given. Default (absent): derived by the planner from
   * the gateway's key seed ({@link tincMemberKeys}).
   */
  privateKey?: string;
  publicKey?: string;
}

/** A tinc network. */
export interface TincSpec {
  /** The TincNetwork resource's name. */
  resource: string;
  /** Network name (`tincd -n NET`, /etc/tinc/NET). */
  netname: string;
  members: TincMemberSpec[];
}

/** What tinc writes to per gateway. */
export interface TincTarget extends PackageTarget {
  gw: GatewaySpec;
  /** The hostname.if files of the gateway (a tun device another resource configures is taken). */
  hostnames: Map<string, IfLine[]>;
  rawFiles: Map<string, RawFile>;
  services: Map<string, ServiceState>;
  pf: { vpnRules: PfRule[] };
}

/** tinc's registered port (tcp and udp): a member's `Port =` when none is given (the planner applies it). */
export const TINC_DEFAULT_PORT = 655;

/** The interface tinc uses (OpenBSD's default tinc device is /dev/tun0). */
export const TINC_INTERFACE = "tun0";
const ORDER = 6;
const label = (n: string) => `TincNetwork "${n}"`;
const gwLabel = (n: string) => `Gateway "${n}"`;


/**
 * A member's RSA key pair: the one given, else derived from its gateway's key seed (`seed`) for this network
 * and node name, so that every member knows the others' public keys at preview and the pair is stable from
 * run to run. The one rule for tinc keys: the planner, the secret listing and TincNetwork's `publicKeys` call it.
 */
export function tincMemberKeys(m: Pick<TincMemberSpec, "node" | "name" | "privateKey" | "publicKey">, netname: string, seed: string): PemKeyPair {
  if (m.privateKey !== undefined && m.publicKey !== undefined) return { privateKey: m.privateKey, publicKey: m.publicKey };
  return tincRsaKeyPair(seed, `tinc/${m.node}/${netname}/${m.name}`);
}

/** Plans every tinc network. `openvpnTun0` names the gateways whose tun0 an OpenVPN tunnel already uses. */
export function planTinc(specs: readonly TincSpec[], accs: ReadonlyMap<string, TincTarget>, issues: PlanIssue[]): void {
  const byGateway = new Map<string, string>();
  for (const t of specs) planOne(t, accs, byGateway, issues);
}

function planOne(t: TincSpec, accs: ReadonlyMap<string, TincTarget>, byGateway: Map<string, string>, issues: PlanIssue[]): void {
  const L = label(t.resource);
  const before = issues.length;
  if (t.members.length < 2) issues.push({ resources: [L], field: "members", value: String(t.members.length), reason: "a network needs at least two members", fix: "give two or more `{ gateway, inner }`" });
  const names = new Map<string, number>();
  const gws = new Map<string, number>();
  const subnets = new NetSet<string>();
  let vpnNet: IpNet | undefined;
  const resolved: { m: TincMemberSpec; acc: TincTarget; address: string; port: number; subnets: IpNet[] }[] = [];
  t.members.forEach((m, i) => {
    const f = `members[${i}]`;
    const acc = accs.get(m.node);
    if (!acc) {
      issues.push({ resources: [L], field: `${f}.gateway`, value: m.node, reason: "no Gateway has this name", fix: "pass a Gateway declared in the same program" });
      return;
    }
    const at = [L, gwLabel(m.node)];
    if (gws.has(m.node)) issues.push({ resources: at, field: `${f}.gateway`, value: m.node, reason: `also members[${gws.get(m.node)}]`, fix: "list each gateway once" });
    gws.set(m.node, i);
    if (names.has(m.name)) issues.push({ resources: at, field: `${f}.name`, value: m.name, reason: `also the name of members[${names.get(m.name)}]`, fix: "give each member its own tinc name" });
    names.set(m.name, i);
    const other = byGateway.get(m.node);
    if (other !== undefined && other !== L) issues.push({ resources: [L, other, gwLabel(m.node)], field: `${f}.gateway`, value: m.node, reason: `${other} already runs tincd on this gateway (rc.d/tincd starts one -n NET)`, fix: "put a gateway in at most one TincNetwork" });
    byGateway.set(m.node, L);
    claimTun(acc, TINC_INTERFACE, L, `${f}.gateway`, issues, `tincd always opens ${TINC_INTERFACE}: give the other resource's end on this gateway another tun unit, e.g. \`tun1\``);
    for (const proto of ["tcp", "udp"] as const) claimPort(acc, proto, m.port ?? TINC_DEFAULT_PORT, L, m.port !== undefined ? `${f}.port` : `${f}.port (default ${TINC_DEFAULT_PORT})`, issues);
    const net = parseNet(`${m.inner.address}/${m.inner.prefix}`)!;
    if (!vpnNet) vpnNet = net;
    else if (netText(vpnNet) !== netText(net)) issues.push({ resources: at, field: `${f}.inner`, value: `${m.inner.address}/${m.inner.prefix}`, reason: `not in the network's subnet ${netText(vpnNet)} (members[0].inner)`, fix: `give every member an address of ${netText(vpnNet)}` });
    // behind NAT, the others connect to the NAT router's public address
    const address = m.address ?? acc.gw.external.nat?.publicAddress ?? acc.gw.external.address?.address;
    if (!address) issues.push({ resources: at, field: `${f}.address`, value: "(none)", reason: `${gwLabel(m.node)} has no external IPv4 address for the others to connect to`, fix: `give \`${f}.address\` or the gateway's \`external.address\`` });
    const own: IpNet[] = [];
    for (const s of [`${m.inner.address}/32`, ...(m.subnets ?? acc.gw.internal.map((x) => x.network).filter((n) => !n.includes(":")))]) {
      const n = parseNet(s);
      if (!n || n.family !== 4) {
        issues.push({ resources: at, field: `${f}.subnets`, value: s, reason: "not an IPv4 network", fix: "write e.g. `172.16.0.0/24`" });
        continue;
      }
      const c = subnets.addOrClash(n, `${f}.subnets`);
      if (c) issues.push({ resources: at, field: `${f}.subnets`, value: netText(n), reason: `overlaps ${netText(c.net)} (${c.tag}): tinc routes each address to one node`, fix: "give each member distinct subnets" });
      own.push(n);
    }
    if (address) resolved.push({ m, acc, address, port: m.port ?? TINC_DEFAULT_PORT, subnets: own });
  });
  // every member connects to every other's (IPv4) address from its own egress
  for (const me of resolved) {
    const o = resolved.find((r) => r !== me);
    const bad = o && peerFamilyIssue([L, gwLabel(me.m.node)], `members[${t.members.indexOf(o.m)}].address`, o.address, me.acc.gw, "give the gateway its IPv4 `external.address` (tinc's members connect over IPv4)");
    if (bad) issues.push(bad);
  }
  if (issues.length > before || !vpnNet) return;
  const dir = `/etc/tinc/${t.netname}`;
  const sub = (n: IpNet) => (n.prefix === undefined ? `${n.address}/32` : netText(n));
  const keys = new Map(resolved.map((r) => [r.m.name, tincMemberKeys(r.m, t.netname, r.acc.gw.keySeed)]));
  const hostFiles = new Map(resolved.map((r) => [r.m.name, renderTincHost({ address: r.address, port: r.port, subnets: r.subnets.map(sub), publicKey: keys.get(r.m.name)!.publicKey })]));
  for (const me of resolved) {
    const others = resolved.filter((r) => r !== me);
    const acc = me.acc;
    needPackage(acc, "tinc", L, `members[${t.members.indexOf(me.m)}].gateway`, issues);
    const files: [string, RawFile][] = [
      [`${dir}/tinc.conf`, { content: renderTincConf({ name: me.m.name, interface: TINC_INTERFACE, port: me.port, connectTo: others.map((o) => o.m.name) }), mode: "0644", secret: false }],
      ...resolved.map((r): [string, RawFile] => [`${dir}/hosts/${r.m.name}`, { content: hostFiles.get(r.m.name)!, mode: "0644", secret: false }]),
      [`${dir}/rsa_key.priv`, { content: keys.get(me.m.name)!.privateKey, mode: "0600", secret: true }],
      [`${dir}/tinc-up`, { content: renderTincUp({ address: me.m.inner.address, prefix: me.m.inner.prefix, routes: [netText(vpnNet), ...others.flatMap((o) => o.subnets.filter((n) => n.prefix !== undefined && n.prefix < 32).map(netText))] }), mode: "0755", secret: false }],
    ];
    for (const [p, f] of files) acc.rawFiles.set(p, f);
    acc.services.set("tincd", { order: ORDER, enabled: true, flags: `-n ${t.netname}`, running: true, restartOn: files.map(([p]) => p) });
    const ext = acc.gw.external.interface;
    for (const o of others)
      acc.pf.vpnRules.push(
        ...egressPeerRules(ext, ["tcp", "udp"], o.address, me.port, o.port),
      );
    acc.pf.vpnRules.push(passOn(TINC_INTERFACE));
  }
}
