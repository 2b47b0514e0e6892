/**
 * A `source-hash` pool written without a key (`nat-to 203.0.113.16/28 source-hash`, as the guides write it) takes a
 * key pfctl draws at random every time it parses the file (parse.y `hashkey`: four arc4random() words). The read
 * compares an anchor's loaded rules (`pfctl -a A -sr`: the key drawn when the commit loaded it) with what the host's
 * own `pfctl -a A -nv -f FILE` prints now (a key drawn now): they never agree there, and that is no drift. A key
 * the file writes (`0xHEX`, or words: their MD5) is compared as every other word, so a hand edit of it is drift.
 *
 * The same holds for the names of the tables pfctl makes itself (a pool's `{ list }`, six or more rules the optimizer
 * merges): `-n` prints add_opt_table()'s temporary `<__automatic_N>`, a load renames each table as it creates it,
 * `<__automatic_XXXXXXXX_N>` with an arc4random() word drawn once per run (pf_opt_create_table). The rules are
 * compared with such names as one name; the tables' addresses are the file's.
 * Pure.
 */
import { parsePf } from "../../sdk/model/pf/parser";
import type { PfRule } from "../../sdk/model/pf/types";

/** print_pool()'s key: one per printed rule (a rule has one pool). */
const KEY = / source-hash (0x[0-9a-f]{32})/;
/** A table pfctl made, by its temporary (`-n`) or its loaded name. */
const MADE_TABLE = /<__automatic_(?:[0-9a-f]+_)?\d+>/g;

/**
 * The keys a pf file writes for its `source-hash` pools, as pfctl prints them; undefined when none of its pools
 * draws one (then every key printed for it is written, and compared as it is).
 */
export function writtenKeys(text: string, file = "anchor"): Set<string> | undefined {
  if (!text.includes("source-hash")) return undefined;
  const keys = new Set<string>();
  let draws = false;
  const walk = (rules: readonly PfRule[]): void => {
    for (const r of rules) {
      if (r.kind === "anchor") walk(r.inline ?? []);
      else if (r.pool?.type === "source-hash") {
        if (r.pool.key === undefined) draws = true;
        else keys.add(r.pool.key);
      }
    }
  };
  walk(parsePf(text, file).value.rules.filter((s): s is PfRule => s.kind !== "load-anchor"));
  return draws ? keys : undefined;
}

/**
 * Whether an anchor's loaded rule lines (`-sr`) are the ones its file loads (`-nv`, as `-sr` shows them): equal,
 * or different only in the names of tables pfctl made or in a `source-hash` key the file (`fileText`) does not write.
 */
export function sameLoadedRules(loaded: readonly string[], expected: readonly string[], fileText: string): boolean {
  if (loaded.length !== expected.length) return false;
  let written: Set<string> | undefined | null = null;
  for (let i = 0; i < loaded.length; i++) {
    const l = loaded[i]!.replace(MADE_TABLE, "<__automatic>");
    const e = expected[i]!.replace(MADE_TABLE, "<__automatic>");
    if (l === e) continue;
    const key = KEY.exec(e)?.[1];
    if (key === undefined || !KEY.test(l) || l.replace(KEY, "") !== e.replace(KEY, "")) return false;
    if (written === null) written = writtenKeys(fileText);
    if (written === undefined || written.has(key)) return false;
  }
  return true;
}
