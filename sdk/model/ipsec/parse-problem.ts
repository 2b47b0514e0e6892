/**
 * What the ipsec.conf parser reports: its problems (each with the token's position and the line ipsecctl names), the
 * items it hands on statement by statement, and its options (what only the host knows: includes, -D, names).
 */
import type { Diagnostic } from "../diagnostics";
import type { IpsecStatement } from "./types";

/** One problem found while parsing, with both the token position and the line ipsecctl would report. */
export interface ParseProblem {
  file: string;
  /** Line and column of the offending token. */
  line: number;
  column: number;
  /** The line ipsecctl's yyerror prints (its lookahead token's line). */
  ipsecctlLine: number;
  /**
   * Column of ipsecctl's lookahead token on {@link ipsecctlLine} (ipsecctl prints none); equal to
   * `column` when the offending token is itself on that line.
   */
  ipsecctlColumn: number;
  /** Field path in the rule, when the problem concerns one. */
  field?: string;
  /** ipsecctl's wording. */
  text: string;
  /** What is allowed / how to fix it (lint only). */
  hint?: string;
  /**
   * `hard`: yyerror and the rule is dropped; `errx`: expand_rule refused a manual SA's reverse SA after loading
   * its forward SA (yyerror, then ipsecctl stops: `sarule: expand_rule`); `abort`: ipsecctl crashes at exit.
   */
  effect: "soft" | "hard" | "fatal" | "generate" | "errx" | "abort" | "warning" | "stderr";
  /**
   * A syntax error ipsecctl finds but does not print: byacc's yyerrflag is still above 0 (fewer than three
   * tokens shifted since the last error's recovery). lint reports it; `ipsecctl -n` prints nothing for it.
   */
  quiet?: boolean;
  /** `fatal` only: errx() (no errno text after the message), e.g. `host: invalid netmask '/129'`. */
  noErrno?: boolean;
  /** `hard` only: yyerror without YYERROR (expand_rule refused the rule): no yacc error recovery follows. */
  noRecovery?: true;
  /** With noRecovery: the rule's address pairs expand_rule added before the one it refused (RuleProblem.loadedPairs). */
  loadedPairs?: number;
}

/** Message of a problem as a {@link Diagnostic} (`field: text; hint`). */
export function problemMessage(p: ParseProblem): string {
  return `${p.field ? `${p.field}: ` : ""}${p.text}${p.hint ? `; ${p.hint}` : ""}`;
}

/** Converts a problem into a shared {@link Diagnostic}. */
export function problemDiagnostic(p: ParseProblem): Diagnostic {
  return { file: p.file, line: p.line, column: p.column, message: problemMessage(p), severity: p.effect === "warning" ? "warning" : "error" };
}

/** What ipsecctl's parser does, statement by statement. */
export type ParsedItem =
  | { kind: "macro"; name: string; value: string; problems: ParseProblem[] }
  /** `line`: where yacc reduced the rule (its lookahead's line), as expand_rule's messages name it. */
  | { kind: "rule"; statement: IpsecStatement; problems: ParseProblem[]; line?: number }
  /**
   * A statement ipsecctl does not load; `statement`, when the whole rule was read and refused by its checks (the
   * host's resolution of its names is checked first by expand_rule: the lab's double does that).
   */
  | { kind: "dropped"; problems: ParseProblem[]; statement?: IpsecStatement };

/** Options of the parser. */
export interface ParseOptions {
  /** Returns the text of an `include`d file, or undefined when it cannot be read. */
  include?: (path: string) => string | undefined;
  /** Macros defined on the command line (`ipsecctl -D name=value`). */
  defines?: Record<string, string>;
  /**
   * Whether a host name resolves on the host (an interface or group with an address): host() tries it as the rule
   * is read, so a name that does not is `could not parse host specification` there. Without it (lint) every
   * plausible name passes: only the host can resolve DNS names.
   */
  resolves?: (name: string) => boolean;
  /**
   * The family of the first address host() gives a name on the host (an interface's or group's first address), which
   * a `(NAT)` is checked against. Without it (lint) a name's family is not known: only the host knows its interfaces.
   */
  family?: (name: string) => 4 | 6 | undefined;
}
