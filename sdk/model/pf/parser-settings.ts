/** pf.conf parser, part 5: macros, `set` options and tables. */
import { strtod } from "../strtod";
import { interfaceAddresses } from "./address";
import { type Token } from "./lexer";
import { PF_LIMIT_NAMES, PF_OPTIMIZATIONS, PF_TIMEOUT_NAMES } from "./icmp";
import { renderHost, renderTable, renderTableList } from "./render";
import { checkTableFile } from "./table-file";
import { isRdomain, type PfHost, type PfStatement, type PfTable } from "./types";
import { PfOptionParser } from "./parser-options";
import { atoul } from "./atoul";
import { MAX_LIST_NESTING, YaccOverflow } from "./parser-base";

export abstract class PfSettingsParser extends PfOptionParser {
  protected varset(): void {
    const nameTok = this.shift();
    const name = nameTok.text;
    this.expectChar("=");
    const parts = [this.numberstring().text];
    while (this.la.type === "NUMBER" || this.la.type === "STRING") parts.push(this.shift().text);
    const value = parts.join(" ");
    // reduced at the end of the line, varset prints the definition (-v), then rejects white space in the name —
    // from its second character on: its loop steps past each character before it looks. The end of the file comes
    // as a newline first (lgetc's fake EOL); an end of file inside a quoted string or a macro name comes without
    // one, and the rule is never reduced there
    if (this.la.type === "NL") {
      if (this.opts.verbose !== false) this.out.echo.push(`${name} = "${value}"`);
      if (/[ \t\n\v\f\r]/.test(name.slice(1))) this.fail("macro name cannot contain whitespace", "a macro name is letters, digits and _", nameTok);
    }
    this.endOfStatement();
    // a `-D` macro of the same name is kept (symset: persist)
    if (!Object.hasOwn(this.opts.defines ?? {}, name)) this.macros.set(name, value);
    const macros = this.out.ruleset.macros;
    const i = macros.findIndex((m) => m.name === name);
    if (i >= 0) macros.splice(i, 1);
    macros.push({ name, value });
  }

  // ---- options ---------------------------------------------------------------------------

  protected option(): void {
    this.expectKw("set");
    const t = this.la;
    if (this.interfaceAndPolicyOption() || this.timeoutOption() || this.hostOption() || this.stateDefaultsOption()) return;
    // parse.y's option: of the `set` options pfctl knows, only fingerprints is outside the model; any other word
    // after `set` (`set set`, `set frags`) is pfctl's plain syntax error
    if ((t.type === "KW" || t.type === "STRING") && t.text === "fingerprints") {
      this.fail(`\`set ${t.text}\` is valid pf.conf but not part of this model's pf language`, "supported: set skip on, set block-policy, set state-policy, set state-defaults, set ruleset-optimization, set limit, set timeout, set optimization, set loginterface, set reassemble, set debug, set hostid, set syncookies", t);
    }
    this.syntax();
  }

  /**
   * `set state-defaults OPTS` (parse.y: once per ruleset, "cannot redefine state-defaults"; -v prints nothing). The
   * checks pfrule's loop makes of the options (a second `max`, …) fail each pass rule that takes them.
   */
  private stateDefaultsOption(): boolean {
    const t = this.la;
    if (!this.acceptKw("state-defaults")) return false;
    const saved = this.stateChecks;
    this.stateChecks = [];
    const options = this.stateOpts(true);
    const checks = this.stateChecks;
    this.stateChecks = saved;
    this.endOfStatement();
    if (this.ctx.stateDefaults) this.failOnToken("cannot redefine state-defaults", "give one `set state-defaults` line with every option", t);
    this.ctx.stateDefaults = options;
    this.stateDefaultChecks = checks;
    // the pass rules read before it took no defaults: they keep state as if written `keep state`, which a model
    // rendered with its options first (the `set` line before the rules) must say
    const earlier = (rules: readonly PfStatement[]): void => {
      for (const r of rules) {
        if (r.kind === "filter" && r.action === "pass" && r.state === undefined && r.stateOptions === undefined) r.state = "keep";
        if (r.kind === "anchor" && r.inline) earlier(r.inline);
      }
    };
    earlier(this.out.ruleset.rules);
    this.out.ruleset.options.push({ kind: "state-defaults", options });
    return true;
  }

  // ---- tables ----------------------------------------------------------------------------

