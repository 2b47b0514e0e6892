/**
 * `lint` of ipsec.conf: everything ipsecctl's parser rejects, plus what it accepts under `ipsecctl -n` but
 * fails when the isakmpd configuration is generated (`illegal transform`, golden err-ah-enc and
 * err-phase1-gcm exit 0 yet cannot be loaded), plus warnings (addresses with host bits set).
 */
import type { Diagnostic } from "../diagnostics";
import { parseIpsecConfDetailed, problemDiagnostic } from "./parser";
import { defaultPeerWarnings } from "./default-peer";

/**
 * Problems of an ipsec.conf text; severity `error` means ipsecctl would not (fully) load it.
 *
 * Each diagnostic is on the line ipsecctl reports: for a problem found once a rule has been read (a
 * transform refused with static keys, a key of the wrong length…) that is the line where the rule ends,
 * after its `\` continuations, and the column is then the end of the rule. When the offending token
 * is on that line the position is the token's, as in {@link parseIpsecConf}.
 */
export function lintIpsecConf(text: string, file: string, opts: { include?: (path: string) => string | undefined } = {}): Diagnostic[] {
  const parsed: Diagnostic[] = [];
  const generated: Diagnostic[] = [];
  const items = parseIpsecConfDetailed(text, file, opts);
  const warnings = defaultPeerWarnings(items, { verbose: false, hostname: "" });
  items.forEach((item, i) => {
    for (const p of item.problems) if (p.effect !== "stderr") (p.effect === "generate" ? generated : parsed).push({ ...problemDiagnostic(p), line: p.ipsecctlLine, column: p.ipsecctlColumn });
    for (const w of warnings.filter((x) => x.item === i))
      parsed.push({ file, line: w.line, column: 1, message: `${w.text}: the rules negotiated with isakmpd's default peer share one [peer-default] section; the later rule's setting wins`, severity: "warning" });
  });
  // ipsecctl prints a generation problem (`ipsecctl: illegal transform …`, from ike.c as the rule is added) without a
  // line, apart from the parse errors, which name the file's line: lint lists the parse errors first
  return [...parsed, ...generated];
}
