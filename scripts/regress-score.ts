/**
 * regress-score.ts [pfctl|ipsecctl] [DIR] [--show] - the lab's emulated pfctl and ipsecctl on OpenBSD's own regress
 * cases against the outputs real OpenBSD recorded for them (test/unit/emu/openbsd-regress.ts; DIR: a
 * regress/sbin/TOOL folder, default the copy in test/fixtures/openbsd-regress/TOOL). --show prints the lines that differ.
 *   npx tsx scripts/regress-score.ts [ipsecctl] [--show]
 */
import { regressCases, runRegressCase, type RegressTool } from "../test/unit/emu/openbsd-regress";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const tools: RegressTool[] = args[0] === "pfctl" || args[0] === "ipsecctl" ? [args.shift() as RegressTool] : ["pfctl", "ipsecctl"];
const dir = args[0];
const show = process.argv.includes("--show");
for (const tool of tools) {
  const cases = regressCases(tool, ...(dir ? [dir] : []));
  const differ: string[] = [];
  for (const c of cases) {
    const { got, want } = await runRegressCase(tool, c, ...(dir ? [dir] : []));
    if (got === want) continue;
    differ.push(c.name);
    if (!show) continue;
    const g = got.split("\n");
    const w = want.split("\n");
    const lines = Array.from({ length: Math.max(g.length, w.length) }, (_, i) => i).filter((i) => g[i] !== w[i]).slice(0, 6);
    console.log(`--- ${tool}/${c.name}\n${lines.map((i) => `  ${i + 1} ours:    ${JSON.stringify(g[i] ?? null)}\n  ${i + 1} OpenBSD: ${JSON.stringify(w[i] ?? null)}`).join("\n")}`);
  }
  console.log(`${tool} regress: ${cases.length - differ.length}/${cases.length} the same as OpenBSD's .ok; differ: ${differ.join(" ") || "none"}`);
}
