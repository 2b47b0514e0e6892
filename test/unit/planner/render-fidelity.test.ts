/**
 * Render fidelity: every name and value the components accept renders into a file OpenBSD's own parsers accept
 * (found by scripts/oracle-fuzz.ts against pfctl/ipsecctl/iked built from OpenBSD's sources), or is refused at
 * preview with one clean error. Rendered lines asserted exactly.
 */
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/index";
import type { HostState } from "../../../sdk/state";
import { FP_KEY, gw1, gw2, topo, tunnel } from "./fixtures";
import { parsePf } from "../../../sdk/model/pf/parser";

const plan = (t: Parameters<typeof planAndRender>[0]) => planAndRender(t, { fingerprintKey: FP_KEY });
const content = (s: HostState | undefined, path: string): string => {
  const f = s?.files[path];
  if (!f) throw new Error(`no ${path}`);
  return f.content;
};

describe("anchor names the PfAnchor rule accepts render", () => {
  // pfctl -nf: `anchor "9lives"` loads (only a component beginning with `_` is reserved)
  it("a name starting with a digit (`9lives`) and one of 63 bytes", () => {
    const long = "A".repeat(63);
    const r = plan(topo({ tunnels: [], anchors: [{ name: "9lives", gateway: "gw1", rules: [] }, { name: long, gateway: "gw1", rules: [] }] }));
    const pf = content(r.states.gw1, "/etc/pf.conf").split("\n");
    expect(pf.filter((l) => l.startsWith("anchor ") || l.startsWith("load anchor "))).toEqual([
      'anchor "9lives" all',
      'load anchor "9lives" from "/etc/pf.anchors/9lives"',
      `anchor "${long}" all`,
      `load anchor "${long}" from "/etc/pf.anchors/${long}"`,
    ]);
  });
});

