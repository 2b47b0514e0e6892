/**
 * Parser of ipsec.conf(5) (ipsecctl parse.y 1.184 grammar, reference/openbsd.md A.1).
 *
 * Never throws on bad input. Besides the public {@link parseIpsecConf}, {@link parseIpsecConfDetailed}
 * keeps what ipsecctl itself does with each problem, for the lab's `ipsecctl -n` emulator:
 * - `soft`: yyerror() without YYERROR (unknown transform, "auth already set"): the rule is still built
 *   with the default and printed by `-v`, the load fails at the end;
 * - `hard`: the rule is dropped (syntax errors, validate_sa, missing peer, …);
 * - `fatal`: err(1, …) ends ipsecctl at once (`invalid time unit`);
 * - `generate`: the parser accepts it, generating isakmpd's configuration fails (`illegal transform`);
 * - `errx`: expand_rule refuses a manual SA's reverse SA after loading the forward one, and ipsecctl stops;
 * - `abort`: the rule is loaded and printed, then ipsecctl aborts as it frees the rules at its end (a double free);
 * - `warning`: accepted by ipsecctl, reported by lint only;
 * - `stderr`: a line ipsecctl prints without counting an error (`no IP address found for X`, the
 *   `pushfile:` warning of an include it cannot open); not a diagnostic.
 */
import type { Diagnostic, ParseResult } from "../diagnostics";
import { Lexer, type Token } from "./lexer";
import { strtonumError } from "../strtonum";
import { ENC_INFO, PHASE1_AUTH, PHASE1_ENC, type EncTransform } from "./transforms";
import type { FlowRule, FlowType, IkeMainPhase, IkePhase, IkeRule, IpsecConf, IpsecStatement, SaType } from "./types";
import { ISAKMPD_ID_HINT, ISAKMPD_VALUE_HINT, statementProblems } from "./validate";
import { FLOW_TYPES, MAX_HOST_LIST_NESTING, SATYPE_NUMBER, SATYPE_WORDS, SyntaxError_, YaccOverflow, problemDiagnostic, type ParsedItem, type ParseOptions } from "./parser-base";
import { SaRuleParser } from "./parser-sa";
import { isStackExhaustion } from "../stack-exhaustion";

export type { ParsedItem, ParseOptions, ParseProblem } from "./parser-base";
export { problemDiagnostic, problemMessage } from "./parser-base";

class Parser extends SaRuleParser {
  parseFile(text: string, file: string): void {
    const saved = { lexer: this.lexer, buffered: this.buffered };
    this.lexer = new Lexer(text, file, this.macros, (e) => this.lexError(e));
    this.buffered = [];
    this.depth++;
    try {
      while (!this.stopped) {
        // a new statement's problems start before its first token is read (an undefined macro there is its own)
        if (this.buffered.length === 0) this.problems = [];
        const t = this.peek();
        if (t.kind === "eof") {
          // the end of the input read where a statement would start may have been an error of its own (a quoted
          // string left open to the end of the file: yylex reports it and returns 0)
          if (this.problems.length) this.items.push({ kind: "dropped", problems: this.problems });
          break;
        }
        if (t.kind === "nl") {
          this.next();
          continue;
        }
        this.statement();
      }
    } finally {
      this.depth--;
      this.lexer = saved.lexer;
      this.buffered = saved.buffered;
    }
  }


  /**
   * True when `t` ends a statement: parse.y's grammar wants a newline after each one, so the end of the main
   * file right after a rule (a last line without its newline) is a `syntax error`; an included file's end
   * is not (lgetc reads on in the including file).
   */
  private endsStatement(t: Token): boolean {
    return t.kind === "nl" || (t.kind === "eof" && this.depth > 1);
  }

