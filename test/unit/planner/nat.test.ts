/**
 * NAT traversal (issue 12 item 2; planner/tunnel-nat.ts): a gateway behind a NAT router, and NAT of tunnel
 * traffic on enc0. The rendered files are exactly the `planner-nat-*` cases of test/fixtures/oracle, which
 * OpenBSD's own ipsecctl, iked and pfctl accepted (scripts/record-oracle.sh); the both-end mistakes are
 * refused at preview with the messages a user reads.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planAndRender, planTopology, PlanError } from "../../../sdk/planner/index";
import { tunnelIdentities } from "../../../sdk/planner/identities";
import { parseIpsecConf, renderIpsecConf } from "../../../sdk/model/ipsec/index";
import { renderIkedConf } from "../../../sdk/model/iked/index";
import { FP_KEY, gw, lines, PSK, topo, tunnel } from "./fixtures";
import { gw2, ikedBehindNat, isakmpdBehindNat, NAT_PUBLIC, natGw1, natToEnc0 } from "./nat-cases";

const FIXTURES = fileURLToPath(new URL("../../fixtures/oracle", import.meta.url));
const fixture = (tool: string, name: string) => readFileSync(`${FIXTURES}/${tool}/${name}.conf`, "utf8");
/** The oracle accepted the fixture: exit 0 and nothing on stderr (iked: only its echo and `configuration OK`). */
const accepted = (tool: string, name: string) => {
  expect(readFileSync(`${FIXTURES}/${tool}/${name}.rc`, "utf8").trim()).toBe("0");
  if (tool !== "iked") expect(readFileSync(`${FIXTURES}/${tool}/${name}.err`, "utf8")).toBe("");
};
const render = (t: Parameters<typeof planAndRender>[0]) => planAndRender(t, { fingerprintKey: FP_KEY }).states;

function error(t: Parameters<typeof planTopology>[0]): string {
  try {
    planTopology(t, { fingerprintKey: FP_KEY });
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    return (e as Error).message;
  }
  throw new Error("planned without error");
}

