/**
 * pf.conf parser (see parser.ts), part 1: options and output types, pfctl's token helpers and the error
 * reporting every part shares.
 */
import type { Diagnostic } from "../diagnostics";
import { type ExpandContext } from "./expand";
import { PfLexer, type Token } from "./lexer";
import { QueueRegistry } from "./queues";
import { renderTable } from "./render";
import type { PfHost, PfInterface, PfRule, PfRuleset, PfStatement } from "./types";
import { emptyPfRuleset } from "./types";

/** Options of {@link parsePf}. */
export interface PfParseOptions {
  /**
   * The host's interfaces. When given, bare interface names (`from em1`, `$ext_if`) must exist and
   * have addresses, exactly as pfctl requires at load time; without it any name is accepted.
   */
  interfaces?: readonly PfInterface[];
  /** Print parse-time echo lines as `pfctl -v` does (macros, `set skip`, tables). Default true. */
  verbose?: boolean;
  /**
   * Reads a file the pf.conf names, by the path as written: a table's `file "PATH"` and an `include "PATH"`
   * (undefined when it cannot be read; `{ error }` carries why, strerror, e.g. `Is a directory`). pfctl -n loads
   * table files: a missing one fails with `cannot load "PATH": …`, a bad entry with `file "PATH" contains bad data`
   * (./table-file); an include it cannot open fails with `failed to include file PATH`. Without it table files are
   * not checked and an include fails (lintPf passes its file reader, the lab's pfctl the gateway's files).
   */
  readFile?: (path: string) => string | { error: string } | undefined;
  /**
   * The anchor the file is loaded into (`pfctl -a NAME`; empty or absent: the main ruleset). Queues can only
   * be defined in the main ruleset, and only there are queue trees checked and printed.
   */
  anchor?: string;
  /**
   * Queues (with a parent) the main ruleset loaded in the same pfctl run defined: a `load anchor` file may
   * assign them (pfctl_load_anchors runs before the queue list is cleared). See {@link PfParseOutput.queueNames}.
   */
  knownQueues?: readonly string[];
  /** The host's user and group ids by name (pfctl's uid_from_user/gid_from_group); without it names stay names. */
  userId?: (name: string) => number | undefined;
  groupId?: (name: string) => number | undefined;
  /**
   * `pfctl -D NAME=VALUE` macros: defined before the file is read, and kept when the file defines the same name
   * (symset's persist: the file's definition is echoed, its value unused).
   */
  defines?: Readonly<Record<string, string>>;
}

/** Everything pfctl's parser produces for one file. */
export interface PfParseOutput {
  ruleset: PfRuleset;
  /** Canonical rules in file order (what `-o none` loads); complete only without errors. */
  loaded: PfRule[];
  /** Lines `pfctl -nv` prints on stdout while parsing (macros, `set skip on { … }`, tables). */
  echo: string[];
  /** Tables add_opt_table() began while parsing (pool lists): the optimizer's own are numbered after them. */
  autoTables?: number;
  /** The queue trees as `pfctl -nv` prints them once the file parsed (before the rules); main ruleset only. */
  queues: string[];
  /** The names rules may assign (queues with a parent), for the `load anchor` files of the same load. */
  queueNames: string[];
  /**
   * How pfctl stopped when the file parsed but its queue trees did not load: `errx` (it exits at once with its
   * `pfctl: …` line) or `unloadable` (the leaf check: `Unable to load queues into kernel` unless -n).
   */
  queueFailure?: "errx" | "unloadable";
  /** pfctl stopped in the middle of the file with errx() (its `pfctl: …` line is the last of {@link stderr}). */
  errx?: boolean;
  /** Lines pfctl prints on stderr, in its words (`FILE:LINE: syntax error`). */
  stderr: string[];
  diagnostics: Diagnostic[];
  /** pfctl's error count; the file is rejected when > 0. */
  errors: number;
  /**
   * The file's `load anchor NAME from "FILE"` statements with their line, in file order: pfctl loads
   * each FILE into anchor NAME once the whole file parsed (pfctl.c pfctl_load_anchors).
   */
  loads: { name: string; file: string; line: number }[];
}

