/**
 * The emulator's ifconfig learns wg(4): a hostname.wg0 the planner renders goes through the emulated
 * netstart, and `ifconfig wg0` prints the settings as OpenBSD's wg_status() does; ifconfig's own errors.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sandbox, type Sandbox } from "./harness";
import { deriveWgKeyPair } from "../../../sdk/planner/wgkeys";
import { planAndRender } from "../../../sdk/planner/index";
import { FP_KEY, gw1, gw2, topo } from "../planner/fixtures";

const k1 = deriveWgKeyPair("seed-gw1", "gw1", "wg0");
const k2 = deriveWgKeyPair("seed-gw2", "gw2", "wg0");
const PSK = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => sb.done());

describe("emulated ifconfig: wg(4)", () => {
  it("netstart wg0 from the planner's file; ifconfig wg0 prints wg_status's lines", async () => {
    const r = planAndRender(topo({
      gateways: [gw1(), gw2()], tunnels: [],
      wireguard: [{
        name: "t", keepalive: 25, psk: PSK,
        left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 }, port: 51820, ...k1 },
        right: { node: "gw2", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 }, port: 51821, ...k2 },
      }],
    }), { fingerprintKey: FP_KEY });
    const text = r.states.gw1!.files["/etc/hostname.wg0"]!.content;
    expect(text).toContain("\n!route -q add -inet 192.168.15.0/24 10.9.0.2\n");
    // without its `!route` line: netstart would run it through the sandbox host's shell
    await sb.write("/etc/hostname.wg0", text.replace(/^!.*\n/m, ""), 0o600);
    const ns = await sb.run("netstart", ["wg0"]);
    expect(ns.stderr).toBe("");
    const out = await sb.run("ifconfig", ["wg0"]);
    expect(out.stdout.split("\n").slice(1)).toEqual([
      "\tindex 3 priority 0 llprio 3",
      "\twgport 51820",
      `\twgpubkey ${k1.publicKey}`,
      `\twgpeer ${k2.publicKey}`,
      "\t\twgpsk (present)",
      "\t\twgpka 25 (sec)",
      "\t\twgendpoint 192.0.123.85 51821",
      "\t\ttx: 0, rx: 0",
      "\t\twgaip 10.9.0.2/32",
      "\t\twgaip 192.168.15.0/24",
      "\tgroups: wg",
      "\tinet 10.9.0.1 netmask 0xffffff00 broadcast 10.9.0.255",
      "",
    ]);
    expect(out.stdout.split("\n")[0]).toBe("wg0: flags=80c3<UP,BROADCAST,RUNNING,NOARP,MULTICAST> mtu 1420");
    // the private key is never printed
    expect(out.stdout).not.toContain(k1.privateKey);
  });

  it("refuses as ifconfig does", async () => {
    expect((await sb.run("ifconfig", ["wg1", "create"])).code).toBe(0);
    expect(await sb.run("ifconfig", ["wg1", "wgaip", "10.0.0.0/8"])).toMatchObject({ code: 1, stderr: "ifconfig: wgaip: wgpeer not set\n" });
    expect(await sb.run("ifconfig", ["wg1", "wgkey", "abc="])).toMatchObject({ code: 1, stderr: "ifconfig: wgkey: invalid base64\n" });
    expect(await sb.run("ifconfig", ["wg1", "wgport", "70000"])).toMatchObject({ code: 1, stderr: "ifconfig: wgport: 70000, invalid\n" });
  });
});
