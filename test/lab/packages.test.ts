// The emulated pkg_add/pkg_info/pkg_delete (a test double, test/lab/emu/packages.ts) on the lab: the Debian
// program under its OpenBSD path, its rc.d script, pkg_scripts through rcctl, and the real daemon started by
// rc.d carrying traffic (openvpn, static key, between the site-to-site gateways).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labHostExec, labReboot, labUp, type Lab } from "./api";

const KEY = ["-----BEGIN OpenVPN Static key V1-----", ...Array.from({ length: 16 }, (_, i) => (i.toString(16).repeat(32)).slice(0, 32)), "-----END OpenVPN Static key V1-----", ""].join("\n");
const conf = (local: string, remote: string, me: string, peer: string, dir: number, route: string) => `dev tun0
proto udp
local ${local}
lport 1194
remote ${remote}
rport 1194
ifconfig ${me} ${peer}
secret /etc/openvpn/t.key ${dir}
cipher AES-256-CBC
auth SHA256
keepalive 2 10
route ${route} 255.255.255.0
`;

describe("packages in the lab (pkg_add, pkg_info, pkg_delete, rc.d)", () => {
  let lab: Lab;
  const x = async (gw: string, cmd: string, stdin?: string) => labExec(lab, gw, cmd, stdin);
  beforeAll(async () => {
    lab = await labUp("site-to-site", { prefix: "v1", quiet: true });
  });
  afterAll(async () => {
    if (lab) await labDown(lab);
  });

  it("pkg_add installs openvpn under its OpenBSD path with its rc.d script; pkg_info lists it", async () => {
    expect(await x("gw1", "pkg_info -q")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await x("gw1", "pkg_add -I openvpn")).toEqual({ stdout: "openvpn-2.6.14: ok\nThe following new rcscripts were installed: /etc/rc.d/openvpn\nSee rcctl(8) for details.\n", stderr: "", code: 0 });
    expect(await x("gw1", "pkg_add -I openvpn")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await x("gw1", "pkg_info -q")).toEqual({ stdout: "openvpn-2.6.14\n", stderr: "", code: 0 });
    expect((await x("gw1", "pkg_info")).stdout).toBe("openvpn-2.6.14      easy-to-use, robust and highly configurable VPN\n");
    expect((await x("gw1", "/usr/local/sbin/openvpn --version")).stdout).toMatch(/^OpenVPN 2\.6\./);
    expect((await x("gw1", "rcctl getdef openvpn flags")).stdout).toBe("--config /etc/openvpn/server.conf\n");
    // another gateway has its own /usr/local/sbin
    expect((await x("gw2", "ls /usr/local/sbin; pkg_info -q")).stdout).toBe("");
    expect(await x("gw1", "pkg_add -I nosuchpkg")).toEqual({ stdout: "", stderr: "Can't find nosuchpkg\n", code: 1 });
  });

  it("rcctl enable puts a package daemon in pkg_scripts; disable takes it out", async () => {
    expect((await x("gw1", "rcctl enable openvpn && rcctl set openvpn flags --config /etc/openvpn/t.conf && cat /etc/rc.conf.local")).stdout).toBe("openvpn_flags=--config /etc/openvpn/t.conf\npkg_scripts=openvpn\n");
    expect((await x("gw1", "rcctl ls on")).stdout.split("\n")).toContain("openvpn");
    expect((await x("gw1", "rcctl disable openvpn; cat /etc/rc.conf.local 2>/dev/null; rcctl get openvpn status")).code).toBe(1);
  });

  it("openvpn started through rcctl carries a ping between the sites, and comes back after a reboot", async () => {
    await x("gw2", "pkg_add -I openvpn");
    for (const [gw, local, remote, me, peer, dir, route] of [
      ["gw1", "192.0.2.153", "192.0.123.85", "10.8.0.1", "10.8.0.2", 0, "192.168.15.0"],
      ["gw2", "192.0.123.85", "192.0.2.153", "10.8.0.2", "10.8.0.1", 1, "172.16.0.0"],
    ] as const) {
      expect((await x(gw, "mkdir -p /etc/openvpn && cat > /etc/openvpn/t.key && chmod 600 /etc/openvpn/t.key", KEY)).code).toBe(0);
      expect((await x(gw, "cat > /etc/openvpn/t.conf", conf(local, remote, me, peer, dir, route))).code).toBe(0);
      const r = await x(gw, "rcctl enable openvpn && rcctl set openvpn flags --config /etc/openvpn/t.conf && rcctl start openvpn");
      expect(r, gw).toEqual({ stdout: "openvpn(ok)\n", stderr: "", code: 0 });
      expect((await x(gw, "echo net.inet.ip.forwarding=1 > /etc/sysctl.conf && sysctl net.inet.ip.forwarding=1")).code).toBe(0);
    }
    const ping = "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10";
    const p = await labHostExec(lab, "h1", ping);
    expect(p.code, p.stdout + p.stderr + (await x("gw1", "cat /var/log/openvpn.log")).stdout).toBe(0);
    expect((await x("gw1", "rcctl check openvpn")).stdout).toBe("openvpn(ok)\n");
    await labReboot(lab, "gw1");
    expect((await x("gw1", "rcctl check openvpn")).stdout).toBe("openvpn(ok)\n");
    const q = await labHostExec(lab, "h1", ping);
    expect(q.code, q.stdout + q.stderr).toBe(0);
    expect(await x("gw1", "rcctl stop openvpn")).toEqual({ stdout: "openvpn(ok)\n", stderr: "", code: 0 });
    expect((await x("gw1", "rcctl check openvpn")).code).toBe(1);
  });

  it("pkg_delete removes the package and its rc.d script", async () => {
    expect(await x("gw2", "rcctl stop openvpn >/dev/null; pkg_delete -I openvpn")).toEqual({ stdout: "openvpn-2.6.14: ok\n", stderr: "", code: 0 });
    expect((await x("gw2", "pkg_info -q; ls /usr/local/sbin; ls /etc/rc.d/openvpn 2>/dev/null")).stdout).toBe("");
    expect(await x("gw2", "pkg_delete openvpn")).toEqual({ stdout: "", stderr: "pkg_delete: openvpn: not installed\n", code: 1 });
  });
});