export class Fail {
  constructor(readonly tok: Token, readonly semantic: boolean) {}
}

/** pfctl's errx(): the parse ends at once, nothing after it is read or printed. */
export class Errx {
  constructor(readonly message: string) {}
}

/**
 * byacc's parse stack filled up (`yacc stack overflow`): OpenBSD's skeleton holds YYMAXDEPTH = 10000 states, and each
 * level of a nested list (`{ { … } }`) takes two. yyparse aborts: pfctl reads no further and loads nothing.
 */
export class YaccOverflow {}

/**
 * How deep lists may nest in pf.conf: measured with pfctl (`pass in from {…{ 10.0.0.1 }…}` parses at 4994 levels and
 * overflows at 4995; other statements start with a few states more or less on the stack, ±6 levels).
 */
export const MAX_LIST_NESTING = 4994;

/** Valid pf rule options outside the model (see the header): refused with a message naming them. */
export const UNSUPPORTED_RULE_OPTS = new Set(["os"]);

/** The words a filter option starts with (parse.y filter_opt): with `!`, a newline or `{`, what may follow a rule's `to`. */
export const FILTER_OPT_WORDS: ReadonlySet<string> = new Set([
  "user", "group", "flags", "icmp-type", "icmp6-type", "tos", "no", "keep", "modulate", "synproxy", "fragment", "allow-opts",
  "label", "queue", "tag", "tagged", "set", "prio", "max-pkt-rate", "probability", "rtable", "divert-to", "divert-reply",
  "divert-packet", "scrub", "nat-to", "af-to", "rdr-to", "binat-to", "route-to", "reply-to", "dup-to", "received-on", "once",
]);

/** How deep includes nest before pushfile fails (pfctl itself stops when it runs out of descriptors). */
const MAX_INCLUDE_DEPTH = 64;
export const SUPPORTED_RULE_OPTS = "flags, keep state, no state, modulate state, synproxy state, icmp-type, icmp6-type, scrub, tag, tagged, label, nat-to [static-port], rdr-to, binat-to, af-to, queue, set queue, route-to, reply-to, dup-to, received-on, prio, tos, set prio, set tos, set delay, max-pkt-rate, probability, divert-to, divert-reply, divert-packet, once, fragment, allow-opts, rtable";

/** map_tos() words (parse.y): DiffServ code points and the old ToS names. */
export const TOS_WORDS: Readonly<Record<string, number>> = {
  af11: 0x28, af12: 0x30, af13: 0x38, af21: 0x48, af22: 0x50, af23: 0x58, af31: 0x68, af32: 0x70, af33: 0x78,
  af41: 0x88, af42: 0x90, af43: 0x98, critical: 0xa0, cs0: 0x00, cs1: 0x20, cs2: 0x40, cs3: 0x60, cs4: 0x80,
  cs5: 0xa0, cs6: 0xc0, cs7: 0xe0, ef: 0xb8, inetcontrol: 0xc0, lowdelay: 0x10, netcontrol: 0xe0,
  reliability: 0x04, throughput: 0x08,
};
export const TCP_FLAGS = "FSRPAUEW";

export function describe(t: Token): string {
  switch (t.type) {
    case "NL":
      return "end of line";
    case "EOF":
      return "end of file";
    case "ERROR":
      return "undefined macro";
    default:
      return `\`${t.text}\``;
  }
}

export function flagBits(s: string): number | undefined {
  let f = 0;
  for (const ch of s) {
    const i = TCP_FLAGS.indexOf(ch);
    if (i < 0) return undefined;
    f |= 1 << i;
  }
  return f === 0 ? 0xff : f;
}

export function flagString(bits: number): string {
  let s = "";
  for (let i = 0; i < TCP_FLAGS.length; i++) if (bits & (1 << i)) s += TCP_FLAGS[i];
  return s;
}


