/**
 * Hostile values in every leaf of generated programs (scripts/injection-fuzz.ts, sampled): programs of the renderer
 * fuzzer (scripts/fuzz-programs.ts, every component and most knobs) declared through the public components under
 * Pulumi's mocks, each leaf the user wrote replaced in turn by hostile variants (a newline and a line of its own, a
 * carriage return, a NUL, quotes, braces, `$(…)`, a bidi override, empty, 40 times as long; numbers negative,
 * fractional, 2^32, NaN; a value of another type; a field's list or object as a scalar or null). Each is refused
 * with a UserError whose message holds no raw control character, or rendered with no line of its own, no control
 * character anywhere in the state, and no file our lint now fails.
 * `npx tsx scripts/injection-fuzz.ts --seed N --count N` runs every variant of every leaf of many programs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as openbsd from "pulumi-openbsd";
import { setupMocks, tolerateRejections } from "./mocks";
import { declare, gen, R, widen, type Json, type Program } from "../../../scripts/fuzz-programs";
import { checkVariant, containers, containerVariants, leaves, numberVariants, stateProblems, stringVariants, typeVariants } from "../../../scripts/injection-check";
import { rng } from "../../../scripts/seeded-random";
import type { HostState } from "../../../sdk/state";

let stopTolerating: () => Promise<unknown[]>;

beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});

afterAll(async () => {
  await stopTolerating();
});

/** The first `n` programs of seed `seed` our checks accept, with what they render to. */
async function programs(seed: number, n: number): Promise<{ p: Program; states: Record<string, HostState> }[]> {
  const out: { p: Program; states: Record<string, HostState> }[] = [];
  for (let i = 0; out.length < n && i < 200; i++) {
    const p = gen(new R(rng(seed * 1_000_003 + i)));
    widen(new R(rng(seed * 1_000_003 + i + 0x5eed)), p);
    const o = await declare(p);
    if (o.states) out.push({ p, states: o.states });
  }
  return out;
}

describe("hostile values in every leaf of generated programs", () => {
  it("the check sees a line a value made, a control character, and a file our lint now fails", () => {
    const base: Record<string, HostState> = { gw: { files: { "/etc/sysctl.conf": { content: "net.inet.ip.forwarding=1\n" } } } as unknown as HostState };
    const bad = (content: string) => stateProblems({ gw: { files: { "/etc/sysctl.conf": { content } } } as unknown as HostState }, base);
    expect(bad("net.inet.ip.forwarding=1\n!INJ reboot\n").join("\n")).toMatch(/has a line the value made/);
    expect(bad("net.inet.ip.forwarding=1\rx\n").join("\n")).toMatch(/control or bidi character/);
    expect(bad("net.inet.ip.forwarding=1 2\n").join("\n")).toMatch(/fails our lint/);
    expect(bad("net.inet.ip.forwarding=1\n")).toEqual([]);
  });

  it("each is refused with a clean UserError, or rendered without a trace of it (a sample of 3 variants per leaf)", async () => {
    const findings: string[] = [];
    let refused = 0;
    let accepted = 0;
    let leafCount = 0;
    for (const { p, states } of await programs(11, 1)) {
      let k = 0;
      for (const { at, value } of leaves(p as unknown as Json, [])) {
        leafCount++;
        const all: Json[] = [...(typeof value === "string" ? stringVariants(value) : numberVariants()), ...typeVariants(value)];
        for (let j = 0; j < 3; j++) {
          const vs = await checkVariant(p, states, at, value, all[(k * 3 + j) % all.length]!);
          if (vs[0]!.refused) refused++;
          else accepted++;
          for (const v of vs) if (v.kind) findings.push(`${v.kind}: ${v.detail}`);
        }
        k++;
      }
      // each field's list or object as a scalar, null or the other kind of container: one variant each, in turn
      for (const { at, value } of containers(p as unknown as Json, [])) {
        const all = containerVariants(value);
        const vs = await checkVariant(p, states, at, "", all[k++ % all.length]!);
        if (vs[0]!.refused) refused++;
        else accepted++;
        for (const v of vs) if (v.kind) findings.push(`${v.kind}: ${v.detail}`);
      }
    }
    expect(findings).toEqual([]);
    expect(leafCount).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(30);
    expect(accepted).toBeGreaterThan(0);
  }, 120_000); // a few hundred programs: 9 s alone, several times that beside the other legs of `npm test`
});
