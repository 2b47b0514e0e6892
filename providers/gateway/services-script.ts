/**
 * rc services in the on-host scripts: which names are rc.conf special variables rather than rc.d daemons,
 * recording each service's state before a commit, and putting it back on restore or delete.
 */
import type { HostState } from "../../sdk/state";
import { sq } from "./shell";

/** Daemons with an rc.d script (the others in `services` are rc.conf special variables). */
const PSEUDO = new Set(["ipsec", "pf", "accounting", "check_quotas", "library_aslr", "multicast", "spamd_black"]);
export const isPseudoService = (name: string): boolean => PSEUDO.has(name);

/** Lines recording `S on|off yes|no FLAGS` for each rc service into FILE (append-only when `once`). */
export function recordServices(names: string[], file: string, once: boolean): string[] {
  const out: string[] = [];
  for (const s of names) {
    const q = sq(s);
    const guard = once ? `grep -q "^${s} " ${file} 2>/dev/null || ` : "";
    out.push(
      `${guard}{ if rcctl get ${q} status >/dev/null 2>&1; then st=on; else st=off; fi; ` +
        (isPseudoService(s) ? "run=-; fl=; " : `if rcctl check ${q} >/dev/null 2>&1; then run=yes; else run=no; fi; fl=$(rcctl get ${q} flags 2>/dev/null); `) +
        `rec "${s} $st $run $fl" ${file}; }`,
    );
  }
  return out;
}

/** Lines restoring services recorded by {@link recordServices}, in the order recorded. */
export function restoreServices(file: string): string[] {
  return [
    "# shellcheck disable=SC2086 # $fl: the recorded flags, split into words on purpose",
    `[ -f ${file} ] && while read -r s st run fl; do`,
    '  if [ "$st" = off ]; then [ "$run" = "-" ] || rcctl stop "$s" >/dev/null 2>&1; rcctl disable "$s" >/dev/null 2>&1',
    // empty flags too: `rcctl set S flags` with the default drops the S_flags line rcctl set wrote
    '  else rcctl enable "$s" >/dev/null 2>&1; [ "$run" = "-" ] || rcctl set "$s" flags $fl >/dev/null 2>&1',
    '    if [ "$run" = yes ]; then rcctl restart "$s" >/dev/null 2>&1; elif [ "$run" = no ]; then rcctl stop "$s" >/dev/null 2>&1; fi',
    "  fi",
    `done < ${file}`,
  ];
}

/**
 * Lines stopping and disabling, BEFORE files are put back, the services recorded `off` in FILE: daemons the
 * resource added, whose rc.d script (a managed file, e.g. /etc/rc.d/sshtun0) may be about to disappear —
 * after that, `rcctl stop` no longer knows them and the process would run on.
 */
export function stopAddedServices(file: string): string[] {
  return [
    `[ -f ${file} ] && while read -r s st run fl; do`,
    '  if [ "$st" = off ]; then [ "$run" = "-" ] || rcctl stop "$s" >/dev/null 2>&1; rcctl disable "$s" >/dev/null 2>&1; fi',
    `done < ${file}`,
  ];
}

/** The services of the states, in their apply order. */
export function serviceNames(...states: (HostState | undefined)[]): string[] {
  const m = new Map<string, number>();
  for (const s of states) for (const [n, v] of Object.entries(s?.services ?? {})) if (!m.has(n)) m.set(n, v.order);
  return [...m].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([n]) => n);
}
