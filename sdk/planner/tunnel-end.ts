/** What a tunnel's planners share: its two ends, and one end's contribution to one gateway. */
import type { Acc, Node } from "./acc";
import type { IpNet } from "../model/address/index";
import type { GatewaySpec, IkeDaemon, ManualKeys, NatSpec, PolicySpec, TunnelEndSpec, TunnelSpec } from "./spec";

/** One end of a tunnel, resolved. */
export interface EndCtx {
  spec: TunnelEndSpec;
  node: Node;
  nets: IpNet[];
  /** This end's egress/CARP address: its own endpoint (`local`, the pf rules on its egress). */
  address: string;
  /** The address the other end reaches this end at (its `peer`): the NAT's public address behind NAT, else `address`. */
  reach: string;
  /** The networks as the other end sees them: `[natTo]` when this end translates them on enc0, else `nets`. */
  wire: IpNet[];
  daemon?: IkeDaemon;
}

/** A tunnel whose ends are resolved. */
export interface TunnelCtx {
  tun: TunnelSpec;
  /** `SiteToSiteTunnel "name"`. */
  label: string;
  /** The tunnel's and both nodes' labels (the resources of an error about both ends). */
  both: string[];
  L: EndCtx;
  R: EndCtx;
  /** Address family of the outer (peer) addresses. */
  family: 4 | 6;
  /** A manually keyed tunnel's keys: the given ones, the others derived once from both ends' key seeds. */
  manual?: ManualKeys;
}

/** One end's contribution to one gateway of its node (both members of a pair get the same). */
export interface EndOnGateway {
  t: TunnelCtx;
  acc: Acc;
  g: GatewaySpec;
  me: EndCtx;
  other: EndCtx;
  side: "left" | "right";
  /** True on the right end: it sees the policies mirrored. */
  flip: boolean;
  /** `local`: the end's own, or the CARP address on a pair. */
  local: string | undefined;
  /** The other end's address as this end reaches it (its egress or CARP address, or its NAT's public address). */
  peer: string;
  /** The tunnel's and this gateway's labels. */
  label: string[];
}

/** The ends of a tunnel as (me, other) pairs, left first. */
export function endPairs(t: TunnelCtx): [EndCtx, EndCtx, "left" | "right", boolean][] {
  return [[t.L, t.R, "left", false], [t.R, t.L, "right", true]];
}

/** The port of a policy on the `from` or `to` side of one end's rule (the right end sees the policy mirrored). */
export function portOf(p: PolicySpec, flip: boolean, side: "from" | "to"): number | undefined {
  const leftFrom = p.localPort;
  const leftTo = p.port;
  if (!flip) return side === "from" ? leftFrom : leftTo;
  return side === "from" ? leftTo : leftFrom;
}

/** A node's egress address of a family: a pair's external CARP address, or the gateway's external address. */
export function egressOf(node: Node, family: 4 | 6): string | undefined {
  if (node.kind === "pair") return node.ext.address.address.includes(":") === (family === 6) ? node.ext.address.address : undefined;
  const e = node.gateways[0]!.external;
  return (family === 4 ? e.address : e.address6)?.address;
}

/** The NAT in front of a node's egress, for IPv4 peers: a plain gateway's `external.nat` (pairs have none). */
export function natOf(node: Node, family: 4 | 6): NatSpec | undefined {
  return node.kind === "gateway" && family === 4 ? node.gateways[0]!.external.nat : undefined;
}
