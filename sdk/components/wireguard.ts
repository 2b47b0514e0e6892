import * as pulumi from "@pulumi/pulumi";
import { WG_DEFAULTS, wireGuardEndKeys, type WireGuardEndSpec, type WireGuardHubReach, type WireGuardReach, type WireGuardSpec } from "../planner/wireguard";
import { hostAddress, integer, udpPort, wgKey, WG_PKA_MAX } from "../model/tokens/index";
import { argError, ifAddress, networkOf, networksArg } from "./common";
import { take, labelOf, boolArg, listArg, notANode } from "./check";
import { Gateway } from "./gateway";
import { checkEnds } from "./ends";
import { groupOf, nodeOf } from "./nodes";

/** Default `wgport` (the port WireGuard's documentation uses). */
export const WG_DEFAULT_PORT = WG_DEFAULTS.port;

/** One end of a {@link WireGuardTunnel}. */
export interface WireGuardEndArgs {
  gateway: Gateway;
  /** The wg(4) interface, `wgN`, written to /etc/hostname.wgN (mode 0600: it holds the private key). Default `wg0`. */
  interface?: string;
  /**
   * Inner address on the wg interface, `ADDR/LEN` (`inet ADDR MASK` in hostname.wgN); without `/LEN`, /24
   * (IPv4) or /64 (IPv6). Both ends must be in one subnet.
   */
  inner: pulumi.Input<string>;
  /** `wgport`: the UDP port this end listens on, 1–65535. Default 51820. */
  port?: number;
  /**
   * `wgkey`: this end's private key, 32 bytes in base64 (a secret; e.g. `openssl rand -base64 32`).
   * Default: derived from the gateway's key seed (stable across runs, rotated with the seed), so preview
   * needs no host.
   */
  privateKey?: pulumi.Input<string>;
  /** Address the other end sends to (its `wgendpoint`). Default: this gateway's external address. */
  endpoint?: pulumi.Input<string>;
  /**
   * What is reached through this end: the other end's `wgaip`s (traffic it accepts from this end and
   * routes to it). Default: this end's inner address and its gateway's internal networks.
   */
  networks?: pulumi.Input<pulumi.Input<string>[]>;
  /** `wgrtable`: routing table of the outer UDP packets, 0–255. Default 0 (not written). */
  rtable?: number;
}

/** Arguments of {@link WireGuardTunnel}. */
export interface WireGuardTunnelArgs {
  left: WireGuardEndArgs;
  right: WireGuardEndArgs;
  /** `wgpka`: persistent keepalive in seconds on both ends, 0–43200 (useful behind NAT). Default off. */
  keepalive?: number;
  /** `wgpsk`: an optional pre-shared key on both ends, 32 bytes in base64 (a secret). Default none. */
  psk?: pulumi.Input<string>;
  /** @internal set by {@link WireGuardHub}: the left end is the hub, whose routed networks the planner works out. */
  hub?: pulumi.Output<WireGuardHubReach>;
  /**
   * @internal set by {@link WireGuardMesh} and {@link WireGuardHub}: the component the user declared and how its
   * arguments name the two ends (`members[0]`, `spokes[2]`), for every message about this tunnel.
   */
  declaredAs?: WireGuardDeclared;
}

/** A tunnel a mesh or hub declared: its label and its two ends' fields, as the user wrote them. */
export interface WireGuardDeclared {
  label: string;
  sides: [string, string];
}

/**
 * A WireGuard (wg(4)) tunnel between two gateways: /etc/hostname.wgN on each (its private key, the
 * other as `wgpeer` with `wgendpoint` and `wgaip`s, the inner address, `up`), applied with
 * `sh /etc/netstart wgN`, and pf rules passing udp between the peers' wg ports. Several tunnels may
 * share a gateway's wg interface (a hub): their peers are merged.
 */
export class WireGuardTunnel extends pulumi.ComponentResource {
  /** The left end's public key (base64; not a secret). */
  readonly leftPublicKey: pulumi.Output<string>;
  /** The right end's public key (base64; not a secret). */
  readonly rightPublicKey: pulumi.Output<string>;

