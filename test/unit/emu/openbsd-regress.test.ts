/**
 * The lab's pfctl and ipsecctl against OpenBSD's own regress suites (./openbsd-regress.ts): 150 pf rulesets and 200
 * ipsec.conf files written by their developers, with the output real OpenBSD printed for each. A second ground truth
 * beside the oracle's recordings, made on OpenBSD itself: `localhost` is 127.0.0.1 and ::1, `wheel` and `sshd` are
 * groups.
 */
import { describe, expect, it } from "vitest";
import { regressCases, runRegressCase, type RegressTool } from "./openbsd-regress";

/** Where the lab's tools are known to print otherwise, and why. */
const KNOWN: Record<RegressTool, Record<string, string>> = {
  pfctl: {
  // pfail53.ok predates pfctl's "skipping duplicate table checks" line under -nv, which the oracle prints
  pfail53: "the .ok file predates a line pfctl now prints",
  },
  ipsecctl: {},
};

describe.each(["pfctl", "ipsecctl"] as const)("OpenBSD's %s regress suite", (tool) => {
  const cases = regressCases(tool);
  const known = KNOWN[tool];

  it("has the Makefile's cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const k of Object.keys(known)) expect(cases.map((c) => c.name)).toContain(k);
  });

  it.each(cases.filter((c) => known[c.name] === undefined).map((c) => [c.name, c] as const))("%s: the lab prints what OpenBSD printed", async (_, c) => {
    const { got, want } = await runRegressCase(tool, c);
    expect(got).toBe(want);
  });

  it.each(cases.filter((c) => known[c.name] !== undefined).map((c) => [c.name, c] as const))("%s still differs (known: see KNOWN)", async (name, c) => {
    const { got, want } = await runRegressCase(tool, c);
    expect(got, `${name} now matches OpenBSD: remove it from KNOWN`).not.toBe(want);
  });
});
