import * as pulumi from "@pulumi/pulumi";
import type { LinkEndSpec, LinkIpsecSpec, LinkSpec } from "../planner/spec";
import { argError, checkPhase, ifAddress, phaseSpec, type PhaseArgs } from "./common";
import { Gateway } from "./gateway";
import { sameGateway } from "./ends";
import { need, take, labelOf, objectArg, notANode } from "./check";
import { hostAddress, integer, interfaceName, oneOf, psk as pskRule } from "../model/tokens/index";
import { groupOf, manualKeys, nodeOf, type ManualKeysArgs } from "./nodes";

/** One end of a {@link GifTunnel}. */
export interface GifEndArgs {
  gateway: Gateway;
  /**
   * Interface: `gif0` (or `gre0`, `eoip0`, `etherip0` for those kinds), written to /etc/hostname.IF.
   * For `role: "ipsec-tunnel"`, the loopback holding the inner address (e.g. `lo1`, seeds/004).
   */
  interface: string;
  /** Inner (tunnel) address, `ADDR` or `ADDR/LEN` (default /32 or /128); the other end's is its `dest`. Not for etherip/eoip. */
  inner?: pulumi.Input<string>;
  /** Outer source address. Default: the gateway's egress address of the tunnel's outer family. */
  outer?: pulumi.Input<string>;
  /**
   * `gif` (default): a tunnel interface. `ipsec-tunnel`: no gif, a plain tunnel-mode IPsec peer whose SAs
   * interoperate with the gif end's transport-mode IPsec (RFC 3884, seeds/004).
   */
  role?: "gif" | "ipsec-tunnel";
}

/**
 * IPsec protection of the link: transport-mode ESP for its packets on the wire — `proto ipencap` for gif (RFC 3884;
 * `ipv6` with IPv6 inner addresses), `proto gre` for gre and eoip, `proto etherip` for etherip.
 */
export type GifIpsecArgs =
  /** Manually keyed SAs (`esp transport … spi … authkey … enckey …`); missing keys are derived and kept secret. */
  | ({ keying: "manual" } & ManualKeysArgs)
  /** isakmpd negotiates transport-mode SAs for `proto ipencap` between the outer addresses. */
  | { keying: "ike"; psk: pulumi.Input<string>; main?: PhaseArgs; quick?: PhaseArgs };

/** Arguments of {@link GifTunnel}. */
export interface GifTunnelArgs {
  /** `gif` (IP-in-IP, default), `gre` (needs net.inet.gre.allow=1), `eoip` (MikroTik EoIP, gre.allow, `vnetid`), `etherip` (net.inet.etherip.allow=1). */
  kind?: "gif" | "gre" | "eoip" | "etherip";
  /** Outer family: `inet` (IPv4, default) or `inet6` (IPv4 in IPv6, seeds/002). */
  outer?: "inet" | "inet6";
  left: GifEndArgs;
  right: GifEndArgs;
  /** Optional IPsec protection (transport-mode ESP of the link's packets; RFC 3884 for gif). Default: none. */
  ipsec?: GifIpsecArgs;
  /** GRE key / eoip tunnel id (`vnetid`); required for eoip. */
  vnetid?: number;
  /** gre/eoip `keepalive PERIOD COUNT`: PERIOD 1–3600 seconds (ifconfig), COUNT 2–256 (ifconfig 2–600, the gre driver at most 256). Default: none. */
  keepalive?: { period: number; count: number };
}

/**
 * A point-to-point tunnel interface on both ends, persisted in /etc/hostname.gifN (seeds/002), optionally
 * protected by transport-mode IPsec for `proto ipencap` (RFC 3884, seeds/004), with the sysctls that gate
 * gre/eoip/etherip.
 */
export class GifTunnel extends pulumi.ComponentResource {
  constructor(name: string, args: GifTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:GifTunnel", name, {}, opts);
    const label = labelOf("GifTunnel", name);
    checkLinkArgs(label, args);
    const group = groupOf(label, [nodeOf(args.left.gateway), nodeOf(args.right.gateway)]);
    const kind = args.kind ?? "gif";
    const family = args.outer === "inet6" ? 6 : 4;
    // each argument is checked by itself when it resolves: at preview one not known yet holds back no check of the others
    const end = (e: GifEndArgs, side: string): pulumi.Output<LinkEndSpec> =>
      pulumi
        .all([
          pulumi.output(e.inner ?? null).apply((v) => (v !== null ? ifAddress(label, `${side}.inner`, v) : undefined)),
          pulumi.output(e.outer ?? null).apply((v) => (v !== null ? take(label, `${side}.outer`, v, hostAddress(family)) : undefined)),
        ])
        .apply(([inner, outer]) => ({
          node: e.gateway.gatewayName,
          interface: e.interface,
          ...(outer ? { outer } : {}),
          ...(inner ? { inner } : {}),
          role: e.role ?? "gif",
        }));
    let ipsec: pulumi.Output<LinkIpsecSpec>;
    const ip = args.ipsec;
    if (!ip) ipsec = pulumi.output({ kind: "none" as const });
    else if (ip.keying === "manual") ipsec = manualKeys(ip, label, "ipsec").apply((keys) => ({ kind: "manual" as const, keys }));
    else {
      checkPhase(label, "ipsec.main", ip.main);
      checkPhase(label, "ipsec.quick", ip.quick);
      ipsec = pulumi.secret(ip.psk).apply((psk) => ({
        kind: "ike" as const, psk: take(label, "ipsec.psk", psk, pskRule, { secret: true }), ...(ip.main ? { phase1: phaseSpec(ip.main) } : {}), ...(ip.quick ? { phase2: phaseSpec(ip.quick) } : {}),
      }));
    }
    const spec: pulumi.Output<LinkSpec> = pulumi.all([end(args.left, "left"), end(args.right, "right"), ipsec]).apply(([left, right, ipsec]): LinkSpec => ({
      name: sameInner(label, left as LinkEndSpec, right as LinkEndSpec) ?? name, kind, outer: args.outer === "inet6" ? 6 : 4, left: left as LinkEndSpec, right: right as LinkEndSpec, ipsec: ipsec as LinkIpsecSpec,
      ...(args.vnetid !== undefined ? { vnetid: args.vnetid } : {}),
      ...(args.keepalive ? { keepalive: args.keepalive } : {}),
    }));
    group.add("links", { label, spec }, args);
    this.registerOutputs({});
  }
}

