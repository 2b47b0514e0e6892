/** pf.conf parser, part 4: a rule's options (parse.y filter_opts). */
import { firstFamily, interfaceAddresses, literalFamily } from "./address";
import { type Token } from "./lexer";
import { dynifMultiAddr } from "./if-modifier";
import { FAILED_TO_ADD_HOST } from "./expand";
import type { PfFilterRule, PfHost, PfScrub } from "./types";
import { UNSUPPORTED_RULE_OPTS, SUPPORTED_RULE_OPTS, TOS_WORDS } from "./parser-base";
import { bareWideV4 } from "./parser-rule-parts";
import { PfMarkerParser } from "./parser-markers";

/**
 * Options pfctl reads on an anchor rule and then drops without a word: anchorrule never applies a translation or a
 * divert (filteropts_to_rule copies none of them). Lint warns of each.
 */
const DROPPED_ON_ANCHOR: ReadonlySet<string> = new Set(["nat-to", "rdr-to", "binat-to", "divert-to", "divert-reply", "divert-packet"]);
/** apply_redirspec: `static-port` belongs to a nat-to pool. */
const STATIC_PORT_NOT_NAT = "the 'static-port' option is only valid with nat rules";

/**
 * A pool list holding a table or `(if)` after its first address: collapse_redirspec cannot add it to the list's
 * table (pfctl warns), and apply_redirspec then refuses the pool (still its first address) unless its `type` is dynamic.
 */
function listRefusal(list: readonly PfHost[] | undefined, type: string | undefined): readonly string[] | undefined {
  const at = list?.findIndex((x) => x.kind === "table" || x.kind === "dynamic") ?? -1;
  if (at < 0) return undefined;
  const h = list![at]!;
  // an IPv4 address with more than 32 bits of mask before it fails first (collapsePool warns of it): the table or
  // `(if)` is never tried
  const failed = list!.slice(0, at).some((x) => bareWideV4(x) !== x) ? [] : [FAILED_TO_ADD_HOST];
  // a dynamic type (round-robin, random, source-hash, least-states) takes a table: the failed host is all there is
  if (type !== undefined && type !== "bitmask") return failed.length ? failed : undefined;
  return [...failed, h.kind === "table" ? "tables are not supported by pool type" : `interface (${(h as { name: string }).name}) is not supported by pool type`];
}

/** One refusal line as a pool's refusal (see PfParserBase.redirRefusal). */
const line = (m: string | undefined): readonly string[] | undefined => (m === undefined ? undefined : [m]);

/**
 * apply_redirspec: a pool whose type is not dynamic (bitmask; round-robin, random, source-hash and least-states
 * are) takes no table and no interface of changing addresses (`(em0)`, unless `:0`). A list is collapse_redirspec's.
 */
function poolTypeRefusal(type: string | undefined, h: PfHost): string | undefined {
  if (type !== "bitmask") return undefined;
  if (h.kind === "table" && !h.name.startsWith("__automatic_")) return "tables are not supported by pool type";
  if (dynifMultiAddr(h)) return `interface (${(h as { name: string }).name}) is not supported by pool type`;
  return undefined;
}

export abstract class PfOptionParser extends PfMarkerParser {
  protected filterOpts(anchor: boolean): Partial<PfFilterRule> {
    const o = this.readFilterOpts(anchor);
    // rule_label(): `label ""` leaves the rule no label (nothing printed, no barrier to the optimizer); it still
    // counts as written for "label cannot be redefined"
    if (o.label === "") delete o.label;
    return o;
  }

