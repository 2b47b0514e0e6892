/**
 * Fuzzing harness: feeds a parser random strings, token soups and mutated valid inputs (tokens
 * deleted, duplicated, swapped or replaced, lines cut, deleted or duplicated, junk inserted) and checks
 * that it never throws and that every diagnostic it returns has a valid position.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import type { Diagnostic } from "../../../sdk/model/diagnostics";

/** A parser or linter under test: anything returning diagnostics, directly or in a ParseResult. */
export type Fuzzed = (text: string, file: string) => { diagnostics: Diagnostic[] } | Diagnostic[];

/** Reads every file of `dir` whose name matches `re` (none when the folder does not exist). */
export function seedFiles(dir: string, re: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => re.test(f))
    .sort()
    .map((f) => readFileSync(`${dir}/${f}`, "utf8"));
}

const PUNCT = ["{", "}", "(", ")", '"', "'", "#", "\\", "\\\n", "\n", "\r\n", "\t", " ", "0x", "/", ":", ",", "=", "-->", "->", "!", "<", ">", "$", "/33", "/129", "256", "-1", "0", "99999999999999999999", "::", "%", "@1", ";", "*", "…", "\u0000", "\uffff"];

const junk: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom(...PUNCT));

/** One mutation of a text. */
type Op =
  | { op: "deleteToken" | "duplicateToken"; i: number }
  | { op: "swapTokens"; i: number; j: number }
  | { op: "replaceToken"; i: number; junk: string }
  | { op: "cut"; at: number }
  | { op: "insert"; at: number; junk: string }
  | { op: "deleteLine" | "duplicateLine"; i: number };

const index = fc.nat({ max: 1_000_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom("deleteToken" as const, "duplicateToken" as const), i: index }),
  fc.record({ op: fc.constant("swapTokens" as const), i: index, j: index }),
  fc.record({ op: fc.constant("replaceToken" as const), i: index, junk }),
  fc.record({ op: fc.constant("cut" as const), at: index }),
  fc.record({ op: fc.constant("insert" as const), at: index, junk }),
  fc.record({ op: fc.constantFrom("deleteLine" as const, "duplicateLine" as const), i: index }),
);

/** Applies one mutation (indices are taken modulo the number of tokens/lines/characters). */
export function mutate(text: string, op: Op): string {
  switch (op.op) {
    case "deleteToken":
    case "duplicateToken":
    case "swapTokens":
    case "replaceToken": {
      const parts = text.split(/(\s+)/);
      const words = parts.map((p, k) => k).filter((k) => k % 2 === 0 && parts[k] !== "");
      if (words.length === 0) return text;
      const a = words[op.i % words.length]!;
      if (op.op === "deleteToken") parts[a] = "";
      else if (op.op === "duplicateToken") parts[a] = `${parts[a]} ${parts[a]}`;
      else if (op.op === "replaceToken") parts[a] = op.junk;
      else if (op.op === "swapTokens") {
        const b = words[op.j % words.length]!;
        [parts[a], parts[b]] = [parts[b]!, parts[a]!];
      }
      return parts.join("");
    }
    case "cut":
      return text.slice(0, op.at % (text.length + 1));
    case "insert": {
      const at = op.at % (text.length + 1);
      return text.slice(0, at) + op.junk + text.slice(at);
    }
    case "deleteLine":
    case "duplicateLine": {
      const lines = text.split("\n");
      const k = op.i % lines.length;
      if (op.op === "deleteLine") lines.splice(k, 1);
      else lines.splice(k, 0, lines[k]!);
      return lines.join("\n");
    }
  }
}

/** Inputs: random strings, soups of the seeds' own tokens, and seeds with 1–4 mutations. */
export function inputs(seeds: readonly string[]): fc.Arbitrary<string> {
  const words = [...new Set(seeds.flatMap((s) => s.split(/\s+/)).filter((w) => w !== ""))].slice(0, 2000);
  const soup = fc.array(fc.oneof(words.length > 0 ? fc.constantFrom(...words) : junk, junk, fc.constantFrom(" ", "\n", "\t")), { maxLength: 60 }).map((xs) => xs.join(""));
  const random = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "binary-ascii", maxLength: 300 }));
  if (seeds.length === 0) return fc.oneof(random, soup);
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(opArb, { minLength: 1, maxLength: 4 })).map(([s, ops]) => ops.reduce(mutate, s));
  return fc.oneof({ arbitrary: random, weight: 1 }, { arbitrary: soup, weight: 1 }, { arbitrary: mutated, weight: 3 });
}

/** Checks one diagnostic's shape and position against the text it is about; throws with the reason. */
export function checkDiagnostic(d: Diagnostic, text: string, file: string): void {
  const fail = (why: string): never => {
    throw new Error(`bad diagnostic (${why}): ${JSON.stringify(d)}`);
  };
  if (d.file !== file) fail(`file is not ${file}`);
  if (d.severity !== "error" && d.severity !== "warning") fail("severity");
  if (typeof d.message !== "string" || d.message.length === 0) fail("empty message");
  let lines = 1;
  let start = 0;
  let lineStart = -1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    if (lines === d.line) lineStart = start;
    lines++;
    start = i + 1;
    if (lineStart >= 0) break;
  }
  if (!Number.isInteger(d.line) || d.line < 1) fail("line < 1");
  if (lineStart < 0 && d.line === lines) lineStart = start;
  if (d.line > lines + 1) fail(`line beyond the ${lines} lines of the input`);
  const end = text.indexOf("\n", Math.max(lineStart, 0));
  const len = lineStart < 0 ? 0 : (end < 0 ? text.length : end) - lineStart;
  if (!Number.isInteger(d.column) || d.column < 1 || d.column > len + 2) fail(`column on a line of ${len} characters`);
}

/** The fast-check seed: fixed so that the suite is reproducible; `FUZZ_SEED=N` explores others. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261124);

/**
 * A known, reported defect of a parser: diagnostics it matches are counted and printed instead of
 * failing. Each one has a pinned `it.fails` test so that it stays visible until fixed.
 */
export type KnownIssue = (d: Diagnostic, text: string) => boolean;

/**
 * Runs the seeds and `runs` generated inputs through `parse`, asserting it never throws and returns
 * well-placed diagnostics; prints `fuzz NAME: N inputs` and returns N.
 */
export function fuzz(name: string, parse: Fuzzed, seeds: readonly string[], runs: number, known?: KnownIssue): number {
  const file = `${name}.input`;
  let n = 0;
  let skipped = 0;
  const check = (text: string): void => {
    n++;
    const r = parse(text, file);
    const ds = Array.isArray(r) ? r : r.diagnostics;
    if (!Array.isArray(ds)) throw new Error(`${name} returned no diagnostics array`);
    for (const d of ds) {
      if (known?.(d, text)) skipped++;
      else checkDiagnostic(d, text, file);
    }
  };
  for (const s of seeds) check(s);
  fc.assert(fc.property(inputs(seeds), check), { numRuns: runs, seed: FUZZ_SEED });
  console.log(`fuzz ${name}: ${n} inputs${skipped > 0 ? ` (${skipped} diagnostics matched a known issue)` : ""}`);
  return n;
}