  protected tabledef(): void {
    this.expectKw("table");
    this.expectChar("<");
    const name = this.expectString().text;
    this.expectChar(">");
    // TABLE '<' STRING '>' table_opts: the name is checked once the options are read
    const checkName = () => {
      if (name.length >= 32) this.fail("table name too long, max 31 chars");
    };
    const table: PfTable = { name, addresses: [], files: [] };
    // what print_tabledef prints, in the order written: a file, or the entries of consecutive lists merged
    const printed: (string | PfHost[])[] = [];
    let braces = false;
    for (;;) {
      if (this.la.type === "STRING") {
        const o = this.shift();
        if (o.text === "persist") table.persist = true;
        else if (o.text === "const") table.const = true;
        else if (o.text === "counters") table.counters = true;
        else this.failOnToken(`invalid table option '${o.text}'`, "one of persist, const, counters", o);
      } else if (this.acceptKw("file")) {
        const f = this.expectString().text;
        table.files.push(f);
        printed.push(f);
      } else if (this.acceptChar("{")) {
        // table_opt: '{' optnl '}' | '{' optnl host_list '}', host_list: xhost optnl | host_list comma xhost
        // optnl — a newline may follow an entry but not a comma (`a,⏎ b` is a syntax error), and no comma
        // may lead, trail or double
        braces = true;
        this.optnl();
        if (!this.isChar("}")) {
          const entries = this.tableHostList();
          this.shift();
          // table_opt: once the list is read, each entry must be an address or network
          const why: Partial<Record<PfHost["kind"], string>> = {
            range: "address ranges are not permitted inside tables",
            dynamic: "dynamic addresses are not permitted inside tables",
            table: "tables cannot contain tables",
            // append_addr_host() has no case for a route label (PF_ADDR_RTLABEL is 4)
            route: "unknown address type 4",
            "no-route": '"no-route" is not permitted inside tables',
            "urpf-failed": '"urpf-failed" is not permitted inside tables',
          };
          const bad = entries.find((h) => why[h.kind] !== undefined);
          if (bad) this.fail(why[bad.kind]!, `${renderHost(bad)}: a table holds addresses, networks and interface names`);
          for (const h of entries) table.addresses.push(h);
          const last = printed[printed.length - 1];
          if (Array.isArray(last)) last.push(...this.resolveForPrint(entries));
          else printed.push(this.resolveForPrint(entries));
          continue;
        }
        this.shift();
      } else break;
    }
    this.endOfStatement();
    checkName();
    // process_tabledef → append_addr_host: an IPv4 entry with more than 32 bits of mask (`10.0.0.0/33`,
    // `em0/40`) is refused by the table buffer
    const wide = table.addresses.find((h) =>
      (h.kind === "address" && /^[\d.]+\/(\d+)$/.test(h.address) && Number(h.address.split("/")[1]) > 32) ||
      (h.kind === "interface" && h.mask !== undefined && h.mask > 32 && (!this.ctx.interfaces || interfaceAddresses(h.name, h.modifier, this.ctx.interfaces).some((a) => a.family === 4))));
    if (wide) this.fail("cannot create address buffer: Invalid argument", `${renderHost(wide)}: an IPv4 address takes at most /32`);
    const read = this.opts.readFile;
    if (read) {
      for (const f of table.files) {
        const body = read(f);
        if (body === undefined || typeof body !== "string") this.fail(`cannot load "${f}": ${body?.error ?? "No such file or directory"}`, "the table file must exist when pfctl loads the ruleset");
        const e = checkTableFile(f, body, this.ctx.interfaces);
        if (e) {
          this.out.stderr.push(...e.stderr);
          this.fail(e.message, `\`${e.word}\` is not an address, network or interface of this host`);
        }
      }
    }
    if (this.opts.verbose !== false) {
      // print_tabledef: an explicit empty list, the table's only one, is printed back as `{ }`
      const parts = printed.map((p) => (typeof p === "string" ? ` file "${p}"` : p.length > 0 ? ` ${renderTableList(p)}` : " { }"));
      this.out.echo.push(renderTable({ ...table, addresses: [], files: [] }) + parts.join("") + (braces && printed.length === 0 ? " { }" : ""));
      this.out.stderr.push(`${this.file}:${this.la.line}: skipping duplicate table checks for <${name}>`);
    }
    // process_tabledef keeps inline anchors' tables in pfr_ktables before their anchors' paths are known: the
    // file's second one, in any inline anchor, collides with the first ("should not happen", parse.y) and
    // YYERRORs without a message
    if ((this.inlineDepth > 0 || this.stuckAnchors > 0) && ++this.inlineTables > 1) {
      this.failSilently(`pfctl cannot load a second table in the file's inline anchors (<${name}>): it fails without a message; define the tables outside the inline anchors or in anchor files`);
    }
    this.out.ruleset.tables.push(table);
  }

