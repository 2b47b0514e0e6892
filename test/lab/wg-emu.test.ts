/**
 * wg(4) on the lab's emulated gateways, data path included: the planner's /etc/hostname.wg0 for the
 * site-to-site lab's two gateways, applied with `sh /etc/netstart wg0` as the provider does; the emulated
 * ifconfig runs wireguard-go (scripts/wireguard-go.sh) on a tun device wg0 in each gateway's namespace,
 * the `!route` lines route the other site through the tunnel, and h1 (net1) pings h2 (net2) across it.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labHostExec, labPut, labUp, type Lab } from "./api";
import { planAndRender } from "../../sdk/planner/index";
import { deriveWgKeyPair } from "../../sdk/planner/wgkeys";
import { FP_KEY, gw } from "../unit/planner/fixtures";

const haveWgGo = existsSync(new URL("../../.state/wireguard-go/wireguard", import.meta.url).pathname);

describe.skipIf(!haveWgGo)("wg(4) on emulated gateways with wireguard-go", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await labUp("site-to-site", { prefix: "wge", quiet: true });
  }, 120_000);
  afterAll(async () => {
    if (lab) await labDown(lab);
  });

  it("netstart wg0 brings the tunnel up; h1 pings h2 through it; destroy stops it", async () => {
    const r = planAndRender({
      gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24"), gw("gw2", "192.0.123.85", "192.168.15.0/24")], tunnels: [], pairs: [], anchors: [], links: [],
      wireguard: [{
        name: "t", keepalive: 5,
        left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 }, port: 51820, ...deriveWgKeyPair("s", "gw1", "wg0") },
        right: { node: "gw2", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 }, port: 51820, ...deriveWgKeyPair("s", "gw2", "wg0") },
      }],
    }, { fingerprintKey: FP_KEY });
    for (const g of ["gw1", "gw2"]) {
      await labPut(lab, g, "/etc/hostname.wg0", r.states[g]!.files["/etc/hostname.wg0"]!.content, 0o600);
      const f = await labExec(lab, g, "sysctl net.inet.ip.forwarding=1 && sh /etc/netstart wg0 && ifconfig wg0");
      expect(f.code, f.stderr).toBe(0);
      expect(f.stdout).toContain("\twgpubkey ");
    }
    // the first packets wait for the handshake: up to 10 s for the tunnel to carry one, then 3 of 3
    for (let i = 0; i < 10 && (await labHostExec(lab, "h1", "ping -c 1 -W 1 192.168.15.10")).code !== 0; i++);
    const p = await labHostExec(lab, "h1", "ping -c 3 -i 0.3 -W 2 192.168.15.10");
    expect(p.stdout, p.stderr).toMatch(/3 received/);
    // a hand-made wrong peer key on gw2: the tunnel carries nothing
    const bad = await labExec(lab, "gw2", `ifconfig wg0 -wgpeerall wgpeer ${deriveWgKeyPair("x", "gw1", "wg0").publicKey} wgendpoint 192.0.2.153 51820 wgaip 172.16.0.0/24`);
    expect(bad.code, bad.stderr).toBe(0);
    expect((await labHostExec(lab, "h1", "ping -c 2 -i 0.3 -W 1 192.168.15.10")).code).not.toBe(0);
    for (const g of ["gw1", "gw2"]) expect((await labExec(lab, g, "ifconfig wg0 destroy")).code).toBe(0);
    // the tun devices are gone, and with them the wireguard-go processes of this lab
    for (const g of ["gw1", "gw2"]) expect((await labExec(lab, g, "ls /var/run/wireguard/; ip link show wg0 2>&1")).stdout).toMatch(/does not exist/);
    const alive = async () => (await labExec(lab, "gw1", `for p in $(pgrep -x wireguard); do ip netns identify $p; done`)).stdout.split("\n").filter((n) => n.startsWith(lab.id));
    for (let i = 0; i < 50 && (await alive()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await alive()).toEqual([]);
  }, 120_000);
});
