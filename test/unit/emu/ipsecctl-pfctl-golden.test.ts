/**
 * The emulated `ipsecctl -nv -f`, `pfctl -nv -f` and `pfctl -o none -nv -f` (test/lab/emu/cmd) reproduce every
 * golden case of ../shared/golden/{ipsecctl,pfctl}: stdout, stderr (file name as given) and exit status, with
 * the golden interface table for pf. Inputs are 0600, as recorded.
 *
 * Not compared in full (reason named):
 * - ipsecctl `err-lifetime`: after `invalid time unit:` comes an errno string that varies by platform
 *   (golden/README.md); compared up to it.
 * Every pfctl case, including the default optimizer's reordering (guide-gw2-tagged, port-operators, …), is
 * reproduced by the printer; the provider still loads with `-o none` (ARCHITECTURE.md D5).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { golden, goldenCases, goldenInterfaces, sandbox, type Sandbox } from "./harness";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
  await sb.setInterfaces(goldenInterfaces());
});
afterEach(async () => { await sb.done(); });

describe("ipsecctl -nv -f (golden/ipsecctl)", () => {
  const cases = goldenCases("ipsecctl");
  it("has the golden cases", () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const c of cases) {
    it(c, async () => {
      await sb.put("ipsecctl", `${c}.conf`);
      const r = await sb.run("ipsecctl", ["-nv", "-f", `${c}.conf`]);
      const want = { stdout: await golden("ipsecctl", `${c}.out`), stderr: await golden("ipsecctl", `${c}.err`), code: Number((await golden("ipsecctl", `${c}.rc`)).trim()) };
      if (c === "err-lifetime") {
        const cut = (s: string) => s.split("invalid time unit:")[0];
        expect({ ...r, stderr: cut(r.stderr) }).toEqual({ ...want, stderr: cut(want.stderr) });
      } else {
        expect(r).toEqual(want);
      }
    });
  }
});

describe("pfctl -nv -f and pfctl -o none -nv -f (golden/pfctl)", () => {
  const cases = goldenCases("pfctl");
  it("has the golden cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const c of cases) {
    it(c, async () => {
      await sb.put("pfctl", `${c}.conf`);
      const stderr = await golden("pfctl", `${c}.err`);
      const code = Number((await golden("pfctl", `${c}.rc`)).trim());
      const noopt = await sb.run("pfctl", ["-o", "none", "-nv", "-f", `${c}.conf`]);
      expect(noopt).toEqual({ stdout: code === 0 ? await golden("pfctl", `${c}.noopt.out`) : await golden("pfctl", `${c}.out`), stderr, code });
      const opt = await sb.run("pfctl", ["-nv", "-f", `${c}.conf`]);
      expect(opt).toEqual({ stdout: await golden("pfctl", `${c}.out`), stderr, code });
    });
  }
});
