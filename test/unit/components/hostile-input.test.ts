/**
 * Issue 11, a second, independent table of bad inputs (test/support/hostile-inputs.ts) over every
 * component and field: each refused at preview (through Pulumi's mocks, no provider), once, naming
 * resource, field as written, value (never a secret, never a raw control or bidi character) and fix,
 * asserted word for word.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import { runProgram, setupMocks, tolerateRejections } from "./mocks";
import { HKit, HOSTILE, SECRETS } from "../../support/hostile-inputs";

let stopTolerating: () => Promise<unknown[]>;
const explored: Record<string, unknown>[] = [];

beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});

afterAll(async () => {
  if (process.env.HOSTILE_EXPLORE) writeFileSync(process.env.HOSTILE_EXPLORE, JSON.stringify(explored, null, 1));
  expect((await stopTolerating()).map((e) => String((e as Error)?.stack ?? e))).toEqual([]);
});

/** Runs `build`; returns the user errors reported and what the program fails with (undefined: accepted). */
async function run(build: (k: HKit) => void, s: string): Promise<{ reported: string[]; failures: unknown[]; when: string }> {
  const r = await runProgram(new HKit(s), ["gw1", "gw2", "member", "raw"], build);
  return { ...r, reported: r.reported.map((e) => e.message) };
}

describe("hostile inputs: refused at preview, one message naming resource, field, value and fix", () => {
  HOSTILE.forEach((c, i) => {
    it(`[${c.class}] ${c.name}`, async () => {
      const s = `-h${i}`;
      const r = await run(c.build, s);
      if (process.env.HOSTILE_EXPLORE) {
        explored.push({ i, name: c.name, when: r.when, reported: r.reported, failures: r.failures.map((f) => (openbsd.Refused && f instanceof openbsd.Refused ? "Refused" : String((f as Error)?.stack ?? f).split("\n").slice(0, 3).join(" | "))) });
        return;
      }
      expect(r.reported).toEqual([c.message!(s)]);
      // never a raw control or bidi character (a list of problems is laid out one per `\n- ` line)
      expect(r.reported[0]!.replace(/\n- /g, " ")).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0]).toBeInstanceOf(openbsd.Refused);
      expect(pulumi.RunError.isInstance(r.failures[0])).toBe(true);
    });
  });

  it("covers every component and class with many cases", () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(80);
    for (const k of ["injection", "silently wrong", "messages"] as const) expect(HOSTILE.filter((c) => c.class === k).length).toBeGreaterThanOrEqual(15);
    const text = HOSTILE.map((c) => c.message!("")).join("\n");
    for (const kind of ["Gateway", "SiteToSiteTunnel", "CarpPair", "PfAnchor", "GifTunnel", "WireGuardTunnel", "WireGuardMesh", "WireGuardHub", "SshTunnel", "OpenVpnTunnel", "TincNetwork", "CertificateAuthority"])
      expect(text, kind).toContain(`${kind} "`);
  });

  it("no secret appears in any message", () => {
    for (const c of HOSTILE) {
      const m = c.message!("");
      for (const secret of SECRETS) expect(m.includes(secret), `${c.name}: ${secret}`).toBe(false);
    }
  });
});
