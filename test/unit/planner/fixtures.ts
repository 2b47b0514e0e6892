/** Builders of planner topologies with the guides' addresses (seeds/000). */
import type { GatewaySpec, Topology, TunnelSpec } from "../../../sdk/planner/spec";

export const PSK = "204931646879ae1265a7d0437a51cc08fe8d7484";
export const FP_KEY = "unit-test-key";

export function gw(name: string, ext: string, net: string, more: Partial<GatewaySpec> = {}): GatewaySpec {
  return {
    name,
    external: { interface: "em1", address: { address: ext, prefix: 24 }, configure: false },
    internal: [{ interface: "em0", network: net, configure: false }],
    ike: "isakmpd",
    forwarding: { ipv4: 1, ipv6: 0 },
    sysctls: {},
    services: {},
    pfPolicy: "pass",
    pfSkip: [],
    extraInterfaces: [],
    keySeed: `seed-${name}`,
    ...more,
  };
}

export const gw1 = () => gw("gw1", "192.0.2.153", "172.16.0.0/24");
export const gw2 = () => gw("gw2", "192.0.123.85", "192.168.15.0/24");

/** The guide's tunnel: main hmac-sha2-256/blowfish, quick hmac-sha2-384/blowfish, PSK. */
export function tunnel(more: Partial<TunnelSpec> = {}): TunnelSpec {
  return {
    name: "net1-net2",
    left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [] },
    right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [] },
    keying: { kind: "ike", auth: { kind: "psk", psk: PSK }, phase1: { auth: "hmac-sha2-256", enc: "blowfish" }, phase2: { auth: "hmac-sha2-384", enc: "blowfish" } },
    satype: "esp",
    policies: [],
    enc0: "skip",
    ...more,
  };
}

export function topo(more: Partial<Topology> = {}): Topology {
  return { gateways: [gw1(), gw2()], tunnels: [tunnel()], pairs: [], anchors: [], links: [], ...more };
}

/** Normalises a config text for line-for-line comparison: continuations joined, whitespace collapsed. */
export function lines(text: string): string[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
