// The emulated sysctl (a test double) against reference/openbsd.md A.10 and B.6.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

describe("sysctl (B.6)", () => {
  let gw: EmuRoot;
  beforeEach(() => { gw = emuRoot("gw1", [["em0", "52:54:00:00:00:01", "lan"]]); });
  afterEach(() => gw.cleanup());

  it("reads, writes and reads back like the reference transcript", async () => {
    expect(await gw.run("sysctl", "net.inet.ip.forwarding")).toEqual({ stdout: "net.inet.ip.forwarding=0\n", stderr: "", code: 0 });
    expect(await gw.run("sysctl", "net.inet.ip.forwarding=1")).toEqual({ stdout: "net.inet.ip.forwarding: 0 -> 1\n", stderr: "", code: 0 });
    expect(await gw.run("sysctl", "net.inet.ip.forwarding")).toEqual({ stdout: "net.inet.ip.forwarding=1\n", stderr: "", code: 0 });
    expect(await gw.run("sysctl", "-n", "net.inet.ip.forwarding")).toEqual({ stdout: "1\n", stderr: "", code: 0 });
  });

  it("prints several names one line each, with the documented defaults", async () => {
    expect((await gw.run("sysctl", "net.inet.carp.allow", "net.inet.carp.preempt", "net.inet.esp.enable")).stdout)
      .toBe("net.inet.carp.allow=1\nnet.inet.carp.preempt=0\nnet.inet.esp.enable=1\n");
    expect((await gw.run("sysctl", "-n", "net.inet.gre.allow", "net.inet.ipcomp.enable", "net.inet.esp.udpencap_port")).stdout).toBe("0\n0\n4500\n");
  });

  it("is quiet with -q and prints only the new value with -n on write", async () => {
    expect(await gw.run("sysctl", "-q", "net.inet.gre.allow=1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("sysctl", "-n", "net.inet.gre.allow=0")).toEqual({ stdout: "0\n", stderr: "", code: 0 });
  });

  it("refuses unknown MIBs naming the level, and bad values", async () => {
    expect(await gw.run("sysctl", "net.inet.ip.forwardin")).toEqual({ stdout: "", stderr: "sysctl: fourth level name forwardin in net.inet.ip.forwardin is invalid\n", code: 1 });
    expect(await gw.run("sysctl", "net.inet.bogus.allow=1")).toEqual({ stdout: "", stderr: "sysctl: third level name bogus in net.inet.bogus.allow is invalid\n", code: 1 });
    expect(await gw.run("sysctl", "nett.inet")).toEqual({ stdout: "", stderr: "sysctl: top level name nett in nett.inet is invalid\n", code: 1 });
    expect(await gw.run("sysctl", "net.inet.ip.forwarding=yes")).toEqual({ stdout: "", stderr: "sysctl: net.inet.ip.forwarding: yes: invalid integer\n", code: 1 });
    expect(await gw.run("sysctl", "net.inet.ip.forwarding=3")).toEqual({ stdout: "", stderr: "sysctl: net.inet.ip.forwarding: Invalid argument\n", code: 1 });
    expect((await gw.run("sysctl", "-n", "net.inet.ip.forwarding")).stdout).toBe("0\n");
  });

  it("lists a subtree", async () => {
    expect((await gw.run("sysctl", "net.inet.carp")).stdout).toBe("net.inet.carp.allow=1\nnet.inet.carp.log=2\nnet.inet.carp.preempt=0\n");
  });
});
