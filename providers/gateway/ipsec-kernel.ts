/**
 * What `ipsecctl -f FILE` puts in the kernel for the manually keyed parts of an ipsec.conf, as
 * `ipsecctl -sf` / `ipsecctl -ss` print it (B.2) — used to verify the end state of a commit after
 * `ipsecctl -d -f OLD; ipsecctl -f NEW`. ike rules are left out: isakmpd installs their flows and SAs
 * only after negotiating with the peer.
 */
import { flowsOfFlowRule, flowsOfIkeRule, formatFlow, formatSa, parseIpsecConf, sasOf } from "../../sdk/model/ipsec";
import { sq } from "./shell";

/** Flow and SA lines (no keys) the manual `flow`, SA and tcpmd5 rules of `content` load. */
export function manualKernelEntries(content: string, file: string): { flows: string[]; sas: string[] } {
  const conf = parseIpsecConf(content, file).value;
  const flows = conf.statements.flatMap((s) => (s.type === "flow" ? flowsOfFlowRule(s).map(formatFlow) : []));
  return { flows, sas: sasOf(conf).map((sa) => formatSa(sa)) };
}

/**
 * `ipsecctl -d -f OLD`, tolerating exactly the errors of entries that are already gone: `PF_KEY failed:
 * No such process` (ESRCH) and its `failed to delete rule N`. ipsecctl goes on with the other rules after
 * such a failure, so everything that was loaded is deleted. Any other message fails the step (`undo`, commit-script.ts: restore at once).
 */
export const IPSEC_DELETE_FN = [
  "ipdel() {",
  '  if OUT=$(ipsecctl -d -f "$1" 2>&1); then return 0; fi',
  "  BAD=$(printf '%s\\n' \"$OUT\" | grep -v -e '^$' -e '^\\(ipsecctl: \\)\\{0,1\\}PF_KEY failed: No such process$' -e '^\\(ipsecctl: \\)\\{0,1\\}failed to delete rule [0-9][0-9]*$')",
  '  [ -z "$BAD" ] && return 0',
  '  undo "ipsecctl -d -f $1" "$OUT"',
  "}",
];

/** Lines that fail the step (restoring) unless every manual flow and SA of `content` is loaded. */
export function verifyKernelLines(content: string, file: string): string[] {
  const { flows, sas } = manualKernelEntries(content, file);
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

/**
 * The flows of the `ike` rules of `content` (isakmpd installs them after phase 2), as patterns: the
 * identities (`srcid`/`dstid`) isakmpd fills in are not compared.
 */
export function declaredTunnelFlows(content: string, file: string): FlowPattern[] {
  const conf = parseIpsecConf(content, file).value;
  return conf.statements.flatMap((s) =>
    s.type !== "ike"
      ? []
      : flowsOfIkeRule(s).map((f) => {
          const { srcid: _s, dstid: _d, ...rest } = f;
          const line = formatFlow(rest);
          const at = line.lastIndexOf(" type ");
          return { prefix: line.slice(0, at), type: line.slice(at + 6) };
        }),
  );
}

/** Sh condition: every pattern has a line in "$F" (the `ipsecctl -sf` output). */
export function flowsPresentCondition(flows: readonly FlowPattern[]): string {
  return flows.map((f) => `printf '%s\\n' "$F" | grep -F ${sq(f.prefix + " ")} | grep -q ${sq(" type " + f.type + "$")}`).join(" && ") || "true";
}
