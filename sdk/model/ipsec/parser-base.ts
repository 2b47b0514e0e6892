/**
 * The ipsec.conf parser's token stream and clauses (hosts, ports, endpoints, peers, ids, transforms,
 * lifetimes), shared by the statement and rule parsers in parser.ts. Problems are collected, never thrown.
 */
import { isIPv6Literal, ntop6 } from "../address/parse";
import { familyOf, formatAddress, hostsFileHost, parseIpAsWritten, resolvePort, resolveProtocol } from "./address";
import { hostV4V6, maskedText } from "./host-text";
import { Lexer, type LexError, type Token } from "./lexer";
import { asciiToken } from "../tokens/refusal";
import { strtolWhole } from "../strtonum";
import { NULL_XF_NAMES, resolveTransform, transformNames, type TransformKind } from "./transforms";
import type { IkePhase, IpProtocol, IpsecAddress, IpsecEndpoint, IpsecStatement, SaRule } from "./types";
import type { ParsedItem, ParseOptions, ParseProblem } from "./parse-problem";

export { problemDiagnostic, problemMessage, type ParsedItem, type ParseOptions, type ParseProblem } from "./parse-problem";

/**
 * The keywords and punctuation before which byacc reduces `host_spec: STRING` and calls host() (its LALR
 * lookaheads, from `byacc -v` of OpenBSD's parse.y); a newline and any word may follow too.
 */
const HOST_SPEC_FOLLOW: ReadonlySet<string> = new Set([
  "from", "peer", "to", "srcid", "dstid", "rsa", "psk", "spi", "main", "quick", "aggressive", "any", "type", "local", "port", "tag",
  ",", "(", ")", "{", "}",
]);

/**
 * Whether byacc reduces a host before `t`: any word, a newline, or one of {@link HOST_SPEC_FOLLOW}; never a number,
 * the end of the file or a lexing error (yylex's ERROR, after `macro 'x' not defined`): the state after the host's
 * STRING also shifts `/`, so it has no default reduction, and a token outside its follow set is a syntax error before
 * host() runs (no `no IP address found for NAME`).
 */
const followsHostSpec = (t: Token): boolean =>
  t.kind === "string" || t.kind === "nl" || ((t.kind === "keyword" || t.kind === "punct") && HOST_SPEC_FOLLOW.has(t.text));

/**
 * The tokens that may follow `hosts` in some rule (LALR merges the states of its four uses): tcpmd5 and SA rules'
 * `spi`, flow rules' peers, ids and type, ike rules' peers, modes, ids, auth and tag, and the rule's newline.
 */
const HOSTS_FOLLOW: ReadonlySet<string> = new Set(["spi", "peer", "local", "srcid", "dstid", "type", "main", "aggressive", "quick", "rsa", "psk", "tag"]);
const followsHosts = (t: Token): boolean => t.kind === "nl" || (t.kind === "keyword" && HOSTS_FOLLOW.has(t.text));

