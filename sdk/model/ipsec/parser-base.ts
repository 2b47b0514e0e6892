/**
 * The ipsec.conf parser's token stream and clauses (protocols, ids, transforms, lifetimes; hosts, ports, endpoints
 * and peers: parser-hosts.ts), shared by the statement and rule parsers in parser.ts. Problems are collected, never
 * thrown.
 */
import { resolveProtocol } from "./address";
import { Lexer, type LexError, type Token } from "./lexer";
import { asciiToken } from "../tokens/refusal";
import { NULL_XF_NAMES, resolveTransform, transformNames, type TransformKind } from "./transforms";
import type { IkePhase, IpProtocol, SaRule } from "./types";
import type { ParsedItem, ParseOptions, ParseProblem } from "./parse-problem";

export { problemDiagnostic, problemMessage, type ParsedItem, type ParseOptions, type ParseProblem } from "./parse-problem";

/** C's `int` of a decimal number read by strtol/strtoll (clamped to 64 bits), i.e. its low 32 bits, signed. */
function cInt(digits: string): number {
  const max = (1n << 63n) - 1n;
  let v = BigInt(digits);
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return Number(BigInt.asIntN(32, v));
}

/**
 * byacc's parse stack filled up at `token` (`yacc stack overflow`): OpenBSD's skeleton holds YYMAXDEPTH = 10000 states
 * and each level of a nested host list (`{ { … } }`) takes one. yyparse aborts: ipsecctl reads no further.
 */
export class YaccOverflow {
  constructor(readonly token: Token) {}
}

/**
 * How deep host lists may nest: measured with ipsecctl (`flow esp from {…{ 10.0.0.1 }…} to …` parses at 9991 levels,
 * overflows at 9992; a rule that starts otherwise has a few states more or less on the stack).
 */
export const MAX_HOST_LIST_NESTING = 9991;

export class SyntaxError_ {
  /** `secret`: the token may be a key or PSK, never echo it. */
  constructor(
    readonly token: Token,
    readonly secret = false,
  ) {}
}

export const SATYPE_WORDS = new Set(["esp", "ah", "ipcomp", "ipip"]);
/** ipsecctl.h's satype numbers, printed by ike.c's `illegal satype N`. */
export const SATYPE_NUMBER: Readonly<Record<string, number>> = { ipcomp: 3, ipip: 5 };
export const FLOW_TYPES = new Set(["use", "acquire", "require", "deny", "bypass", "dontacq"]);


export abstract class ParserBase {
  readonly items: ParsedItem[] = [];
  protected lexer!: Lexer;
  protected buffered: Token[] = [];
  protected problems: ParseProblem[] = [];
  protected fieldTokens = new Map<string, Token>();
  protected depth = 0;
  /** yyparse aborted (a {@link YaccOverflow}): nothing after it is read, in this file or those including it. */
  protected stopped = false;
  /** auth/enc written as `none`/`unknown` in an ike rule's main or quick mode (see transforms()). */
  protected nullXfs: { field: string; name: string; tok: Token }[] = [];
  /** An ike rule's satype isakmpd cannot negotiate (ipcomp, ipip): a generation error, as ike.c reports it. */
  protected badSatype: { tok: Token; number: number } | undefined;
  /** A flow's `(NATSRC)`: refused by the model, after parse.y's own checks of the rule. */
  protected natSrc: Token | undefined;

  constructor(
    protected readonly macros: Map<string, string>,
    protected readonly opts: ParseOptions,
  ) {}

  protected lexError(e: LexError): void {
    this.problems.push({ file: e.file, line: e.line, column: e.column, ipsecctlLine: e.line, ipsecctlColumn: e.column, text: e.text, effect: "hard" });
  }

  /** What the lexer reported as it made a token (`macro 'x' not defined` before its ERROR), by token. */
  protected lexedProblems = new Map<Token, ParseProblem[]>();

  protected peek(n = 0): Token {
    while (this.buffered.length <= n) {
      const before = this.problems;
      const count = before.length;
      const t = this.lexer.next();
      if (this.problems === before && before.length > count) this.lexedProblems.set(t, before.slice(count));
      this.buffered.push(t);
    }
    return this.buffered[n]!;
  }

  /** byacc's yyerrflag: 3 after a syntax error, one less for every token shifted (see ParseProblem.quiet). */
  protected errflag = 0;
  /**
   * The last token {@link next} returned is not yet known to be shifted: it is once the parser reads on, while the
   * token a syntax error is found at is never shifted (error recovery resets this).
   */
  protected unshifted = false;

