/**
 * `lintPf`: the checks `pfctl -nf` makes, before any SSH. With the host's interfaces it agrees with
 * OpenBSD's pfctl on every golden case (golden/pfctl); without them interface names are not checked.
 */
import type { Diagnostic } from "../diagnostics";
import { parsePfDetailed } from "./parser";
import type { PfInterface } from "./types";

/** Options of {@link lintPf}. */
export interface PfLintOptions {
  /** The host's interfaces (name, addresses, groups); enables pfctl's interface-name checks. */
  interfaces?: readonly PfInterface[];
}

/** Diagnostics for a pf.conf or anchor file; empty when pfctl would accept it. */
export function lintPf(text: string, file: string, opts: PfLintOptions = {}): Diagnostic[] {
  return parsePfDetailed(text, file, { interfaces: opts.interfaces, verbose: false }).diagnostics;
}
