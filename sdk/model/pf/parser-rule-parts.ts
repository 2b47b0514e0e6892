/** pf.conf parser, part 3: parts of a rule's options (icmp types, users/groups, pools, tcp flags, state options). */
import { createHash } from "node:crypto";
import { type Token } from "./lexer";
import { ICMP6_CODES, ICMP6_TYPES, ICMP_CODES, ICMP_TYPES, icmpCodeNumber, icmpTypeNumber, PF_TIMEOUT_NAMES } from "./icmp";
import { addressFamily, parseLiteralAddress } from "./address";
import { autoRoundRobin, renderHost, renderTable } from "./render";
import type { PfAddressFamily, PfFilterRule, PfHost, PfIcmpType, PfLogOptions, PfPortOp, PfUgid, PfStateOptions } from "./types";
import { strtonumError } from "../strtonum";
import { TCP_FLAGS, flagBits } from "./parser-base";
import { PfHostParser } from "./parser-hosts";

/** pfvar.h's PFTM_* enum: the names in the order of their numbers. */
const PFTM_ORDER = ["tcp.first", "tcp.opening", "tcp.established", "tcp.closing", "tcp.finwait", "tcp.closed", "udp.first", "udp.single", "udp.multiple", "icmp.first", "icmp.error", "other.first", "other.single", "other.multiple", "frag", "interval", "adaptive.start", "adaptive.end", "src.track", "tcp.tsdiff"];

export abstract class PfRulePartParser extends PfHostParser {
  /** parse.y reticmpspec/reticmp6spec: a code name of unreach or a number 0-255, as (type << 8) | code. */
  protected reticmpspec(v6: boolean): number {
    const t = this.la;
    const type = v6 ? 1 : 3;
    if (t.type === "NUMBER") {
      this.shift();
      const n = t.num as number;
      if (n < 0 || n > 255) this.failOnToken("invalid icmp code %lu".replace("%lu", String(n)), "0-255", t);
      return (type << 8) | n;
    }
    const word = this.expectString();
    const c = icmpCodeNumber(type, word.text, v6);
    if (c === undefined) this.failOnToken(`unknown icmp code ${word.text}`, `one of ${(v6 ? ICMP6_CODES : ICMP_CODES).filter(([, ty]) => ty === type).map(([n]) => n).join(", ")}`, word);
    return (type << 8) | c;
  }

  /** `icmp-type`/`icmp6-type` list: `T [code C]` or `{ T [code C], … }`. */
  protected icmpspec(v6: boolean): PfIcmpType[] {
    const item = (): PfIcmpType => {
      const t = this.la;
      let type: number;
      if (t.type === "NUMBER") {
        this.shift();
        type = t.num as number;
        if (type < 0 || type > 255) this.failOnToken(`illegal icmp${v6 ? "6" : ""}-type ${type}`, "0-255", t);
      } else {
        const w = this.expectString();
        const n = icmpTypeNumber(w.text, v6);
        if (n === undefined) this.failOnToken(`unknown icmp${v6 ? "6" : ""}-type ${w.text}`, `one of ${(v6 ? ICMP6_TYPES : ICMP_TYPES).map(([x]) => x).join(", ")}`, w);
        type = n;
      }
      if (!this.acceptKw("code")) return v6 ? { type, v6 } : { type };
      const c = this.la;
      let code: number;
      if (c.type === "NUMBER") {
        this.shift();
        code = c.num as number;
        if (code < 0 || code > 255) this.failOnToken("illegal icmp-code %lu".replace("%lu", String(code)), "0-255", c);
      } else {
        const w = this.expectString();
        const n = icmpCodeNumber(type, w.text, v6);
        if (n === undefined) this.failOnToken(`unknown icmp${v6 ? "6" : ""}-code ${w.text}`, undefined, w);
        code = n;
      }
      return v6 ? { type, code, v6 } : { type, code };
    };
    return this.braceList(item);
  }

