/**
 * injection-fuzz.ts [--seed N] [--count N] [--verbose] - hostile values in every leaf of generated programs.
 *
 * Each program of the renderer fuzzer (scripts/fuzz-programs.ts) that our checks accept is declared again once per
 * leaf (every string and number the user wrote, references between resources aside) and hostile value: the value
 * with a newline and a line of its own after it, a carriage return, a NUL, a quote, a brace, a `#`, `$(…)`, a bidi
 * override in front, the empty string, a value 40 times as long; numbers negative, fractional, 2^32, NaN. Each
 * must be either
 *
 *   - refused with a UserError (one message naming resource and field; no raw control or bidi character in it), or
 *   - accepted, and then rendered so that no file has a line the value made (`INJ` at the start of a line), no
 *     control or bidi character anywhere in the gateway's state but a file's newlines and tabs, and no file our
 *     lint passed for the original program now failing it (a value accepted here and refused by OpenBSD at apply).
 *
 * Prints each distinct finding once (leaf path, value, what happened) and the totals; exit status 1 when any.
 * A development tool beside oracle-fuzz.ts (no oracle needed): `npx tsx scripts/injection-fuzz.ts --seed 1 --count 20`.
 */
import * as pulumi from "@pulumi/pulumi";
import { declare, gen, R, widen, type Json } from "./fuzz-programs";
import { checkVariant, containers, containerVariants, leaves, numberVariants, stringVariants, typeVariants } from "./injection-check";
import { rng } from "./seeded-random";

const argv = process.argv.slice(2);
const opt = (k: string, d: string): string => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
};
const SEED = Number(opt("--seed", "1"));
const COUNT = Number(opt("--count", "20"));
const VERBOSE = argv.includes("--verbose");

async function main(): Promise<void> {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "fuzz", "fuzz", false);
  process.on("unhandledRejection", () => {});
  const seen = new Map<string, number>();
  let programs = 0;
  let tries = 0;
  let refused = 0;
  let accepted = 0;
  const finding = (key: string, detail: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 1 || VERBOSE) console.log(`\n${key}\n  ${detail}`);
  };
  for (let i = 0; i < COUNT; i++) {
    const p = gen(new R(rng(SEED * 1_000_003 + i)));
    widen(new R(rng(SEED * 1_000_003 + i + 0x5eed)), p);
    const base = await declare(p);
    if (!base.states) continue;
    programs++;
    for (const { at, value } of leaves(p as unknown as Json, [])) {
      const variants: Json[] = [...(typeof value === "string" ? stringVariants(value) : numberVariants()), ...typeVariants(value)];
      for (const h of variants) {
        tries++;
        const vs = await checkVariant(p, base.states!, at, value, h);
        if (vs[0]!.refused) refused++;
        else accepted++;
        for (const v of vs) if (v.kind) finding(v.kind, `#${i} ${v.detail}`);
      }
    }
    for (const { at, value } of containers(p as unknown as Json, [])) {
      for (const h of containerVariants(value)) {
        tries++;
        const vs = await checkVariant(p, base.states!, at, JSON.stringify(value).slice(0, 20), h);
        if (vs[0]!.refused) refused++;
        else accepted++;
        for (const v of vs) if (v.kind) finding(v.kind, `#${i} ${v.detail}`);
      }
    }
  }
  console.log(`\nfindings by kind:`);
  for (const [k, n] of [...seen].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${k}`);
  console.log(`\nseed ${SEED} count ${COUNT}: ${programs} programs accepted, ${tries} hostile declarations: ${refused} refused, ${accepted} accepted; ${seen.size} distinct findings`);
  process.exitCode = seen.size ? 1 : 0;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
