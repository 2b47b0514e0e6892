/**
 * The emulated pfctl's kernel state (in-process, golden interface table): main ruleset and anchors loaded
 * atomically, `-sr` printing canonical rules, flush, enable/disable, refusals word for word.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { goldenInterfaces, sandbox, type Sandbox } from "./harness";
import { parseReadOutput, type LiveState } from "../../../providers/gateway/read-script";

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

describe("inline anchors", () => {
  // brace anchors in file order: "ssh" is 1, the one inside it 2 (vpn/ssh/_2), the last one 3 (vpn/_3)
  const FILE = 'pass in on em1 proto esp\nanchor "ssh" on em0 {\n  pass in proto tcp to port 22\n  anchor {\n    block out\n  }\n}\nanchor {\n  pass proto ah\n}\n';
  const ok = { stdout: "", stderr: "", code: 0 };
  it("load into rulesets of their own: -sr prints a named one's calling rule alone, an anonymous one's rules in braces", async () => {
    await sb.write("/etc/pf.anchors/vpn", FILE);
    expect(await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.anchors/vpn"])).toEqual(ok);
    // pfctl_show_rules: only an anchor whose name starts with `_` is printed recursively
    expect(await sb.run("pfctl", ["-a", "vpn", "-sr"])).toEqual({ ...ok, stdout: 'pass in on em1 proto esp all\nanchor "ssh" on em0 all\nanchor all {\n  pass proto ah all\n}\n' });
    expect(await sb.run("pfctl", ["-a", "vpn/ssh", "-sr"])).toEqual({ ...ok, stdout: "pass in proto tcp from any to any port = 22 flags S/SA\nanchor all {\n  block drop out all\n}\n" });
    // pfctl_walk_show: `_N` at the top is listed with -v only; under another anchor it is listed
    expect((await sb.run("pfctl", ["-sA"])).stdout).toBe("  vpn\n  vpn/_3\n  vpn/ssh\n  vpn/ssh/_2\n");
  });
  it("outlive a flush of their parent, as pf keeps a ruleset with children; NAME/* flushes them all (pfctl_recurse)", async () => {
    await sb.write("/etc/pf.anchors/vpn", FILE);
    await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.anchors/vpn"]);
    expect(await sb.run("pfctl", ["-a", "vpn", "-F", "rules"])).toEqual({ ...ok, stderr: "rules cleared\n" });
    expect(await sb.run("pfctl", ["-a", "vpn", "-sr"])).toEqual(ok);
    expect((await sb.run("pfctl", ["-a", "vpn/ssh", "-sr"])).stdout).toBe("pass in proto tcp from any to any port = 22 flags S/SA\nanchor all {\n  block drop out all\n}\n");
    expect((await sb.run("pfctl", ["-sA"])).stdout).toBe("  vpn\n  vpn/_3\n  vpn/ssh\n  vpn/ssh/_2\n");
    expect(await sb.run("pfctl", ["-a", "vpn/*", "-F", "rules"])).toEqual({ ...ok, stdout: "Removing:\n  vpn/ssh/_2\n  vpn/ssh\n  vpn/_3\n  vpn\n" });
    expect(await sb.run("pfctl", ["-sA"])).toEqual(ok);
  });
  it("the provider's read compares them as -sr shows them: no drift after a load", async () => {
    await sb.write("/etc/pf.anchors/vpn", FILE);
    await sb.run("pfctl", ["-a", "vpn", "-f", "/etc/pf.anchors/vpn"]);
    // the read script's two commands for a managed anchor (providers/gateway/read-script.ts)
    const sr = (await sb.run("pfctl", ["-a", "vpn", "-sr"])).stdout;
    const nv = (await sb.run("pfctl", ["-a", "vpn", "-nv", "-f", "/etc/pf.anchors/vpn"])).stdout;
    const live = parseReadOutput(`@@M anchor vpn\n${sr}@@M expect vpn\n${nv}@@M done\n`, "M") as LiveState;
    expect(live.anchors.vpn!.expected).toEqual(['pass in on em1 proto esp all', 'anchor "ssh" on em0 all', "anchor all {", "  pass proto ah all", "}"]);
    expect(live.anchors.vpn!.loaded).toEqual(live.anchors.vpn!.expected);
  });
  it("an anonymous one without rules: -nv prints no braces, -sr prints them around nothing; the read agrees", async () => {
    await sb.write("/etc/pf.anchors/web", "anchor in {\n}\npass\n");
    await sb.run("pfctl", ["-a", "web", "-f", "/etc/pf.anchors/web"]);
    const nv = (await sb.run("pfctl", ["-a", "web", "-nv", "-f", "/etc/pf.anchors/web"])).stdout;
    expect(nv).toBe("anchor in all\npass all flags S/SA\n");
    const sr = (await sb.run("pfctl", ["-a", "web", "-sr"])).stdout;
    expect(sr).toBe("anchor in all {\n}\npass all flags S/SA\n");
    const live = parseReadOutput(`@@M anchor web\n${sr}@@M expect web\n${nv}@@M done\n`, "M") as LiveState;
    expect(live.anchors.web!.expected).toEqual(live.anchors.web!.loaded);
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
