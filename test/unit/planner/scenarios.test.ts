/**
 * The planner renders, for each scenario of the guides, the files the guides show (seeds/000 site-to-site,
 * seeds/002 gif and iked, seeds/004 RFC 3884), line for line (continuations and whitespace aside).
 */
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/index";
import type { HostState } from "../../../sdk/state";
import { FP_KEY, gw, gw1, gw2, lines, PSK, topo, tunnel } from "./fixtures";

const plan = (t: Parameters<typeof planAndRender>[0]) => planAndRender(t, { fingerprintKey: FP_KEY });
const file = (s: HostState | undefined, path: string) => {
  const f = s?.files[path];
  if (!f) throw new Error(`no ${path}`);
  return f;
};

// seeds/000 "Creating the ipsec.conf(5) File" (the scraped text lost its line breaks after `\`)
const GUIDE_GW1_IPSEC = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 \\
 peer 192.0.123.85 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk 204931646879ae1265a7d0437a51cc08fe8d7484`;
const GUIDE_GW2_IPSEC = `ike esp from 192.168.15.0/24 to 172.16.0.0/24 \\
 peer 192.0.2.153 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk 204931646879ae1265a7d0437a51cc08fe8d7484`;
// seeds/000 "Allowing IPsec Traffic Through pf(4)", gateway #1, macros expanded ($ext_if = em1, $ipsec_peer = 192.0.123.85)
const GUIDE_GW1_PF = `pass in on em1 proto udp from 192.0.123.85 \\
 to (em1) port { 500 4500 }
pass out on em1 proto udp from em1 \\
 to 192.0.123.85 port { 500 4500 }
