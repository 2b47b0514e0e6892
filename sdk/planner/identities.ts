/**
 * The IKE identities of each tunnel's two ends, as the daemons will use them: what a user needs to
 * configure a peer by hand, or to read `ipsecctl -sa`/`ikectl show sa` output.
 *
 * Rules (ipsec.conf(5) `srcid`, iked.conf(5) `srcid`): an explicit `srcid` is the identity; otherwise
 * isakmpd uses the address of the local endpoint (`local`, else the egress or CARP address, also behind
 * NAT), iked with public keys uses the address its peer knows it by (the egress address, or behind NAT the
 * NAT's public address; the planner writes it as `srcid`, the peer's key is installed under pubkeys/ipv4/ADDR), and iked with a PSK uses the host's fully qualified name (`fqdn`: not known
 * to the planner). Manually keyed tunnels have no IKE identity; their SAs are named by address.
 * Pure; expects a topology the planner accepted.
 */
import type { CarpPairSpec, GatewaySpec, IkeDaemon, Topology, TunnelEndSpec, TunnelSpec } from "./spec";

/** One end's identity. */
export interface EndIdentity {
  /** The Gateway or CarpPair name of this end. */
  node: string;
  /** The outer address of this end as its peer sees it (the other end's `peer`): its egress address, the CARP address of a pair, or the NAT's public address of a gateway behind NAT. */
  address: string;
  /** How the identity is chosen: `srcid` (given), `address` (the local endpoint's address), `fqdn` (iked's default: the host name), `none` (manual keying). */
  kind: "srcid" | "address" | "fqdn" | "none";
  /** The identity: the `srcid`, or the address; absent for `fqdn` (the host's name) and `none`. */
  id?: string;
}

/** Both ends of one tunnel. */
export interface TunnelIdentities {
  left: EndIdentity;
  right: EndIdentity;
}

function egress(t: Topology, node: string, family: 4 | 6): string | undefined {
  const pair: CarpPairSpec | undefined = t.pairs.find((p) => p.name === node);
  if (pair) {
    const a = pair.segments.find((s) => s.interface === pair.external)?.address.address;
    return a !== undefined && a.includes(":") === (family === 6) ? a : undefined;
  }
  const g: GatewaySpec | undefined = t.gateways.find((x) => x.name === node);
  return (family === 4 ? g?.external.address : g?.external.address6)?.address;
}

function daemonOf(t: Topology, tun: TunnelSpec, end: TunnelEndSpec): IkeDaemon {
  if (tun.keying.kind === "ike" && tun.keying.daemon) return tun.keying.daemon;
  const pair = t.pairs.find((p) => p.name === end.node);
  const gw = t.gateways.find((g) => g.name === (pair ? pair.members[0].gateway : end.node));
  return gw?.ike ?? "isakmpd";
}

function endIdentity(t: Topology, tun: TunnelSpec, end: TunnelEndSpec, egressAddress: string, family: 4 | 6): EndIdentity {
  // behind NAT (tunnel-nat.ts) the peer sees the NAT's public address; isakmpd still sends its own address as ID
  const nat = family === 4 ? t.gateways.find((g) => g.name === end.node)?.external.nat : undefined;
  const address = nat?.publicAddress ?? egressAddress;
  const base = { node: end.node, address };
  if (tun.keying.kind === "manual") return { ...base, kind: "none" };
  if (end.srcid) return { ...base, kind: "srcid", id: end.srcid };
  const daemon = daemonOf(t, tun, end);
  if (daemon === "iked") return tun.keying.auth.kind !== "psk" ? { ...base, kind: "address", id: address } : { ...base, kind: "fqdn" };
  return { ...base, kind: "address", id: end.local ?? egressAddress };
}

/** The identities of every tunnel of a topology, by tunnel name. */
export function tunnelIdentities(t: Topology): Record<string, TunnelIdentities> {
  const out: Record<string, TunnelIdentities> = {};
  for (const tun of t.tunnels) {
    const family: 4 | 6 = egress(t, tun.left.node, 4) && egress(t, tun.right.node, 4) ? 4 : 6;
    out[tun.name] = {
      left: endIdentity(t, tun, tun.left, egress(t, tun.left.node, family) ?? "", family),
      right: endIdentity(t, tun, tun.right, egress(t, tun.right.node, family) ?? "", family),
    };
  }
  return out;
}
