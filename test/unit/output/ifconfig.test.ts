import { describe, expect, it } from "vitest";
import { parseIfconfig, parseIfconfigGroup } from "../../../sdk/model/output";
import { fixture } from "./fixture";

// Fixtures follow reference/openbsd.md B.1 (`ifconfig IF`, ifconfig.c 1.476) and its composed examples.
describe("parseIfconfig (reference B.1)", () => {
  it("reads an Ethernet interface: flags, mtu, lladdr, index, groups, media, status, inet", () => {
    const { value, diagnostics } = parseIfconfig(fixture("ifconfig-em0.txt"));
    expect(diagnostics).toEqual([]);
    expect(value).toHaveLength(1);
    const em0 = value[0]!;
    expect(em0.name).toBe("em0");
    expect(em0.flags).toBe(0x8843);
    expect(em0.flagNames).toEqual(["UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST"]);
    expect(em0.mtu).toBe(1500);
    expect(em0.lladdr).toBe("52:54:00:12:34:56");
    expect([em0.index, em0.priority, em0.llprio]).toEqual([1, 0, 3]);
    expect(em0.groups).toEqual(["egress"]);
    expect(em0.media).toBe("Ethernet autoselect");
    expect(em0.mediaActive).toBe("1000baseT full-duplex");
    expect(em0.status).toBe("active");
    expect(em0.inet).toHaveLength(1);
    expect(em0.inet[0]!.address.address.toString()).toBe("192.0.2.10");
    expect(em0.inet[0]!.prefixlen).toBe(24);
    expect(em0.inet[0]!.broadcast?.address.toString()).toBe("192.0.2.255");
  });

  it("reads a single-vhid carp line and the description", () => {
    const { value, diagnostics } = parseIfconfig(fixture("ifconfig-carp1.txt"));
    expect(diagnostics).toEqual([]);
    const carp = value[0]!;
    expect(carp.description).toBe("lan-vip");
    expect(carp.priority).toBe(15);
    expect(carp.carp).toEqual({ kind: "single", state: "MASTER", carpdev: "em1", vhid: 1, advbase: 1, advskew: 0 });
    expect(carp.status).toBe("master");
  });

  it("reads the BACKUP and INIT states", () => {
    const text = fixture("ifconfig-carp1.txt").replace("MASTER carpdev em1 vhid 1 advbase 1 advskew 0", "BACKUP carpdev em1 vhid 1 advbase 1 advskew 100 carppeer 10.1.0.3");
    const c = parseIfconfig(text).value[0]!.carp;
    expect(c?.kind === "single" && [c.state, c.advskew, c.carppeer?.address.toString()]).toEqual(["BACKUP", 100, "10.1.0.3"]);
    const init = parseIfconfig(text.replace("BACKUP", "INIT")).value[0]!.carp;
    expect(init?.kind === "single" && init.state).toBe("INIT");
  });

  it("reads a multi-vhid carp interface with its nodes", () => {
    const { value, diagnostics } = parseIfconfig(fixture("ifconfig-carp-multi.txt"));
    expect(diagnostics).toEqual([]);
    const c = value[0]!.carp!;
    expect(c.kind).toBe("multi");
    if (c.kind !== "multi") return;
    expect([c.carpdev, c.advbase, c.balancing, c.carppeer?.address.toString()]).toEqual(["em0", 1, "ip", "192.0.2.2"]);
    expect(c.nodes).toEqual([
      { state: "MASTER", vhid: 203, advskew: 0 },
      { state: "BACKUP", vhid: 204, advskew: 100 },
    ]);
  });

  it("reads a gif tunnel with ` --> `, ttl, nodf, ecn and a point-to-point inet", () => {
    const { value, diagnostics } = parseIfconfig(fixture("ifconfig-gif0.txt"));
    expect(diagnostics).toEqual([]);
    const gif = value[0]!;
    expect(gif.encap).toEqual({ txprio: "payload", rxprio: "payload" });
    const t = gif.tunnel!;
    expect(t.kind).toBe("set");
    if (t.kind !== "set") return;
    expect([t.family, t.source.address.toString(), t.destination.address.toString(), t.ttl, t.df, t.ecn]).toEqual(["inet", "192.0.2.1", "198.51.100.2", 64, false, true]);
    expect(gif.inet[0]!.destination?.address.toString()).toBe("10.255.0.2");
    expect(gif.inet[0]!.prefixlen).toBe(30);
    expect(gif.status).toBeUndefined();
  });

  it("reads every interface of `ifconfig` (lo0, enc0, vether0, pfsync0, gre0, unset gif1) in order", () => {
    const { value, diagnostics } = parseIfconfig(fixture("ifconfig-all.txt"));
    expect(diagnostics).toEqual([]);
    expect(value.map((i) => i.name)).toEqual(["lo0", "enc0", "vether0", "pfsync0", "gre0", "gif1"]);
    const [lo0, enc0, , pfsync0, gre0, gif1] = value;
    expect(lo0!.flagNames).toContain("LRO");
    // inet6 printed before inet: order is kept per family, nothing assumed across families.
    expect(lo0!.inet6.map((a) => [a.address.address.toString(), a.address.family === 6 ? a.address.scope : "", a.prefixlen, a.scopeid])).toEqual([
      ["::1", undefined, 128, undefined],
      ["fe80::1", "lo0", 64, 5],
    ]);
    expect(lo0!.inet[0]!.prefixlen).toBe(8);
    expect([enc0!.flags, enc0!.flagNames, enc0!.mtu, enc0!.status]).toEqual([0, [], undefined, "active"]);
    expect(pfsync0!.pfsync).toEqual({ syncdev: "em2", maxupd: 128, defer: false });
    expect(pfsync0!.groups).toEqual(["carp", "pfsync"]);
    expect(gre0!.keepalive).toEqual({ timeout: 10, count: 3 });
    expect(gre0!.encap).toEqual({ vnetid: "none", txprio: "payload", rxprio: "packet" });
    const t = gre0!.tunnel!;
    expect(t.kind === "set" && [t.family, t.source.address.toString(), t.rdomain, t.ecn]).toEqual(["inet6", "2001:db8::1", 0, false]);
    expect(gre0!.inet6[0]!.flags).toEqual(["tentative"]);
    expect(gif1!.tunnel).toEqual({ kind: "unset" });
  });

  it("tolerates the older enc0 form (`mtu 1536`, `priority: 0`)", () => {
    const { value, diagnostics } = parseIfconfig(fixture("ifconfig-enc0-old.txt"));
    expect(diagnostics).toEqual([]);
    expect([value[0]!.mtu, value[0]!.priority, value[0]!.groups]).toEqual([1536, 0, ["enc"]]);
  });

  it("accepts spaces instead of TABs and a tunnel port", () => {
    const text = "gif2: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280\n    tunnel: inet 192.0.2.1:4789 --> 192.0.2.2:4789 df\n";
    const { value, diagnostics } = parseIfconfig(text);
    expect(diagnostics).toEqual([]);
    const t = value[0]!.tunnel!;
    expect(t.kind === "set" && [t.sourcePort, t.destinationPort, t.df]).toEqual([4789, 4789, true]);
  });

  it("reports bad values with line, column, field and value", () => {
    const text = "em0: flags=8843<UP> mtu 1500\n\tinet 192.0.2.300 netmask 0xffffff00\n\tinet 10.0.0.1 netmask 0xff00ff00\n\tcarp: SLAVE carpdev em1 vhid 1\n";
    const { value, diagnostics } = parseIfconfig(text, "gw1:ifconfig");
    expect(value[0]!.inet).toEqual([]);
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual([
      "gw1:ifconfig:2:7: inet: `192.0.2.300` is not an IPv4 address",
      "gw1:ifconfig:3:24: inet.netmask: `0xff00ff00` is not a contiguous hex netmask like 0xffffff00",
      "gw1:ifconfig:4:8: carp.state: unknown state `SLAVE`; one of INIT, BACKUP, MASTER",
    ]);
  });

  it("keeps unmodelled lines and warns about lines it does not know", () => {
    const text = "trunk0: flags=8843<UP> mtu 1500\n\ttrunk: trunkproto lacp\n\tfrobnicate 3\n";
    const { value, diagnostics } = parseIfconfig(text);
    expect(value[0]!.other).toEqual(["trunk: trunkproto lacp", "frobnicate 3"]);
    expect(diagnostics).toEqual([{ file: "ifconfig", line: 3, column: 2, severity: "warning", message: "trunk0: line starting with `frobnicate` not understood; kept as is" }]);
  });

  it("reports a header that is not one and detail lines before any header", () => {
    const { value, diagnostics } = parseIfconfig("\tgroups: egress\nifconfig: em9: no such interface\n");
    expect(value).toEqual([]);
    expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 2, "ifconfig: detail line `groups:` before any interface header"],
      [2, 1, "ifconfig: expected `NAME: flags=HEX<FLAGS>`, got `ifconfig:`"],
    ]);
  });
});

// reference B.1: `ifconfig -g carp` prints `carp: carp demote count N` (real capture).
describe("parseIfconfigGroup (reference B.1)", () => {
  it("reads the carp demote counter", () => {
    expect(parseIfconfigGroup("carp: carp demote count 0\n")).toEqual({ value: { group: "carp", demote: 0 }, diagnostics: [] });
    expect(parseIfconfigGroup("carp: carp demote count 128\n").value).toEqual({ group: "carp", demote: 128 });
  });
  it("reports anything else", () => {
    expect(parseIfconfigGroup("ifconfig: no such group\n").diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["1:1: ifconfig -g: expected `GROUP: carp demote count N`"]);
  });
});