  protected statement(): void {
    this.fieldTokens = new Map();
    this.nullXfs = [];
    this.badSatype = undefined;
    this.natSrc = undefined;
    this.actionFailed = false;
    this.finishing = false;
    this.saMore = [];
    const first = this.peek();
    let stmt: IpsecStatement | undefined;
    let end: Token | undefined;
    try {
      // varset: STRING '=' string — a quoted name too; a word that starts a statement is shifted as a macro's
      // name, so what follows it other than `=` is the syntax error
      if (first.kind === "string") {
        if (this.peek(1).kind === "punct" && this.peek(1).text === "=") {
          this.macroDef();
          return;
        }
        this.next();
        throw new SyntaxError_(this.peek());
      }
      if (first.kind === "keyword") {
        switch (first.text) {
          case "include":
            this.include();
            return;
          case "ike":
            stmt = this.ikeRule();
            break;
          case "flow":
            stmt = this.flowRule();
            break;
          case "tcpmd5":
            stmt = this.tcpMd5Rule();
            break;
          case "esp":
          case "ah":
          case "ipcomp":
          case "ipip":
          case "tunnel":
          case "transport":
          // parse.y sarule: `satype tmode hosts …`, satype and tmode may be empty, and hosts start with from or to
          case "from":
          case "to":
            stmt = this.saRule();
            break;
          default:
            throw new SyntaxError_(first);
        }
      } else throw new SyntaxError_(first);
      end = this.next();
      if (!this.endsStatement(end)) {
        // byacc's default reductions: when the rule's last element (ike `tag`, an interface ike rule's auth, flow
        // `type`, tcpmd5 `authkey`, a manual SA's `bundle`) is complete, the rule is reduced, and so added, before
        // the unexpected token is seen
        const complete = (stmt.type === "ike" && (stmt.tag !== undefined || (stmt.iface !== undefined && stmt.auth !== undefined))) || (stmt.type === "flow" && stmt.flowType !== undefined) || (stmt.type === "tcpmd5" && stmt.authkey.out !== "") || (stmt.type === "sa" && stmt.bundle !== undefined);
        if (complete) {
          const bad = end;
          // reduced before yylex made the token: what the lexer reported of it (an undefined macro) is not the rule's
          const lexed = this.lexedProblems.get(bad) ?? [];
          this.problems = this.problems.filter((p) => !lexed.includes(p));
          const hard = (ps: readonly { effect: string }[]) => ps.filter((p) => p.effect === "hard" || p.effect === "fatal").length;
          const before = hard(this.problems);
          const at = this.items.length;
          this.finishRule(stmt, first, bad);
          // the reduction's action refused the rule (YYERROR): byacc recovers from there, before it reads the token,
          // so that token's syntax error is never printed (`… bundle B enckey K`: only `no encryption key specified`)
          const refusedAtReduction = hard(this.items[at]?.problems ?? []) > before;
          this.problems = [...lexed];
          if (refusedAtReduction) this.actionFailed = true;
          throw new SyntaxError_(bad);
        }
        throw new SyntaxError_(end);
      }
    } catch (e) {
      if (e instanceof YaccOverflow || isStackExhaustion(e)) {
        // yyparse aborts: the rule and all after it are never read
        const at = e instanceof YaccOverflow ? e.token : this.peek();
        this.problem(at, "hard", "yacc stack overflow", undefined, `lists nested more than ${MAX_HOST_LIST_NESTING} deep (ipsecctl reads no further); write their entries as one list`);
        this.items.push({ kind: "dropped", problems: this.problems });
        this.problems = [];
        this.stopped = true;
        return;
      }
      if (!(e instanceof SyntaxError_)) throw e;
      this.recover(e);
      return;
    }
    this.finishRule(stmt, first, end);
  }

