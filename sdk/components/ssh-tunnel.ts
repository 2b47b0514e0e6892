import * as pulumi from "@pulumi/pulumi";
import { sshPublicKeyOf } from "../planner/sshkeys";
import { orderSshTunnel, SSH_TUNNEL_DEFAULTS, sshTunnelClientKeys, type SshTunnelSpec } from "../planner/ssh-tunnel";
import { sshTunnelService } from "../planner/ssh-rcd";
import { hostAddress, integer, sshHostKey, userName } from "../model/tokens/index";
import { aString, Refusal, type TokenRule } from "../model/tokens/refusal";
import { ifAddress, networksArg } from "./common";
import { take, labelOf } from "./check";
import { Gateway } from "./gateway";
import { checkEnds } from "./ends";
import { groupOf, nodeOf } from "./nodes";

/** Default `ServerAliveInterval` (seconds) of the client (the planner applies it: planner/ssh-tunnel.ts SSH_TUNNEL_DEFAULTS). */
export const SSH_TUNNEL_ALIVE_INTERVAL = SSH_TUNNEL_DEFAULTS.aliveInterval;
/** Default `ServerAliveCountMax` of the client. */
export const SSH_TUNNEL_ALIVE_COUNT = SSH_TUNNEL_DEFAULTS.aliveCountMax;