  /**
   * A syntax error at `e.token`: reported (quiet while byacc's yyerrflag is up), then parse.y's `grammar error '\n'`
   * recovery: the rest of the line discarded, its newline shifted.
   */
  protected recover(e: SyntaxError_): void {
    const what = e.token.kind === "eof" ? "end of file" : e.token.kind === "nl" ? "end of line" : e.token.kind === "error" ? "end of line (the rest of the line is dropped after an undefined macro)" : e.secret ? "value (not shown: it may be a secret)" : asciiToken(e.token.text);
    this.shiftedBefore(e.token);
    const quiet = this.errflag > 0 || this.actionFailed;
    this.problem(e.token, "hard", "syntax error", undefined, e.token.kind === "eof" || e.token.kind === "nl" || e.token.kind === "error" || e.secret ? `unexpected ${what}` : `unexpected \`${what}\``);
    if (quiet) this.problems[this.problems.length - 1]!.quiet = true;
    // error recovery as parse.y's `grammar error '\n'`: skip to the end of the line (discarded, not shifted),
    // then shift the newline
    let t = e.token;
    // the error found at the newline itself (only looked at): it is the one recovery shifts (errflag 2 below)
    if (t.kind === "nl" && t !== this.lastNext) this.next();
    while (t.kind !== "nl" && t.kind !== "eof") t = this.next();
    this.errflag = 2;
    this.unshifted = false;
    this.items.push({ kind: "dropped", problems: this.problems });
    // recorded: a lookahead left unread (the end of the file) must not bring them back
    this.problems = [];
  }

  /** The token {@link next} returned last. */
  protected lastNext: Token | undefined;

  protected next(): Token {
    if (this.unshifted && this.errflag > 0) this.errflag--;
    this.unshifted = true;
    const t = this.peek();
    this.buffered.shift();
    this.lastNext = t;
    return t;
  }

  /**
   * A syntax error found at `bad`: when `bad` is only the lookahead, the token before it was shifted (yacc shifts a
   * token before it reads the next one), and counts towards the three that end error recovery.
   */
  protected shiftedBefore(bad: Token): void {
    if (this.unshifted && bad !== this.lastNext && this.errflag > 0) this.errflag--;
    this.unshifted = false;
  }

  protected isKw(word: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === "keyword" && t.text === word;
  }

  protected accept(word: string): Token | undefined {
    return this.isKw(word) ? this.next() : undefined;
  }

  protected expectKw(word: string): Token {
    const t = this.next();
    if (t.kind !== "keyword" || t.text !== word) throw new SyntaxError_(t);
    return t;
  }

  protected expectString(allowNumber = false): Token {
    const t = this.next();
    if (t.kind === "string" || (allowNumber && t.kind === "number")) return t;
    throw new SyntaxError_(t);
  }

  /** Records a problem at `tok`; `lookahead` is the token ipsecctl has read when it reports it (default `tok`). */
  /**
   * A grammar action of this statement refused it (YYERROR, a `hard` problem before the rule's end): byacc then
   * discards the rest of the line without running another action, so what this parser still finds there is quiet.
   */
  protected actionFailed = false;
  /** The rule's end was reached: its checks are create_*()'s at the reduction, not the parse's. */
  protected finishing = false;

  protected problem(tok: Token, effect: ParseProblem["effect"], text: string, field?: string, hint?: string, lookahead: Token = tok): void {
    const at = lookahead.line === tok.line ? tok : lookahead;
    this.problems.push({ file: tok.file, line: tok.line, column: tok.column, ipsecctlLine: at.line, ipsecctlColumn: at.column, text, field, hint, effect, ...(this.actionFailed && !this.finishing ? { quiet: true } : {}) });
    if (effect === "hard" && !this.finishing) this.actionFailed = true;
  }

  protected mark(field: string, tok: Token): void {
    if (!this.fieldTokens.has(field)) this.fieldTokens.set(field, tok);
  }

