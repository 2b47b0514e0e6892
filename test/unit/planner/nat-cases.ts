/**
 * The NAT topologies of test/unit/planner/nat.test.ts (and the fixtures under test/fixtures/oracle named
 * `planner-nat-*`, which are these cases' rendered files as OpenBSD's own parsers judged them): gw1 behind a
 * NAT router that masquerades its egress 10.0.0.2 as 198.51.100.2 (the lab's `nat` topology), gw2 on the
 * Internet at the guide's 192.0.123.85.
 */
import type { GatewaySpec, Topology, TunnelSpec } from "../../../sdk/planner/spec";
import { gw, topo, tunnel } from "./fixtures";

export const NAT_PUBLIC = "198.51.100.2";

export function natGw1(more: Partial<GatewaySpec> = {}, forwardsIke = false): GatewaySpec {
  const g = gw("gw1", "10.0.0.2", "172.16.0.0/24", more);
  g.external.nat = { publicAddress: NAT_PUBLIC, forwardsIke };
  return g;
}

export const gw2 = (more: Partial<GatewaySpec> = {}) => gw("gw2", "192.0.123.85", "192.168.15.0/24", more);

/** isakmpd with a PSK, gw1 behind NAT. */
export const isakmpdBehindNat = (t: Partial<TunnelSpec> = {}): Topology => topo({ gateways: [natGw1(), gw2()], tunnels: [tunnel(t)] });

/** iked with public keys, gw1 behind NAT, gw2 passive. */
export const ikedBehindNat = (): Topology =>
  topo({
    gateways: [natGw1({ ike: "iked" }), gw2({ ike: "iked" })],
    tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "publickey" } }, right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "passive", rules: [] } })],
  });

/** gw1's network translated into 10.99.0.1 on enc0 (seeds/001's reader), gw2 passing what it gets by tag. */
export const natToEnc0 = (daemon: "isakmpd" | "iked" = "isakmpd"): Topology =>
  topo({
    gateways: [natGw1({ ike: daemon }), gw2({ ike: daemon })],
    tunnels: [tunnel({
      enc0: "filter",
      ...(daemon === "iked" ? { keying: { kind: "ike", auth: { kind: "publickey" } } } : {}),
      left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [], natTo: "10.99.0.1" },
      right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "passive", rules: [], tag: "from-net1" },
    })],
  });