  /** Table entries as pfctl prints them: interface names replaced by their addresses. */

  /** `set` skip, block-policy, state-policy, ruleset-optimization, limit; false when the next word is none of them. */
  protected interfaceAndPolicyOption(): boolean {
    if (this.acceptKw("skip")) {
      // SET SKIP interface: `on` is required (`set skip` alone is the end of the statement, as before)
      if (!this.isKw("on") && this.la.type !== "NL" && this.la.type !== "EOF") this.syntax();
      const ifs = this.isKw("on") ? this.interfaceSpec() : [];
      // expand_skip_interface(): each item echoed (a routing domain as its empty name), each it cannot skip an
      // error of its own, then the statement's
      const names = ifs.map((i) => (isRdomain(i) ? "" : i.name));
      if (this.opts.verbose !== false) {
        this.out.echo.push(ifs.length === 0 ? "set skip on none" : `set skip on { ${names.join(" ")} }`);
      }
      let refused = 0;
      for (const i of ifs) {
        const why = i.not ? "skip on ! <interface> is not supported" : isRdomain(i) ? "skip on rdomain <num> is not supported" : undefined;
        if (why) {
          this.report(this.la.line, this.la.col, why, "name the interfaces to skip", this.la);
          refused++;
        }
      }
      if (refused > 0) this.fail("error setting skip interface(s)");
      this.out.ruleset.options.push({ kind: "skip", interfaces: names });
      this.endOfStatement();
      return true;
    }
    if (this.acceptKw("block-policy")) {
      let policy: "drop" | "return";
      if (this.acceptKw("drop")) policy = "drop";
      else if (this.acceptKw("return")) policy = "return";
      else this.syntax();
      if (this.opts.verbose !== false) this.out.echo.push(`set block-policy ${policy}`);
      this.out.ruleset.options.push({ kind: "block-policy", policy });
      this.ctx.blockPolicy = policy;
      this.endOfStatement();
      return true;
    }
    if (this.acceptKw("state-policy")) {
      let policy: "if-bound" | "floating";
      if (this.acceptKw("if-bound")) policy = "if-bound";
      else if (this.acceptKw("floating")) policy = "floating";
      else this.syntax();
      if (this.opts.verbose !== false) this.out.echo.push(`set state-policy ${policy}`);
      this.out.ruleset.options.push({ kind: "state-policy", policy });
      this.ctx.statePolicy = policy;
      this.endOfStatement();
      return true;
    }
    if (this.acceptKw("ruleset-optimization")) {
      // `optimizer: string`: the words up to the end of the statement, joined by spaces
      const first = this.la;
      const level = this.reducedString();
      if (level !== "none" && level !== "basic" && level !== "profile") {
        this.fail(`unknown ruleset-optimization ${level}`, "one of none, basic, profile", first);
      }
      this.endOfStatement();
      this.out.ruleset.options.push({ kind: "ruleset-optimization", level });
      return true;
    }
    if (this.acceptKw("limit")) {
      // pfctl_set_limit: `set limit NAME N` or `set limit { NAME N, … }`, printed one per line by -v
      this.namedNumbers(() => this.numberstring(), (n, v, vt) => {
        // pfctl_set_limit compares with strcasecmp; -v prints the name as written
        const name = PF_LIMIT_NAMES.find((x) => x.toLowerCase() === n.text.toLowerCase());
        if (name === undefined) {
          this.out.stderr.push("pfctl: Bad pool name.");
          this.failOnToken(`unable to set limit ${n.text} ${v}`, `one of ${PF_LIMIT_NAMES.join(", ")}`, n, vt);
        }
        // -v prints the limit as an int: 2147483648 and above negative
        if (this.opts.verbose !== false) this.out.echo.push(`set limit ${n.text} ${v | 0}`);
        this.out.ruleset.options.push({ kind: "limit", name, value: v });
      });
      return true;
    }
    return false;
  }

