/**
 * The language checkers `lint` dispatches to, one per {@link LintKind}. Each lives with its language
 * in sdk/model; lint only adds the file-mode checks (modes.ts).
 */
import type { Diagnostic } from "../model/diagnostics";
import { lintHostnameIf } from "../model/hostnameif";
import { lintIkedConf } from "../model/iked";
import { lintIpsecConf } from "../model/ipsec";
import { lintPf, type PfInterface } from "../model/pf";
import { lintRcConfLocal } from "../model/rcconf";
import { lintSasyncdConf } from "../model/sasyncd";
import { lintSysctlConf } from "../model/sysctl";
import type { LintKind } from "./kinds";

/** Options a checker may use. */
export interface LanguageOptions {
  /**
   * pf only: the host's interfaces, used to expand interface names into addresses and to check them
   * as pfctl does. Without them interface names are not checked.
   */
  pfInterfaces?: readonly PfInterface[];
  /**
   * Reads a file the checked file names, the path as written (undefined when unreadable): an ipsec.conf
   * `include` (ipsecctl's `failed to include file`), a pf table's `file "PATH"`, a pf `load anchor … from "PATH"`.
   */
  include?: (path: string) => string | { error: string } | undefined;
  /** pf only: the anchor the file is loaded into (`pfctl -a NAME`); absent: the main ruleset. */
  pfAnchor?: string;
}

/** A named file's text, or undefined when it cannot be read (why does not matter to ipsecctl's message). */
function text0(r: string | { error: string } | undefined): string | undefined {
  return typeof r === "string" ? r : undefined;
}

/** A language checker: the diagnostics of one file's text. */
export type LanguageLinter = (text: string, file: string, opts: LanguageOptions) => Diagnostic[];

/** The checker of each kind (undefined: none written yet). */
export const LANGUAGES: Readonly<Record<LintKind, LanguageLinter | undefined>> = {
  ipsec: (text, file, opts) => lintIpsecConf(text, file, opts.include === undefined ? {} : { include: (p) => text0(opts.include!(p)) }),
  iked: (text, file) => lintIkedConf(text, file),
  pf: (text, file, opts) => lintPf(text, file, { ...(opts.pfInterfaces === undefined ? {} : { interfaces: opts.pfInterfaces }), ...(opts.include === undefined ? {} : { readFile: opts.include }), ...(opts.pfAnchor === undefined ? {} : { anchor: opts.pfAnchor }) }),
  hostname: (text, file) => lintHostnameIf(text, file),
  sasyncd: (text, file) => lintSasyncdConf(text, file),
  sysctl: (text, file) => lintSysctlConf(text, file),
  rcconf: (text, file) => lintRcConfLocal(text, file),
};
