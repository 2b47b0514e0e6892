/**
 * ssh -w tun(4) VPNs (seeds/002 "Configuring a VPN with OpenSSH") in the planner. Each tunnel becomes:
 * - on both ends /etc/hostname.tunN: the inner address with the other end's as `dest`
 *   (point-to-point), `up`, and `!route -q add -inet NET PEER-INNER` for each network behind the other end
 *   (as wg(4) and gif ends do: tun(4) routes nothing by itself);
 * - on the server /etc/ssh/sshd_config (sshd-config.ts: `PermitTunnel point-to-point`, checked with
 *   `sshd -t` before the swap, sshd reloaded after) and {@link TUNNEL_KEYS_FILE} with the client's public
 *   key, restricted: `restrict` (no pty, no port/agent/X11 forwarding), `from=` the client's address,
 *   `tunnel="M"` (only the server's tun unit M), `command="/sbin/nologin"` (no shell, even if asked);
 * - on the client the private key (/etc/ssh/sshtunN_ed25519, 0600), the server's host key
 *   (/etc/ssh/sshtunN_known_hosts, checked strictly) and the rc.d script /etc/rc.d/sshtunN running
 *   `ssh -N -w N:M` (ssh-rcd.ts), enabled and started with rcctl;
 * - pf in the `vpn` anchor: tcp to the server's sshd port on the egress interfaces, and traffic on tunN.
 *
 * Checks that need both ends (at preview): two different gateways, a tun unit per gateway written by one
 * resource only, inner addresses in one subnet and distinct, routed networks that overlap neither each
 * other nor the gateway's own networks, one sshd base per server, a host key for the client to check.
 * Pure: no I/O.
 */
import type { PfRule } from "../model/pf/types";
import { claimTun } from "./tun-devices";
import { contains, netText, overlaps, parseNet, type IpNet as Net } from "../model/address/index";
import type { IfLine, RawFile } from "./docs";
import { endTargets, innerSubnet } from "./end-targets";
import type { PlanIssue } from "./errors";
import { host, passOn, ports, rule } from "./pf-rules";
import { renderSshTunnelRcd, sshTunnelService } from "./ssh-rcd";
import { renderSshdConfig, sshdBaseProblem, TUNNEL_KEYS_FILE, type SshdTunnelClient } from "./sshd-config";
import type { GatewaySpec, IfAddress } from "./spec";
import type { ServiceState } from "../state";
import { deriveSshTunnelKey, sshPublicKeyOf, type SshKeyPair } from "./sshkeys";

/**
 * The client's key pair: the private key given (its public key read from it), else derived from the client
 * gateway's key seed (`seed`) for its tun unit. The one rule for tunnel keys: the planner, the secret listing
 * and SshTunnel's `clientPublicKey` call it.
 */
export function sshTunnelClientKeys(t: { client: Pick<SshTunnelEndSpec, "node" | "unit">; privateKey?: string; publicKey?: string }, seed: string): SshKeyPair {
  if (t.privateKey === undefined) return deriveSshTunnelKey(seed, t.client.node, t.client.unit);
  return { privateKey: t.privateKey, publicKey: t.publicKey ?? sshPublicKeyOf(t.privateKey) ?? "" };
}

/** One end of an ssh tunnel, resolved. */
export interface SshTunnelEndSpec {
  /** Gateway name. */
  node: string;
  /** tun(4) unit: the N of tunN. */
  unit: number;
  /** Inner address on tunN (`inet ADDR MASK`, `dest` = the other end's). */
  inner: IfAddress;
  /** Networks behind this end, routed to it by the other end; default the gateway's internal networks. */
  networks?: string[];
}

