/**
 * regress-score.ts [DIR] [--show] - the lab's emulated pfctl on OpenBSD's own pfctl regress cases against the outputs
 * real OpenBSD recorded for them (test/unit/emu/openbsd-regress.ts; DIR: a regress/sbin/pfctl folder, default the
 * copy in test/fixtures/openbsd-regress/pfctl). --show prints the lines that differ.
 *   npx tsx scripts/regress-score.ts [/work/wt/obsd-src/regress/sbin/pfctl] [--show]
 */
import { regressCases, REGRESS_DIR, runRegressCase } from "../test/unit/emu/openbsd-regress";

const dir = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? REGRESS_DIR;
const show = process.argv.includes("--show");
const names = regressCases(dir);
const differ: string[] = [];
for (const n of names) {
  const { got, want } = await runRegressCase(n, dir);
  if (got === want) continue;
  differ.push(n);
  if (!show) continue;
  const g = got.split("\n");
  const w = want.split("\n");
  const lines = Array.from({ length: Math.max(g.length, w.length) }, (_, i) => i).filter((i) => g[i] !== w[i]).slice(0, 6);
  console.log(`--- ${n}\n${lines.map((i) => `  ${i + 1} ours:    ${JSON.stringify(g[i] ?? null)}\n  ${i + 1} OpenBSD: ${JSON.stringify(w[i] ?? null)}`).join("\n")}`);
}
console.log(`regress: ${names.length - differ.length}/${names.length} the same as OpenBSD's .ok; differ: ${differ.join(" ") || "none"}`);
