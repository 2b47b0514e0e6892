/**
 * The sysctl lines of the commit and delete scripts (commit-script.ts): each MIB's value from before the resource first
 * set it is kept in `$D/baseline-sysctl` (first time only), and the values a commit changes in `$R/sysctl` for its
 * rollback; a MIB the state no longer lists goes back to its baseline, at up as at delete.
 */
import type { HostState } from "../../sdk/state";
import { sq } from "./shell";

/** What a commit needs of its states here. */
interface States {
  news: HostState;
  olds?: HostState | undefined;
}

/** The sysctls the previous state set and the new one does not. */
function droppedSysctls(c: States): string[] {
  return Object.keys(c.olds?.sysctls ?? {}).filter((k) => !(k in c.news.sysctls)).sort();
}

/** Stage: the baseline of each MIB set for the first time, and the rollback's values of all it sets or gives back. */
export function recordSysctls(c: States): string[] {
  const L = Object.keys(c.news.sysctls)
    .sort()
    .map((k) => `grep -q ${sq("^" + k + "=")} "$D/baseline-sysctl" 2>/dev/null || rec "${k}=$(sysctl -n ${sq(k)})" "$D/baseline-sysctl"`);
  for (const k of [...Object.keys(c.news.sysctls), ...droppedSysctls(c)].sort()) L.push(`rec "${k}=$(sysctl -n ${sq(k)})" "$R/sysctl"`);
  return L;
}

/**
 * Apply (first in /etc/rc order): each MIB to its value; one the state no longer lists back to what the gateway had
 * before it was first set (as at delete): sysctl.conf no longer sets it, so that is also what the next boot has.
 */
export function applySysctls(c: States): string[] {
  const L = Object.entries(c.news.sysctls)
    .sort()
    .map(([k, v]) => `[ "$(sysctl -n ${sq(k)} 2>/dev/null)" = ${sq(v)} ] || step sysctl ${sq(`${k}=${v}`)}`);
  for (const k of droppedSysctls(c)) {
    L.push(`l=$(grep ${sq("^" + k + "=")} "$D/baseline-sysctl" 2>/dev/null | head -1); [ -z "$l" ] || [ "$(sysctl -n ${sq(k)} 2>/dev/null)" = "\${l#*=}" ] || step sysctl "$l"`);
  }
  return L;
}

/** Delete: each MIB back to its baseline. */
export function restoreSysctls(s: HostState): string[] {
  return Object.keys(s.sysctls)
    .sort()
    .map((k) => `l=$(grep ${sq("^" + k + "=")} "$D/baseline-sysctl" 2>/dev/null | head -1); [ -n "$l" ] && sysctl "$l" >/dev/null 2>&1`);
}