/** An ssh -w tunnel between two gateways. */
export interface SshTunnelSpec {
  name: string;
  client: SshTunnelEndSpec & {
    /** Address ssh binds to (`BindAddress`, and the key's `from=`); default the client's external address. */
    source?: string;
  };
  server: SshTunnelEndSpec & {
    /** Address the client connects to; default the server's external address. */
    address?: string;
    /** sshd's port. Default {@link SSH_TUNNEL_DEFAULTS}.port (22). */
    port?: number;
    /** The user ssh logs in as (root: only root may open tun(4) on the server). Default `root`. */
    user?: string;
    /** The server's SSH host key (`ssh-ed25519 AAAA…`), written to the client's known_hosts. */
    hostKey?: string;
    /** The base sshd_config; default OpenBSD's stock file. */
    sshdConfig?: string;
  };
  /**
   * The client's private key (OpenSSH format, secret), when given. Default (absent): derived by the planner
   * from the client gateway's key seed for its tun unit ({@link sshTunnelClientKeys}).
   */
  privateKey?: string;
  /** Its public key (`ssh-ed25519 AAAA…`); read from `privateKey` when absent. */
  publicKey?: string;
  /** ssh `ServerAliveInterval` seconds. Default {@link SSH_TUNNEL_DEFAULTS}.aliveInterval (15). */
  aliveInterval?: number;
  /** ssh `ServerAliveCountMax`. Default {@link SSH_TUNNEL_DEFAULTS}.aliveCountMax (3). */
  aliveCountMax?: number;
  /** Seconds the rc.d supervisor waits before starting ssh again; default {@link SSH_TUNNEL_RESTART_DELAY}. */
  restartDelay?: number;
}

/**
 * The apply order of an ssh tunnel's gateways, from plain names (it shapes the engine's graph, so it is
 * known when the tunnel is declared): the server commits first, so its sshd accepts the tunnel by the time
 * the client's rc.d daemon starts. Adds `client → [server]` to `order` (gateway → the gateways it applies
 * after); a pair of gateways serving each other keeps no order (the client retries at its next start).
 */
export function orderSshTunnel(client: string, server: string, order: Map<string, string[]>): void {
  if (client === server || (order.get(server) ?? []).includes(client) || (order.get(client) ?? []).includes(server)) return;
  order.set(client, [...(order.get(client) ?? []), server]);
}

/** Default seconds between the client's exit and its next attempt. */
export const SSH_TUNNEL_RESTART_DELAY = 10;

/**
 * The defaults of an ssh tunnel (the planner applies them): sshd on port 22, logging in as root (only root
 * may open tun(4) on the server), a server-alive probe every 15 s and a restart after 3 unanswered ones.
 */
export const SSH_TUNNEL_DEFAULTS = { port: 22, user: "root", aliveInterval: 15, aliveCountMax: 3, restartDelay: SSH_TUNNEL_RESTART_DELAY } as const;

/** A tunnel with every default applied. */
type Defaulted = SshTunnelSpec & { server: { port: number; user: string }; aliveInterval: number; aliveCountMax: number; restartDelay: number };

/** The tunnel with {@link SSH_TUNNEL_DEFAULTS} applied. */
function withDefaults(t: SshTunnelSpec): Defaulted {
  const d = SSH_TUNNEL_DEFAULTS;
  return {
    ...t,
    server: { ...t.server, port: t.server.port ?? d.port, user: t.server.user ?? d.user },
    aliveInterval: t.aliveInterval ?? d.aliveInterval, aliveCountMax: t.aliveCountMax ?? d.aliveCountMax, restartDelay: t.restartDelay ?? d.restartDelay,
  };
}

/** What the planner keeps per gateway that an ssh tunnel writes to. */
export interface SshTunnelTarget {
  gw: GatewaySpec;
  hostnames: Map<string, IfLine[]>;
  rawFiles: Map<string, RawFile>;
  services: Map<string, ServiceState>;
  pf: { vpnRules: PfRule[] };
}

export const sshTunLabel = (n: string) => `SshTunnel "${n}"`;
const gwLabel = (n: string) => `Gateway "${n}"`;

/** Where the client's files live. */
export const sshTunnelPaths = (unit: number) => ({
  key: `/etc/ssh/sshtun${unit}_ed25519`,
  knownHosts: `/etc/ssh/sshtun${unit}_known_hosts`,
  rcd: `/etc/rc.d/${sshTunnelService(unit)}`,
});

/** Start order of the client service: after the IKE daemons, ipsec and sasyncd (1–3). */
export const SSH_TUNNEL_ORDER = 10;