  /** Parses one statement, recording it (or why it was dropped) in {@link items}. */
  protected proto(): IpProtocol | undefined {
    if (!this.accept("proto")) return undefined;
    const t = this.next();
    this.mark("proto", t);
    if (t.kind !== "string" && t.kind !== "number" && !(t.kind === "keyword" && (t.text === "esp" || t.text === "ah"))) throw new SyntaxError_(t);
    // protoval: a NUMBER is range-checked; a STRING is looked up by name only (getprotobyname), so digits that are no
    // NUMBER token (`"88"` quoted, or `88#` run into a comment) are an unknown protocol
    if (t.kind === "number" && !(Number(t.text) >= 0 && Number(t.text) <= 255)) {
      this.problem(t, "hard", "protocol outside range", "proto", `${t.text}: a protocol number is 0-255`);
      return 0;
    }
    const p = t.kind !== "number" && /^\d+$/.test(t.text) ? undefined : resolveProtocol(t.text);
    if (p === undefined) {
      this.problem(t, "hard", `unknown protocol: ${t.text}`, "proto", "an /etc/protocols name or a number 0-255");
      return 0;
    }
    return p;
  }

  protected ids(r: { srcid?: string; dstid?: string }): void {
    if (this.accept("srcid")) {
      const t = this.expectString(true);
      this.mark("srcid", t);
      r.srcid = t.text;
    }
    if (this.accept("dstid")) {
      const t = this.expectString(true);
      this.mark("dstid", t);
      r.dstid = t.text;
    }
  }

  /** auth/enc/group (and comp) transforms in any order, then `lifetime`. */
  protected transforms(prefix: string, target: IkePhase | SaRule, allowComp: boolean, allowGroup: boolean): void {
    for (;;) {
      const t = this.peek();
      if (t.kind !== "keyword") return;
      const kind = ({ auth: "auth", enc: "enc", comp: "comp", group: "group" } as Record<string, TransformKind | undefined>)[t.text];
      if (!kind || (kind === "comp" && !allowComp) || (kind === "group" && !allowGroup)) return;
      this.next();
      const v = this.expectString();
      const field = prefix ? `${prefix}.${kind}` : kind;
      this.mark(field, v);
      // `transform: ENCXF STRING` is reduced as soon as the word is read: its messages are on the word's line
      const rec = target as Record<string, unknown>;
      if (rec[kind] !== undefined) {
        this.problem(v, "soft", `${kind} already set`, field, "give each transform once");
        continue;
      }
      const resolved = resolveTransform(kind, v.text);
      const nullName = kind === "auth" || kind === "enc" ? NULL_XF_NAMES.find((n) => n.startsWith(v.text)) : undefined;
      if (resolved === undefined && nullName !== undefined && prefix !== "") {
        // parse.y's tables start with `unknown` and `none`, found by prefix like any other name: the rule
        // parses and isakmpd's configuration cannot be generated (ike.c: `illegal transform none`).
        this.nullXfs.push({ field, name: nullName, tok: v });
        rec[kind] = null;
        continue;
      }
      if (resolved === undefined && nullName !== undefined) {
        // a manual SA keeps the table's `unknown`/`none` (validate_sa: `auth none` needs no key, the others can have none)
        rec[kind] = nullName;
        continue;
      }
      if (resolved === undefined) {
        this.problem(v, "soft", `${v.text} not a valid transform`, field, `one of ${transformNames(kind).join(", ")}`);
        continue;
      }
      rec[kind] = resolved;
    }
  }

  protected lifetime(field: string, target: IkePhase): void {
    if (!this.accept("lifetime")) return;
    const t = this.next();
    this.mark(field, t);
    // ipsec_lifetime's lt_seconds is a C int: the value (64 bits in the lexer, strtol in sscanf) keeps its low 32 bits
    if (t.kind === "number") {
      target.lifetime = cInt(t.text);
      return;
    }
    if (t.kind !== "string") throw new SyntaxError_(t);
    // parse_life(): sscanf(value, "%d%c"): white space, a signed number, then one character (any: `10mx` is 10m)
    const m = /^[ \t\n\v\f\r]*([+-]?\d+)([\s\S])?/.exec(t.text);
    const hint = "seconds, or a number with suffix m or h";
    if (!m) {
      this.problem(t, "fatal", `invalid time specification: ${t.text}`, field, hint);
      return;
    }
    const unit = m[2]?.toLowerCase();
    if (unit !== undefined && unit !== "m" && unit !== "h") {
      this.problem(t, "fatal", "invalid time unit", field, hint);
      return;
    }
    target.lifetime = Math.imul(cInt(m[1]!), unit === "h" ? 3600 : unit === "m" ? 60 : 1);
  }

  // ---- rules ----------------------------------------------------------------------------------

}
