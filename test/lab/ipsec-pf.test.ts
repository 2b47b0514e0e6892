/**
 * The emulated pfctl/ipsecctl/isakmpd on a real lab (site-to-site: gw1 192.0.2.153 with 172.16.0.0/24,
 * gw2 192.0.123.85 with 192.168.15.0/24), run inside each gateway's namespaces through the OpenBSD paths:
 * mirrored ike rules + isakmpd -K on both → flows on both; a PSK changed on one side → no flows; `ipsecctl -f`
 * is additive and `-d -f` removes; `pfctl -a vpn -f` replaces atomically and a syntax error leaves the old
 * anchor; refusals word for word.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labPut, labUp, type Lab } from "./api";

let lab: Lab;
beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "h8ip", quiet: true });
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

const sh = (gw: string, cmd: string) => labExec(lab, gw, cmd);
const xf = "main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish";
const conf = (from: string, to: string, peer: string, psk: string) => `ike esp from ${from} to ${to} peer ${peer} \\\n\t${xf} \\\n\tpsk "${psk}"\n`;
const GW1 = conf("172.16.0.0/24", "192.168.15.0/24", "192.0.123.85", "204931646879ae1265a7d0437a51cc08fe8d7484");
const GW2 = conf("192.168.15.0/24", "172.16.0.0/24", "192.0.2.153", "204931646879ae1265a7d0437a51cc08fe8d7484");
const FLOWS_GW1 =
  "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type use\n" +
  "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type require\n";
const FLOWS_GW2 =
  "flow esp in from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type use\n" +
  "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type require\n";

describe("ipsecctl + isakmpd between two lab gateways", () => {
  it("refuses a world-readable ipsec.conf, word for word", async () => {
    await labPut(lab, "gw1", "/etc/ipsec.conf", GW1, 0o644);
    expect(await sh("gw1", "ipsecctl -n -f /etc/ipsec.conf")).toEqual({
      stdout: "",
      stderr: "ipsecctl: /etc/ipsec.conf: group writable or world read/writable\nipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      code: 1,
    });
  });

  it("mirrored ike rules and isakmpd -K on both: flows on both gateways", async () => {
    await labPut(lab, "gw1", "/etc/ipsec.conf", GW1, 0o600);
    await labPut(lab, "gw2", "/etc/ipsec.conf", GW2, 0o600);
    for (const gw of ["gw1", "gw2"]) {
      expect(await sh(gw, "ipsecctl -n -f /etc/ipsec.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
      expect((await sh(gw, "rcctl enable isakmpd && rcctl set isakmpd flags -K && rcctl start isakmpd")).stdout).toBe("isakmpd(ok)\n");
    }
    expect(await sh("gw1", "ipsecctl -f /etc/ipsec.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await sh("gw1", "ipsecctl -sf")).stdout).toBe(""); // gw2's isakmpd knows nothing yet
    expect(await sh("gw2", "ipsecctl -f /etc/ipsec.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await sh("gw1", "ipsecctl -sf")).toEqual({ stdout: FLOWS_GW1, stderr: "", code: 0 });
    expect(await sh("gw2", "ipsecctl -sf")).toEqual({ stdout: FLOWS_GW2, stderr: "", code: 0 });
    const sad1 = (await sh("gw1", "ipsecctl -ss")).stdout;
    expect(sad1).toMatch(/^(esp tunnel from 192\.0\.(2\.153|123\.85) to 192\.0\.(123\.85|2\.153) spi 0x[0-9a-f]{8} auth hmac-sha2-384 enc blowfish\n){2}$/);
    expect((await sh("gw2", "ipsecctl -ss")).stdout).toBe(sad1);
  });

  it("a PSK changed on one side: the flows are gone on both", async () => {
    expect(await sh("gw2", "ipsecctl -d -f /etc/ipsec.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
    await labPut(lab, "gw2", "/etc/ipsec.conf", GW2.replace(/psk "[^"]+"/, 'psk "another-secret"'), 0o600);
    expect(await sh("gw2", "ipsecctl -f /etc/ipsec.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await sh("gw1", "ipsecctl -sf")).stdout).toBe("");
    expect((await sh("gw2", "ipsecctl -s all")).stdout).toBe("FLOWS:\nNo flows\n\nSAD:\nNo entries\n");
    // back to the shared PSK: up again
    await sh("gw2", "ipsecctl -d -f /etc/ipsec.conf");
    await labPut(lab, "gw2", "/etc/ipsec.conf", GW2, 0o600);
    await sh("gw2", "ipsecctl -f /etc/ipsec.conf");
    expect((await sh("gw1", "ipsecctl -sf")).stdout).toBe(FLOWS_GW1);
  });

  it("ipsecctl -f twice is additive; -d -f removes what the file describes", async () => {
    await labPut(lab, "gw1", "/etc/ipsec.static", "flow esp from 10.9.0.0/24 to 10.8.0.0/24 peer 192.0.123.85\n", 0o600);
    for (let i = 0; i < 2; i++) expect(await sh("gw1", "ipsecctl -f /etc/ipsec.static")).toEqual({ stdout: "", stderr: "", code: 0 });
    const statics =
      "flow esp out from 10.9.0.0/24 to 10.8.0.0/24 peer 192.0.123.85 type require\n" +
      "flow esp in from 10.8.0.0/24 to 10.9.0.0/24 peer 192.0.123.85 type require\n";
    expect((await sh("gw1", "ipsecctl -sf")).stdout).toBe(statics + FLOWS_GW1);
    expect(await sh("gw1", "ipsecctl -d -f /etc/ipsec.static")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await sh("gw1", "ipsecctl -sf")).stdout).toBe(FLOWS_GW1);
    expect(await sh("gw1", "ipsecctl -d -f /etc/ipsec.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await sh("gw1", "ipsecctl -sf")).stdout).toBe("");
  });
});

describe("pfctl anchors on a lab gateway", () => {
  const VPN = 'ext_if = "em1"\npeer = "192.0.123.85"\n' +
    "pass in quick on $ext_if proto udp from $peer to ($ext_if) port { isakmp, ipsec-nat-t }\n" +
    "pass in quick on $ext_if proto esp from $peer to ($ext_if)\n";
  const VPN_SR =
    "pass in quick on em1 inet proto udp from 192.0.123.85 to (em1) port = 500\n" +
    "pass in quick on em1 inet proto udp from 192.0.123.85 to (em1) port = 4500\n" +
    "pass in quick on em1 inet proto esp from 192.0.123.85 to (em1)\n";

  it("pfctl -a vpn -f replaces the anchor atomically; a syntax error leaves the old rules", async () => {
    await labPut(lab, "gw1", "/etc/pf.conf", 'set skip on lo\nblock return\npass\nanchor "vpn"\n', 0o600);
    await labPut(lab, "gw1", "/etc/pf.anchors/vpn", VPN, 0o600);
    expect(await sh("gw1", "pfctl -f /etc/pf.conf && pfctl -o none -a vpn -f /etc/pf.anchors/vpn")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await sh("gw1", "pfctl -a vpn -sr")).toEqual({ stdout: VPN_SR, stderr: "", code: 0 });
    expect((await sh("gw1", "pfctl -sr")).stdout).toBe('block return all\npass all flags S/SA\nanchor "vpn" all\n');
    await labPut(lab, "gw1", "/etc/pf.anchors/vpn.new", "pass in on em1 proto esp\npass in on em1 proto esp keep state (if-bond)\n", 0o600);
    expect(await sh("gw1", "pfctl -a vpn -f /etc/pf.anchors/vpn.new")).toEqual({
      stdout: "",
      stderr: "/etc/pf.anchors/vpn.new:2: syntax error\npfctl: Syntax error in config file: pf rules not loaded\n",
      code: 1,
    });
    expect((await sh("gw1", "pfctl -a vpn -sr")).stdout).toBe(VPN_SR);
    expect(await sh("gw1", "pfctl -a vpn -F rules")).toEqual({ stdout: "", stderr: "rules cleared\n", code: 0 });
    expect(await sh("gw1", "pfctl -a vpn -sr")).toEqual({ stdout: "", stderr: "", code: 0 }); // still called from the main ruleset
  });
});
