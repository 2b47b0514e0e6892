/**
 * A port of iked's parse.y yylex(): `#` comments, `\` line continuation, single/double quotes with
 * `\"` escapes, `$macro` expansion (re-lexed, not re-expanded), numbers ending at whitespace or one of
 * `) , / } =`, and words made of letters, digits and punctuation except `( ) { } < > ! = / # ,`.
 * Unquoted words that are iked keywords become `kw` tokens; quoted strings never do.
 */
import { llongRange } from "../strtonum";

/** Keywords of iked parse.y `lookup()`. */
export const IKED_KEYWORDS: ReadonlySet<string> = new Set([
  "accounting", "active", "ah", "any", "auth", "bytes", "cert_partial_chain", "childsa", "client", "config",
  "couple", "dae", "decouple", "default", "dpd_check_interval", "dstid", "dynamic", "eap", "enc",
  "enforcesingleikesa", "esn", "esp", "file", "flow", "fragmentation", "from", "group", "iface", "ike",
  "ikelifetime", "ikesa", "ikev2", "include", "inet", "inet6", "ipcomp", "lifetime", "listen", "local",
  "max-failovers", "max-tries", "maxage", "mobike", "name", "natt", "noenforcesingleikesa", "noesn",
  "nofragmentation", "nomobike", "nostickyaddress", "novendorid", "ocsp", "on", "passive", "peer", "port",
  "prf", "proto", "psk", "quick", "radius", "rdomain", "request", "sa", "secret", "server", "set", "skip",
  "srcid", "stickyaddress", "tag", "tap", "tcpmd5", "to", "tolerate", "transport", "tunnel", "user",
  "vendorid",
]);

/** A token with the 1-based line and column where it starts. */
export type IkedToken =
  | { type: "kw"; value: string; line: number; column: number }
  | { type: "string"; value: string; quoted: boolean; line: number; column: number }
  | { type: "number"; value: number; text: string; line: number; column: number }
  | { type: "char"; value: string; line: number; column: number }
  | { type: "nl"; line: number; column: number }
  /**
   * The end of the file. `abrupt`: reached inside a quoted string, where lgetc() returns EOF at once, without the
   * newline it makes up at a file's normal end: the statement before it is never complete.
   */
  | { type: "eof"; line: number; column: number; abrupt?: true }
  /** iked's ERROR token: a lexing error after which the rest of the line (and its newline) was skipped. */
  | { type: "error"; line: number; column: number };

/** A lexing error, reported as iked would (`message`) at a position. */
export interface IkedLexError {
  line: number;
  column: number;
  message: string;
}

const START_EXPAND = -2;
const DONE_EXPAND = -3;
const EOF = -1;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isPunct = (c: number): boolean => c > 32 && c < 127 && !isAlnum(c);
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const allowedToEndNumber = (c: number): boolean => isSpace(c) || c === 41 || c === 44 || c === 47 || c === 125 || c === 61;
const allowedInString = (c: number): boolean =>
  isAlnum(c) || (isPunct(c) && !"(){}<>!=/#,".includes(String.fromCharCode(c)));

/** The lexer; `macros` is consulted lazily, so definitions take effect on the following lines as in iked. */
export class IkedLexer {
  private pos = 0;
  private unget: number[] = [];
  private expanding = false;
  private eofReached = false;
  /** The line of the last line continuation lgetc skipped (yylval.lineno after one). */
  private contLine = 0;
  /** Current physical line (iked's file->lineno). */
  line = 1;
  private lineStart = 0;
  readonly errors: IkedLexError[] = [];

  constructor(
    private readonly text: string,
    private readonly macros: Map<string, string>,
    /** Records macro names used (for "macro not used" warnings). */
    readonly usedMacros: Set<string> = new Set(),
  ) {}

  private igetc(): number {
    for (;;) {
      let c: number;
      if (this.unget.length > 0) c = this.unget.pop()!;
      else if (this.pos < this.text.length) c = this.text.charCodeAt(this.pos++);
      else c = EOF;
      if (c === START_EXPAND) this.expanding = true;
      else if (c === DONE_EXPAND) this.expanding = false;
      else return c;
    }
  }

  private lgetc(quoted: boolean): number {
    if (quoted) return this.igetc();
    let c = this.igetc();
    while (c === 92 /* \ */) {
      const next = this.igetc();
      if (next !== 10) {
        // iked returns the escaped character itself
        c = next;
        break;
      }
      this.contLine = this.line;
      this.newline();
      c = this.igetc();
    }
    if (c === EOF && !this.eofReached) {
      this.eofReached = true;
      return 10;
    }
    return c;
  }

  private ungetc(c: number): void {
    if (c !== EOF) this.unget.push(c);
  }

  /** Column of the character read last (characters pushed back are not yet consumed). */
  private column(): number {
    return Math.max(1, this.pos - this.unget.length - this.lineStart);
  }