describe("a gateway behind NAT", () => {
  it("isakmpd: the peer names the NAT's public address; both ends pass udp 500 and 4500 and esp; ESP-in-UDP pinned on", () => {
    const s = render(isakmpdBehindNat());
    for (const [g, name] of [["gw1", "planner-nat-isakmpd-gw1"], ["gw2", "planner-nat-isakmpd-gw2"]] as const) {
      expect(s[g]!.files["/etc/ipsec.conf"]!.content).toBe(fixture("ipsecctl", name));
      accepted("ipsecctl", name);
    }
    expect(lines(s.gw2!.files["/etc/ipsec.conf"]!.content)).toEqual([
      `ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer ${NAT_PUBLIC} main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk ${PSK}`,
    ]);
    // gw1 keeps talking from its own (private) egress address to gw2
    expect(lines(s.gw1!.files["/etc/ipsec.conf"]!.content)[0]).toContain("from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 ");
    expect(s.gw2!.files["/etc/pf.anchors/vpn"]!.content).toBe(fixture("pfctl", "planner-nat-isakmpd-gw2"));
    accepted("pfctl", "planner-nat-isakmpd-gw2");
    expect(lines(s.gw2!.files["/etc/pf.anchors/vpn"]!.content)).toEqual([
      `pass in on em1 proto udp from ${NAT_PUBLIC} to (em1) port { 500 4500 }`,
      `pass out on em1 proto udp from em1 to ${NAT_PUBLIC} port { 500 4500 }`,
      `pass in on em1 proto esp from ${NAT_PUBLIC} to (em1)`,
      `pass out on em1 proto esp from em1 to ${NAT_PUBLIC}`,
    ]);
    for (const g of ["gw1", "gw2"]) expect(lines(s[g]!.files["/etc/sysctl.conf"]!.content)).toEqual(["net.inet.esp.udpencap=1", "net.inet.ip.forwarding=1"]);
  });

  it("iked with public keys: `local` is the gateway's own address, the ID and the peer's key file are the public address", () => {
    const s = render(ikedBehindNat());
    for (const [g, name] of [["gw1", "planner-nat-iked-gw1"], ["gw2", "planner-nat-iked-gw2"]] as const) {
      expect(s[g]!.files["/etc/iked.conf"]!.content).toBe(fixture("iked", name));
      accepted("iked", name);
    }
    expect(lines(s.gw1!.files["/etc/iked.conf"]!.content).join(" ")).toBe(
      'ikev2 "net1-net2" active tunnel esp from 172.16.0.0/24 to 192.168.15.0/24 local 10.0.0.2 peer 192.0.123.85 srcid 198.51.100.2 dstid 192.0.123.85 ecdsa256',
    );
    expect(lines(s.gw2!.files["/etc/iked.conf"]!.content).join(" ")).toBe(
      'ikev2 "net1-net2" passive tunnel esp from 192.168.15.0/24 to 172.16.0.0/24 local 192.0.123.85 srcid 192.0.123.85 dstid 198.51.100.2 ecdsa256',
    );
    expect(Object.keys(s.gw2!.files)).toContain(`/etc/iked/pubkeys/ipv4/${NAT_PUBLIC}`);
    expect(s.gw2!.files[`/etc/iked/pubkeys/ipv4/${NAT_PUBLIC}`]!.content).toBe(s.gw1!.files["/etc/iked/local.pub"]!.content);
    expect(Object.keys(s.gw2!.files).filter((f) => f.includes("10.0.0.2"))).toEqual([]);
  });

  it("the tunnel's identities: the peer-visible address, and isakmpd's own address as its ID", () => {
    expect(tunnelIdentities(isakmpdBehindNat())["net1-net2"]).toEqual({
      left: { node: "gw1", address: NAT_PUBLIC, kind: "address", id: "10.0.0.2" },
      right: { node: "gw2", address: "192.0.123.85", kind: "address", id: "192.0.123.85" },
    });
    expect(tunnelIdentities(ikedBehindNat())["net1-net2"]!.left).toEqual({ node: "gw1", address: NAT_PUBLIC, kind: "address", id: NAT_PUBLIC });
  });

  it("a gateway that is not behind NAT renders as before (no udpencap line)", () => {
    expect(lines(render(topo())["gw1"]!.files["/etc/sysctl.conf"]!.content)).toEqual(["net.inet.ip.forwarding=1"]);
  });
});

