/**
 * The lab's pfctl looks `user` and `group` names up in the accounts every OpenBSD host has (test/lab/emu/openbsd-
 * accounts.ts, from OpenBSD's src/etc/master.passwd and src/etc/group), not in the test machine's: OpenBSD's own
 * default /etc/pf.conf (test/fixtures/openbsd-etc/pf.conf) blocks X11 for `_pbuild`, uid 55 on every OpenBSD, and
 * loads in the lab as it loads on a fresh OpenBSD.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { goldenInterfaces, sandbox } from "./harness";
import { OPENBSD_GROUPS, OPENBSD_USERS } from "../../lab/emu/openbsd-accounts";

const ETC_PF = readFileSync(new URL("../../fixtures/openbsd-etc/pf.conf", import.meta.url), "utf8");

describe("OpenBSD's accounts in the lab's pfctl", () => {
  it("OpenBSD's default /etc/pf.conf loads, _pbuild as uid 55", async () => {
    const sb = await sandbox();
    try {
      await sb.setInterfaces(goldenInterfaces());
      await sb.write("pf.conf", ETC_PF);
      const r = await sb.run("pfctl", ["-nv", "-f", "pf.conf"]);
      expect(r.stderr).toBe("");
      expect(r.stdout.split("\n").filter((l) => l.includes("user"))).toEqual([
        "block return out log proto tcp all user = 55",
        "block return out log proto udp all user = 55",
      ]);
    } finally {
      await sb.done();
    }
  });

  it("holds OpenBSD's ids, not the machine's (nobody is 32767, wheel and sshd are groups)", () => {
    expect([OPENBSD_USERS.root, OPENBSD_USERS.nobody, OPENBSD_USERS._pbuild, OPENBSD_GROUPS.wheel, OPENBSD_GROUPS.sshd, OPENBSD_GROUPS.nobody]).toEqual([0, 32767, 55, 0, 27, 32767]);
  });
});