  /** Adds the semantic checks of parse.y (hard) and ike.c (generate) and records the rule. */
  protected finishRule(stmt: IpsecStatement, first: Token, end: Token): void {
    this.finishing = true;
    const fatal = this.problems.some((p) => p.effect === "fatal" || p.effect === "hard");
    // transforms written as `none`/`unknown` were stored as null: checked here as create_ike and ike.c do
    const rec = stmt as unknown as Record<string, Record<string, unknown> | undefined>;
    for (const n of this.nullXfs) {
      const [phase, kind] = n.field.split(".") as [string, string];
      const ph = rec[phase];
      if (ph) delete ph[kind];
      const enc = rec.quick?.enc;
      // create_ike()'s check, in the rule's action: never reached after an earlier action's YYERROR (a host)
      if (!fatal && n.field === "quick.auth" && typeof enc === "string" && ENC_INFO[enc as EncTransform]?.noAuth) {
        this.problem(n.tok, "hard", `authentication is implicit for ${enc}`, n.field, "remove quick.auth", end);
      }
    }
    const sp = fatal ? [] : statementProblems(stmt);
    // a rule parse.y refuses is never generated: no `illegal satype` or `illegal transform` of ike.c beside a parse error
    const refused = sp.some((p) => p.stage !== "model" && p.stage !== "generate");
    const created = !refused && !this.problems.some((p) => p.effect === "fatal" || p.effect === "hard");
    if (created) {
      if (this.badSatype) this.problem(this.badSatype.tok, "generate", `illegal satype ${this.badSatype.number}`, "satype", "isakmpd negotiates esp and ah only", end);
      for (const n of this.nullXfs) this.problem(n.tok, "generate", `illegal transform ${n.name}`, n.field, n.field.startsWith("main") ? `phase 1 accepts ${n.field.endsWith("auth") ? PHASE1_AUTH.join(", ") : PHASE1_ENC.join(", ")}` : "name a transform", end);
    }
    if (!fatal) {
      for (const p of sp) {
        if (p.stage === "model") {
          // ipsecctl takes it (host bits: it keeps the address as written, host() warned); a tag pf cannot hold is
          // only found when isakmpd sets up the SA: lint warns of it
          if (p.field === "tag" && p.hint !== ISAKMPD_VALUE_HINT) this.problem(this.fieldTokens.get("tag") ?? first, "warning", p.text, p.field, `${p.hint ?? ""}: \`ipsecctl -n\` takes it, pf's tag names do not`, end);
          // a lifetime of 0 or less (or one past a C int, wrapped): ipsecctl hands it to isakmpd as it is
          if (p.field.endsWith(".lifetime")) this.problem(this.fieldTokens.get(p.field) ?? first, "warning", p.text, p.field, `${p.hint ?? ""}: \`ipsecctl -n\` takes it as it is`, end);
          // a manual SA's `auth none` loads: ESP without integrity (or an `unknown`/`none` that no key can satisfy)
          if (p.field === "auth" || p.field === "enc") this.problem(this.fieldTokens.get(p.field) ?? first, "warning", p.text, p.field, p.hint, end);
          // an identity with a space or `]` (or too long) loads, and isakmpd then reads another configuration
          if (p.hint === ISAKMPD_ID_HINT || p.hint === ISAKMPD_VALUE_HINT) this.problem(this.fieldTokens.get(p.field) ?? first, "warning", p.text, p.field, `\`ipsecctl -n\` takes it; ${p.hint}`, end);
          continue;
        }
        if (refused && p.stage === "generate") continue;
        const key = [...this.fieldTokens.keys()].find((k) => p.field === k) ??
          [...this.fieldTokens.keys()].find((k) => p.field.startsWith(`${k}.`) || p.field.startsWith(`${k}[`));
        const tok = (key && this.fieldTokens.get(key)) || first;
        this.problem(tok, p.stage === "generate" ? "generate" : p.stage === "errx" ? "errx" : "hard", p.text, p.field, p.hint, end);
        if (p.stage === "expand") this.problems[this.problems.length - 1]!.noRecovery = true;
        if (p.loadedPairs) this.problems[this.problems.length - 1]!.loadedPairs = p.loadedPairs;
      }
    }
    if (this.natSrc && stmt?.type !== "ike" && !this.problems.some((p) => p.effect === "fatal" || p.effect === "hard")) {
      this.problem(this.natSrc, "warning", "a (NAT) on a flow rule has no effect: ipsecctl ignores it there", "from", "remove the (NATSRC) part");
    }
    // ipsecctl stops at a refused reverse SA (errx), before it could free shared keys at its end
    if (this.problems.some((p) => p.effect === "errx")) this.problems = this.problems.filter((p) => p.effect !== "abort");
    const dropped = this.problems.some((p) => p.effect === "fatal" || p.effect === "hard");
    // a refused rule (YYERROR) is recovered from by shifting its newline: the next line's first tokens are quiet;
    // a rule expand_rule refused (yyerror only) leaves yacc as it was
    const recovering = this.problems.some((p) => (p.effect === "fatal" || p.effect === "hard") && !p.noRecovery);
    if (recovering && end.kind === "nl") {
      this.errflag = 2;
      this.unshifted = false;
    }
    this.items.push(dropped ? { kind: "dropped", problems: this.problems, statement: stmt } : { kind: "rule", statement: stmt, problems: this.problems, line: end.line });
    // the other pairs of a manual SA written with lists, each a rule of its own (ipsecctl's expand_rule)
    if (!dropped && (stmt.type === "sa" || stmt.type === "tcpmd5"))
      for (const [from, to] of this.saMore) this.items.push({ kind: "rule", statement: { ...stmt, from, to }, problems: [] });
  }

