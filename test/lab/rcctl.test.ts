// The emulated rcctl (a test double) against reference/openbsd.md A.9 and B.5.
import { readFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

describe("rcctl (A.9, B.5)", () => {
  let gw: EmuRoot;
  const local = () => readFileSync(join(gw.dir, "etc/rc.conf.local"), "utf8");
  beforeEach(() => { gw = emuRoot("gw1", [["em0", "52:54:00:00:00:01", "lan"]]); });
  afterEach(() => gw.cleanup());

  it("writes rc.conf.local sorted, as in the isakmpd + sasyncd example", async () => {
    expect(await gw.run("rcctl", "enable", "sasyncd")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "enable", "isakmpd")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "set", "isakmpd", "flags", "-K")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "enable", "ipsec")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(local()).toBe("ipsec=YES\nisakmpd_flags=-K\nsasyncd_flags=\n");
    expect(statSync(join(gw.dir, "etc/rc.conf.local")).mode & 0o777).toBe(0o644);
  });

  it("refuses `set … flags` on a disabled daemon and `flags NO`", async () => {
    expect(await gw.run("rcctl", "set", "isakmpd", "flags", "-K")).toEqual({ stdout: "", stderr: "rcctl: isakmpd is not enabled\n", code: 1 });
    expect(existsSync(join(gw.dir, "etc/rc.conf.local"))).toBe(false);
    await gw.run("rcctl", "enable", "isakmpd");
    expect(await gw.run("rcctl", "set", "isakmpd", "flags", "NO")).toEqual({ stdout: "", stderr: 'rcctl: "flags NO" contradicts "set"\n', code: 1 });
  });

  it("gets flags: -K, empty, NO with exit 1", async () => {
    expect(await gw.run("rcctl", "get", "isakmpd", "flags")).toEqual({ stdout: "NO\n", stderr: "", code: 1 });
    await gw.run("rcctl", "enable", "isakmpd");
    expect(await gw.run("rcctl", "get", "isakmpd", "flags")).toEqual({ stdout: "", stderr: "", code: 0 });
    await gw.run("rcctl", "set", "isakmpd", "flags", "-K");
    expect(await gw.run("rcctl", "get", "isakmpd", "flags")).toEqual({ stdout: "-K\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "get", "isakmpd", "status")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "get", "iked", "status")).toEqual({ stdout: "", stderr: "", code: 1 });
  });

  it("prints the 7 lines of `rcctl get isakmpd`", async () => {
    await gw.run("rcctl", "enable", "isakmpd");
    await gw.run("rcctl", "set", "isakmpd", "flags", "-K");
    expect(await gw.run("rcctl", "get", "isakmpd")).toEqual({
      stdout: "isakmpd_class=daemon\nisakmpd_execdir=\nisakmpd_flags=-K\nisakmpd_logger=\nisakmpd_rtable=0\nisakmpd_timeout=30\nisakmpd_user=root\n",
      stderr: "", code: 0,
    });
    expect((await gw.run("rcctl", "getdef", "isakmpd", "flags"))).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  it("handles special variables", async () => {
    expect(await gw.run("rcctl", "get", "ipsec")).toEqual({ stdout: "ipsec=NO\n", stderr: "", code: 1 });
    await gw.run("rcctl", "enable", "ipsec");
    expect(await gw.run("rcctl", "get", "ipsec")).toEqual({ stdout: "ipsec=YES\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "get", "ipsec", "flags")).toEqual({ stdout: "YES\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "start", "ipsec")).toEqual({ stdout: "", stderr: 'rcctl: "ipsec" is a special variable, no rc.d(8) script\n', code: 1 });
    await gw.run("rcctl", "disable", "ipsec");
    expect(existsSync(join(gw.dir, "etc/rc.conf.local"))).toBe(false);
  });

  it("disable removes every isakmpd_* line; daemons on by default get _flags=NO", async () => {
    await gw.run("rcctl", "enable", "isakmpd");
    await gw.run("rcctl", "set", "isakmpd", "flags", "-K");
    await gw.run("rcctl", "set", "isakmpd", "timeout", "60");
    expect(local()).toBe("isakmpd_flags=-K\nisakmpd_timeout=60\n");
    await gw.run("rcctl", "disable", "isakmpd");
    expect(existsSync(join(gw.dir, "etc/rc.conf.local"))).toBe(false);
    await gw.run("rcctl", "disable", "ntpd");
    expect(local()).toBe("ntpd_flags=NO\n");
    await gw.run("rcctl", "enable", "ntpd");
    expect(existsSync(join(gw.dir, "etc/rc.conf.local"))).toBe(false);
  });

  it("starts, checks, restarts and stops with name(ok)/name(failed)", async () => {
    expect(await gw.run("rcctl", "start", "ntpd")).toEqual({ stdout: "ntpd(ok)\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "start", "ntpd")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "check", "ntpd")).toEqual({ stdout: "ntpd(ok)\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "restart", "ntpd")).toEqual({ stdout: "ntpd(ok)\nntpd(ok)\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "ls", "started")).toEqual({ stdout: "ntpd\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "stop", "ntpd")).toEqual({ stdout: "ntpd(ok)\n", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "stop", "ntpd")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("rcctl", "check", "ntpd")).toEqual({ stdout: "ntpd(failed)\n", stderr: "", code: 1 });
    expect(await gw.run("rcctl", "reload", "ntpd")).toEqual({ stdout: "ntpd(failed)\n", stderr: "", code: 1 });
  });

  it("needs -f to start a daemon whose flags are NO", async () => {
    expect(await gw.run("rcctl", "start", "sasyncd")).toEqual({ stdout: "", stderr: "/etc/rc.d/sasyncd: need -f to force start since sasyncd_flags=NO\n", code: 1 });
  });

  it("lists on/off/failed/rogue and refuses unknown services", async () => {
    await gw.run("rcctl", "enable", "isakmpd");
    const on = (await gw.run("rcctl", "ls", "on")).stdout.split("\n").filter(Boolean);
    expect(on).toEqual(["check_quotas", "cron", "isakmpd", "library_aslr", "ntpd", "pf", "pflogd", "sshd", "syslogd"]);
    expect(await gw.run("rcctl", "ls", "failed")).toEqual({ stdout: "cron\nisakmpd\nntpd\npflogd\nsshd\nsyslogd\n", stderr: "", code: 1 });
    expect(await gw.run("rcctl", "get", "nosuchd")).toEqual({ stdout: "", stderr: "rcctl: service nosuchd does not exist\n", code: 2 });
  });
});