/**
 * The lookaheads on which pfctl's parse.y reduces `string : STRING .` (byacc -v, the state after a word that may be
 * followed by another): a newline, these characters and these keywords. Any other token there is a syntax error.
 */
const STRING_FOLLOW_CHARS: ReadonlySet<string> = new Set(["{", ")", "!", ","]);
const STRING_FOLLOW_WORDS: ReadonlySet<string> = new Set([
  "scrub", "to", "flags", "all", "icmp-type", "icmp6-type", "keep", "modulate", "binat-to", "allow-opts", "route-to", "dup-to",
  "reply-to", "no", "label", "fragment", "user", "group", "tos", "set", "synproxy", "matches", "bitmask", "random", "source-hash",
  "round-robin", "least-states", "static-port", "probability", "queue", "rtable", "prio", "once", "sticky-address", "max-pkt-rate",
  "tagged", "tag", "divert-to", "divert-reply", "divert-packet", "nat-to", "af-to", "rdr-to", "received-on",
]);

export abstract class PfParserBase {
  protected lex: PfLexer;
  /**
   * The files an `include` left to read the included one (parse.y pushfile/popfile): each with its lexer, name and
   * the lookahead it had read, innermost last.
   */
  private readonly includers: { lex: PfLexer; file: string; la: Token }[] = [];
  protected la!: Token;
  protected errflag = 0;
  protected readonly macros = new Map<string, string>();
  protected readonly ctx: ExpandContext;
  readonly out: PfParseOutput;
  /** `os "NAME"` read by fromto(), moved into the rule by filterOpts(). */
  protected osName: string | undefined;
  /** Counter of the `<__automatic_N>` tables address lists in pools become. */
  protected autoTables = 0;
  /** {@link autoTables} before the filter rule being parsed. */
  protected ruleTables = 0;
  /**
   * Counter of the names a statement gives its pool lists (`<__automatic_N>` in the statement; the tables
   * themselves are named as each combination makes them, by {@link autoTables}): the statement reads the same
   * whatever the host's interfaces make of its other statements.
   */
  protected listTables = 0;
  /** The family of the rule being parsed when known (`inet`/`inet6`, or all its literal addresses'). */
  protected ruleAf: "inet" | "inet6" | undefined;
  /** The queues defined so far (pfctl's rootqs and qspecs). */
  protected readonly queues: QueueRegistry;
  /** Where rules go: the file's ruleset, or the inline anchor being parsed (`anchor "x" { … }`). */
  protected sink: { rules: PfStatement[]; loaded: PfRule[] } | undefined;
  /**
   * The `<__automatic_N>` tables of the filter rule being parsed: pfctl makes (and prints) them while expanding
   * the rule, when its pools collapse (collapse_redirspec); a rule that fails to parse, or whose pool has no
   * address of its family, prints none.
   */
  protected autoTableEcho: string[] | undefined;
  /** How deep in inline anchors (`anchor "x" { … }`) the parser is. */
  protected inlineDepth = 0;
  /**
   * Brace anchors an error left open (parse.y pfa_anchorlist has no error rule: yacc recovers at the top level with
   * pf->asd still raised and pf->anchor the holding ruleset): to the end of the file, queues are "in an anchor", a
   * brace anchor nests deeper, and a table is an inline anchor's.
   */
  protected stuckAnchors = 0;
  /** Tables defined so far in the file's inline anchors, all of them. */
  protected inlineTables = 0;
  /**
   * What apply_redirspec refuses for the rule being parsed, whatever its combination, by pool: `static-port` on an
   * rdr-to or route-to pool or with a NAT port range, an rdr-to port range that ends below its start. pfctl prints
   * them for each combination of the rule, nat's then rdr's then route's (see expandStatement); a pool's lines in
   * the order pfctl prints them (a warn() first, where collapse_redirspec gives one).
   */
  protected redirRefusal: { nat?: readonly string[]; rdr?: readonly string[]; route?: readonly string[] } = {};

