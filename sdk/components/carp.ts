import * as pulumi from "@pulumi/pulumi";
import type { CarpMemberSpec, CarpPairSpec } from "../planner/spec";
import { orderCarpPair } from "../planner/carp";
import { argError, ifAddress } from "./common";
import { Gateway } from "./gateway";
import { need, take, takeOpt, labelOf, boolArg, listArg, notANode } from "./check";
import { carpPassword, hostAddress, integer, interfaceName, interfaceOf, oneOf, sasyncdKey } from "../model/tokens/index";
import { groupOf, nodeOf, type TunnelNode } from "./nodes";
import type { Group } from "./registry";

/** One segment the pair shares an address on (seeds/000: carp1 172.16.0.1 internal, carp2 192.0.2.153 external). */
export interface CarpSegmentArgs {
  /** carp interface, e.g. `carp2`. */
  interface: string;
  /** Parent interface (`carpdev`), e.g. `em1`; the same name on both members. */
  carpdev: string;
  /** Shared IPv4 address with prefix, e.g. `192.0.2.153/24` (hostname.carpN `inet ADDR MASK`; IPv6 segments are not supported). */
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
    const label = labelOf("CarpPair", name);
    this.nodeName = name;
    this.nodeLabel = label;
    checkPairArgs(label, args);
    const [a, b] = args.members;
    this.nodeGateways = [a.gateway, b.gateway];
    this.group = groupOf(label, this.nodeGateways.map(nodeOf));
    // as declared: the planner applies the advskew defaults, names the roles and records the apply order
    const declared = args.members.map((m) => ({ gateway: m.gateway.gatewayName, ...(m.advskew !== undefined ? { advskew: m.advskew } : {}) })) as [DeclaredMember, DeclaredMember];
    const roles = orderCarpPair(declared, this.group.order);
    [this.master, this.backup] = [args.members[roles.master].gateway, args.members[roles.backup].gateway];
    if (args.external !== undefined && !args.segments.some((s) => s.interface === args.external))
      throw argError(label, "external", args.external, "no segment has this carp interface", `name one of ${args.segments.map((s) => s.interface).join(", ")}`);
    const external =
      args.external ?? args.segments.find((s) => s.carpdev === a.gateway.externalInterface)?.interface ?? "";
    if (!external) throw argError(label, "external", "(none)", `no segment's carpdev is the egress interface ${a.gateway.externalInterface}`, "name the external carp interface with `external`");
    // each argument is checked by itself when it resolves: at preview one not known yet holds back no check of the others
    // (hostname.carpN is written `inet ADDR MASK … vhid …`: an IPv4 address; an IPv6 one crashed the renderer)
    const addrs = pulumi.all(args.segments.map((s, i) => pulumi.output(s.address).apply((v) => ifAddress(label, `segments[${i}].address`, v, 24, 4))));
    const pws = pulumi.all(args.segments.map((s, i) => (s.password === undefined ? pulumi.output(undefined) : pulumi.secret(s.password).apply((v) => takeOpt(label, `segments[${i}].password`, v, carpPassword, { secret: true })))));
    const syncs = pulumi.all([a.syncAddress, b.syncAddress].map((v, i) => pulumi.output(v).apply((x) => take(label, `members[${i}].syncAddress`, x, hostAddress()))));
    const sharedkey = pulumi.secret(args.sharedkey).apply((v) => take(label, "sharedkey", v, sasyncdKey, { secret: true }));
    const spec: pulumi.Output<CarpPairSpec> = pulumi
      .all([addrs, pws, syncs, sharedkey])
      .apply(([addrs, pws, syncs, key]) => ({
        name,
        members: [
          { ...declared[0], syncAddress: syncs[0]! },
          { ...declared[1], syncAddress: syncs[1]! },
        ].map((m, i, all) => {
          if (i === 1 && m.syncAddress === all[0]!.syncAddress) throw argError(label, "members[1].syncAddress", m.syncAddress, "also members[0].syncAddress: each member's sasyncd would name itself as its peer", "give each member its own address, e.g. its address on the internal network");
          return m;
        }) as CarpPairSpec["members"],
        segments: args.segments.map((s, i) => ({
          interface: s.interface,
          carpdev: s.carpdev,
          address: addrs[i]!,
          vhid: s.vhid,
          ...(pws[i] !== undefined ? { password: pws[i] } : {}),
          ...(s.advbase !== undefined ? { advbase: s.advbase } : {}),
        })),
        external,
        ...(args.pfsync ? { pfsyncDev: args.pfsync.syncdev } : {}),
        sharedkey: key,
        preempt: args.preempt ?? true,
        ...(args.flushmode ? { flushmode: args.flushmode } : {}),
      }));
    this.group.add("pairs", { label, spec }, args);
    this.registerOutputs({});
  }
}

