/**
 * The emulated `iked` and `sasyncd` commands (test/lab/emu/cmd) reproduce every golden case of
 * ../shared/golden/{iked,sasyncd}: stdout, stderr (file name as given) and exit status.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { golden, goldenCases, sandbox, type Sandbox } from "./harness";

let sb: Sandbox;
beforeEach(async () => { sb = await sandbox(); });
afterEach(async () => { await sb.done(); });

async function expectGolden(tool: string, base: string, r: { stdout: string; stderr: string; code: number }): Promise<void> {
  expect({ stdout: r.stdout, stderr: r.stderr, code: r.code }).toEqual({
    stdout: await golden(tool, `${base}.out`),
    stderr: await golden(tool, `${base}.err`),
    code: Number((await golden(tool, `${base}.rc`)).trim()),
  });
}

describe("iked -nv -f / iked -n -f (golden/iked)", () => {
  const cases = goldenCases("iked");
  it("has the golden cases", () => expect(cases.length).toBeGreaterThanOrEqual(16));
  for (const c of cases) {
    it(c, async () => {
      await sb.put("iked", `${c}.conf`, c.includes("mode0644") ? 0o644 : 0o600);
      await expectGolden("iked", c, await sb.run("iked", ["-nv", "-f", `${c}.conf`]));
      await expectGolden("iked", `${c}.n`, await sb.run("iked", ["-n", "-f", `${c}.conf`]));
    });
  }
});

describe("sasyncd -d -n / -n / -d -v -v -n (golden/sasyncd)", () => {
  const cases = goldenCases("sasyncd");
  it("has the golden cases", () => expect(cases.length).toBeGreaterThanOrEqual(9));
  for (const c of cases) {
    it(c, async () => {
      await sb.put("sasyncd", `${c}.conf`);
      await expectGolden("sasyncd", c, await sb.run("sasyncd", ["-d", "-n", "-c", `${c}.conf`]));
      await expectGolden("sasyncd", `${c}.n`, await sb.run("sasyncd", ["-n", "-c", `${c}.conf`]));
      await expectGolden("sasyncd", `${c}.vv`, await sb.run("sasyncd", ["-d", "-v", "-v", "-n", "-c", `${c}.conf`]));
    });
  }
});
