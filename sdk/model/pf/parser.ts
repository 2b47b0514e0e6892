/**
 * pf.conf parser: a recursive-descent rendition of pfctl's parse.y (1.719) for the language in
 * ./types. It reproduces pfctl's behaviour on bad input: the same messages on the same lines,
 * yacc's error recovery (skip to the end of the line; no new "syntax error" until three tokens
 * have been accepted), macros expanded by the lexer, interface names checked against the host's
 * interfaces when they are given. It never throws on bad input.
 *
 * Covered (what a VPN gateway's pf.conf uses): macros; `set skip on`, `set block-policy`,
 * `set state-policy`, `set ruleset-optimization`, `set limit`, `set timeout`, `set optimization`,
 * `set loginterface`; tables (`const`, `persist`, `counters`, `file`, negated `!ADDR` entries);
 * pass/block/match with `drop`/`return`/`return-rst`/`return-icmp(…)`/`return-icmp6(…)`, `log` and
 * `log (all, matches, user, to pflogN)`, `quick`, `on [!] IF`, `inet`/`inet6`, `proto`, `from`/`to`
 * with addresses, networks, interfaces and their `:network`/`:broadcast`/`:peer`/`:0` modifiers,
 * `(IF)`, `<table>`, `self`, `no-route`, `urpf-failed` and ports; `flags`, `icmp-type`/`icmp6-type
 * [code]`, `keep`/`modulate`/`synproxy`/`no state` with `max`, `no-sync`, `if-bound`, `floating`,
 * `sloppy`, `pflow`, `source-track`, `max-src-states`, `max-src-conn`, `max-src-conn-rate`,
 * `max-src-nodes`, `overload <T> [flush [global]]` and per-rule timeouts; `fragment`, `allow-opts`,
 * `scrub (no-df random-id min-ttl max-mss reassemble tcp)`, `label` (with `$if`, `$srcaddr`, …),
 * `tag`, `[!] tagged`, `once`, `rtable`, `nat-to ADDR [static-port]`, `rdr-to ADDR [port N]`, `binat-to ADDR`,
 * `route-to`/`reply-to`/`dup-to HOST` (one next hop), `[!] received-on IF`, `prio`, `set prio`, `set tos`,
 * `max-pkt-rate`, `probability`, `divert-to ADDR port N`, `os "NAME"`, `user`/`group` (names resolved with
 * the host's ids when given); nat-to/rdr-to/route-to pools (one
 * target or `{ list }`, loaded as `<__automatic_N>`) with `bitmask`, `random`, `source-hash 0xKEY`,
 * `round-robin`, `least-states`, `sticky-address`;
 * `antispoof`; `anchor "NAME" … [{ inline rules, tables, anchors }]`; `load anchor … from`.
 *
 * Decision — deliberately outside the model, refused with "`X` is valid pf.conf but not part of this
 * model's pf language" (never passed through as opaque text: a rule the model cannot represent could not
 * be rendered canonically or compared with `pfctl -sr`): `include`, queues (`queue`, `set queue`),
 * `af-to`, `source-hash` with a string or a random key, `divert-reply`/`divert-packet`, `tos` (matching), `set queue`,
 * `set delay`, `on rdomain`, `return-rst(ttl)`,
 * address ranges (`a - b`), `(IF)/N`, `route` labels, and the options `set fingerprints`,
 * `set state-defaults`.
 */
import type { Diagnostic, ParseResult } from "../diagnostics";
import { interfaceExists, parseLiteralAddress } from "./address";
import { contextOf, expandStatement, type ExpandContext } from "./expand";
import { PfLexer, type Token } from "./lexer";
import { canonicalProtocol, servicePort } from "./names";
import {
  ICMP6_CODES, ICMP6_TYPES, ICMP_CODES, ICMP_TYPES, icmpCodeNumber, icmpTypeNumber, PF_LIMIT_NAMES, PF_OPTIMIZATIONS,
  PF_TIMEOUT_NAMES, RETURN_ICMP6_DEFAULT, RETURN_ICMP_DEFAULT,
} from "./icmp";
import { renderHost, renderTable } from "./render";
import type {
  PfAddressFamily,
  PfAnchorCall,
  PfBlockPolicy,
  PfDirection,
  PfEndpoint,
  PfFilterRule,
  PfHost,
  PfIfModifier,
  PfIcmpType,
  PfIfSpec,
  PfInterface,
  PfLogOptions,
  PfPort,
  PfPortOp,
  PfRule,
  PfRuleset,
  PfScrub,
  PfStatement,
  PfStateMode,
  PfUgid,
  PfStateOptions,
  PfTable,
} from "./types";
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
   * Whether a table's `file "PATH"` can be read (pfctl -n loads it: `cannot load "PATH": …`). Without it
   * table files are not checked (lint has no access to the host's files).
   */
  tableFileExists?: (path: string) => boolean;
  /** The host's user and group ids by name (pfctl's uid_from_user/gid_from_group); without it names stay names. */
  userId?: (name: string) => number | undefined;
  groupId?: (name: string) => number | undefined;
}

/** Everything pfctl's parser produces for one file. */
export interface PfParseOutput {
  ruleset: PfRuleset;
  /** Canonical rules in file order (what `-o none` loads); complete only without errors. */
  loaded: PfRule[];
  /** Lines `pfctl -nv` prints on stdout while parsing (macros, `set skip on { … }`, tables). */
  echo: string[];
  /** Lines pfctl prints on stderr, in its words (`FILE:LINE: syntax error`). */
  stderr: string[];
  diagnostics: Diagnostic[];
  /** pfctl's error count; the file is rejected when > 0. */
  errors: number;
}

class Fail {
  constructor(readonly tok: Token, readonly semantic: boolean) {}
}

/** Valid pf rule options outside the model (see the header): refused with a message naming them. */
const UNSUPPORTED_RULE_OPTS = new Set(["tos", "queue", "divert-reply", "divert-packet", "af-to", "os"]);
const SUPPORTED_RULE_OPTS = "flags, keep state, no state, modulate state, synproxy state, icmp-type, icmp6-type, scrub, tag, tagged, label, nat-to [static-port], rdr-to, binat-to, route-to, reply-to, dup-to, received-on, prio, set prio, set tos, max-pkt-rate, probability, divert-to, once, fragment, allow-opts, rtable";

/** map_tos() words (parse.y): DiffServ code points and the old ToS names. */
const TOS_WORDS: Readonly<Record<string, number>> = {
  af11: 0x28, af12: 0x30, af13: 0x38, af21: 0x48, af22: 0x50, af23: 0x58, af31: 0x68, af32: 0x70, af33: 0x78,
  af41: 0x88, af42: 0x90, af43: 0x98, critical: 0xa0, cs0: 0x00, cs1: 0x20, cs2: 0x40, cs3: 0x60, cs4: 0x80,
  cs5: 0xa0, cs6: 0xc0, cs7: 0xe0, ef: 0xb8, inetcontrol: 0xc0, lowdelay: 0x10, netcontrol: 0xe0,
  reliability: 0x04, throughput: 0x08,
};
const TCP_FLAGS = "FSRPAUEW";

