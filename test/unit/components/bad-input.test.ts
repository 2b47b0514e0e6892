/**
 * Issue 11, "Bad input": every bad input of the table is refused at preview (through Pulumi's mocks, no
 * provider), with one message naming the resource, the field as the user wrote it, the value (never a
 * secret) and the fix, asserted word for word. Hostile values (shell, newline, bidi) never reach a file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import { runProgram, sealed, setupMocks, tolerateRejections, valueOf } from "./mocks";
import { BAD_INPUTS, Kit, PSK } from "../../support/bad-inputs";

let stopTolerating: () => Promise<unknown[]>;

beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});

afterAll(async () => {
  expect((await stopTolerating()).map((e) => String((e as Error)?.stack ?? e))).toEqual([]);
});

/**
 * Runs `build` and returns what the user sees: the user errors reported (each printed once by Pulumi on
 * its resource) and what the program fails with (thrown at declaration, or rejected by the gateways' state).
 */
async function refusalOf(build: (k: Kit) => void, s: string): Promise<{ reported: openbsd.UserError[]; failure: unknown; when: "declaration" | "preview" }> {
  const r = await runProgram(new Kit(s), ["gw1", "gw2", "member"], build);
  if (r.when === "accepted") throw new Error("accepted");
  if (r.when === "declaration") return { reported: r.reported, failure: r.failures[0], when: "declaration" };
  expect(r.failures).toHaveLength(1); // one error object, however many gateways it rejects
  return { reported: r.reported, failure: r.failures[0], when: "preview" };
}

describe("bad inputs: refused at preview, one message naming resource, field, value and fix", () => {
  BAD_INPUTS.forEach((c, i) => {
    it(`[${c.class}] ${c.name}`, async () => {
      const s = `-b${i}`;
      const r = await refusalOf(c.build, s);
      // reported once, word for word
      expect(r.reported.map((e) => e.message)).toEqual([c.message(s)]);
      // never raw control or bidi characters in what reaches the terminal
      expect(r.reported[0]!.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      // the program then fails with the one Refused (a RunError: no stack trace, no repetition of the message)
      expect(r.failure).toBeInstanceOf(openbsd.Refused);
      expect(pulumi.RunError.isInstance(r.failure)).toBe(true);
      expect((r.failure as Error).message).toBe("pulumi-openbsd refused the program's arguments (the error above says which); no gateway was contacted");
    });
  });

  it("covers every class with many cases", () => {
    const by = (k: string) => BAD_INPUTS.filter((c) => c.class === k).length;
    expect(by("injection")).toBeGreaterThanOrEqual(25);
    expect(by("silently wrong")).toBeGreaterThanOrEqual(25);
    expect(by("messages")).toBeGreaterThanOrEqual(15);
  });

  it("no secret appears in any message", async () => {
    for (const c of BAD_INPUTS) {
      const m = c.message("");
      for (const secret of ["p1\n!reboot", "p1;reboot", PSK, "abc", "zz".repeat(32), "xy".repeat(32)]) expect(m.includes(secret), `${c.name}: ${secret}`).toBe(false);
    }
  });

  it("a refused declaration leaves every gateway of the program without a state: nothing would be committed", async () => {
    const k = new Kit("-partial");
    const g1 = k.gw1();
    const stop = openbsd.onUserError(() => undefined);
    expect(() => new openbsd.GifTunnel("gif-partial", { left: { gateway: g1, interface: "gif0", inner: "10.9.0.1" } } as openbsd.GifTunnelArgs)).toThrow(openbsd.Refused);
    stop();
    await expect(valueOf(g1.state)).rejects.toBeInstanceOf(openbsd.Refused);
    await sealed();
  });

  it("the SDK's `error serializing property` prefixes cannot echo into the message", () => {
    const e = new openbsd.UserError("Gateway \"x\": once");
    (e as { message: string }).message = `error serializing property "state": ${e.message}`;
    expect(e.message).toBe("Gateway \"x\": once");
  });
});
