import { describe, expect, it } from "vitest";
import { kindOf, lintFile, parseKind } from "../../../sdk/lint";

describe("kindOf", () => {
  it.each([
    ["/etc/ipsec.conf", "ipsec"],
    ["ipsec.conf", "ipsec"],
    ["/tmp/ipsec.gw1.conf", "ipsec"],
    ["/etc/iked.conf", "iked"],
    ["/etc/pf.conf", "pf"],
    ["/etc/pf.vpn.conf", "pf"],
    ["vpn.pf", "pf"],
    ["/etc/pf.anchors/vpn", "pf"],
    ["pf.anchors/vpn", "pf"],
    ["/etc/hostname.em0", "hostname"],
    ["hostname.carp1", "hostname"],
    ["/etc/sasyncd.conf", "sasyncd"],
    ["/etc/sysctl.conf", "sysctl"],
    ["/etc/rc.conf.local", "rcconf"],
  ])("%s is %s", (path, kind) => {
    expect(kindOf(path)).toBe(kind);
  });

  it.each(["guide-gw1.conf", "/etc/rc.conf", "hostname.", "hostname.if", "notes.txt", "/etc/pf.conf.d/x"])("%s has no kind", (path) => {
    expect(kindOf(path)).toBeUndefined();
  });
});

describe("parseKind", () => {
  it("accepts kinds and file names", () => {
    expect([parseKind("pf"), parseKind("pf.conf"), parseKind("hostname.if"), parseKind("rc.conf.local"), parseKind("ike")]).toEqual(["pf", "pf", "hostname", "rcconf", undefined]);
  });
});

describe("lintFile without a kind", () => {
  it("reports that the kind cannot be told from the name", () => {
    expect(lintFile("notes.txt", "x")).toEqual([
      { file: "notes.txt", line: 1, column: 1, severity: "error", message: "cannot tell the kind of file from its name; pass --kind, one of ipsec, iked, pf, hostname, sasyncd, sysctl, rcconf" },
    ]);
  });
});