  constructor(name: string, args: WireGuardTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:WireGuardTunnel", name, {}, opts);
    const label = args?.declaredAs?.label ?? labelOf("WireGuardTunnel", name);
    const [sl, sr] = args?.declaredAs?.sides ?? ["left", "right"];
    checkArgs(label, args, [sl, sr]);
    const group = groupOf(label, [nodeOf(args.left.gateway), nodeOf(args.right.gateway)]);
    // a given private key is checked here; without one the planner derives the pair from the gateway's seed
    // (planner/wireguard.ts wireGuardEndKeys, also called here for the public-key outputs)
    const given = (e: WireGuardEndArgs, side: string): pulumi.Output<string | null> =>
      e.privateKey === undefined ? pulumi.output(null) : pulumi.secret(e.privateKey).apply((k) => take(label, `${side}.privateKey`, k, wgKey("a wgkey (private key)"), { secret: true }));
    const lk = given(args.left, sl);
    const rk = given(args.right, sr);
    const publicKey = (e: WireGuardEndArgs, k: pulumi.Output<string | null>): pulumi.Output<string> =>
      pulumi.unsecret(pulumi.all([k, e.gateway.keySeed]).apply(([privateKey, seed]) =>
        wireGuardEndKeys({ node: e.gateway.gatewayName, ...(e.interface !== undefined ? { interface: e.interface } : {}), ...(privateKey !== null ? { privateKey } : {}) }, seed).publicKey));
    this.leftPublicKey = publicKey(args.left, lk);
    this.rightPublicKey = publicKey(args.right, rk);
    // each argument is checked by itself when it resolves: at preview one not known yet holds back no check of the others
    const end = (e: WireGuardEndArgs, side: string, k: pulumi.Output<string | null>): pulumi.Output<WireGuardEndSpec> =>
      pulumi
        .all([
          pulumi.output(e.inner).apply((v) => ifAddress(label, `${side}.inner`, v, 24)),
          pulumi.output(e.endpoint ?? null).apply((v) => (v !== null ? take(label, `${side}.endpoint`, v, hostAddress()) : undefined)),
          networksArg(label, `${side}.networks`, e.networks),
          pulumi.unsecret(k),
        ])
        .apply(([inner, endpoint, networks, privateKey]): WireGuardEndSpec => ({
          node: e.gateway.gatewayName,
          ...(e.interface !== undefined ? { interface: e.interface } : {}),
          inner,
          ...(e.port !== undefined ? { port: e.port } : {}),
          ...(privateKey !== null ? { privateKey } : {}),
          ...(endpoint !== undefined ? { endpoint } : {}),
          ...(networks !== undefined ? { networks } : {}),
          ...(e.rtable !== undefined ? { rtable: e.rtable } : {}),
        }));
    const psk = args.psk === undefined ? pulumi.output(null) : pulumi.unsecret(pulumi.secret(args.psk)).apply((p) => take(label, "psk", p, wgKey("a wgpsk"), { secret: true }));
    const spec: pulumi.Output<WireGuardSpec> = pulumi.all([end(args.left, sl, lk), end(args.right, sr, rk), psk, args.hub ?? pulumi.output(null)]).apply(([left, right, psk, hub]) => ({
      name, left: hub ? { ...left, hub } : left, right,
      ...(args.declaredAs ? { declaredAs: args.declaredAs } : {}),
      ...(args.keepalive ? { keepalive: args.keepalive } : {}),
      ...(psk !== null ? { psk } : {}),
    }));
    group.add("wireguard", { label, spec }, args);
    this.registerOutputs({ leftPublicKey: this.leftPublicKey, rightPublicKey: this.rightPublicKey });
  }
}

/** The plain arguments of a WireGuardTunnel, checked when it is declared. */
function checkArgs(label: string, args: WireGuardTunnelArgs, names: [string, string]): void {
  checkEnds(label, args, ["left", "right"], "wg", "10.9.0.1/24", (e, side) => {
    if (e.port !== undefined) take(label, `${side}.port`, e.port, udpPort("wgport"));
    if (e.rtable !== undefined) take(label, `${side}.rtable`, e.rtable, integer("a routing table (wgrtable)", 0, 255));
  }, names);
  if (args.keepalive !== undefined) take(label, "keepalive", args.keepalive, integer("a keepalive interval in seconds (wgpka)", 0, WG_PKA_MAX));
}

