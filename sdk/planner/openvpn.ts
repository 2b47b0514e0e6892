/**
 * OpenVPN tunnels in the planner: each end gets the `openvpn` package, /etc/openvpn/NAME.conf (model/openvpn:
 * `dev tunN`, `local`/`remote` egress addresses, `ifconfig` inner addresses, `secret … 0|1`, cipher, auth,
 * keepalive, one `route` per network behind the other end) and /etc/openvpn/NAME.key (the shared static
 * key, 0600, a secret); rc.d `openvpn` enabled with flags `--config /etc/openvpn/NAME.conf` and restarted when
 * either file changes; pf rules in the `vpn` anchor passing udp between the egress addresses and traffic on tunN.
 *
 * Decision: static-key point-to-point mode, not TLS. It is what a two-gateway tunnel needs (no CA, one
 * secret both ends hold, as wg(4)'s keys), the key is derived from the left gateway's key seed unless given,
 * so preview needs no host; OpenVPN marks the mode deprecated for the future but 2.6 (the OpenBSD package
 * and Debian's) runs it. rc.d/openvpn runs one config, so a gateway has at most one OpenVpnTunnel.
 *
 * Checks that need both ends (at preview): two different gateways, distinct IPv4 inner addresses, an egress
 * address on each end, networks routed through the tunnel that overlap neither end's own networks nor the
 * inner addresses. Pure: no I/O.
 */
import type { PfRule } from "../model/pf/types";
import { egressPeerRules, passOn } from "./pf-rules";
import { peerFamilyIssue } from "./egress-family";
import { claimTun } from "./tun-devices";
import { claimPort } from "./listen-ports";
import type { IfLine } from "./docs";
import { renderOpenVpnConf, renderStaticKey, type OpenVpnAuth, type OpenVpnCipher } from "../model/openvpn/index";
import { deriveBytes } from "./keys";
import { NetSet, netText, overlaps, parseNet, type IpNet } from "../model/address/index";
import { endTargets } from "./end-targets";
import type { PlanIssue } from "./errors";
import { needPackage, type PackageTarget } from "./packages";
import type { RawFile } from "./docs";
import type { ServiceState } from "../state";
import type { GatewaySpec } from "./spec";

/** One end of an OpenVPN tunnel, its values checked. */
export interface OpenVpnEndSpec {
  /** Gateway name. */
  node: string;
  /** `dev tunN`. Default {@link OPENVPN_DEFAULTS}.interface (`tun0`). */
  interface?: string;
  /** Inner IPv4 address (`ifconfig THIS OTHER`). */
  inner: string;
  /** `lport` on this end, the other's `rport`. Default {@link OPENVPN_DEFAULTS}.port (1194). */
  port?: number;
  /** Where the other end sends to (its `remote`); default this gateway's external IPv4 address. */
  endpoint?: string;
  /** Networks reached through this end (the other end's `route` lines); default this gateway's internal IPv4 networks. */
  networks?: string[];
}

/** An OpenVPN tunnel between two gateways. */
export interface OpenVpnSpec {
  name: string;
  left: OpenVpnEndSpec;
  right: OpenVpnEndSpec;
  /**
   * The static key file (secret), when given. Default (absent): derived by the planner from the left
   * gateway's key seed ({@link openVpnKeyOf}).
   */
  key?: string;
  /** `cipher`. Default {@link OPENVPN_DEFAULTS}.cipher. */
  cipher?: OpenVpnCipher;
  /** `auth`. Default {@link OPENVPN_DEFAULTS}.auth. */
  auth?: OpenVpnAuth;
  /** `keepalive INTERVAL TIMEOUT`. Default {@link OPENVPN_DEFAULTS}.keepalive. */
  keepalive?: { interval: number; timeout: number };
}

/**
 * The defaults of an OpenVPN tunnel (the planner applies them): tun0, OpenVPN's registered port 1194,
 * AES-256-CBC with HMAC-SHA256 (static-key mode has no AEAD), a ping every 10 s and a restart after 60 s.
 */
export const OPENVPN_DEFAULTS = {
  interface: "tun0",
  port: 1194,
  cipher: "AES-256-CBC" as OpenVpnCipher,
  auth: "SHA256" as OpenVpnAuth,
  keepalive: { interval: 10, timeout: 60 },
} as const;

type OpenVpnEnd = OpenVpnEndSpec & Required<Pick<OpenVpnEndSpec, "interface" | "port">>;

