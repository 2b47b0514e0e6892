/**
 * Parser of sysctl(8) output (reference/openbsd.md A.10/B.6, sysctl.c): `name=value` reads,
 * `name: old -> new` writes, `-n` bare values, and the warnings sysctl prints (stderr) for names it
 * does not know (`sysctl: second level name foo in net.foo is invalid`).
 */
import type { ParseResult } from "../diagnostics";
import { Reporter, quote, splitLines } from "./lines";

/** One MIB as sysctl printed it. */
export type SysctlEntry =
  | {
      /** `name=value`: a read. */
      kind: "value";
      /** MIB name, e.g. `net.inet.ip.forwarding`. */
      name: string;
      /** Value text, e.g. `1`. */
      value: string;
      /** 1-based line. */
      line: number;
    }
  | {
      /** `name: old -> new`: a write. */
      kind: "changed";
      /** MIB name. */
      name: string;
      /** Value before the write. */
      old: string;
      /** Value after the write. */
      value: string;
      /** 1-based line. */
      line: number;
    }
  | {
      /** A `sysctl: …` warning about one name: unknown level, incomplete name, value not available. */
      kind: "error";
      /** The name the warning is about (`net.inet.foo`). */
      name: string;
      /** sysctl's own message after the program name, e.g. `second level name foo in net.foo is invalid`. */
      message: string;
      /** 1-based line. */
      line: number;
    };

/** Result of {@link parseSysctl}. */
export interface SysctlOutput {
  /** Every line understood, in order. */
  entries: SysctlEntry[];
  /** Name → value for reads and writes (the new value); errors are not included. */
  values: Record<string, string>;
  /** Names sysctl refused (unknown MIB, incomplete specification, not available). */
  unknown: string[];
}

/** Options of {@link parseSysctl}. */
export interface SysctlOptions {
  /** For `sysctl -n A B …`: the names asked for, in order; each output line is the value of one. */
  names?: readonly string[];
  /** Name used in diagnostics; default `sysctl`. */
  file?: string;
}

const MIB = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const LEVEL = /^sysctl: (?:top|second|third|fourth|fifth|sixth) level name \S+ in (\S+) is invalid$/;
const OTHER = /^sysctl: ([A-Za-z0-9_][A-Za-z0-9_.-]*): (.+)$/;

/**
 * Parses sysctl output. Without `opts.names`, lines are `name=value` or `name: old -> new`; with it
 * (`sysctl -n`), the lines are bare values matched to the names in order. `sysctl:` warning lines
 * (stderr merged into the text) become `error` entries and list the name in `unknown` — they are
 * answers, not parse problems, so they carry no diagnostic.
 */
export function parseSysctl(text: string, opts: SysctlOptions = {}): ParseResult<SysctlOutput> {
  const rep = new Reporter(opts.file ?? "sysctl");
  const out: SysctlOutput = { entries: [], values: {}, unknown: [] };
  const pending = opts.names === undefined ? undefined : [...opts.names];
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const line = n + 1;
    if (raw.startsWith("sysctl: ")) {
      const body = raw.slice("sysctl: ".length);
      const lvl = LEVEL.exec(raw);
      const other = lvl === null ? OTHER.exec(raw) : null;
      const name = lvl?.[1] ?? other?.[1];
      if (name === undefined) {
        rep.error(line, 1, "sysctl: warning line not understood");
        continue;
      }
      const message = lvl !== null ? body : other![2]!;
      out.entries.push({ kind: "error", name, message, line });
      out.unknown.push(name);
      if (pending !== undefined) {
        const i = pending.indexOf(name);
        if (i >= 0) pending.splice(i, 1);
      }
      continue;
    }
    if (pending !== undefined) {
      const name = pending.shift();
      if (name === undefined) {
        rep.error(line, 1, `sysctl -n: more value lines than the ${opts.names!.length} names asked for`);
        continue;
      }
      out.entries.push({ kind: "value", name, value: raw, line });
      out.values[name] = raw;
      continue;
    }
    const changed = /^([^:=\s]+): (.*) -> (.*)$/.exec(raw);
    if (changed !== null && MIB.test(changed[1]!)) {
      out.entries.push({ kind: "changed", name: changed[1]!, old: changed[2]!, value: changed[3]!, line });
      out.values[changed[1]!] = changed[3]!;
      continue;
    }
    const eq = raw.indexOf("=");
    const name = eq < 0 ? "" : raw.slice(0, eq);
    if (eq > 0 && MIB.test(name)) {
      const value = raw.slice(eq + 1);
      out.entries.push({ kind: "value", name, value, line });
      out.values[name] = value;
      continue;
    }
    if (raw.trim() === "") continue;
    rep.error(line, 1, `sysctl: expected \`name=value\` or \`name: old -> new\`, got ${quote(raw.split(/[=:\s]/)[0] ?? raw)}`);
  }
  if (pending !== undefined && pending.length > 0) rep.error(Math.max(1, lines.length), 1, `sysctl -n: no value printed for ${pending.map((p) => quote(p)).join(", ")}`);
  return { value: out, diagnostics: rep.diagnostics };
}