/** Plans every ssh tunnel of a topology. */
export function planSshTunnels(specs: readonly SshTunnelSpec[], accs: ReadonlyMap<string, SshTunnelTarget>, issues: PlanIssue[]): void {
  /** Per server gateway: the sshd base and who gave it, and the authorized_keys lines. */
  const servers = new Map<string, { base: string | undefined; by: string; keys: string[]; clients: SshdTunnelClient[] }>();
  /** Per gateway, tun units used by ssh tunnels (a unit is one end of one tunnel). */
  const units = new Map<string, Map<number, string>>();
  for (const spec of specs) {
    const t = withDefaults(spec);
    const L = sshTunLabel(t.name);
    const targets = endTargets(L, [{ node: t.client.node, field: "client.gateway" }, { node: t.server.node, field: "server.gateway" }], accs, issues);
    if (!targets) continue;
    const [ca, sa] = targets;
    const before = issues.length;
    const both = [L, gwLabel(t.client.node), gwLabel(t.server.node)];
    if (t.client.node === t.server.node) {
      issues.push({ resources: both, field: "client.gateway, server.gateway", value: t.client.node, reason: "both ends are the same gateway", fix: "connect two different gateways" });
      continue;
    }
    // inner addresses: one family, one subnet, distinct
    const cnet = innerSubnet(both, ["client", "server"], t.client.inner, t.server.inner, issues, "give each end its own address of the subnet, e.g. `172.16.2.1/30` and `172.16.2.2/30`");
    // tun units: one writer per hostname.tunN
    for (const [e, acc, side] of [[t.client, ca, "client"], [t.server, sa, "server"]] as const) {
      let m = units.get(e.node);
      if (!m) units.set(e.node, (m = new Map()));
      const other = m.get(e.unit);
      if (other !== undefined)
        issues.push({ resources: [L, gwLabel(e.node), other], field: `${side}.interface`, value: `tun${e.unit}`, reason: `${other} already uses tun${e.unit} on ${gwLabel(e.node)}`, fix: "give each ssh tunnel its own tun unit on a gateway, e.g. `tun1`" });
      else if (acc.hostnames.has(`tun${e.unit}`))
        issues.push({ resources: [L, gwLabel(e.node)], field: `${side}.interface`, value: `tun${e.unit}`, reason: `another resource already writes /etc/hostname.tun${e.unit}`, fix: "use another tun unit, e.g. `tun1`" });
      else claimTun(acc, `tun${e.unit}`, L, `${side}.interface`, issues);
      m.set(e.unit, L);
    }
    // an end behind NAT: the server's `from=` and pf rules would name the client's private address, the client
    // would connect to the server's private one
    for (const [acc, side] of [[ca, "client"], [sa, "server"]] as const)
      if (acc.gw.external.nat && (side === "client" ? !t.client.source : !t.server.address))
        issues.push({ resources: [L, gwLabel(acc.gw.name)], field: `${side}.gateway`, value: acc.gw.name, reason: `${gwLabel(acc.gw.name)} is behind NAT (\`external.nat\`): the other end would see ${acc.gw.external.nat.publicAddress}, not its external.address`, fix: side === "client" ? "put the ssh client on a gateway that is not behind NAT, or use a WireGuardTunnel" : "give `server.address` (the address the client connects to, with the NAT router forwarding sshd's port), or use a WireGuardTunnel" });
    // addresses ssh uses on the wire
    const ext = (g: GatewaySpec) => g.external.address?.address ?? g.external.address6?.address;
    const serverAddr = t.server.address ?? ext(sa.gw);
    const clientAddr = t.client.source ?? ext(ca.gw);
    if (!serverAddr) issues.push({ resources: both, field: "server.address", value: "(none)", reason: `${gwLabel(t.server.node)} has no external address for the client to connect to`, fix: "give `server.address` or the gateway's external address" });
    if (!clientAddr) issues.push({ resources: both, field: "client.source", value: "(none)", reason: `${gwLabel(t.client.node)} has no external address to connect from`, fix: "give `client.source` or the gateway's external address" });
    if (serverAddr && clientAddr && serverAddr.includes(":") !== clientAddr.includes(":"))
      issues.push({ resources: both, field: "client.source, server.address", value: `${clientAddr}, ${serverAddr}`, reason: "ssh cannot connect from an address of one family to an address of the other", fix: "give two IPv4 or two IPv6 addresses" });
    if (!t.server.hostKey) issues.push({ resources: both, field: "server.hostKey", value: "(none)", reason: `the client must check the server's host key, and ${gwLabel(t.server.node)}'s connection pins none`, fix: "give `server.hostKey` (`ssh-ed25519 AAAA…`, from `ssh-keyscan`) or the server gateway's `connection.hostKey`" });
    // the sshd base: one per server gateway
    const srv = servers.get(t.server.node);
    if (srv && srv.base !== t.server.sshdConfig)
      issues.push({ resources: [L, srv.by, gwLabel(t.server.node)], field: "server.sshdConfig", value: t.server.sshdConfig === undefined ? "(OpenBSD's stock file)" : "(a different file)", reason: `${srv.by} gives ${gwLabel(t.server.node)} another base sshd_config`, fix: "give every SshTunnel served by this gateway the same `server.sshdConfig`" });
    if (t.server.sshdConfig !== undefined) {
      const p = sshdBaseProblem(t.server.sshdConfig);
      if (p) issues.push({ resources: [L], field: "server.sshdConfig", value: "(the base sshd_config)", reason: p, fix: "give the gateway's sshd_config as it is on the host, without that line" });
    }
    const [cnets, snets] = routedNets(t, ca, sa, cnet, both, issues);
    if (issues.length > before || !serverAddr || !clientAddr || !t.server.hostKey) continue;
    if (!srv) servers.set(t.server.node, { base: t.server.sshdConfig, by: L, keys: [], clients: [] });
    writeSshTunnel(t, ca, sa, { cnet, cnets, snets, serverAddr, clientAddr, hostKey: t.server.hostKey }, servers.get(t.server.node)!);
  }
  for (const [node, s] of servers) {
    const acc = accs.get(node)!;
    acc.rawFiles.set("/etc/ssh/sshd_config", { content: renderSshdConfig(s.base, s.clients), mode: "0644", secret: false, check: "sshd" });
    acc.rawFiles.set(TUNNEL_KEYS_FILE, { content: s.keys.join("\n") + "\n", mode: "0644", secret: false });
  }
}