/** A tunnel with every default applied. */
function withDefaults(t: OpenVpnSpec): OpenVpnSpec & { left: OpenVpnEnd; right: OpenVpnEnd; cipher: OpenVpnCipher; auth: OpenVpnAuth; keepalive: { interval: number; timeout: number } } {
  const end = (e: OpenVpnEndSpec): OpenVpnEnd => ({ ...e, interface: e.interface ?? OPENVPN_DEFAULTS.interface, port: e.port ?? OPENVPN_DEFAULTS.port });
  const d = OPENVPN_DEFAULTS;
  return { ...t, left: end(t.left), right: end(t.right), cipher: t.cipher ?? d.cipher, auth: t.auth ?? d.auth, keepalive: t.keepalive ?? { ...d.keepalive } };
}

/** What OpenVPN writes to per gateway (the planner's accumulator has these). */
export interface OpenVpnTarget extends PackageTarget {
  gw: GatewaySpec;
  /** The hostname.if files of the gateway (a tun device another resource configures is taken). */
  hostnames: Map<string, IfLine[]>;
  rawFiles: Map<string, RawFile>;
  services: Map<string, ServiceState>;
  pf: { vpnRules: PfRule[] };
}

/** The directory of the configs (the package's rc.d default reads /etc/openvpn/server.conf). */
export const OPENVPN_DIR = "/etc/openvpn";
/** Start order of `openvpn` (after pf, the IKE daemons and ipsec). */
const ORDER = 5;

const label = (n: string) => `OpenVpnTunnel "${n}"`;
const gwLabel = (n: string) => `Gateway "${n}"`;


/** Dotted-quad netmask of an IPv4 prefix length. */
export function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join(".");
}

/** Plans every OpenVPN tunnel of a topology. */
export function planOpenVpn(specs: readonly OpenVpnSpec[], accs: ReadonlyMap<string, OpenVpnTarget>, issues: PlanIssue[]): void {
  const byGateway = new Map<string, string>();
  for (const t of specs) planOne(t, accs, byGateway, issues);
}

