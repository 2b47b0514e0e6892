/**
 * TEST DOUBLE helper — isakmpd(8)'s configuration database and its FIFO command language (pure).
 *
 * `ipsecctl -f` turns each `ike` rule into lines written to /var/run/isakmpd.fifo (ike.c, reference B.3):
 * `C set [SECTION]:TAG=VALUE force`, `C add [SECTION]:TAG=VALUE force` (append to a list),
 * `C rmv [SECTION]:TAG=VALUE` (remove from a list), `C rms [SECTION]` (remove a section) and `t NAME`
 * (tear down phase 2 NAME). The emulated isakmpd applies exactly these lines to a section/tag table, the
 * same data isakmpd's conf.c keeps, and the emulated kernel derives tunnels from it (see ike-agree.ts).
 */

/** isakmpd's configuration: section → tag → value (lists are comma-separated, as in isakmpd.conf). */
export type IkeDb = Record<string, Record<string, string>>;

/** One FIFO command line, parsed. */
export type FifoCommand =
  | { op: "set" | "add" | "rmv"; section: string; tag: string; value: string }
  | { op: "rms"; section: string }
  | { op: "teardown"; name: string };

/** Parse one FIFO line; undefined for lines isakmpd's ui.c would reject. */
export function parseFifoLine(line: string): FifoCommand | undefined {
  const t = /^t (.+)$/.exec(line);
  if (t) return { op: "teardown", name: t[1]! };
  const rms = /^C rms \[([^\]]*)\]$/.exec(line);
  if (rms) return { op: "rms", section: rms[1]! };
  const m = /^C (set|add|rmv) \[([^\]]*)\]:([^=]+)=(.*?)( force)?$/.exec(line);
  if (!m) return undefined;
  return { op: m[1] as "set" | "add" | "rmv", section: m[2]!, tag: m[3]!, value: m[4]! };
}

/** Apply FIFO lines to a copy of `db` (ui.c: unknown lines are ignored with a log message). */
export function applyFifo(db: IkeDb, lines: readonly string[]): IkeDb {
  const next: IkeDb = structuredClone(db);
  for (const line of lines) {
    const c = parseFifoLine(line);
    if (!c) continue;
    switch (c.op) {
      case "set":
        (next[c.section] ??= {})[c.tag] = c.value;
        break;
      case "add": {
        const sec = (next[c.section] ??= {});
        const list = splitList(sec[c.tag]);
        if (!list.includes(c.value)) list.push(c.value);
        sec[c.tag] = list.join(",");
        break;
      }
      case "rmv": {
        const sec = next[c.section];
        if (!sec || sec[c.tag] === undefined) break;
        const list = splitList(sec[c.tag]).filter((v) => v !== c.value);
        if (list.length) sec[c.tag] = list.join(",");
        else delete sec[c.tag];
        break;
      }
      case "rms":
        delete next[c.section];
        break;
      case "teardown":
        break;
      default: {
        const never: never = c;
        throw new Error(`unreachable ${String(never)}`);
      }
    }
  }
  return next;
}

/** A comma-separated isakmpd list value as an array (empty for undefined). */
export function splitList(v: string | undefined): string[] {
  return v === undefined || v === "" ? [] : v.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * The delete stream ipsecctl -d writes for one ike rule (ike.c ike_delete_config), given the rule's add
 * stream (whose last line names the connection).
 */
export function deleteStreamFor(addStream: readonly string[]): string[] {
  const last = addStream[addStream.length - 1] ?? "";
  const m = /^C add \[Phase 2\]:(Connections|Passive-Connections)=(.+)$/.exec(last);
  if (!m) return [];
  const [, list, p2name] = m;
  return [`t ${p2name}`, `C rmv [Phase 2]:${list}=${p2name}`, `C rms [${p2name}]`, `C rms [phase2-${p2name}]`];
}