/** Settings both ends of an {@link SshTunnel} have. */
interface SshTunnelEndBase {
  gateway: Gateway;
  /** The tun(4) interface, `tunN`, written to /etc/hostname.tunN (0640). Default `tun0`. */
  interface?: string;
  /**
   * Inner address on tunN, `ADDR/LEN` (hostname.tunN `inet ADDR MASK`, with the other end's inner address as
   * `dest`: point-to-point); without `/LEN`, /30 (IPv4, as the guide's 172.16.2.1/30) or /64 (IPv6). Both
   * ends must be in one subnet.
   */
  inner: pulumi.Input<string>;
  /**
   * Networks behind this end: the other end routes them into the tunnel (`!route -q add -inet NET
   * THIS-INNER` in its hostname.tunN). Default: this gateway's internal networks.
   */
  networks?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The client end: the gateway running `ssh -w`. */
export interface SshTunnelClientArgs extends SshTunnelEndBase {
  /**
   * Address ssh connects from (`BindAddress`) and the server's authorized key accepts it from (`from=`).
   * Default: this gateway's external address.
   */
  source?: pulumi.Input<string>;
  /**
   * The private key ssh logs in with, an unencrypted OpenSSH private key (`ssh-keygen -t ed25519 -N ''`;
   * a secret), installed as /etc/ssh/sshtunN_ed25519 (0600). Default: an Ed25519 key derived from the
   * client gateway's key seed (stable across runs, rotated with the seed), so preview needs no host and the
   * server's authorized key is known in the same `pulumi up`.
   */
  privateKey?: pulumi.Input<string>;
}

/** The server end: the gateway whose sshd accepts the tunnel. */
export interface SshTunnelServerArgs extends SshTunnelEndBase {
  /** Address the client connects to. Default: this gateway's external address. */
  address?: pulumi.Input<string>;
  /** sshd's port, 1–65535. Default 22. */
  port?: number;
  /**
   * sshd's host key as known_hosts writes it without the host name (`ssh-ed25519 AAAA…`), written to the
   * client's /etc/ssh/sshtunN_known_hosts (ssh checks it strictly). Default: the server gateway's
   * `connection.hostKey` (the same sshd serves the management connection).
   */
  hostKey?: pulumi.Input<string>;
  /**
   * The gateway's sshd_config as it is (the base the tunnel edits): /etc/ssh/sshd_config is written whole,
   * as this base with `PermitTunnel point-to-point` and the tunnel keys file added to `AuthorizedKeysFile`,
   * checked with `sshd -t -f` on the host before it replaces the working file. Default: OpenBSD's stock
   * sshd_config. Give it when the gateway's differs (read it with `fs.readFileSync` from a copy), or the
   * commit replaces your settings with the stock ones. Every SshTunnel served by one gateway gives the same.
   */
  sshdConfig?: pulumi.Input<string>;
}

/** Arguments of {@link SshTunnel}. */
export interface SshTunnelArgs {
  client: SshTunnelClientArgs;
  server: SshTunnelServerArgs;
  /**
   * The user ssh logs in as on the server. Default `root`: only root may open a tun(4) device, and sshd
   * opens it as the user. The key is restricted (`restrict`, `tunnel="M"`, `command="/sbin/nologin"`, `from=`).
   */
  user?: string;
  /** ssh `ServerAliveInterval` (seconds, 1–3600): how often the client probes the server. Default 15. */
  serverAliveInterval?: number;
  /** ssh `ServerAliveCountMax` (1–100): unanswered probes before ssh exits (and its rc.d loop starts it again). Default 3. */
  serverAliveCountMax?: number;
  /** Seconds (1–3600) the client's rc.d loop waits after ssh exited before starting it again. Default 10. */
  restartDelay?: number;
}

/** A host key as known_hosts writes it after the host name: `TYPE BASE64`. */

/** An unencrypted OpenSSH private key; returns it with its public key. */
const opensshPrivateKey: TokenRule<{ privateKey: string; publicKey: string }> = (v) => {
  const pub = typeof v === "string" ? sshPublicKeyOf(v) : undefined;
  if (!pub) throw new Refusal("not an unencrypted OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`)", "generate one with `ssh-keygen -t ed25519 -N '' -f sshtun`, or leave `privateKey` out to derive one");
  const text = (v as string).trim() + "\n";
  return { privateKey: text, publicKey: pub };
};

/** `ADDR/LEN`, or `ADDR` with /30 (IPv4) or /64 (IPv6). */
function innerText(v: string): string {
  return v.includes("/") ? v : `${v}/${v.includes(":") ? 64 : 30}`;
}

/**
 * An OpenSSH VPN (seeds/002 "Configuring a VPN with OpenSSH", ssh(1) `-w`, sshd_config(5) `PermitTunnel`)
 * between two gateways: tun(4) at both ends (/etc/hostname.tunN, point-to-point, routes to the other end's
 * networks), the server's sshd_config allowing point-to-point tunnels (validated with `sshd -t` before it
 * replaces the working file, so the management connection is never locked out; sshd reloaded after), the
 * client's key restricted to the tunnel in the server's /etc/ssh/sshtun_authorized_keys, and on the client
 * an rc.d daemon `sshtunN` keeping `ssh -N -w N:M` running — started at boot and now, started again after it
 * exits (see planner/ssh-rcd.ts for why rc.d and how).
 * pf passes tcp to sshd between the two and everything on the tun interfaces (the `vpn` anchor).
 */
export class SshTunnel extends pulumi.ComponentResource {
  /** The client's public key, as in the server's authorized keys (not secret). */
  readonly clientPublicKey: pulumi.Output<string>;
  /** The rc.d service on the client gateway (`sshtunN`): `rcctl check sshtun0`. */
  readonly service: string;