function planOne(spec: OpenVpnSpec, accs: ReadonlyMap<string, OpenVpnTarget>, byGateway: Map<string, string>, issues: PlanIssue[]): void {
  const t = withDefaults(spec);
  const L = label(t.name);
  const targets = endTargets(L, [{ node: t.left.node, field: "left.gateway" }, { node: t.right.node, field: "right.gateway" }], accs, issues);
  if (!targets) return;
  const [la, ra] = targets;
  const both = [L, gwLabel(t.left.node), gwLabel(t.right.node)];
  const before = issues.length;
  if (t.left.node === t.right.node) issues.push({ resources: both, field: "left.gateway, right.gateway", value: t.left.node, reason: "both ends are the same gateway", fix: "connect two different gateways" });
  if (t.left.inner === t.right.inner) issues.push({ resources: both, field: "left.inner, right.inner", value: t.left.inner, reason: "both ends have the same inner address (`ifconfig LOCAL REMOTE` needs two)", fix: "give each end its own address, e.g. `10.8.0.1` and `10.8.0.2`" });
  const endpointOf = (e: OpenVpnEndSpec, acc: OpenVpnTarget, side: string, sender: OpenVpnTarget): string | undefined => {
    // behind NAT, the other end's `remote` is the NAT router's public address (this end's `local` stays its own)
    const a = e.endpoint ?? acc.gw.external.nat?.publicAddress ?? acc.gw.external.address?.address;
    if (!a) issues.push({ resources: both, field: `${side}.endpoint`, value: "(none)", reason: `${gwLabel(acc.gw.name)} has no external IPv4 address for the other end's \`remote\``, fix: `give \`${side}.endpoint\` or the gateway's \`external.address\`` });
    else {
      const bad = peerFamilyIssue(both, `${side}.endpoint`, a, sender.gw);
      if (bad) issues.push(bad);
    }
    return a;
  };
  const lep = endpointOf(t.left, la, "left", ra);
  const rep = endpointOf(t.right, ra, "right", la);
  const netsOf = (e: OpenVpnEndSpec, acc: OpenVpnTarget, side: string): IpNet[] => {
    const given = e.networks ?? acc.gw.internal.map((i) => i.network).filter((n) => !n.includes(":"));
    return given.flatMap((n) => {
      const x = parseNet(n);
      if (!x || x.family !== 4) {
        issues.push({ resources: both, field: `${side}.networks`, value: n, reason: "not an IPv4 network (`route` lines of a static-key tunnel are IPv4)", fix: "write e.g. `172.16.0.0/24`" });
        return [];
      }
      return [x];
    });
  };
  const lnets = netsOf(t.left, la, "left");
  const rnets = netsOf(t.right, ra, "right");
  for (const [me, acc, side] of [[t.left, la, "left"], [t.right, ra, "right"]] as const) {
    const other = byGateway.get(acc.gw.name);
    if (other !== undefined) issues.push({ resources: [L, other, gwLabel(acc.gw.name)], field: `${side}.gateway`, value: acc.gw.name, reason: `${other} already runs OpenVPN on this gateway (rc.d/openvpn starts one --config)`, fix: "declare at most one OpenVpnTunnel per gateway" });
    else byGateway.set(acc.gw.name, L);
    claimTun(acc, me.interface, L, spec[side].interface !== undefined ? `${side}.interface` : `${side}.interface (default ${OPENVPN_DEFAULTS.interface})`, issues);
    claimPort(acc, "udp", me.port, L, spec[side].port !== undefined ? `${side}.port` : `${side}.port (default ${OPENVPN_DEFAULTS.port})`, issues);
    // the other end's networks are routed into the tunnel here: they must not be this gateway's own
    const own = new NetSet<string>();
    for (const i of acc.gw.internal) own.addOrClash(parseNet(i.network)!, `${gwLabel(acc.gw.name)} internal network ${i.network}`);
    const inner = parseNet(`${me.inner}/32`)!;
    own.addOrClash(inner, `${side}.inner`);
    const otherSide = side === "left" ? "right" : "left";
    for (const n of side === "left" ? rnets : lnets) {
      const c = own.addOrClash(n, `${otherSide}.networks`);
      if (c) issues.push({ resources: [L, gwLabel(acc.gw.name)], field: `${otherSide}.networks`, value: netText(n), reason: `overlaps ${netText(c.net)} (${c.tag}) of ${gwLabel(acc.gw.name)}: it would be routed into the tunnel`, fix: "route only the other site's networks through the tunnel" });
    }
  }
  for (const n of [...lnets, ...rnets])
    for (const [e, side] of [[t.left, "left"], [t.right, "right"]] as const)
      if (overlaps(n, parseNet(`${e.inner}/32`)!)) issues.push({ resources: both, field: `${side}.inner`, value: e.inner, reason: `inside ${netText(n)}, a network routed through the tunnel`, fix: "take the inner addresses from a subnet of their own, e.g. `10.8.0.0/30`" });
  if (issues.length > before || !lep || !rep) return;

  const conf = `${OPENVPN_DIR}/${t.name}.conf`;
  const keyFile = `${OPENVPN_DIR}/${t.name}.key`;
  const key = openVpnKeyOf(t, la.gw.keySeed);
  for (const [me, other, acc, peerNets, myEp, peerEp, direction, side] of [
    [t.left, t.right, la, rnets, lep, rep, 0, "left"],
    [t.right, t.left, ra, lnets, rep, lep, 1, "right"],
  ] as const) {
    needPackage(acc, "openvpn", L, `${side}.gateway`, issues);
    acc.rawFiles.set(conf, {
      content: renderOpenVpnConf({
        dev: me.interface,
        local: acc.gw.external.nat && myEp === acc.gw.external.nat.publicAddress ? acc.gw.external.address!.address : myEp,
        lport: me.port,
        remote: peerEp,
        rport: other.port,
        ifconfig: { local: me.inner, remote: other.inner },
        secret: { file: keyFile, direction },
        cipher: t.cipher,
        auth: t.auth,
        keepalive: t.keepalive,
        routes: peerNets.map((n) => ({ network: n.address, netmask: netmask(n.prefix ?? 32) })),
      }),
      mode: "0644",
      secret: false,
    });
    acc.rawFiles.set(keyFile, { content: key, mode: "0600", secret: true });
    acc.services.set("openvpn", { order: ORDER, enabled: true, flags: `--config ${conf}`, running: true, restartOn: [conf, keyFile] });
    const ext = acc.gw.external.interface;
    acc.pf.vpnRules.push(
      ...egressPeerRules(ext, ["udp"], peerEp, me.port, other.port),
      passOn(me.interface),
    );
  }
}

/** A tunnel's static key: the one given, else derived from the left gateway's key seed (`leftSeed`). */
export function openVpnKeyOf(t: Pick<OpenVpnSpec, "name" | "key">, leftSeed: string): string {
  return t.key ?? deriveOpenVpnKey(leftSeed, t.name);
}

/**
 * The static key of tunnel `tunnel`, derived (HKDF, keys.ts) from the left gateway's key seed: 256 bytes,
 * stable across runs, rotated with the seed, known at preview without a host.
 */
export function deriveOpenVpnKey(seed: string, tunnel: string): string {
  return renderStaticKey(deriveBytes(seed, `openvpn-static-key/${tunnel}`, 256));
}
