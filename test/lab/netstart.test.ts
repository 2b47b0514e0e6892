// The emulated /etc/netstart (a test double) against reference/openbsd.md A.4 and C.8.
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { translate } from "./emu/cmd/netstart";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

describe("hostname.if translation (A.4)", () => {
  it("translates positional inet fields, inet6, dest, shell lines and plain options", () => {
    expect(translate("gif0", "tunnel 192.0.2.1 198.51.100.2\ninet 10.255.0.1 255.255.255.252\ndest 10.255.0.2\n!route -qn add -net 10.2.0.0/24 10.255.0.2\n")).toEqual([
      { kind: "ifconfig", words: ["tunnel", "192.0.2.1", "198.51.100.2"] },
      { kind: "ifconfig", words: ["inet", "10.255.0.1", "10.255.0.2", "netmask", "255.255.255.252"] },
      { kind: "sh", cmd: "route -qn add -net 10.2.0.0/24 10.255.0.2" },
    ]);
    expect(translate("carp1", "inet 192.0.2.1 255.255.255.0 NONE vhid 1 carpdev em0 pass s3cr3t advskew 0\n")).toEqual([
      { kind: "ifconfig", words: ["inet", "192.0.2.1", "netmask", "255.255.255.0", "vhid", "1", "carpdev", "em0", "pass", "s3cr3t", "advskew", "0"] },
    ]);
    expect(translate("em0", "# comment\n\ninet6 alias 2001:db8::1 64\ndescription \"uplink to isp\"\n!echo $if\n")).toEqual([
      { kind: "ifconfig", words: ["inet6", "alias", "2001:db8::1", "prefixlen", "64"] },
      { kind: "ifconfig", words: ["description", "uplink to isp"] },
      { kind: "sh", cmd: "echo em0" },
    ]);
    // the positional gotcha: `inet ADDR/LEN option…` turns the option into the netmask
    expect(translate("carp1", "inet 10.0.0.1/24 vhid 1\n")).toEqual([{ kind: "ifconfig", words: ["inet", "10.0.0.1/24", "netmask", "vhid", "broadcast", "1"] }]);
  });
});

describe("hostname.if translation follows etc/netstart parse_hn_line line by line", () => {
  it("skips empty, comment and bare inet/inet6 lines (netstart:45-49, 63)", () => {
    expect(translate("em0", "\n   \n# x\n  # indented\ninet\ninet6\n")).toEqual([]);
  });
  it("passes `inet autoconf …`/`inet6 autoconf …` whole; `dhcp` is `inet autoconf` alone (50-54, 64-68, 82-84)", () => {
    expect(translate("em0", "inet autoconf\ninet6 autoconf -temporary\ndhcp lease 3600\n")).toEqual([
      { kind: "ifconfig", words: ["inet", "autoconf"] },
      { kind: "ifconfig", words: ["inet6", "autoconf", "-temporary"] },
      { kind: "ifconfig", words: ["inet", "autoconf"] },
    ]);
  });
  it("drops a broadcast word ending in NONE, keeps another one (57-60)", () => {
    expect(translate("em0", "inet 10.0.0.1 255.255.255.0 10.0.0.255\ninet alias 10.0.0.2 255.255.255.255 xNONE\n")).toEqual([
      { kind: "ifconfig", words: ["inet", "10.0.0.1", "netmask", "255.255.255.0", "broadcast", "10.0.0.255"] },
      { kind: "ifconfig", words: ["inet", "alias", "10.0.0.2", "netmask", "255.255.255.255"] },
    ]);
  });
  it("`dest` edits the previous command whatever it is, and needs exactly one address (73-80)", () => {
    expect(translate("gif0", "inet6 alias 2001:db8::1 128\ndest 2001:db8::2\ndest a b\n")).toEqual([
      { kind: "ifconfig", words: ["inet6", "alias", "2001:db8::1", "2001:db8::2", "prefixlen", "128"] },
    ]);
    expect(translate("gif0", "up\ndest 10.0.0.2\n")).toEqual([{ kind: "ifconfig", words: ["up", "10.0.0.2"] }]);
  });
  it("`!` lines: words re-joined, every `$if` replaced by sed, `${if}` left to the shell (85-86)", () => {
    expect(translate("gre0", "!route   add 10.0.0.0/8 -iface $if  ${if} $iface\n")).toEqual([{ kind: "sh", cmd: "route add 10.0.0.0/8 -iface gre0 ${if} gre0ace" }]);
  });
  it("a word starting with # ends the command when netstart evals it", () => {
    expect(translate("em0", "inet 10.0.0.1 255.255.255.0 NONE # lan\nup # bring it up\n")).toEqual([
      { kind: "ifconfig", words: ["inet", "10.0.0.1", "netmask", "255.255.255.0"] },
      { kind: "ifconfig", words: ["up"] },
    ]);
  });
});