pass in on em1 proto esp from 192.0.123.85 to (em1)
pass out on em1 proto esp from em1 to 192.0.123.85`;

describe("scenario 1: site-to-site IKEv1 tunnel with PSK (seeds/000)", () => {
  const r = plan(topo());
  const g1 = r.states.gw1!;
  const g2 = r.states.gw2!;

  it("renders both ends' ipsec.conf as the guide, 0600 and secret", () => {
    expect(lines(file(g1, "/etc/ipsec.conf").content)).toEqual(lines(GUIDE_GW1_IPSEC));
    expect(lines(file(g2, "/etc/ipsec.conf").content)).toEqual(lines(GUIDE_GW2_IPSEC));
    expect(file(g1, "/etc/ipsec.conf")).toMatchObject({ mode: "0600", owner: "root", group: "wheel", check: "ipsec", secret: true });
  });

  it("passes udp 500/4500 and esp between the peers in the vpn anchor, hooked into pf.conf", () => {
    expect(lines(file(g1, "/etc/pf.anchors/vpn").content)).toEqual(lines(GUIDE_GW1_PF));
    expect(lines(file(g1, "/etc/pf.conf").content)).toEqual([
      "set skip on { lo enc0 }",
      "block return all",
      "pass all",
      'anchor "vpn" all',
      'load anchor "vpn" from "/etc/pf.anchors/vpn"',
    ]);
    expect(g1.anchors).toEqual({ vpn: { file: "/etc/pf.anchors/vpn" } });
  });

  it("runs isakmpd -K then ipsec=YES, with forwarding on", () => {
    expect(g1.services).toEqual({
      isakmpd: { order: 1, enabled: true, flags: "-K", running: true },
      ipsec: { order: 2, enabled: true, running: true },
    });
    expect(g1.ipsec).toEqual({ daemon: "isakmpd", ruleFile: "/etc/ipsec.conf" });
    // what the kernel must hold travels typed: the flows isakmpd installs (identities left to it), the peer; no manual entries
    const net = (address: string) => ({ kind: "ip", address, prefix: 24 });
    expect(g1.ipsecKernel).toEqual({
      flows: [],
      sas: [],
      tunnels: [
        { satype: "esp", family: 4, peer: { kind: "ip", address: "192.0.123.85" }, direction: "in", from: net("192.168.15.0"), to: net("172.16.0.0"), type: "use" },
        { satype: "esp", family: 4, peer: { kind: "ip", address: "192.0.123.85" }, direction: "out", from: net("172.16.0.0"), to: net("192.168.15.0"), type: "require" },
      ],
      peers: ["192.0.123.85"],
    });
    expect(g1.sysctls).toEqual({ "net.inet.ip.forwarding": "1" });
    expect(file(g1, "/etc/sysctl.conf").content).toBe("net.inet.ip.forwarding=1\n");
  });
});

describe("scenario 2: filtering on enc0 and pf tags (seeds/000)", () => {
  const www = {
    kind: "filter" as const, action: "pass" as const, direction: "out" as const, on: [{ name: "enc0" }], protos: ["tcp"],
    from: { hosts: [{ kind: "interface" as const, name: "em0", modifier: "network" as const }], ports: [] },
    to: { hosts: [{ kind: "address" as const, address: "192.168.15.5" }], ports: [{ op: "=" as const, port: 80 }, { op: "=" as const, port: 443 }] },
    state: "keep" as const, stateOptions: { ifBound: true },
  };
  const r = plan(
    topo({
      tunnels: [
        tunnel({
          enc0: "filter",
          left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [www] },
          right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], tag: "net1-to-net2" },
        }),
      ],
    }),
  );

  it("gateway 1: block on enc0, ipencap from the peer if-bound, the web rule", () => {
    const vpn = lines(file(r.states.gw1, "/etc/pf.anchors/vpn").content);
    expect(vpn.slice(0, 2)).toEqual(["block on enc0 all", "pass in on enc0 proto ipencap from 192.0.123.85 to (em1) keep state (if-bound)"]);
    expect(vpn.at(-1)).toBe("pass out on enc0 proto tcp from em0:network to 192.168.15.5 port { 80 443 } keep state (if-bound)");
    expect(lines(file(r.states.gw1, "/etc/pf.conf").content)[0]).toBe("set skip on lo");
  });

  it("gateway 2: the ike rule carries the tag and pf passes what is tagged", () => {
    expect(lines(file(r.states.gw2, "/etc/ipsec.conf").content)).toEqual(lines(`${GUIDE_GW2_IPSEC} \\\n tag net1-to-net2`));
    const vpn = lines(file(r.states.gw2, "/etc/pf.anchors/vpn").content);
    expect(vpn.slice(0, 3)).toEqual([
      "block on enc0 all",
      "pass in on enc0 proto ipencap from 192.0.2.153 to (em1) keep state (if-bound)",
      "pass in on enc0 all keep state (if-bound) tagged net1-to-net2",
    ]);
  });
});

describe("scenario 3: several per-protocol/port ike rules (seeds/000)", () => {
  const r = plan(topo({ tunnels: [tunnel({ policies: [{ proto: "tcp", port: 80 }, { proto: "tcp", port: 443 }] })] }));
  it("one ike rule per port on each end, mirrored", () => {
    expect(lines(file(r.states.gw1, "/etc/ipsec.conf").content)).toEqual(
      lines(`ike esp proto tcp from 172.16.0.0/24 to 192.168.15.0/24 port 80 \\
 peer 192.0.123.85 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk 204931646879ae1265a7d0437a51cc08fe8d7484
