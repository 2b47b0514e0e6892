/**
 * pf.conf parser: a recursive-descent rendition of pfctl's parse.y (1.719) for the language in
 * ./types. It reproduces pfctl's behaviour on bad input: the same messages on the same lines,
 * yacc's error recovery (skip to the end of the line; no new "syntax error" until three tokens
 * have been accepted), macros expanded by the lexer, interface names checked against the host's
 * interfaces when they are given. It never throws on bad input.
 *
 * Covered (what a VPN gateway's pf.conf uses): macros; `set skip on`, `set block-policy`,
 * `set state-policy`, `set state-defaults`, `set ruleset-optimization`, `set limit`, `set timeout`, `set optimization`,
 * `set loginterface`; tables (`const`, `persist`, `counters`, `file`, negated `!ADDR` entries);
 * pass/block/match with `drop`/`return`/`return-rst`/`return-icmp(…)`/`return-icmp6(…)`, `log` and
 * `log (all, matches, user, to pflogN)`, `quick`, `on [!] IF`, `inet`/`inet6`, `proto`, `from`/`to`
 * with addresses, networks, address ranges (`10.0.0.1 - 10.0.0.9`), interfaces and their `:network`/`:broadcast`/`:peer`/`:0` modifiers,
 * `(IF)`, `<table>`, `self`, `no-route`, `urpf-failed` and ports; `flags`, `icmp-type`/`icmp6-type
 * [code]`, `keep`/`modulate`/`synproxy`/`no state` with `max`, `no-sync`, `if-bound`, `floating`,
 * `sloppy`, `pflow`, `source-track`, `max-src-states`, `max-src-conn`, `max-src-conn-rate`,
 * `max-src-nodes`, `overload <T> [flush [global]]` and per-rule timeouts; `fragment`, `allow-opts`,
 * `scrub (no-df random-id min-ttl max-mss reassemble tcp)`, `label` (with `$if`, `$srcaddr`, …),
 * `tag`, `[!] tagged`, `once`, `rtable`, `nat-to ADDR [static-port]`, `rdr-to ADDR [port N]`, `binat-to ADDR`,
 * `route-to`/`reply-to`/`dup-to HOST` (one next hop), `[!] received-on IF`, `prio`, `set prio`, `tos`, `set tos`,
 * `set delay`, `max-pkt-rate`, `probability`, `divert-to ADDR port N`, `os "NAME"`, `user`/`group` (names resolved with
 * the host's ids when given); nat-to/rdr-to/route-to pools (one
 * target or `{ list }`, loaded as `<__automatic_N>`) with `bitmask`, `random`, `source-hash 0xKEY` or `source-hash WORDS` (their MD5),
 * `round-robin`, `least-states`, `sticky-address`;
 * `antispoof`; `anchor "NAME" … [{ inline rules, tables, anchors }]` and `anchor … { … }` without a name (pfctl's
 * `_N`); `load anchor … from`; `include "FILE"` (the file read through PfParseOptions.readFile, its statements
 * taken as if written in place, its errors under its own name);
 * `af-to inet|inet6 from POOL [to POOL [port N]]` (NAT64/NAT46); queues (`queue NAME on IF bandwidth … [min …]
 * [max …] [burst … for Nms] [parent P] [default] [qlimit N] [flows N] [quantum N]`, checked and printed as
 * pfctl does: ./queues) and `set queue NAME` / `set queue (NAME, ACK)` / `queue NAME` in rules.
 *
 * Decision — deliberately outside the model, refused with "`X` is valid pf.conf but not part of this
 * model's pf language" (never passed through as opaque text: a rule the model cannot represent could not
 * be rendered canonically or compared with `pfctl -sr`): `source-hash` with a random key, `antispoof for
 * rdomain N` (pfctl takes every interface's addresses), scoped addresses in an address range (`fe80::1%em0 - fe80::9%em0`), `route "LABEL"` as a
 * translation or route target (as an address it is taken), `af-to` on anchor rules, and the option `set
 * fingerprints`. An anchor rule takes every other option a pass rule takes but state and routing (pfctl's own
 * refusals); of them, pfctl ignores `nat-to`, `rdr-to`, `binat-to`, `divert-to`, `divert-reply` and `divert-packet`,
 * and lint warns of each. `on rdomain N` is a rule's routing domain (its own skip step in the optimizer);
 * `received-on rdomain N` is read and dropped, as pfctl does, with a warning.
 */
