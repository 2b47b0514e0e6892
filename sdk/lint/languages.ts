/**
 * The language checkers `lint` dispatches to, one per {@link LintKind}. Each lives with its language
 * in sdk/model; a kind whose module does not exist yet maps to undefined and lint says so.
 */
import type { Diagnostic } from "../model/diagnostics";
import { lintIkedConf } from "../model/iked";
import type { LintKind } from "./kinds";

/** Options a checker may use. */
export interface LanguageOptions {
  /** pf only: the host's interfaces, used to expand interface names into addresses. */
  pfInterfaces?: unknown[];
}

/** A language checker: the diagnostics of one file's text. */
export type LanguageLinter = (text: string, file: string, opts: LanguageOptions) => Diagnostic[];

/** The checker of each kind (undefined: not written yet). */
export const LANGUAGES: Readonly<Record<LintKind, LanguageLinter | undefined>> = {
  ipsec: undefined,
  iked: (text, file) => lintIkedConf(text, file),
  pf: undefined,
  hostname: undefined,
  sasyncd: undefined,
  sysctl: undefined,
  rcconf: undefined,
};
