/**
 * Tokeniser of ipsec.conf, following ipsecctl parse.y's yylex:
 * - `#` starts a comment to the end of the line; `\` before a newline joins lines;
 * - outside quotes a `\` before any other character is dropped and that character taken as it is read (lgetc(0)):
 *   `a\\b` is the word `a\b`, `\peer` the keyword `peer`, `a\ b` two words; a `\` that ends the file ends the input;
 * - `"…"`/`'…'` are quoted strings (no macro expansion, never keywords);
 * - `-?[0-9]+` followed by white space, `)`, `,`, `/`, `}`, `=` or the end is a NUMBER;
 * - `( ) { } , = / < > !` are single-character tokens; anything else up to one of them or a space is a STRING;
 * - `$name` at the start of a token is replaced by the macro's value, which is tokenised again (a `$` in it is a
 *   character of its own: no macro in a macro);
 * - unquoted words of the keyword table are keywords.
 */
import { llongRange } from "../strtonum";

/** Keyword table of ipsecctl parse.y (complete, reference A.1.1). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "acquire", "active", "aggressive", "ah", "any", "auth", "authkey", "bundle", "bypass", "comp", "deny",
  "dontacq", "dstid", "dynamic", "enc", "enckey", "esp", "file", "flow", "from", "group", "ike", "in",
  "include", "interface", "ipcomp", "ipip", "lifetime", "local", "main", "out", "passive", "peer", "port",
  "proto", "psk", "quick", "require", "rsa", "spi", "srcid", "tag", "tcpmd5", "to", "transport", "tunnel",
  "type", "udpencap", "use",
]);

/** A token with its 1-based position. */
export interface Token {
  /** `error`: yylex's ERROR after an undefined macro (findeol() has skipped the rest of the line, newline included). */
  kind: "string" | "number" | "keyword" | "punct" | "nl" | "eof" | "error";
  text: string;
  /** Quoted string (never a keyword, never a number). */
  quoted?: boolean;
  file: string;
  line: number;
  column: number;
}

/** A lexing problem (unterminated quote, undefined macro). */
export interface LexError {
  file: string;
  line: number;
  column: number;
  text: string;
}