import type { ParseResult } from "../diagnostics";
import { bareLineReason, contextOf, expandStatement, isBareExpandLine } from "./expand";
import { isExpandWarning } from "./consistent";
import { RETURN_ICMP6_DEFAULT, RETURN_ICMP_DEFAULT } from "./icmp";
import { addressFamily, interfaceAddresses, literalFamily } from "./address";
import { decideAf, resolveHosts } from "./expand-hosts";
import { isRdomain, type PfIfName } from "./types";
import type { PfAnchorCall, PfBlockPolicy, PfFilterRule, PfHost, PfIfSpec, PfInterface, PfLogOptions, PfRule, PfRuleOptions, PfRuleset, PfStatement } from "./types";
import { ruleOptions } from "./rule-options";
import { LABEL_SIZE } from "./expand-label";
import { isStackExhaustion } from "../stack-exhaustion";
import { Errx, Fail, describe, MAX_LIST_NESTING, YaccOverflow, type PfParseOptions, type PfParseOutput } from "./parser-base";
import { ANCHOR_STACK_DEPTH, PATH_MAX, PF_ANCHOR_NAME_SIZE } from "./names";
import { PfQueueParser } from "./parser-queues";

export type { PfParseOptions, PfParseOutput } from "./parser-base";

/** The keywords a pf.conf statement starts with (parse.y ruleset: include, option, pfrule, anchorrule, loadrule, queuespec, antispoof, tabledef). */
const RULESET_START: ReadonlySet<string> = new Set(["include", "set", "pass", "block", "match", "anchor", "load", "queue", "antispoof", "table"]);

class PfParser extends PfQueueParser {
  /**
   * Per ruleset (the file's, or an inline anchor's body), the rules already moved into each named inline anchor:
   * parse.y anchorrule refuses a second `anchor "N" { … }` once N holds rules ("inline anchor 'N' already exists").
   */
  private readonly inlineRules = new Map<object, Map<string, number>>();
  private static readonly TOP = {};
  /** parse.y's `pf->bn`: the brace anchors opened so far; an anonymous one is named `_N` after its brace. */
  private braces = 0;
  /** The holding rulesets (`_N`) of the brace anchors being parsed, innermost last. */
  private readonly holdings: string[] = [];
  run(): PfParseOutput {
    this.la = this.nextToken();
    // parse.y's first state reduces the empty ruleset only before a token a statement starts with; on any
    // other first token (an undefined macro's ERROR, `!`, `in`, a number) there is no `ruleset error '\n'` to
    // recover with: byacc reports the syntax error and gives up on the whole file
    let first = this.la;
    // `ruleset: '{' fakeanchor '}' '\n'`: a `{` first in the file is shifted, but fakeanchor has no first token (it
    // has no base case): the token after the brace is the syntax error (an undefined macro there reported first)
    const braced = first.type === "CHAR" && first.text === "{";
    if (braced) first = this.la = this.nextToken();
    if (braced || (first.type !== "EOF" && first.type !== "NL" && first.type !== "STRING" && !(first.type === "KW" && RULESET_START.has(first.text)))) {
      this.report(first.line, first.col, "syntax error", `unexpected ${describe(first)}; pfctl reads no further`, first);
      this.out.queueNames = this.queues.names();
      return this.out;
    }
    while (this.la.type !== "EOF") {
      try {
        this.statement();
      } catch (e) {
        if (e instanceof YaccOverflow || isStackExhaustion(e)) {
          // yyparse aborts: no `Syntax error in config file` line, nothing loaded
          this.out.stderr.push(`${this.file}:${this.la.line}: yacc stack overflow`);
          this.out.diagnostics.push({ file: this.file, line: this.la.line, column: this.la.col, severity: "error", message: `yacc stack overflow: lists nested more than ${MAX_LIST_NESTING} deep (pfctl reads no further); write their entries as one list` });
          this.out.errors++;
          break;
        }
        if (e instanceof Errx) {
          this.out.stderr.push(`pfctl: ${e.message}`);
          this.out.diagnostics.push({ file: this.file, line: this.la.line, column: this.la.col, severity: "error", message: `${e.message} (pfctl stops here)` });
          this.out.errors++;
          this.out.errx = true;
          break;
        }
        if (!(e instanceof Fail)) throw e;
        if (!e.semantic && this.errflag === 0) {
          this.report(e.tok.line, e.tok.col, "syntax error", `unexpected ${describe(e.tok)}`, e.tok);
        }
        if (!this.recover()) break;
      }
    }
    if (this.out.errors === 0 && !this.opts.anchor) this.checkQueues();
    this.out.queueNames = this.queues.names();
    this.out.autoTables = Math.max(this.autoTables, this.listTables);
    return this.out;
  }

