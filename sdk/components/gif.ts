import * as pulumi from "@pulumi/pulumi";
import type { LinkEndSpec, LinkIpsecSpec, LinkSpec } from "../planner/spec";
import { argError, ifAddress, phaseSpec, type PhaseArgs } from "./common";
import type { Gateway } from "./gateway";
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

/** RFC 3884 protection of the link: transport-mode ESP for the encapsulated packets (`proto ipencap`). */
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
  /** Optional IPsec protection (RFC 3884). Default: none. */
  ipsec?: GifIpsecArgs;
  /** GRE key / eoip tunnel id (`vnetid`); required for eoip. */
  vnetid?: number;
  /** gre/eoip `keepalive PERIOD COUNT`. */
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
    const label = `GifTunnel "${name}"`;
    const group = groupOf(label, [nodeOf(args.left.gateway), nodeOf(args.right.gateway)]);
    const kind = args.kind ?? "gif";
    if (!["gif", "gre", "eoip", "etherip"].includes(kind)) throw argError(label, "kind", kind, "unknown tunnel kind", "use gif, gre, eoip or etherip");
    const end = (e: GifEndArgs, side: string): pulumi.Output<LinkEndSpec> =>
      pulumi.all([pulumi.output(e.inner ?? null), pulumi.output(e.outer ?? null)]).apply(([inner, outer]) => ({
        node: e.gateway.gatewayName,
        interface: e.interface,
        ...(outer ? { outer } : {}),
        ...(inner ? { inner: ifAddress(label, `${side}.inner`, inner) } : {}),
        role: e.role ?? "gif",
      }));
    let ipsec: pulumi.Output<LinkIpsecSpec>;
    const ip = args.ipsec;
    if (!ip) ipsec = pulumi.output({ kind: "none" as const });
    else if (ip.keying === "manual") ipsec = manualKeys(name, ip, args.left.gateway, args.right.gateway).apply((keys) => ({ kind: "manual" as const, keys }));
    else
      ipsec = pulumi.secret(ip.psk).apply((psk) => ({
        kind: "ike" as const, psk, ...(ip.main ? { phase1: phaseSpec(ip.main) } : {}), ...(ip.quick ? { phase2: phaseSpec(ip.quick) } : {}),
      }));
    const spec: pulumi.Output<LinkSpec> = pulumi.all([end(args.left, "left"), end(args.right, "right"), ipsec]).apply(([left, right, ipsec]): LinkSpec => ({
      name, kind, outer: args.outer === "inet6" ? 6 : 4, left: left as LinkEndSpec, right: right as LinkEndSpec, ipsec: ipsec as LinkIpsecSpec,
      ...(args.vnetid !== undefined ? { vnetid: args.vnetid } : {}),
      ...(args.keepalive ? { keepalive: args.keepalive } : {}),
    }));
    group.add("links", { label, spec });
    this.registerOutputs({});
  }
}