  constructor(name: string, args: SshTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:SshTunnel", name, {}, opts);
    const label = labelOf("SshTunnel", name);
    checkArgs(label, args);
    const group = groupOf(label, [nodeOf(args.client.gateway), nodeOf(args.server.gateway)]);
    const cUnit = unitOf(args.client.interface);
    const sUnit = unitOf(args.server.interface);
    this.service = sshTunnelService(cUnit);
    // a given key is checked here; without one the planner derives it from the client gateway's seed
    // (planner/ssh-tunnel.ts sshTunnelClientKeys, also called here for `clientPublicKey`)
    const key: pulumi.Output<{ privateKey: string; publicKey: string } | null> =
      args.client.privateKey !== undefined
        ? pulumi.secret(args.client.privateKey).apply((k) => take(label, "client.privateKey", k, opensshPrivateKey, { secret: true }))
        : pulumi.output(null);
    const clientEnd = { node: args.client.gateway.gatewayName, unit: cUnit };
    this.clientPublicKey = pulumi.unsecret(pulumi.all([key, args.client.gateway.keySeed]).apply(([k, seed]) => sshTunnelClientKeys({ client: clientEnd, ...(k ?? {}) }, seed).publicKey));
    const c = args.client;
    const s = args.server;
    // each argument is checked by itself when it resolves: at preview one not known yet holds back no check of the others
    const inner = (v: pulumi.Input<string>, field: string) => pulumi.output(v).apply((x) => ifAddress(label, field, innerText(String(x))));
    const address = (v: pulumi.Input<string> | undefined, field: string) => pulumi.output(v ?? null).apply((x) => (x !== null ? take(label, field, x, hostAddress()) : undefined));
    const hostKey = (s.hostKey !== undefined ? pulumi.output(s.hostKey) : pulumi.unsecret(s.gateway.connection.apply((x) => x.hostKey ?? null))).apply((hk) =>
      hk !== null && hk !== undefined ? take(label, s.hostKey !== undefined ? "server.hostKey" : "server.gateway.connection.hostKey", hk, sshHostKey) : undefined);
    const sshdConfig = pulumi.output(s.sshdConfig ?? null).apply((v) => (v !== null ? take(label, "server.sshdConfig", v, (x) => aString(x, "the text of an sshd_config", "readFileSync(\"sshd_config\", \"utf8\")")) : undefined));
    const cIn = pulumi.all([inner(c.inner, "client.inner"), networksArg(label, "client.networks", c.networks), address(c.source, "client.source")]);
    const sIn = pulumi.all([inner(s.inner, "server.inner"), networksArg(label, "server.networks", s.networks), address(s.address, "server.address"), hostKey, sshdConfig]);
    const spec: pulumi.Output<SshTunnelSpec> = pulumi
      .all([cIn, sIn, pulumi.unsecret(key)])
      .apply(([[cInner, cNets, source], [sInner, sNets, address, hk, sshd], k]): SshTunnelSpec => ({
        name,
        client: {
          node: c.gateway.gatewayName, unit: cUnit, inner: cInner,
          ...(cNets ? { networks: cNets } : {}),
          ...(source !== undefined ? { source } : {}),
        },
        server: {
          node: s.gateway.gatewayName, unit: sUnit, inner: sInner,
          ...(sNets ? { networks: sNets } : {}),
          ...(address !== undefined ? { address } : {}),
          ...(s.port !== undefined ? { port: s.port } : {}),
          ...(args.user !== undefined ? { user: args.user } : {}),
          ...(hk !== undefined ? { hostKey: hk } : {}),
          ...(sshd !== undefined ? { sshdConfig: sshd } : {}),
        },
        ...(k !== null ? { privateKey: k.privateKey, publicKey: k.publicKey } : {}),
        ...(args.serverAliveInterval !== undefined ? { aliveInterval: args.serverAliveInterval } : {}),
        ...(args.serverAliveCountMax !== undefined ? { aliveCountMax: args.serverAliveCountMax } : {}),
        ...(args.restartDelay !== undefined ? { restartDelay: args.restartDelay } : {}),
      }));
    group.add("sshTunnels", { label, spec }, args);
    orderSshTunnel(c.gateway.gatewayName, s.gateway.gatewayName, group.order);
    this.registerOutputs({ clientPublicKey: this.clientPublicKey, service: this.service });
  }
}

function unitOf(iface: string | undefined): number {
  return Number((iface ?? "tun0").slice(3));
}

/** The plain arguments of an SshTunnel, checked when it is declared. */
function checkArgs(label: string, args: SshTunnelArgs): void {
  checkEnds(label, args, ["client", "server"], "tun", "172.16.2.1/30");
  if (args.server.port !== undefined) take(label, "server.port", args.server.port, integer("a TCP port", 1, 65535));
  if (args.user !== undefined) take(label, "user", args.user, userName);
  if (args.serverAliveInterval !== undefined) take(label, "serverAliveInterval", args.serverAliveInterval, integer("a ServerAliveInterval in seconds", 1, 3600));
  if (args.restartDelay !== undefined) take(label, "restartDelay", args.restartDelay, integer("a restart delay in seconds", 1, 3600));
  if (args.serverAliveCountMax !== undefined) take(label, "serverAliveCountMax", args.serverAliveCountMax, integer("a ServerAliveCountMax", 1, 100));
}
