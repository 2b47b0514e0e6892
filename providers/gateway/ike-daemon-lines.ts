/**
 * The apply's lines for the IKE daemons around a change of their rules (commit-script.ts applyScript): the guard
 * before a load of `ike` rules, the restart of isakmpd that a changed rule needs, and the `-S` that sasyncd asks of
 * isakmpd and iked.
 */
import type { HostState } from "../../sdk/state";
import { expectedKernel, parseIpsecConf, renderStatement } from "../../sdk/model/ipsec";
import { sq } from "./shell";

/**
 * Before `ipsecctl -f` of a rule file with `ike` rules: isakmpd must run (the apply started it at its position), or
 * ipsecctl would wait on the FIFO a stopped isakmpd left for good (script-lib.ts `ipsc`); the step fails instead.
 */
export function ikeGuard(news: HostState, rf: string): string {
  const text = news.files[rf]?.content;
  const k = news.ipsecKernel ?? (text === undefined ? undefined : expectedKernel(parseIpsecConf(text).value));
  if (!k?.tunnels.length) return "";
  const what = `ipsecctl -f ${rf}`;
  return `rcctl check isakmpd >/dev/null 2>&1 || undo ${sq(what)} ${sq(`isakmpd does not run, so the ike rules of ${rf} cannot be loaded`)}; `;
}

/**
 * Whether a change of the rule file leaves part of an old `ike` rule in isakmpd's running configuration: `ipsecctl -d`
 * of a rule removes its phase 2 connection only (ike.c ike_delete_config), never its peer's phase 1 sections, and a
 * rule loaded again sets only the keys it has and adds its phase 1 transforms to those there (`C add
 * [phase1-…]:Transforms`). So an old rule changed or taken out would leave a `Remote-ID` or an `ID` no rule asks for
 * any more (the tunnel then fails on an unexpected ID), or an old phase 1 transform still offered. isakmpd is then
 * restarted, which starts from an empty configuration, before the new file is loaded; rules only added need not.
 */
export function ikeRulesLeftBehind(olds: HostState | undefined, news: HostState, rf: string): boolean {
  const ike = (text: string | undefined) => {
    if (text === undefined) return new Set<string>();
    const r = parseIpsecConf(text);
    return new Set(r.value.statements.filter((st) => st.type === "ike").map(renderStatement));
  };
  const before = ike(olds?.files[rf]?.content);
  const after = ike(news.files[rf]?.content);
  return [...before].some((r) => !after.has(r));
}

/**
 * isakmpd and iked run with `-S` (passive until sasyncd makes the node the carp master) exactly when sasyncd is
 * enabled: their rc.d scripts add it at start (rc_pre) when `sasyncd_flags` is not NO. So sasyncd is enabled before
 * the daemon starts, and a daemon that runs with `-S` and should not, or the other way round (seeds/000: "if isakmpd
 * is already running … kill it and restart it by adding the -S flag"), is restarted. What it runs with is rc.subr's
 * run file (/var/run/rc.d/NAME `daemon_flags`), written at its start; none (started by hand): left as it is.
 */
export function syncFlagLines(n: "isakmpd" | "iked", news: HostState): string[] {
  const sync = news.services.sasyncd?.enabled === true;
  const want = sync || /(^|\s)-[A-Za-z]*S/.test(news.services[n]?.flags ?? "") ? 1 : 0;
  return [
    ...(sync ? ["if ! rcctl get sasyncd status >/dev/null 2>&1; then step rcctl enable sasyncd; fi"] : []),
    "# shellcheck disable=SC2013 # the run file's flags, split into words on purpose",
    `if [ -f /var/run/rc.d/${n} ]; then hs=0; for w in $(sed -n 's/^daemon_flags=//p' /var/run/rc.d/${n}); do case "$w" in -*S*) hs=1 ;; esac; done; [ $hs = ${want} ] || restart=1; fi`,
  ];
}