/** The message planAndRender throws, or "accepted". */
const refusal = (t: Parameters<typeof planAndRender>[0]): string => {
  try {
    plan(t);
    return "accepted";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("a point-to-point VPN's peer address of a family its sender has no egress address of", () => {
  // pfctl -nf on gw1 (vio0 inet only): `pass out on em1 proto udp from em1 to 2001:db8:ffff::99 port = 51820`
  // -> "rule expands to no valid combination"
  const wg = (right: Record<string, unknown>) => ({
    name: "t",
    left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 } },
    right: { node: "gw2", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 }, ...right },
  });
  it("WireGuard: an IPv6 endpoint for an IPv4-only sender is refused, naming the field", () => {
    expect(refusal(topo({ tunnels: [], wireguard: [wg({ endpoint: "2001:db8:ffff::99" })] as never }))).toBe(
      'WireGuardTunnel "t", Gateway "gw1", Gateway "gw2": right.endpoint = 2001:db8:ffff::99: an IPv6 address, and Gateway "gw1", which sends to it from em1, has no IPv6 external address (its pf rules for the peer would match nothing: pfctl refuses them); give an IPv4 address, or the gateway\'s `external.address6`',
    );
  });
  it("WireGuard: the default endpoint is of a family both gateways have (IPv6 inner, IPv4-only peer)", () => {
    const g2 = { ...gw2(), external: { ...gw2().external, address6: { address: "2001:db8:ffff::2", prefix: 64 } } };
    const r = plan(topo({ gateways: [gw1(), g2], tunnels: [], wireguard: [{
      name: "t",
      left: { node: "gw1", interface: "wg0", inner: { address: "fd00:9::1", prefix: 64 }, networks: ["fd00:9::1/128"] },
      right: { node: "gw2", interface: "wg0", inner: { address: "fd00:9::2", prefix: 64 }, networks: ["fd00:9::2/128"] },
    }] as never }));
    const wg0 = content(r.states.gw1, "/etc/hostname.wg0").split("\n").filter((l) => l.includes("wgendpoint"));
    expect(wg0.map((l) => l.replace(/wgpeer \S+/, "wgpeer KEY"))).toEqual(["wgpeer KEY wgendpoint 192.0.123.85 51820 wgaip fd00:9::2/128"]);
  });
  it("OpenVPN: an IPv6 endpoint for an IPv4-only sender is refused", () => {
    expect(refusal(topo({ tunnels: [], openvpn: [{
      name: "o", cipher: "AES-256-CBC", auth: "SHA256", keepalive: { interval: 10, timeout: 60 },
      left: { node: "gw1", interface: "tun0", inner: "10.8.0.1", port: 1194, endpoint: "2001:db8::1" },
      right: { node: "gw2", interface: "tun0", inner: "10.8.0.2", port: 1194 },
    }] as never }))).toBe(
      'OpenVpnTunnel "o", Gateway "gw1", Gateway "gw2": left.endpoint = 2001:db8::1: an IPv6 address, and Gateway "gw2", which sends to it from em1, has no IPv6 external address (its pf rules for the peer would match nothing: pfctl refuses them); give an IPv4 address, or the gateway\'s `external.address6`',
    );
  });
  it("tinc: a member whose gateway has no IPv4 egress (it connects to the others' IPv4 addresses) is refused", () => {
    const g1 = { ...gw1(), external: { interface: "em1", address6: { address: "2001:db8:ffff::1", prefix: 64 }, configure: false } };
    expect(refusal(topo({ gateways: [g1, gw2()], tunnels: [], tinc: [{
      resource: "tn", netname: "tn",
      members: [
        { node: "gw1", name: "gw1", inner: { address: "10.10.0.1", prefix: 24 }, address: "198.51.100.7" },
        { node: "gw2", name: "gw2", inner: { address: "10.10.0.2", prefix: 24 } },
      ],
    }] as never }))).toBe(
      'TincNetwork "tn", Gateway "gw1": members[1].address = 192.0.123.85: an IPv4 address, and Gateway "gw1", which sends to it from em1, has no IPv4 external address (its pf rules for the peer would match nothing: pfctl refuses them); give the gateway its IPv4 `external.address` (tinc\'s members connect over IPv4)',
    );
  });
});

describe("PfAnchor text pfctl refuses is refused at preview", () => {
  it("a second inline anchor of a name that already holds rules (parse.y: inline anchor 'N' already exists)", async () => {
    const { pfRules } = await import("../../../sdk/components/nodes");
    const { onUserError } = await import("../../../sdk/components/check");
    const text = 'anchor "inline" {\n pass in proto tcp to port 22\n}\nanchor "inline" {\n}\n';
    const reported: string[] = [];
    const stop = onUserError((e) => reported.push(e.message));
    try {
      expect(() => pfRules('PfAnchor "web"', "rules", text)).toThrow("pulumi-openbsd refused the program's arguments");
    } finally {
      stop();
    }
    expect(reported).toEqual(["PfAnchor \"web\" rules:5:2: inline anchor 'inline' already exists"]);
    // an empty one first, or a plain `anchor "inline"` after, is what pfctl loads
    expect(pfRules('PfAnchor "web"', "rules", 'anchor "inline" {\n}\nanchor "inline" {\n pass\n}\nanchor "inline"\n').map((r) => r.kind)).toEqual(["anchor", "anchor", "anchor"]);
  });
});