  /** `NAME N` or `{ NAME N, … }` up to the end of the statement (`set limit`, `set timeout`). */
  protected namedNumbers(name: () => Token, each: (n: Token, v: number, vt: Token) => void): void {
    // parse.y timeout_spec/limit_spec: STRING NUMBER, 0-UINT_MAX, acted on as each is read; the lists are
    // '{' optnl spec optnl (comma spec optnl)* '}' (a comma only between two, no newline right after it)
    const one = () => {
      const n = name();
      if (this.la.type !== "NUMBER") this.syntax();
      // yacc acts on each spec at its NUMBER: errors name that token's line
      const vt = this.shift();
      const v = vt.num as number;
      if (v < 0 || v > 0xffffffff) this.failOnToken("only positive values permitted", `${n.text}: 0-4294967295`, n, vt);
      each(n, v, vt);
    };
    if (this.acceptChar("{")) {
      this.optnl();
      one();
      this.optnl();
      while (!this.isChar("}")) {
        this.acceptChar(",");
        one();
        this.optnl();
      }
      this.shift();
    } else one();
    this.endOfStatement();
  }

  /** `set` timeout, optimization, loginterface, reassemble; false when the next word is none of them. */
  protected timeoutOption(): boolean {
    if (this.acceptKw("timeout")) {
      this.namedNumbers(() => this.expectString(), (written, v, vt) => {
        // pfctl_set_timeout compares with strcasecmp; -v prints the name as written
        const name = PF_TIMEOUT_NAMES.find((x) => x.toLowerCase() === written.text.toLowerCase());
        const n = { ...written, text: name ?? written.text };
        if (name === undefined) {
          this.out.stderr.push("pfctl: Bad timeout name.");
          this.failOnToken(`unknown timeout ${n.text}`, `one of ${PF_TIMEOUT_NAMES.join(", ")}`, n, vt);
        }
        // pfctl_set_timeout keeps the value in an int: -v prints 2147483648 and above negative
        if (this.opts.verbose !== false) this.out.echo.push(`set timeout ${written.text} ${v | 0}`);
        this.out.ruleset.options.push({ kind: "timeout", name: n.text, seconds: v });
      });
      return true;
    }
    if (this.acceptKw("optimization")) {
      // pfctl_set_optimization: a hint's name in any case (strcasecmp), printed as written; `default` is a keyword
      // of pf.conf, so `set optimization default` is a syntax error
      const v = this.expectString();
      const level = PF_OPTIMIZATIONS.find((o) => o === v.text.toLowerCase());
      if (level === undefined) {
        this.out.stderr.push("pfctl: invalid state timeouts optimization");
        this.failOnToken(`unknown optimization ${v.text}`, `one of ${PF_OPTIMIZATIONS.join(", ")}`, v);
      }
      if (this.opts.verbose !== false) this.out.echo.push(`set optimization ${v.text}`);
      this.out.ruleset.options.push({ kind: "optimization", level });
      this.endOfStatement();
      return true;
    }
    if (this.acceptKw("loginterface")) {
      const v = this.expectString();
      if (this.opts.verbose !== false) this.out.echo.push(`set loginterface ${v.text}`);
      this.out.ruleset.options.push({ kind: "loginterface", interface: v.text });
      this.endOfStatement();
      return true;
    }
    if (this.acceptKw("reassemble")) {
      // pfctl_set_reassembly prints `set reassemble yes|no NODF` (an empty NODF leaves a trailing space)
      let on: boolean;
      if (this.acceptKw("no")) on = false;
      else {
        const v = this.expectString();
        if (v.text !== "yes") this.failOnToken(`invalid value '${v.text}', expected 'yes' or 'no'`, undefined, v);
        on = true;
      }
      const noDf = this.acceptKw("no-df");
      // after `no-df` yacc reduces the option (and pfctl applies it) before it reads on; without, only at the newline
      if (!noDf) this.endOfStatement();
      if (this.opts.verbose !== false) this.out.echo.push(`set reassemble ${on ? "yes" : "no"} ${noDf ? "no-df" : ""}`);
      this.out.ruleset.options.push({ kind: "reassemble", on, ...(noDf ? { noDf } : {}) });
      this.ctx.reassemble = on;
      if (noDf) this.endOfStatement();
      return true;
    }
    return false;
  }