  private newline(): void {
    this.line++;
    this.lineStart = this.pos - this.unget.length;
  }

  private error(message: string, line: number, column: number): void {
    this.errors.push({ line, column, message });
  }

  /** Skips to the end of the line (iked findeol), returning the newline token. */
  /**
   * yylex's findeol() after an error: the rest of the line is gone, and ERROR stands where yyerror's yylval.lineno
   * ended up: the token's line, or the line of the last continuation (`\` newline) skipped on the way.
   */
  private findeol(line: number, column: number): IkedToken {
    this.contLine = line;
    this.skipLine();
    return { type: "error", line: this.contLine, column };
  }

  skipLine(): IkedToken {
    for (;;) {
      const c = this.lgetc(false);
      if (c === 10) {
        const t: IkedToken = { type: "nl", line: this.line, column: this.column() };
        this.newline();
        return t;
      }
      if (c === EOF) return { type: "eof", line: this.line, column: this.column() };
    }
  }

  /** A quoted string (`'…'` or `"…"`, backslash escapes the quote, blanks and newlines), after its opening quote. */
  private quoted(quote: number, line: number, column: number): IkedToken {
    let c: number;
    let buf = "";
    for (;;) {
      c = this.lgetc(true);
      if (c === EOF) {
        // yyerror prints yylval.lineno: the line the quoted string started on (so does the syntax error after it)
        this.error("reached end of file while parsing quoted string", line, column);
        return { type: "eof", line, column, abrupt: true };
      }
      if (c === 10) {
        this.newline();
        continue;
      }
      if (c === 92) {
        const next = this.lgetc(true);
        if (next === EOF) return { type: "eof", line: this.line, column: this.column() };
        if (next === quote || next === 32 || next === 9) c = next;
        else if (next === 10) {
          this.newline();
          continue;
        } else this.ungetc(next);
      } else if (c === quote) break;
      else if (c === 0) {
        this.error("syntax error", line, column);
        return this.skipLine();
      }
      buf += String.fromCharCode(c);
    }
    return { type: "string", value: buf, quoted: true, line, column };
  
  }

  /** Next token. */
  next(): IkedToken {
    for (;;) {
      let c = this.lgetc(false);
      while (c === 32 || c === 9) c = this.lgetc(false);
      let line = this.line;
      let column = this.column();
      if (c === 35 /* # */) {
        // the comment swallows the rest of the line, and the next ones while it ends with `\`
        do c = this.lgetc(false);
        while (c !== 10 && c !== EOF);
        // the newline (or end of file) that ends it is on the comment's last physical line
        line = this.line;
        column = this.column();
      }
      if (c === 36 /* $ */ && !this.expanding) {
        let name = "";
        for (;;) {
          c = this.lgetc(false);
          if (c === EOF) return { type: "eof", line, column };
          if (isAlnum(c) || c === 95) {
            name += String.fromCharCode(c);
            continue;
          }
          this.ungetc(c);
          break;
        }
        const val = this.macros.get(name);
        if (val === undefined) {
          this.error(`macro '${name}' not defined`, line, column);
          return this.findeol(line, column);
        }
        this.usedMacros.add(name);
        this.unget.push(DONE_EXPAND);
        for (let i = val.length - 1; i >= 0; i--) this.unget.push(val.charCodeAt(i));
        this.unget.push(START_EXPAND);
        continue;
      }
      if (c === 39 || c === 34) return this.quoted(c, line, column);
      if (c === 45 /* - */ || isDigit(c)) {
        let buf = "";
        do {
          buf += String.fromCharCode(c);
          c = this.lgetc(false);
        } while (c !== EOF && isDigit(c));
        this.ungetc(c);
        if (!(buf === "-") && (c === EOF || allowedToEndNumber(c))) {
          const range = llongRange(buf);
          if (range) {
            this.error(`"${buf}" invalid number: ${range}`, line, column);
            return this.findeol(line, column);
          }
          return { type: "number", value: Number(buf), text: buf, line, column };
        }
        for (let i = buf.length - 1; i >= 1; i--) this.ungetc(buf.charCodeAt(i));
        c = buf.charCodeAt(0);
        if (c === 45) return { type: "char", value: "-", line, column };
      }
      if (isAlnum(c) || c === 58 || c === 95 || c === 42) {
        let buf = "";
        do {
          buf += String.fromCharCode(c);
          c = this.lgetc(false);
        } while (c !== EOF && allowedInString(c));
        this.ungetc(c);
        if (IKED_KEYWORDS.has(buf)) return { type: "kw", value: buf, line, column };
        return { type: "string", value: buf, quoted: false, line, column };
      }
      if (c === 10) {
        const t: IkedToken = { type: "nl", line: this.line, column };
        this.newline();
        return t;
      }
      if (c === EOF) return { type: "eof", line, column };
      return { type: "char", value: String.fromCharCode(c), line, column };
    }
  }
}