describe("one user per tun device and per /etc/hostname.IF on a gateway", () => {
  const g1 = gw1();
  const ovpn = (leftIf?: string) => ({
    name: "o", cipher: "AES-256-CBC", auth: "SHA256", keepalive: { interval: 10, timeout: 60 },
    left: { node: "gw1", ...(leftIf ? { interface: leftIf } : {}), inner: "10.8.0.1", port: 1194 },
    right: { node: "gw2", interface: "tun3", inner: "10.8.0.2", port: 1194 },
  });
  const tinc = {
    resource: "tn", netname: "tn",
    members: [{ node: "gw1", name: "gw1", inner: { address: "10.10.0.1", prefix: 24 } }, { node: "gw2", name: "gw2", inner: { address: "10.10.0.2", prefix: 24 } }],
  };
  it("OpenVPN on tun1 and tinc (tun0) on one gateway: both rendered", () => {
    const r = plan(topo({ tunnels: [], openvpn: [ovpn("tun1")], tinc: [tinc] } as never));
    expect(content(r.states.gw1, "/etc/openvpn/o.conf").split("\n").filter((l) => l.startsWith("dev "))).toEqual(["dev tun1"]);
    expect(content(r.states.gw1, "/etc/tinc/tn/tinc.conf").split("\n").filter((l) => l.startsWith("Interface"))).toEqual(["Interface = tun0"]);
  });
  it("OpenVPN's default tun0 and tinc on one gateway: refused on tinc, naming OpenVPN's end", () => {
    expect(refusal(topo({ tunnels: [], openvpn: [ovpn()], tinc: [tinc] } as never))).toBe(
      'TincNetwork "tn", Gateway "gw1", OpenVpnTunnel "o": members[0].gateway = tun0: OpenVpnTunnel "o" already uses tun0 on Gateway "gw1" (a tun device has one user); tincd always opens tun0: give the other resource\'s end on this gateway another tun unit, e.g. `tun1`',
    );
  });
  it("a Gateway's extra interface tun0 and OpenVPN's default tun0: refused", () => {
    const g = { ...g1, extraInterfaces: [{ interface: "tun0", addresses: [{ address: "10.250.0.1", prefix: 32 }] }] };
    expect(refusal(topo({ gateways: [g, gw2()], tunnels: [], openvpn: [ovpn()] } as never))).toBe(
      'OpenVpnTunnel "o", Gateway "gw1": left.interface (default tun0) = tun0: another resource already writes /etc/hostname.tun0 on Gateway "gw1"; give this end another tun unit, e.g. `tun1`',
    );
  });
  it("two gif links on gif0 of one gateway: the second is refused", () => {
    const gw3 = { ...gw2(), name: "gw3", external: { ...gw2().external, address: { address: "198.51.100.3", prefix: 24 } } };
    const link = (name: string, right: string, net: number) => ({
      name, kind: "gif", outer: 4, ipsec: { kind: "none" },
      left: { node: "gw1", interface: "gif0", inner: { address: `10.${net}.0.1`, prefix: 32 }, role: "gif" },
      right: { node: right, interface: "gif0", inner: { address: `10.${net}.0.2`, prefix: 32 }, role: "gif" },
    });
    expect(refusal(topo({ gateways: [gw1(), gw2(), gw3], tunnels: [], links: [link("l1", "gw2", 200), link("l2", "gw3", 201)] } as never))).toBe(
      'GifTunnel "l2", Gateway "gw1": left.interface = gif0: another resource already writes /etc/hostname.gif0 on Gateway "gw1"; use another interface, e.g. `gif1`',
    );
  });
  it("a CARP segment on a member's own extra interface: refused", () => {
    const m = (name: string, ext: string, extra: boolean) => ({
      ...gw1(), name, external: { ...gw1().external, address: { address: ext, prefix: 24 } },
      ...(extra ? { extraInterfaces: [{ interface: "carp1", addresses: [{ address: "10.250.0.1", prefix: 32 }] }] } : {}),
    });
    expect(refusal(topo({
      gateways: [m("gw1a", "192.0.2.154", true), m("gw1b", "192.0.2.155", false)], tunnels: [],
      pairs: [{
        name: "p", members: [{ gateway: "gw1a", syncAddress: "172.16.0.2" }, { gateway: "gw1b", syncAddress: "172.16.0.3" }],
        segments: [
          { interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1 },
          { interface: "carp2", carpdev: "em1", address: { address: "192.0.2.153", prefix: 24 }, vhid: 2 },
        ],
        external: "carp2", sharedkey: "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab", preempt: true,
      }],
    } as never))).toBe(
      'CarpPair "p", Gateway "gw1a": segments[0].interface = carp1: Gateway "gw1a" already writes /etc/hostname.carp1 (one of its own interfaces); give the segment a carp interface the members do not declare, e.g. `carp3`',
    );
  });
});