  /** pfctl's print of host lists for a table (parser-hosts). */
  protected abstract resolveForPrint(hosts: PfHost[]): PfHost[];

  /** Prints a `<__automatic_N>` table as pfctl does: once the rule it belongs to expands (see autoTableEcho). */
  protected echoAutoTable(line: string): void {
    if (this.opts.verbose === false) return;
    if (this.autoTableEcho) this.autoTableEcho.push(line);
    else this.out.echo.push(line);
  }

  constructor(
    protected readonly text: string,
    protected file: string,
    protected readonly opts: PfParseOptions,
  ) {
    this.lex = this.lexer(text);
    // collapse_redirspec makes a table for each combination whose pool keeps several addresses: numbered as made
    const autoTable = (addresses: PfHost[], unmade?: "unmade"): string => {
      const name = `__automatic_${this.autoTables++}`;
      if (!unmade) this.echoAutoTable(renderTable({ name, const: true, addresses: this.resolveForPrint(addresses), files: [] }));
      return name;
    };
    this.ctx = { ...(opts.interfaces ? { interfaces: opts.interfaces } : {}), autoTable };
    for (const [name, value] of Object.entries(opts.defines ?? {})) this.macros.set(name, value);
    this.queues = new QueueRegistry(opts.knownQueues);
    this.out = { ruleset: emptyPfRuleset(), loaded: [], echo: [], queues: [], queueNames: [], stderr: [], diagnostics: [], errors: 0, loads: [] };
  }

  // ---- reporting -------------------------------------------------------------------------

  /**
   * Records an error: pfctl's stderr line uses `line` (yylval.lineno); the diagnostic points at
   * `at` (the offending token's own line and column) when given.
   */
  protected report(line: number, col: number, message: string, detail?: string, at?: Token): void {
    this.out.errors++;
    this.out.stderr.push(`${this.file}:${line}: ${message}`);
    const dLine = at ? at.line : line;
    let dCol = at ? at.col : col;
    let where = "";
    if (at?.type === "EOF") {
      // pfctl may count lines past the end (an open `{` at end of file: two past): the diagnostic keeps
      // pfctl's line, and says where the file ends; on a line that exists it points past its last character.
      const lines = this.text.split("\n");
      if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
      const last = Math.max(1, lines.length);
      dCol = dLine <= last ? (lines[dLine - 1] ?? "").length + 1 : 1;
      if (dLine > last) where = ` (the file ends on line ${last})`;
    }
    this.out.diagnostics.push({
      file: this.file,
      line: dLine,
      column: dCol,
      message: (detail ? `${message}: ${detail}` : message) + where,
      severity: "error",
    });
  }

  /** YYERROR without yyerror(): pfctl prints nothing, the file fails; the diagnostic says why. */
  /** A lint warning of what pfctl accepts and then ignores: nothing on pfctl's stderr, no error counted. */
  protected warn(message: string, at: Token): void {
    this.out.diagnostics.push({ file: this.file, line: at.line, column: at.col, message, severity: "warning" });
  }

  protected failSilently(message: string, at: Token = this.la): never {
    const n = this.out.stderr.length;
    this.report(this.la.line, this.spot(at).col, message, undefined, this.spot(at));
    this.out.stderr.length = n;
    throw new Fail(at, true);
  }

  /**
   * Where a semantic error's diagnostic points: the offending token, or the lookahead when yacc had read on to
   * another line before it reduced the rule (a host at the end of a `\`-continued line): pfctl's yyerror names
   * the lexer's line, and lint names the same one, as it does for ipsecctl and iked.
   */
  private spot(at: Token): Token {
    return at.line === this.la.line ? at : this.la;
  }

