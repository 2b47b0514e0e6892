import { describe, expect, it } from "vitest";
import { checkMode, lintFile } from "../../../sdk/lint";

// reference/openbsd.md C.1; golden iked c09 (`iked: FILE: group writable or world read/writable`) and
// sasyncd conf_parse_file (`configuration file has bad owner, type or mode`).
describe("checkMode (reference C.1)", () => {
  it("refuses group-writable or world-readable ipsec.conf and iked.conf with the tools' message", () => {
    expect(checkMode("ipsec", "/etc/ipsec.conf", 0o644)).toEqual([
      { file: "/etc/ipsec.conf", line: 1, column: 1, severity: "error", message: "group writable or world read/writable (mode 0644); ipsecctl refuses the file: chmod 0600 /etc/ipsec.conf" },
    ]);
    expect(checkMode("iked", "iked.conf", 0o100620)[0]!.message).toBe("group writable or world read/writable (mode 0620); iked refuses the file: chmod 0600 iked.conf");
    expect(checkMode("ipsec", "ipsec.conf", 0o610)).toHaveLength(1);
    expect(checkMode("ipsec", "ipsec.conf", 0o604)).toHaveLength(1);
  });

  it("accepts 0600 and 0640 (group read is allowed) for ipsecctl and iked", () => {
    for (const mode of [0o600, 0o640, 0o400, 0o100600]) {
      expect(checkMode("ipsec", "ipsec.conf", mode)).toEqual([]);
      expect(checkMode("iked", "iked.conf", mode)).toEqual([]);
    }
  });

  it("requires sasyncd.conf to be a regular file with no group or other bits", () => {
    expect(checkMode("sasyncd", "sasyncd.conf", 0o100600)).toEqual([]);
    expect(checkMode("sasyncd", "sasyncd.conf", 0o640)[0]!.message).toBe(
      "configuration file has bad owner, type or mode (mode 0640); sasyncd refuses the file: make it a regular file, chmod 0600 sasyncd.conf",
    );
    expect(checkMode("sasyncd", "sasyncd.conf", 0o040700)[0]!.message).toBe(
      "configuration file has bad owner, type or mode (not a regular file); sasyncd refuses the file: make it a regular file, chmod 0600 sasyncd.conf",
    );
  });

  it("warns about world-accessible hostname.if files, which netstart fixes with a WARNING", () => {
    expect(checkMode("hostname", "hostname.em0", 0o644)).toEqual([
      { file: "hostname.em0", line: 1, column: 1, severity: "warning", message: "world-accessible hostname.if (mode 0644); netstart fixes it with a WARNING at every run: chmod 0640 hostname.em0" },
    ]);
    expect(checkMode("hostname", "hostname.em0", 0o640)).toEqual([]);
  });

  it("does not judge pf.conf, sysctl.conf or rc.conf.local modes", () => {
    for (const k of ["pf", "sysctl", "rcconf"] as const) expect(checkMode(k, "f", 0o666)).toEqual([]);
  });

  it("lintFile checks the mode only when one is given", () => {
    const text = "ikev2 passive esp from 10.1.0.0/24 to 10.2.0.0/24\n";
    expect(lintFile("iked.conf", text, { mode: 0o644 }).filter((d) => d.message.startsWith("group writable"))).toHaveLength(1);
    expect(lintFile("iked.conf", text).filter((d) => d.message.startsWith("group writable"))).toHaveLength(0);
  });
});
