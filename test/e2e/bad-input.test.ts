/**
 * Issue 11, "Bad input", through the real engine: one bad input per class, run by `pulumi preview`
 * (Automation API, inline program). Each is refused at preview with its whole message exactly once in
 * the engine's output, as one error diagnostic, with no stack trace, no `Unhandled exception`, no
 * `error serializing property` echo, and no SSH connection (the provider's transport counters).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { failedPreview, type PreviewRun } from "../support/preview-refusal";
import { ROOT } from "../support/env";
import { clearCounters, readCounters } from "../provider/counters-files";
import { BAD_INPUTS, Kit, type BadCase } from "../support/bad-inputs";

const COUNTERS = path.join(ROOT, ".state", "bad-input-e2e-counters");
const REFUSED = "pulumi-openbsd refused the program's arguments (the error above says which); no gateway was contacted";

/**
 * One case per class, declared synchronously or checked when Outputs resolve, through components and
 * planner. `BAD_INPUT_ALL=1` runs every case of the table instead (about 4 s each).
 */
const SOME = [
  "newline + `!` line in a CARP password", // injection, secret, checked at resolution
  "`!` as the external interface", // injection, plain, checked at declaration
  "newline + `!` line in an extra interface name (hostname.if file name)",
  "the internal interface is the external one", // silently wrong, declaration
  "a 3-byte PSK", // silently wrong, resolution
  "a gateway in two CarpPairs",
  "a tunnel without `left`", // messages: was a raw TypeError
  "a bad internal network blames the Gateway's field, not the tunnel's",
  "a bidi override in a field is echoed escaped",
  "a transform typo names the field as written", // planner (both ends)
];
const PICKS = process.env.BAD_INPUT_ALL === "1" ? BAD_INPUTS.map((c) => c.name) : SOME;

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

function preview(c: BadCase, i: number, diff: boolean): Promise<PreviewRun> {
  return failedPreview("bad-input", `bi${process.pid}x${i}${diff ? "d" : ""}`, async () => {
    c.build(new Kit(""));
  }, diff);
}

beforeAll(() => {
  process.env.PULUMI_OPENBSD_COUNTERS_DIR = COUNTERS;
  clearCounters(COUNTERS);
});

afterAll(() => {
  delete process.env.PULUMI_OPENBSD_COUNTERS_DIR;
});

describe("bad input through `pulumi preview`: refused once, cleanly, before any SSH", () => {
  it("picks one case per class", () => {
    const picked = SOME.map((n) => BAD_INPUTS.find((c) => c.name === n)!);
    expect(picked.every(Boolean)).toBe(true);
    expect(new Set(picked.map((c) => c.class))).toEqual(new Set(["injection", "silently wrong", "messages"]));
  });

  PICKS.forEach((name, i) => {
    it(name, async () => {
      const c = BAD_INPUTS.find((x) => x.name === name)!;
      const msg = c.message("");
      const r = await preview(c, i, true);
      // one error diagnostic with the message, then the one refusal of the program
      expect(r.errors.filter((e) => e.includes(msg))).toHaveLength(1);
      // (the Automation API's in-process language host repeats the program's failure as its result: twice the
      // one-line refusal, which names nothing, never the user's message)
      const [first, ...rest] = r.errors.map((e) => e.trim());
      expect(first).toBe(msg);
      expect(rest.length).toBeLessThanOrEqual(2);
      for (const e of rest) expect([REFUSED, `One or more errors occurred: ${REFUSED}`]).toContain(e);
      // the whole output: the message exactly once, nothing of a crash
      expect(count(r.output, msg)).toBe(1);
      for (const bad of ["Unhandled exception", "error serializing property", "Running program", "TypeError", "UserError"]) expect(r.output).not.toContain(bad);
      expect(r.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack frame
      expect(r.output).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u001b]/);
      // nothing planned for any host (a refused program registers no GatewayConfig), no connection to any host
      expect(r.output).not.toContain("openbsd:index:GatewayConfig");
      expect(readCounters(COUNTERS)).toEqual({});
    });
  });

  it("the default display shows the message once as a diagnostic (and its progress line), never more", async () => {
    const c = BAD_INPUTS.find((x) => x.name === PICKS[0])!;
    const msg = c.message("");
    const r = await preview(c, 99, false);
    const diagnostics = r.output.slice(r.output.indexOf("Diagnostics:"));
    expect(count(diagnostics, msg)).toBe(1);
    // the engine echoes each diagnostic once in its progress lines, before the Diagnostics summary
    expect(count(r.output, msg)).toBe(2);
    expect(r.output).not.toContain("Unhandled exception");
    expect(readCounters(COUNTERS)).toEqual({});
  });
});