/** A member as the user declared it (the planner applies the defaults). */
type DeclaredMember = Pick<CarpMemberSpec, "gateway" | "advskew">;

/** The pair of each gateway (a gateway has one sasyncd.conf and one set of carp interfaces: one pair). */
const pairOf = new WeakMap<Gateway, string>();

/** The plain arguments of a CarpPair, checked when it is declared. */
function checkPairArgs(label: string, args: CarpPairArgs): void {
  if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ members, segments, sharedkey }`");
  listArg(label, "members", args.members, "[{ gateway: gw1a, syncAddress: \"172.16.0.2\" }, …]");
  if (!Array.isArray(args.members) || args.members.length !== 2) throw argError(label, "members", String(args.members?.length ?? "(none)"), "a pair has exactly two members", "pass two `{ gateway, syncAddress }`");
  args.members.forEach((m, i) => {
    if (!m || !(m.gateway instanceof Gateway)) throw argError(label, `members[${i}].gateway`, notANode(m?.gateway), "not a Gateway", "pass a Gateway declared in this program");
    need(label, `members[${i}].syncAddress`, m.syncAddress, "give the member's address the other uses for sasyncd, e.g. `172.16.0.2`");
    if (m.advskew !== undefined) take(label, `members[${i}].advskew`, m.advskew, integer("advskew", 0, 254, "use 0 for the master and e.g. 100 for the backup"));
  });
  if (args.members[0].gateway === args.members[1].gateway) throw argError(label, "members", args.members[0].gateway.gatewayName, "a pair needs two different gateways", "pass two Gateways");
  need(label, "sharedkey", args.sharedkey, "give 64 hex digits, e.g. `cfg.requireSecret(\"sasyncdKey\")` from `openssl rand -hex 32`");
  listArg(label, "segments", args.segments, '[{ interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }]');
  if (!Array.isArray(args.segments) || args.segments.length === 0) throw argError(label, "segments", Array.isArray(args.segments) ? "[]" : "(none)", "a pair shares at least one address", "give `segments: [{ interface: \"carp2\", carpdev: \"em1\", address, vhid }]`");
  const seen = new Set<string>();
  const vhids = new Map<string, number>();
  args.segments.forEach((s, i) => {
    const iface = take(label, `segments[${i}].interface`, s?.interface, interfaceOf("carp"));
    if (seen.has(iface)) throw argError(label, `segments[${i}].interface`, iface, "two segments use this interface", "one carp interface per segment");
    seen.add(iface);
    const dev = take(label, `segments[${i}].carpdev`, s.carpdev, interfaceName);
    const vhid = take(label, `segments[${i}].vhid`, s.vhid, integer("a vhid", 1, 255, "choose a vhid in 1–255, unique on the segment"));
    // the kernel keeps one carp interface per vhid on a carpdev: the second `ifconfig carpN vhid` fails at apply
    const twin = vhids.get(`${dev} ${vhid}`);
    if (twin !== undefined) throw argError(label, `segments[${i}].vhid`, String(vhid), `segments[${twin}] has this vhid on the same carpdev ${dev} (ifconfig: vhid already in use)`, "give each segment on one carpdev its own vhid");
    vhids.set(`${dev} ${vhid}`, i);
    if (s.advbase !== undefined) take(label, `segments[${i}].advbase`, s.advbase, integer("advbase", 0, 254));
    need(label, `segments[${i}].address`, s.address, "give the shared address with its prefix, e.g. `192.0.2.153/24`");
  });
  if (args.pfsync) take(label, "pfsync.syncdev", args.pfsync.syncdev, interfaceName);
  boolArg(label, "preempt", args.preempt);
  if (args.flushmode !== undefined) take(label, "flushmode", args.flushmode, oneOf(["sync", "startup", "never"] as const));
  args.members.forEach((m, i) => {
    const other = pairOf.get(m.gateway);
    if (other !== undefined && other !== label)
      throw argError(label, `members[${i}].gateway`, m.gateway.gatewayName, `Gateway "${m.gateway.gatewayName}" is already a member of ${other}: a gateway has one sasyncd.conf, the second pair would overwrite the first's`, "put each gateway in one CarpPair (share more addresses with more `segments`)");
  });
  for (const m of args.members) pairOf.set(m.gateway, label);
}
