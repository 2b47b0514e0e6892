/**
 * `lint` of ipsec.conf: everything ipsecctl's parser rejects, plus what it accepts under `ipsecctl -n` but
 * fails when the isakmpd configuration is generated (`illegal transform`, golden err-ah-enc and
 * err-phase1-gcm exit 0 yet cannot be loaded), plus warnings (addresses with host bits set).
 */
import type { Diagnostic } from "../diagnostics";
import { parseIpsecConf } from "./parser";

/** Problems of an ipsec.conf text; severity `error` means ipsecctl would not (fully) load it. */
export function lintIpsecConf(text: string, file: string, opts: { include?: (path: string) => string | undefined } = {}): Diagnostic[] {
  return parseIpsecConf(text, file, opts).diagnostics;
}