  /** `set` debug, hostid, syncookies; false when the next word is none of them. */
  protected hostOption(): boolean {
    if (this.acceptKw("debug")) {
      const v = this.isKw("debug") ? this.shift() : this.expectString();
      const LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
      if (!LEVELS.includes(v.text)) {
        this.out.stderr.push(`pfctl: unknown debug level "${v.text}"`);
        this.failOnToken(`error setting debuglevel ${v.text}`, `one of ${LEVELS.join(", ")}`, v);
      }
      if (this.opts.verbose !== false) this.out.echo.push(`set debug ${v.text}`);
      this.out.ruleset.options.push({ kind: "debug", level: v.text });
      this.endOfStatement();
      return true;
    }
    if (this.acceptKw("hostid")) {
      if (this.la.type !== "NUMBER" && this.la.type !== "STRING") this.syntax();
      const v = this.shift();
      // parse.y `number` (an int64): a NUMBER, or a word atoul() reads whole in base 0 (`0x10`; a leading 0 is octal)
      const n = v.type === "NUMBER" ? BigInt(v.text) : atoul(v.text);
      if (n === undefined) this.failOnToken(`${v.text} is not a number`, "a number, e.g. `1` or `0x10`", v);
      const signed = BigInt.asIntN(64, n);
      if (signed === 0n || signed > 0xffffffffn) this.failOnToken("hostid must be non-zero", undefined, v);
      // pfctl_set_hostid() takes a u_int32_t: -1 is 0xffffffff
      const id = Number(BigInt.asUintN(32, signed));
      if (this.opts.verbose !== false) this.out.echo.push(`set hostid 0x${id.toString(16).padStart(8, "0")}`);
      this.out.ruleset.options.push({ kind: "hostid", id });
      this.endOfStatement();
      return true;
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
          // syncookie_opt: STRING STRING, the value strtod()'s number followed by `%` alone (else a silent YYERROR)
          const k = this.expectString();
          if (this.la.type !== "STRING") this.syntax();
          const v = this.shift();
          const { value: pct, rest } = strtod(v.text);
          if (rest !== "%") this.failSilently(`syncookies ${k.text}: \`${v.text}\` is not a percentage (a number and \`%\`, e.g. \`25%\`): pfctl refuses the line without a message`, v);
          if (pct <= 0 || pct > 100) this.fail("illegal percentage value", "a percentage above 0 and at most 100, e.g. `25%`", v);
          // pfctl_watermarks holds u_int32_t: the percentage is truncated
          if (k.text === "start") start = Math.trunc(pct);
          else if (k.text === "end") end = Math.trunc(pct);
          else this.fail("illegal syncookie option", "start or end", k);
        }
        this.shift();
      }
      // without `( … )` yacc must see the next token to know none follows; with them the action runs first
      if (!given) this.endOfStatement();
      if (given && v.text !== "adaptive") {
        this.out.stderr.push("pfctl: syncookies start/end only apply to adaptive");
        this.fail("error setting syncookies");
      }
      if (given) {
        // pfctl_set_syncookies: 0 (none given, or under 1%) is the default
        if (!start) start = 25;
        if (!end) end = Math.floor(start / 2);
        if (end >= start) {
          this.out.stderr.push("pfctl: start must be higher than end");
          this.fail("error setting syncookies");
        }
      }
      if (this.opts.verbose !== false) this.out.echo.push(`set syncookies ${v.text}${given ? ` (start ${start}%, end ${end}%)` : ""}`);
      this.out.ruleset.options.push({ kind: "syncookies", mode: v.text, ...(given ? { start, end } : {}) });
      if (given) this.endOfStatement();
      return true;
    }
    return false;
  }

  /**
   * table_host_list up to (not past) the table's `}`: tablespec optnl | table_host_list comma tablespec optnl, where
   * a tablespec is `xhost optweight` or a nested list, `'{' optnl table_host_list '}'`, whose entries join the
   * table's. Nested lists are read with a stack of the open ones, not by recursion: pfctl's limit is its yacc stack
   * ({@link MAX_LIST_NESTING} levels below the table's own braces), never this process's.
   */
  private tableHostList(): PfHost[] {
    const open: PfHost[][] = [[]];
    for (;;) {
      if (this.acceptChar("{")) {
        if (open.length > MAX_LIST_NESTING) throw new YaccOverflow();
        this.optnl();
        open.push([]);
        continue;
      }
      // xhost: not host | not NOROUTE | not URPFFAILED, then its optweight
      const not = this.acceptChar("!");
      const n = not ? { not } : {};
      open[open.length - 1]!.push(...this.optWeight(this.acceptKw("no-route") ? [{ kind: "no-route", ...n }] : this.acceptKw("urpf-failed") ? [{ kind: "urpf-failed", ...n }] : this.host(not)));
      for (;;) {
        this.optnl();
        if (!this.isChar("}")) break;
        if (open.length === 1) return open[0]!;
        this.shift();
        const inner = open.pop()!;
        open[open.length - 1]!.push(...inner);
      }
      this.acceptChar(",");
    }
  }
}
