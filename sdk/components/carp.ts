import * as pulumi from "@pulumi/pulumi";
import type { CarpPairSpec } from "../planner/spec";
import { argError, ifAddress } from "./common";
import type { Gateway } from "./gateway";
import { groupOf, nodeOf, type TunnelNode } from "./nodes";
import type { Group } from "./registry";

/** One segment the pair shares an address on (seeds/000: carp1 172.16.0.1 internal, carp2 192.0.2.153 external). */
export interface CarpSegmentArgs {
  /** carp interface, e.g. `carp2`. */
  interface: string;
  /** Parent interface (`carpdev`), e.g. `em1`; the same name on both members. */
  carpdev: string;
  /** Shared address with prefix, e.g. `192.0.2.153/24`. */
  address: pulumi.Input<string>;
  /** Virtual host id, 1–255: equal on both members, unique on the segment. */
  vhid: number;
  /** carp `pass` (advertisement HMAC password). Secret. Default: none. */
  password?: pulumi.Input<string>;
  /** `advbase` seconds (0–254). Default 1. */
  advbase?: number;
}

/** A member of the pair. */
export interface CarpMemberArgs {
  gateway: Gateway;
  /** carp `advskew` on every segment: the member with the lower value is the intended MASTER. Default: 0 for the first member, 100 for the second. */
  advskew?: number;
  /** This member's address the other uses as sasyncd `peer` and for TCP 500 (seeds/000: 172.16.0.3 for gateway 1b). */
  syncAddress: pulumi.Input<string>;
}

/** Arguments of {@link CarpPair}. */
export interface CarpPairArgs {
  /** The two gateways. */
  members: [CarpMemberArgs, CarpMemberArgs];
  /** Shared addresses, one carp interface per segment. */
  segments: CarpSegmentArgs[];
  /** The carp interface of the external segment: tunnels bind to its address (`local`), sasyncd tracks it (`interface`). Default: the segment whose carpdev is the members' egress interface. */
  external?: string;
  /** pfsync(4) sync interface (`syncdev`) carrying pf states and replay counters; `false` for none. Default: none. */
  pfsync?: { syncdev: string } | false;
  /** sasyncd `sharedkey`: 16, 24 or 32 bytes of hex (with or without `0x`). Secret; sasyncd.conf is written 0600. */
  sharedkey: pulumi.Input<string>;
  /** `net.inet.carp.preempt=1` so the intended master takes over and all carp interfaces fail over together. Default true. */
  preempt?: boolean;
  /** sasyncd `flushmode`. Default: sasyncd's (`startup`). */
  flushmode?: "sync" | "startup" | "never";
}

/**
 * Redundant gateways (seeds/000 "Adding Redundancy"): carp interfaces with shared addresses, pfsync,
 * sasyncd (0600 sharedkey) with isakmpd `-S` (added by rc.d), pf for carp, pfsync and TCP 500 between
 * the members, start order isakmpd → ipsecctl → sasyncd. Tunnels name the pair as an end and bind to
 * its external CARP address. The master's GatewayConfig depends on the backup's, so an update is
 * committed (and verified) on the backup before the master is touched.
 */
export class CarpPair extends pulumi.ComponentResource implements TunnelNode {
  /** @internal */ readonly group: Group;
  /** @internal */ readonly nodeName: string;
  /** @internal */ readonly nodeLabel: string;
  /** @internal */ readonly nodeGateways: Gateway[];
  /** The intended master (lower advskew) and backup. */
  readonly master: Gateway;
  readonly backup: Gateway;

  constructor(name: string, args: CarpPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:CarpPair", name, {}, opts);
    const label = `CarpPair "${name}"`;
    this.nodeName = name;
    this.nodeLabel = label;
    if (!Array.isArray(args.members) || args.members.length !== 2) throw argError(label, "members", String(args.members?.length), "a pair has exactly two members", "pass two `{ gateway, syncAddress }`");
    const [a, b] = args.members;
    this.nodeGateways = [a.gateway, b.gateway];
    this.group = groupOf(label, this.nodeGateways.map(nodeOf));
    const skewA = a.advskew ?? 0;
    const skewB = b.advskew ?? 100;
    [this.master, this.backup] = skewA <= skewB ? [a.gateway, b.gateway] : [b.gateway, a.gateway];
    if (skewA !== skewB) this.group.order.set(this.master.gatewayName, [...(this.group.order.get(this.master.gatewayName) ?? []), this.backup.gatewayName]);
    const external =
      args.external ?? args.segments.find((s) => s.carpdev === a.gateway.externalInterface)?.interface ?? "";
    if (!external) throw argError(label, "external", "(none)", `no segment's carpdev is the egress interface ${a.gateway.externalInterface}`, "name the external carp interface with `external`");
    const spec: pulumi.Output<CarpPairSpec> = pulumi
      .all([
        pulumi.output(args.segments.map((s) => s.address)),
        pulumi.secret(pulumi.output(args.segments.map((s) => s.password ?? null))),
        pulumi.output([a.syncAddress, b.syncAddress]),
        pulumi.secret(args.sharedkey),
      ])
      .apply(([addrs, pws, syncs, key]) => ({
        name,
        members: [
          { gateway: a.gateway.gatewayName, advskew: skewA, syncAddress: syncs[0]! },
          { gateway: b.gateway.gatewayName, advskew: skewB, syncAddress: syncs[1]! },
        ] as CarpPairSpec["members"],
        segments: args.segments.map((s, i) => ({
          interface: s.interface,
          carpdev: s.carpdev,
          address: ifAddress(label, `segments[${i}].address`, addrs[i]!, 24),
          vhid: s.vhid,
          ...(pws[i] !== null && pws[i] !== undefined ? { password: pws[i]! } : {}),
          ...(s.advbase !== undefined ? { advbase: s.advbase } : {}),
        })),
        external,
        ...(args.pfsync ? { pfsyncDev: args.pfsync.syncdev } : {}),
        sharedkey: key.replace(/^0x/i, ""),
        preempt: args.preempt ?? true,
        ...(args.flushmode ? { flushmode: args.flushmode } : {}),
      }));
    this.group.add("pairs", { label, spec });
    this.registerOutputs({});
  }
}
