/**
 * Line and token helpers shared by the command-output parsers. Pure: no I/O.
 *
 * Every parser reports problems as {@link Diagnostic}s with 1-based line and column, and never
 * quotes a whole input line (command output can hold key material, e.g. `ipsecctl -k`): messages
 * quote the one token that was not understood.
 */
import type { Diagnostic } from "../diagnostics";

/** One whitespace-separated token and its 1-based column. */
export interface Token {
  /** The token text. */
  text: string;
  /** 1-based column of the token's first character. */
  column: number;
}

/** Splits command output into lines (LF or CRLF); a trailing newline does not make an extra line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Splits one line on any run of blanks (spaces or TABs), keeping each token's column. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /[^ \t]+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push({ text: m[0], column: m.index + 1 });
  return out;
}

/** Shortens a token for a message so that a long or binary-looking value never floods the output. */
export function quote(token: string): string {
  const clean = token.replace(/[^\x20-\x7e]/g, "?");
  return "`" + (clean.length > 40 ? `${clean.slice(0, 40)}…` : clean) + "`";
}

/** Collects diagnostics for one parse of one text. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  /** Records an error at `line`/`column` (both 1-based). */
  error(line: number, column: number, message: string): void {
    this.diagnostics.push({ file: this.file, line, column: Math.max(1, column), message, severity: "error" });
  }

  /** Records a warning at `line`/`column` (both 1-based). */
  warning(line: number, column: number, message: string): void {
    this.diagnostics.push({ file: this.file, line, column: Math.max(1, column), message, severity: "warning" });
  }
}

/** Parses a non-negative decimal integer (no sign, no exponent); undefined when it is not one. */
export function parseUint(text: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}