function describe(t: Token): string {
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

function flagBits(s: string): number | undefined {
  let f = 0;
  for (const ch of s) {
    const i = TCP_FLAGS.indexOf(ch);
    if (i < 0) return undefined;
    f |= 1 << i;
  }
  return f === 0 ? 0xff : f;
}

function flagString(bits: number): string {
  let s = "";
  for (let i = 0; i < TCP_FLAGS.length; i++) if (bits & (1 << i)) s += TCP_FLAGS[i];
  return s;
}

class PfParser {
  private readonly lex: PfLexer;
  private la!: Token;
  private errflag = 0;
  private readonly macros = new Map<string, string>();
  private readonly ctx: ExpandContext;
  readonly out: PfParseOutput;
  /** `os "NAME"` read by fromto(), moved into the rule by filterOpts(). */
  private osName: string | undefined;
  /** Counter of the `<__automatic_N>` tables address lists in pools become. */
  private autoTables = 0;
  /** Where rules go: the file's ruleset, or the inline anchor being parsed (`anchor "x" { … }`). */
  private sink: { rules: PfStatement[]; loaded: PfRule[] } | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly opts: PfParseOptions,
  ) {
    this.lex = new PfLexer(text, this.macros, (line, col, message) => this.report(line, col, message));
    this.ctx = opts.interfaces ? { interfaces: opts.interfaces } : {};
    this.out = { ruleset: emptyPfRuleset(), loaded: [], echo: [], stderr: [], diagnostics: [], errors: 0 };
  }

  // ---- reporting -------------------------------------------------------------------------

  /**
   * Records an error: pfctl's stderr line uses `line` (yylval.lineno); the diagnostic points at
   * `at` (the offending token's own line and column) when given.
   */
  private report(line: number, col: number, message: string, detail?: string, at?: Token): void {
    this.out.errors++;
    this.out.stderr.push(`${this.file}:${line}: ${message}`);
    let dLine = at ? at.line : line;
    let dCol = at ? at.col : col;
    if (at?.type === "EOF") {
      // pfctl counts a line past the end; point at the end of the last line instead.
      const lines = this.text.split("\n");
      if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
      dLine = Math.max(1, lines.length);
      dCol = (lines[lines.length - 1] ?? "").length + 1;
    }
    this.out.diagnostics.push({
      file: this.file,
      line: dLine,
      column: dCol,
      message: detail ? `${message}: ${detail}` : message,
      severity: "error",
    });
  }

  /** yyerror() + YYERROR: a semantic error reported at the current lookahead's line. */
  private fail(message: string, detail?: string, at: Token = this.la): never {
    this.report(this.la.line, at.col, message, detail, at);
    throw new Fail(at, true);
  }

  /** A syntax error at the lookahead. */
  private syntax(): never {
    throw new Fail(this.la, false);
  }

  // ---- tokens ----------------------------------------------------------------------------

  private shift(): Token {
    const t = this.la;
    if (this.errflag > 0) this.errflag--;
    this.la = this.lex.next();
    return t;
  }

  private isKw(kw: string): boolean {
    return this.la.type === "KW" && this.la.text === kw;
  }

  private isChar(c: string): boolean {
    return this.la.type === "CHAR" && this.la.text === c;
  }

  private acceptKw(kw: string): boolean {
    if (!this.isKw(kw)) return false;
    this.shift();
    return true;
  }

  private acceptChar(c: string): boolean {
    if (!this.isChar(c)) return false;
    this.shift();
    return true;
  }

  private expectKw(kw: string): Token {
    if (!this.isKw(kw)) this.syntax();
    return this.shift();
  }

  private expectChar(c: string): Token {
    if (!this.isChar(c)) this.syntax();
    return this.shift();
  }

  private expectString(): Token {
    if (this.la.type !== "STRING") this.syntax();
    return this.shift();
  }

  private optnl(): void {
    while (this.la.type === "NL") this.shift();
  }

  /** `string : STRING string | STRING` — consecutive words joined by spaces. */
  private string(): string {
    let s = this.expectString().text;
    while (this.la.type === "STRING") s += " " + this.shift().text;
    return s;
  }

  /** `numberstring : NUMBER | STRING`. */
  private numberstring(): Token {
    if (this.la.type !== "NUMBER" && this.la.type !== "STRING") this.syntax();
    return this.shift();
  }

  // ---- driver ----------------------------------------------------------------------------

  run(): PfParseOutput {
    this.la = this.lex.next();
    while (this.la.type !== "EOF") {
      try {
        this.statement();
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
        if (!e.semantic && this.errflag === 0) {
          this.report(e.tok.line, e.tok.col, "syntax error", `unexpected ${describe(e.tok)}`, e.tok);
        }
        if (!this.recover()) break;
      }
    }
    return this.out;
  }

  /** yacc error recovery: `ruleset error '\n'`. Returns false at end of file. */
  private recover(): boolean {
    this.out.errors++;
    this.errflag = 3;
    while (this.la.type !== "NL") {
      if (this.la.type === "EOF") return false;
      this.la = this.lex.next();
    }
    this.shift();
    return true;
  }

  private endOfStatement(): void {
    if (this.la.type !== "NL") this.syntax();
  }

  private statement(): void {
    const t = this.la;
    if (t.type === "NL") {
      this.shift();
      return;
    }
    if (t.type === "KW") {
      switch (t.text) {
        case "pass":
        case "block":
        case "match":
          this.pfrule();
          break;
        case "anchor":
          this.anchorrule();
          break;
        case "load":
          this.loadrule();
          break;
        case "set":
          this.option();
          break;
        case "table":
          this.tabledef();
          break;
        case "antispoof":
          this.antispoof();
          break;
        case "include":
        case "queue":
          this.fail(`\`${t.text}\` is valid pf.conf but not part of this model's pf language`, "allowed statements: macros, set, table, pass, block, match, antispoof, anchor, load anchor");
          break;
        default:
          this.syntax();
      }
    } else if (t.type === "STRING") {
      this.varset();
    } else {
      this.syntax();
    }
    this.shift(); // the '\n'
  }

  // ---- macros ----------------------------------------------------------------------------

  private varset(): void {
    const name = this.shift().text;
    this.expectChar("=");
    const parts = [this.numberstring().text];
    while (this.la.type === "NUMBER" || this.la.type === "STRING") parts.push(this.shift().text);
    this.endOfStatement();
    const value = parts.join(" ");
    if (this.opts.verbose !== false) this.out.echo.push(`${name} = "${value}"`);
    this.macros.set(name, value);
    const macros = this.out.ruleset.macros;
    const i = macros.findIndex((m) => m.name === name);
    if (i >= 0) macros.splice(i, 1);
    macros.push({ name, value });
  }

  // ---- options ---------------------------------------------------------------------------

  private option(): void {
    this.expectKw("set");
    const t = this.la;
    if (this.acceptKw("skip")) {
      const ifs = this.isKw("on") ? this.interfaceSpec() : [];
      this.endOfStatement();
      for (const i of ifs) if (i.not) this.fail("skip on ! <interface> is not supported");
      if (this.opts.verbose !== false) {
        this.out.echo.push(ifs.length === 0 ? "set skip on none" : `set skip on { ${ifs.map((i) => i.name).join(" ")} }`);
      }
      this.out.ruleset.options.push({ kind: "skip", interfaces: ifs.map((i) => i.name) });
      return;
    }
    if (this.acceptKw("block-policy")) {
      let policy: "drop" | "return";
      if (this.acceptKw("drop")) policy = "drop";
      else if (this.acceptKw("return")) policy = "return";
      else this.syntax();
      this.endOfStatement();
      if (this.opts.verbose !== false) this.out.echo.push(`set block-policy ${policy}`);
      this.out.ruleset.options.push({ kind: "block-policy", policy });
      this.ctx.blockPolicy = policy;
      return;
    }
    if (this.acceptKw("state-policy")) {
      let policy: "if-bound" | "floating";
      if (this.acceptKw("if-bound")) policy = "if-bound";
      else if (this.acceptKw("floating")) policy = "floating";
      else this.syntax();
      this.endOfStatement();
      if (this.opts.verbose !== false) this.out.echo.push(`set state-policy ${policy}`);
      this.out.ruleset.options.push({ kind: "state-policy", policy });
      this.ctx.statePolicy = policy;
      return;
    }
    if (this.acceptKw("ruleset-optimization")) {
      const v = this.expectString();
      this.endOfStatement();
      if (v.text !== "none" && v.text !== "basic" && v.text !== "profile") {
        this.fail(`unknown ruleset-optimization ${v.text}`, "one of none, basic, profile", v);
      }
      this.out.ruleset.options.push({ kind: "ruleset-optimization", level: v.text });
      return;
    }
    if (this.acceptKw("limit")) {
      // pfctl_set_limit: `set limit NAME N` or `set limit { NAME N, … }`, printed one per line by -v
      const items: [Token, number][] = [];
      const one = () => {
        const n = this.numberstring();
        if (this.la.type !== "NUMBER") this.syntax();
        items.push([n, this.shift().num as number]);
      };
      if (this.acceptChar("{")) {
        this.optnl();
        while (!this.isChar("}")) {
          this.acceptChar(",");
          this.optnl();
          one();
          this.optnl();
        }
        this.shift();
      } else one();
      this.endOfStatement();
      for (const [n, v] of items) {
        if (!PF_LIMIT_NAMES.includes(n.text)) {
          this.out.stderr.push("pfctl: Bad pool name.");
          this.fail(`unable to set limit ${n.text} ${v}`, `one of ${PF_LIMIT_NAMES.join(", ")}`, n);
        }
        if (this.opts.verbose !== false) this.out.echo.push(`set limit ${n.text} ${v}`);
        this.out.ruleset.options.push({ kind: "limit", name: n.text, value: v });
      }
      return;
    }
    if (this.acceptKw("timeout")) {
      const items: [Token, number][] = [];
      const one = () => {
        const n = this.expectString();
        if (this.la.type !== "NUMBER") this.syntax();
        items.push([n, this.shift().num as number]);
      };
      if (this.acceptChar("{")) {
        this.optnl();
        while (!this.isChar("}")) {
          this.acceptChar(",");
          this.optnl();
          one();
          this.optnl();
        }
        this.shift();
      } else one();
      this.endOfStatement();
      for (const [n, v] of items) {
        if (!PF_TIMEOUT_NAMES.includes(n.text)) {
          this.out.stderr.push("pfctl: Bad timeout name.");
          this.fail(`unknown timeout ${n.text}`, `one of ${PF_TIMEOUT_NAMES.join(", ")}`, n);
        }
        if (this.opts.verbose !== false) this.out.echo.push(`set timeout ${n.text} ${v}`);
        this.out.ruleset.options.push({ kind: "timeout", name: n.text, seconds: v });
      }
      return;
    }
    if (this.acceptKw("optimization")) {
      const v = this.expectString();
      this.endOfStatement();
      const level = v.text === "default" ? "normal" : v.text;
      if (!PF_OPTIMIZATIONS.includes(level)) {
        this.out.stderr.push("pfctl: invalid state timeouts optimization");
        this.fail(`unknown optimization ${v.text}`, `one of default, ${PF_OPTIMIZATIONS.join(", ")}`, v);
      }
      if (this.opts.verbose !== false) this.out.echo.push(`set optimization ${level}`);
      this.out.ruleset.options.push({ kind: "optimization", level });
      return;
    }
    if (this.acceptKw("loginterface")) {
      const v = this.expectString();
      this.endOfStatement();
      if (this.opts.verbose !== false) this.out.echo.push(`set loginterface ${v.text}`);
      this.out.ruleset.options.push({ kind: "loginterface", interface: v.text });
      return;
    }
    if (this.acceptKw("reassemble")) {
      // pfctl_set_reassembly prints `set reassemble yes|no NODF` (an empty NODF leaves a trailing space)
      let on: boolean;
      if (this.acceptKw("no")) on = false;
      else {
        const v = this.expectString();
        if (v.text !== "yes") this.fail(`invalid value '${v.text}', expected 'yes' or 'no'`, undefined, v);
        on = true;
      }
      const noDf = this.acceptKw("no-df");
      this.endOfStatement();
      if (this.opts.verbose !== false) this.out.echo.push(`set reassemble ${on ? "yes" : "no"} ${noDf ? "no-df" : ""}`);
      this.out.ruleset.options.push({ kind: "reassemble", on, ...(noDf ? { noDf } : {}) });
      return;
    }
    if (this.acceptKw("debug")) {
      const v = this.isKw("debug") ? this.shift() : this.expectString();
      this.endOfStatement();
      const LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
      if (!LEVELS.includes(v.text)) {
        this.out.stderr.push(`pfctl: unknown debug level "${v.text}"`);
        this.fail(`error setting debuglevel ${v.text}`, `one of ${LEVELS.join(", ")}`, v);
      }
      if (this.opts.verbose !== false) this.out.echo.push(`set debug ${v.text}`);
      this.out.ruleset.options.push({ kind: "debug", level: v.text });
      return;
    }
    if (this.acceptKw("hostid")) {
      if (this.la.type !== "NUMBER") this.syntax();
      const v = this.shift();
      this.endOfStatement();
      const id = v.num as number;
      if (id === 0 || id > 0xffffffff) this.fail("hostid must be non-zero", undefined, v);
      if (this.opts.verbose !== false) this.out.echo.push(`set hostid 0x${id.toString(16).padStart(8, "0")}`);
      this.out.ruleset.options.push({ kind: "hostid", id });
      return;
    }
    if (this.acceptKw("syncookies")) {
      const v = this.expectString();
      if (v.text !== "never" && v.text !== "always" && v.text !== "adaptive") this.fail("illegal value for syncookies", "one of never, always, adaptive", v);
      let start: number | undefined;
      let end: number | undefined;
      let given = false;
      if (this.acceptChar("(")) {
        given = true;
        let first = true;
        while (!this.isChar(")")) {
          if (!first) this.acceptChar(",");
          first = false;
          const k = this.expectString();
          let pct: number;
          if (this.la.type === "STRING" && /^\d+(\.\d+)?%$/.test(this.la.text)) pct = Number(this.shift().text.slice(0, -1));
          else if (this.la.type === "NUMBER") {
            pct = this.shift().num as number;
            this.expectChar("%");
          } else this.syntax();
          if (pct <= 0 || pct > 100) this.fail("illegal percentage value");
          if (k.text === "start") start = pct;
          else if (k.text === "end") end = pct;
          else this.fail(`unknown option ${k.text}`, "start or end", k);
        }
        this.shift();
      }
      this.endOfStatement();
      if (given && v.text !== "adaptive") {
        this.out.stderr.push("pfctl: syncookies start/end only apply to adaptive");
        this.fail("error setting syncookies");
      }
      if (given) {
        start ??= 25;
        end ??= Math.floor(start / 2);
        if (end >= start) {
          this.out.stderr.push("pfctl: start must be higher than end");
          this.fail("error setting syncookies");
        }
      }
      if (this.opts.verbose !== false) this.out.echo.push(`set syncookies ${v.text}${given ? ` (start ${start}%, end ${end}%)` : ""}`);
      this.out.ruleset.options.push({ kind: "syncookies", mode: v.text, ...(given ? { start, end } : {}) });
      return;
    }
    if (t.type === "KW" || t.type === "STRING") {
      this.fail(`\`set ${t.text}\` is valid pf.conf but not part of this model's pf language`, "supported: set skip on, set block-policy, set state-policy, set ruleset-optimization, set limit, set timeout, set optimization, set loginterface, set reassemble, set debug, set hostid, set syncookies", t);
    }
    this.syntax();
  }

  // ---- tables ----------------------------------------------------------------------------

  private tabledef(): void {
    this.expectKw("table");
    this.expectChar("<");
    const name = this.expectString().text;
    this.expectChar(">");
    const table: PfTable = { name, addresses: [], files: [] };
    const printed: PfHost[] = [];
    for (;;) {
      if (this.la.type === "STRING") {
        const o = this.shift();
        if (o.text === "persist") table.persist = true;
        else if (o.text === "const") table.const = true;
        else if (o.text === "counters") table.counters = true;
        else this.fail(`invalid table option '${o.text}'`, "one of persist, const, counters", o);
      } else if (this.acceptKw("file")) {
        table.files.push(this.expectString().text);
      } else if (this.acceptChar("{")) {
        this.optnl();
        while (!this.isChar("}")) {
          const not = this.acceptChar("!");
          const hosts = this.host(not);
          for (const h of hosts) table.addresses.push(h);
          printed.push(...this.resolveForPrint(hosts));
          this.optnl();
          this.acceptChar(",");
          this.optnl();
        }
        this.shift();
      } else break;
    }
    this.endOfStatement();
    for (const f of table.files) {
      if (this.opts.tableFileExists && !this.opts.tableFileExists(f)) this.fail(`cannot load "${f}": No such file or directory`, "the table file must exist when pfctl loads the ruleset");
    }
    if (this.opts.verbose !== false) {
      this.out.echo.push(renderTable({ ...table, addresses: printed }));
      this.out.stderr.push(`${this.file}:${this.la.line}: skipping duplicate table checks for <${name}>`);
    }
    this.out.ruleset.tables.push(table);
  }

  /** Table entries as pfctl prints them: interface names replaced by their addresses. */
  private resolveForPrint(hosts: PfHost[]): PfHost[] {
    const out: PfHost[] = [];
    for (const h of hosts) {
      if (h.kind !== "interface" || !this.ctx.interfaces) {
        out.push(h);
        continue;
      }
      const probe: PfRule = { kind: "anchor", name: "x", on: [], protos: [], from: { hosts: [h], ports: [] }, to: { hosts: [], ports: [] } };
      for (const r of expandStatement(probe, this.ctx).rules) out.push(...r.from.hosts);
    }
    return out;
  }

  // ---- anchors ---------------------------------------------------------------------------

  private loadrule(): void {
    this.expectKw("load");
    this.expectKw("anchor");
    const name = this.expectString().text;
    this.expectKw("from");
    const file = this.expectString().text;
    this.endOfStatement();
    this.out.ruleset.rules.push({ kind: "load-anchor", name, file });
  }

  private anchorrule(): void {
    const kw = this.expectKw("anchor");
    const name = this.la.type === "STRING" ? this.shift().text : undefined;
    const direction = this.dir();
    const quick = this.acceptKw("quick");
    const on = this.isKw("on") ? this.interfaceSpec() : [];
    const af = this.af();
    const protos = this.protoSpec();
    const { from, to } = this.fromto();
    const fo = this.filterOpts(true);
    let inline: { rules: PfStatement[]; loaded: PfRule[] } | undefined;
    if (this.acceptChar("{")) {
      // parse.y pfa_anchorlist: rules, anchors and tables, one per line, up to the closing brace
      inline = { rules: [], loaded: [] };
      const outer = this.sink;
      this.sink = inline;
      try {
        while (!this.isChar("}")) {
          if (this.la.type === "EOF") this.syntax();
          this.statement();
        }
      } finally {
        this.sink = outer;
      }
      this.shift();
      if (name !== undefined && name.includes("/")) this.fail("anchor paths containing '/' cannot be used for inline anchors.");
    }
    this.endOfStatement();
    if (name === undefined) this.fail("anchors without explicit rules must specify a name", undefined, kw);
    if (name.startsWith("_") || name.includes("/_")) this.fail("anchor names beginning with '_' are reserved for internal use");
    const rule: PfAnchorCall = {
      kind: "anchor", name, ...(direction ? { direction } : {}), ...(quick ? { quick } : {}), on,
      ...(af ? { af } : {}), protos, from, to,
      ...(fo.tag !== undefined ? { tag: fo.tag } : {}), ...(fo.tagged ? { tagged: fo.tagged } : {}),
      ...(inline ? { inline: inline.rules as PfRule[] } : {}),
    };
    this.addRule(rule, inline?.loaded);
  }

  /**
   * parse.y antispoof: for each interface, `block drop in on ! IF from IF:network to any` and, unless it is
   * a loopback interface, `block drop in from IF to any` (its own addresses), with the log/quick/af given.
   */
  private antispoof(): void {
    this.expectKw("antispoof");
    let log = false;
    let logOptions: PfLogOptions | undefined;
    let quick = false;
    if (this.acceptKw("log")) {
      log = true;
      logOptions = this.logOpts();
      quick = this.acceptKw("quick");
    } else if (this.acceptKw("quick")) {
      quick = true;
      if (this.acceptKw("log")) {
        log = true;
        logOptions = this.logOpts();
      }
    }
    this.expectKw("for");
    const ifs: PfIfSpec[] = [];
    if (this.acceptChar("{")) {
      this.optnl();
      while (!this.isChar("}")) {
        this.acceptChar(",");
        ifs.push(this.ifItemNot());
        this.optnl();
      }
      this.shift();
    } else ifs.push(this.ifItemNot());
    const af = this.af();
    let label: string | undefined;
    if (this.acceptKw("label")) label = this.expectString().text;
    this.endOfStatement();
    for (const i of ifs) {
      const base = {
        kind: "filter" as const, action: "block" as const, blockPolicy: "drop" as const, direction: "in" as const,
        ...(log ? { log } : {}), ...(logOptions ? { logOptions } : {}), ...(quick ? { quick } : {}), protos: [],
        ...(af ? { af } : {}), to: { hosts: [], ports: [] }, ...(label !== undefined ? { label } : {}),
      };
      this.addRule({ ...base, on: [{ name: i.name, not: true }], from: { hosts: [{ kind: "interface", name: i.name, modifier: "network" }], ports: [] } });
      if (!/^lo\d+$/.test(i.name)) this.addRule({ ...base, on: [], from: { hosts: [{ kind: "interface", name: i.name }], ports: [] } });
    }
  }

  /** `log (all, matches, user, to pflogN)` after `log`; undefined for plain `log`. */
  private logOpts(): PfLogOptions | undefined {
    if (!this.acceptChar("(")) return undefined;
    const o: PfLogOptions = {};
    let first = true;
    while (!this.isChar(")")) {
      if (!first) this.acceptChar(",");
      first = false;
      if (this.acceptKw("all")) o.all = true;
      else if (this.acceptKw("matches")) o.matches = true;
      else if (this.acceptKw("user")) o.user = true;
      else if (this.acceptKw("to")) {
        const t = this.expectString();
        const m = /^pflog(\d+)$/.exec(t.text);
        if (!m) this.fail(`${t.text}: not a pflog interface`, "to pflogN", t);
        o.to = Number(m[1]);
      } else this.syntax();
    }
    this.shift();
    return Object.keys(o).length > 0 ? o : undefined;
  }

  // ---- filter rules ----------------------------------------------------------------------

  private pfrule(): void {
    const actionTok = this.shift();
    const action = actionTok.text as PfFilterRule["action"];
    let blockPolicy: PfBlockPolicy | undefined;
    let returnIcmp: { icmp: number; icmp6: number } | undefined;
    if (action === "block") {
      if (this.acceptKw("drop")) blockPolicy = "drop";
      else if (this.acceptKw("return")) blockPolicy = "return";
      else if (this.acceptKw("return-rst")) blockPolicy = "return-rst";
      else if (this.isKw("return-icmp") || this.isKw("return-icmp6")) {
        // parse.y blockspec: codes as (type << 8) | code; `return-icmp(C)` sets the IPv6 code to the IPv4 default
        const six = this.shift().text === "return-icmp6";
        blockPolicy = "return-icmp";
        let icmp = RETURN_ICMP_DEFAULT;
        let icmp6 = RETURN_ICMP6_DEFAULT;
        if (this.acceptChar("(")) {
          if (six) icmp6 = this.reticmpspec(true);
          else {
            icmp = this.reticmpspec(false);
            icmp6 = RETURN_ICMP_DEFAULT;
            if (this.acceptChar(",")) icmp6 = this.reticmpspec(true);
          }
          this.expectChar(")");
        }
        returnIcmp = { icmp, icmp6 };
      }
      if (this.isChar("(") && blockPolicy === "return-rst") this.fail("`return-rst(ttl N)` is not part of this model's pf language");
    }
    const direction = this.dir();
    let log = false;
    let logOptions: PfLogOptions | undefined;
    let quick = false;
    if (this.acceptKw("log")) {
      log = true;
      logOptions = this.logOpts();
      quick = this.acceptKw("quick");
    } else if (this.acceptKw("quick")) {
      quick = true;
      if (this.acceptKw("log")) {
        log = true;
        logOptions = this.logOpts();
      }
    }
    const on = this.isKw("on") ? this.interfaceSpec() : [];
    const af = this.af();
    const protos = this.protoSpec();
    const { from, to } = this.fromto();
    const fo = this.filterOpts(false);
    this.endOfStatement();
    // `keep state` is a pass rule's default and `no state` a block/match rule's: pfctl keeps no trace.
    if ((fo.state === "keep" && action === "pass") || (fo.state === "no" && action !== "pass")) delete fo.state;
    const rule: PfFilterRule = {
      kind: "filter", action, ...(blockPolicy ? { blockPolicy } : {}), ...(returnIcmp ? { returnIcmp } : {}), ...(direction ? { direction } : {}),
      ...(log ? { log } : {}), ...(logOptions ? { logOptions } : {}), ...(quick ? { quick } : {}), on, ...(af ? { af } : {}), protos, from, to,
      ...fo,
    };
    if (fo.flags !== undefined && fo.flags !== "any" && protos.length > 0 && !protos.includes("tcp")) {
      this.fail("flags only apply to tcp", `\`flags ${fo.flags}\` with proto ${protos.join(", ")}`);
    }
    this.addRule(rule);
  }

  private addRule(rule: PfRule, loadedInline?: PfRule[]): void {
    (this.sink?.rules ?? this.out.ruleset.rules).push(rule);
    const { rules, errors } = expandStatement(rule, this.ctx);
    for (const e of errors) this.report(this.la.line, this.la.col, e);
    if (loadedInline) for (const r of rules) if (r.kind === "anchor") r.inline = loadedInline;
    (this.sink?.loaded ?? this.out.loaded).push(...rules);
  }

  private dir(): PfDirection | undefined {
    if (this.acceptKw("in")) return "in";
    if (this.acceptKw("out")) return "out";
    return undefined;
  }

  private af(): PfAddressFamily | undefined {
    if (this.acceptKw("inet")) return "inet";
    if (this.acceptKw("inet6")) return "inet6";
    return undefined;
  }

  /** `on IF`, `on ! IF`, `on { IF … }`. */
  private interfaceSpec(): PfIfSpec[] {
    this.expectKw("on");
    if (this.acceptChar("{")) {
      this.optnl();
      const out: PfIfSpec[] = [this.ifItemNot()];
      this.optnl();
      while (!this.isChar("}")) {
        this.acceptChar(",");
        out.push(this.ifItemNot());
        this.optnl();
      }
      this.shift();
      return out;
    }
    return [this.ifItemNot()];
  }

  private ifItemNot(): PfIfSpec {
    const not = this.acceptChar("!");
    if (this.la.type === "STRING") {
      const t = this.shift();
      if (t.text.length >= 16) this.fail("interface name too long", `\`${t.text}\` has ${t.text.length} characters; at most 15`, t);
      return not ? { name: t.text, not } : { name: t.text };
    }
    if (this.acceptKw("any")) return not ? { name: "any", not } : { name: "any" };
    if (this.isKw("rdomain")) this.fail("`on rdomain N` is valid pf.conf but not part of this model's pf language");
    this.syntax();
  }

  private protoSpec(): string[] {
    if (!this.acceptKw("proto")) return [];
    if (this.acceptChar("{")) {
      this.optnl();
      const out = [this.protoItem()];
      this.optnl();
      while (!this.isChar("}")) {
        this.acceptChar(",");
        out.push(this.protoItem());
        this.optnl();
      }
      this.shift();
      return out;
    }
    return [this.protoItem()];
  }

  private protoItem(): string {
    const t = this.la;
    if (t.type === "NUMBER") {
      this.shift();
      const n = t.num as number;
      if (n < 0 || n > 255) this.fail("protocol outside range", `\`${t.text}\`; a protocol number is 1-255`, t);
      if (n === 0) this.fail("proto 0 cannot be used", undefined, t);
      return canonicalProtocol(String(n)) as string;
    }
    if (t.type === "STRING") {
      this.shift();
      const p = canonicalProtocol(t.text);
      if (p === undefined || /^\d+$/.test(t.text)) this.fail(`unknown protocol ${t.text}`, "a name from /etc/protocols such as tcp, udp, esp, ah, ipencap, gre, carp, pfsync, or a number 1-255", t);
      return p;
    }
    this.syntax();
  }

  private fromto(): { from: PfEndpoint; to: PfEndpoint } {
    const none = (): PfEndpoint => ({ hosts: [], ports: [] });
    if (this.acceptKw("all")) return { from: none(), to: none() };
    let from = none();
    let to = none();
    if (this.acceptKw("from")) from = this.ipportspec();
    if (this.acceptKw("os")) this.osName = this.expectString().text;
    if (this.acceptKw("to")) {
      to = this.ipportspec();
      if (to.hosts.some((h) => h.kind === "urpf-failed")) this.fail('"urpf-failed" is not permitted in a destination address');
    }
    return { from, to };
  }

  private ipportspec(): PfEndpoint {
    if (this.acceptKw("port")) return { hosts: [], ports: this.portspec() };
    const hosts = this.ipspec();
    const ports = this.acceptKw("port") ? this.portspec() : [];
    return { hosts, ports };
  }

  /** `any`, one host, or `{ list }`; an `any` inside a list makes the whole list `any`. */
  private ipspec(): PfHost[] {
    if (this.acceptKw("any")) return [];
    if (this.acceptChar("{")) {
      this.optnl();
      let any = false;
      const out: PfHost[] = [];
      let first = true;
      while (!this.isChar("}")) {
        if (!first) this.acceptChar(",");
        first = false;
        const hs = this.ipspec();
        if (hs.length === 0) any = true;
        out.push(...hs);
        this.optnl();
      }
      if (first) this.syntax();
      this.shift();
      return any ? [] : out;
    }
    const not = this.acceptChar("!");
    if (this.acceptKw("no-route")) return [{ kind: "no-route", ...(not ? { not } : {}) }];
    if (this.acceptKw("urpf-failed")) return [{ kind: "urpf-failed", ...(not ? { not } : {}) }];
    return this.host(not);
  }

  private host(not: boolean): PfHost[] {
    const n = not ? { not: true } : {};
    const t = this.la;
    if (t.type === "STRING") {
      this.shift();
      if (this.isChar("-")) this.fail("address ranges (`a - b`) are not part of this model's pf language", "use a network or a table");
      let text = t.text;
      if (this.acceptChar("/")) {
        if (this.la.type !== "NUMBER") this.syntax();
        text += "/" + this.shift().text;
      }
      return [this.hostString(text, t, not)];
    }
    if (t.type === "NUMBER") {
      this.shift();
      this.expectChar("/");
      if (this.la.type !== "NUMBER") this.syntax();
      const text = `${t.text}/${this.shift().text}`;
      return [this.hostString(text, t, not)];
    }
    if (this.acceptChar("(")) {
      const nameTok = this.expectString();
      this.expectChar(")");
      let name = nameTok.text;
      if (!/^[A-Za-z]/.test(name)) this.fail(`invalid interface name '${name}'`, undefined, nameTok);
      let modifier: PfIfModifier | undefined;
      const colon = name.indexOf(":");
      if (colon >= 0) {
        const m = name.slice(colon + 1);
        if (m !== "network" && m !== "broadcast" && m !== "peer" && m !== "0") {
          this.fail(`interface ${name} has bad modifier`, "one of :network, :broadcast, :peer, :0", nameTok);
        }
        modifier = m;
        name = name.slice(0, colon);
      }
      if (this.isChar("/")) this.fail("masks on dynamic addresses (`(if)/N`) are not part of this model's pf language");
      return [{ kind: "dynamic", name, ...(modifier ? { modifier } : {}), ...n }];
    }
    if (this.acceptChar("<")) {
      const nameTok = this.expectString();
      this.expectChar(">");
      if (nameTok.text.length >= 32) this.fail(`table name '${nameTok.text}' too long`, "at most 31 characters", nameTok);
      return [{ kind: "table", name: nameTok.text, ...n }];
    }
    if (this.isKw("route")) this.fail("`route LABEL` addresses are not part of this model's pf language");
    this.syntax();
  }

  /** pfctl's host(): an address, else an interface or group (`em0`, `em0:network`, `egress`, `self`). */
  private hostString(text: string, tok: Token, not: boolean): PfHost {
    const n = not ? { not: true } : {};
    const lit = parseLiteralAddress(text);
    if (lit) return { kind: "address", address: lit.address, ...n };
    let name = text;
    let modifier: PfIfModifier | undefined;
    const m = /^(.*):(network|broadcast|peer|0)$/.exec(text);
    if (m) {
      name = m[1];
      modifier = m[2] as PfIfModifier;
    }
    const plausible = /^[A-Za-z][A-Za-z0-9_.-]*$/.test(name) && !text.includes("/");
    const known = this.ctx.interfaces ? interfaceExists(name, this.ctx.interfaces) : plausible;
    if (!known) {
      this.out.stderr.push(`no IP address found for ${text}`);
      const names = this.ctx.interfaces ? this.ctx.interfaces.map((i) => i.name).join(", ") : "";
      this.fail("could not parse host specification", `\`${text}\` is not an IPv4/IPv6 address or network${this.ctx.interfaces ? `, nor an interface or group of this host (${names})` : " nor an interface name"}`, tok);
    }
    return { kind: "interface", name, ...(modifier ? { modifier } : {}), ...n };
  }

  private portspec(): PfPort[] {
    if (this.acceptChar("{")) {
      this.optnl();
      const out = [this.portItem()];
      this.optnl();
      while (!this.isChar("}")) {
        this.acceptChar(",");
        out.push(this.portItem());
        this.optnl();
      }
      this.shift();
      return out;
    }
    return [this.portItem()];
  }

  private unaryop(): PfPortOp | undefined {
    const t = this.la;
    let op: PfPortOp | undefined;
    if (t.type === "NE") op = "!=";
    else if (t.type === "LE") op = "<=";
    else if (t.type === "GE") op = ">=";
    else if (t.type === "CHAR" && (t.text === "=" || t.text === "<" || t.text === ">")) op = t.text as PfPortOp;
    if (op) this.shift();
    return op;
  }

  private portItem(): PfPort {
    const op = this.unaryop();
    const first = this.portrange();
    if (op) {
      if (first.to !== undefined) this.fail("':' cannot be used with an other port operator");
      return { op, port: first.port };
    }
    if (this.la.type === "PORTBINARY") {
      const bin = this.shift().op as PfPortOp;
      const second = this.portrange();
      if (first.to !== undefined || second.to !== undefined) this.fail("':' cannot be used with an other port operator");
      if ((bin === "><" && first.port >= second.port) || (bin === "<>" && first.port > second.port)) {
        this.fail("invalid port range", `\`${first.port} ${bin} ${second.port}\`: the first port must be lower`);
      }
      return { op: bin, port: first.port, to: second.port };
    }
    if (first.to !== undefined) {
      if (first.port > first.to) this.fail("invalid port range", `\`${first.port}:${first.to}\`: the first port must not be higher`);
      return { op: ":", port: first.port, to: first.to };
    }
    return { op: "=", port: first.port };
  }

  /** portrange: a port, a service name, or `a:b`. */
  private portrange(): { port: number; to?: number } {
    const t = this.numberstring();
    const colon = t.text.indexOf(":");
    if (colon < 0) return { port: this.getservice(t.text, t) };
    const a = this.getservice(t.text.slice(0, colon), t);
    const b = this.getservice(t.text.slice(colon + 1), t);
    return a === b ? { port: a } : { port: a, to: b };
  }

  private getservice(s: string, t: Token): number {
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      if (n > 65535) this.fail(`illegal port value ${s}`, "a port is 0-65535", t);
      return n;
    }
    const p = servicePort(s);
    if (p === undefined) this.fail(`unknown port ${s}`, "a number 0-65535 or a service name from /etc/services such as isakmp, ipsec-nat-t, ssh, https", t);
    return p;
  }

  // ---- filter options ----------------------------------------------------------------------

  private filterOpts(anchor: boolean): Partial<PfFilterRule> {
    const o: Partial<PfFilterRule> = {};
    if (this.osName !== undefined) {
      o.os = this.osName;
      this.osName = undefined;
    }
    let flagsSeen = false;
    let keepSeen = false;
    for (;;) {
      const t = this.la;
      if (t.type === "CHAR" && t.text === "!") {
        this.shift();
        if (this.acceptKw("received-on")) {
          o.receivedOn = { name: this.expectString().text, not: true };
          continue;
        }
        this.expectKw("tagged");
        o.tagged = { name: this.string(), not: true };
        continue;
      }
      if (t.type !== "KW") return o;
      if (anchor && t.text !== "tag" && t.text !== "tagged") {
        if (t.text === "flags" || t.text === "keep" || t.text === "no" || t.text === "label" || UNSUPPORTED_RULE_OPTS.has(t.text)) {
          this.fail(`\`${t.text}\` on an anchor rule is not part of this model's pf language`, "anchor rules take tag and tagged");
        }
        return o;
      }
      switch (t.text) {
        case "flags": {
          this.shift();
          if (flagsSeen) this.fail("flags cannot be redefined");
          flagsSeen = true;
          if (this.acceptKw("any")) {
            o.flags = "any";
            break;
          }
          let set = 0;
          if (!this.isChar("/")) set = this.flag();
          this.expectChar("/");
          const mask = this.flag();
          if ((set & mask) !== set) this.fail("flags always false", `\`${flagString(set)}/${flagString(mask)}\`: the flags must be a subset of the mask`);
          o.flags = `${flagString(set)}/${flagString(mask)}`;
          break;
        }
        case "no":
        case "keep":
        case "modulate":
        case "synproxy": {
          this.shift();
          this.expectKw("state");
          if (keepSeen) this.fail("modulate or keep cannot be redefined");
          keepSeen = true;
          o.state = t.text === "no" ? "no" : (t.text as PfStateMode);
          if (t.text !== "no" && this.acceptChar("(")) {
            const so = this.stateOpts();
            if (Object.keys(so).length > 0) o.stateOptions = so;
          }
          break;
        }
        case "fragment":
          this.shift();
          o.fragment = true;
          break;
        case "received-on":
          this.shift();
          o.receivedOn = { name: this.expectString().text };
          break;
        case "user":
        case "group": {
          this.shift();
          const items = this.ugids(t.text);
          if (t.text === "user") o.users = items;
          else o.groups = items;
          break;
        }
        case "prio": {
          this.shift();
          if (o.prio !== undefined) this.fail("prio cannot be redefined");
          if (this.la.type !== "NUMBER") this.syntax();
          const n = this.shift().num as number;
          if (n < 0 || n > 7) this.fail("prio must be 0 - 7");
          o.prio = n;
          break;
        }
        case "max-pkt-rate": {
          this.shift();
          if (this.la.type !== "NUMBER") this.syntax();
          const limit = this.shift().num as number;
          this.expectChar("/");
          if (this.la.type !== "NUMBER") this.syntax();
          const seconds = this.shift().num as number;
          if (o.maxPktRate) this.fail("cannot respecify max-pkt-rate");
          o.maxPktRate = { limit, seconds };
          break;
        }
        case "probability": {
          this.shift();
          const v = this.numberstring();
          const m = /^(\d+(?:\.\d*)?)(%?)$/.exec(v.text);
          if (!m) this.fail(`invalid probability: ${v.text}`, undefined, v);
          const p = Number(m[1]) * (m[2] ? 0.01 : 1);
          const u = Math.floor(p * 0xffffffff + 0.5);
          if (u < 0 || u > 0xffffffff) this.fail(`invalid probability: ${p * 100}%`, undefined, v);
          o.probability = u === 0 ? 1 : u;
          break;
        }
        case "divert-to": {
          this.shift();
          const a = this.expectString();
          const lit = parseLiteralAddress(a.text);
          if (!lit || lit.address.includes("/")) this.fail(`could not parse divert address: ${a.text}`, undefined, a);
          this.expectKw("port");
          const port = this.portrange().port;
          if (o.divertTo) this.fail("more than one divert option");
          o.divertTo = { address: lit.address, port };
          break;
        }
        case "set": {
          // filter_sets: `set prio …`, `set tos …`, or `set ( …, … )`
          this.shift();
          const one = () => {
            if (this.acceptKw("prio")) {
              if (o.setPrio) this.fail("prio cannot be redefined");
              if (this.acceptChar("(")) {
                if (this.la.type !== "NUMBER") this.syntax();
                const a = this.shift().num as number;
                this.acceptChar(",");
                if (this.la.type !== "NUMBER") this.syntax();
                const b = this.shift().num as number;
                this.expectChar(")");
                if (a < 0 || a > 7 || b < 0 || b > 7) this.fail("prio must be 0 - 7");
                o.setPrio = [a, b];
              } else {
                if (this.la.type !== "NUMBER") this.syntax();
                const a = this.shift().num as number;
                if (a < 0 || a > 7) this.fail("prio must be 0 - 7");
                o.setPrio = [a, a];
              }
            } else if (this.acceptKw("tos")) {
              if (o.setTos !== undefined) this.fail("tos cannot be respecified");
              const v = this.numberstring();
              const n = v.type === "NUMBER" ? (v.num as number) : TOS_WORDS[v.text.toLowerCase()] ?? (/^0x[0-9a-fA-F]+$/.test(v.text) ? parseInt(v.text, 16) : 256);
              if (n < 0 || n > 255) this.fail(`illegal tos value ${v.text}`, `a number 0-255 or one of ${Object.keys(TOS_WORDS).join(", ")}`, v);
              o.setTos = n;
            } else if (this.isKw("queue") || this.isKw("delay")) {
              this.fail(`\`set ${this.la.text}\` is valid pf.conf but not part of this model's pf language`);
            } else this.syntax();
          };
          if (this.acceptChar("(")) {
            let first = true;
            while (!this.isChar(")")) {
              if (!first) this.acceptChar(",");
              first = false;
              one();
            }
            this.shift();
          } else one();
          break;
        }
        case "route-to":
        case "reply-to":
        case "dup-to": {
          this.shift();
          if (o.route) this.fail("cannot respecify route-to/reply-to/dup-to");
          const { target, list } = this.poolTarget();
          o.route = { kind: t.text as "route-to" | "reply-to" | "dup-to", host: target };
          this.poolOpts(o, target);
          if (list) o.pool = { ...(o.pool ?? {}), list };
          break;
        }
        case "binat-to": {
          this.shift();
          if (this.isChar("{")) this.fail("address pools in `binat-to` are not part of this model's pf language", "give one address");
          if (o.natTo || o.binatTo) this.fail("cannot respecify nat-to/binat-to");
          o.binatTo = this.host(false)[0]!;
          break;
        }
        case "icmp-type":
        case "icmp6-type":
          this.shift();
          if (o.icmpTypes) this.fail("icmp-type cannot be redefined");
          o.icmpTypes = this.icmpspec(t.text === "icmp6-type");
          break;
        case "scrub": {
          this.shift();
          this.expectChar("(");
          const sc: PfScrub = {};
          let first = true;
          while (!this.isChar(")")) {
            if (!first) this.acceptChar(",");
            first = false;
            if (this.acceptKw("no-df")) sc.noDf = true;
            else if (this.acceptKw("random-id")) sc.randomId = true;
            else if (this.acceptKw("min-ttl")) {
              if (this.la.type !== "NUMBER") this.syntax();
              sc.minTtl = this.shift().num as number;
            } else if (this.acceptKw("max-mss")) {
              if (this.la.type !== "NUMBER") this.syntax();
              sc.maxMss = this.shift().num as number;
            } else if (this.acceptKw("reassemble")) {
              const w = this.expectString();
              if (w.text !== "tcp") this.fail("reassemble only supports tcp, not '%s'".replace("%s", w.text), undefined, w);
              sc.reassembleTcp = true;
            } else this.syntax();
          }
          this.shift();
          o.scrub = sc;
          break;
        }
        case "allow-opts":
          this.shift();
          o.allowOpts = true;
          break;
        case "once":
          this.shift();
          o.once = true;
          break;
        case "label":
          this.shift();
          if (o.label !== undefined) this.fail("label cannot be redefined");
          o.label = this.expectString().text;
          break;
        case "tag":
          this.shift();
          o.tag = this.string();
          if (o.tag.length >= 64) this.fail("tag too long, max 63 chars");
          break;
        case "tagged":
          this.shift();
          o.tagged = { name: this.string() };
          if (o.tagged.name.length >= 64) this.fail("tag too long, max 63 chars");
          break;
        case "rtable": {
          this.shift();
          if (this.la.type !== "NUMBER") this.syntax();
          const n = this.shift().num as number;
          if (n < 0 || n > 255) this.fail("invalid rtable id");
          o.rtable = n;
          break;
        }
        case "nat-to":
        case "rdr-to": {
          this.shift();
          const { target, list } = this.poolTarget();
          const hosts = [target];
          if (t.text === "nat-to") {
            if (o.natTo) this.fail("cannot respecify nat-to/binat-to");
            o.natTo = hosts[0];
          } else {
            if (o.rdrTo) this.fail("cannot respecify rdr-to");
            let port: number | undefined;
            if (this.acceptKw("port")) port = this.portrange().port;
            o.rdrTo = port === undefined ? { host: hosts[0] } : { host: hosts[0], port };
          }
          this.poolOpts(o, hosts[0]!);
          if (list) o.pool = { ...(o.pool ?? {}), list };
          if (t.text === "nat-to" && this.acceptKw("static-port")) o.staticPort = true;
          break;
        }
        default:
          if (UNSUPPORTED_RULE_OPTS.has(t.text)) {
            this.fail(`\`${t.text}\` is valid pf.conf but not part of this model's pf language`, `supported rule options: ${SUPPORTED_RULE_OPTS}`);
          }
          return o;
      }
    }
  }

  /** parse.y reticmpspec/reticmp6spec: a code name of unreach or a number 0-255, as (type << 8) | code. */
  private reticmpspec(v6: boolean): number {
    const t = this.la;
    const type = v6 ? 1 : 3;
    if (t.type === "NUMBER") {
      this.shift();
      const n = t.num as number;
      if (n < 0 || n > 255) this.fail("invalid icmp code %lu".replace("%lu", String(n)), "0-255", t);
      return (type << 8) | n;
    }
    const word = this.expectString();
    const c = icmpCodeNumber(type, word.text, v6);
    if (c === undefined) this.fail(`unknown icmp code ${word.text}`, `one of ${(v6 ? ICMP6_CODES : ICMP_CODES).filter(([, ty]) => ty === type).map(([n]) => n).join(", ")}`, word);
    return (type << 8) | c;
  }

  /** `icmp-type`/`icmp6-type` list: `T [code C]` or `{ T [code C], … }`. */
  private icmpspec(v6: boolean): PfIcmpType[] {
    const item = (): PfIcmpType => {
      const t = this.la;
      let type: number;
      if (t.type === "NUMBER") {
        this.shift();
        type = t.num as number;
        if (type < 0 || type > 255) this.fail("illegal icmp-type %lu".replace("%lu", String(type)), "0-255", t);
      } else {
        const w = this.expectString();
        const n = icmpTypeNumber(w.text, v6);
        if (n === undefined) this.fail(`unknown icmp${v6 ? "6" : ""}-type ${w.text}`, `one of ${(v6 ? ICMP6_TYPES : ICMP_TYPES).map(([x]) => x).join(", ")}`, w);
        type = n;
      }
      if (!this.acceptKw("code")) return v6 ? { type, v6 } : { type };
      const c = this.la;
      let code: number;
      if (c.type === "NUMBER") {
        this.shift();
        code = c.num as number;
        if (code < 0 || code > 255) this.fail("illegal icmp-code %lu".replace("%lu", String(code)), "0-255", c);
      } else {
        const w = this.expectString();
        const n = icmpCodeNumber(type, w.text, v6);
        if (n === undefined) this.fail(`unknown icmp-code ${w.text}`, undefined, w);
        code = n;
      }
      return v6 ? { type, code, v6 } : { type, code };
    };
    if (!this.acceptChar("{")) return [item()];
    this.optnl();
    const out: PfIcmpType[] = [];
    while (!this.isChar("}")) {
      this.acceptChar(",");
      this.optnl();
      out.push(item());
      this.optnl();
    }
    this.shift();
    return out;
  }

  /** parse.y uids/gids: one item or `{ list }`; an item is `ID`, `OP ID` or `ID >< ID`. */
  private ugids(what: "user" | "group"): PfUgid[] {
    const id = (): number | string => {
      const t = this.la;
      if (t.type === "NUMBER") {
        this.shift();
        const n = t.num as number;
        if (n < 0 || n >= 0xffffffff) this.fail(`illegal ${what === "user" ? "uid" : "gid"} value ${n}`, undefined, t);
        return n;
      }
      const w = this.expectString();
      if (w.text === "unknown") return "unknown";
      const look = what === "user" ? this.opts.userId : this.opts.groupId;
      if (!look) return w.text;
      const n = look(w.text);
      if (n === undefined) this.fail(`unknown ${what} ${w.text}`, `a ${what} of the host or a number`, w);
      return n;
    };
    const item = (): PfUgid => {
      const op = this.unaryop();
      const a = id();
      if (op) {
        if (a === "unknown" && op !== "=" && op !== "!=") this.fail(`${what} unknown requires operator = or !=`);
        return { op, id: a };
      }
      if (this.la.type === "PORTBINARY") {
        const bin = this.shift().op as PfPortOp;
        const b = id();
        if (a === "unknown" || b === "unknown") this.fail(`${what} unknown requires operator = or !=`);
        return { op: bin, id: a, to: b };
      }
      return { op: "=", id: a };
    };
    if (!this.acceptChar("{")) return [item()];
    this.optnl();
    const out: PfUgid[] = [];
    while (!this.isChar("}")) {
      this.acceptChar(",");
      this.optnl();
      out.push(item());
      this.optnl();
    }
    this.shift();
    return out;
  }

  /**
   * A translation or route target: one host, or `{ list }`. A list of several addresses becomes the
   * constant table `<__automatic_N>` (parse.y collapse_redirspec/add_opt_table), echoed by `-v` as pfctl does.
   */
  private poolTarget(): { target: PfHost; list?: PfHost[] } {
    if (!this.acceptChar("{")) return { target: this.host(this.acceptChar("!"))[0]! };
    this.optnl();
    const list: PfHost[] = [];
    while (!this.isChar("}")) {
      this.acceptChar(",");
      this.optnl();
      list.push(...this.host(this.acceptChar("!")));
      this.optnl();
    }
    this.shift();
    if (list.length === 1) return { target: list[0]! };
    const name = `__automatic_${this.autoTables++}`;
    if (this.opts.verbose !== false) this.out.echo.push(renderTable({ name, const: true, addresses: this.resolveForPrint(list), files: [] }));
    return { target: { kind: "table", name }, list };
  }

  /**
   * parse.y pool_opts after a translation or route target. `round-robin` on an interface or table target is
   * pfctl's own choice (printed back, so read back without being stored); other types are kept.
   */
  private poolOpts(o: Partial<PfFilterRule>, target: PfHost): void {
    const pool: NonNullable<PfFilterRule["pool"]> = {};
    for (;;) {
      const t = this.la;
      if (t.type !== "KW") break;
      if (t.text === "sticky-address") {
        this.shift();
        if (pool.sticky) this.fail("sticky-address cannot be redefined");
        pool.sticky = true;
        continue;
      }
      if (t.text !== "bitmask" && t.text !== "random" && t.text !== "source-hash" && t.text !== "round-robin" && t.text !== "least-states") break;
      this.shift();
      if (pool.type) this.fail("pool type cannot be redefined");
      pool.type = t.text;
      if (t.text === "source-hash") {
        if (this.la.type === "STRING" && /^0x[0-9a-fA-F]{32}$/.test(this.la.text)) pool.key = this.shift().text.toLowerCase();
        else if (this.la.type === "STRING" || this.la.type === "NUMBER") this.fail("source-hash keys other than 0x followed by 32 hex digits are not part of this model's pf language");
      }
    }
    if (pool.type === "round-robin" && (target.kind === "dynamic" || target.kind === "table")) delete pool.type;
    if (pool.type !== undefined || pool.sticky) o.pool = pool;
  }

  private flag(): number {
    const t = this.expectString();
    const f = flagBits(t.text);
    if (f === undefined) this.fail(`bad flags ${t.text}`, `TCP flags are letters of ${TCP_FLAGS}`, t);
    return f;
  }

  private stateOpts(): PfStateOptions {
    const o: PfStateOptions = {};
    let lockSeen = false;
    let first = true;
    let adaptive: { start?: number; end?: number } = {};
    while (!this.isChar(")")) {
      if (!first) this.acceptChar(",");
      first = false;
      const t = this.la;
      if (t.type === "STRING") {
        this.shift();
        if (this.la.type !== "NUMBER") this.syntax();
        const v = this.shift().num as number;
        if (t.text === "adaptive.start") adaptive.start = v;
        else if (t.text === "adaptive.end") adaptive.end = v;
        else if (PF_TIMEOUT_NAMES.includes(t.text) && t.text !== "interval") {
          (o.timeouts ??= []).push({ name: t.text, seconds: v });
        } else this.fail(`unknown timeout ${t.text}`, `one of ${PF_TIMEOUT_NAMES.join(", ")}`, t);
        continue;
      }
      if (t.type !== "KW") this.syntax();
      switch (t.text) {
        case "max":
          this.shift();
          if (this.la.type !== "NUMBER") this.syntax();
          if (o.max !== undefined) this.fail("state option 'max' multiple definitions");
          o.max = this.shift().num as number;
          break;
        case "no-sync":
          this.shift();
          if (o.noSync) this.fail("state option 'sync' multiple definitions");
          o.noSync = true;
          break;
        case "if-bound":
        case "floating":
          this.shift();
          if (lockSeen) this.fail("state locking option: multiple definitions");
          lockSeen = true;
          if (t.text === "if-bound") o.ifBound = true;
          else o.floating = true;
          break;
        case "sloppy":
          this.shift();
          if (o.sloppy) this.fail("state sloppy option: multiple definitions");
          o.sloppy = true;
          break;
        case "pflow":
          this.shift();
          if (o.pflow) this.fail("state pflow option: multiple definitions");
          o.pflow = true;
          break;
        case "max-src-states":
        case "max-src-conn":
        case "max-src-nodes": {
          this.shift();
          if (this.la.type !== "NUMBER") this.syntax();
          const n = this.shift().num as number;
          const key = t.text === "max-src-states" ? "maxSrcStates" : t.text === "max-src-conn" ? "maxSrcConn" : "maxSrcNodes";
          if (o[key] !== undefined) this.fail(`state option '${t.text}' multiple definitions`);
          o[key] = n;
          break;
        }
        case "max-src-conn-rate": {
          this.shift();
          // parse.y: MAXSRCCONNRATE NUMBER '/' NUMBER
          if (this.la.type !== "NUMBER") this.syntax();
          const limit = this.shift().num as number;
          this.expectChar("/");
          if (this.la.type !== "NUMBER") this.syntax();
          const seconds = this.shift().num as number;
          if (o.maxSrcConnRate) this.fail("state option 'max-src-conn-rate' multiple definitions");
          if (!limit || !seconds) this.fail("'max-src-conn-rate' values must be > 0");
          o.maxSrcConnRate = { limit, seconds };
          break;
        }
        case "source-track":
          this.shift();
          if (o.sourceTrack) this.fail("state option 'source-track' multiple definitions");
          o.sourceTrack = this.acceptKw("global") ? "global" : (this.acceptKw("rule"), "rule");
          break;
        case "overload": {
          this.shift();
          this.expectChar("<");
          const tbl = this.expectString().text;
          this.expectChar(">");
          if (o.overload) this.fail("state option 'overload' multiple definitions");
          o.overload = { table: tbl };
          if (this.acceptKw("flush")) o.overload.flush = this.acceptKw("global") ? "global" : "rule";
          break;
        }
        default:
          this.syntax();
      }
    }
    this.shift();
    if (adaptive.start !== undefined || adaptive.end !== undefined) {
      const max = o.max ?? 0;
      if (adaptive.start !== Math.floor(max / 10) * 6 || adaptive.end !== Math.floor(max / 10) * 12) {
        this.fail("adaptive state timeouts are not part of this model's pf language", "only the values pfctl derives from `max N` are accepted");
      }
    }
    return o;
  }
}

/** Runs pfctl's parser on a file: the ruleset plus everything pfctl would print. */
export function parsePfDetailed(text: string, file = "pf.conf", opts: PfParseOptions = {}): PfParseOutput {
  return new PfParser(text, file, opts).run();
}

/**
 * Parses pf.conf / anchor text. With `opts.interfaces`, bare interface names must exist on the
 * host (as pfctl requires); `(em1)` stays dynamic. Errors carry pfctl's message (e.g.
 * `syntax error`) with the line and column; the value holds every statement that parsed.
 */
export function parsePf(text: string, file = "pf.conf", opts: { interfaces?: readonly PfInterface[] } = {}): ParseResult<PfRuleset> {
  const out = parsePfDetailed(text, file, { ...opts, verbose: false });
  return { value: out.ruleset, diagnostics: out.diagnostics };
}

export { contextOf };
