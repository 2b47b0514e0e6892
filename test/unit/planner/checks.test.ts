/**
 * Every check that needs both ends runs in the planner, before any SSH; each error names the resources,
 * the fields, the values and the fix. Messages asserted word for word. PSKs appear only as keyed fingerprints.
 */
import { describe, expect, it } from "vitest";
import { planTopology, PlanError } from "../../../sdk/planner/index";
import { FP_KEY, gw, gw1, gw2, PSK, topo, tunnel } from "./fixtures";
import type { CarpPairSpec } from "../../../sdk/planner/spec";

function messageOf(t: Parameters<typeof planTopology>[0]): string {
  try {
    planTopology(t, { fingerprintKey: FP_KEY });
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    return (e as Error).message;
  }
  throw new Error("planned without error");
}

const pair = (over: Record<string, unknown> = {}): CarpPairSpec => ({ name: "gw1", members: [{ gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2" }, { gateway: "gw1b", advskew: 100, syncAddress: "172.16.0.3" }],
  segments: [{ interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1, password: "p1" }, { interface: "carp2", carpdev: "em1", address: { address: "192.0.2.153", prefix: 24 }, vhid: 2, password: "p2" }],
  external: "carp2", sharedkey: "ab".repeat(32), preempt: true, ...over }) as CarpPairSpec;
const base = () => [gw("gw1a", "192.0.2.154", "172.16.0.0/24"), gw("gw1b", "192.0.2.155", "172.16.0.0/24"), gw("gw3a", "192.0.2.156", "172.16.0.0/24"), gw("gw3b", "192.0.2.157", "172.16.0.0/24"), gw2()];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const cases: Record<string, any> = {
  mirror: topo({ tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], remoteNetworks: ["192.168.16.0/24"], mode: "active", rules: [] } })] }),
  psk: topo({ tunnels: [tunnel({ right: { node: "gw2", networks: ["192.168.15.0/24"], psk: "other", mode: "active", rules: [] } })] }),
  peer: topo({ tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], peer: "192.0.123.86", mode: "active", rules: [] } })] }),
  daemon: topo({ gateways: [gw1(), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" })] }),
  family: topo({ tunnels: [tunnel({ right: { node: "gw2", networks: ["2001:db8:15::/64"], mode: "active", rules: [] } })] }),
  overlap: topo({ tunnels: [tunnel({ right: { node: "gw2", networks: ["172.16.0.0/16"], mode: "active", rules: [] } })] }),
  transform: topo({ tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "psk", psk: PSK }, phase2: { enc: "blowfsh" } } })] }),
  pubkey: topo({ tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "publickey" } }, left: { node: "gw1", networks: ["172.16.0.0/24"], dstid: "gw2.example.org", mode: "active", rules: [] } })] }),
  pubkeyId: topo({ tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "publickey" } }, right: { node: "gw2", networks: ["192.168.15.0/24"], srcid: "../gw2", mode: "active", rules: [] } })] }),
  manual: topo({ tunnels: [tunnel({ keying: { kind: "manual", keys: { spi: { leftToRight: 0xdeadbeef, rightToLeft: 0xfeedbeef }, auth: "hmac-sha2-256", enc: "aes", authkey: { leftToRight: "ab".repeat(32), rightToLeft: "ab".repeat(20) }, enckey: { leftToRight: "cd".repeat(16), rightToLeft: "cd".repeat(40) } } } })] }),
  twoTunnels: topo({ gateways: [gw1(), gw2(), gw("gw3", "198.51.100.1", "192.168.15.0/25")], tunnels: [tunnel(), tunnel({ name: "net1-net3", right: { node: "gw3", networks: ["192.168.15.0/25"], mode: "active", rules: [] } })] }),

  vhidPair: topo({ gateways: base(), tunnels: [], pairs: [pair({ members: [{ gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2", vhids: { carp2: 3 } }, { gateway: "gw1b", advskew: 100, syncAddress: "172.16.0.3" }] })] }),
  passPair: topo({ gateways: base(), tunnels: [], pairs: [pair({ members: [{ gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2" }, { gateway: "gw1b", advskew: 100, syncAddress: "172.16.0.3", passwords: { carp1: "other" } }] })] }),
  vhidSeg: topo({ gateways: base(), tunnels: [], pairs: [pair(), pair({ name: "gw3", members: [{ gateway: "gw3a", advskew: 0, syncAddress: "172.16.0.4" }, { gateway: "gw3b", advskew: 100, syncAddress: "172.16.0.5" }], segments: [{ interface: "carp3", carpdev: "em1", address: { address: "192.0.2.160", prefix: 24 }, vhid: 2 }], external: "carp3" })] }),
  key: topo({ gateways: base(), tunnels: [], pairs: [pair({ sharedkey: "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc" })] }),
  skew: topo({ gateways: base(), tunnels: [], pairs: [pair({ members: [{ gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2" }, { gateway: "gw1b", advskew: 0, syncAddress: "172.16.0.3" }] })] }),
  carpPeer: topo({ gateways: base(), pairs: [pair()], tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [] }, right: { node: "gw2", networks: ["192.168.15.0/24"], peer: "192.0.2.154", mode: "active", rules: [] } })] }),
  gifFam: topo({ tunnels: [], links: [{ name: "g", kind: "gif", outer: 6, left: { node: "gw1", interface: "gif0", inner: { address: "10.9.0.1", prefix: 32 }, role: "gif" }, right: { node: "gw2", interface: "gif0", inner: { address: "10.9.0.2", prefix: 32 }, role: "gif" }, ipsec: { kind: "none" } }] }),
  gifKeys: topo({ tunnels: [], links: [{ name: "g", kind: "gif", outer: 4, left: { node: "gw1", interface: "gif0", inner: { address: "10.9.0.1", prefix: 32 }, role: "gif" }, right: { node: "gw2", interface: "gif0", inner: { address: "10.9.0.2", prefix: 32 }, role: "gif" }, ipsec: { kind: "manual", keys: { spi: { leftToRight: 100, rightToLeft: 0x1000 }, auth: "hmac-sha2-256", enc: "aes-256", authkey: { leftToRight: "ab".repeat(32), rightToLeft: "ab".repeat(32) }, enckey: { leftToRight: "ab".repeat(16), rightToLeft: "ab".repeat(32) } } } }] }),
  anchorVpn: topo({ anchors: [{ name: "vpn", gateway: "gw1", rules: [] }] }),
};

const expected: Record<string, string> = {
  "mirror": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.remoteNetworks, right.networks = 192.168.16.0/24 ≠ 192.168.15.0/24: the selectors are not mirrored: the ends would propose different flows and phase 2 never completes; set left.remoteNetworks to 192.168.15.0/24 (or remove it)",
  "psk": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.psk, right.psk = fp:bc7b449f1b54 ≠ fp:bec8c1793e30: the pre-shared keys differ (keyed fingerprints shown); use one `psk` for the tunnel",
  "peer": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.peer = 192.0.123.86: it is not Gateway \"gw2\"'s egress address 192.0.123.85; set left.peer to 192.0.123.85 or remove it",
  "daemon": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left ike, right ike = isakmpd, iked: isakmpd speaks IKEv1 and iked IKEv2: the ends cannot negotiate; set the tunnel's `ike` (or both gateways' `ike`) to the same daemon",
  "family": "2 problems in the declared topology:\n- SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.networks, right.networks = 172.16.0.0/24, 2001:db8:15::/64: 172.16.0.0/24 is IPv4 and the right end protects no IPv4 network; pair each network with one of the same family on the other end\n- SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.networks, right.networks = 172.16.0.0/24, 2001:db8:15::/64: 2001:db8:15::/64 is IPv6 and the left end protects no IPv6 network; pair each network with one of the same family on the other end",
  "overlap": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.networks, right.networks = 172.16.0.0/24, 172.16.0.0/16: the protected networks overlap: traffic between them would never enter the tunnel; renumber one side or narrow the networks",
  "transform": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": quick.enc = blowfsh: unknown transform; use one of 3des-cbc, aes, aes-128, aes-192, aes-256, aesctr, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast128, chacha20-poly1305, null",
  "pubkey": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": left.dstid = gw2.example.org: Gateway \"gw2\" presents the identity 192.0.123.85 (its address): phase 1 would fail with an unexpected ID; set left.dstid to 192.0.123.85, or set the other end's srcid to gw2.example.org",
  "pubkeyId": "SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": right.srcid = ../gw2: with public keys or certificates the identity names a file (pubkeys/TYPE/ID, certs/ID.crt) and a certificate's SubjectAltName: it cannot hold `/` or start or end with `.`; use an FQDN (`gw1.example.org`), `user@fqdn` or an address",
  "manual": "2 problems in the declared topology:\n- SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": manual.authkey.rightToLeft = (secret, 20 bytes): hmac-sha2-256 needs a 32-byte key; give 64 hex digits, e.g. from `openssl rand -hex 32`, or omit the keys to have them derived\n- SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\", Gateway \"gw2\": manual.enckey.rightToLeft = (secret, 40 bytes): aes needs a 16–32-byte key; give 32–64 hex digits, or omit the keys to have them derived",
  "twoTunnels": "SiteToSiteTunnel \"net1-net3\", SiteToSiteTunnel \"net1-net2\", Gateway \"gw1\": networks = 192.168.15.0/25, 192.168.15.0/24: both tunnels of Gateway \"gw1\" protect overlapping remote networks; route each remote network through one tunnel",
  "vhidPair": "CarpPair \"gw1\", Gateway \"gw1a\", Gateway \"gw1b\": gw1a.vhids.carp2 = 3 ≠ 2: the members would advertise different virtual hosts and both become MASTER; use vhid 2 on both members",
  "passPair": "CarpPair \"gw1\", Gateway \"gw1a\", Gateway \"gw1b\": gw1b.passwords.carp1 = (secret): the carp passwords differ: advertisements fail their HMAC and both members become MASTER; use one `password` per segment",
  "vhidSeg": "CarpPair \"gw3\", CarpPair \"gw1\": segments[carp3].vhid = 2: CarpPair \"gw1\" already uses vhid 2 on this segment (carp2); choose a vhid unused on the segment",
  "key": "CarpPair \"gw1\": sharedkey = (secret, 61 hex digits): sasyncd needs an AES key of 16, 24 or 32 bytes; give 32, 48 or 64 hex digits, e.g. from `openssl rand -hex 32`",
  "skew": "CarpPair \"gw1\", Gateway \"gw1a\", Gateway \"gw1b\": advskew = 0, 0: equal advskew leaves the choice of master to chance; give the intended master the lower advskew (e.g. 0 and 100)",
  "carpPeer": "SiteToSiteTunnel \"net1-net2\", CarpPair \"gw1\", Gateway \"gw2\": right.peer = 192.0.2.154: it is not CarpPair \"gw1\"'s CARP address 192.0.2.153; set right.peer to 192.0.2.153 or remove it",
  "gifFam": "2 problems in the declared topology:\n- GifTunnel \"g\", Gateway \"gw1\", Gateway \"gw2\": left.outer = (none): Gateway \"gw1\" has no IPv6 external address; give `left.outer` or the gateway's external IPv6 address\n- GifTunnel \"g\", Gateway \"gw1\", Gateway \"gw2\": right.outer = (none): Gateway \"gw2\" has no IPv6 external address; give `right.outer` or the gateway's external IPv6 address",
  "gifKeys": "2 problems in the declared topology:\n- GifTunnel \"g\", Gateway \"gw1\", Gateway \"gw2\": ipsec.spi.leftToRight = 100: an SPI is 256–0xfffffffe (0–255 are reserved); choose another SPI\n- GifTunnel \"g\", Gateway \"gw1\", Gateway \"gw2\": ipsec.enckey.leftToRight = (secret, 16 bytes): aes-256 needs a 32-byte key; give 64 hex digits, or omit the keys to have them derived",
  "anchorVpn": "PfAnchor \"vpn\", Gateway \"gw1\": name = vpn: `vpn` is the anchor the tunnels' rules are generated into; choose another anchor name"
};

describe("planner checks (word for word)", () => {
  for (const [name, msg] of Object.entries(expected)) {
    it(name, () => {
      expect(messageOf(cases[name])).toBe(msg);
    });
  }
  it("never shows the PSK, only fingerprints that are equal for equal keys", () => {
    const m = messageOf(cases.psk);
    expect(m).not.toContain(PSK);
    expect(m).not.toContain("other");
    expect(m).toMatch(/fp:[0-9a-f]{12} ≠ fp:[0-9a-f]{12}/);
  });
  it("reports every problem at once", () => {
    const t = topo({ gateways: [gw1(), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" })], tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], peer: "192.0.123.86", mode: "active", rules: [] } })] });
    expect(messageOf(t).split("\n")[0]).toBe("2 problems in the declared topology:");
  });
});
