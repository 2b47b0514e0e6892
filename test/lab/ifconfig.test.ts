// The emulated ifconfig (a test double) against reference/openbsd.md B.1: output line for line, refusals word for word.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

const HW4: [string, string, string][] = [
  ["em0", "52:54:00:12:34:56", "lan"], ["em1", "52:54:00:12:34:57", "wan"], ["em2", "52:54:00:12:34:58", "sync"], ["em3", "52:54:00:12:34:59", "spare"],
];

describe("ifconfig output (B.1)", () => {
  let gw: EmuRoot;
  beforeEach(() => { gw = emuRoot("gw", HW4); });
  afterEach(() => gw.cleanup());

  it("prints a configured em0 exactly like the reference example", async () => {
    expect(await gw.run("ifconfig", "em0", "inet", "192.0.2.10", "netmask", "255.255.255.0")).toEqual({ stdout: "", stderr: "", code: 0 });
    await gw.run("ifconfig", "em0", "group", "egress");
    const r = await gw.run("ifconfig", "em0");
    expect(r.stdout).toBe(
      "em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n" +
      "\tlladdr 52:54:00:12:34:56\n" +
      "\tindex 1 priority 0 llprio 3\n" +
      "\tgroups: egress\n" +
      "\tmedia: Ethernet autoselect (1000baseT full-duplex)\n" +
      "\tstatus: active\n" +
      "\tinet 192.0.2.10 netmask 0xffffff00 broadcast 192.0.2.255\n");
    expect(r.code).toBe(0);
  });

  it("prints carp1 (MASTER, alone on its segment) like the reference example", async () => {
    await gw.run("ifconfig", "em1", "inet", "10.1.0.2/24");
    expect((await gw.run("ifconfig", "carp1", "create")).code).toBe(0);
    await gw.run("ifconfig", "carp1", "vhid", "1", "carpdev", "em1", "pass", "s3cr3t", "advskew", "0", "description", "lan-vip");
    await gw.run("ifconfig", "carp1", "inet", "10.1.0.1", "netmask", "255.255.255.0");
    expect((await gw.run("ifconfig", "carp1")).stdout).toBe(
      "carp1: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n" +
      "\tlladdr 00:00:5e:00:01:01\n" +
      "\tdescription: lan-vip\n" +
      "\tindex 7 priority 15 llprio 3\n" +
      "\tcarp: MASTER carpdev em1 vhid 1 advbase 1 advskew 0\n" +
      "\tgroups: carp\n" +
      "\tstatus: master\n" +
      "\tinet 10.1.0.1 netmask 0xffffff00 broadcast 10.1.0.255\n");
  });

  it("prints carp INIT/invalid before an address, and vhid 203 as lladdr …:cb", async () => {
    await gw.run("ifconfig", "carp2", "create");
    await gw.run("ifconfig", "carp2", "vhid", "203", "carpdev", "em0");
    const out = (await gw.run("ifconfig", "carp2")).stdout;
    expect(out).toContain("\tlladdr 00:00:5e:00:01:cb\n");
    expect(out).toContain("\tcarp: INIT carpdev em0 vhid 203 advbase 1 advskew 0\n");
    expect(out).toContain("\tstatus: invalid\n");
  });

  it("prints gif0 with its tunnel and point-to-point address like the reference example", async () => {
    await gw.run("ifconfig", "carp1", "create");
    await gw.run("ifconfig", "gif0", "create");
    await gw.run("ifconfig", "gif0", "tunnel", "192.0.2.1", "198.51.100.2");
    await gw.run("ifconfig", "gif0", "inet", "10.255.0.1", "10.255.0.2", "netmask", "255.255.255.252");
    expect((await gw.run("ifconfig", "gif0")).stdout).toBe(
      "gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280\n" +
      "\tindex 8 priority 0 llprio 3\n" +
      "\tencap: txprio payload rxprio payload\n" +
      "\tgroups: gif\n" +
      "\ttunnel: inet 192.0.2.1 --> 198.51.100.2 ttl 64 nodf ecn\n" +
      "\tinet 10.255.0.1 --> 10.255.0.2 netmask 0xfffffffc\n");
  });

  it("keeps a gre/eoip keepalive as the kernel does and prints it after the index line (sbin/ifconfig, sys/net/if_gre.c)", async () => {
    await gw.run("ifconfig", "gre0", "create");
    expect(await gw.run("ifconfig", "gre0", "keepalive", "10", "3")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await gw.run("ifconfig", "gre0")).stdout.split("\n").slice(1, 4)).toEqual([
      "\tindex 7 priority 0 llprio 3",
      "\tkeepalive: timeout 10 count 3",
      "\tencap: vnetid none txprio payload rxprio packet",
    ]);
    await gw.run("ifconfig", "gre0", "-keepalive");
    expect((await gw.run("ifconfig", "gre0")).stdout).not.toContain("keepalive");
    // ifconfig's own range check (strtonum), before the kernel's
    expect(await gw.run("ifconfig", "gre0", "keepalive", "0", "3")).toEqual({ stdout: "", stderr: "ifconfig: keepalive period 0: too small\n", code: 1 });
    expect(await gw.run("ifconfig", "gre0", "keepalive", "10", "601")).toEqual({ stdout: "", stderr: "ifconfig: keepalive count 601: too large\n", code: 1 });
    // eoip takes it only while not running (EBUSY otherwise: unchanged); gif has none
    await gw.run("ifconfig", "eoip0", "create");
    await gw.run("ifconfig", "eoip0", "keepalive", "5", "4");
    await gw.run("ifconfig", "eoip0", "up");
    await gw.run("ifconfig", "eoip0", "keepalive", "20", "4");
    expect((await gw.run("ifconfig", "eoip0")).stdout).toContain("\tkeepalive: timeout 5 count 4\n");
    await gw.run("ifconfig", "gif0", "create");
    await gw.run("ifconfig", "gif0", "keepalive", "10", "3");
    expect((await gw.run("ifconfig", "gif0")).stdout).not.toContain("keepalive");
  });

  it("prints pfsync0 like the reference example", async () => {
    await gw.run("ifconfig", "pfsync0", "create");
    await gw.run("ifconfig", "pfsync0", "syncdev", "em2", "up");
    expect((await gw.run("ifconfig", "pfsync0")).stdout).toBe(
      "pfsync0: flags=41<UP,RUNNING> mtu 1500\n" +
      "\tindex 7 priority 0 llprio 3\n" +
      "\tpfsync: syncdev: em2 maxupd: 128 defer: off\n" +
      "\tgroups: carp pfsync\n");
  });

  it("lists every interface with lo0 first, and an unset gif tunnel as (unset)", async () => {
    await gw.run("ifconfig", "gif1", "create");
    const all = (await gw.run("ifconfig")).stdout;
    expect(all.split("\n").filter((l) => /^\S/.test(l)).map((l) => l.split(":")[0])).toEqual(["lo0", "em0", "em1", "em2", "em3", "enc0", "gif1"]);
    expect(all).toContain("gif1: flags=8010<POINTOPOINT,MULTICAST> mtu 1280\n");
    expect(all).toContain("\ttunnel: (unset)\n");
    expect(all).toContain("em3: flags=8802<BROADCAST,SIMPLEX,MULTICAST> mtu 1500\n");
  });

  it("adds, replaces and removes addresses (alias, -alias, inet6)", async () => {
    await gw.run("ifconfig", "em0", "inet", "192.0.2.10/24");
    await gw.run("ifconfig", "em0", "inet", "192.0.2.11/24", "alias");
    await gw.run("ifconfig", "em0", "inet", "192.0.2.20", "netmask", "0xffffff00");
    await gw.run("ifconfig", "em0", "inet6", "2001:DB8:0::1", "prefixlen", "64");
    let out = (await gw.run("ifconfig", "em0")).stdout;
    expect(out.split("\n").filter((l) => l.startsWith("\tinet"))).toEqual([
      "\tinet 192.0.2.20 netmask 0xffffff00 broadcast 192.0.2.255",
      "\tinet 192.0.2.11 netmask 0xffffff00 broadcast 192.0.2.255",
      "\tinet6 2001:db8::1 prefixlen 64",
    ]);
    await gw.run("ifconfig", "em0", "inet", "192.0.2.11", "-alias");
    out = (await gw.run("ifconfig", "em0")).stdout;
    expect(out).not.toContain("192.0.2.11");
    expect(await gw.run("ifconfig", "em0", "inet", "192.0.2.99", "-alias")).toEqual({ stdout: "", stderr: "ifconfig: SIOCDIFADDR: Can't assign requested address\n", code: 1 });
  });

  it("keeps and clears the description, brings interfaces down", async () => {
    await gw.run("ifconfig", "em1", "description", "uplink to isp", "up");
    expect((await gw.run("ifconfig", "em1")).stdout).toContain("\tdescription: uplink to isp\n");
    await gw.run("ifconfig", "em1", "-description", "down");
    const out = (await gw.run("ifconfig", "em1")).stdout;
    expect(out).not.toContain("description");
    expect(out).toContain("em1: flags=8802<BROADCAST,SIMPLEX,MULTICAST> mtu 1500\n");
    expect(out).toContain("\tstatus: no carrier\n");
  });

  it("refuses what OpenBSD refuses, word for word", async () => {
    expect(await gw.run("ifconfig", "em9")).toEqual({ stdout: "", stderr: "ifconfig: em9: no such interface\n", code: 1 });
    expect(await gw.run("ifconfig", "em9", "up")).toEqual({ stdout: "", stderr: "ifconfig: em9: no such interface\n", code: 1 });
    expect(await gw.run("ifconfig", "gif0", "tunnel", "192.0.2.1", "2001:db8::2")).toEqual({ stdout: "", stderr: "ifconfig: source and destination address families do not match\n", code: 1 });
    expect(await gw.run("ifconfig", "em0", "inet", "192.0.2.300")).toEqual({ stdout: "", stderr: "ifconfig: 192.0.2.300: bad value\n", code: 1 });
    await gw.run("ifconfig", "gif0", "create");
    expect(await gw.run("ifconfig", "gif0", "create")).toEqual({ stdout: "", stderr: "ifconfig: SIOCIFCREATE: File exists\n", code: 1 });
    expect((await gw.run("ifconfig", "gif0", "destroy")).code).toBe(0);
    expect(await gw.run("ifconfig", "gif0")).toEqual({ stdout: "", stderr: "ifconfig: gif0: no such interface\n", code: 1 });
    expect(await gw.run("ifconfig", "em0", "destroy")).toEqual({ stdout: "", stderr: "ifconfig: SIOCIFDESTROY: Invalid argument\n", code: 1 });
  });

  it("prints and changes the carp demote counter of a group", async () => {
    expect((await gw.run("ifconfig", "-g", "carp")).stdout).toBe("carp: carp demote count 0\n");
    await gw.run("ifconfig", "-g", "carp", "carpdemote", "50");
    expect((await gw.run("ifconfig", "-g", "carp")).stdout).toBe("carp: carp demote count 50\n");
    await gw.run("ifconfig", "-g", "carp", "-carpdemote", "50");
    expect((await gw.run("ifconfig", "-g", "carp")).stdout).toBe("carp: carp demote count 0\n");
  });
});

