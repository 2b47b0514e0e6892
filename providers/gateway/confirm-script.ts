/** Command 3 of a commit (commit-script.ts): the confirm over a fresh connection, and how long it waits for flows. */
import { sq } from "./shell";
import { ownerLines, type Owner } from "./owner";
import { flowsPresentCondition, type FlowPattern } from "./ipsec-kernel";
import { BLOCK_START, PRELUDE } from "./script-head";

/**
 * Seconds the confirm waits for a declared tunnel's flows: at most 20, and half the rollback timer; at most
 * `cap` when given (PULUMI_OPENBSD_FLOW_WAIT, {@link flowWaitCap}).
 */
export function flowWaitSeconds(rollbackSeconds: number, cap = 20): number {
  return Math.max(0, Math.min(20, cap, Math.floor(rollbackSeconds / 2)));
}

/**
 * PULUMI_OPENBSD_FLOW_WAIT=SECONDS (a whole number) lowers the confirm's wait for the declared tunnels' flows, for
 * runs where they cannot come up (a lab whose peer is never configured); unset or not a whole number: 20.
 */
export function flowWaitCap(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PULUMI_OPENBSD_FLOW_WAIT;
  return v !== undefined && /^[0-9]{1,4}$/.test(v) ? Number(v) : 20;
}

/**
 * Command 3, on a fresh connection: when the commit loaded the rule file and it declares tunnels, wait up
 * to `waitSeconds` for their flows in `ipsecctl -sf` (ARCHITECTURE.md D3; `@@noflows` on stderr when they did
 * not come up — the peer may not be configured yet), then disarm the timer, release the lock, print the flows.
 */
export function confirmScript(id: string, flows: readonly FlowPattern[] = [], waitSeconds = 0, owner?: Owner): string {
  const wait = flows.length && waitSeconds > 0
    ? [
        'if [ -e "$R/pending" ] && [ -e "$R/ipsec-loaded" ]; then',
        // polled five times a second (OpenBSD's sleep(1) takes a fraction): a tunnel that comes up a moment after
        // the load is confirmed a moment later, not at the next whole second
        `  n=0; F=$(ipsecctl -sf 2>/dev/null); until ${flowsPresentCondition(flows)}; do`,
        `    if [ $n -ge ${waitSeconds * 5} ]; then echo "@@noflows ${waitSeconds}" >&2; break; fi`,
        "    sleep 0.2; n=$((n+1)); F=$(ipsecctl -sf 2>/dev/null)",
        "  done",
        "fi",
      ]
    : [];
  const record = owner
    ? [
        // the owner (D12); a failure to record it is reported, the commit stands
        `if ! { printf '%s\\n' ${ownerLines(owner).map(sq).join(" ")} > "$D/owner.new" && mv -f "$D/owner.new" "$D/owner"; } 2>/dev/null; then rm -f "$D/owner.new"; echo "@@noowner" >&2; fi`,
      ]
    : [];
  return [
    ...BLOCK_START,
    ...PRELUDE(id),
    "trap '' HUP PIPE",
    ...wait,
    // the claim: only one of the confirm, the timer and a failing step gets `pending`
    'if ! mv "$R/pending" "$R/confirmed" 2>/dev/null; then printf \'@@rolledback %s\\n\' "$ID" >&2; exit 1; fi',
    // the timer disarmed: its shell first (ksh and mksh act on TERM only once their `sleep` ends), then the sleep, so
    // that no `sleep N; sh restore.sh timer` is left in the gateway's process list after a commit that succeeded
    'if dead; then :; elif [ -n "$opid" ] && [ "$opid" != "$$" ]; then kill "$opid" 2>/dev/null; pkill -P "$opid" 2>/dev/null; fi',
    // the previous files kept beside their targets for a restore (stage script, `old`)
    'if [ -f "$R/changed" ]; then while read -r f; do rm -f "$f.pulumi-old"; done < "$R/changed"; fi',
    ...record,
    'rm -rf "$R" "$D/lock"',
    "ipsecctl -sf 2>/dev/null",
    "exit 0",
    "}",
  ].join("\n") + "\n";
}

