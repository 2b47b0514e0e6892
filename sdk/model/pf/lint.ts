/**
 * `lintPf`: the checks `pfctl -nf` makes, before any SSH. With the host's interfaces it agrees with
 * OpenBSD's pfctl on every golden case (golden/pfctl); without them interface names are not checked.
 * With a file reader it also opens what the ruleset names, as pfctl does: a table's `file "PATH"` and
 * each `load anchor NAME from "PATH"` (linted as that anchor's rules).
 */
import type { Diagnostic } from "../diagnostics";
import { parsePfDetailed } from "./parser";
import type { PfInterface } from "./types";

/** Options of {@link lintPf}. */
export interface PfLintOptions {
  /** The host's interfaces (name, addresses, groups); enables pfctl's interface-name checks. */
  interfaces?: readonly PfInterface[];
  /**
   * Reads a file the ruleset names (`table <t> file "PATH"`, `load anchor NAME from "PATH"`), the path as
   * written, as pfctl opens it; undefined when it cannot be read. Without it such files are not checked.
   */
  readFile?: (path: string) => string | { error: string } | undefined;
  /** The anchor the file is loaded into (`pfctl -a NAME`); absent: the main ruleset (queues allowed and checked). */
  anchor?: string;
  /** Queues the ruleset that loads this one defined (a `load anchor` file may assign them). */
  knownQueues?: readonly string[];
}

/** How deep `load anchor` files are followed (a file that loads itself stops here). */
const MAX_LOAD_DEPTH = 8;

/** Diagnostics for a pf.conf or anchor file; empty when pfctl would accept it. */
export function lintPf(text: string, file: string, opts: PfLintOptions = {}): Diagnostic[] {
  return lintDepth(text, file, opts, 0);
}

function lintDepth(text: string, file: string, opts: PfLintOptions, depth: number): Diagnostic[] {
  const read = opts.readFile;
  const out = parsePfDetailed(text, file, { interfaces: opts.interfaces, verbose: false, ...(read ? { readFile: read } : {}), ...(opts.anchor ? { anchor: opts.anchor } : {}), ...(opts.knownQueues ? { knownQueues: opts.knownQueues } : {}) });
  const ds = [...out.diagnostics];
  // pfctl_load_anchors runs only once the whole file parsed, and stops at the first anchor that fails
  if (read === undefined || out.errors > 0 || depth >= MAX_LOAD_DEPTH) return ds;
  for (const l of out.loads) {
    const body = read(l.file);
    if (typeof body !== "string") {
      ds.push({ file, line: l.line, column: 1, severity: "error", message: `load anchor ${l.name}: pushfile: ${l.file}: ${body?.error ?? "No such file or directory"}; pfctl loads it with the ruleset: the file must exist on the host` });
      return ds;
    }
    const inner = lintDepth(body, l.file, { ...opts, anchor: l.name, knownQueues: out.queueNames }, depth + 1);
    ds.push(...inner);
    if (inner.some((d) => d.severity === "error")) return ds;
  }
  return ds;
}