describe("tags the tunnel's tag rule accepts render in ipsec.conf and pf.conf", () => {
  it("a tag starting with a digit (`1a`): `tag 1a` in ipsec.conf, `tagged 1a` in the vpn anchor", () => {
    const t = tunnel({ enc0: "filter", left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [], tag: "1a" }, right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], tag: "0x10" } });
    const r = plan(topo({ tunnels: [t] }));
    expect(content(r.states.gw1, "/etc/ipsec.conf").split("\n")[0]).toBe(
      "ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk 204931646879ae1265a7d0437a51cc08fe8d7484 tag 1a",
    );
    expect(content(r.states.gw1, "/etc/pf.anchors/vpn").split("\n").filter((l) => l.includes("tagged"))).toEqual(["pass in on enc0 all keep state (if-bound) tagged 1a"]);
    expect(content(r.states.gw2, "/etc/pf.anchors/vpn").split("\n").filter((l) => l.includes("tagged"))).toEqual(["pass in on enc0 all keep state (if-bound) tagged 0x10"]);
  });
  it("a tag of digits only is refused (the parsers read `tag 0` as a number: syntax error)", async () => {
    const { tagName, Refusal } = await import("../../../sdk/model/tokens/index");
    expect(() => tagName("0")).toThrow(Refusal);
    expect(() => tagName("0")).toThrow("a tag of digits only is read as a number by ipsecctl, iked and pfctl (`tag 0`: syntax error)");
  });
});

describe("IPsec over a gre/eoip/etherip link protects the link's own packets", () => {
  // a gre link carries proto gre (47) on the wire: an ipencap flow would leave it unprotected
  const link = (kind: string, ifc: string, inner: boolean) => ({
    name: "l", kind, outer: 4, ...(kind === "eoip" ? { vnetid: 7 } : {}),
    ipsec: { kind: "ike", psk: "204931646879ae1265a7d0437a51cc08fe8d7484" },
    left: { node: "gw1", interface: ifc, role: "gif", ...(inner ? { inner: { address: "10.200.0.1", prefix: 32 } } : {}) },
    right: { node: "gw2", interface: ifc, role: "gif", ...(inner ? { inner: { address: "10.200.0.2", prefix: 32 } } : {}) },
  });
  for (const [kind, ifc, inner, proto] of [["gif", "gif0", true, "ipencap"], ["gre", "gre0", true, "gre"], ["eoip", "eoip0", false, "gre"], ["etherip", "etherip0", false, "etherip"]] as const)
    it(`${kind}: ike esp transport proto ${proto}`, () => {
      const r = plan(topo({ tunnels: [], links: [link(kind, ifc, inner)] } as never));
      expect(content(r.states.gw1, "/etc/ipsec.conf").split("\n")[0]).toBe(`ike esp transport proto ${proto} from 192.0.2.153 to 192.0.123.85 peer 192.0.123.85 psk 204931646879ae1265a7d0437a51cc08fe8d7484`);
    });
  it("`esp: false` on a gateway of an IPsec-protected link is refused", () => {
    expect(refusal(topo({ gateways: [{ ...gw1(), esp: false }, gw2()], tunnels: [], links: [link("gre", "gre0", true)] } as never))).toBe(
      'Gateway "gw1": esp = false: a VPN of this gateway needs net.inet.esp.enable=1: this value would switch it off; remove `esp` (or set it to true)',
    );
  });
  it("manual keys: flow esp proto gre", () => {
    const l = { ...link("gre", "gre0", true), ipsec: { kind: "manual", keys: {} } };
    const r = plan(topo({ tunnels: [], links: [l] } as never));
    expect(content(r.states.gw1, "/etc/ipsec.conf").split("\n")[0]).toBe("flow esp proto gre from 192.0.2.153 to 192.0.123.85");
  });
});