  /** pfctl_check_qassignments and pfctl_load_queues: the main ruleset's queue trees, once it parsed. */
  private checkQueues(): void {
    const r = this.queues.check(this.out.loaded);
    if ("printed" in r) {
      this.out.queues = r.printed;
      return;
    }
    this.out.echo.push(...r.failure.stdout);
    this.out.stderr.push(...r.failure.stderr);
    this.out.queueFailure = r.failure.stderr.length > 0 ? "errx" : "unloadable";
    this.out.errors++;
    const msg = [...r.failure.stderr.map((l) => l.replace(/^pfctl: /, "")), ...r.failure.stdout].join("; ");
    this.out.diagnostics.push({ file: this.file, line: 1, column: 1, severity: "error", message: `${msg} (pfctl checks the queue trees once the file parsed)` });
  }

  /** yacc error recovery: `ruleset error '\n'`. Returns false at end of file. */
  protected recover(): boolean {
    this.out.errors++;
    this.errflag = 3;
    while (this.la.type !== "NL") {
      if (this.la.type === "EOF") return false;
      this.la = this.nextToken();
    }
    this.shift();
    return true;
  }

  protected statement(): void {
    const t = this.la;
    if (t.type === "NL") {
      this.shift();
      return;
    }
    // parse.y pfa_anchorlist: an inline anchor holds rules, anchors, tables and includes; no macro, option,
    // antispoof, queue or load anchor
    if (this.sink && (t.type === "STRING" || (t.type === "KW" && ["set", "antispoof", "load", "queue"].includes(t.text)))) this.syntax();
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
        case "queue":
          // parse.y pfa_anchorlist: an inline anchor holds rules, anchors and tables, no queue
          if (this.sink) this.syntax();
          this.queuespec();
          break;
        case "include":
          // parse.y include: INCLUDE STRING, then the included file's statements (its own newline ends this one)
          this.shift();
          this.pushFile(this.expectString());
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

  protected loadrule(): void {
    const line = this.expectKw("load").line;
    this.expectKw("anchor");
    const name = this.expectString().text;
    this.expectKw("from");
    // `FROM string`: adjacent words joined by a space
    const file = this.string();
    this.endOfStatement();
    this.out.ruleset.rules.push({ kind: "load-anchor", name, file });
    this.out.loads.push({ name, file, line });
  }

  protected anchorrule(): void {
    const kw = this.expectKw("anchor");
    const nameTok = this.la.type === "STRING" ? this.shift() : undefined;
    const name = nameTok?.text;
    // parse.y anchorname: checked as the name is read (reduced at it), before the rest of the rule
    if (nameTok && name === "") this.failOnToken("anchor name must not be empty", undefined, nameTok);
    if (nameTok && name !== undefined && (name.startsWith("_") || name.includes("/_"))) this.failOnToken("anchor names beginning with '_' are reserved for internal use", undefined, nameTok);
    const direction = this.dir();
    const quick = this.acceptKw("quick");
    const on = this.isKw("on") ? this.interfaceSpec() : [];
    const af = this.af();
    const protos = this.protoSpec();
    const { from, to } = this.fromto();
    // pfctl collapses no pool of an anchor rule: a `{ list }` after nat-to makes no table, and takes no number
    const tables = this.listTables;
    this.autoTableEcho = [];
    let fo: Partial<PfFilterRule>;
    try {
      fo = this.filterOpts(true);
    } finally {
      this.autoTableEcho = undefined;
      this.listTables = tables;
    }
    let inline: { rules: PfStatement[]; loaded: PfRule[] } | undefined;
    let holding: string | undefined;
    if (this.acceptChar("{")) {
      // parse.y pfa_anchor: the body is parsed into a holding ruleset `_N`; an anchor without a name keeps it
      holding = `_${++this.braces}`;
      this.holdings.push(holding);
      if (this.inlineDepth + this.stuckAnchors + 1 >= ANCHOR_STACK_DEPTH) throw new Errx("pfa_anchor: anchors too deep");
      inline = { rules: [], loaded: [] };
      const outer = this.sink;
      this.sink = inline;
      this.inlineDepth++;
      try {
        // parse.y pfa_anchor: '{' '\n' pfa_anchorlist '}': rules, anchors and tables, one per line, from the next line
        const afterBrace = this.la;
        if (afterBrace.type !== "NL") this.syntax();
        while (!this.isChar("}")) {
          if (this.la.type === "EOF") this.syntax();
          this.statement();
        }
      } catch (e) {
        // the '{' action raised pf->asd; an error before the '}' leaves it raised for the rest of the file
        if (e instanceof Fail) this.stuckAnchors++;
        throw e;
      } finally {
        this.sink = outer;
        this.inlineDepth--;
        this.holdings.pop();
      }
      this.shift();
      if (name !== undefined && name.includes("/")) this.fail("anchor paths containing '/' cannot be used for inline anchors.");
      if (name !== undefined) {
        const level = this.sink ?? PfParser.TOP;
        let moved = this.inlineRules.get(level);
        if (!moved) this.inlineRules.set(level, (moved = new Map()));
        if ((moved.get(name) ?? 0) > 0) this.fail(`inline anchor '${name}' already exists`);
        moved.set(name, inline.rules.filter((s) => s.kind === "filter" || s.kind === "anchor").length + inline.loaded.length);
      }
    }
    this.endOfStatement();
    if (name === undefined && holding === undefined) this.fail("anchors without explicit rules must specify a name", undefined, kw);
    // an anchor without a body: its path and name (from the last `/` on, the `/` included) must fit pf_anchor's
    if (holding === undefined && name !== undefined) {
      if (Buffer.byteLength(name) >= PATH_MAX) throw new Errx("anchorrule: strlcpy");
      const slash = name.lastIndexOf("/");
      if (slash >= 0 && slash === name.length - 1) this.fail(`anchorrule: bad anchor name ${name}`);
      if (Buffer.byteLength(slash >= 0 ? name.slice(slash) : name) >= PF_ANCHOR_NAME_SIZE) throw new Errx("anchorrule: strlcpy");
    }
    // parse.y anchorrule, in its order: flags and an OS fingerprint need tcp, filteropts_to_rule (once, the label),
    // then state and route options, the rule's, never an anchor's
    this.tcpOnly(fo, protos, "applies");
    if (fo.once) this.fail("'once' only applies to pass/block rules");
    this.checkTagLengths(fo);
    if (fo.label !== undefined && Buffer.byteLength(fo.label) >= LABEL_SIZE) this.fail("rule label too long (max 63 chars)");
    this.checkFlagsFalse();
    if (fo.state !== undefined && fo.state !== "no") this.fail("cannot specify state handling on anchors");
    if (fo.route) this.fail("cannot specify route handling on anchors");
    // parse.y divert-packet while reassembly is on (`set reassemble` as read so far): the anchor rule drops the
    // divert and keeps the `scrub (reassemble tcp)` it marked
    if (fo.divertPacket && this.ctx.reassemble !== false) fo.scrub = { ...fo.scrub, reassembleTcp: true };
    const rule: PfAnchorCall = {
      kind: "anchor", name: name ?? holding!, ...(direction ? { direction } : {}), ...(quick ? { quick } : {}), on,
      ...(af ? { af } : {}), protos, from, to,
      ...(fo.tag !== undefined ? { tag: fo.tag } : {}), ...(fo.tagged ? { tagged: fo.tagged } : {}),
      ...ruleOptions(fo),
      ...(inline ? { inline: inline.rules as PfRule[] } : {}),
    };
    // an empty named body inside another brace anchor: pfctl loads it where its parent's body is held (types.ts)
    const parent = this.holdings[this.holdings.length - 1];
    if (inline && name !== undefined && parent !== undefined && inline.loaded.length === 0 && !inline.rules.some((s) => s.kind === "filter" || s.kind === "anchor")) rule.loadedAs = `${parent}/${name}`;
    this.addRule(rule, inline?.loaded);
  }

  /** `[log [(opts)]] [quick]` or `quick [log [(opts)]]`, in either order. */
  protected logAndQuick(): { log: boolean; logOptions: PfLogOptions | undefined; quick: boolean } {
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
    return { log, logOptions, quick };
  }

  /**
   * parse.y antispoof: for each interface, `block drop in on ! IF from IF:network to any` and, unless it is
   * a loopback interface, `block drop in from IF to any` (its own addresses), with the log/quick/af given; for
   * `(IF)`, the same from `(IF:network)` and `(IF)`.
   */
  protected antispoof(): void {
    this.expectKw("antispoof");
    const { log, logOptions, quick } = this.logAndQuick();
    this.expectKw("for");
    // antispoof_ifspc: FOR antispoof_if | FOR '{' optnl antispoof_iflst '}' (at least one, commas between)
    // antispoof_if: if_item, or `(if_item)`: the interface's addresses as they change (dynamic)
    // antispoof_if: if_item | '(' if_item ')'
    const item = (): PfIfName => {
      const at = this.la;
      const i = this.ifItemNot();
      if (isRdomain(i)) this.fail("`antispoof for rdomain N` is valid pf.conf but not part of this model's pf language", "pfctl makes its rules from the addresses of every interface of the host; name the interfaces", at);
      return i;
    };
    const ifs: (PfIfName & { dynamic?: true })[] = this.braceList(() => {
      if (!this.acceptChar("(")) return item();
      const i = item();
      this.expectChar(")");
      return { ...i, dynamic: true as const };
    });
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
      // ifa_lookup() finding no address (`any`, an interface without addresses): no rule, and no error
      const none = (modifier: "network" | undefined) =>
        this.ctx.interfaces !== undefined && !this.ctx.partial && interfaceAddresses(i.name, modifier, this.ctx.interfaces).length === 0;
      const kind = i.dynamic ? "dynamic" : "interface";
      if (i.dynamic || !none("network")) this.addRule({ ...base, on: [{ name: i.name, not: true }], from: { hosts: [{ kind, name: i.name, modifier: "network" }], ports: [] } });
      if (!/^lo\d+$/.test(i.name) && (i.dynamic || !none(undefined))) this.addRule({ ...base, on: [], from: { hosts: [{ kind, name: i.name }], ports: [] } });
    }
  }

