/**
 * pfctl's lexer (parse.y `yylex()`), reproduced character for character: macros are expanded by
 * pushing their value back into the input, a backslash-newline continues a line, `#` starts a
 * comment, numbers end only at white space or `) , / } =`, strings may hold most punctuation
 * (so `;` is a token of its own and a syntax error), and an undefined macro reports
 * `macro 'x' not defined` and swallows the rest of the line.
 */
import { llongRange } from "../strtonum";
import { PF_KEYWORDS } from "./names";
import type { PfPortOp } from "./types";

/** pfctl's yylex() reads a token into `char buf[8096]`. */
const LEX_BUF = 8096;

export type TokType =
  | "STRING" // a word or quoted string (quoted strings are never keywords)
  | "KW" // a keyword; `text` holds it
  | "NUMBER"
  | "PORTBINARY" // `><` or `<>`
  | "NE" // !=
  | "LE" // <=
  | "GE" // >=
  | "CHAR" // any other single character: { } ( ) < > ! = , / - ;
  | "NL"
  | "EOF"
  | "ERROR"; // the lexer already reported a problem and skipped to the end of the line

export interface Token {
  type: TokType;
  text: string;
  /** pfctl's yylval.lineno for this token: the line it was read on (a NL token: the line it ends). */
  line: number;
  /** 1-based column of the token's first character (of the `$` for macro text). */
  col: number;
  num?: number;
  op?: PfPortOp;
}

const START_EXPAND = "\u0001";
const DONE_EXPAND = "\u0002";
const EOF = "";

function isAlnum(c: string): boolean {
  if (c.length !== 1) return false;
  const x = c.charCodeAt(0);
  return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122);
}
function isDigit(c: string): boolean {
  return c.length === 1 && c >= "0" && c <= "9";
}
function isPunct(c: string): boolean {
  if (c.length !== 1) return false;
  const x = c.charCodeAt(0);
  return x > 32 && x < 127 && !isAlnum(c);
}
function allowedInString(c: string): boolean {
  return isAlnum(c) || (isPunct(c) && !"(){}<>!=/#,".includes(c));
}
function allowedToEndNumber(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v" ||
    c === ")" || c === "," || c === "/" || c === "}" || c === "=";
}

export class PfLexer {
  private pos = 0;
  private lineStart = 0;
  /** Column of the last newline read. */
  private nlCol = 1;
  private unget: string[] = [];
  private expanding = false;
  private eofReached = false;
  /** pfctl's file->lineno. */
  lineno = 1;
  /** Line recorded for the token being read (yylval.lineno). */
  private tokLine = 1;
  /** Column of the `$` while macro text is being read, else undefined. */
  private macroCol: number | undefined;
  constructor(
    private readonly src: string,
    private readonly macros: Map<string, string>,
    private readonly report: (line: number, col: number, message: string) => void,
  ) {}

  /** Column of the character read last (the macro's column while macro text is being read). */
  private col(): number {
    return this.macroCol ?? Math.max(1, this.pos - this.lineStart);
  }

  private igetc(): string {
    for (;;) {
      let c: string;
      if (this.unget.length > 0) c = this.unget.pop() as string;
      else if (this.pos < this.src.length) {
        c = this.src[this.pos++];
        if (c === "\n") {
          this.nlCol = this.pos - this.lineStart;
          this.lineStart = this.pos;
        }
      } else c = EOF;
      if (c === START_EXPAND) this.expanding = true;
      else if (c === DONE_EXPAND) {
        this.expanding = false;
        this.macroCol = undefined;
      } else return c;
    }
  }

  private lgetc(quoted: boolean): string {
    if (quoted) return this.igetc();
    let c: string;
    while ((c = this.igetc()) === "\\") {
      const next = this.igetc();
      if (next !== "\n") {
        c = next;
        break;
      }
      this.tokLine = this.lineno;
      this.lineno++;
    }
    if (c === EOF) {
      if (!this.eofReached) {
        this.eofReached = true;
        this.nlCol = this.pos - this.lineStart + 1;
        return "\n";
      }
    }
    return c;
  }

  private lungetc(c: string): void {
    if (c !== EOF) this.unget.push(c);
  }

  /** yylex's buffer is full: "string too long", and the rest of the line is gone (findeol). */
  private tooLong(col: number): Token {
    this.error("string too long", col);
    return this.findeol(col);
  }

  private findeol(col: number): Token {
    for (;;) {
      const c = this.lgetc(false);
      if (c === "\n") {
        this.lineno++;
        break;
      }
      if (c === EOF) break;
    }
    // yyerror prints yylval.lineno, which lgetc moved to each continuation's line on the way
    return { type: "ERROR", text: "", line: this.tokLine, col };
  }

  private error(message: string, col: number): void {
    this.report(this.tokLine, col, message);
  }