/** vnetid ranges of the drivers (sys/net/if_gre.c): the 32-bit GRE key; eoip's 16-bit tunnel id. */
const VNETID: Partial<Record<string, [number, number]>> = { gre: [0, 0xffffffff], eoip: [0, 0xffff] };

/** The plain arguments of a GifTunnel, checked when it is declared. */
/** Refuses one inner address at both ends (the point-to-point link would route to itself). Returns undefined. */
function sameInner(label: string, l: LinkEndSpec, r: LinkEndSpec): undefined {
  if (l.inner && r.inner && l.inner.address === r.inner.address)
    throw argError(label, "right.inner", `${r.inner.address}/${r.inner.prefix}`, "also left.inner: both ends of the link would have one address", "give each end its own address of the link, e.g. `10.9.0.1` and `10.9.0.2`");
  return undefined;
}

function checkLinkArgs(label: string, args: GifTunnelArgs): void {
  if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ left, right }`");
  const kind = args.kind === undefined ? "gif" : take(label, "kind", args.kind, oneOf(["gif", "gre", "eoip", "etherip"] as const));
  if (args.outer !== undefined) take(label, "outer", args.outer, oneOf(["inet", "inet6"] as const));
  for (const side of ["left", "right"] as const) {
    const e = args[side];
    need(label, side, e, "give `{ gateway, interface, inner }`");
    if (!(e.gateway instanceof Gateway)) throw argError(label, `${side}.gateway`, notANode(e.gateway), "not a Gateway", "pass a Gateway declared in this program");
    const iface = take(label, `${side}.interface`, e.interface, interfaceName);
    if (iface === e.gateway.externalInterface) throw argError(label, `${side}.interface`, iface, `it is Gateway "${e.gateway.gatewayName}"'s external interface`, `use e.g. \`${kind}0\``);
    if (e.role !== undefined) take(label, `${side}.role`, e.role, oneOf(["gif", "ipsec-tunnel"] as const));
  }
  sameGateway(label, ["left", "right"], args.left.gateway, args.right.gateway);
  if (args.vnetid !== undefined) {
    const r = VNETID[kind];
    if (!r) throw argError(label, "vnetid", String(args.vnetid), `a ${kind} tunnel has no vnetid`, "remove `vnetid` (it is for gre and eoip)");
    take(label, "vnetid", args.vnetid, integer(`${/^[aeio]/.test(kind) ? "an" : "a"} ${kind} vnetid`, r[0], r[1]));
  }
  objectArg(label, "keepalive", args.keepalive, "{ period: 10, count: 3 }");
  objectArg(label, "ipsec", args.ipsec, '{ keying: "manual" }');
  if (args.keepalive) {
    if (kind !== "gre" && kind !== "eoip") throw argError(label, "keepalive", `${args.keepalive.period} ${args.keepalive.count}`, `a ${kind} tunnel has no keepalive`, "remove `keepalive` (it is for gre and eoip)");
    take(label, "keepalive.period", args.keepalive.period, integer("a keepalive period in seconds", 1, 3600));
    take(label, "keepalive.count", args.keepalive.count, integer("a keepalive count", 2, 256));
  }
  const ip = args.ipsec;
  if (ip) {
    take(label, "ipsec.keying", ip.keying, oneOf(["manual", "ike"] as const));
    if (ip.keying === "manual" && ip.spi) for (const d of ["leftToRight", "rightToLeft"] as const) take(label, `ipsec.spi.${d}`, ip.spi[d], integer("an SPI", 256, 0xfffffffe, "choose an SPI in 0x100–0xfffffffe (0–255 are reserved)"));
    if (ip.keying === "ike") need(label, "ipsec.psk", ip.psk, "pass `psk: cfg.requireSecret(\"psk\")`");
  }
}