describe("a CARP segment's address is IPv4 (hostname.carpN: inet ADDR MASK … vhid …)", () => {
  it("an IPv6 segment address is refused at preview, not by the renderer", () => {
    expect(refusal(topo({
      gateways: [{ ...gw1(), name: "gw1a" }, { ...gw1(), name: "gw1b", external: { ...gw1().external, address: { address: "192.0.2.155", prefix: 24 } } }], tunnels: [],
      pairs: [{
        name: "p", members: [{ gateway: "gw1a", syncAddress: "172.16.0.2" }, { gateway: "gw1b", syncAddress: "172.16.0.3" }],
        segments: [
          { interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1 },
          { interface: "carp2", carpdev: "em1", address: { address: "2001:db8:ffff::1", prefix: 64 }, vhid: 2 },
        ],
        external: "carp2", sharedkey: "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab", preempt: true,
      }],
    } as never))).toBe(
      'CarpPair "p": segments[carp2].address = 2001:db8:ffff::1: hostname.carpN is written `inet ADDR MASK … vhid …`: an IPv4 address; give the segment an IPv4 address, e.g. `192.0.2.153/24`',
    );
  });
});

describe("a sysctl the user sets and a component needs otherwise is refused, not overwritten", () => {
  it("sysctls net.inet.gre.allow=0 with a gre link", () => {
    const g = { ...gw1(), sysctls: { "net.inet.gre.allow": "0" } };
    const l = { name: "l", kind: "gre", outer: 4, ipsec: { kind: "none" }, left: { node: "gw1", interface: "gre0", role: "gif", inner: { address: "10.0.0.1", prefix: 32 } }, right: { node: "gw2", interface: "gre0", role: "gif", inner: { address: "10.0.0.2", prefix: 32 } } };
    expect(refusal(topo({ gateways: [g, gw2()], tunnels: [], links: [l] } as never))).toBe(
      'Gateway "gw1": sysctls["net.inet.gre.allow"] = 0: a VPN of this gateway needs net.inet.gre.allow=1: this value would be overwritten; remove `sysctls["net.inet.gre.allow"]`',
    );
  });
  it("`ah: false` with an AH tunnel", () => {
    expect(refusal(topo({ gateways: [{ ...gw1(), ah: false }, gw2()], tunnels: [tunnel({ satype: "ah", keying: { kind: "ike", auth: { kind: "psk", psk: "204931646879ae1265a7d0437a51cc08fe8d7484" } } })] }))).toBe(
      'Gateway "gw1": ah = false: a VPN of this gateway needs net.inet.ah.enable=1: this value would be overwritten; remove `ah` (or set it to true)',
    );
  });
  it("`esp: false` (or sysctls net.inet.esp.enable=0) with an ESP tunnel: OpenBSD's default it needs is not written, and not switched off", () => {
    const t = () => tunnel({ keying: { kind: "ike", auth: { kind: "psk", psk: "204931646879ae1265a7d0437a51cc08fe8d7484" } } });
    expect(refusal(topo({ gateways: [{ ...gw1(), esp: false }, gw2()], tunnels: [t()] }))).toBe(
      'Gateway "gw1": esp = false: a VPN of this gateway needs net.inet.esp.enable=1: this value would switch it off; remove `esp` (or set it to true)',
    );
    expect(refusal(topo({ gateways: [{ ...gw1(), sysctls: { "net.inet.esp.enable": "0" } }, gw2()], tunnels: [t()] } as never))).toBe(
      'Gateway "gw1": sysctls["net.inet.esp.enable"] = 0: a VPN of this gateway needs net.inet.esp.enable=1: this value would switch it off; remove `sysctls["net.inet.esp.enable"]`',
    );
    // `esp: true` is written as given; without `esp`, nothing is written (the default stays)
    expect(content(plan(topo({ gateways: [{ ...gw1(), esp: true }, gw2()], tunnels: [t()] })).states.gw1, "/etc/sysctl.conf").split("\n").filter((x) => x.includes("esp"))).toEqual(["net.inet.esp.enable=1"]);
    expect(content(plan(topo({ gateways: [gw1(), gw2()], tunnels: [t()] })).states.gw1, "/etc/sysctl.conf")).not.toContain("esp.enable");
  });
  it("the same value as the component's is kept", () => {
    const g = { ...gw1(), sysctls: { "net.inet.gre.allow": "1" } };
    const l = { name: "l", kind: "gre", outer: 4, ipsec: { kind: "none" }, left: { node: "gw1", interface: "gre0", role: "gif", inner: { address: "10.0.0.1", prefix: 32 } }, right: { node: "gw2", interface: "gre0", role: "gif", inner: { address: "10.0.0.2", prefix: 32 } } };
    expect(content(plan(topo({ gateways: [g, gw2()], tunnels: [], links: [l] } as never)).states.gw1, "/etc/sysctl.conf").split("\n").filter((x) => x.includes("gre"))).toEqual(["net.inet.gre.allow=1"]);
  });
});

