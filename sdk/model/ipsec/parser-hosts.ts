/**
 * The ipsec.conf parser's hosts: host_spec and host lists (with a list host's NAT), ports, the `from … to …`
 * endpoints and the peers, between the token stream (parser-base.ts) and the rule parsers (parser-sa.ts, parser.ts).
 */
import { isIPv6Literal, ntop6 } from "../address/parse";
import { familyOf, formatAddress, hostsFileHost, parseIpAsWritten, resolvePort } from "./address";
import { hostV4V6, maskedText } from "./host-text";
import type { Token } from "./lexer";
import { strtolWhole } from "../strtonum";
import { MAX_HOST_LIST_NESTING, ParserBase, SyntaxError_, YaccOverflow } from "./parser-base";
import type { IpsecAddress, IpsecEndpoint } from "./types";

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

export abstract class HostParser extends ParserBase {
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

  /**
   * `host` or `{ host, host … }`; a host of a list may be a list itself (parse.y `host: '{' host_list '}'`). Lists in
   * lists are read with a stack of the open ones, not by recursion: ipsecctl's limit is its yacc stack
   * ({@link MAX_HOST_LIST_NESTING}), never this process's.
   */
  protected hostList(field: string): IpsecAddress[] {
    if (!this.isPunct("{")) return this.listHost(field, false);
    // host_list: host | host_list comma host, comma: ',' | empty — a host first, at most one comma between two
    // hosts, none before the `}`
    const open: IpsecAddress[][] = [];
    for (;;) {
      if (this.isPunct("{")) {
        const t = this.peek();
        if (open.length >= MAX_HOST_LIST_NESTING) throw new YaccOverflow(t);
        this.next();
        this.mark(field, t);
        open.push([]);
        continue;
      }
      open[open.length - 1]!.push(...this.listHost(field, true));
      while (this.isPunct("}")) {
        this.next();
        const inner = open.pop()!;
        const around = open[open.length - 1];
        if (!around) return inner;
        around.push(...inner);
      }
      if (this.isPunct(",")) this.next();
    }
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.text === text;
  }

  /** One host (no list); in a list it may be `host_spec '(' host_spec ')'`: the NAT goes to its first address (`$$->srcnat = $3`). */
  private listHost(field: string, inList: boolean): IpsecAddress[] {
    const hosts = hostsFileHost(this.host(field));
    const first = hosts[0];
    if (inList && first && first.kind !== "any" && this.isPunct("(")) hosts[0] = { ...first, nat: this.natAfter(field, first) };
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
}
