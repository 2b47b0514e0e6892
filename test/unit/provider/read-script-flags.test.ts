/**
 * The read script asks `rcctl get NAME flags` only for the daemons whose flags are declared: a daemon without
 * declared flags has none compared, so asking would be one `rcctl` process per daemon per read for nothing. Where
 * flags are declared, a hand edit of them is still found. Whether they are enabled and run, it asks of the managed
 * services only (`rcctl get NAME status`, `rcctl check`).
 */
import { describe, expect, it } from "vitest";
import { classify, parseReadOutput, readScript } from "../../../providers/gateway/read-script";
import type { HostState } from "../../../sdk/state";

const desired = {
  files: {},
  sysctls: {},
  services: { isakmpd: { order: 10, enabled: true, running: true, flags: "-K" }, ntpd: { order: 5, enabled: true, running: true } },
  interfaces: [],
  anchors: {},
  ipsec: { daemon: "none" },
} as unknown as HostState;

/** What the host prints for the script's sections, given isakmpd's flags. */
const output = (flags: string) => ["@@m on", "isakmpd", "ntpd", "@@m started", "isakmpd(ok)", "ntpd(ok)", "@@m flags isakmpd", flags, "@@m done", ""].join("\n");

describe("the read script and daemon flags", () => {
  const script = readScript(desired, "m");
  it("asks the flags of the daemon that declares them, and of no other", () => {
    expect(script.match(/rcctl get \S+ flags.*/g)).toEqual(["rcctl get 'isakmpd' flags 2>/dev/null"]);
  });
  it("a hand edit of declared flags is drift; the undeclared flags of ntpd are not read", () => {
    const same = parseReadOutput(output("-K"), "m");
    const edited = parseReadOutput(output("-K -v"), "m");
    if (typeof same === "string" || typeof edited === "string") throw new Error("incomplete");
    expect(classify(desired, same).drift).toEqual({ 'services["isakmpd"]': "in sync", 'services["ntpd"]': "in sync" });
    expect(classify(desired, edited).drift).toEqual({ 'services["isakmpd"]': "not persisted", 'services["ntpd"]': "in sync" });
  });
  it("asks about the managed services only (`rcctl ls on|started` work out every service of the host)", () => {
    expect(script).not.toContain("rcctl ls");
    expect(script).toContain(`for d in 'isakmpd' 'ntpd'; do rcctl get "$d" status >/dev/null 2>&1 && echo "$d"; done`);
    expect(script).toContain(`S=; for d in 'isakmpd' 'ntpd'; do [ -f "/etc/rc.d/$d" ] && S="$S $d"; done; [ -z "$S" ] || rcctl check $S 2>/dev/null`);
  });
  it("a daemon that `rcctl check` finds failed, or leaves out (no rc.d script), is running drifted", () => {
    for (const started of [["isakmpd(ok)", "ntpd(failed)"], ["isakmpd(ok)"]]) {
      const live = parseReadOutput(["@@m on", "isakmpd", "ntpd", "@@m started", ...started, "@@m flags isakmpd", "-K", "@@m done", ""].join("\n"), "m");
      if (typeof live === "string") throw new Error("incomplete");
      expect(classify(desired, live).drift).toEqual({ 'services["isakmpd"]': "in sync", 'services["ntpd"]': "running drifted" });
    }
  });
});