describe("NAT of tunnel traffic on enc0 (natTo)", () => {
  it("isakmpd: `from ADDR (NET)`, `match out on enc0 … nat-to ADDR` and the translated traffic passed out on enc0", () => {
    const s = render(natToEnc0());
    for (const [g, name] of [["gw1", "planner-nat-to-gw1"], ["gw2", "planner-nat-to-gw2"]] as const) {
      expect(s[g]!.files["/etc/ipsec.conf"]!.content).toBe(fixture("ipsecctl", name));
      accepted("ipsecctl", name);
      expect(s[g]!.files["/etc/pf.anchors/vpn"]!.content).toBe(fixture("pfctl", name));
      accepted("pfctl", name);
    }
    expect(lines(s.gw1!.files["/etc/ipsec.conf"]!.content)[0]).toMatch(/^ike esp from 10\.99\.0\.1 \(172\.16\.0\.0\/24\) to 192\.168\.15\.0\/24 peer 192\.0\.123\.85 /);
    expect(lines(s.gw2!.files["/etc/ipsec.conf"]!.content)[0]).toMatch(/^ike passive esp from 192\.168\.15\.0\/24 to 10\.99\.0\.1 peer 198\.51\.100\.2 /);
    expect(lines(s.gw1!.files["/etc/pf.anchors/vpn"]!.content).slice(0, 4)).toEqual([
      "block on enc0 all",
      "pass in on enc0 proto ipencap from 192.0.123.85 to (em1) keep state (if-bound)",
      "match out on enc0 from 172.16.0.0/24 to 192.168.15.0/24 nat-to 10.99.0.1",
      "pass out on enc0 from 10.99.0.1 to 192.168.15.0/24 keep state (if-bound)",
    ]);
    // pfctl loads it as written (the recorded output of OpenBSD's pfctl -nv)
    expect(readFileSync(`${FIXTURES}/pfctl/planner-nat-to-gw1.out`, "utf8")).toContain("match out on enc0 inet from 172.16.0.0/24 to 192.168.15.0/24 nat-to 10.99.0.1\n");
  });

  it("iked: the flow negotiated for the translated address", () => {
    const s = render(natToEnc0("iked"));
    for (const [g, name] of [["gw1", "planner-nat-to-gw1"], ["gw2", "planner-nat-to-gw2"]] as const) {
      expect(s[g]!.files["/etc/iked.conf"]!.content).toBe(fixture("iked", name));
      accepted("iked", name);
    }
    expect(lines(s.gw1!.files["/etc/iked.conf"]!.content).join(" ")).toContain(" from 10.99.0.1 (172.16.0.0/24) to 192.168.15.0/24 ");
    expect(lines(s.gw2!.files["/etc/iked.conf"]!.content).join(" ")).toContain(" from 192.168.15.0/24 to 10.99.0.1 ");
  });

  it("a local network that overlaps the peer's is fine once translated", () => {
    const t = natToEnc0();
    t.gateways[1] = gw("gw2", "192.0.123.85", "172.16.0.0/16");
    t.tunnels[0]!.right.networks = ["172.16.0.0/16"];
    const s = render(t);
    expect(lines(s.gw1!.files["/etc/pf.anchors/vpn"]!.content)).toContain("match out on enc0 from 172.16.0.0/24 to 172.16.0.0/16 nat-to 10.99.0.1");
  });

  it("the model: `from ADDR (NET) port P` renders and parses back", () => {
    const stmt = { type: "ike" as const, proto: "tcp", from: { addresses: [{ kind: "ip" as const, address: "10.99.0.1" }], nat: { kind: "ip" as const, address: "172.16.0.0", prefix: 24 }, port: 80 }, to: { addresses: [{ kind: "ip" as const, address: "192.168.15.0", prefix: 24 }] }, peer: { kind: "ip" as const, address: "192.0.123.85" } };
    const text = renderIpsecConf({ statements: [stmt] });
    expect(text).toBe("ike proto tcp from 10.99.0.1 (172.16.0.0/24) port 80 to 192.168.15.0/24 peer 192.0.123.85\n");
    expect(parseIpsecConf(text).value.statements).toEqual([stmt]);
    expect(renderIkedConf({ macros: [], settings: [], users: [], policies: [{ name: "w", mode: "active", encapsulation: "tunnel", saProto: "esp", proto: ["tcp"], flows: [{ from: "10.99.0.1", fromNat: "172.16.0.0/24", fromPort: 80, to: "192.168.15.0/24" }], auth: { kind: "psk", value: PSK } }] } as never))
      .toContain("from 10.99.0.1 (172.16.0.0/24) port 80 to 192.168.15.0/24");
  });
});

