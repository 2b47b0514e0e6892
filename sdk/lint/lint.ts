/**
 * `lintFile`: every check `pulumi-openbsd lint` runs on one file — the file mode the daemon enforces
 * (when the caller has a real file) and the language's own syntax and semantic checks.
 */
import type { Diagnostic } from "../model/diagnostics";
import type { PfInterface } from "../model/pf";
import { kindOf, LINT_KINDS, type LintKind } from "./kinds";
import { LANGUAGES } from "./languages";
import { checkMode } from "./modes";
import { KEYWORDS as IPSEC_KEYWORDS } from "../model/ipsec/lexer";
import { IKED_KEYWORDS } from "../model/iked/lexer";
import { SASYNCD_KEYWORDS } from "../model/sasyncd/lexer";

/** Options of {@link lintFile}. */
export interface LintOptions {
  /** The file's kind; default: told from the path by {@link kindOf}. */
  kind?: LintKind;
  /** The file's mode (`st_mode` or permission bits) when it is a real file; undefined skips mode checks. */
  mode?: number;
  /** pf only: the host's interface table (`PfInterface[]` of sdk/model/pf) to expand interface names. */
  pfInterfaces?: readonly PfInterface[];
  /**
   * pf only: the anchor the file is loaded into (`pfctl -a NAME`), where queues cannot be defined; default: the
   * file's name for a file in a `pf.anchors` folder, else the main ruleset.
   */
  pfAnchor?: string;
  /**
   * Reads a file the checked file names, the path as written, as the daemon's tool opens it; undefined when
   * it cannot be read: an ipsec.conf `include` (without a reader every `include` is reported as unreadable),
   * a pf table's `file "PATH"` and `load anchor NAME from "PATH"` (without a reader they are not checked).
   * `{ error }`: why it cannot be read, in strerror's words (`Is a directory`), where the tool prints it.
   */
  include?: (path: string) => string | { error: string } | undefined;
}

/**
 * Lints one file. `path` is used for the kind and in every diagnostic. Never throws: a checker that
 * throws is reported as an internal error at 1:1 (without its message, which could quote a secret).
 */
export function lintFile(path: string, text: string, opts: LintOptions = {}): Diagnostic[] {
  const kind = opts.kind ?? kindOf(path);
  if (kind === undefined) {
    return [{ file: path, line: 1, column: 1, severity: "error", message: `cannot tell the kind of file from its name; pass --kind, one of ${LINT_KINDS.join(", ")}` }];
  }
  const out: Diagnostic[] = opts.mode === undefined ? [] : checkMode(kind, path, opts.mode);
  const linter = LANGUAGES[kind];
  if (linter === undefined) {
    out.push({ file: path, line: 1, column: 1, severity: "warning", message: `no syntax check for ${kind} files yet; only the file mode was checked` });
    return out;
  }
  try {
    const anchor = opts.pfAnchor ?? (/(^|\/)pf\.anchors\/[^/]+$/.test(path) ? path.replace(/^.*\//, "") : undefined);
    out.push(...linter(text, path, { ...(opts.pfInterfaces === undefined ? {} : { pfInterfaces: opts.pfInterfaces }), ...(opts.include === undefined ? {} : { include: opts.include }), ...(anchor === undefined ? {} : { pfAnchor: anchor }) }));
  } catch (e) {
    // The thrown message is not shown: it could quote a value of the file (a PSK, a key).
    out.push({ file: path, line: 1, column: 1, severity: "error", message: `internal error in the ${kind} checker (${e instanceof Error ? e.name : typeof e}); the file could not be checked` });
  }
  return withoutSecrets(out, text, kind);
}

/** ifconfig words that may follow a key on a hostname.if line. */
const IFCONFIG_WORDS: ReadonlySet<string> = new Set(["vhid", "carpdev", "pass", "advbase", "advskew", "carppeer", "wgkey", "wgport", "wgpeer", "wgpsk", "wgaip", "wgendpoint", "wgpka", "wgrtable", "wgdescr", "nwid", "wpakey", "wpa", "up", "down", "inet", "inet6", "alias", "-wgpeer", "description"]);

/** The keywords a secret follows, by kind of file (pf, sysctl.conf and rc.conf.local hold none), and the language's keywords. */
const SECRETS_AFTER: Partial<Record<LintKind, { key: RegExp; keywords: ReadonlySet<string> }>> = {
  ipsec: { key: /^(psk|authkey|enckey)$/, keywords: IPSEC_KEYWORDS },
  iked: { key: /^(psk|user|secret)$/, keywords: IKED_KEYWORDS },
  hostname: { key: /^(pass|wgkey|wgpsk|wpakey)$/, keywords: IFCONFIG_WORDS },
  sasyncd: { key: /^sharedkey$/, keywords: SASYNCD_KEYWORDS },
};

/**
 * The diagnostics with the words that follow a secret's keyword shown as `(secret)`: up to two words, up to the next
 * keyword of the language — a key written as two words makes the parser quote its second word as unexpected (`psk my
 * secret`, `pass a b`, a wgkey with a blank in it), and a message must not print what may be half a key.
 */
function withoutSecrets(ds: Diagnostic[], text: string, kind: LintKind): Diagnostic[] {
  const lang = SECRETS_AFTER[kind];
  if (!lang) return ds;
  const words = new Set<string>();
  for (const line of text.split("\n")) {
    const ws = line.replace(/#.*$/, "").split(/\s+/).filter(Boolean);
    ws.forEach((w, i) => {
      if (!lang.key.test(w)) return;
      // iked's `user NAME PASSWORD`: the name is no secret
      const from = w === "user" ? i + 2 : i + 1;
      for (const x of ws.slice(from, from + 2)) {
        if (lang.keywords.has(x)) break;
        for (const part of x.split(/[:"']+/)) if (part.length >= 4) words.add(part.replace(/^0x/i, ""));
      }
    });
  }
  if (words.size === 0) return ds;
  const mask = masker(words);
  return ds.map((d) => ({ ...d, message: mask(d.message) }));
}

/** Replaces each of `words` by `(secret)`, the longest first (`KEY` in `part2KEY` must not leave `part2` shown). */
function masker(words: ReadonlySet<string>): (msg: string) => string {
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return (msg) => sorted.reduce((acc, w) => acc.split(w).join("(secret)"), msg);
}

/** What lint shows of `message` for a file `text` of `kind`: its words that may be secrets as `(secret)`. */
export function maskedForLint(message: string, text: string, kind: LintKind): string {
  return withoutSecrets([{ file: "", line: 1, column: 1, severity: "error", message }], text, kind)[0]!.message;
}

/** True when any diagnostic is an error (lint exits 1). */
export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}