describe("pf.skip and the tunnels' enc0 setting", () => {
  it("`pf.skip: [\"enc0\"]` with a tunnel that filters enc0 is refused (set skip on enc0 would disable its rules)", () => {
    const t = tunnel({ enc0: "filter", left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [], tag: "a" }, right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], tag: "b" } });
    expect(refusal(topo({ gateways: [{ ...gw1(), pfSkip: ["enc0"] }, gw2()], tunnels: [t] }))).toBe(
      'Gateway "gw1", SiteToSiteTunnel "net1-net2": pf.skip[0] = enc0: `set skip on enc0` would disable the enc0 rules of SiteToSiteTunnel "net1-net2" (`enc0: "filter"`): its tunnel traffic would pass unfiltered; remove enc0 from `pf.skip`, or set the tunnel\'s `enc0: "skip"`',
    );
  });
  it("`pf.skip: [\"enc0\"]` with a skipping tunnel: enc0 once in `set skip on`", () => {
    const r = plan(topo({ gateways: [{ ...gw1(), pfSkip: ["enc0", "em2"] }, gw2()] }));
    expect(content(r.states.gw1, "/etc/pf.conf").split("\n")[0]).toBe("set skip on { lo enc0 em2 }");
  });
});

describe("one listener per port on a gateway", () => {
  const gw3 = () => ({ ...gw2(), name: "gw3", external: { ...gw2().external, address: { address: "198.51.100.3", prefix: 24 } }, internal: [{ interface: "em0", network: "10.3.0.0/24", configure: false }] });
  it("a wg port of 4500 next to isakmpd (NAT-T) is refused", () => {
    const wg = { name: "w", left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 }, port: 4500 }, right: { node: "gw3", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 } } };
    expect(refusal(topo({ gateways: [gw1(), gw2(), gw3()], wireguard: [wg] } as never))).toBe(
      'WireGuardTunnel "w", Gateway "gw1": port = 4500: isakmpd (for SiteToSiteTunnel "net1-net2") already listens on UDP 4500 on Gateway "gw1": the second daemon could not bind it; give this end another port',
    );
  });
  it("tinc's default port 655 next to an OpenVPN end on port 655 is refused", () => {
    const o = { name: "o", cipher: "AES-256-CBC", auth: "SHA256", keepalive: { interval: 10, timeout: 60 }, left: { node: "gw1", interface: "tun1", inner: "10.8.0.1", port: 655 }, right: { node: "gw2", interface: "tun1", inner: "10.8.0.2", port: 1194 } };
    const tn = { resource: "tn", netname: "tn", members: [{ node: "gw1", name: "gw1", inner: { address: "10.10.0.1", prefix: 24 } }, { node: "gw3", name: "gw3", inner: { address: "10.10.0.2", prefix: 24 } }] };
    expect(refusal(topo({ gateways: [gw1(), gw2(), gw3()], tunnels: [], openvpn: [o], tinc: [tn] } as never))).toBe(
      'TincNetwork "tn", Gateway "gw1": members[0].port (default 655) = 655: OpenVpnTunnel "o" already listens on UDP 655 on Gateway "gw1": the second daemon could not bind it; give this end another port',
    );
  });
});

