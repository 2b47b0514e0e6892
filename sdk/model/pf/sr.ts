/**
 * Parser of `pfctl -sr` / `pfctl -a NAME -sr` output (also the rule lines of `pfctl -nv`): the
 * canonical language {@link renderPfRule} writes, one rule per line. `-v` counter lines
 * (`  [ Evaluations: … ]`) and `-vv` rule numbers (`@3 `) are skipped.
 */
import type { ParseResult } from "../diagnostics";
import { expandStatement } from "./expand";
import { parsePfDetailed } from "./parser";
import type { PfRule } from "./types";

/** Parses pfctl's printed rules into canonical rules, in the order printed. */
export function parsePfctlSr(output: string, file = "pfctl -sr"): ParseResult<PfRule[]> {
  const lines = output.split("\n").map((l) => (/^\s+\[/.test(l) ? "" : l.replace(/^@\d+ /, "")));
  const out = parsePfDetailed(lines.join("\n"), file, { verbose: false });
  const rules: PfRule[] = [];
  for (const s of out.ruleset.rules) {
    if (s.kind === "load-anchor") continue;
    for (const r of expandStatement(s).rules) rules.push(r);
  }
  return { value: rules, diagnostics: out.diagnostics };
}