describe("enc0 (B.1)", () => {
  it("prints enc0 like the reference example", async () => {
    const gw = emuRoot("gw", [["em0", "52:54:00:00:00:01", "lan"]]);
    try {
      expect((await gw.run("ifconfig", "enc0")).stdout).toBe("enc0: flags=0<>\n\tindex 2 priority 0 llprio 3\n\tgroups: enc\n\tstatus: active\n");
      await gw.run("ifconfig", "enc0", "up");
      expect((await gw.run("ifconfig", "enc0")).stdout.split("\n")[0]).toBe("enc0: flags=141<UP,RUNNING,PROMISC>");
    } finally {
      gw.cleanup();
    }
  });
});

describe("carp election between two gateways", () => {
  let a: EmuRoot;
  let b: EmuRoot;
  beforeEach(() => {
    a = emuRoot("gw1a", [["em0", "52:54:00:00:00:0a", "net1"]]);
    b = emuRoot("gw1b", [["em0", "52:54:00:00:00:0b", "net1"]]);
    a.write("var/emu/lab.json", JSON.stringify({ name: "gw1a", lab: "unit", peers: [{ name: "gw1b", stateDir: `${b.dir}/var/emu`, addresses: [] }] }));
    b.write("var/emu/lab.json", JSON.stringify({ name: "gw1b", lab: "unit", peers: [{ name: "gw1a", stateDir: `${a.dir}/var/emu`, addresses: [] }] }));
  });
  afterEach(() => { a.cleanup(); b.cleanup(); });

  const carpLine = async (g: EmuRoot) => (await g.run("ifconfig", "carp1")).stdout.split("\n").find((l) => l.startsWith("\tcarp:"));

  it("makes the lower advskew MASTER and the other BACKUP; demotion hands over", async () => {
    await a.run("ifconfig", "em0", "inet", "172.16.0.2/24");
    await b.run("ifconfig", "em0", "inet", "172.16.0.3/24");
    await a.run("ifconfig", "carp1", "create");
    await a.run("ifconfig", "carp1", "vhid", "1", "carpdev", "em0", "pass", "x", "advskew", "0");
    await a.run("ifconfig", "carp1", "inet", "172.16.0.1", "netmask", "255.255.255.0");
    await b.run("ifconfig", "carp1", "create");
    await b.run("ifconfig", "carp1", "vhid", "1", "carpdev", "em0", "pass", "x", "advskew", "100");
    await b.run("ifconfig", "carp1", "inet", "172.16.0.1", "netmask", "255.255.255.0");
    expect(await carpLine(a)).toBe("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 0");
    expect(await carpLine(b)).toBe("\tcarp: BACKUP carpdev em0 vhid 1 advbase 1 advskew 100");
    expect((await b.run("ifconfig", "carp1")).stdout).toContain("\tstatus: backup\n");
    await a.run("ifconfig", "-g", "carp", "carpdemote", "50");
    expect(await carpLine(a)).toBe("\tcarp: BACKUP carpdev em0 vhid 1 advbase 1 advskew 0");
    expect(await carpLine(b)).toBe("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 100");
    await a.run("ifconfig", "-g", "carp", "-carpdemote", "50");
    await a.run("ifconfig", "carp1", "down");
    expect(await carpLine(a)).toBe("\tcarp: INIT carpdev em0 vhid 1 advbase 1 advskew 0");
    expect(await carpLine(b)).toBe("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 100");
  });
});
