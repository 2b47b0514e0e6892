/**
 * The emulated pfctl's kernel state (in-process, golden interface table): main ruleset and anchors loaded
 * atomically, `-sr` printing canonical rules, flush, enable/disable, refusals word for word.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { goldenInterfaces, sandbox, type Sandbox } from "./harness";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
  await sb.setInterfaces(goldenInterfaces());
});
afterEach(async () => { await sb.done(); });

const MAIN = 'set skip on lo\nblock return\npass\nanchor "vpn"\n';
const VPN = 'ext_if = "em1"\npeer = "198.51.100.2"\n' +
  "pass in quick on $ext_if proto udp from $peer to ($ext_if) port { isakmp, ipsec-nat-t }\n" +
  "pass in quick on $ext_if proto esp from $peer to ($ext_if)\n" +
  "pass in quick on enc0 proto ipencap from $peer to ($ext_if) keep state (if-bound)\n";
const VPN_SR =
  "pass in quick on em1 inet proto udp from 198.51.100.2 to (em1) port = 500\n" +
  "pass in quick on em1 inet proto udp from 198.51.100.2 to (em1) port = 4500\n" +
  "pass in quick on em1 inet proto esp from 198.51.100.2 to (em1)\n" +
  "pass in quick on enc0 inet proto ipencap from 198.51.100.2 to (em1) keep state (if-bound)\n";

describe("pfctl loads", () => {
  it("-f loads the main ruleset, -a vpn -f the anchor; -sr prints them as loaded", async () => {
    await sb.write("/etc/pf.conf", MAIN);
    await sb.write("/etc/pf.vpn", VPN);
    expect(await sb.run("pfctl", ["-f", "/etc/pf.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await sb.run("pfctl", ["-a", "vpn", "-sr"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await sb.run("pfctl", ["-o", "none", "-a", "vpn", "-f", "/etc/pf.vpn"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await sb.run("pfctl", ["-sr"])).toEqual({ stdout: 'block return all\npass all flags S/SA\nanchor "vpn" all\n', stderr: "", code: 0 });
    expect(await sb.run("pfctl", ["-a", "vpn", "-sr"])).toEqual({ stdout: VPN_SR, stderr: "", code: 0 });
    expect(await sb.run("pfctl", ["-a", "vpn", "-s", "rules"])).toEqual({ stdout: VPN_SR, stderr: "", code: 0 });
    expect((await sb.run("pfctl", ["-sA"])).stdout).toBe("  vpn\n");
  });

  it("a syntax error in the new anchor file leaves the loaded anchor untouched", async () => {
    await sb.write("/etc/pf.vpn", VPN);
    await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.vpn"]);
    await sb.write("/etc/pf.vpn.new", "pass in on em1 proto esp\npass in onn em1 proto esp\n");
    expect(await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.vpn.new"])).toEqual({
      stdout: "",
      stderr: "/etc/pf.vpn.new:2: syntax error\npfctl: Syntax error in config file: pf rules not loaded\n",
      code: 1,
    });
    expect((await sb.run("pfctl", ["-a", "vpn", "-sr"])).stdout).toBe(VPN_SR);
    // -n reports without the "not loaded" line
    expect(await sb.run("pfctl", ["-nf", "/etc/pf.vpn.new"])).toEqual({ stdout: "", stderr: "/etc/pf.vpn.new:2: syntax error\n", code: 1 });
  });

  it("-a NAME -f replaces the whole anchor; a main reload keeps named anchors", async () => {
    await sb.write("/etc/pf.conf", MAIN);
    await sb.write("/etc/pf.vpn", VPN);
    await sb.write("/etc/pf.vpn2", "pass in on em1 proto esp\n");
    await sb.run("pfctl", ["-f", "/etc/pf.conf"]);
    await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.vpn"]);
    await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.vpn2"]);
    expect((await sb.run("pfctl", ["-a", "vpn", "-sr"])).stdout).toBe("pass in on em1 proto esp all\n");
    await sb.run("pfctl", ["-f", "/etc/pf.conf"]);
    expect((await sb.run("pfctl", ["-a", "vpn", "-sr"])).stdout).toBe("pass in on em1 proto esp all\n");
  });

  it("load anchor in pf.conf loads the anchor in the same transaction; a bad anchor file loads nothing", async () => {
    await sb.write("/etc/pf.vpn", VPN);
    await sb.write("/etc/pf.conf", MAIN + 'load anchor "vpn" from "/etc/pf.vpn"\n');
    expect(await sb.run("pfctl", ["-f", "/etc/pf.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await sb.run("pfctl", ["-a", "vpn", "-sr"])).stdout).toBe(VPN_SR);
    await sb.write("/etc/pf.bad", "pass in onn em1\n");
    await sb.write("/etc/pf.conf", "pass\n" + 'anchor "vpn"\nload anchor "vpn" from "/etc/pf.bad"\n');
    expect(await sb.run("pfctl", ["-f", "/etc/pf.conf"])).toEqual({
      stdout: "",
      stderr: "/etc/pf.bad:1: syntax error\npfctl: Syntax error in config file: pf rules not loaded\npfctl: load anchors\n",
      code: 1,
    });
    expect((await sb.run("pfctl", ["-sr"])).stdout).toBe('block return all\npass all flags S/SA\nanchor "vpn" all\n');
  });

  it("a syntax error in a new main ruleset changes nothing", async () => {
    await sb.write("/etc/pf.conf", MAIN);
    await sb.run("pfctl", ["-f", "/etc/pf.conf"]);
    await sb.write("/etc/pf.conf", 'a = "em0"; b = "em1"\npass in on $a\n');
    expect(await sb.run("pfctl", ["-f", "/etc/pf.conf"])).toEqual({
      stdout: "",
      stderr: "/etc/pf.conf:1: syntax error\n/etc/pf.conf:2: macro 'a' not defined\n/etc/pf.conf:2: syntax error\npfctl: Syntax error in config file: pf rules not loaded\n",
      code: 1,
    });
    expect((await sb.run("pfctl", ["-sr"])).stdout).toBe('block return all\npass all flags S/SA\nanchor "vpn" all\n');
  });

  it("-a NAME -F rules empties the anchor; -e/-d toggle pf", async () => {
    await sb.write("/etc/pf.vpn", VPN);
    await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.vpn"]);
    expect(await sb.run("pfctl", ["-a", "vpn", "-F", "rules"])).toEqual({ stdout: "", stderr: "rules cleared\n", code: 0 });
    expect(await sb.run("pfctl", ["-a", "vpn", "-sr"])).toEqual({ stdout: "", stderr: "pfctl: Anchor does not exist\n", code: 0 });
    expect(await sb.run("pfctl", ["-e"])).toEqual({ stdout: "", stderr: "pfctl: pf already enabled\n", code: 1 });
    expect(await sb.run("pfctl", ["-d"])).toEqual({ stdout: "", stderr: "pf disabled\n", code: 0 });
    expect(await sb.run("pfctl", ["-d"])).toEqual({ stdout: "", stderr: "pfctl: pf not enabled\n", code: 1 });
    expect(await sb.run("pfctl", ["-e"])).toEqual({ stdout: "", stderr: "pf enabled\n", code: 0 });
  });
});

describe("pfctl refusals", () => {
  it("word for word", async () => {
    expect(await sb.run("pfctl", ["-f", "/etc/nope"])).toEqual({
      stdout: "",
      stderr: "pfctl: pushfile: /etc/nope: No such file or directory\npfctl: cannot open the main config file!: No such file or directory\npfctl: Syntax error in config file: pf rules not loaded\n",
      code: 1,
    });
    const usage = "usage: pfctl [-deghNnPqrvz] [-a anchor] [-D macro=value] [-F modifier] [-f file]\n\t[-i interface] [-K key] [-k key] [-L statefile] [-o level]\n\t[-p device] [-S statefile] [-s modifier [-R id]]\n\t[-t table -T command [address ...]] [-V rdomain] [-x level]\n";
    expect(await sb.run("pfctl", ["-a", "vpn"])).toEqual({ stdout: "", stderr: `pfctl: anchors apply to -f, -F, -s, and -T only\n${usage}`, code: 1 });
    expect(await sb.run("pfctl", ["-a", "_x", "-F", "rules"])).toEqual({ stdout: "", stderr: "pfctl: anchor names beginning with '_' cannot be modified from the command line\n", code: 1 });
    expect(await sb.run("pfctl", ["-s", "bogus"])).toEqual({ stdout: "", stderr: `pfctl: Unknown show modifier 'bogus'\n${usage}`, code: 1 });
    expect(await sb.run("pfctl", ["-s", "s"])).toEqual({ stdout: "", stderr: "", code: 0 }); // -ss: states, none in the lab
    expect(await sb.run("pfctl", ["-s", "info"])).toEqual({ stdout: "", stderr: "pfctl: emulator: -s info is not emulated by the lab\n", code: 1 });
    expect(await sb.run("pfctl", ["-x", "loud"])).toEqual({ stdout: "", stderr: "pfctl: emulator: option -x is not emulated by the lab\n", code: 1 });
  });
});