const PUNCT = new Set(["(", ")", "{", "}", ",", "=", "/", "<", ">", "!"]);
/** A run of word characters (a backslash is handled separately: it may start a line continuation). */
// (allowed_in_string: letters, digits and punctuation but ( ) { } < > ! = / # , — so a quote inside a word,
// as in `psk k"x`, is part of it. In the C locale ipsecctl runs in, isalnum() and ispunct() are false for every
// byte above 0x7f: a letter outside ASCII, or a Unicode space, ends the word and is a token of its own, which no rule
// accepts — `tag café` is a syntax error)
const WORD = /[^\x00-\x20\x7f-\uffff(){},=\/<>!#\\]+/y;
/** One character allowed_in_string() takes into a word (an escaped character read by lgetc included). */
const IN_WORD = /^[^\x00-\x20\x7f-\uffff(){},=\/<>!#]$/;
const ENDS_NUMBER = new Set([" ", "\t", "\n", "\r", "\f", "\v", ")", ",", "/", "}", "="]);

/** Tokenises one file. Macros are looked up at the moment a `$name` is read, so definitions apply to later lines. */
export class Lexer {
  private pos = 0;
  private line = 1;
  /** The line of the last line continuation skipped (yylval.lineno after one). */
  private contLine = 0;
  private col = 1;
  private readonly pending: Token[] = [];

  constructor(
    private readonly text: string,
    readonly file: string,
    private readonly macros: Map<string, string>,
    private readonly onError: (e: LexError) => void,
    private readonly onMacroUse: (name: string) => void = () => {},
    private readonly depth = 0,
  ) {}

  /** Current line (the line of the character about to be read). */
  get currentLine(): number {
    return this.line;
  }

  /**
   * The next character as lgetc(0) reads it outside quotes: a backslash-newline pair is a line continuation,
   * skipped (only a backslash right before the newline; `\` CR LF is not one); a backslash before any other
   * character is dropped and that character returned as it is; a backslash at the end of the file is the end.
   */
  private peekChar(): string | undefined {
    const c = this.text[this.pos];
    if (c !== "\\") return c;
    while (this.text[this.pos] === "\\" && this.text[this.pos + 1] === "\n") {
      this.contLine = this.line;
      this.pos += 2;
      this.line++;
      this.col = 1;
    }
    return this.text[this.pos] === "\\" ? this.text[this.pos + 1] : this.text[this.pos];
  }

  /** Reads the character {@link peekChar} shows (two characters of the text when it was escaped). */
  private nextChar(): string | undefined {
    const c = this.peekChar();
    if (c === undefined) {
      this.pos = this.text.length;
      return undefined;
    }
    const width = this.text[this.pos] === "\\" ? 2 : 1;
    this.pos += width;
    if (c === "\n" && width === 1) {
      this.line++;
      this.col = 1;
    } else this.col += width;
    return c;
  }

  /** The next character as it is in the text (lgetc(quotec) inside a quoted string: no escapes, no continuations). */
  private rawChar(): string | undefined {
    const c = this.text[this.pos];
    if (c === undefined) return undefined;
    this.pos++;
    if (c === "\n") {
      this.line++;
      this.col = 1;
    } else this.col++;
    return c;
  }

  /** Reads the next token. */
  next(): Token {
    const p = this.pending.shift();
    if (p) return p;
    for (;;) {
      const c = this.peekChar();
      if (c === undefined) return this.tok("eof", "", this.line, this.col);
      // yylex skips only blanks and tabs: a CR (a file saved with CRLF line ends), FF or VT is a token of its
      // own, which no rule accepts (`syntax error`)
      if (c === " " || c === "\t") {
        this.nextChar();
        continue;
      }
      if (c === "#") {
        // lgetc runs a `\`-continuation inside a comment too (the comment goes on on the next line), and leaves
        // yylval.lineno on the line before it: the end of the file right after such a comment is reported there
        const cont = this.contLine;
        while (this.peekChar() !== undefined && this.peekChar() !== "\n") this.nextChar();
        if (this.peekChar() === undefined && this.contLine !== cont) return this.tok("eof", "", this.contLine, this.col);
        continue;
      }
      const line = this.line;
      const column = this.col;
      if (c === "\n") {
        this.nextChar();
        return this.tok("nl", "\n", line, column);
      }
      if (c === '"' || c === "'") return this.quoted(c, line, column);
      if (PUNCT.has(c) || c === "\r" || c === "\f" || c === "\v") {
        this.nextChar();
        return this.tok("punct", c, line, column);
      }
      // yylex expands `$name` only outside an expansion (`parsebuf == NULL`): in a macro's value `$` is a character
      // of its own, which no rule accepts
      if (c === "$" && this.depth > 0) {
        this.nextChar();
        return this.tok("punct", c, line, column);
      }
      if (c === "$") {
        const t = this.macro(line, column);
        if (t) return t;
        continue;
      }
      return this.word(c, line, column);
    }
  }

  /** A quoted string, its opening quote `q` next (yylex's quoted-string loop). */
  private quoted(q: string, line: number, column: number): Token {
    this.nextChar();
    let s = "";
    // yylex: a quoted string may span lines (the newline is dropped); `\` before the quote, a blank or a
    // tab is that character, before a newline nothing; the end of the file inside it is an error and ends
    // the input (yylex returns 0, so the rule is cut short: `syntax error` on the same line)
    for (;;) {
      const d = this.rawChar();
      if (d === undefined) {
        this.onError({ file: this.file, line, column, text: "reached end of file while parsing quoted string" });
        this.pos = this.text.length;
        return this.tok("eof", "", line, column);
      }
      if (d === "\n") continue;
      if (d === q) break;
      if (d === "\\") {
        const n = this.text[this.pos];
        if (n === q || n === " " || n === "\t") {
          s += this.rawChar();
          continue;
        }
        // yylex: a backslash-newline inside quotes is dropped (the line counts on; yylval.lineno does not move)
        if (n === "\n") {
          this.rawChar();
          continue;
        }
      }
      s += d;
    }
    const t = this.tok("string", s, line, column);
    t.quoted = true;
    return t;
  }

  /** A `$name` macro use, `$` next: its expansion's first token (the others pending), or undefined when there is none. */
  private macro(line: number, column: number): Token | undefined {
    this.nextChar();
    let name = "";
    while (/[A-Za-z0-9_]/.test(this.peekChar() ?? "")) name += this.nextChar();
    // yylex reads the name with lgetc until a character ends it; the file's end instead returns 0, the end of the
    // input: a `$NAME` the file ends with (no newline after it) is dropped, defined or not
    if (this.peekChar() === undefined && this.depth === 0) return this.tok("eof", "", line, column);
    const value = this.macros.get(name);
    if (value === undefined) {
      // yylex: yyerror, then findeol(): the rest of the line, its newline too, is gone; ERROR is returned
      this.onError({ file: this.file, line, column, text: `macro '${name}' not defined` });
      return this.findeol(line, column);
    }
    this.onMacroUse(name);
    const sub = new Lexer(value, this.file, this.macros, (e) => this.onError({ ...e, line, column }), this.onMacroUse, this.depth + 1);
    for (let t = sub.next(); t.kind !== "eof"; t = sub.next()) {
      if (t.kind === "nl") continue;
      this.pending.push({ ...t, line, column });
    }
    return this.pending.shift();
  }

  /**
   * yylex's findeol() after an error: the rest of the line, its newline too, is gone; ERROR stands where yyerror's
   * yylval.lineno ended up: the token's line, or the line of the last continuation (`\` newline) skipped on the way.
   */
  private findeol(line: number, column: number): Token {
    this.contLine = line;
    for (let d = this.nextChar(); d !== undefined && d !== "\n"; d = this.nextChar());
    this.pending.length = 0;
    return this.tok("error", "", this.contLine, column);
  }

  /** A word or a number (or a character no rule accepts), starting at `c`. */
  private word(c: string, line: number, column: number): Token {
    // yylex starts a word only at a letter, digit, `:`, `_` or `*` (a number at `-` and digits); any other
    // character is a token of its own, which no rule accepts (`srcid @fqdn` unquoted, `.5`)
    if (!/[A-Za-z0-9:_*]/.test(c)) {
      const num = /-\d+/y;
      num.lastIndex = this.pos;
      const m = c === "-" ? num.exec(this.text) : null;
      const after = m ? this.text[this.pos + m[0].length] : undefined;
      if (!m || !(after === undefined || ENDS_NUMBER.has(after))) {
        this.nextChar();
        return this.tok("punct", c, line, column);
      }
    }
    let word = "";
    for (;;) {
      WORD.lastIndex = this.pos;
      const m = WORD.exec(this.text);
      if (m) {
        word += m[0];
        this.pos += m[0].length;
        this.col += m[0].length;
      }
      // a backslash: a line continuation inside the word, or an escaped character, which goes on the word when
      // allowed_in_string() takes it; otherwise lgetc's character is pushed back unescaped and ends the word
      if (this.text[this.pos] !== "\\") break;
      const d = this.peekChar();
      if (d === undefined || !IN_WORD.test(d)) break;
      word += this.nextChar();
    }
    // every character is a word character, white space or handled above, so a word is never empty;
    // keep the lexer moving on whatever this may have missed
    if (word === "") word = this.nextChar() ?? "";
    if (/^-?\d+$/.test(word) && (this.peekChar() === undefined || ENDS_NUMBER.has(this.peekChar()!))) {
      // yylex: strtonum(buf, LLONG_MIN, LLONG_MAX); out of range is an error and the rest of the line is gone
      const range = llongRange(word);
      if (range) {
        this.onError({ file: this.file, line, column, text: `"${word}" invalid number: ${range}` });
        return this.findeol(line, column);
      }
      return this.tok("number", word, line, column);
    }
    return this.tok(KEYWORDS.has(word) ? "keyword" : "string", word, line, column);
  }

  private tok(kind: Token["kind"], text: string, line: number, column: number): Token {
    return { kind, text, file: this.file, line, column };
  }
}