  // ---- filter rules ----------------------------------------------------------------------

  protected pfrule(): void {
    this.autoTableEcho = [];
    this.redirRefusal = {};
    // pfctl numbers <__automatic_N> tables as it makes them: a rule that makes none leaves the number to the next
    const next = this.autoTables;
    this.ruleTables = next;
    let made = false;
    try {
      made = this.pfruleBody();
    } finally {
      this.autoTableEcho = undefined;
      if (!made) this.autoTables = next;
    }
    this.endOfStatement();
  }

  /** Returns whether the rule's `<__automatic_N>` tables were made (its pools collapsed). */
  /** parse.y blockspec: `drop`, `return`, `return-rst [(ttl N)]`, `return-icmp[6] [(CODE[, CODE])]`. */
  private blockspec(): { blockPolicy?: PfBlockPolicy; returnIcmp?: { icmp: number; icmp6: number }; returnTtl?: number } {
    let blockPolicy: PfBlockPolicy | undefined;
    let returnIcmp: { icmp: number; icmp6: number } | undefined;
    let returnTtl: number | undefined;
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
    if (blockPolicy === "return-rst" && this.acceptChar("(")) {
      // parse.y blockspec: RETURNRST '(' TTL NUMBER ')'
      this.expectKw("ttl");
      if (this.la.type !== "NUMBER") this.syntax();
      const n = this.shift().num as number;
      if (n < 0 || n > 255) this.fail(`illegal ttl value ${n}`);
      this.expectChar(")");
      if (n > 0) returnTtl = n;
    }
    return { blockPolicy, returnIcmp, returnTtl };
  }