describe("a gateway behind NAT (external.nat): its peers send to the NAT router's public address", () => {
  const natted = () => ({ ...gw1(), external: { interface: "em1", address: { address: "10.0.0.2", prefix: 24 }, configure: false, nat: { publicAddress: "198.51.100.2", forwardsIke: true } } });
  it("WireGuard: the other end's wgendpoint and pf rules name the public address", () => {
    const wg = { name: "w", left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 } }, right: { node: "gw2", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 } } };
    const r = plan(topo({ gateways: [natted(), gw2()], tunnels: [], wireguard: [wg] } as never));
    expect(content(r.states.gw2, "/etc/hostname.wg0").split("\n").filter((l) => l.includes("wgendpoint")).map((l) => l.replace(/wgpeer \S+/, "wgpeer KEY"))).toEqual(["wgpeer KEY wgendpoint 198.51.100.2 51820 wgaip 10.9.0.1/32 wgaip 172.16.0.0/24"]);
    expect(content(r.states.gw2, "/etc/pf.anchors/vpn").split("\n").slice(0, 2)).toEqual([
      "pass in on em1 proto udp from 198.51.100.2 to (em1) port = 51820",
      "pass out on em1 proto udp from em1 to 198.51.100.2 port = 51820",
    ]);
  });
  it("OpenVPN: `local` is the gateway's own address, the other end's `remote` the public one", () => {
    const o = { name: "o", cipher: "AES-256-CBC", auth: "SHA256", keepalive: { interval: 10, timeout: 60 }, left: { node: "gw1", interface: "tun0", inner: "10.8.0.1", port: 1194 }, right: { node: "gw2", interface: "tun0", inner: "10.8.0.2", port: 1194 } };
    const r = plan(topo({ gateways: [natted(), gw2()], tunnels: [], openvpn: [o] } as never));
    expect(content(r.states.gw1, "/etc/openvpn/o.conf").split("\n").filter((l) => /^(local|remote) /.test(l))).toEqual(["local 10.0.0.2", "remote 192.0.123.85"]);
    expect(content(r.states.gw2, "/etc/openvpn/o.conf").split("\n").filter((l) => /^(local|remote) /.test(l))).toEqual(["local 192.0.123.85", "remote 198.51.100.2"]);
  });
  it("tinc: the others connect to the public address", () => {
    const tn = { resource: "tn", netname: "tn", members: [{ node: "gw1", name: "gw1", inner: { address: "10.10.0.1", prefix: 24 } }, { node: "gw2", name: "gw2", inner: { address: "10.10.0.2", prefix: 24 } }] };
    const r = plan(topo({ gateways: [natted(), gw2()], tunnels: [], tinc: [tn] } as never));
    expect(content(r.states.gw2, "/etc/tinc/tn/hosts/gw1").split("\n").filter((l) => l.startsWith("Address"))).toEqual(["Address = 198.51.100.2"]);
  });
  it("a gif link is refused (its packets have no ports to map)", () => {
    const l = { name: "l", kind: "gif", outer: 4, ipsec: { kind: "none" }, left: { node: "gw1", interface: "gif0", role: "gif", inner: { address: "10.0.0.1", prefix: 32 } }, right: { node: "gw2", interface: "gif0", role: "gif", inner: { address: "10.0.9.2", prefix: 32 } } };
    expect(refusal(topo({ gateways: [natted(), gw2()], tunnels: [], links: [l] } as never))).toBe(
      'GifTunnel "l", Gateway "gw1": left.gateway = gw1: Gateway "gw1" is behind NAT (`external.nat`): gif packets have no ports for the NAT router to map, so its peer\'s packets could not reach it; use a VPN that crosses NAT (WireGuardTunnel, OpenVpnTunnel, or a SiteToSiteTunnel with NAT-T), or an IPv6 outer (`outer: "inet6"`)',
    );
  });
  it("an ssh tunnel's server behind NAT without `server.address` is refused", () => {
    const st = {
      name: "s",
      client: { node: "gw2", unit: 0, inner: { address: "172.16.2.1", prefix: 30 } },
      server: { node: "gw1", unit: 0, inner: { address: "172.16.2.2", prefix: 30 }, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy" },
    };
    expect(refusal(topo({ gateways: [natted(), gw2()], tunnels: [], sshTunnels: [st] } as never))).toBe(
      'SshTunnel "s", Gateway "gw1": server.gateway = gw1: Gateway "gw1" is behind NAT (`external.nat`): the other end would see 198.51.100.2, not its external.address; give `server.address` (the address the client connects to, with the NAT router forwarding sshd\'s port), or use a WireGuardTunnel',
    );
  });
});