  next(): Token {
    for (;;) {
      let c: string;
      while ((c = this.lgetc(false)) === " " || c === "\t");
      this.tokLine = this.lineno;
      let col = c === "\n" && this.macroCol === undefined ? this.nlCol : this.col();
      if (c === "#") {
        // the comment swallows the rest of the line, and the next ones while it ends with `\`;
        // the newline that ends it is placed on its own (last physical) line
        while ((c = this.lgetc(false)) !== "\n" && c !== EOF);
        if (c === "\n" && this.macroCol === undefined) col = this.nlCol;
      }
      if (c === "$" && !this.expanding) {
        const dollarLine = this.lineno;
        let name = "";
        for (;;) {
          const d = this.lgetc(false);
          if (d === EOF) return { type: "EOF", text: "", line: this.tokLine, col };
          if (name.length + 1 >= LEX_BUF - 1) return this.tooLong(col);
          if (isAlnum(d) || d === "_") {
            name += d;
            continue;
          }
          this.lungetc(d);
          break;
        }
        const val = this.macros.get(name);
        if (val === undefined) {
          this.error(`macro '${name}' not defined`, col);
          return this.findeol(col);
        }
        this.lungetc(DONE_EXPAND);
        for (let i = val.length - 1; i >= 0; i--) this.lungetc(val[i]);
        this.lungetc(START_EXPAND);
        // the macro's tokens are placed at its `$`, or at the start of the line its name was continued onto
        this.macroCol = this.lineno === dollarLine ? col : 1;
        continue;
      }
      return this.token(c, col);
    }
  }

  private token(first: string, col: number): Token {
    let c = first;
    const line = this.tokLine;
    if (c === "'" || c === '"') {
      const quote = c;
      let buf = "";
      for (;;) {
        c = this.lgetc(true);
        if (c === EOF) {
          this.error("reached end of file while parsing quoted string", col);
          return { type: "EOF", text: "", line, col };
        }
        if (c === "\n") {
          this.lineno++;
          continue;
        } else if (c === "\\") {
          const next = this.lgetc(true);
          if (next === EOF) return { type: "EOF", text: "", line, col };
          if (next === quote || next === " " || next === "\t") c = next;
          else if (next === "\n") {
            this.lineno++;
            continue;
          } else this.lungetc(next);
        } else if (c === quote) break;
        if (buf.length + 1 >= LEX_BUF - 1) return this.tooLong(col);
        buf += c;
      }
      return { type: "STRING", text: buf, line, col };
    }
    if (c === "!") {
      const next = this.lgetc(false);
      if (next === "=") return { type: "NE", text: "!=", line, col };
      this.lungetc(next);
    } else if (c === "<") {
      const next = this.lgetc(false);
      if (next === ">") return { type: "PORTBINARY", text: "<>", op: "<>", line, col };
      if (next === "=") return { type: "LE", text: "<=", line, col };
      this.lungetc(next);
    } else if (c === ">") {
      const next = this.lgetc(false);
      if (next === "<") return { type: "PORTBINARY", text: "><", op: "><", line, col };
      if (next === "=") return { type: "GE", text: ">=", line, col };
      this.lungetc(next);
    }
    if (c === "-" || isDigit(c)) {
      let buf = "";
      do {
        buf += c;
        if (buf.length >= LEX_BUF) return this.tooLong(col);
      } while ((c = this.lgetc(false)) !== EOF && isDigit(c));
      this.lungetc(c);
      let isNumber = !(buf === "-");
      if (isNumber && (c === EOF || allowedToEndNumber(c))) {
        // yylex: strtonum(buf, LLONG_MIN, LLONG_MAX); out of range is an error and the rest of the line is gone
        const range = llongRange(buf);
        if (range) {
          this.error(`"${buf}" invalid number: ${range}`, col);
          return this.findeol(col);
        }
        return { type: "NUMBER", text: buf, num: Number(buf), line, col };
      }
      for (let i = buf.length - 1; i >= 1; i--) this.lungetc(buf[i]);
      c = buf[0];
      isNumber = false;
      if (c === "-") return { type: "CHAR", text: "-", line, col };
    }
    if (isAlnum(c) || c === ":" || c === "_") {
      let buf = "";
      do {
        buf += c;
        if (buf.length >= LEX_BUF) return this.tooLong(col);
      } while ((c = this.lgetc(false)) !== EOF && allowedInString(c));
      this.lungetc(c);
      if (PF_KEYWORDS.has(buf)) return { type: "KW", text: buf, line, col };
      return { type: "STRING", text: buf, line, col };
    }
    if (c === "\n") {
      const l = this.lineno;
      this.lineno++;
      return { type: "NL", text: "\n", line: l, col };
    }
    if (c === EOF) return { type: "EOF", text: "", line, col };
    return { type: "CHAR", text: c, line, col };
  }
}