  /**
   * yyerror() + YYERROR in a rule yacc reduces as soon as `at` is read, before any lookahead (`portrange:
   * numberstring`): pfctl names `at`'s line, even when a `\`-continued line follows it; or the line of `last`, the
   * rule's last token, when the rule spans lines (`dynaddr: '(' STRING ')'`).
   */
  protected failOnToken(message: string, detail: string | undefined, at: Token, last: Token = at): never {
    // the diagnostic names pfctl's line too: `at`, or `last` when the rule went on to another line
    const spot = last.line === at.line ? at : last;
    // reduced before yylex read the lookahead: what the lexer reported of it (`macro 'x' not defined`) comes after
    const lexed = this.laReports?.tok === this.la ? this.laReports : undefined;
    this.report(last.line, spot.col, message, detail, spot);
    if (lexed) {
      this.out.stderr.push(...this.out.stderr.splice(lexed.stderr, lexed.stderrEnd - lexed.stderr));
      this.out.diagnostics.push(...this.out.diagnostics.splice(lexed.diagnostics, lexed.diagnosticsEnd - lexed.diagnostics));
    }
    throw new Fail(at, true);
  }

  /**
   * yyerror() + YYERROR: a semantic error reported at the current lookahead's line. Such a rule is reduced once
   * yacc has read the lookahead; when the lexer could not make one (ERROR, after `macro 'x' not defined`), no
   * state takes it: the rule is a syntax error there, and its check never runs.
   */
  protected fail(message: string, detail?: string, at: Token = this.la): never {
    if (this.la.type === "ERROR") this.syntax();
    this.report(this.la.line, this.spot(at).col, message, detail, this.spot(at));
    throw new Fail(at, true);
  }

  /** A syntax error at the lookahead. */
  protected syntax(): never {
    throw new Fail(this.la, false);
  }

  // ---- tokens ----------------------------------------------------------------------------

  /** The token shifted last. */
  protected prev: Token | undefined;

  /** Where the lexer's reports of the lookahead sit in `out` (it reported them as shift() read it), if any. */
  private laReports: { tok: Token; stderr: number; stderrEnd: number; diagnostics: number; diagnosticsEnd: number } | undefined;

  private lexer(text: string): PfLexer {
    return new PfLexer(text, this.macros, (line, col, message) => this.report(line, col, message));
  }

  /** The next token: of the file being read, or, at the end of an included file, the one its includer had read (popfile). */
  protected nextToken(): Token {
    let t = this.lex.next();
    while (t.type === "EOF" && this.includers.length > 0) {
      const up = this.includers.pop()!;
      this.lex = up.lex;
      this.file = up.file;
      t = up.la;
    }
    return t;
  }

  /**
   * parse.y include: pushfile(PATH) (a file pfctl cannot open: its warning, then `failed to include file PATH`), then
   * lungetc('\n') on the new file: the statement ends with a newline of the included file, whose tokens come next.
   * The include's own lookahead is read again once the included file ends.
   */
  protected pushFile(path: Token): void {
    const body = this.includers.length < MAX_INCLUDE_DEPTH ? this.opts.readFile?.(path.text) : { error: "Too many open files" };
    if (typeof body !== "string") {
      this.out.stderr.push(`pfctl: pushfile: ${path.text}: ${body?.error ?? "No such file or directory"}`);
      this.failOnToken(`failed to include file ${path.text}`, this.opts.readFile ? "the file must exist on the host when pfctl loads the ruleset" : "rules given here are the whole text: no other file is read for them; write the included rules in their place", path);
    }
    this.includers.push({ lex: this.lex, file: this.file, la: this.la });
    this.lex = this.lexer(body);
    this.file = path.text;
    this.la = { type: "NL", text: "\n", line: 1, col: 1 };
  }

  protected shift(): Token {
    const t = this.la;
    this.prev = t;
    if (this.errflag > 0) this.errflag--;
    const stderr = this.out.stderr.length;
    const diagnostics = this.out.diagnostics.length;
    this.la = this.nextToken();
    this.laReports = this.out.stderr.length > stderr ? { tok: this.la, stderr, stderrEnd: this.out.stderr.length, diagnostics, diagnosticsEnd: this.out.diagnostics.length } : undefined;
    return t;
  }