describe("anchor rules on the interfaces the program's VPNs write (their hostname.if holds exactly their addresses)", () => {
  it("`inet6 from wg0:network` on an IPv4-only wg0 is refused, as pfctl refuses it on the host", () => {
    const wg = { name: "w", left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 } }, right: { node: "gw2", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 } } };
    const rules = [{ kind: "filter", action: "pass", direction: "in", af: "inet6", on: [{ name: "wg0" }], protos: [], from: { hosts: [{ kind: "interface", name: "wg0", modifier: "network" }], ports: [] }, to: { hosts: [], ports: [] } }];
    expect(refusal(topo({ tunnels: [], wireguard: [wg], anchors: [{ name: "a", gateway: "gw1", rules }] } as never))).toBe(
      'PfAnchor "a", Gateway "gw1": rules[0] = pass in on wg0 inet6 from wg0:network to any: pfctl refuses it on this gateway, where wg0 (10.9.0.1/24): rule expands to no valid combination; use addresses of one family on both sides: change or remove the rule\'s `inet`/`inet6`, or declare the address of that family on wg0 (Gateway `external.address6`, …)',
    );
  });
});

describe("a protocol whose /etc/protocols name is a keyword of the file it goes to is written as its number", () => {
  // ipsecctl prints 94 as `proto ipip` and pfctl prints 61 as `proto any`, and neither reads that back (syntax error)
  it("ipsec.conf: the policy of protocol ipip (94) says `proto 94`; tcp stays `proto tcp`", () => {
    const r = plan(topo({ tunnels: [tunnel({ policies: [{ proto: "ipip" }, { proto: "tcp", port: 80 }] })] }));
    const lines = content(r.states.gw1, "/etc/ipsec.conf").split("\n");
    expect(lines[0]).toMatch(/^ike esp proto 94 from 172\.16\.0\.0\/24 to 192\.168\.15\.0\/24 peer /);
    expect(lines[1]).toMatch(/^ike esp proto tcp from 172\.16\.0\.0\/24 to 192\.168\.15\.0\/24 port 80 peer /);
  });
  it("a pf anchor: protocols 61 and 57 (`any`, `skip` to pfctl) say `proto 61` and `proto 57`", () => {
    const r = plan(topo({ tunnels: [], anchors: [{ name: "odd", gateway: "gw1", rules: parsePf("pass proto 61\npass proto { 57 6 }\n").value.rules as never }] }));
    expect(content(r.states.gw1, "/etc/pf.anchors/odd").split("\n").filter((l) => l.startsWith("pass"))).toEqual(["pass proto 61 all", "pass proto { 57 tcp } all"]);
  });
});