/** The networks routed through each end (given, else the gateway's internal ones), checked against the inner subnet and each other. */
function routedNets(t: Defaulted, ca: SshTunnelTarget, sa: SshTunnelTarget, cnet: Net, both: string[], issues: PlanIssue[]): [Net[], Net[]] {
  const ci = t.client.inner;
  const si = t.server.inner;
  const netsOf = (e: SshTunnelEndSpec, acc: SshTunnelTarget, side: string): Net[] =>
    (e.networks ?? acc.gw.internal.map((i) => i.network)).flatMap((n) => {
      const x = parseNet(n);
      if (!x) issues.push({ resources: both, field: `${side}.networks`, value: n, reason: "not a network", fix: "write e.g. `172.16.1.0/24`" });
      return x ? [x] : [];
    });
  const cnets = netsOf(t.client, ca, "client");
  const snets = netsOf(t.server, sa, "server");
  for (const [nets, side, otherAcc, otherInner] of [[cnets, "client", sa, si], [snets, "server", ca, ci]] as const) {
    const innerNet = parseNet(`${otherInner.address}/${otherInner.prefix}`)!;
    for (const n of nets) {
      if (n.family !== cnet.family) {
        issues.push({ resources: both, field: `${side}.networks`, value: netText(n), reason: `an IPv${n.family} network routed through IPv${cnet.family} inner addresses`, fix: "give networks of the inner addresses' family" });
        continue;
      }
      if (overlaps(n, innerNet)) issues.push({ resources: both, field: `${side}.networks`, value: netText(n), reason: `overlaps the tunnel's inner subnet ${netText(innerNet)}`, fix: "route networks outside the inner subnet" });
      for (const own of otherAcc.gw.internal) {
        const o = parseNet(own.network);
        if (o && o.family === n.family && overlaps(n, o))
          issues.push({ resources: both, field: `${side}.networks`, value: netText(n), reason: `overlaps ${gwLabel(otherAcc.gw.name)}'s own internal network ${own.network}, which it would route into the tunnel`, fix: "give each end distinct networks" });
      }
    }
  }
  for (const a of cnets) for (const b of snets)
    if (a.family === b.family && overlaps(a, b))
      issues.push({ resources: both, field: "client.networks, server.networks", value: `${netText(a)}, ${netText(b)}`, reason: "the networks of the two ends overlap", fix: "give each end distinct networks" });
  return [cnets, snets];
}