describe("both-end mistakes with NAT, refused at preview", () => {
  it("manual keying across a NAT", () => {
    const keys = { spi: { leftToRight: 0x1000, rightToLeft: 0x1001 }, auth: "hmac-sha2-256", enc: "aes", authkey: { leftToRight: "a".repeat(64), rightToLeft: "b".repeat(64) }, enckey: { leftToRight: "c".repeat(32), rightToLeft: "d".repeat(32) } };
    expect(error(isakmpdBehindNat({ keying: { kind: "manual", keys } }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": manual = left: Gateway "gw1" behind NAT (10.0.0.2 seen as 198.51.100.2): manually keyed SAs cannot cross a NAT: there is no IKE to detect it and move ESP into UDP 4500, and the NAT\'s port mapping is not known in advance; key the tunnel with IKE (`psk` or `auth: "publickey"`), which does NAT traversal on its own',
    );
  });

  it("both ends behind NATs that forward no IKE", () => {
    const g2 = gw2();
    g2.external.nat = { publicAddress: "203.0.113.9", forwardsIke: false };
    expect(error(topo({ gateways: [natGw1(), g2], tunnels: [tunnel()] }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": left external.nat, right external.nat = 198.51.100.2, 203.0.113.9: both ends are behind NAT and neither NAT forwards IKE (udp 500/4500) to its gateway: neither end can ever reach the other, so IKE never starts; forward udp 500 and 4500 on one NAT to its gateway and set that gateway\'s `external.nat.forwardsIke: true`, or put one end on a public address',
    );
    // one NAT forwarding IKE makes it reachable
    const g2f = gw2();
    g2f.external.nat = { publicAddress: "203.0.113.9", forwardsIke: true };
    const s = render(topo({ gateways: [natGw1(), g2f], tunnels: [tunnel()] }));
    expect(lines(s.gw1!.files["/etc/ipsec.conf"]!.content)[0]).toContain("peer 203.0.113.9 ");
  });

  it("a passive end behind a NAT that drops the peer's IKE", () => {
    expect(error(isakmpdBehindNat({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "passive", rules: [] } }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": left.mode = passive: Gateway "gw1" is behind NAT (10.0.0.2 seen as 198.51.100.2) and its NAT does not forward IKE: a passive end waits for Gateway "gw2", whose IKE packets the NAT drops; let the end behind NAT initiate: set left.mode to "active" (the default), or forward udp 500/4500 and set external.nat.forwardsIke',
    );
    expect(render(topo({ gateways: [natGw1({}, true), gw2()], tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "passive", rules: [] } })] })).gw1).toBeDefined();
  });

  it("a dstid naming the NAT's public address, which isakmpd behind the NAT never sends", () => {
    expect(error(isakmpdBehindNat({ right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], dstid: NAT_PUBLIC } }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": right.dstid = 198.51.100.2: the left end identifies itself as 10.0.0.2, so phase 1 would fail on the ID: Gateway "gw1" is behind NAT and isakmpd sends its own address 10.0.0.2 as its ID, not the NAT\'s public address; set right.dstid to 10.0.0.2, or give both left.srcid and right.dstid the same identity (e.g. an FQDN)',
    );
    // the same identity on both ends is fine
    expect(render(isakmpdBehindNat({
      left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [], srcid: "gw1.example.com" },
      right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], dstid: "gw1.example.com" },
    })).gw2).toBeDefined();
  });

  it("`peer` set to the private address of a gateway behind NAT", () => {
    expect(error(isakmpdBehindNat({ right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], peer: "10.0.0.2" } }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": right.peer = 10.0.0.2: Gateway "gw1" is behind NAT: its peers reach it at its NAT\'s public address 198.51.100.2 (external.nat.publicAddress), not 10.0.0.2; set right.peer to 198.51.100.2 or remove it',
    );
  });

  it("isakmpd started with -T (NAT-T off) on a tunnel that crosses a NAT", () => {
    expect(error(topo({ gateways: [natGw1(), gw2({ services: { isakmpd: { enabled: true, flags: "-K -T" } } })], tunnels: [tunnel()] }))).toContain(
      'SiteToSiteTunnel "net1-net2", Gateway "gw2": services.isakmpd.flags = -K -T: -T disables NAT traversal in isakmpd, and this tunnel crosses a NAT (Gateway "gw1" 10.0.0.2 seen as 198.51.100.2); remove -T',
    );
  });

  it("natTo with `set skip on enc0`, with two networks, with manual keying", () => {
    const skip = natToEnc0();
    skip.tunnels[0]!.enc0 = "skip";
    expect(error(skip)).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": left.natTo = 10.99.0.1: with enc0: "skip" (`set skip on enc0`) pf never sees the tunnel\'s traffic, so the `match out on enc0 … nat-to` rule would never translate anything (the mistake of seeds/001\'s reader: the tunnel is up and nothing arrives); set the tunnel\'s `enc0: "filter"`',
    );
    const two = natToEnc0();
    two.tunnels[0]!.left.networks = ["172.16.0.0/24", "172.17.0.0/24"];
    expect(error(two)).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": left.natTo = 10.99.0.1: 2 networks (172.16.0.0/24, 172.17.0.0/24) would be negotiated as one address: ipsec.conf\'s `from ADDR (NET)` names a single network; give left.networks exactly one network, or one tunnel per network',
    );
    const mirrored = natToEnc0();
    mirrored.tunnels[0]!.right.remoteNetworks = ["172.16.0.0/24"];
    expect(error(mirrored)).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": right.remoteNetworks, left.natTo = 172.16.0.0/24 ≠ 10.99.0.1: the selectors are not mirrored: the ends would propose different flows and phase 2 never completes; set right.remoteNetworks to 10.99.0.1 (or remove it)',
    );
  });
});