/** One member of a {@link WireGuardMesh}. */
export interface WireGuardMemberArgs extends Omit<WireGuardEndArgs, "networks"> {
  /** What is reached through this member (its `wgaip`s at every other member). Default: its inner address and internal networks. */
  networks?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of {@link WireGuardMesh}. */
export interface WireGuardMeshArgs {
  /** The gateways, each with its end of the shared wg subnet (same interface settings on every tunnel of a member). */
  members: WireGuardMemberArgs[];
  /** `wgpka` on every peer line, seconds. Default off. */
  keepalive?: number;
  /** `wgpsk` shared by every pair (a secret). Default none. */
  psk?: pulumi.Input<string>;
}

/**
 * A full mesh: one {@link WireGuardTunnel} per pair of members, all on each member's one wg interface
 * (each member gets every other member as a `wgpeer`).
 */
export class WireGuardMesh extends pulumi.ComponentResource {
  /** Each member's public key by gateway name (not secret). */
  readonly publicKeys: Record<string, pulumi.Output<string>> = {};
  /** The tunnels, `A-B` by gateway names. */
  readonly tunnels: WireGuardTunnel[] = [];

  constructor(name: string, args: WireGuardMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:WireGuardMesh", name, {}, opts);
    const label = labelOf("WireGuardMesh", name);
    // a string or an object where the list belongs is named as such (not as a mesh of `1` or `(none)` members)
    if (args) listArg(label, "members", args.members, "[{ gateway: gw1, inner: \"10.9.0.1/24\" }, …]");
    if (!args || !Array.isArray(args.members) || args.members.length < 2)
      throw argError(label, "members", String(args?.members?.length ?? "(none)"), "a mesh needs at least two members", "give two or more `{ gateway, inner }`");
    const ms = args.members;
    ms.forEach((m, i) => {
      if (!m || typeof m !== "object" || Array.isArray(m)) throw argError(label, `members[${i}]`, notANode(m), "not a member", "give `{ gateway, inner }`");
      if (!(m.gateway instanceof Gateway)) throw argError(label, `members[${i}].gateway`, notANode(m.gateway), "not a Gateway", "pass a Gateway declared in this program");
    });
    sameInnerSubnet(label, ms.map((m, i) => [`members[${i}].inner`, m.inner]));
    for (let i = 0; i < ms.length; i++)
      for (let j = i + 1; j < ms.length; j++) {
        const [a, b] = [ms[i]!, ms[j]!];
        const t = new WireGuardTunnel(`${name}-${a.gateway.gatewayName}-${b.gateway.gatewayName}`, {
          left: a, right: b, declaredAs: { label, sides: [`members[${i}]`, `members[${j}]`] },
          ...(args.keepalive !== undefined ? { keepalive: args.keepalive } : {}),
          ...(args.psk !== undefined ? { psk: args.psk } : {}),
        }, { parent: this });
        this.tunnels.push(t);
        this.publicKeys[a.gateway.gatewayName] ??= t.leftPublicKey;
        this.publicKeys[b.gateway.gatewayName] ??= t.rightPublicKey;
      }
    this.registerOutputs({ publicKeys: this.publicKeys });
  }
}

/** Arguments of {@link WireGuardHub}. */
export interface WireGuardHubArgs {
  /** The hub: every spoke's peer, on one wg interface. */
  hub: WireGuardMemberArgs;
  /** The spokes: each has the hub as its only peer. */
  spokes: WireGuardMemberArgs[];
  /**
   * Whether spokes reach each other through the hub: then each spoke's `wgaip`s for the hub (and its
   * routes) also cover the other spokes' inner addresses and internal networks. Default true.
   */
  spokeToSpoke?: boolean;
  /** `wgpka` on every peer line, seconds (spokes behind NAT keep their mapping open). Default off. */
  keepalive?: number;
  /** `wgpsk` shared by every hub–spoke pair (a secret). Default none. */
  psk?: pulumi.Input<string>;
}

/**
 * Hub and spoke: one {@link WireGuardTunnel} per spoke, all on the hub's one wg interface. With
 * `spokeToSpoke` (default), the hub forwards between spokes (its gateway must forward: `forwarding.ipv4`
 * 1, the Gateway's default).
 */
export class WireGuardHub extends pulumi.ComponentResource {
  /** The hub's public key (not secret). */
  readonly hubPublicKey: pulumi.Output<string>;
  /** Each spoke's public key by gateway name (not secret). */
  readonly spokePublicKeys: Record<string, pulumi.Output<string>> = {};
  readonly tunnels: WireGuardTunnel[] = [];