  protected macroDef(): void {
    const nameTok = this.next();
    this.next(); // '='
    const parts: string[] = [];
    // parse.y varset: STRING '=' string, `string: string STRING | STRING`: words and quoted strings only; a keyword
    // (`spi`, `esp`) or a decimal number is no STRING token, and the definition is a syntax error there
    while (this.peek().kind === "string") parts.push(this.next().text);
    const end = this.next();
    if (parts.length === 0 || !this.endsStatement(end)) {
      const quiet = this.errflag > 0;
      this.problem(end, "hard", "syntax error", undefined, "a macro is NAME = \"value\"");
      if (quiet) this.problems[this.problems.length - 1]!.quiet = true;
      let t = end;
      while (t.kind !== "nl" && t.kind !== "eof") t = this.next();
      this.errflag = 2;
      this.unshifted = false;
      this.items.push({ kind: "dropped", problems: this.problems });
      return;
    }
    const value = parts.join(" ");
    // varset (after printing the definition with -v) rejects white space in the name — from its second
    // character on: its loop steps past each character before it looks; any other name is stored, though
    // `$name` reads only letters, digits and _, so such a macro cannot be used
    if (/[ \t\n\v\f\r]/.test(nameTok.text.slice(1))) {
      this.problem(nameTok, "hard", "macro name cannot contain whitespace", undefined, "a macro name is letters, digits and _", end);
      this.items.push({ kind: "macro", name: nameTok.text, value, problems: this.problems });
      // YYERROR with the newline read: yacc recovers by shifting it
      this.errflag = 2;
      this.unshifted = false;
      return;
    }
    if (!/^[A-Za-z0-9_]+$/.test(nameTok.text)) this.problem(nameTok, "warning", `macro name \`${nameTok.text}\` cannot be used`, undefined, "ipsecctl stores it, but `$` reads only letters, digits and _; rename it");
    this.macros.set(nameTok.text, value);
    this.items.push({ kind: "macro", name: nameTok.text, value, problems: this.problems });
  }

  protected include(): void {
    this.next();
    const pathTok = this.expectString();
    // `include: INCLUDE STRING` is reduced at the STRING (its state only reduces): pushfile() runs before yylex reads on
    const text = this.opts.include?.(pathTok.text);
    if (text === undefined || this.depth > 16) {
      if (text === undefined) this.problem(pathTok, "stderr", `ipsecctl: pushfile: ${pathTok.text}: No such file or directory`, "include");
      this.problem(pathTok, "hard", `failed to include file ${pathTok.text}`, "include", this.depth > 16 ? "includes nested too deeply" : undefined);
      // YYERROR: `grammar error '\n'` drops the rest of the line quietly and shifts its newline (yyerrflag 3, then 2)
      for (let t = this.next(); t.kind !== "nl" && t.kind !== "eof"; t = this.next());
      this.errflag = 2;
      this.unshifted = false;
      this.items.push({ kind: "dropped", problems: this.problems });
      return;
    }
    const end = this.next();
    if (!this.endsStatement(end)) throw new SyntaxError_(end);
    this.parseFile(text, pathTok.text);
  }

  // ---- pieces shared by the rules -------------------------------------------------------------

  /** `any`, `ADDR`, `ADDR/LEN`, `NAME`. */
  protected ikeRule(): IkeRule {
    this.expectKw("ike");
    const r: Partial<IkeRule> = { type: "ike" };
    for (const m of ["active", "passive", "dynamic"] as const) if (!r.mode && this.accept(m)) r.mode = m;
    if (this.isKw("interface")) return this.ikeInterface(r);
    const sat = this.peek();
    if (sat.kind === "keyword" && SATYPE_WORDS.has(sat.text)) {
      this.next();
      this.mark("satype", sat);
      if (sat.text === "esp" || sat.text === "ah") r.satype = sat.text;
      else this.badSatype = { tok: sat, number: SATYPE_NUMBER[sat.text]! };
    }
    if (this.accept("tunnel")) r.encap = "tunnel";
    else if (this.accept("transport")) r.encap = "transport";
    this.selectors(r);
    this.ikePhasesAndAuth(r);
    if (this.accept("tag")) {
      const t = this.expectString(true);
      this.mark("tag", t);
      r.tag = t.text;
    }
    return r as IkeRule;
  }

  /**
   * parse.y ikerule's second form, route-based: `ike [mode] interface secN [peers] [main …] [quick …] [ids] [auth]`
   * (no satype, mode, selectors or tag). iface's action checks the name (`sec` and a unit, strtonum 0-UINT_MAX);
   * the rule's action sets the selectors to 0.0.0.0/0 both ways.
   */
  private ikeInterface(r: Partial<IkeRule>): IkeRule {
    this.next();
    const t = this.next();
    if (t.kind !== "string") throw new SyntaxError_(t);
    this.mark("iface", t);
    const unit = t.text.length > 3 && t.text.startsWith("sec") ? strtonumError(t.text.slice(3), 0, 0xffffffff) : "name";
    if (unit === "name") this.problem(t, "hard", "invalid sec interface name", "iface", `\`${t.text}\`: a sec(4) interface, e.g. sec0`);
    else if (unit !== undefined) this.problem(t, "hard", `invalid sec interface unit: ${unit}`, "iface", `\`${t.text}\`: the unit is 0-4294967295`);
    else r.iface = Number(/[-+]?\d+$/.exec(t.text)![0]);
    r.from = { addresses: [{ kind: "ip", address: "0.0.0.0", prefix: 0 }] };
    r.to = { addresses: [{ kind: "ip", address: "0.0.0.0", prefix: 0 }] };
    const peers = this.peers();
    if (peers.local) r.local = peers.local;
    if (peers.peer) r.peer = peers.peer;
    this.ikePhasesAndAuth(r);
    return r as IkeRule;
  }