  protected isKw(kw: string): boolean {
    return this.la.type === "KW" && this.la.text === kw;
  }

  protected isChar(c: string): boolean {
    return this.la.type === "CHAR" && this.la.text === c;
  }

  protected acceptKw(kw: string): boolean {
    if (!this.isKw(kw)) return false;
    this.shift();
    return true;
  }

  protected acceptChar(c: string): boolean {
    if (!this.isChar(c)) return false;
    this.shift();
    return true;
  }

  protected expectKw(kw: string): Token {
    if (!this.isKw(kw)) this.syntax();
    return this.shift();
  }

  protected expectChar(c: string): Token {
    if (!this.isChar(c)) this.syntax();
    return this.shift();
  }

  protected expectString(): Token {
    if (this.la.type !== "STRING") this.syntax();
    return this.shift();
  }

  protected optnl(): void {
    while (this.la.type === "NL") this.shift();
  }

  /** `string : STRING string | STRING` — consecutive words joined by spaces. */
  protected string(): string {
    let s = this.expectString().text;
    while (this.la.type === "STRING") s += " " + this.shift().text;
    return s;
  }

  /**
   * `string` whose action checks it (`log (to IF)`, hashkey, `set ruleset-optimization`): yacc reduces it once it has
   * read the next token, and only on the lookaheads LALR merged into `string : STRING .` from all its uses
   * ({@link STRING_FOLLOW_WORDS}); any other is the syntax error, before the check.
   */
  protected reducedString(): string {
    const s = this.string();
    const la = this.la;
    if (!((la.type === "CHAR" && STRING_FOLLOW_CHARS.has(la.text)) || la.type === "NL" || (la.type === "KW" && STRING_FOLLOW_WORDS.has(la.text)))) this.syntax();
    return s;
  }

  /** `numberstring : NUMBER | STRING`. */
  protected numberstring(): Token {
    if (this.la.type !== "NUMBER" && this.la.type !== "STRING") this.syntax();
    return this.shift();
  }

  // ---- driver ----------------------------------------------------------------------------

  protected endOfStatement(): void {
    if (this.la.type !== "NL") this.syntax();
  }


  /** One item, or `{ item, item … }` (commas and newlines optional), as parse.y's list rules. */
  protected braceList<T>(item: () => T): T[] {
    // parse.y icmp_list/uid_list: '{' optnl item optnl (comma item optnl)* '}' — at least one item, a comma
    // only between two, and no newline right after it
    if (!this.acceptChar("{")) return [item()];
    this.optnl();
    const out: T[] = [item()];
    this.optnl();
    while (!this.isChar("}")) {
      this.acceptChar(",");
      out.push(item());
      this.optnl();
    }
    this.shift();
    return out;
  }

  /** `NUMBER '/' NUMBER` (max-pkt-rate, max-src-conn-rate), each 0–UINT_MAX. */
  protected rate(): { limit: number; seconds: number } {
    if (this.la.type !== "NUMBER") this.syntax();
    const lt = this.shift();
    this.expectChar("/");
    if (this.la.type !== "NUMBER") this.syntax();
    const st = this.shift();
    const limit = lt.num as number;
    const seconds = st.num as number;
    if (limit < 0 || limit > 0xffffffff || seconds < 0 || seconds > 0xffffffff) this.fail("only positive values permitted", "0-4294967295", lt);
    return { limit, seconds };
  }

  /** A NUMBER a state option or timeout takes: parse.y refuses one below 0 or above UINT_MAX. */
  protected unsignedNumber(): number {
    if (this.la.type !== "NUMBER") this.syntax();
    const t = this.shift();
    const v = t.num as number;
    if (v < 0 || v > 0xffffffff) this.fail("only positive values permitted", "0-4294967295", t);
    return v;
  }
}