ike esp proto tcp from 172.16.0.0/24 to 192.168.15.0/24 port 443 \\
 peer 192.0.123.85 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk 204931646879ae1265a7d0437a51cc08fe8d7484`),
    );
    expect(lines(file(r.states.gw2, "/etc/ipsec.conf").content)[0]).toBe(
      "ike esp proto tcp from 192.168.15.0/24 port 80 to 172.16.0.0/24 peer 192.0.2.153 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk 204931646879ae1265a7d0437a51cc08fe8d7484",
    );
  });
});

const carpTopo = () =>
  topo({
    gateways: [gw("gw1a", "192.0.2.154", "172.16.0.0/24"), gw("gw1b", "192.0.2.155", "172.16.0.0/24"), gw2()],
    pairs: [
      {
        name: "gw1",
        members: [
          { gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2" },
          { gateway: "gw1b", advskew: 100, syncAddress: "172.16.0.3" },
        ],
        segments: [
          { interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1, password: "p1" },
          { interface: "carp2", carpdev: "em1", address: { address: "192.0.2.153", prefix: 24 }, vhid: 2, password: "p2" },
        ],
        external: "carp2",
        pfsyncDev: "em2",
        sharedkey: "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab",
        preempt: true,
      },
    ],
  });

describe("scenario 4: redundant gateways with CARP and sasyncd (seeds/000)", () => {
  const r = plan(carpTopo());
  it("both members bind the tunnel to the CARP address with `local`; the peer points at it", () => {
    const rule = "ike esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 peer 192.0.123.85 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk 204931646879ae1265a7d0437a51cc08fe8d7484";
    expect(lines(file(r.states.gw1a, "/etc/ipsec.conf").content)).toEqual([rule]);
    expect(lines(file(r.states.gw1b, "/etc/ipsec.conf").content)).toEqual([rule]);
    expect(lines(file(r.states.gw2, "/etc/ipsec.conf").content)[0]).toContain("peer 192.0.2.153 ");
  });
  it("carp interfaces with equal vhid/pass and advskew ordering, pfsync0", () => {
    expect(file(r.states.gw1a, "/etc/hostname.carp2").content).toBe("inet 192.0.2.153 255.255.255.0 NONE vhid 2 carpdev em1 pass p2 advskew 0\n");
    expect(file(r.states.gw1b, "/etc/hostname.carp2").content).toBe("inet 192.0.2.153 255.255.255.0 NONE vhid 2 carpdev em1 pass p2 advskew 100\n");
    // it holds the carp password: secret and 0600 (netstart only insists on no access for others)
    expect(file(r.states.gw1a, "/etc/hostname.carp2")).toMatchObject({ mode: "0600", secret: true });
    expect(file(r.states.gw1a, "/etc/hostname.pfsync0")).toMatchObject({ mode: "0640" });
    expect(file(r.states.gw1a, "/etc/hostname.pfsync0").secret).toBeUndefined();
    expect(file(r.states.gw1a, "/etc/hostname.pfsync0").content).toBe("syncdev em2\nup\n");
    expect(r.states.gw1a!.interfaces).toEqual(["carp1", "carp2", "pfsync0"]);
  });
  it("sasyncd.conf 0600 tracking the external carp, peering with the other member; start order isakmpd → ipsec → sasyncd", () => {
    // seeds/000 (its key is 31 bytes, a broken example: sasyncd refuses it; ours is 32)
    expect(file(r.states.gw1a, "/etc/sasyncd.conf")).toMatchObject({
      content: "interface carp2\npeer 172.16.0.3\nsharedkey 0xda23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab\n",
      mode: "0600", check: "sasyncd", secret: true,
    });
    expect(file(r.states.gw1b, "/etc/sasyncd.conf").content).toContain("peer 172.16.0.2\n");
    const order = Object.entries(r.states.gw1a!.services).sort((a, b) => a[1].order - b[1].order).map(([n]) => n);
    expect(order).toEqual(["isakmpd", "ipsec", "sasyncd"]);
    expect(r.states.gw1a!.services.isakmpd!.flags).toBe("-K"); // -S comes from rc.d (reference C.2)
    expect(r.states.gw1a!.sysctls).toMatchObject({ "net.inet.carp.allow": "1", "net.inet.carp.preempt": "1" });
  });
  it("pf passes carp, pfsync and TCP 500 between the members", () => {
    const vpn = lines(file(r.states.gw1a, "/etc/pf.anchors/vpn").content);
    expect(vpn.slice(0, 5)).toEqual([
      "pass on em0 proto carp all keep state (no-sync)",
      "pass on em1 proto carp all keep state (no-sync)",
      "pass on em2 proto pfsync all",
      "pass in proto tcp from 172.16.0.3 to 172.16.0.2 port = 500",
      "pass out proto tcp from 172.16.0.2 to 172.16.0.3 port = 500",
    ]);
  });
  it("the master (lower advskew) is applied after the backup", () => {
    expect(r.dependsOn).toEqual({ gw1a: ["gw1b"] });
  });
});

const aliceBob = () => [
  gw("alice", "192.0.2.1", "10.1.0.0/24", { external: { interface: "vio0", address: { address: "192.0.2.1", prefix: 24 }, address6: { address: "2001:db8::1", prefix: 64 }, configure: false } }),
  gw("bob", "192.0.2.2", "10.2.0.0/24", { external: { interface: "vio0", address: { address: "192.0.2.2", prefix: 24 }, address6: { address: "2001:db8::2", prefix: 64 }, configure: false } }),
];

/** alice's vpn anchor of scenario 5 (gre and eoip both carry GRE between the same addresses). */
const ALICE_LINK_RULES = [
  "pass in on vio0 proto ipencap from 192.0.2.2 to 192.0.2.1",
  "pass out on vio0 proto ipencap from 192.0.2.1 to 192.0.2.2",
  "pass on gif0 all",
  "pass in on vio0 proto ipencap from 2001:db8::2 to 2001:db8::1",
  "pass out on vio0 proto ipencap from 2001:db8::1 to 2001:db8::2",
  "pass on gif1 all",
  "pass in on vio0 proto gre from 192.0.2.2 to 192.0.2.1",
  "pass out on vio0 proto gre from 192.0.2.1 to 192.0.2.2",
  "pass on gre0 all",
  "pass in on vio0 proto gre from 192.0.2.2 to 192.0.2.1",
  "pass out on vio0 proto gre from 192.0.2.1 to 192.0.2.2",
  "pass on eoip0 all",
].join("\n") + "\n";

describe("scenario 5: gif IPv4-in-IPv4 and IPv4-in-IPv6, gre and eoip (seeds/002)", () => {
  const r = plan(
    topo({
      gateways: aliceBob(),
      tunnels: [],
      links: [
        { name: "g4", kind: "gif", outer: 4, left: { node: "alice", interface: "gif0", inner: { address: "172.16.0.1", prefix: 32 }, role: "gif" }, right: { node: "bob", interface: "gif0", inner: { address: "172.16.0.2", prefix: 32 }, role: "gif" }, ipsec: { kind: "none" } },
        { name: "g6", kind: "gif", outer: 6, left: { node: "alice", interface: "gif1", inner: { address: "172.16.1.1", prefix: 32 }, role: "gif" }, right: { node: "bob", interface: "gif1", inner: { address: "172.16.1.2", prefix: 32 }, role: "gif" }, ipsec: { kind: "none" } },
        { name: "gre", kind: "gre", outer: 4, left: { node: "alice", interface: "gre0", inner: { address: "10.0.0.1", prefix: 32 }, role: "gif" }, right: { node: "bob", interface: "gre0", inner: { address: "10.0.0.2", prefix: 32 }, role: "gif" }, ipsec: { kind: "none" } },
        { name: "eoip", kind: "eoip", outer: 4, vnetid: 42, left: { node: "alice", interface: "eoip0", role: "gif" }, right: { node: "bob", interface: "eoip0", role: "gif" }, ipsec: { kind: "none" } },
      ],
    }),
  );
  it("hostname.gif0 on both ends: tunnel, inner address with dest, up", () => {
    expect(file(r.states.alice, "/etc/hostname.gif0").content).toBe("tunnel 192.0.2.1 192.0.2.2\ninet 172.16.0.1 255.255.255.255\ndest 172.16.0.2\nup\n");
    expect(file(r.states.bob, "/etc/hostname.gif0").content).toBe("tunnel 192.0.2.2 192.0.2.1\ninet 172.16.0.2 255.255.255.255\ndest 172.16.0.1\nup\n");
  });
  it("IPv4 in IPv6 uses the IPv6 egress addresses", () => {
    expect(file(r.states.alice, "/etc/hostname.gif1").content).toBe("tunnel 2001:db8::1 2001:db8::2\ninet 172.16.1.1 255.255.255.255\ndest 172.16.1.2\nup\n");
  });
  it("gre and eoip set net.inet.gre.allow=1; eoip carries its vnetid", () => {
    expect(r.states.alice!.sysctls["net.inet.gre.allow"]).toBe("1");
    expect(file(r.states.bob, "/etc/hostname.eoip0").content).toBe("tunnel 192.0.2.2 192.0.2.1\nvnetid 42\nup\n");
    expect(r.states.alice!.interfaces).toEqual(["eoip0", "gif0", "gif1", "gre0"]);
  });
  it("the vpn anchor passes the encapsulated packets between the outer addresses and everything on each tunnel interface (pf.policy block blocks nothing of the tunnel)", () => {
    expect(file(r.states.alice, "/etc/pf.anchors/vpn").content).toBe(ALICE_LINK_RULES);
  });
});

// seeds/004 (its addresses were lost in scraping; the lab's alice/bob and the guide's keys are used)
const KEYS = {
  spi: { leftToRight: 0xdeadbeef, rightToLeft: 0xfeedbeef },
  auth: "hmac-sha2-256",
  enc: "aes",
  authkey: { leftToRight: "ebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827", rightToLeft: "7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a" },
  enckey: { leftToRight: "46c670e4ad2ef30a29a0ce64738d01e5", rightToLeft: "811ce51cebcaed4280aae9cb2e195f93" },
};

describe("scenario 6: RFC 3884, transport mode for proto ipencap over gif, with a tunnel-mode peer (seeds/004)", () => {
  const r = plan(
    topo({
      gateways: aliceBob(),
      tunnels: [],
      links: [
        {
          name: "rfc3884", kind: "gif", outer: 4,
          left: { node: "alice", interface: "lo1", inner: { address: "172.16.0.1", prefix: 32 }, role: "ipsec-tunnel" },
          right: { node: "bob", interface: "gif0", inner: { address: "172.16.0.2", prefix: 32 }, role: "gif" },
          ipsec: { kind: "manual", keys: KEYS },
        },
      ],
    }),
  );
  it("the tunnel-mode host: flow between inner addresses, esp tunnel SAs", () => {
    expect(lines(file(r.states.alice, "/etc/ipsec.conf").content)).toEqual(
      lines(`flow esp from 172.16.0.1 to 172.16.0.2 local 192.0.2.1 peer 192.0.2.2
esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0xdeadbeef:0xfeedbeef \\
 auth hmac-sha2-256 enc aes \\
 authkey 0xebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827:0x7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a \\
 enckey 0x46c670e4ad2ef30a29a0ce64738d01e5:0x811ce51cebcaed4280aae9cb2e195f93`),
    );
    expect(file(r.states.alice, "/etc/hostname.lo1").content).toBe("inet 172.16.0.1 255.255.255.255\nup\n");
  });
  it("the gif host: transport mode for proto ipencap with the keys swapped", () => {
    expect(lines(file(r.states.bob, "/etc/ipsec.conf").content)).toEqual(
      lines(`flow esp proto ipencap from 192.0.2.2 to 192.0.2.1
esp transport from 192.0.2.2 to 192.0.2.1 spi 0xfeedbeef:0xdeadbeef \\
 auth hmac-sha2-256 enc aes \\
 authkey 0x7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a:0xebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827 \\
 enckey 0x811ce51cebcaed4280aae9cb2e195f93:0x46c670e4ad2ef30a29a0ce64738d01e5`),
    );
    expect(r.states.bob!.services).toEqual({ ipsec: { order: 2, enabled: true, running: true } });
    expect(r.states.bob!.ipsec).toEqual({ daemon: "none", ruleFile: "/etc/ipsec.conf" });
  });
});

describe("scenario 7: IKEv2 with iked (seeds/002)", () => {
  const iked = (auth: "psk" | "publickey") =>
    plan(
      topo({
        gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24", { ike: "iked" }), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" })],
        tunnels: [
          tunnel({
            keying: { kind: "ike", auth: auth === "psk" ? { kind: "psk", psk: "dont_use_psk_its_a_bad_idea" } : { kind: "publickey" } },
            left: { node: "gw1", networks: ["172.16.0.0/24", "fdd0:48b3:1360:ab79::/64"], mode: "passive", rules: [] },
            right: { node: "gw2", networks: ["192.168.15.0/24", "fdd0:48b3:1360:ab7a::/64"], mode: "active", rules: [] },
          }),
        ],
      }),
    );
  it("PSK: a passive responder and an active initiator with several from/to pairs, iked.conf 0600", () => {
    const r = iked("psk");
    expect(file(r.states.gw1, "/etc/iked.conf")).toMatchObject({
      content: `ikev2 "net1-net2" passive tunnel esp \\
