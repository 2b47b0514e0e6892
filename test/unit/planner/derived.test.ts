/**
 * What the planner works out from what the user gave (issue 14): manual SA keys derived from both ends'
 * key seeds (a pair: its first member's) and listed as secrets; a CARP pair's advskew defaults, roles and
 * apply order; a WireGuard hub's routed networks.
 */
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/index";
import { resolveManualKeys } from "../../../sdk/planner/manual-keys";
import { carpRoles, orderCarpPair } from "../../../sdk/planner/carp";
import { hubNetworks } from "../../../sdk/planner/wireguard";
import type { CarpPairSpec, Topology } from "../../../sdk/planner/spec";
import { FP_KEY, gw, gw2, topo, tunnel } from "./fixtures";

const plan = (t: Topology) => planAndRender(t, { fingerprintKey: FP_KEY });
const pair = (members: CarpPairSpec["members"]): CarpPairSpec => ({
  name: "gw1",
  members,
  segments: [
    { interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1 },
    { interface: "carp2", carpdev: "em1", address: { address: "192.0.2.153", prefix: 24 }, vhid: 2 },
  ],
  external: "carp2",
  sharedkey: "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab",
  preempt: true,
});
const carpTopo = (more: Partial<Topology> = {}): Topology =>
  topo({
    gateways: [gw("gw1a", "192.0.2.154", "172.16.0.0/24"), gw("gw1b", "192.0.2.155", "172.16.0.0/24"), gw2()],
    tunnels: [],
    pairs: [pair([{ gateway: "gw1a", syncAddress: "172.16.0.2" }, { gateway: "gw1b", syncAddress: "172.16.0.3" }])],
    ...more,
  });

describe("manual SA keys derived by the planner", () => {
  it("keys not given are derived from both gateways' seeds, written to ipsec.conf (0600) and listed as secrets", () => {
    const s = plan(topo({ tunnels: [tunnel({ keying: { kind: "manual", keys: { spi: { leftToRight: 0xdeadbeef, rightToLeft: 0xfeedbeef } } } })] })).states;
    const k = resolveManualKeys("net1-net2", {}, "seed-gw1", "seed-gw2");
    expect(s.gw1!.files["/etc/ipsec.conf"]!.content).toBe(
      "flow esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85\n" +
        `esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes authkey 0x${k.authkey.leftToRight}:0x${k.authkey.rightToLeft} enckey 0x${k.enckey.leftToRight}:0x${k.enckey.rightToLeft}\n`,
    );
    expect(k.authkey.leftToRight).toMatch(/^[0-9a-f]{64}$/);
    expect(k.enckey.rightToLeft).toMatch(/^[0-9a-f]{64}$/);
    for (const g of ["gw1", "gw2"]) {
      expect(s[g]!.files["/etc/ipsec.conf"]!.mode).toBe("0600");
      expect(s[g]!.secrets).toEqual([k.authkey.leftToRight, k.authkey.rightToLeft, k.enckey.leftToRight, k.enckey.rightToLeft].sort());
    }
  });

  it("given keys are kept (without `0x`, lower case); on a pair both members hold the keys derived from the first member's seed", () => {
    const given = { authkey: { leftToRight: "0x" + "AB".repeat(32), rightToLeft: "cd".repeat(32) } };
    const t = carpTopo({ tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [] }, keying: { kind: "manual", keys: given } })] });
    const s = plan(t).states;
    const k = resolveManualKeys("net1-net2", given, "seed-gw1a", "seed-gw2");
    expect(k.authkey).toEqual({ leftToRight: "ab".repeat(32), rightToLeft: "cd".repeat(32) });
    const sa = `spi 0x${k.spi.leftToRight.toString(16)}:0x${k.spi.rightToLeft.toString(16)} auth hmac-sha2-256 enc aes authkey 0x${"ab".repeat(32)}:0x${"cd".repeat(32)} enckey 0x${k.enckey.leftToRight}:0x${k.enckey.rightToLeft}\n`;
    for (const g of ["gw1a", "gw1b"]) expect(s[g]!.files["/etc/ipsec.conf"]!.content.endsWith(sa)).toBe(true);
    expect(s.gw2!.secrets).toEqual(expect.arrayContaining([k.enckey.leftToRight, k.enckey.rightToLeft, "ab".repeat(32)]));
  });
});

describe("CARP roles, defaults and order in the planner", () => {
  it("without advskew the first member is the master (advskew 0) and the second the backup (advskew 100)", () => {
    const r = plan(carpTopo());
    expect(r.dependsOn).toEqual({ gw1a: ["gw1b"] });
    expect(r.states.gw1a!.files["/etc/hostname.carp1"]!.content).toContain(" advskew 0");
    expect(r.states.gw1b!.files["/etc/hostname.carp1"]!.content).toContain(" advskew 100");
  });

  it("the lower advskew is the master, whatever the order; the apply order is recorded once, when decided", () => {
    const order = new Map<string, string[]>();
    expect(orderCarpPair([{ gateway: "b", advskew: 100 }, { gateway: "a", advskew: 0 }], order)).toEqual({ master: 1, backup: 0 });
    expect(orderCarpPair([{ gateway: "c", advskew: 5 }, { gateway: "d", advskew: 5 }], order)).toEqual({ master: 0, backup: 1 });
    expect([...order]).toEqual([["a", ["b"]]]);
    expect(carpRoles([{ advskew: 200 }, {}])).toEqual({ master: 1, backup: 0, decided: true });
  });
});

describe("a WireGuard hub's routed networks", () => {
  const internal = (n: string) => ({ h: ["10.1.0.0/24"], s1: ["10.2.0.0/24"], s2: ["10.3.0.0/24"] })[n] ?? [];
  const h = { node: "h", inner: "10.8.0.1/24" };
  const s2 = { node: "s2", inner: "10.8.0.3/24" };
  it("the hub's and, by default, the other spokes' inner addresses and internal networks; given networks replace them", () => {
    expect(hubNetworks({ hub: h, others: [s2] }, internal)).toEqual(["10.8.0.1", "10.1.0.0/24", "10.8.0.3", "10.3.0.0/24"]);
    expect(hubNetworks({ hub: h, others: [{ ...s2, networks: ["192.168.3.0/24"] }] }, internal)).toEqual(["10.8.0.1", "10.1.0.0/24", "192.168.3.0/24"]);
  });
  it("without spoke-to-spoke routing only the hub's", () => {
    expect(hubNetworks({ hub: h, others: [s2], spokeToSpoke: false }, internal)).toEqual(["10.8.0.1", "10.1.0.0/24"]);
  });
});
