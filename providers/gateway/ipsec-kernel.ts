/**
 * The kernel's IPsec entries in the commit (ARCHITECTURE.md D3): what `ipsecctl -f FILE` must have put
 * in the kernel for the manually keyed rules, checked after `ipsecctl -d -f OLD; ipsecctl -f NEW`, and
 * the flows isakmpd installs for the declared tunnels, which the confirm waits for. Both come typed in
 * the state (`HostState.ipsecKernel`, computed by the planner) and are printed here as `ipsecctl -sf` /
 * `ipsecctl -ss` print them (B.2); no rendered file is parsed.
 */
import { formatFlow, formatSa, kernelFlow, type ExpectedKernel } from "../../sdk/model/ipsec";
import { parseIpsecctlFlows, parseIpsecctlSas } from "../../sdk/model/output/ipsecctl";
import { hostAddress, refusalOf, shown } from "../../sdk/model/tokens/index";
import { isDeepStrictEqual } from "node:util";
import { sq } from "./shell";
import { carpBackupInterfaces } from "./carp-role";
import type { HostState } from "../../sdk/state";

/** Flow and SA lines (no keys) of the manual entries, as `ipsecctl -sf` / `ipsecctl -ss` print them. */
export function manualKernelEntries(k: ExpectedKernel | undefined): { flows: string[]; sas: string[] } {
  return { flows: (k?.flows ?? []).map(formatFlow), sas: (k?.sas ?? []).map((sa) => formatSa(sa)) };
}

/**
 * `ipsecctl -d -f OLD`, tolerating exactly the errors of entries that are already gone: `PF_KEY failed:
 * No such process` (ESRCH) and its `failed to delete rule N`. ipsecctl goes on with the other rules after
 * such a failure, so everything that was loaded is deleted. Any other message fails the step (`undo`, commit-script.ts: restore at once).
 */
export const IPSEC_DELETE_FN = [
  "ipdel() {",
  '  if OUT=$(ipsc -d -f "$1" 2>&1); then return 0; fi',
  "  BAD=$(printf '%s\\n' \"$OUT\" | grep -v -e '^$' -e '^\\(ipsecctl: \\)\\{0,1\\}PF_KEY failed: No such process$' -e '^\\(ipsecctl: \\)\\{0,1\\}failed to delete rule [0-9][0-9]*$')",
  '  [ -z "$BAD" ] && return 0',
  '  undo "ipsecctl -d -f $1" "$OUT"',
  "}",
];

/** Lines that fail the step (restoring) unless every manual flow and SA of `k` is loaded (after `ipsecctl -f file`). */
export function verifyKernelLines(k: ExpectedKernel | undefined, file: string): string[] {
  const { flows, sas } = manualKernelEntries(k);
  if (!flows.length && !sas.length) return [];
  const L = ["SF=$(ipsecctl -sf 2>&1); SS=$(ipsecctl -ss 2>&1); MISSING="];
  for (const f of flows) L.push(`printf '%s\\n' "$SF" | grep -qxF ${sq(f)} || MISSING="$MISSING"${sq("\n" + f)}`);
  for (const s of sas) L.push(`printf '%s\\n' "$SS" | grep -qxF ${sq(s)} || MISSING="$MISSING"${sq("\n" + s)}`);
  L.push(
    `if [ -n "$MISSING" ]; then undo ${sq(`ipsecctl -sf; ipsecctl -ss (after ipsecctl -f ${file})`)} "not loaded:$MISSING"; fi`,
  );
  return L;
}

/** A flow isakmpd installs for a declared tunnel: the line starts with `prefix ` and ends with ` type TYPE`. */
export interface FlowPattern {
  prefix: string;
  type: string;
}

/** The flows of the declared tunnels (identities left out: isakmpd fills them in) as line patterns. */
export function declaredTunnelFlows(k: ExpectedKernel | undefined): FlowPattern[] {
  return (k?.tunnels ?? []).map((f) => {
    const line = formatFlow(f);
    const at = line.lastIndexOf(" type ");
    return { prefix: line.slice(0, at), type: line.slice(at + 6) };
  });
}

/**
 * The flows the confirm waits for (ARCHITECTURE.md D3): the declared tunnels of an isakmpd gateway that loads a rule
 * file. None on a CARP backup whose sasyncd holds isakmpd passive (`-S`, rc.d's when sasyncd is enabled): it
 * negotiates nothing, and its flows come from the master's sasyncd, whose commit comes after this one — waiting
 * would only cost the wait and end in a warning on every first `up` of a pair.
 */
export function flowsToAwait(s: HostState): FlowPattern[] {
  if (s.ipsec.daemon !== "isakmpd" || !s.ipsec.ruleFile) return [];
  if (s.services.sasyncd?.enabled && carpBackupInterfaces(s).length) return [];
  return declaredTunnelFlows(s.ipsecKernel);
}

/** Sh condition: every pattern has a line in "$F" (the `ipsecctl -sf` output). */
export function flowsPresentCondition(flows: readonly FlowPattern[]): string {
  return flows.map((f) => `printf '%s\\n' "$F" | grep -F ${sq(f.prefix + " ")} | grep -q ${sq(" type " + f.type + "$")}`).join(" && ") || "true";
}

/**
 * What is wrong with a state's `ipsecKernel` (the provider's check; the planner's are right by
 * construction): every flow and SA must print as `ipsecctl -sf`/`-ss` does and read back through the one
 * parser of that output unchanged, and every peer must be an IP address. Undefined when it is fine.
 */
export function kernelProblem(k: ExpectedKernel | undefined): string | undefined {
  if (k === undefined) return undefined;
  let flows: string[];
  let sas: string[];
  try {
    if (![k.flows, k.sas, k.tunnels, k.peers].every(Array.isArray)) return "must be { flows, sas, tunnels, peers }, each a list";
    flows = [...k.flows, ...k.tunnels].map(formatFlow);
    sas = k.sas.map((sa) => formatSa(sa));
  } catch (e) {
    return `a flow or SA is malformed (${(e as Error).message})`;
  }
  for (const [i, f] of [...k.flows, ...k.tunnels].entries()) {
    const back = parseIpsecctlFlows(flows[i]!);
    if (back.diagnostics.length || !isDeepStrictEqual(back.value.map(({ line: _l, ...g }) => g), [kernelFlow(f)])) return `flow \`${flows[i]}\` does not read back as itself (${back.diagnostics[0]?.message ?? "fields differ"})`;
  }
  for (const [i, s] of sas.entries()) {
    const back = parseIpsecctlSas(s);
    if (back.diagnostics.length || back.value.length !== 1) return `SA \`${s}\` does not read back as itself (${back.diagnostics[0]?.message ?? "fields differ"})`;
    if (k.sas[i]!.authkey !== undefined || k.sas[i]!.enckey !== undefined) return "an SA carries a key: keys are never stored in the state's kernel entries";
  }
  const bad = k.peers.find((p) => typeof p !== "string" || refusalOf(hostAddress(), p));
  return bad === undefined ? undefined : `peer \`${shown(String(bad))}\` is not an IP address`;
}