  /** ikerule's `phase1mode phase2mode ids ikeauth`, shared by its two forms. */
  private ikePhasesAndAuth(r: Partial<IkeRule>): void {
    if (this.isKw("main") || this.isKw("aggressive")) {
      const t = this.next();
      this.mark("main", t);
      const main: IkeMainPhase = t.text === "aggressive" ? { aggressive: true } : {};
      this.transforms("main", main, false, true);
      this.lifetime("main.lifetime", main);
      r.main = main;
    }
    if (this.isKw("quick")) {
      this.mark("quick", this.next());
      const quick: IkePhase = {};
      this.transforms("quick", quick, false, true);
      this.lifetime("quick.lifetime", quick);
      r.quick = quick;
    }
    this.ids(r);
    if (this.isKw("psk")) {
      this.mark("psk", this.next());
      const t = this.next();
      if (t.kind !== "string") throw new SyntaxError_(t, true);
      r.auth = { kind: "psk", psk: t.text };
    } else if (this.accept("rsa")) r.auth = { kind: "rsa" };
  }

  /** `[proto P] from A [port] to B [port] [local L] [peer P]`: the part ike and flow rules share (parse.y ikerule/flowrule). */
  protected selectors(r: Partial<IkeRule> | Partial<FlowRule>): void {
    const proto = this.proto();
    if (proto !== undefined) r.proto = proto;
    const { from, to } = this.hosts();
    r.from = from;
    r.to = to;
    const peers = this.peers();
    if (peers.local) r.local = peers.local;
    if (peers.peer) r.peer = peers.peer;
  }

  protected flowRule(): FlowRule {
    this.expectKw("flow");
    const r: Partial<FlowRule> = { type: "flow" };
    const sat = this.peek();
    if (sat.kind === "keyword" && SATYPE_WORDS.has(sat.text)) r.satype = this.next().text as SaType;
    if (this.accept("in")) r.direction = "in";
    else if (this.accept("out")) r.direction = "out";
    this.selectors(r);
    this.ids(r);
    if (this.accept("type")) {
      const t = this.next();
      this.mark("flowType", t);
      if (t.kind !== "keyword" || !FLOW_TYPES.has(t.text)) throw new SyntaxError_(t);
      r.flowType = t.text as FlowType;
    }
    const ordered: FlowRule = { type: "flow", ...r } as FlowRule;
    return ordered;
  }
}

/** Parses ipsec.conf and keeps, statement by statement, what ipsecctl does with each problem. */
export function parseIpsecConfDetailed(text: string, file = "ipsec.conf", opts: ParseOptions = {}): ParsedItem[] {
  const macros = new Map<string, string>(Object.entries(opts.defines ?? {}));
  const p = new Parser(macros, opts);
  p.parseFile(text, file);
  return p.items;
}

/**
 * Parses ipsec.conf(5) text: macros (`name = "value"`, `$name`), `include` (through `opts.include`),
 * line continuations, comments and `{ a, b }` lists. The value holds every rule ipsecctl would load
 * (a rule with an error is left out); diagnostics carry file:line:column and ipsecctl's wording
 * prefixed by the field, e.g. `main.group: modp999 not a valid transform; one of none, modp768, …`.
 * Problems ipsecctl only finds when generating isakmpd's configuration are reported too.
 */
export function parseIpsecConf(
  text: string,
  file = "ipsec.conf",
  opts: { include?: (path: string) => string | undefined } = {},
): ParseResult<IpsecConf> {
  const items = parseIpsecConfDetailed(text, file, opts);
  const statements: IpsecStatement[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const item of items) {
    if (item.kind === "rule") statements.push(item.statement);
    for (const p of item.problems) if (p.effect !== "stderr") diagnostics.push(problemDiagnostic(p));
  }
  return { value: { statements }, diagnostics };
}