/** C's `int` of a decimal number read by strtol/strtoll (clamped to 64 bits), i.e. its low 32 bits, signed. */
function cInt(digits: string): number {
  const max = (1n << 63n) - 1n;
  let v = BigInt(digits);
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return Number(BigInt.asIntN(32, v));
}

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
  /** host_spec, or with `single` peers' singlehost: a word alone, no `/len` (the `/` is then a syntax error). */
  protected host(field: string, single = false): IpsecAddress {
    const t = this.next();
    this.mark(field, t);
    if (t.kind === "keyword" && t.text === "any") return { kind: "any" };
    if (t.kind !== "string") throw new SyntaxError_(t);
    let text = t.text;
    // the last token yacc has read when it reduces the host (and host() reports): singlehost and `STRING '/'
    // NUMBER` are reduced at once, a bare host_spec only with the token after it
    let reduced = single ? t : this.peek();
    if (!single && this.peek().kind === "punct" && this.peek().text === "/") {
      this.next();
      const len = this.next();
      if (len.kind !== "number") throw new SyntaxError_(len);
      // `STRING '/' NUMBER` is put back together with asprintf("%s/%lld"): the number as its value (`/024` is `/24`)
      text += `/${BigInt(len.text)}`;
      reduced = len;
    } else if (!single && !followsHostSpec(this.peek())) {
      // yacc reduces `host_spec: STRING` (and calls host()) only before a token that may follow it: before any
      // other the rule is a syntax error there, and the word is never looked up
      throw new SyntaxError_(this.peek());
    }
    // after an earlier action of this rule failed (YYERROR), yacc discards tokens to the newline: no host() runs
    if (this.actionFailed) return { kind: "any" };
    // parse.y host(): a mask above 128 ends ipsecctl (errx); otherwise interface, IPv4, IPv6 and (without a
    // mask) DNS are tried in turn, and a miss prints `no IP address found for TEXT` before the yyerror.
    const slash = text.lastIndexOf("/");
    // host() reads the mask with strtol(…, 0) and keeps it in an int: 4294967296 wraps to 0 and passes (then no
    // address parses), -1 too; anything strtol does not read whole (`/1.5`, `/x` in a quoted word) ends ipsecctl
    const maskLong = slash >= 0 ? strtolWhole(text.slice(slash + 1)) : undefined;
    const maskInt = maskLong !== undefined ? Number(BigInt.asIntN(32, maskLong)) : undefined;
    if (slash >= 0 && (maskInt === undefined || maskInt > 128)) {
      this.problems.push({ file: t.file, line: t.line, column: t.column, ipsecctlLine: t.line, ipsecctlColumn: t.column, text: `host: invalid netmask '${text.slice(slash)}'`, field, hint: "at most /32 for IPv4, /128 for IPv6", effect: "fatal", noErrno: true });
      return { kind: "any" };
    }
    // host_v6(ps, mask) takes the int, not the text: a wrapped /4294967320 is /24, /-1 is no mask at all (host_v4
    // re-reads the whole text instead, where such a mask is no address)
    if (slash >= 0 && maskInt !== undefined && (maskInt < 0 || String(maskInt) !== text.slice(slash + 1)) && isIPv6Literal(text.slice(0, slash).replace(/%[A-Za-z0-9_.]+$/, ""))) {
      // set_ipmask() takes the int as a u_int8_t: -2147483640 is /8. Above 128 it writes past the address (undefined
      // behaviour), and at 128 the address would be a network with a host's mask: refused here
      if (maskInt < -1 && (maskInt & 0xff) >= 128) {
        const why = (maskInt & 0xff) === 128 ? "a host's mask on an address ipsecctl keeps as a network" : "and writes past the address (undefined behaviour)";
        this.problem(t, "hard", "could not parse host specification", field, `\`${text}\`: the netmask is ${maskInt} once ipsecctl keeps it in an int; set_ipmask() takes that as /${maskInt & 0xff}, ${why}; write /0 to /128`, reduced);
        return { kind: "any" };
      }
      if (maskInt < -1) {
        // host_v6 names the network with the int (`2001:db8::/-2147483640`: isakmpd's section names), its mask is the byte
        const ip = parseIpAsWritten(`${text.slice(0, slash)}/${maskInt & 0xff}`);
        if (ip && !("error" in ip) && ip.value.kind === "ip") return { ...ip.value, written: `${ntop6(ip.value.address)}/${maskInt}` };
      }
      text = maskInt === -1 ? text.slice(0, slash) : `${text.slice(0, slash)}/${maskInt}`;
    }
    const canonical = hostV4V6(text);
    const ip = parseIpAsWritten(canonical ?? text);
    if (ip && "error" in ip) {
      this.problem(t, "stderr", `no IP address found for ${text}`, field);
      this.problem(t, "hard", "could not parse host specification", field, `\`${text}\`: ${ip.error}; masks are /0-/32 for IPv4, /0-/128 for IPv6`, reduced);
      return { kind: "any" };
    }
    if (ip) {
      const scope = /%([^/]*)/.exec(text)?.[1];
      if (scope !== undefined && !/^\d+$/.test(scope)) this.problem(t, "warning", `${text}: the scope \`${scope}\` must be an interface of the host when ipsecctl loads the file`, field, "lint cannot check it");
      // host_v4/host_v6 (inet_net_pton) keep the address as written: flows, IDs and section names carry its host bits
      if (ip.hostBits) this.problem(t, "warning", `${text} has host bits set`, field, `ipsecctl uses it verbatim in isakmpd section names; write ${maskedText(text)}`);
      // host_v4 keeps the text as written as the address's name (a scoped IPv6 address is named by getnameinfo)
      if (canonical !== undefined && canonical !== text && !text.includes(":") && ip.value.kind === "ip") return { ...ip.value, written: text };
      return ip.value;
    }
    // host_if() ignores the mask of an interface or group (`em0/24` is em0); with a mask no DNS is tried
    const ifMask = slash >= 0 && maskInt !== undefined ? /^([A-Za-z][A-Za-z0-9._-]*)$/.exec(text.slice(0, slash)) : null;
    const unresolved = (name: string) => this.opts.resolves !== undefined && !this.opts.resolves(name);
    // (any mask host() let through: a negative one too)
    if (ifMask && maskInt !== undefined && !unresolved(ifMask[1]!)) {
      this.problem(t, "warning", `${text}: ipsecctl ignores the mask after an interface or group name and refuses it after a host name`, field, `write ${ifMask[1]} for an interface`);
      return { kind: "name", name: ifMask[1]! };
    }
    if (text.includes("/") || !/^[A-Za-z][A-Za-z0-9._-]*$/.test(text) || unresolved(text)) {
      this.problem(t, "stderr", `no IP address found for ${text}`, field);
      this.problem(t, "hard", "could not parse host specification", field, `\`${text}\` is not an address, interface or host name (ipsecctl has no :network modifiers)`, reduced);
      return { kind: "any" };
    }
    return { kind: "name", name: text };
  }

  /** `host` or `{ host, host … }`; a host of a list may be a list itself (parse.y `host: '{' host_list '}'`). */
  protected hostList(field: string, inList = false): IpsecAddress[] {
    const t = this.peek();
    if (t.kind === "punct" && t.text === "{") {
      this.next();
      this.mark(field, t);
      const list: IpsecAddress[] = [];
      // host_list: host | host_list comma host, comma: ',' | empty — a host first, at most one comma between
      // two hosts, none before the `}`
      list.push(...this.hostList(field, true));
      for (;;) {
        const n = this.peek();
        if (n.kind === "punct" && n.text === "}") {
          this.next();
          break;
        }
        if (n.kind === "punct" && n.text === ",") this.next();
        list.push(...this.hostList(field, true));
      }
      return list;
    }
    const hosts = hostsFileHost(this.host(field));
    // a host of a list may be `host_spec '(' host_spec ')'`: the NAT goes to its first address (`$$->srcnat = $3`)
    const first = hosts[0];
    if (inList && first && first.kind !== "any" && this.peek().kind === "punct" && this.peek().text === "(") hosts[0] = { ...first, nat: this.natAfter(field, first) };
    return hosts;
  }

  /**
   * `'(' host_spec ')'` after address `a` (the `(` next): the NAT network, of `a`'s family (parse.y `host`:
   * `$3->af != $1->af` is `Flow NAT address family mismatch`). On the destination `hosts` refuses it later.
   */
  private natAfter(field: "from" | "to" | string, a: IpsecAddress): IpsecAddress {
    const open = this.next();
    this.natSrc = open;
    const nat = this.host(`${field}.nat`);
    const close = this.next();
    if (!(close.kind === "punct" && close.text === ")")) throw new SyntaxError_(close);
    // the family of each side's (first) address
    const af = (x: IpsecAddress) => (x.kind === "name" ? this.opts.family?.(x.name) : familyOf(x));
    const [fa, fn] = [af(a), af(nat)];
    if (fa !== undefined && fn !== undefined && fa !== fn)
      this.problem(open, "hard", "Flow NAT address family mismatch", `${field}.nat`, "the NAT network must be of the same address family as the address before it");
    // refused when `hosts` is reduced, after its ports and yacc's lookahead (hosts()): the first address that has one
    if (field === "to" && !this.dstNat) this.dstNat = { open, address: a };
    return nat;
  }

  protected port(field: string): number | undefined {
    if (!this.isKw("port")) return undefined;
    this.next();
    const t = this.next();
    this.mark(field, t);
    if (t.kind !== "string" && t.kind !== "number") throw new SyntaxError_(t);
    // portval: a NUMBER is range-checked, a STRING looked up in /etc/services
    if (t.kind === "number" && !(Number(t.text) >= 0 && Number(t.text) <= 65535)) {
      this.problem(t, "hard", "port outside range", field, `${t.text}: a port is 0-65535`);
      return 0;
    }
    // a STRING is looked up by name only (getservbyname): digits that are no NUMBER token (`"22"`) are an unknown port
    const p = t.kind === "string" && /^\d+$/.test(t.text) ? undefined : resolvePort(t.text);
    if (p === undefined) {
      this.problem(t, "hard", `unknown port: ${t.text}`, field, "a number 0-65535 or an /etc/services name");
      return 0;
    }
    return p;
  }

  protected endpoint(field: "from" | "to", withPort: boolean): IpsecEndpoint {
    const list = this.peek().kind === "punct" && this.peek().text === "{";
    const addresses = this.hostList(field);
    let nat: IpsecAddress | undefined;
    // parse.y `host: host_spec '(' host_spec ')'`: a single address (not `any`, not a list), before the port
    if (this.peek().kind === "punct" && this.peek().text === "(") {
      if (list || addresses[0]?.kind === "any") throw new SyntaxError_(this.peek());
      nat = this.natAfter(field, addresses[0]!);
    }
    const port = withPort ? this.port(`${field}.port`) : undefined;
    return { addresses, ...(nat ? { nat } : {}), ...(port !== undefined ? { port } : {}) };
  }

  /** `from A [port P] to B [port P]` or `to B … from A …`. */
  /** A `(NAT)` after the destination, refused once `hosts` is read. */
  private dstNat: { open: Token; address: IpsecAddress } | undefined;

  protected hosts(withPort = true): { from: IpsecEndpoint; to: IpsecEndpoint } {
    this.dstNat = undefined;
    let r: { from: IpsecEndpoint; to: IpsecEndpoint };
    let last: "from" | "to";
    if (this.accept("from")) {
      const from = this.endpoint("from", withPort);
      this.expectKw("to");
      r = { from, to: this.endpoint("to", withPort) };
      last = "to";
    } else if (this.accept("to")) {
      const to = this.endpoint("to", withPort);
      this.expectKw("from");
      r = { from: this.endpoint("from", withPort), to };
      last = "from";
    } else throw new SyntaxError_(this.peek());
    // parse.y `hosts` is reduced at its last port's value, or, that port empty, once yacc has read the next token
    const d = this.dstNat as { open: Token; address: IpsecAddress } | undefined; // set by endpoint()
    const at = r[last].port !== undefined ? (this.fieldTokens.get(`${last}.port`) ?? this.peek()) : this.peek();
    // read for the reduction, a lookahead the lexer could not make (ERROR, after an undefined macro) fits no state;
    // with the last port empty, byacc reduces `port: /* empty */` (its state also shifts PORT: no default reduction)
    // only before a token that may follow `hosts` in some rule: before any other the rule is a syntax error there
    if (d && (at.kind === "error" || (r[last].port === undefined && !followsHosts(at)))) throw new SyntaxError_(at);
    if (d) this.problem(d.open, "hard", `no flow NAT support for destination network: ${formatAddress(d.address)}`, "to.nat", "only the source (`from ADDR (NAT)`) can be translated", at);
    return r;
  }

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

  protected peers(): { local?: IpsecAddress; peer?: IpsecAddress } {
    // peers: PEER anyhost [LOCAL singlehost] | LOCAL singlehost [PEER anyhost]; singlehost may be empty
    // (`peer` followed by no host word is no peer at all), and `local` takes no `any`
    const r: { local?: IpsecAddress; peer?: IpsecAddress } = {};
    let peer = false;
    let local = false;
    const written = () => this.peek().kind === "string" || (this.peek().kind === "keyword" && this.peek().text === "any");
    for (let i = 0; i < 2; i++) {
      if (!peer && this.accept("peer")) {
        peer = true;
        if (written()) r.peer = this.host("peer", true);
      } else if (!local && this.accept("local")) {
        local = true;
        if (this.peek().kind === "keyword" && this.peek().text === "any") throw new SyntaxError_(this.peek());
        if (written()) r.local = this.host("local", true);
      }
    }
    return r;
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
