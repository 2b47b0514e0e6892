/**
 * Issue 11, the hidden-tester table (test/support/hostile-inputs.ts) through the real engine: a few cases
 * of the classes fixed in that pass, each run by `pulumi preview` (Automation API, inline program):
 * refused once, as one error diagnostic with the whole message, no stack trace, no `Unhandled exception`,
 * no `error serializing property` echo, no raw control character, and no SSH connection.
 * `HOSTILE_ALL=1` runs every case of the table instead (about 4 s each).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { failedPreview } from "../support/preview-refusal";
import { ROOT } from "../support/env";
import { clearCounters, readCounters } from "../provider/counters-files";
import { HKit, HOSTILE } from "../support/hostile-inputs";

const COUNTERS = path.join(ROOT, ".state", "hostile-input-e2e-counters");
const REFUSED = "pulumi-openbsd refused the program's arguments (the error above says which); no gateway was contacted";

const SOME = [
  "extra addresses as a string, not a list", // was a raw TypeError behind `error serializing property "outputs"`
  "newline at the end of a sysctl name", // a map key with a newline: was echoed raw in the field
  "a rollback delay given as an Output, too short", // an Output: was never checked
  "`; halt` after a secret external address", // a value marked secret: was quoted in the error
];
const PICKS = process.env.HOSTILE_ALL === "1" ? HOSTILE.map((c) => c.name) : SOME;
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

beforeAll(() => {
  process.env.PULUMI_OPENBSD_COUNTERS_DIR = COUNTERS;
  clearCounters(COUNTERS);
});

afterAll(() => {
  delete process.env.PULUMI_OPENBSD_COUNTERS_DIR;
});

describe("hostile inputs through `pulumi preview`: refused once, cleanly, before any SSH", () => {
  PICKS.forEach((name, i) => {
    it(name, async () => {
      const c = HOSTILE.find((x) => x.name === name)!;
      const msg = c.message!("");
      const { output, errors } = await failedPreview("hostile-input", `hi${process.pid}x${i}`, async () => {
        c.build(new HKit(""));
      }, true);
      const [first, ...rest] = errors.map((e) => e.trim());
      expect(first).toBe(msg);
      expect(rest.length).toBeLessThanOrEqual(2);
      for (const e of rest) expect([REFUSED, `One or more errors occurred: ${REFUSED}`]).toContain(e);
      expect(count(output, msg)).toBe(1);
      for (const bad of ["Unhandled exception", "error serializing property", "TypeError", "UserError"]) expect(output).not.toContain(bad);
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(output).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f]/);
      expect(output).not.toContain("openbsd:index:GatewayConfig");
      expect(readCounters(COUNTERS)).toEqual({});
    });
  });
});