/** What the checks of one tunnel found, for writing it. */
interface Checked {
  cnet: Net;
  cnets: Net[];
  snets: Net[];
  serverAddr: string;
  clientAddr: string;
  hostKey: string;
}

/** Writes one checked tunnel: hostname.tunN on both ends, the client's key, known_hosts and rc.d daemon, the server's authorized key, pf rules. */
function writeSshTunnel(t: Defaulted, ca: SshTunnelTarget, sa: SshTunnelTarget, c: Checked, server: { keys: string[]; clients: SshdTunnelClient[] }): void {
  const { cnet, cnets, snets, serverAddr, clientAddr } = c;
  const ci = t.client.inner;
  const si = t.server.inner;
  // hostname.tunN on both ends
  const routes = (nets: Net[], via: string): IfLine[] =>
    nets.filter((n) => !contains(cnet, n)).map((n) => ({ kind: "command" as const, command: `route -q add -inet${n.family === 6 ? "6" : ""} ${n.prefix === undefined ? n.address : netText(n)} ${via}` }));
  const tunLines = (me: IfAddress, other: IfAddress, nets: Net[]): IfLine[] => [
    me.address.includes(":") ? { kind: "inet6", ...me, dest: other.address } : { kind: "inet", ...me, dest: other.address },
    { kind: "up" },
    ...routes(nets, other.address),
  ];
  ca.hostnames.set(`tun${t.client.unit}`, tunLines(ci, si, snets));
  sa.hostnames.set(`tun${t.server.unit}`, tunLines(si, ci, cnets));

  // client: key, known_hosts, rc.d script, service
  const paths = sshTunnelPaths(t.client.unit);
  const key = sshTunnelClientKeys(t, ca.gw.keySeed);
  const port = t.server.port;
  const hostPattern = port === 22 ? serverAddr : `[${serverAddr}]:${port}`;
  ca.rawFiles.set(paths.key, { content: key.privateKey, mode: "0600", secret: true });
  ca.rawFiles.set(paths.knownHosts, { content: `${hostPattern} ${c.hostKey.trim().split(/\s+/).slice(0, 2).join(" ")}\n`, mode: "0644", secret: false });
  ca.rawFiles.set(paths.rcd, {
    content: renderSshTunnelRcd({
      clientUnit: t.client.unit, serverUnit: t.server.unit, user: t.server.user, server: serverAddr, port, bind: clientAddr,
      key: paths.key, knownHosts: paths.knownHosts, aliveInterval: t.aliveInterval, aliveCountMax: t.aliveCountMax, restartDelay: t.restartDelay,
    }),
    mode: "0555", secret: false,
  });
  ca.services.set(sshTunnelService(t.client.unit), { order: SSH_TUNNEL_ORDER, enabled: true, running: true });

  // server: the client's key, restricted to its address and the server's tun unit
  server.clients.push({ user: t.server.user, address: clientAddr, aliveInterval: t.aliveInterval, aliveCountMax: t.aliveCountMax });
  server.keys.push(`restrict,from="${clientAddr}",tunnel="${t.server.unit}",command="/sbin/nologin" ${key.publicKey.trim().split(/\s+/).slice(0, 2).join(" ")} sshtun${t.client.unit}@${t.client.node}`);

  // pf: ssh between the egress addresses, anything on the tun interfaces
  const cext = ca.gw.external.interface;
  const sext = sa.gw.external.interface;
  const toPorts = ports(port);
  ca.pf.vpnRules.push(rule("out", cext, "tcp", [host(clientAddr)], [host(serverAddr)], { toPorts }), passOn(`tun${t.client.unit}`));
  sa.pf.vpnRules.push(rule("in", sext, "tcp", [host(clientAddr)], [host(serverAddr)], { toPorts }), passOn(`tun${t.server.unit}`));
}