  private pfruleBody(): boolean {
    const actionTok = this.shift();
    const action = actionTok.text as PfFilterRule["action"];
    const { blockPolicy, returnIcmp, returnTtl } = action === "block" ? this.blockspec() : {};
    const direction = this.dir();
    const { log, logOptions, quick } = this.logAndQuick();
    const on = this.isKw("on") ? this.interfaceSpec() : [];
    const af = this.af();
    const protos = this.protoSpec();
    const { from, to } = this.fromto();
    // decide_address_family(): the rule's family, or the one all its literal source (then destination) addresses share
    const common = (hs: PfHost[]) => {
      const fams = new Set(hs.map(literalFamily));
      return fams.size === 1 ? [...fams][0] : undefined;
    };
    this.ruleAf = af ?? common(from.hosts) ?? common(to.hosts);
    const before = this.prev;
    const fo = this.filterOpts(false);
    // a `{` after the rule's options: byacc reduces filter_opts on it (LALR merged the options' states with an anchor
    // rule's, where a `{` follows them), then the whole rule by default, so its action runs (its checks, expand_rule)
    // before the `{` is the syntax error (pfrule's endOfStatement). After no option, or on any other token, the
    // syntax error comes first.
    if (!(this.isChar("{") && this.prev !== before)) this.endOfStatement();
    // a pass rule that writes no state keeps state by default, with `set state-defaults`' options
    const defaulted = action === "pass" && fo.state === undefined && this.ctx.stateDefaults !== undefined;
    // `keep state` is a pass rule's default and `no state` a block/match rule's: pfctl keeps no trace (but a bare written
    // `keep state` takes no state-defaults: it stays)
    if ((fo.state === "keep" && action === "pass" && (!this.ctx.stateDefaults || fo.stateOptions)) || (fo.state === "no" && action !== "pass")) delete fo.state;
    const rule: PfFilterRule = {
      kind: "filter", action, ...(blockPolicy ? { blockPolicy } : {}), ...(returnIcmp ? { returnIcmp } : {}), ...(returnTtl ? { returnTtl } : {}), ...(direction ? { direction } : {}),
      ...(log ? { log } : {}), ...(logOptions ? { logOptions } : {}), ...(quick ? { quick } : {}), on, ...(af ? { af } : {}), protos, from, to,
      ...fo,
    };
    // parse.y filteropts_to_rule
    if (fo.once && action === "match") this.fail("'once' only applies to pass/block rules");
    this.checkTagLengths(fo);
    if (fo.label !== undefined && Buffer.byteLength(fo.label) >= LABEL_SIZE) this.fail("rule label too long (max 63 chars)");
    if (fo.afTo && direction !== "in") this.fail("af-to can only be used with direction in");
    if (fo.afTo && fo.route) this.fail("af-to cannot be used together with route-to, reply-to, dup-to");
    this.checkFlagsFalse();
    this.tcpOnly(fo, protos, "apply");
    // pfrule's loop over the state options (the rule's, or state-defaults'): the first that fails
    const checks = defaulted ? this.stateDefaultChecks : this.stateChecks;
    if (checks.length > 0) this.fail(checks[0]!);
    // the filter rule's action: source tracking, then routing
    const so = fo.stateOptions ?? (defaulted ? this.ctx.stateDefaults : undefined);
    if (so?.sourceTrack === "global") {
      for (const [k, name] of [["maxSrcNodes", "max-src-nodes"], ["maxSrcConn", "max-src-conn"], ["maxSrcConnRate", "max-src-conn-rate"]] as const) {
        if (so[k] !== undefined) this.fail(`'${name}' is incompatible with 'source-track global'`, "source-track rule (the default) counts per rule; drop `global` or the limit");
      }
    }
    if (fo.route && fo.route.kind !== "dup-to" && !direction) this.fail("direction must be explicit with rules that specify routing", `\`${fo.route.kind}\` needs \`in\` or \`out\``);
    // expand_divertspec: the rule's family (decide_address_family) must be the address's
    if (fo.divertReply && direction === "in") this.fail("divert-reply used with incoming rule");
    if (fo.divertTo) {
      if (direction === "out") this.fail("divert-to used with outgoing rule");
      const ruleAf = af ?? decideAf(resolveHosts(to.hosts, this.ctx, []), decideAf(resolveHosts(from.hosts, this.ctx, []), undefined));
      if (ruleAf && addressFamily(fo.divertTo.address) !== ruleAf) this.fail("divert-to address family mismatch");
    }
    const { nat, rdr, route } = this.redirRefusal;
    // the tables of the rule's pools are made as each combination collapses them (ExpandContext.autoTable): the
    // names the statement read are given again
    this.autoTables = this.ruleTables;
    this.autoTableEcho = [];
    this.addRule(rule, undefined, [...(nat ?? []), ...(rdr ?? []), ...(route ?? [])]);
    this.out.echo.push(...(this.autoTableEcho ?? []));
    return true;
  }

