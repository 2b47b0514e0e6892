/**
 * Scenario 12: OpenVPN from packages between the site-to-site lab's gateways, examples/12-openvpn. The lab's
 * pkg_add installs Debian's openvpn as /usr/local/sbin/openvpn with rc.d/openvpn (test/lab/emu/packages.ts), so
 * the real openvpn carries h1's pings to h2 through tun0. The static key is given as a secret config value (so
 * the expected files are known here, and the secrets check looks for it in the state and the engine's output).
 */
import { expect, it } from "vitest";
import { scenario } from "./harness";
import { labExec } from "../../lab/api";
import { deriveOpenVpnKey } from "../../../sdk/planner/openvpn";

const KEY = deriveOpenVpnKey("e2e-openvpn-key", "site1-site2");
const conf = (local: string, remote: string, me: string, peer: string, dir: number, route: string) => `dev tun0
proto udp
local ${local}
lport 1194
remote ${remote}
rport 1194
ifconfig ${me} ${peer}
secret /etc/openvpn/site1-site2.key ${dir}
cipher AES-256-CBC
auth SHA256
keepalive 10 60
route ${route} 255.255.255.0
`;
const vpn = (peer: string) => `pass in on em1 proto udp from ${peer} to (em1) port 1194
pass out on em1 proto udp from em1 to ${peer} port 1194
pass on tun0 all
`;
const PING = "for i in $(seq 1 20); do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10";

scenario({
  example: "12-openvpn",
  project: "openbsd-openvpn",
  topology: "site-to-site",
  prefix: "v12",
  config: { openvpnKey: { value: KEY, secret: true } },
  files: {
    gw1: {
      "/etc/openvpn/site1-site2.conf": conf("192.0.2.153", "192.0.123.85", "10.8.0.1", "10.8.0.2", 0, "192.168.15.0"),
      "/etc/openvpn/site1-site2.key": KEY,
      "/etc/pf.anchors/vpn": vpn("192.0.123.85"),
      "/etc/rc.conf.local": "openvpn_flags=--config /etc/openvpn/site1-site2.conf\npkg_scripts=openvpn\n",
    },
    gw2: {
      "/etc/openvpn/site1-site2.conf": conf("192.0.123.85", "192.0.2.153", "10.8.0.2", "10.8.0.1", 1, "172.16.0.0"),
      "/etc/openvpn/site1-site2.key": KEY,
      "/etc/pf.anchors/vpn": vpn("192.0.2.153"),
    },
  },
  // the first pings wait for the tunnel to come up (the real openvpn, started by rc.d); then three of three
  traffic: [{ host: "h1", command: PING }],
  edit: { gateway: "gw2", command: "sed -i 's/^keepalive 10 60$/keepalive 5 30/' /etc/openvpn/site1-site2.conf", file: "/etc/openvpn/site1-site2.conf" },
  reboot: "gw1",
  more: (ctx) => {
    it("the key is installed 0600 root:wheel, the package is there, and openvpn runs with its flags", async () => {
      const { lab } = ctx();
      for (const gw of ["gw1", "gw2"]) {
        const r = await labExec(lab, gw, "ls -l /etc/openvpn/site1-site2.key | cut -d' ' -f1,3,4; pkg_info -q; rcctl get openvpn flags; rcctl check openvpn");
        expect(r.stdout, gw).toBe("-rw------- root wheel\nopenvpn-2.6.14\n--config /etc/openvpn/site1-site2.conf\nopenvpn(ok)\n");
      }
    });
    it("a package removed by hand is reported by refresh and installed again by up; traffic flows after it", async () => {
      const { lab, stack } = ctx();
      expect((await labExec(lab, "gw1", "pkg_delete openvpn")).code).toBe(0);
      const r = await stack.refresh();
      expect(r.summary.resourceChanges?.update).toBe(1);
      expect((await stack.preview()).changeSummary.update).toBe(1);
      const u = await stack.up();
      expect(u.summary.resourceChanges?.update).toBe(1);
      expect((await labExec(lab, "gw1", "pkg_info -q; ls /etc/rc.d/openvpn")).stdout).toBe("openvpn-2.6.14\n/etc/rc.d/openvpn\n");
      expect(Object.keys((await stack.preview()).changeSummary)).toEqual(["same"]);
    });
    it("traffic still crosses the tunnel after the repairs and the reboot", async () => {
      const { lab } = ctx();
      const { labHostExec } = await import("../../lab/api");
      const r = await labHostExec(lab, "h1", PING);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  },
  destroyed: async (lab) => {
    // the provider installed openvpn: destroy stopped it and removed the package, its rc.d script and pkg_scripts
    for (const gw of ["gw1", "gw2"]) {
      const r = await labExec(lab, gw, "pkg_info -q; ls -A /usr/local/sbin; ls /etc/rc.d/openvpn 2>/dev/null; rcctl ls started | grep openvpn");
      expect(r.stdout, gw).toBe("");
    }
  },
});
