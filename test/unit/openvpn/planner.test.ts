import { describe, expect, it } from "vitest";
import { planAndRender, PlanError } from "../../../sdk/planner/index";
import { deriveOpenVpnKey, type OpenVpnEndSpec, type OpenVpnSpec } from "../../../sdk/planner/openvpn";
import { openVpnStaticKey } from "../../../sdk/model/openvpn/index";
import { refusalOf } from "../../../sdk/model/tokens/index";
import { FP_KEY, gw1, gw2, topo } from "../planner/fixtures";

const KEY = deriveOpenVpnKey("seed-gw1", "site1-site2");
const end = (node: string, inner: string, more: Partial<OpenVpnEndSpec> = {}): OpenVpnEndSpec => ({ node, interface: "tun0", inner, port: 1194, ...more });
const ovt = (more: Partial<OpenVpnSpec> = {}): OpenVpnSpec => ({
  name: "site1-site2", left: end("gw1", "10.8.0.1"), right: end("gw2", "10.8.0.2"), key: KEY, cipher: "AES-256-CBC", auth: "SHA256", keepalive: { interval: 10, timeout: 60 }, ...more,
});
const plan = (os: OpenVpnSpec[], gateways = [gw1(), gw2()]) => planAndRender(topo({ gateways, tunnels: [], openvpn: os }), { fingerprintKey: FP_KEY });
const issuesOf = (os: OpenVpnSpec[], gateways = [gw1(), gw2()]): string[] => {
  try {
    plan(os, gateways);
  } catch (e) {
    if (e instanceof PlanError) return e.message.split("\n");
    throw e;
  }
  return [];
};

describe("OpenVpnTunnel in the planner", () => {
  it("writes the config of each end line for line, the key 0600 and secret, rc.d openvpn with its flags, the package", () => {
    const r = plan([ovt()]);
    const s1 = r.states.gw1!;
    expect(s1.files["/etc/openvpn/site1-site2.conf"]!.content).toBe(
      "dev tun0\nproto udp\nlocal 192.0.2.153\nlport 1194\nremote 192.0.123.85\nrport 1194\nifconfig 10.8.0.1 10.8.0.2\n" +
        "secret /etc/openvpn/site1-site2.key 0\ncipher AES-256-CBC\nauth SHA256\nkeepalive 10 60\nroute 192.168.15.0 255.255.255.0\n",
    );
    expect(s1.files["/etc/openvpn/site1-site2.conf"]).toMatchObject({ mode: "0644" });
    expect(s1.files["/etc/openvpn/site1-site2.conf"]!.secret).toBeUndefined();
    expect(s1.files["/etc/openvpn/site1-site2.key"]).toMatchObject({ content: KEY, mode: "0600", secret: true });
    expect(s1.secrets).toContain(KEY.trim());
    expect(s1.services.openvpn).toEqual({ order: 5, enabled: true, flags: "--config /etc/openvpn/site1-site2.conf", running: true, restartOn: ["/etc/openvpn/site1-site2.conf", "/etc/openvpn/site1-site2.key"] });
    expect(s1.packages).toEqual(["openvpn"]);
    const c2 = r.states.gw2!.files["/etc/openvpn/site1-site2.conf"]!.content.split("\n");
    expect(c2).toContain("local 192.0.123.85");
    expect(c2).toContain("ifconfig 10.8.0.2 10.8.0.1");
    expect(c2).toContain("secret /etc/openvpn/site1-site2.key 1");
    expect(c2).toContain("route 172.16.0.0 255.255.255.0");
    expect(r.states.gw1!.files["/etc/pf.anchors/vpn"]!.content.split("\n")).toEqual([
      "pass in on em1 proto udp from 192.0.123.85 to (em1) port = 1194",
      "pass out on em1 proto udp from em1 to 192.0.123.85 port = 1194",
      "pass on tun0 all",
      "",
    ]);
  });

  it("derives a 2048-bit static key in openvpn --genkey's format, stable, per tunnel", () => {
    const lines = KEY.split("\n");
    expect(lines.slice(0, 4)).toEqual(["#", "# 2048 bit OpenVPN static key", "#", "-----BEGIN OpenVPN Static key V1-----"]);
    expect(lines.slice(4, 20).every((l) => /^[0-9a-f]{32}$/.test(l))).toBe(true);
    expect(lines[20]).toBe("-----END OpenVPN Static key V1-----");
    expect(deriveOpenVpnKey("seed-gw1", "site1-site2")).toBe(KEY);
    expect(deriveOpenVpnKey("seed-gw1", "other")).not.toBe(KEY);
    expect(openVpnStaticKey(KEY)).toBe(KEY);
    expect(refusalOf(openVpnStaticKey, KEY.replace(/^[0-9a-f]{32}$/m, "zz"))?.reason).toBe("the key lines hold characters other than hex digits");
    expect(refusalOf(openVpnStaticKey, "-----BEGIN OpenVPN Static key V1-----\nabcd\n-----END OpenVPN Static key V1-----")?.reason).toBe("holds 2 key bytes; a static key has 256");
  });

  it("refuses at preview what needs both ends: same inner address, a routed network overlapping the other site, two tunnels on one gateway", () => {
    expect(issuesOf([ovt({ right: end("gw2", "10.8.0.1") })])).toEqual([
      'OpenVpnTunnel "site1-site2", Gateway "gw1", Gateway "gw2": left.inner, right.inner = 10.8.0.1: both ends have the same inner address (`ifconfig LOCAL REMOTE` needs two); give each end its own address, e.g. `10.8.0.1` and `10.8.0.2`',
    ]);
    expect(issuesOf([ovt({ right: end("gw2", "10.8.0.2", { networks: ["172.16.0.0/16"] }) })])).toEqual([
      'OpenVpnTunnel "site1-site2", Gateway "gw1": right.networks = 172.16.0.0/16: overlaps 172.16.0.0/24 (Gateway "gw1" internal network 172.16.0.0/24) of Gateway "gw1": it would be routed into the tunnel; route only the other site\'s networks through the tunnel',
    ]);
    expect(issuesOf([ovt(), ovt({ name: "again" })]).join("\n")).toContain('OpenVpnTunnel "again", OpenVpnTunnel "site1-site2", Gateway "gw1": left.gateway = gw1: OpenVpnTunnel "site1-site2" already runs OpenVPN on this gateway (rc.d/openvpn starts one --config); declare at most one OpenVpnTunnel per gateway');
  });

  it("a gateway's own packages join the list, checked against the package grammar", () => {
    const r = plan([ovt()], [{ ...gw1(), packages: ["tinc", "openvpn"] }, gw2()]);
    expect(r.states.gw1!.packages).toEqual(["openvpn", "tinc"]);
    expect(issuesOf([], [{ ...gw1(), packages: ["openvpn-2.6.12"] }, gw2()])).toEqual([
      'Gateway "gw1": packages[0] = openvpn-2.6.12: holds a version (`-` followed by a digit): the provider installs a package by its stem; drop the version, e.g. `openvpn`',
    ]);
    expect(issuesOf([], [{ ...gw1(), packages: ["python%3.10", "python%3.11"] }, gw2()]).join("\n")).toContain("two names of one package stem on one gateway");
  });
});
