/**
 * The parts of a commit's scripts that guard it against a host that works against it (commit-script.ts): the stage's
 * deadline and watchdog, the timer's stop of an apply that outlasts rollbackSeconds, and the swap that keeps each
 * previous file beside its target for a restore that needs no free space.
 */
import type { HostState } from "../../sdk/state";
import { sq } from "./shell";
import { LOCK_WAIT_SECONDS } from "./script-head";

/**
 * Seconds the stage script may take before its watchdog stops it (`@@deadline N`; nothing changed): generous for
 * validation on a slow host, longer when packages are installed (pkg_add fetches them).
 * PULUMI_OPENBSD_STAGE_DEADLINE=SECONDS (a whole number ≥ 1) changes it.
 */
export function stageDeadline(s: HostState, env: NodeJS.ProcessEnv = process.env): number {
  return wholeSeconds(env.PULUMI_OPENBSD_STAGE_DEADLINE) ?? (s.packages?.length ? 1800 : 300);
}

/**
 * Seconds a destroy's restore may take before the provider stops waiting for it: the lock's wait, then as long as
 * a stage may take (services stopped, files put back, rules reloaded, packages removed). Past it the host does not
 * answer (a command there hangs, or the host is hostile): `pulumi destroy` fails instead of waiting forever.
 * PULUMI_OPENBSD_DELETE_DEADLINE=SECONDS (a whole number ≥ 1) changes it.
 */
export function deleteDeadline(s: HostState, env: NodeJS.ProcessEnv = process.env): number {
  return wholeSeconds(env.PULUMI_OPENBSD_DELETE_DEADLINE) ?? LOCK_WAIT_SECONDS + (s.packages?.length ? 1800 : 300);
}

/** A whole number of seconds ≥ 1 given in the environment, or undefined. */
function wholeSeconds(v: string | undefined): number | undefined {
  return v !== undefined && /^[0-9]{1,5}$/.test(v) && Number(v) >= 1 ? Number(v) : undefined;
}

/**
 * The stage's watchdog: after `seconds` it stops the stage script's process group; the script's TERM trap reports
 * `@@deadline N` and its cleanup removes what was staged and releases the lock.
 */
export function watchdogLines(seconds: number): string[] {
  return [
    // (the exit status is set again at the end of cleanup: a shell may take an EXIT trap's own status after a signal's trap)
    `trap 'printf "@@deadline ${seconds}\\n" >&2; DL=1; exit 1' TERM`,
    'PG=$(ps -o pgid= -p $$ 2>/dev/null | tr -d " ")',
    // a shell of its own (exec'd: it holds none of this shell's descriptors, so the channel closes when the stage
    // ends; a forked subshell would keep sh's saved copies of stdout/stderr open), stopped again by cleanup or after go
    `if [ -n "$PG" ]; then sh -c "trap 'kill \\$s 2>/dev/null; exit 0' TERM; sleep ${seconds} & s=\\$!; wait \\$s && kill -TERM -$PG" </dev/null >/dev/null 2>&1 & WD=$!; fi`,
  ];
}

/**
 * Run by the timer only (`restore.sh timer`): stops the apply if it still runs — its whole process group (the
 * session sshd started: the shell and the step it waits for), TERM, then KILL after 5 s — before anything is put back.
 */
export const STOP_APPLY = [
  'if [ "${1:-}" = timer ] && [ -f "$R/apply.pgid" ]; then',
  '  read -r ag < "$R/apply.pgid"',
  '  if [ -n "$ag" ] && kill -TERM -"$ag" 2>/dev/null; then n=0; while kill -0 -"$ag" 2>/dev/null && [ $n -lt 25 ]; do sleep 0.2; n=$((n+1)); done; kill -KILL -"$ag" 2>/dev/null; fi',
  "fi",
];

/**
 * The swap: `swapfail` (restore at once, report, exit 1), `old` (the previous file kept beside its target as a hard
 * link), then each staged copy renamed over its target, and each file no longer managed given its baseline back.
 */
export function swapLines(paths: readonly string[], removed: readonly string[]): string[] {
  const L: string[] = [
    'swapfail() { RE=$(sh "$R/restore.sh" 2>&1); say "$1" "$2"; [ -z "$RE" ] || printf \'@@restore %s\\n\' "$RE" >&2; exit 1; }',
    // before a target is replaced, the file it holds is kept beside it as a hard link (no data copied, no space needed):
    // a restore renames it back (a symbolic link to a file is put back from the verified copy instead)
    'old() { if [ -f "$1" ] && [ ! -L "$1" ]; then E=$(ln -f "$1" "$1.pulumi-old" 2>&1) || swapfail "ln -f $1 $1.pulumi-old" "$E"; fi; }',
  ];
  // each changed file's staged copy must be there: one gone since validation (removed by hand or by a tool) fails the
  // swap, which puts back what was already swapped, rather than leave that file on its OLD content
  for (const p of paths) {
    const t = sq(p + ".pulumi-new");
    L.push(`if [ -f ${t} ] && [ ! -L ${t} ]; then old ${sq(p)}; E=$(mv -f ${t} ${sq(p)} 2>&1) || swapfail ${sq(`mv -f ${p}.pulumi-new ${p}`)} "$E"; elif ch ${sq(p)}; then swapfail ${sq(`mv -f ${p}.pulumi-new ${p}`)} "the staged copy is gone: $(ls -ld ${t} 2>&1)"; fi`);
  }
  for (const p of removed) {
    const t = sq(p + ".pulumi-new");
    L.push(`B="$D/baseline"${sq(p)}; old ${sq(p)}; if [ -e "$B" ]; then E=$(cp -p "$B" ${t} 2>&1 && mv -f ${t} ${sq(p)} 2>&1) || { rm -f ${t}; swapfail ${sq(`cp -p (baseline of ${p}) ${p}`)} "$E"; }; else rm -f ${sq(p)}; fi`);
  }
  return L;
}
