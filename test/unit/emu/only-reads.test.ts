/**
 * The lab's data path is synced after an emulated command that can change a tunnel, not after one that only reads
 * (test/lab/emu/natt.ts onlyReads): which invocations are reads.
 */
import { describe, expect, it } from "vitest";
import { onlyReads } from "../../lab/emu/natt";

describe("onlyReads", () => {
  it("sysctl reads, rcctl get/getdef/check/ls are reads", () => {
    for (const [name, argv] of [["sysctl", ["-n", "net.inet.ip.forwarding"]], ["sysctl", ["kern.boottime", "net.inet.esp.enable"]], ["rcctl", ["get", "isakmpd", "flags"]], ["rcctl", ["-f", "check", "isakmpd"]], ["rcctl", ["getdef", "iked"]], ["rcctl", ["ls", "started"]]] as const)
      expect(onlyReads(name, argv), `${name} ${argv.join(" ")}`).toBe(true);
  });
  it("a sysctl that sets, rcctl start/stop/set/enable, and every other command are not", () => {
    for (const [name, argv] of [["sysctl", ["net.inet.ip.forwarding=1"]], ["sysctl", ["-a"]], ["rcctl", ["start", "isakmpd"]], ["rcctl", ["set", "isakmpd", "flags", "-K"]], ["rcctl", ["enable", "ipsec"]], ["ipsecctl", ["-sf"]], ["ifconfig", ["em0"]]] as const)
      expect(onlyReads(name, argv), `${name} ${argv.join(" ")}`).toBe(false);
  });
});