  /**
   * pfrule and anchorrule: flags and an OS fingerprint need tcp among the rule's protocols (each says so, then the
   * rule fails; pfrule's own words are "OS fingerprinting only apply to tcp").
   */
  private tcpOnly(fo: PfRuleOptions, protos: readonly string[], verb: "apply" | "applies"): void {
    const flags = fo.flags !== undefined && fo.flags !== "any";
    const os = fo.os !== undefined;
    if ((!flags && !os) || protos.length === 0 || protos.includes("tcp")) return;
    if (flags && os) this.report(this.la.line, this.la.col, "flags only apply to tcp", `\`flags ${fo.flags}\` with proto ${protos.join(", ")}`, this.la);
    if (os) this.fail(`OS fingerprinting only ${verb} to tcp`, `\`os "${fo.os}"\` with proto ${protos.join(", ")}`);
    this.fail("flags only apply to tcp", `\`flags ${fo.flags}\` with proto ${protos.join(", ")}`);
  }

  protected addRule(rule: PfRule, loadedInline?: PfRule[], refusals: readonly string[] = []): string[] {
    (this.sink?.rules ?? this.out.ruleset.rules).push(rule);
    const { rules, errors, fatal } = expandStatement(rule, this.ctx, refusals);
    // a bare line is the reason of the `skipping rule due to errors` after it: that diagnostic says it
    let why: string[] = [];
    for (const e of errors) {
      if (isBareExpandLine(e)) {
        this.out.stderr.push(e);
        why.push(bareLineReason(e));
      }
      // rule_consistent's fprintf: file and line, not counted
      else if (isExpandWarning(e)) this.out.stderr.push(`${this.file}:${this.la.line}: ${e}`);
      else {
        this.report(this.la.line, this.la.col, e, e === "skipping rule due to errors" && why.length ? why.join("; ") : undefined);
        if (e === "skipping rule due to errors") why = [];
      }
    }
    // the anchor's rules are loaded (and printed) with the first rule the statement makes: pfctl_load_ruleset takes
    // them off the ruleset as it loads them, so the later ones (`proto { tcp udp }`) call an anchor printed empty
    if (loadedInline) rules.forEach((r, i) => r.kind === "anchor" && (r.inline = i === 0 ? loadedInline : []));
    // one by one: a statement may expand to more rules than a call takes arguments
    const loaded = this.sink?.loaded ?? this.out.loaded;
    for (const r of rules) loaded.push(r);
    if (fatal) throw new Errx(fatal);
    return errors;
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