describe("netstart (A.4, C.8)", () => {
  let gw: EmuRoot;
  beforeEach(() => { gw = emuRoot("gw1", [["em0", "52:54:00:00:00:01", "lan"], ["em2", "52:54:00:00:00:02", "sync"]]); });
  afterEach(() => gw.cleanup());

  const files = (g: EmuRoot) => {
    g.write("etc/hostname.em0", "inet 192.0.2.10 255.255.255.0 NONE\n", 0o640);
    g.write("etc/hostname.carp1", "inet 192.0.2.1 255.255.255.0 NONE vhid 1 carpdev em0 pass s3cr3t advskew 0\n", 0o640);
    g.write("etc/hostname.gif0", "tunnel 192.0.2.10 198.51.100.2\ninet 10.255.0.1 255.255.255.252\ndest 10.255.0.2\n", 0o640);
    g.write("etc/hostname.pfsync0", "syncdev em2\nup\n", 0o640);
  };

  it("prints the commands in netstart's pass order with -n and changes nothing", async () => {
    files(gw);
    expect(await gw.run("netstart", "-n")).toEqual({
      stdout: [
        "{ ifconfig em0 || ifconfig em0 create; }",
        // parse_hn_line's strings as they are: the dropped NONE leaves its space (mksh: parse_hn_line of netstart 1.234)
        "ifconfig em0 inet 192.0.2.10 netmask 255.255.255.0 ",
        "{ ifconfig pfsync0 || ifconfig pfsync0 create; }",
        "ifconfig pfsync0 syncdev em2",
        "ifconfig pfsync0 up",
        "{ ifconfig carp1 || ifconfig carp1 create; }",
        "ifconfig carp1 inet 192.0.2.1 netmask 255.255.255.0  vhid 1 carpdev em0 pass s3cr3t advskew 0",
        "{ ifconfig gif0 || ifconfig gif0 create; }",
        "ifconfig gif0 tunnel 192.0.2.10 198.51.100.2",
        "ifconfig gif0 inet 10.255.0.1 10.255.0.2 netmask 255.255.255.252",
        "",
      ].join("\n"),
      stderr: "", code: 0,
    });
    expect((await gw.run("ifconfig", "carp1")).stderr).toBe("ifconfig: carp1: no such interface\n");
  });

  it("configures everything, carp after its physical parent", async () => {
    files(gw);
    expect(await gw.run("netstart")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await gw.run("ifconfig", "carp1")).stdout).toContain("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 0\n");
    expect((await gw.run("ifconfig", "gif0")).stdout).toContain("\tinet 10.255.0.1 --> 10.255.0.2 netmask 0xfffffffc\n");
    expect((await gw.run("ifconfig", "pfsync0")).stdout).toContain("\tpfsync: syncdev: em2 maxupd: 128 defer: off\n");
  });

  it("configures only the named interfaces, creating clones, and only adds", async () => {
    files(gw);
    await gw.run("ifconfig", "em0", "inet", "192.0.2.10", "netmask", "255.255.255.0");
    await gw.run("ifconfig", "em0", "inet", "192.0.2.77", "netmask", "255.255.255.0", "alias");
    expect(await gw.run("netstart", "gif0", "em0")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await gw.run("ifconfig", "gif0")).code).toBe(0);
    expect((await gw.run("ifconfig", "carp1")).code).toBe(1);
    expect((await gw.run("ifconfig", "em0")).stdout).toContain("\tinet 192.0.2.77 netmask");
  });

  it("fixes insecure hostname files with netstart's warning", async () => {
    gw.write("etc/hostname.em0", "up\n", 0o644);
    expect(await gw.run("netstart", "em0")).toEqual({ stdout: "WARNING: /etc/hostname.em0 is insecure, fixing permissions.\n", stderr: "", code: 0 });
    expect(statSync(join(gw.dir, "etc/hostname.em0")).mode & 0o777).toBe(0o640);
  });
});