  private readFilterOpts(anchor: boolean): Partial<PfFilterRule> {
    const o: Partial<PfFilterRule> = {};
    this.stateChecks = [];
    this.resetMarks();
    if (this.osName !== undefined) {
      o.os = this.osName;
      this.osName = undefined;
    }
    for (;;) {
      const t = this.la;
      if (t.type === "CHAR" && t.text === "!") {
        this.shift();
        if (this.acceptKw("received-on")) {
          const name = this.receivedOn(o);
          if (name !== undefined) o.receivedOn = { name, not: true };
          continue;
        }
        this.expectKw("tagged");
        o.tagged = { name: this.string(), not: true };
        continue;
      }
      if (t.type !== "KW") return o;
      // an anchor rule reads every filter option (anchorrule refuses state and route ones once the rule is read)
      if (anchor && t.text === "af-to") this.fail("`af-to` on an anchor rule is not part of this model's pf language", "translate on a pass rule inside the anchor");
      if (anchor && DROPPED_ON_ANCHOR.has(t.text)) this.warn(`\`${t.text}\` on an anchor rule: pfctl reads it and ignores it (an anchor rule translates and diverts nothing); put it on a rule inside the anchor`, t);
      switch (t.text) {
        case "fragment":
          this.shift();
          o.fragment = true;
          break;
        case "received-on": {
          this.shift();
          const name = this.receivedOn(o);
          if (name !== undefined) o.receivedOn = { name };
          break;
        }
        case "user":
        case "group": {
          this.shift();
          // a second `user`/`group` goes first, the earlier ones after it (filter_opt: `$2->tail->next = uid`)
          const items = this.ugids(t.text);
          if (t.text === "user") o.users = [...items, ...(o.users ?? [])];
          else o.groups = [...items, ...(o.groups ?? [])];
          break;
        }
        default:
          if (this.onceOpt(t, o) || this.ruleSettingOpt(t, o) || this.divertOpt(t, o) || this.routeOpt(t, o) || this.markOpt(t, o)) break;
          if (UNSUPPORTED_RULE_OPTS.has(t.text)) {
            this.fail(`\`${t.text}\` is valid pf.conf but not part of this model's pf language`, `supported rule options: ${SUPPORTED_RULE_OPTS}`);
          }
          return o;
      }
    }
  }


  /** parse.y `tos`: a number, a map_tos() word or a 0x hex number, 0-255 (`illegal tos value`). */
  protected tosValue(): number {
    const v = this.numberstring();
    const n = v.type === "NUMBER" ? (v.num as number) : TOS_WORDS[v.text.toLowerCase()] ?? (/^0x[0-9a-fA-F]+$/.test(v.text) ? parseInt(v.text, 16) : 256);
    // a NUMBER is printed as its value (`%lld`: 00256 is 256), a word as written
    if (n < 0 || n > 255) this.failOnToken(`illegal tos value ${v.type === "NUMBER" ? BigInt(v.text) : v.text}`, `a number 0-255 or one of ${Object.keys(TOS_WORDS).join(", ")}`, v);
    return n;
  }