\tfrom 172.16.0.0/24 to 192.168.15.0/24 \\
\tfrom fdd0:48b3:1360:ab79::/64 to fdd0:48b3:1360:ab7a::/64 \\
\tlocal 192.0.2.153 \\
\tpsk "dont_use_psk_its_a_bad_idea"
`,
      mode: "0600", check: "iked", secret: true,
    });
    expect(lines(file(r.states.gw2, "/etc/iked.conf").content).join(" ")).toBe(
      'ikev2 "net1-net2" active tunnel esp from 192.168.15.0/24 to 172.16.0.0/24 from fdd0:48b3:1360:ab7a::/64 to fdd0:48b3:1360:ab79::/64 local 192.0.123.85 peer 192.0.2.153 psk "dont_use_psk_its_a_bad_idea"',
    );
    expect(r.states.gw1!.services).toEqual({ iked: { order: 1, enabled: true, running: true } });
    expect(r.states.gw1!.ipsec).toEqual({ daemon: "iked" });
  });
  it("public keys: each end holds its private key and the other end's public key", () => {
    const r = iked("publickey");
    const g1 = r.states.gw1!;
    const g2 = r.states.gw2!;
    expect(file(g1, "/etc/iked/private/local.key")).toMatchObject({ mode: "0600", secret: true });
    expect(file(g1, "/etc/iked/private/local.key").content).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(file(g2, "/etc/iked/pubkeys/ipv4/192.0.2.153").content).toBe(file(g1, "/etc/iked/local.pub").content);
    expect(file(g1, "/etc/iked/pubkeys/ipv4/192.0.123.85").content).toBe(file(g2, "/etc/iked/local.pub").content);
    expect(file(g1, "/etc/iked/local.pub").content).not.toBe(file(g2, "/etc/iked/local.pub").content);
    expect(file(g1, "/etc/iked.conf").content).toContain("srcid 192.0.2.153 dstid 192.0.123.85");
    expect(file(g1, "/etc/iked.conf").content).toContain("ecdsa256");
    // derived, hence stable from one run to the next
    expect(file(iked("publickey").states.gw1, "/etc/iked/local.pub").content).toBe(file(g1, "/etc/iked/local.pub").content);
  });
});

describe("scenario 8: manual keying, flows and SAs in ipsec.conf", () => {
  const r = plan(topo({ tunnels: [tunnel({ keying: { kind: "manual", keys: KEYS } })] }));
  it("a flow and the SA pair, keys swapped on the other end; no IKE daemon", () => {
    expect(lines(file(r.states.gw1, "/etc/ipsec.conf").content)).toEqual([
      "flow esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85",
      `esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes authkey 0x${KEYS.authkey.leftToRight}:0x${KEYS.authkey.rightToLeft} enckey 0x${KEYS.enckey.leftToRight}:0x${KEYS.enckey.rightToLeft}`,
    ]);
    expect(lines(file(r.states.gw2, "/etc/ipsec.conf").content)[1]).toBe(
      `esp tunnel from 192.0.123.85 to 192.0.2.153 spi 0xfeedbeef:0xdeadbeef auth hmac-sha2-256 enc aes authkey 0x${KEYS.authkey.rightToLeft}:0x${KEYS.authkey.leftToRight} enckey 0x${KEYS.enckey.rightToLeft}:0x${KEYS.enckey.leftToRight}`,
    );
    expect(r.states.gw1!.services).toEqual({ ipsec: { order: 2, enabled: true, running: true } });
    expect(lines(file(r.states.gw1, "/etc/pf.anchors/vpn").content)).toEqual(["pass in on em1 proto esp from 192.0.123.85 to (em1)", "pass out on em1 proto esp from em1 to 192.0.123.85"]);
  });
});

describe("scenario 9: host basics", () => {
  const r = plan(
    topo({
      gateways: [
        gw("gw1", "192.0.2.153", "172.16.0.0/24", { forwarding: { ipv4: 1, ipv6: 1 }, esp: true, ah: true, services: { ntpd: { enabled: true, flags: "-s" } }, sysctls: { "net.inet.esp.udpencap": "1" } }),
        gw2(),
      ],
      tunnels: [],
    }),
  );
  it("forwarding, esp/ah enable and extra sysctls in sysctl.conf; rc flags through rcctl", () => {
    expect(file(r.states.gw1, "/etc/sysctl.conf").content).toBe(
      "net.inet.ah.enable=1\nnet.inet.esp.enable=1\nnet.inet.esp.udpencap=1\nnet.inet.ip.forwarding=1\nnet.inet6.ip6.forwarding=1\n",
    );
    expect(r.states.gw1!.services).toEqual({ ntpd: { order: 10, enabled: true, flags: "-s", running: true } });
    expect(r.states.gw1!.ipsec).toEqual({ daemon: "none" });
    expect(r.states.gw1!.files["/etc/ipsec.conf"]).toBeUndefined();
  });
});

describe("anchors", () => {
  it("a PfAnchor is hooked and loaded from its own file", () => {
    const r = plan(
      topo({
        anchors: [{ name: "ssh", gateway: "gw1", rules: [{ kind: "filter", action: "pass", direction: "in", on: [], protos: ["tcp"], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [{ op: "=", port: 22 }] } }] }],
      }),
    );
    expect(lines(file(r.states.gw1, "/etc/pf.conf").content).slice(-2)).toEqual(['anchor "ssh" all', 'load anchor "ssh" from "/etc/pf.anchors/ssh"']);
    expect(file(r.states.gw1, "/etc/pf.anchors/ssh")).toMatchObject({ content: "pass in proto tcp from any to any port = 22\n", check: "pf-anchor" });
    expect(r.states.gw1!.anchors.ssh).toEqual({ file: "/etc/pf.anchors/ssh" });
  });
});

it("the PSK of the tunnel is never outside the 0600 secret ipsec.conf", () => {
  const r = plan(topo());
  for (const s of Object.values(r.states))
    for (const [path, f] of Object.entries(s.files)) if (f.content.includes(PSK)) expect([path, f.secret, f.mode]).toEqual(["/etc/ipsec.conf", true, "0600"]);
});

it("plans gw1 of scenario 1 the same whatever the order of declarations", () => {
  const a = plan(topo()).states.gw1;
  const b = plan(topo({ gateways: [gw2(), gw1()] })).states.gw1;
  expect(b).toEqual(a);
});

describe("large meshes", () => {
  it("a gateway with many IPsec peers passes them through one table instead of four rules per peer", () => {
    const n = 12;
    const gws = Array.from({ length: n }, (_, i) => gw(`m${i}`, `198.18.0.${i + 1}`, `10.0.${i}.0/24`));
    const tunnels = [];
    for (let i = 1; i < n; i++)
      tunnels.push(tunnel({ name: `m0-m${i}`, left: { node: "m0", networks: ["10.0.0.0/24"], mode: "active", rules: [] }, right: { node: `m${i}`, networks: [`10.0.${i}.0/24`], mode: "active", rules: [] } }));
    const r = plan(topo({ gateways: gws, tunnels }));
    const peers = Array.from({ length: n - 1 }, (_, i) => `198.18.0.${i + 2}`).join(" ");
    expect(lines(file(r.states.m0, "/etc/pf.anchors/vpn").content)).toEqual([
      `table <vpn_peers> const { ${peers} }`,
      "pass in on em1 proto udp from <vpn_peers> to (em1) port { 500 4500 }",
      "pass out on em1 proto udp from em1 to <vpn_peers> port { 500 4500 }",
      "pass in on em1 proto esp from <vpn_peers> to (em1)",
      "pass out on em1 proto esp from em1 to <vpn_peers>",
    ]);
    // the spokes have one peer each: the guide's rules
    expect(lines(file(r.states.m1, "/etc/pf.anchors/vpn").content)).toEqual(lines(GUIDE_GW1_PF.replaceAll("192.0.123.85", "198.18.0.1")));
    expect(lines(file(r.states.m0, "/etc/ipsec.conf").content)).toHaveLength(n - 1);
  });
});
