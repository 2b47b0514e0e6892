/**
 * Interface modifiers (`em0:network`, `(egress:0)`, `em0:network:0`) as pfctl reads them (host_if, dynaddr):
 * suffixes taken from the right, each one of `network`, `broadcast`, `peer` (the lookup mode, at most one kind)
 * or `0` (no aliases: the first address of each family); printed as `:MODE` then `:0`.
 */
import type { PfIfModifier } from "./types";

/** The lookup mode of a modifier, without `:0`. */
export type PfIfMode = "network" | "broadcast" | "peer";

/** `NAME:mod…` split: the name and the canonical modifier; `bad` the text left when a suffix is none of the four; `illegal` two modes. */
export function splitModifiers(text: string): { name: string; modifier?: PfIfModifier } | { bad: string } | { illegal: true } {
  let s = text;
  const modes = new Set<PfIfMode>();
  let noAlias = false;
  for (let i = s.lastIndexOf(":"); i >= 0; i = s.lastIndexOf(":")) {
    const m = s.slice(i + 1);
    if (m === "0") noAlias = true;
    else if (m === "network" || m === "broadcast" || m === "peer") modes.add(m);
    else return { bad: s };
    s = s.slice(0, i);
  }
  // `flags & (flags - 1) & PFI_AFLAG_MODEMASK`: the same mode twice is one flag
  if (modes.size > 1) return { illegal: true };
  const mode = [...modes][0];
  const modifier: PfIfModifier | undefined = mode ? (noAlias ? `${mode}:0` : mode) : noAlias ? "0" : undefined;
  return { name: s, ...(modifier ? { modifier } : {}) };
}

/** The lookup mode of `m` (`network:0` → `network`), undefined for none or `0` alone. */
export function modifierMode(m: PfIfModifier | undefined): PfIfMode | undefined {
  return m === undefined || m === "0" ? undefined : (m.replace(/:0$/, "") as PfIfMode);
}

/** Whether `m` has `:0` (PFI_AFLAG_NOALIAS). */
export function modifierNoAlias(m: PfIfModifier | undefined): boolean {
  return m === "0" || (m?.endsWith(":0") ?? false);
}

/**
 * parse.y's DYNIF_MULTIADDR: a dynamic address (`(IF)`) that may stand for several addresses — any but `(IF:0)` of an
 * interface (a name ending in a digit); `(egress:0)` of a group still may.
 */
export function dynifMultiAddr(h: { kind: string; name?: string; modifier?: PfIfModifier }): boolean {
  return h.kind === "dynamic" && (!modifierNoAlias(h.modifier) || !/\d$/.test(h.name ?? ""));
}