  constructor(name: string, args: WireGuardHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:WireGuardHub", name, {}, opts);
    const label = labelOf("WireGuardHub", name);
    if (!args || !args.hub || !(args.hub.gateway instanceof Gateway)) throw argError(label, "hub.gateway", "(none)", "not a Gateway", "pass `hub: { gateway, inner }`");
    listArg(label, "spokes", args.spokes, "[{ gateway: gw2, inner: \"10.9.0.2/24\" }, …]");
    if (!Array.isArray(args.spokes) || args.spokes.length === 0) throw argError(label, "spokes", String(args.spokes?.length ?? "(none)"), "a hub needs at least one spoke", "give `spokes: [{ gateway, inner }, …]`");
    boolArg(label, "spokeToSpoke", args.spokeToSpoke);
    sameInnerSubnet(label, [["hub.inner", args.hub.inner], ...args.spokes.map((m, i): [string, unknown] => [`spokes[${i}].inner`, m?.inner])]);
    args.spokes.forEach((s, i) => {
      if (!s || !(s.gateway instanceof Gateway)) throw argError(label, `spokes[${i}].gateway`, "(none)", "not a Gateway", "pass a Gateway declared in this program");
    });
    // a member as given (its networks checked here); the planner works out what the hub routes (planner/wireguard.ts hubNetworks)
    const reach = (m: WireGuardMemberArgs, field: string): pulumi.Output<WireGuardReach> =>
      pulumi.all([pulumi.output(m.inner), networksArg(label, `${field}.networks`, m.networks)]).apply(([inner, networks]) => ({
        node: m.gateway.gatewayName,
        inner: String(inner),
        ...(networks !== undefined ? { networks } : {}),
      }));
    const hub = reach(args.hub, "hub");
    const spokes = args.spokes.map((s, i) => reach(s, `spokes[${i}]`));
    const { networks: _own, ...hubEnd } = args.hub;
    args.spokes.forEach((s, i) => {
      const relay = pulumi.all([hub, ...spokes.filter((_, j) => j !== i)]).apply(([h, ...others]): WireGuardHubReach => ({
        hub: h, others, ...(args.spokeToSpoke !== undefined ? { spokeToSpoke: args.spokeToSpoke } : {}),
      }));
      const t = new WireGuardTunnel(`${name}-${s.gateway.gatewayName}`, {
        left: hubEnd,
        right: s,
        declaredAs: { label, sides: ["hub", `spokes[${i}]`] },
        ...(args.keepalive !== undefined ? { keepalive: args.keepalive } : {}),
        ...(args.psk !== undefined ? { psk: args.psk } : {}),
        hub: relay,
      }, { parent: this });
      this.tunnels.push(t);
      this.spokePublicKeys[s.gateway.gatewayName] = t.rightPublicKey;
    });
    this.hubPublicKey = this.tunnels[0]!.leftPublicKey;
    this.registerOutputs({ hubPublicKey: this.hubPublicKey, spokePublicKeys: this.spokePublicKeys });
  }
}

/**
 * The inner addresses of a mesh's or hub's members, when given as plain values, are of one subnet: checked
 * here so that a stray one is named by the field the user wrote (`members[2].inner`), not by the generated
 * pairwise tunnel. Values given as Outputs are checked by each tunnel.
 */
function sameInnerSubnet(label: string, inners: [string, unknown][]): void {
  if (!inners.every(([, v]) => typeof v === "string")) return;
  const [f0, v0] = inners[0]!;
  const first = networkOf(ifAddress(label, f0, v0 as string, 24));
  for (const [f, v] of inners.slice(1)) {
    const net = networkOf(ifAddress(label, f, v as string, 24));
    if (net !== first) throw argError(label, f, v as string, `not in the subnet ${first} of ${f0}: the members' wg interfaces share one inner subnet`, `give it an address of ${first}`);
  }
}