  /** parse.y uids/gids: one item or `{ list }`; an item is `ID`, `OP ID` or `ID >< ID`. */
  protected ugids(what: "user" | "group"): PfUgid[] {
    const id = (): number | string => {
      const t = this.la;
      if (t.type === "NUMBER") {
        this.shift();
        const n = t.num as number;
        if (n < 0 || n >= 0xffffffff) this.failOnToken(`illegal ${what === "user" ? "uid" : "gid"} value ${n}`, undefined, t);
        return n;
      }
      const w = this.expectString();
      if (w.text === "unknown") return "unknown";
      const look = what === "user" ? this.opts.userId : this.opts.groupId;
      if (!look) return w.text;
      const n = look(w.text);
      if (n === undefined) this.failOnToken(`unknown ${what} ${w.text}`, `a ${what} of the host or a number`, w);
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
    return this.braceList(item);
  }

  /**
   * A translation or route target: one host, or `{ list }`. A list of several addresses becomes the
   * constant table `<__automatic_N>` (parse.y collapse_redirspec/add_opt_table), echoed by `-v` as pfctl does.
   */
  /** A route label as a translation or route target: pfctl takes it, this model does not (see parser.ts). */
  private noRouteLabel(h: PfHost): void {
    if (h.kind === "route") this.fail("a route label as a translation or route target is not part of this model's pf language", "give an address, an interface or a table");
  }

  /** parse.y optweight after a pool's or a table's host: `weight N`, 1-65535, on each address the host stands for. */
  protected optWeight(hosts: PfHost[]): PfHost[] {
    if (!this.acceptKw("weight")) return hosts;
    if (this.la.type !== "NUMBER") this.syntax();
    const t = this.shift();
    const n = BigInt(t.text);
    if (n < 1n || n > 65535n) this.failOnToken("weight out of range", "a weight is 1-65535", t);
    return hosts.map((h) => (h.kind === "address" || h.kind === "interface" ? { ...h, weight: Number(n) } : h));
  }

  /** parse.y redirspec and route_host take `host`, not `xhost`: a `!` there is a syntax error. */
  private noNegation(): false {
    if (this.isChar("!")) this.syntax();
    return false;
  }

  protected poolTarget(af?: PfAddressFamily, echo = true, binat = false): { target: PfHost; list?: PfHost[] } {
    if (!this.acceptChar("{")) {
      const raw = this.optWeight(this.host(this.noNegation()))[0]!;
      this.noRouteLabel(raw);
      // binat-to checks its address's mask (check_netmask: `10.0.0.1/33` is refused); the other pools drop it
      const h = binat ? raw : bareWideV4(raw);
      if (h.kind !== "interface" || !this.ctx.interfaces) return { target: h };
      // the IPv4 addresses keep a mask above 32 (`self/40`): the table cannot take them (collapsePool)
      const wide = raw.kind === "interface" && raw.mask !== undefined && raw.mask > 32 ? raw.mask : undefined;
      // (and the IPv6 ones are its networks: `::/40`)
      const widen = (a: PfHost): PfHost => (wide === undefined || a.kind !== "address" ? a : { ...a, address: a.address.includes(":") ? (parseLiteralAddress(`${a.address}/${wide}`)?.text ?? a.address) : `${a.address}/${wide}` });
      // host(): an interface name is its addresses (those of the rule's family: collapse_redirspec); several
      // become a table, as a list does
      const addrs = this.resolveForPrint([bareWideV4(h)]).filter((a) => af === undefined || a.kind !== "address" || addressFamily(a.address) === af);
      if (addrs.length <= 1) return { target: addrs[0] ? (binat ? widen(addrs[0]) : addrs[0]) : h };
      const name = `__automatic_${this.listTables++}`;
      const list = addrs.map(widen);
      if (echo) this.echoAutoTable(renderTable({ name, const: true, addresses: list, files: [] }));
      return { target: { kind: "table", name }, list };
    }
    this.optnl();
    // redir_host_list: host optweight optnl | redir_host_list comma host optweight optnl — a host first, at most
    // one comma before each further host, none before the `}` (an empty, leading-comma or trailing-comma list is
    // a syntax error)
    const list: PfHost[] = [...this.optWeight(this.host(this.noNegation()))];
    // redir_host_list: its first host must be addresses (an interface name is its addresses); the later ones are
    // not checked
    if (list[0]!.kind !== "address" && list[0]!.kind !== "interface") this.fail("only addresses can be listed for redirection pools ", `${renderHost(list[0]!)}: a pool in braces lists addresses`);
    this.optnl();
    while (!this.isChar("}")) {
      this.acceptChar(",");
      list.push(...this.optWeight(this.host(this.noNegation())));
      this.optnl();
    }
    // (an IPv4 entry with more than 32 bits of mask: the table cannot take it once the rule expands, collapsePool)
    list.forEach((h) => this.noRouteLabel(h));
    this.shift();
    if (list.length === 1) return { target: bareWideV4(list[0]!) };
    const name = `__automatic_${this.listTables++}`;
    if (echo) this.echoAutoTable(renderTable({ name, const: true, addresses: this.resolveForPrint(list), files: [] }));
    return { target: { kind: "table", name }, list };
  }

  /**
   * parse.y pool_opts after a translation or route target; returns whether `static-port` was among them. `round-robin` on an interface or table target is
   * pfctl's own choice (printed back, so read back without being stored); other types, and round-robin on a list, are kept.
   */
  protected poolOpts(o: Partial<PfFilterRule>, target: PfHost): boolean {
    const pool: NonNullable<PfFilterRule["pool"]> = {};
    let staticPort = false;
    for (;;) {
      const t = this.la;
      if (t.type !== "KW") break;
      if (t.text === "static-port") {
        this.shift();
        if (staticPort) this.failOnToken("static-port cannot be redefined", undefined, t);
        staticPort = true;
        continue;
      }
      if (t.text === "sticky-address") {
        this.shift();
        if (pool.sticky) this.failOnToken("sticky-address cannot be redefined", undefined, t);
        pool.sticky = true;
        continue;
      }
      if (t.text !== "bitmask" && t.text !== "random" && t.text !== "source-hash" && t.text !== "round-robin" && t.text !== "least-states") break;
      this.shift();
      // reduced at the keyword, except source-hash: yacc looks for its optional key (words: `string` needs a
      // lookahead to end), and hashkey checks it, first
      const key = t.text === "source-hash" && this.la.type === "STRING" ? this.hashKey() : undefined;
      if (pool.type) (t.text === "source-hash" ? this.fail("pool type cannot be redefined") : this.failOnToken("pool type cannot be redefined", undefined, t));
      pool.type = t.text;
      if (key !== undefined) pool.key = key;
    }
    // kept for a list: a combination may keep one address of it, printed with the type only when written
    const listed = target.kind === "table" && target.name.startsWith("__automatic_");
    if (pool.type === "round-robin" && autoRoundRobin(target) && !listed) delete pool.type;
    if (pool.type !== undefined || pool.sticky) o.pool = pool;
    return staticPort;
  }

  /**
   * parse.y hashkey: `0x` and 32 hex digits (read as sscanf's four `%8x`), else the MD5 of the words (`string`:
   * adjacent words joined by a space), printed as pfctl prints the key: `0x` and 32 hex digits.
   */
  protected hashKey(): string {
    const first = this.la;
    const text = this.reducedString();
    if (!text.startsWith("0x")) return "0x" + createHash("md5").update(text).digest("hex");
    if (text.length !== 34) this.fail("hex key must be 128 bits (32 hex digits) long", "`0x` and 32 hex digits, or any other word (its MD5 is the key)", first);
    // sscanf("0x%8x%8x%8x%8x"): each field takes up to 8 hex digits where the last one stopped
    let rest = text.slice(2);
    const words: string[] = [];
    for (let i = 0; i < 4; i++) {
      const m = /^[0-9a-fA-F]{1,8}/.exec(rest);
      if (!m) this.fail("invalid hex key", "`0x` and 32 hex digits", first);
      words.push(m[0].toLowerCase().padStart(8, "0"));
      rest = rest.slice(m[0].length);
    }
    return "0x" + words.join("");
  }

  protected flag(): number {
    const t = this.expectString();
    const f = flagBits(t.text);
    if (f === undefined) this.fail(`bad flags ${t.text}`, `TCP flags are letters of ${TCP_FLAGS}`, t);
    return f;
  }

  /** A timeout in a rule's state options (`tcp.established 600`, `adaptive.start N`). */
  protected stateTimeout(t: Token, o: PfStateOptions, adaptive: { start?: number; end?: number }): void {
    this.shift();
    const v = this.unsignedNumber();
    // parse.y state_opt_item STRING NUMBER: pf_timeouts by strcmp (case matters), and only the per-state ones
    if (!PF_TIMEOUT_NAMES.includes(t.text)) this.fail(`illegal timeout name ${t.text}`, `one of ${PF_TIMEOUT_NAMES.filter((n) => n.includes(".")).join(", ")}`, t);
    if (!t.text.includes(".")) this.fail(`illegal state timeout ${t.text}`, "a per-state timeout, e.g. tcp.established", t);
    const earlier = t.text === "adaptive.start" ? adaptive.start : t.text === "adaptive.end" ? adaptive.end : o.timeouts?.find((x) => x.name === t.text)?.seconds;
    // pfctl names it pf_timeouts[PFTM_…].name (PF_TIMEOUT_NAMES is that table): its order is not the enum's (tcp.tsdiff sits at 6)
    if (earlier) this.stateChecks.push(`state timeout ${PF_TIMEOUT_NAMES[PFTM_ORDER.indexOf(t.text)] ?? t.text} multiple definitions`);
    if (t.text === "adaptive.start") adaptive.start = v;
    else if (t.text === "adaptive.end") adaptive.end = v;
    else (o.timeouts ??= []).push({ name: t.text, seconds: v });
  }

  /**
   * The checks pfrule's action makes of a rule's state options, in their order, once the whole rule is read (a second
   * `max`, a `max-src-nodes 0`, …): the rule reports the first (parser.ts). Cleared by each filter_opts.
   */
  protected stateChecks: string[] = [];

  /** The checks of `set state-defaults`' options: each pass rule that takes them fails the first (parse.y pfrule). */
  protected stateDefaultChecks: string[] = [];

  /** state_opt_list: between parentheses (`keep state (…)`), or to the end of the statement (`set state-defaults …`). */
  protected stateOpts(toEnd = false): PfStateOptions {
    const o: PfStateOptions = {};
    const atEnd = () => (toEnd ? this.la.type === "NL" || this.la.type === "EOF" : this.isChar(")"));
    let lockSeen = false;
    let first = true;
    const adaptive: { start?: number; end?: number } = {};
    // `source-track` alone (parse.y PF_SRCTRACK): per rule once a per-rule limit is set (max-src-nodes, max-src-conn,
    // max-src-conn-rate set PFRULE_RULESRCTRACK), global otherwise; never "incompatible with 'source-track global'"
    let bareTrack = false;
    // state_opt_list: at least one option
    if (atEnd()) this.syntax();
    while (!atEnd()) {
      if (!first) this.acceptChar(",");
      first = false;
      const t = this.la;
      if (t.type === "STRING") {
        this.stateTimeout(t, o, adaptive);
        continue;
      }
      if (t.type !== "KW") this.syntax();
      switch (t.text) {
        case "max":
          this.shift();
          {
            const v = this.unsignedNumber();
            if (o.max) this.stateChecks.push("state option 'max' multiple definitions");
            o.max = v;
          }
          break;
        case "no-sync":
          this.shift();
          if (o.noSync) this.stateChecks.push("state option 'sync' multiple definitions");
          o.noSync = true;
          break;
        case "if-bound":
        case "floating":
          this.shift();
          if (lockSeen) this.stateChecks.push("state locking option: multiple definitions");
          lockSeen = true;
          if (t.text === "if-bound") o.ifBound = true;
          else o.floating = true;
          break;
        case "sloppy":
          this.shift();
          if (o.sloppy) this.stateChecks.push("state sloppy option: multiple definitions");
          o.sloppy = true;
          break;
        case "pflow":
          this.shift();
          if (o.pflow) this.stateChecks.push("state pflow option: multiple definitions");
          o.pflow = true;
          break;
        case "max-src-states":
        case "max-src-conn":
        case "max-src-nodes": {
          this.shift();
          const n = this.unsignedNumber();
          const key = t.text === "max-src-states" ? "maxSrcStates" : t.text === "max-src-conn" ? "maxSrcConn" : "maxSrcNodes";
          if (o[key]) this.stateChecks.push(`state option '${t.text}' multiple definitions`);
          else if (n === 0) this.stateChecks.push(`'${t.text}' must be > 0`);
          o[key] = n;
          break;
        }
        case "max-src-conn-rate": {
          this.shift();
          // parse.y: MAXSRCCONNRATE NUMBER '/' NUMBER
          const { limit, seconds } = this.rate();
          if (o.maxSrcConnRate?.limit) this.stateChecks.push("state option 'max-src-conn-rate' multiple definitions");
          else if (!limit || !seconds) this.stateChecks.push("'max-src-conn-rate' values must be > 0");
          o.maxSrcConnRate = { limit, seconds };
          break;
        }
        case "source-track":
          this.shift();
          if (o.sourceTrack) this.stateChecks.push("state option 'source-track' multiple definitions");
          bareTrack = !o.sourceTrack && !this.isKw("global") && !this.isKw("rule");
          o.sourceTrack = this.acceptKw("global") ? "global" : (this.acceptKw("rule"), "rule");
          break;
        case "overload": {
          this.shift();
          this.expectChar("<");
          const tbl = this.expectString().text;
          this.expectChar(">");
          const flush = this.acceptKw("flush") ? (this.acceptKw("global") ? "global" : "rule") : undefined;
          // OVERLOAD '<' STRING '>' flush, then the rule's loop over its state options
          if (tbl.length >= 32) this.fail(`table name '${tbl}' too long`, "a table name has at most 31 characters");
          if (o.overload) this.stateChecks.push("multiple 'overload' table definitions");
          o.overload = flush ? { table: tbl, flush } : { table: tbl };
          break;
        }
        default:
          this.syntax();
      }
    }
    if (!toEnd) this.shift();
    this.finishStateOpts(o, bareTrack, adaptive);
    return o;
  }

  /** What pfrule makes of the state options once all are read: `max 0`, a bare `source-track`, adaptive timeouts. */
  private finishStateOpts(o: PfStateOptions, bareTrack: boolean, adaptive: { start?: number; end?: number }): void {
    // `max 0` is pf's "no limit" (r.max_states 0, never printed): as if unwritten
    if (o.max === 0) delete o.max;
    if (bareTrack) o.sourceTrack = o.maxSrcNodes !== undefined || o.maxSrcConn !== undefined || o.maxSrcConnRate !== undefined ? "rule" : "global";
    // (a rule whose state options fail pfrule's checks fails there first: parser.ts)
    if ((adaptive.start !== undefined || adaptive.end !== undefined) && this.stateChecks.length === 0) {
      const max = o.max ?? 0;
      if (adaptive.start !== Math.floor(max / 10) * 6 || adaptive.end !== Math.floor(max / 10) * 12) {
        this.fail("adaptive state timeouts are not part of this model's pf language", "only the values pfctl derives from `max N` are accepted");
      }
    }
  }

  /** Rules being read whose `received-on` was `rdomain N`, which pf keeps nothing of (for "cannot respecify"). */
  private readonly receivedOnRdomain = new WeakSet<object>();

  /**
   * `received-on if_item`: an interface name pf can hold, once per rule; reduced at the name (its line in errors).
   * `received-on rdomain N` is read, checked and dropped, as pfctl does (expand_rule copies the item's empty
   * interface name): undefined, with a warning.
   */
  protected receivedOn(o: Partial<PfFilterRule>): string | undefined {
    const seen = () => o.receivedOn !== undefined || this.receivedOnRdomain.has(o);
    // parse.y if_item: an interface or group name, `any`, or `rdomain N`
    if (this.isKw("any")) {
      const t = this.shift();
      if (seen()) this.failOnToken("cannot respecify received-on", undefined, t);
      return "any";
    }
    if (this.isKw("rdomain")) {
      const kw = this.shift();
      const n = this.rdomainNumber();
      if (seen()) this.failOnToken("cannot respecify received-on", undefined, kw);
      this.receivedOnRdomain.add(o);
      this.warn(`\`received-on rdomain ${n}\`: pfctl reads it and keeps nothing of it, so the rule matches packets received on any interface; name the interface instead (\`received-on em0\`)`, kw);
      return undefined;
    }
    const t = this.expectString();
    if (t.text.length >= 16) this.failOnToken("interface name too long", `\`${t.text}\` has ${t.text.length} characters; at most 15`, t);
    if (seen()) this.failOnToken("cannot respecify received-on", undefined, t);
    return t.text;
  }

  /** parse.y qname after `queue`/`set queue`: `NAME`, `(NAME)` or `(NAME, ACKNAME)`, each a queue defined before. */
  protected qname(o: Partial<PfFilterRule>): void {
    // each name is checked once the qname is read (its `)` when it has one): an error names that token's line
    const check = (names: Token[], last: Token): void => {
      for (const t of names)
        if (!this.queues.defined(t.text)) this.failOnToken(`queue ${t.text} is not defined`, "define it first with `queue NAME parent …` (a queue with a parent)", t, last);
    };
    let q: { name: string; ack?: string };
    if (this.acceptChar("(")) {
      const names = [this.expectString()];
      if (!this.isChar(")")) {
        this.acceptChar(",");
        names.push(this.expectString());
      }
      check(names, this.expectChar(")"));
      q = { name: names[0]!.text, ...(names[1] ? { ack: names[1].text } : {}) };
    } else {
      const t = this.expectString();
      check([t], t);
      q = { name: t.text };
    }
    if (o.queue) this.fail("queue cannot be redefined");
    o.queue = q;
  }

  /** `log (all, matches, user, to pflogN)` after `log`; undefined for plain `log`. */
  protected logOpts(): PfLogOptions | undefined {
    if (!this.acceptChar("(")) return undefined;
    const o: PfLogOptions = {};
    // logopts: logopt | logopts comma logopt — at least one
    for (let first = true; first || !this.isChar(")"); first = false) {
      if (!first) this.acceptChar(",");
      if (this.acceptKw("all")) o.all = true;
      else if (this.acceptKw("matches")) o.matches = true;
      else if (this.acceptKw("user")) o.user = true;
      else if (this.acceptKw("to")) {
        // `TO string` (adjacent words joined by a space): strncmp(s, "pflog", 5), then strtonum(s + 5, 0, 255)
        const t = this.la;
        // `to 0.0.0.0/0`'s `/` is a syntax error before the check; `to pflsg2` at the end of a line is refused by it
        const text = this.reducedString();
        if (!text.startsWith("pflog")) this.fail(`${text}: should be a pflog interface`, "to pflogN, N 0-255", t);
        const why = strtonumError(text.slice(5), 0, 255);
        if (why !== undefined) this.fail(`${text}: ${why}`, "to pflogN, N 0-255", t);
        // logif 0 is pflog0, the default: pfctl prints nothing and a later `to pflog0` keeps an earlier unit
        const unit = Number(text.slice(5));
        if (unit !== 0) o.to = unit;
      } else this.syntax();
    }
    this.shift();
    return Object.keys(o).length > 0 ? o : undefined;
  }
}

/** A translation or route target keeps an IPv4 address's mask above 32 out of its pool: pfctl prints the address alone. */
export function bareWideV4(h: PfHost): PfHost {
  if (h.kind === "interface" && h.mask !== undefined && h.mask > 32) {
    const { mask: _, ...rest } = h;
    return rest;
  }
  if (h.kind !== "address") return h;
  const m = /^([\d.]+)\/(\d+)$/.exec(h.address);
  return m && Number(m[2]) > 32 ? { ...h, address: m[1]! } : h;
}
