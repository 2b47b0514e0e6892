/**
 * The checks of scripts/injection-fuzz.ts (and of test/unit/components/injection.test.ts, which runs a sample of
 * them): the leaves of a generated program, their hostile variants, and what an accepted variant's states must not
 * hold. See injection-fuzz.ts for the invariants.
 */
import type { HostState } from "../sdk/state";
import { hasErrors, lintFile } from "../sdk/lint/index";
import { declare, type Json, type Program } from "./fuzz-programs";

/** Hostile variants of a string leaf (`v` its value in the accepted program). */
export const stringVariants = (v: string): string[] => [
  `${v}\n!INJ reboot`,
  `${v}\nINJ 1`,
  `${v}\rINJ`,
  `${v}\u0000INJ`,
  `${v}"INJ`,
  `${v}'INJ`,
  `${v} INJ`,
  `${v}}INJ`,
  `${v}#INJ`,
  `${v};INJ`,
  `${v}$(INJ)`,
  `\u202e${v}`,
  "",
  v.repeat(40),
];
/** Hostile variants of a number leaf. */
export const numberVariants = (): number[] => [-1, 0.5, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY];
/** A value of another type where a leaf was (a program in plain JavaScript, or `as any`): a clean error, never a TypeError. */
export const typeVariants = (v: string | number): Json[] => (typeof v === "string" ? [42, true, null, {}, [v]] : [String(v), null, true, {}]);
/** A field's list or object replaced by a value of another type. */
export const containerVariants = (v: Json): Json[] => ["x", 1, null, Array.isArray(v) ? {} : []];

/** Fields the fuzzers' harness (fuzz-programs.ts declare) itself takes apart to wire resources together. */
const HARNESS_KEYS = new Set(["members", "left", "right", "hub", "spokes", "client", "server", "gateway"]);

/** Every list or object inside a declaration (a field's value, not a declaration itself), with its path. */
export function* containers(v: Json, at: Path): Generator<{ at: Path; value: Json }> {
  if (!v || typeof v !== "object") return;
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  for (const [k, x] of entries) {
    if (!x || typeof x !== "object") continue;
    const here = [...at, k];
    const inHarnessList = typeof k === "number" && typeof at[at.length - 1] === "string" && HARNESS_KEYS.has(at[at.length - 1] as string);
    if (here.length >= 3 && !(typeof k === "string" && HARNESS_KEYS.has(k)) && !inHarnessList) yield { at: here, value: x };
    yield* containers(x, here);
  }
}

/**
 * Keys whose values are references between the program's own declarations (a gateway's name in a tunnel end, a
 * CA's name) or the harness's: changing them breaks the program's wiring, not the product.
 */
const REFERENCE_KEYS = new Set(["gateway", "ca", "kind"]);

export type Path = (string | number)[];

/** Every leaf the user wrote: strings and numbers, with their paths. */
export function* leaves(v: Json, at: Path): Generator<{ at: Path; value: string | number }> {
  if (typeof v === "string" || typeof v === "number") {
    yield { at, value: v };
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield* leaves(v[i]!, [...at, i]);
    return;
  }
  if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      if (REFERENCE_KEYS.has(k) && typeof x === "string") continue;
      // gateway and CARP pair names are how the program refers to them; tunnel ends given as a name likewise
      if (k === "name" && (at[0] === "gateways" || at[0] === "pairs") && at.length === 2) continue;
      if ((k === "left" || k === "right") && typeof x === "string") continue;
      yield* leaves(x, [...at, k]);
    }
}

export function withLeaf(p: Program, at: Path, value: Json): Program {
  const q = structuredClone(p) as unknown as Record<string | number, Json>;
  let o = q;
  for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  o[at[at.length - 1]!] = value;
  return q as unknown as Program;
}

// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Every string in a gateway's state outside file contents, and every file content, checked for characters no file of OpenBSD's should hold. */
export function stateProblems(states: Record<string, HostState>, baseline: Record<string, HostState>): string[] {
  const out: string[] = [];
  for (const [gw, st] of Object.entries(states)) {
    for (const [path, f] of Object.entries(st.files)) {
      const text = (f as { content?: string }).content ?? "";
      const line = text.split("\n").find((l) => /^\s*!?INJ\b/.test(l));
      if (line !== undefined) out.push(`${gw}:${path} has a line the value made: ${JSON.stringify(line)}`);
      if (CONTROL.test(text)) out.push(`${gw}:${path} holds a control or bidi character`);
      const before = (baseline[gw]?.files[path] as { content?: string } | undefined)?.content;
      if (before !== undefined && !/\.(pub|key|crt|pem)$|\/private\//.test(path)) {
        const include = (p: string) => (st.files[p] as { content?: string } | undefined)?.content;
        const was = hasErrors(lintFile(path, before, { include: (p) => (baseline[gw]!.files[p] as { content?: string } | undefined)?.content }));
        const now = lintFile(path, text, { include });
        if (!was && hasErrors(now) && !/cannot tell the kind of file/.test(now[0]?.message ?? "")) out.push(`${gw}:${path} fails our lint: ${now.filter((d) => d.severity === "error").map((d) => `${d.line}: ${d.message}`)[0]}`);
      }
    }
    // (its secrets are key material the program derives: PEM text, newlines and all)
    const { files: _files, secrets: _secrets, ...rest } = st as HostState & { secrets?: unknown };
    const scan = (v: unknown, at: string): void => {
      if (typeof v === "string") {
        if (CONTROL.test(v) || /[\n\r]/.test(v)) out.push(`${gw} state ${at} holds a control character: ${JSON.stringify(v).slice(0, 120)}`);
      } else if (Array.isArray(v)) v.forEach((x, i) => scan(x, `${at}[${i}]`));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) scan(x, at ? `${at}.${k}` : k);
    };
    scan(rest, "");
  }
  return out;
}

/** What one hostile declaration came to: a problem (a string naming it) or undefined when it was handled. */
export interface Verdict {
  refused: boolean;
  /** Kind of problem, for counting distinct ones (undefined: none). */
  kind?: string;
  detail?: string;
}

/** Declares `p` with the leaf at `at` set to `h`; `base` is what `p` itself rendered to. */
export async function checkVariant(p: Program, base: Record<string, HostState>, at: Path, value: string | number, h: Json): Promise<Verdict[]> {
  const o = await declare(withLeaf(p, at, h));
  const where = at.join(".");
  const shape = at.map((k) => (typeof k === "number" ? "N" : k)).join(".");
  const hv0 = JSON.stringify(h).replace(JSON.stringify(String(value)).slice(1, -1), "V");
  const hv = hv0.length > 40 ? "(long)" : hv0;
  if (!o.states) {
    const msg = o.refused ?? "";
    if (!o.userError) return [{ refused: true, kind: `NOT A USER ERROR ${shape} ${hv}`, detail: `${where} = ${JSON.stringify(h)}: ${msg.slice(0, 300)}` }];
    // a list of problems is one per `\n- ` line; a parser's complaint about text (anchor rules) may run to more lines, each named
    if (CONTROL.test(msg.replace(/\n(- |[A-Z][A-Za-z]+ ")/g, " ")) || /\n(?!- |[A-Z][A-Za-z]+ ")/.test(msg)) return [{ refused: true, kind: `RAW CHARACTER IN MESSAGE ${shape} ${hv}`, detail: `${where}: ${JSON.stringify(msg).slice(0, 300)}` }];
    if (/^a value cannot be written safely|internal error/.test(msg)) return [{ refused: true, kind: `BACKSTOP ${shape} ${hv}`, detail: `${where} = ${JSON.stringify(h)}: ${msg.slice(0, 300)}` }];
    return [{ refused: true }];
  }
  const probs = stateProblems(o.states, base);
  if (!probs.length) return [{ refused: false }];
  return probs.map((pr) => ({ refused: false, kind: `ACCEPTED ${shape} ${hv}: ${pr.replace(/^\S+ /, "").replace(/:.*/s, "").replace(/\d+/g, "N")}`, detail: `${where} = ${JSON.stringify(h).slice(0, 200)}: ${pr.slice(0, 400)}` }));
}