  /** filter_opts: prio, max-pkt-rate, probability, set …. Returns false when `t` is none of them. */
  protected ruleSettingOpt(t: Token, o: Partial<PfFilterRule>): boolean {
    switch (t.text) {
    case "prio": {
      this.shift();
      if (this.la.type !== "NUMBER") this.syntax();
      const nt = this.shift();
      const n = nt.num as number;
      // `PRIO NUMBER`'s action: the redefinition first, then the range
      if (o.prio !== undefined) this.failOnToken("prio cannot be redefined", undefined, nt);
      if (n < 0 || n > 7) this.failOnToken("prio must be 0 - 7", undefined, nt);
      o.prio = n;
      break;
    }
    case "max-pkt-rate": {
      this.shift();
      const { limit, seconds } = this.rate();
      // reduced at the rate's last NUMBER
      if (o.maxPktRate) this.failOnToken("cannot respecify max-pkt-rate", undefined, this.prev!);
      o.maxPktRate = { limit, seconds };
      break;
    }
    case "probability": {
      this.shift();
      const v = this.numberstring();
      const m = /^(\d+(?:\.\d*)?)(%?)$/.exec(v.text);
      if (!m) this.failOnToken(`invalid probability: ${v.text}`, undefined, v);
      const p = Number(m[1]) * (m[2] ? 0.01 : 1);
      const u = Math.floor(p * 0xffffffff + 0.5);
      if (u < 0 || u > 0xffffffff) this.failOnToken(`invalid probability: ${p * 100}%`, undefined, v);
      o.probability = u === 0 ? 1 : u;
      break;
    }
    case "set": {
      // filter_sets: `set prio …`, `set tos …`, or `set ( …, … )`
      this.shift();
      const one = () => {
        if (this.acceptKw("prio")) {
          // the `prio` rule checks its range, then filter_set's action its redefinition (both at its last token)
          const again = o.setPrio !== undefined;
          if (this.acceptChar("(")) {
            if (this.la.type !== "NUMBER") this.syntax();
            const a = this.shift().num as number;
            this.acceptChar(",");
            if (this.la.type !== "NUMBER") this.syntax();
            const b = this.shift().num as number;
            const close = this.expectChar(")");
            if (a < 0 || a > 7 || b < 0 || b > 7) this.failOnToken("prio must be 0 - 7", undefined, close);
            if (again) this.failOnToken("prio cannot be redefined", undefined, close);
            o.setPrio = [a, b];
          } else {
            if (this.la.type !== "NUMBER") this.syntax();
            const at = this.shift();
            const a = at.num as number;
            if (a < 0 || a > 7) this.failOnToken("prio must be 0 - 7", undefined, at);
            if (again) this.failOnToken("prio cannot be redefined", undefined, at);
            o.setPrio = [a, a];
          }
        } else if (this.acceptKw("tos")) {
          const again = o.setTos !== undefined;
          const v = this.tosValue();
          if (again) this.failOnToken("tos cannot be respecified", undefined, this.prev!);
          o.setTos = v;
        } else if (this.acceptKw("queue")) {
          this.qname(o);
        } else if (this.acceptKw("delay")) {
          // parse.y filter_set DELAY NUMBER: a delay of 0 is none, so another may follow it
          if (o.setDelay) this.fail("delay cannot be respecified");
          if (this.la.type !== "NUMBER") this.syntax();
          const nt = this.shift();
          const n = BigInt(nt.text);
          if (n < 0n || n > 0xffffn) this.failOnToken(`illegal delay value ${n} (0-65535)`, undefined, nt);
          o.setDelay = Number(n);
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
      default:
        return false;
    }
    return true;
  }

  /** filter_opts: route-to, reply-to, dup-to, binat-to, icmp types, scrub. Returns false when `t` is none of them. */
  protected routeOpt(t: Token, o: Partial<PfFilterRule>): boolean {
    switch (t.text) {
    case "route-to":
    case "reply-to":
    case "dup-to": {
      this.shift();
      const again = o.route !== undefined;
      const { target, list } = this.poolTarget(this.ruleAf);
      o.route = { kind: t.text as "route-to" | "reply-to" | "dup-to", host: target };
      const before = o.pool;
      const staticPort = this.poolOpts(o, target);
      this.redirRefusal.route ??= listRefusal(list, o.pool !== before ? o.pool?.type : undefined);
      // checked once the (optional) pool options are read: after yacc's lookahead
      if (again) this.fail("cannot respecify route-to/reply-to/dup-to");
      this.redirRefusal.route ??= line(poolTypeRefusal(o.pool !== before ? o.pool?.type : undefined, target) ?? (staticPort ? STATIC_PORT_NOT_NAT : undefined));
      if (list) o.pool = { ...(o.pool ?? {}), list };
      break;
    }
    case "binat-to": {
      this.shift();
      // BINATTO redirpool pool_opts: the target is read before the action checks it. A redirpool as nat-to's: an
      // interface name is its addresses (`binat-to em0` translates to em0's address), a `{ … }` list its entries;
      // several become a table, which binat-to then refuses)
      const { target, list } = this.poolTarget(this.ruleAf, true, true);
      // redirpool's `port` range, and pool_opts: a written static-port changes nothing (binat-to always keeps the
      // ports, so a range is refused as nat-to's with static-port); the type and sticky-address go to both rules
      const ports: Partial<PfFilterRule> = { staticPort: true };
      if (this.acceptKw("port")) this.natPort(ports);
      const before = o.pool;
      this.poolOpts(o, target);
      if (o.natTo || o.binatTo || o.afTo) this.fail("cannot respecify nat-to/binat-to");
      o.binatTo = target;
      // apply_redirspec of the nat pool, in its order: the pool type, static-port
      this.redirRefusal.nat ??= line(poolTypeRefusal(o.pool !== before ? o.pool?.type : undefined, target));
      this.staticNatPort(ports);
      if (list) o.pool = { ...(o.pool ?? {}), list };
      break;
    }
    case "icmp-type":
    case "icmp6-type":
      this.shift();
      const again = o.icmpTypes !== undefined;
      const types = this.icmpspec(t.text === "icmp6-type");
      // filter_opt's action once icmpspec is reduced: at its `}` or code, else at the lookahead after the type
      if (again) {
        const last = this.prev!;
        if ((last.type === "CHAR" && last.text === "}") || types.at(-1)?.code !== undefined) this.failOnToken("icmp-type cannot be redefined", undefined, last);
        this.fail("icmp-type cannot be redefined");
      }
      o.icmpTypes = types;
      break;
    case "scrub": {
      this.shift();
      this.expectChar("(");
      const sc: PfScrub = {};
      let first = true;
      while (!this.isChar(")")) {
        if (!first) this.acceptChar(",");
        first = false;
        // parse.y scrub_opt: each option once, numbers in their range
        if (this.acceptKw("no-df")) {
          if (sc.noDf) this.fail("no-df cannot be respecified");
          sc.noDf = true;
        } else if (this.acceptKw("random-id")) {
          if (sc.randomId) this.fail("random-id cannot be respecified");
          sc.randomId = true;
        } else if (this.isKw("min-ttl") || this.isKw("max-mss")) {
          const k = this.shift().text as "min-ttl" | "max-mss";
          if (this.la.type !== "NUMBER") this.syntax();
          const n = this.shift().num as number;
          const key = k === "min-ttl" ? "minTtl" : "maxMss";
          if (sc[key] !== undefined) this.fail(`${k} cannot be respecified`);
          if (n < 0 || n > (k === "min-ttl" ? 255 : 65535)) this.fail(`illegal ${k} value ${n}`);
          sc[key] = n;
        } else if (this.acceptKw("reassemble")) {
          const w = this.expectString();
          if (w.text.toLowerCase() !== "tcp") this.fail(`scrub reassemble supports only tcp, not '${w.text}'`, undefined, w);
          if (sc.reassembleTcp) this.fail("reassemble tcp cannot be respecified");
          sc.reassembleTcp = true;
        } else this.syntax();
      }
      this.shift();
      // a later scrub (…) sets its options anew, but `reassemble tcp` (a marker bit, as divert-packet's) stays
      o.scrub = o.scrub?.reassembleTcp ? { ...sc, reassembleTcp: true } : sc;
      break;
    }
      default:
        return false;
    }
    return true;
  }

  /** filter_opts: allow-opts, once, label, tag, tagged, rtable, nat-to, rdr-to. Returns false when `t` is none of them. */
  protected markOpt(t: Token, o: Partial<PfFilterRule>): boolean {
    switch (t.text) {
    case "allow-opts":
      this.shift();
      o.allowOpts = true;
      break;
    case "once":
      this.shift();
      o.once = true;
      break;
    case "label": {
      this.shift();
      const label = this.expectString();
      // `LABEL label`'s action, reduced at the string
      if (o.label !== undefined) this.failOnToken("label cannot be redefined", undefined, label);
      o.label = label.text;
      break;
    }
    case "tag":
      // too long: filteropts_to_rule's check, once the rule is read (deferredOptChecks)
      this.shift();
      o.tag = this.string();
      break;
    case "tagged":
      this.shift();
      o.tagged = { name: this.string() };
      break;
    case "rtable": {
      this.shift();
      if (this.la.type !== "NUMBER") this.syntax();
      const nt = this.shift();
      const n = nt.num as number;
      if (n < 0 || n > 255) this.failOnToken("invalid rtable id", undefined, nt);
      o.rtable = n;
      break;
    }
    case "af-to":
      this.afTo(o);
      break;
    case "queue":
      this.shift();
      this.qname(o);
      break;
    case "nat-to":
    case "rdr-to": {
      this.shift();
      const { target, list } = this.poolTarget(this.ruleAf);
      const hosts = [target];
      const rdrPort = t.text === "rdr-to" && this.acceptKw("port") ? this.rdrPort() : {};
      if (t.text === "nat-to" && this.acceptKw("port")) this.natPort(o);
      const before = o.pool;
      const staticPort = this.poolOpts(o, hosts[0]!);
      // NATTO/RDRTO's action, once the pool and its options are read: nat-to, binat-to or af-to (which sets both
      // pools) before it
      if (t.text === "nat-to" && (o.natTo || o.binatTo || o.afTo)) this.fail("cannot respecify nat-to/binat-to");
      if (t.text === "rdr-to" && (o.rdrTo || o.afTo)) this.fail("cannot respecify rdr-to");
      if (t.text === "nat-to") o.natTo = hosts[0];
      else o.rdrTo = { host: hosts[0]!, ...rdrPort };
      const listed = listRefusal(list, o.pool !== before ? o.pool?.type : undefined);
      if (t.text === "nat-to") this.redirRefusal.nat ??= listed;
      else this.redirRefusal.rdr ??= listed;
      // apply_redirspec, in its order: the port range (rdrPort), the pool type, static-port (staticNatPort)
      const typeRefusal = poolTypeRefusal(o.pool !== before ? o.pool?.type : undefined, hosts[0]!);
      if (t.text === "nat-to") this.redirRefusal.nat ??= line(typeRefusal);
      else this.redirRefusal.rdr ??= line(typeRefusal);
      if (staticPort) {
        if (t.text === "nat-to") o.staticPort = true;
        else this.redirRefusal.rdr ??= [STATIC_PORT_NOT_NAT];
      }
      if (t.text === "nat-to") this.staticNatPort(o);
      if (list) o.pool = { ...(o.pool ?? {}), list };
      break;
    }
      default:
        return false;
    }
    return true;
  }

  /**
   * The port of a nat pool (nat-to's, af-to's `from`): apply_redirspec's proxy ports. 0 (or 0:0) is the default
   * range, not kept; one port is a range of one, and so is `N:*`.
   */
  protected natPort(o: Partial<PfFilterRule>): void {
    const p = this.portstar();
    const to = p.to === "*" ? undefined : p.to;
    if (p.port !== 0 || (to ?? 0) !== 0) o.natPort = to === undefined ? { port: p.port } : { port: p.port, to };
  }

  /** `static-port` with a nat pool's port range: apply_redirspec refuses a range that keeps neither default end. */
  protected staticNatPort(o: Partial<PfFilterRule>): void {
    if (!o.staticPort || !o.natPort) return;
    const lo = o.natPort.port;
    const hi = o.natPort.to ?? lo;
    if (lo !== 50001 && hi !== 65535) this.redirRefusal.nat ??= ["the 'static-port' option can't be used when specifying a port range"];
    // static-port zeroes the proxy ports: nothing of the range is printed
    delete o.natPort;
  }

  /** The port of an rdr pool (rdr-to's, af-to's `to`): `N`, `N:M` (M not below N: validate_range) or `N:*`. */
  protected rdrPort(): { port: number; portTo?: number | "*" } {
    const p = this.portstar();
    if (typeof p.to === "number" && p.to < p.port) this.redirRefusal.rdr = ["invalid rdr-to port range"];
    return p.to === undefined ? { port: p.port } : { port: p.port, portTo: p.to };
  }

  /**
   * parse.y `AFTO af FROM redirpool pool_opts [TO redirpool pool_opts]`. pfctl's own quirk kept: in the
   * `to` form the pool options written after the `to` pool are the `from` pool's (those after `from` are lost).
   */
  protected afTo(o: Partial<PfFilterRule>): void {
    this.shift();
    const af = this.af();
    this.expectKw("from");
    const from = this.poolTarget(undefined, false);
    const fromOpts: Partial<PfFilterRule> = {};
    if (this.acceptKw("port")) this.natPort(fromOpts);
    const staticPort = this.poolOpts(fromOpts, from.target);
    let to: { target: PfHost; list?: PfHost[]; port?: { port: number; portTo?: number | "*" } } | undefined;
    let opts = fromOpts;
    let staticTo = false;
    if (this.acceptKw("to")) {
      to = this.poolTarget(undefined, false);
      if (this.acceptKw("port")) to.port = this.rdrPort();
      opts = {};
      staticTo = this.poolOpts(opts, from.target);
    }
    if (o.natTo || o.binatTo || o.afTo) this.fail("cannot respecify af-to");
    if (af === undefined) this.fail(to ? "no address family specified" : "no target address family specified");
    // af-to's pools are the rule's rdr (`to`) and nat (`from`) pools: a table listed in one is refused as there
    // (the `to` pool takes no options: those after it are the `from` pool's)
    if (to) this.redirRefusal.rdr ??= listRefusal(to.list, undefined);
    this.redirRefusal.nat ??= listRefusal(from.list, (to ? opts : fromOpts).pool?.type);
    const first = (h: PfHost, list?: PfHost[]) => (list ? list[0]! : h);
    const hostAf = (h: PfHost) => literalFamily(h) ?? (h.kind === "interface" && this.ctx.interfaces ? firstFamily(interfaceAddresses(h.name, h.modifier, this.ctx.interfaces)) : undefined);
    if (to) {
      const a = hostAf(first(from.target, from.list));
      const b = hostAf(first(to.target, to.list));
      if ((a && a !== af) || (b && b !== af)) this.fail("af-to addresses must be in the target address family");
    }
    // af-to sets the rule's rdr pool (the `to` pool, else an empty one): an earlier rdr-to is dropped
    delete o.rdrTo;
    o.afTo = {
      af, from: from.target,
      ...(to ? { to: { host: to.target, ...(to.port ?? {}), ...(to.list ? { list: to.list } : {}) } } : {}),
    };
    if (opts.pool || from.list) o.pool = { ...(opts.pool ?? {}), ...(from.list ? { list: from.list } : {}) };
    if (fromOpts.natPort) o.natPort = fromOpts.natPort;
    if (to ? staticTo : staticPort) o.staticPort = true;
    this.staticNatPort(o);
  }
}
