/**
 * TEST DOUBLE helper — the emulated pf(4) kernel state: enabled flag, the main ruleset and named anchors, each
 * kept as the rule lines `pfctl -sr` prints (`/var/emu/pf.json`).
 *
 * A load stores the rules in the form pfctl's own `-nv` printer gives for the same file, interfaces and optimizer
 * level (test/lab/emu/pfctl-nv.ts), which is what `pfctl -sr` shows after a real load (reference B.4, golden
 * README). With the default optimizer the lab prints only what pfctl-nv.ts reproduces of pf's optimizer; the
 * provider loads with `-o none` and must not depend on optimizer output.
 */
import type { EmuInterface } from "./state";
import type { PfInterface } from "../../../sdk/model/pf/types";
import { parsePf } from "../../../sdk/model/pf/parser";
import { Recent } from "./recent";

/** One ruleset (the main one, `""`, or an anchor path such as `vpn`). */
export interface PfRuleset {
  /** Rule lines as `pfctl -sr` prints them. */
  rules: string[];
  /** Table definitions as `pfctl -nv` echoes them (`table <x> { … }`). */
  tables: string[];
  /**
   * Rules that call an anonymous inline anchor (`anchor { … }`), by index, and that anchor's path (`PARENT/_N`):
   * `pfctl -sr` prints its rules inside braces, as it does for no named anchor.
   */
  inline?: Record<number, string>;
}

/** `/var/emu/pf.json`. */
export interface PfKernel {
  /** `pfctl -e` / `-d`; pf=YES enables it at boot. */
  enabled: boolean;
  /** Rulesets by anchor path; `""` is the main ruleset. */
  rulesets: Record<string, PfRuleset>;
}

export const emptyPf = (): PfKernel => ({ enabled: true, rulesets: {} });

/** Emulated interfaces → pf's view of them (addresses with prefix length, groups), as pfctl-nv.ts takes it. */
export function pfInterfaces(ifs: readonly EmuInterface[]): PfInterface[] {
  return ifs.map((i) => ({ name: i.name, addresses: i.addresses.map((a) => `${a.address}/${a.prefixlen}`), groups: [...i.groups] }));
}

/** Split `pfctl -nv` stdout into rule lines and table lines (macro echoes, `set …` options and queues are dropped). */
/**
 * The rulesets a load of `anchor` makes from its `pfctl -nv` stdout: the anchor's own, and one per inline anchor
 * (parse.y anchorrule moves an inline anchor's rules to PARENT/NAME, or PARENT/_N for one written without a name,
 * N counting the file's brace anchors). The calling rule keeps only its own line: `pfctl -sr` prints a named
 * inline anchor's rules only when asked for that anchor (`-a PARENT/NAME`).
 */
export function splitLoad(anchor: string, stdout: string): Record<string, PfRuleset> {
  const out: Record<string, PfRuleset> = {};
  let braces = 0;
  const walk = (path: string, rs: PfRuleset): PfRuleset => {
    const rules: string[] = [];
    const inline: Record<number, string> = {};
    for (let i = 0; i < rs.rules.length; i++) {
      const line = rs.rules[i]!;
      const m = /^(anchor(?: "([^"]+)")?(?: .*)?) \{$/.exec(line);
      if (!m) {
        // an anchor without a name is an inline one (parse.y refuses it otherwise); -nv prints no braces when it
        // holds no rules, but it is an anchor `_N` of its own all the same
        if (/^anchor(?! ")/.test(line)) {
          const child = path ? `${path}/_${++braces}` : `_${++braces}`;
          inline[rules.length] = child;
          out[child] = { rules: [], tables: [] };
        }
        rules.push(line);
        continue;
      }
      const body: string[] = [];
      for (i++; i < rs.rules.length && rs.rules[i] !== "}"; i++) body.push(rs.rules[i]!.slice(2));
      const name = m[2] ?? `_${++braces}`;
      if (m[2]) ++braces;
      const child = path ? `${path}/${name}` : name;
      if (!m[2]) inline[rules.length] = child;
      rules.push(m[1]!);
      out[child] = walk(child, { rules: body, tables: [] });
    }
    return { rules, tables: rs.tables, ...(Object.keys(inline).length > 0 ? { inline } : {}) };
  };
  out[anchor] = walk(anchor, splitNvOutput(stdout));
  return out;
}

export function splitNvOutput(stdout: string): PfRuleset {
  const rules: string[] = [];
  const tables: string[] = [];
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    if (/^[A-Za-z_][A-Za-z0-9_]* = "/.test(line)) continue;
    if (/^set /.test(line)) continue;
    if (/^queue /.test(line)) continue; // queues load into the kernel's queue list, not the rules (`pfctl -s queue`)
    if (/^table </.test(line)) {
      tables.push(line);
      continue;
    }
    rules.push(line);
  }
  return { rules, tables };
}

/**
 * The directives of texts parsed lately, by text: a refresh's read asks `pfctl -a A -nv -f FILE` of the same file on
 * every read, and the parse is a pure function of the text (most of that command's time when not kept).
 */
const directivesMemo = new Recent<string, readonly { anchor: string; file: string }[]>(32);

/** `load anchor NAME from "FILE"` directives of a main ruleset file, in order (pf.conf(5) GRAMMAR). */
export function loadAnchorDirectives(text: string): { anchor: string; file: string }[] {
  let found = directivesMemo.get(text);
  if (!found) {
    // pfctl's own parse (macros expanded, `FROM string`'s words joined); called once the file has loaded
    found = parsePf(text, "pf.conf").value.rules.flatMap((r) => (r.kind === "load-anchor" ? [{ anchor: r.name, file: r.file }] : []));
    directivesMemo.set(text, found);
  }
  // every caller gets its own objects
  return found.map((d) => ({ ...d }));
}

/** Anchor paths the main ruleset calls (`anchor "vpn"` / `anchor "vpn/*"` lines as loaded). */
export function calledAnchors(main: PfRuleset | undefined): string[] {
  const out: string[] = [];
  for (const r of main?.rules ?? []) {
    const m = /^anchor "([^"]+)"/.exec(r);
    if (m) out.push(m[1]!.replace(/\/\*$/, ""));
  }
  return out;
}
