/** pf.conf parser, part 2: direction, family, interfaces, protocols and hosts (parse.y's ipspec; ports: ./parser-ports). */
import { modifierMode, splitModifiers } from "./if-modifier";
import { hostsFileAddresses, interfaceAddresses, interfaceExists, literalScope, parseLiteralAddress, type LiteralAddress } from "./address";
import { expandStatement } from "./expand";
import { type Token } from "./lexer";
import { canonicalProtocol } from "./names";
import type { PfAddressFamily, PfDirection, PfEndpoint, PfHost, PfIfModifier, PfIfSpec, PfRule } from "./types";
import { FILTER_OPT_WORDS, MAX_LIST_NESTING, YaccOverflow } from "./parser-base";
import { PfPortParser } from "./parser-ports";
import { strtonumError } from "../strtonum";

/** A NUMBER token as printf("%lld") prints its value: no leading zeros, `-0` is `0`. */
const lld = (digits: string): string => BigInt(digits).toString();

/**
 * The keywords and characters before which byacc reduces pfctl's `host: STRING` and calls host() (its LALR
 * lookaheads, from `byacc -v` of OpenBSD's parse.y); a newline, a word and a number may follow too. Before any
 * other token the rule is a syntax error there, and the word is never looked up.
 */
const HOST_FOLLOW: ReadonlySet<string> = new Set([
  "scrub", "os", "to", "flags", "any", "icmp-type", "icmp6-type", "keep", "modulate", "port", "binat-to", "allow-opts", "route-to",
  "dup-to", "reply-to", "no", "label", "no-route", "urpf-failed", "fragment", "user", "group", "tos", "set", "synproxy", "bitmask",
  "random", "source-hash", "round-robin", "least-states", "static-port", "probability", "weight", "queue", "rtable", "prio", "once",
  "sticky-address", "max-pkt-rate", "tagged", "tag", "route", "divert-to", "divert-reply", "divert-packet", "nat-to", "af-to", "rdr-to",
  "received-on", "{", "}", "(", "!", "<", ",",
]);


export abstract class PfHostParser extends PfPortParser {
  protected resolveForPrint(hosts: PfHost[]): PfHost[] {
    const out: PfHost[] = [];
    for (const h of hosts) {
      // print_addr: a zero mask is `any`
      if (h.kind === "address" && h.address.endsWith("/0")) {
        out.push({ ...h, address: "any" });
        continue;
      }
      if (h.kind !== "interface" || !this.ctx.interfaces) {
        out.push(h);
        continue;
      }
      // `NAME/0`: each address masked to nothing, its family's `0.0.0.0/0` or `::/0` (printed `any`); the probe
      // would read those as `from any` and give no host
      const zero = h.mask === 0;
      const { mask: _mask, ...bare } = h;
      const probe: PfRule = { kind: "anchor", name: "x", on: [], protos: [], from: { hosts: [zero ? bare : h], ports: [] }, to: { hosts: [], ports: [] } };
      for (const r of expandStatement(probe, this.ctx).rules)
        out.push(...(zero ? r.from.hosts.map((a): PfHost => (a.kind === "address" ? { ...a, address: a.address.includes(":") ? "::/0" : "0.0.0.0/0" } : a)) : r.from.hosts));
    }
    return out;
  }

  // ---- anchors ---------------------------------------------------------------------------

  protected dir(): PfDirection | undefined {
    if (this.acceptKw("in")) return "in";
    if (this.acceptKw("out")) return "out";
    return undefined;
  }

  protected af(): PfAddressFamily | undefined {
    if (this.acceptKw("inet")) return "inet";
    if (this.acceptKw("inet6")) return "inet6";
    return undefined;
  }

  /** `on IF`, `on ! IF`, `on { IF … }`. */
  protected interfaceSpec(): PfIfSpec[] {
    this.expectKw("on");
    return this.braceList(() => this.ifItemNot());
  }

  protected ifItemNot(): PfIfSpec {
    const not = this.acceptChar("!");
    if (this.la.type === "STRING") {
      const t = this.shift();
      // `if_item: STRING` is reduced at its own token: a continued line after it does not move the error
      if (t.text.length >= 16) this.failOnToken("interface name too long", `\`${t.text}\` has ${t.text.length} characters; at most 15`, t);
      return not ? { name: t.text, not } : { name: t.text };
    }
    if (this.acceptKw("any")) return not ? { name: "any", not } : { name: "any" };
    if (this.acceptKw("rdomain")) {
      const rdomain = this.rdomainNumber();
      return not ? { rdomain, not } : { rdomain };
    }
    this.syntax();
  }

  /**
   * The NUMBER of parse.y's `if_item: RDOMAIN NUMBER` (`on rdomain N`, `received-on rdomain N`): outside 0-255 is
   * a yyerror without YYERROR (the file fails, the rule is read on), reduced at the number.
   */
  protected rdomainNumber(): number {
    const t = this.la;
    if (t.type !== "NUMBER") this.syntax();
    this.shift();
    const n = t.num as number;
    if (n < 0 || n > 255) this.report(t.line, t.col, `rdomain ${BigInt(t.text)} outside range`, "a routing domain is 0-255 (rdomain(4))", t);
    return n;
  }

  protected protoSpec(): string[] {
    if (!this.acceptKw("proto")) return [];
    return this.braceList(() => this.protoItem());
  }

  protected protoItem(): string {
    const t = this.la;
    if (t.type === "NUMBER") {
      this.shift();
      const n = t.num as number;
      if (n < 0 || n > 255) this.failOnToken("protocol outside range", `\`${t.text}\`; a protocol number is 1-255`, t);
      if (n === 0) this.failOnToken("proto 0 cannot be used", undefined, t);
      return canonicalProtocol(String(n)) as string;
    }
    if (t.type === "STRING") {
      this.shift();
      const p = canonicalProtocol(t.text);
      if (p === undefined || /^\d+$/.test(t.text)) this.failOnToken(`unknown protocol ${t.text}`, "a name from /etc/protocols such as tcp, udp, esp, ah, ipencap, gre, carp, pfsync, or a number 1-255", t);
      return p;
    }
    this.syntax();
  }

  protected fromto(): { from: PfEndpoint; to: PfEndpoint } {
    const none = (): PfEndpoint => ({ hosts: [], ports: [] });
    if (this.acceptKw("all")) return { from: none(), to: none() };
    let from = none();
    let to = none();
    if (this.acceptKw("from")) from = this.ipportspec();
    if (this.acceptKw("os")) this.osName = this.expectString().text;
    if (this.acceptKw("to")) {
      to = this.ipportspec();
      if (to.hosts.some((h) => h.kind === "urpf-failed")) {
        // `to: TO ipportspec`'s action runs when yacc reduces it, only before a token that may follow it
        const la = this.la;
        const follows = la.type === "NL" || la.type === "EOF" || (la.type === "CHAR" && (la.text === "!" || la.text === "{")) || (la.type === "KW" && FILTER_OPT_WORDS.has(la.text));
        if (!follows) this.syntax();
        this.fail('"urpf-failed" is not permitted in a destination address');
      }
    }
    return { from, to };
  }

  protected ipportspec(): PfEndpoint {
    if (this.acceptKw("port")) return { hosts: [], ports: this.portspec() };
    const hosts = this.ipspec();
    const ports = this.acceptKw("port") ? this.portspec() : [];
    return { hosts, ports };
  }

  /**
   * `any`, one host, or `{ list }`; an `any` inside a list makes the whole list `any`. Lists nested in lists
   * (`{ a { b c } }`) are read with a stack of the open ones, not by recursion: pfctl's limit is its yacc stack
   * ({@link MAX_LIST_NESTING}), never this process's.
   */
  protected ipspec(): PfHost[] {
    if (this.acceptKw("any")) return [];
    if (!this.isChar("{")) return this.xhostSpec();
    const open: { out: PfHost[]; any: boolean; first: boolean }[] = [];
    for (;;) {
      if (this.acceptChar("{")) {
        if (open.length >= MAX_LIST_NESTING) throw new YaccOverflow();
        // a nested list is an entry of the list around it
        const around = open[open.length - 1];
        if (around) around.first = false;
        open.push({ out: [], any: false, first: true });
        this.optnl();
        continue;
      }
      const top = open[open.length - 1]!;
      if (this.isChar("}")) {
        if (top.first) this.syntax();
        this.shift();
        open.pop();
        const hs = top.any ? [] : top.out;
        const parent = open[open.length - 1];
        if (!parent) return hs;
        if (hs.length === 0) parent.any = true;
        parent.out.push(...hs);
        this.optnl();
        continue;
      }
      if (!top.first) this.acceptChar(",");
      top.first = false;
      if (this.isChar("{")) continue;
      const hs = this.acceptKw("any") ? [] : this.xhostSpec();
      if (hs.length === 0) top.any = true;
      top.out.push(...hs);
      this.optnl();
    }
  }

  /** xhost: `not host`, `not no-route` or `not urpf-failed` (a rule's from/to: IPv6 scopes kept). */
  private xhostSpec(): PfHost[] {
    const not = this.acceptChar("!");
    if (this.acceptKw("no-route")) return [{ kind: "no-route", ...(not ? { not } : {}) }];
    if (this.acceptKw("urpf-failed")) return [{ kind: "urpf-failed", ...(not ? { not } : {}) }];
    return this.host(not, true);
  }

  /** `host`; `scoped`: a rule's from/to, where an IPv6 literal keeps its scope (expand_rule binds the rule by it). */
  protected host(not: boolean, scoped = false): PfHost[] {
    const n = not ? { not: true } : {};
    const t = this.la;
    if (t.type === "STRING") {
      this.shift();
      if (this.isChar("-")) return [this.range(t, not)];
      let text = t.text;
      let mask: Token | undefined;
      if (this.acceptChar("/")) {
        if (this.la.type !== "NUMBER") this.syntax();
        mask = this.shift();
        // `STRING '/' NUMBER` is put back together with asprintf("%s/%lld"): the number as its value (`/0024` is `/24`)
        text += "/" + lld(mask.text);
      } else if (!this.followsHost()) {
        // host() runs when yacc reduces the address, which it does only before a token that may follow one:
        // `NAME = "…"` (a macro definition inside a table's braces) is a syntax error at `=`, not an unknown host
        this.syntax();
      }
      return this.hostString(text, t, not, mask, scoped);
    }
    if (t.type === "NUMBER") {
      this.shift();
      this.expectChar("/");
      if (this.la.type !== "NUMBER") this.syntax();
      const mask = this.shift();
      return this.hostString(`${lld(t.text)}/${lld(mask.text)}`, t, not, mask);
    }
    if (this.acceptChar("(")) {
      const nameTok = this.expectString();
      // `dynaddr: '(' STRING ')'` is reduced at its `)`, before yacc reads on: its errors name that token's line
      const close = this.expectChar(")");
      let name = nameTok.text;
      if (!/^[A-Za-z]/.test(name)) this.failOnToken(`invalid interface name '${name}'`, undefined, nameTok, close);
      const split = splitModifiers(name);
      if ("bad" in split) this.failOnToken(`interface ${split.bad} has bad modifier`, "one of :network, :broadcast, :peer, :0", nameTok, close);
      if ("illegal" in split) this.failOnToken("illegal combination of interface modifiers", "one of :network, :broadcast, :peer (and :0)", nameTok, close);
      const modifier = split.modifier;
      name = split.name;
      if (name.length >= 16) this.failOnToken("interface name too long", `\`${name}\` has ${name.length} characters; at most 15`, nameTok, close);
      let mask: number | undefined;
      if (this.acceptChar("/")) {
        if (this.la.type !== "NUMBER") this.syntax();
        const m = this.shift();
        if ((m.num as number) > 128 || (m.num as number) < 0) this.fail("bit number too big", "a prefix length of 0 to 128", m);
        mask = m.num as number;
      }
      return [{ kind: "dynamic", name, ...(modifier ? { modifier } : {}), ...(mask !== undefined ? { mask } : {}), ...n }];
    }
    if (this.acceptChar("<")) {
      const nameTok = this.expectString();
      const close = this.expectChar(">");
      if (nameTok.text.length >= 32) this.failOnToken(`table name '${nameTok.text}' too long`, "at most 31 characters", nameTok, close);
      return [{ kind: "table", name: nameTok.text, ...n }];
    }
    if (this.acceptKw("route")) {
      // parse.y host: ROUTE STRING, checked as it is reduced (RTLABEL_LEN)
      const label = this.expectString();
      if (Buffer.byteLength(label.text) >= 32) this.failOnToken("route label too long, max 31 chars", "a route label has at most 31 bytes", label);
      return [{ kind: "route", label: label.text, ...n }];
    }
    this.syntax();
  }

  /**
   * parse.y `host: STRING '-' STRING`: an address range. Each end is what host() makes of it, and must be one
   * address (an interface or group with one address counts; no mask: `10.0.0.9/32` after the `-` is a syntax
   * error), both of one family ("invalid address range"); an end host() cannot read is "could not parse host
   * specification". The `-` has been seen, not read.
   */
  protected range(first: Token, not: boolean): PfHost {
    this.shift();
    const second = this.la;
    if (second.type !== "STRING") this.syntax();
    this.shift();
    const end = (tok: Token): { text: string; family: 4 | 6 } | "several" => {
      // pfctl binds a rule to the scope's interface for some scoped ranges (both ends scoped), not for others
      if (literalScope(tok.text) !== undefined) this.fail("scoped addresses in a range (`fe80::1%em0 - …`) are not part of this model's pf language", "give the range without the scope, bound with `on IF`", tok);
      const lit = parseLiteralAddress(tok.text);
      if (lit) return lit.prefix === undefined ? { text: lit.text, family: lit.family } : "several";
      // host(): an interface or group with its modifiers (`em1:broadcast`, `em0:0`), as a host of any rule
      const split = splitModifiers(tok.text);
      const name = "name" in split ? split.name : tok.text;
      const modifier = "name" in split ? split.modifier : undefined;
      const known = this.ctx.interfaces !== undefined && !("illegal" in split) && interfaceExists(name, this.ctx.interfaces);
      const addrs = known ? interfaceAddresses(name, modifier, this.ctx.interfaces!) : [];
      if (addrs.length === 0) {
        if ("illegal" in split) this.out.stderr.push("illegal combination of interface modifiers");
        this.out.stderr.push(`no IP address found for ${tok.text}`);
        // `host: STRING '-' STRING` is reduced at its second STRING: errors name that line
        this.failOnToken("could not parse host specification", `\`${tok.text}\` is not an IPv4/IPv6 address${this.ctx.interfaces ? " nor an interface of this host" : ""}: each end of a range is one address`, tok, second);
      }
      // one address, not a network (`:network` gives the interface's with their masks)
      return addrs.length === 1 && addrs[0]!.prefix === undefined ? { text: addrs[0]!.address, family: addrs[0]!.family } : "several";
    };
    const a = end(first);
    const b = end(second);
    if (a === "several" || b === "several" || a.family !== b.family) {
      this.failOnToken("invalid address range", "both ends are single addresses of one family, e.g. `10.0.0.1 - 10.0.0.9`", first, second);
    }
    return { kind: "range", from: a.text, to: b.text, ...(not ? { not: true } : {}) };
  }

  /** Whether the lookahead is one before which byacc reduces `host: STRING` (see {@link HOST_FOLLOW}). */
  private followsHost(): boolean {
    switch (this.la.type) {
      case "STRING":
      case "NUMBER":
      case "NL":
        return true;
      case "KW":
      case "CHAR":
        return HOST_FOLLOW.has(this.la.text);
      case "PORTBINARY":
      case "NE":
      case "LE":
      case "GE":
      case "EOF":
      // the lexer's ERROR (after `macro 'x' not defined`): the state after the STRING also shifts `-`, so byacc has no
      // default reduction there; a token outside the follow set is a syntax error before host() runs
      case "ERROR":
        return false;
    }
  }

  /**
   * pfctl's host(): an address, else an interface or group (`em0`, `em0:network`, `egress`, `self`), else what
   * DNS gives for a name every OpenBSD host resolves (`localhost`: {@link hostsFileAddresses}).
   */
  protected hostString(text: string, tok: Token, not: boolean, maskTok?: Token, scoped = false): PfHost[] {
    const n = not ? { not: true } : {};
    // `host: STRING '/' NUMBER` is reduced at the NUMBER (its state reduces only), `host: STRING` once yacc has read
    // the token after it (the state also shifts `-` and `/`)
    const fail = (message: string, detail: string): never => (maskTok ? this.failOnToken(message, detail, tok, maskTok) : this.fail(message, detail, tok));
    const lit = parseLiteralAddress(text);
    // getaddrinfo: the scope of `fe80::1%em0` is an interface of the host (if_nametoindex) or an index
    const scope = literalScope(text);
    if (lit && scope !== undefined && this.ctx.interfaces && !/^\d+$/.test(scope) && !this.ctx.interfaces.some((i) => i.name === scope)) {
      this.out.stderr.push(`no IP address found for ${text}`);
      fail("could not parse host specification", `\`${text}\`: the scope \`${scope}\` is no interface of this host (${this.ctx.interfaces.map((i) => i.name).join(", ")})`);
    }
    // a rule's from/to address keeps its scope: expand_rule binds the rule to that interface (a table, a pool drop it)
    if (lit) return [{ kind: "address", address: lit.text, ...n, ...(scoped && scope !== undefined && lit.text.includes(":") ? { scope } : {}) }];
    // host(): an IPv4 address takes a mask up to 128 here; check_netmask refuses it for each rule it expands to
    const wide = /^(.*)\/(\d+)$/.exec(text);
    if (wide && Number(wide[2]) > 32 && Number(wide[2]) <= 128) {
      const v4 = parseLiteralAddress(`${wide[1]!}/32`);
      if (v4 && !v4.text.includes(":")) return [{ kind: "address", address: `${v4.text}/${Number(wide[2])}`, ...n }];
    }
    // host(): `NAME/LEN` is an interface or group whose addresses each get the mask (host_if's set_ipmask)
    const sm = /^([^/]*)\/(\d+)$/.exec(text);
    const mask = sm && Number(sm[2]) <= 128 ? Number(sm[2]) : undefined;
    let name = mask === undefined ? text : sm![1]!;
    let modifier: PfIfModifier | undefined;
    const split = splitModifiers(name);
    if ("illegal" in split) {
      this.out.stderr.push("illegal combination of interface modifiers", `no IP address found for ${text}`);
      fail("could not parse host specification", `\`${text}\`: one of :network, :broadcast, :peer (and :0)`);
    }
    if ("name" in split) {
      name = split.name;
      modifier = split.modifier;
    }
    // host_dns(), after host_if() and host_ip(): `localhost` (and `localhost:0`, one address of each family)
    const dns = modifier === undefined || modifier === "0" ? hostsFileAddresses(name) : undefined;
    if (dns && !(this.ctx.interfaces && interfaceExists(name, this.ctx.interfaces))) {
      // set_ipmask(): each address gets the mask written; an IPv4 one above 32 is check_netmask's to refuse
      const masked = (a: LiteralAddress): string =>
        mask === undefined ? a.text : a.family === 4 && mask > 32 ? `${a.text}/${mask}` : (parseLiteralAddress(`${a.address}/${mask}`)?.text ?? a.text);
      return dns.map((a) => ({ kind: "address" as const, address: masked(a), ...n }));
    }
    const plausible = /^[A-Za-z][A-Za-z0-9_.-]*$/.test(name) && (mask !== undefined || !text.includes("/"));
    const known = (this.ctx.interfaces ? interfaceExists(name, this.ctx.interfaces) : true) && plausible;
    if (known && mask !== undefined && (modifierMode(modifier) === "network" || modifierMode(modifier) === "broadcast")) {
      this.out.stderr.push("network or broadcast lookup, but extra netmask given", `no IP address found for ${text}`);
      fail("could not parse host specification", `\`${text}\`: :${modifier} gives the network itself; drop /${mask} or :${modifier}`);
    }
    if (!known) {
      // host(): strtonum(mask, 0, 128) fails first (`netmask is too large: /4294967296`), else no address
      const slash = text.indexOf("/");
      const mask = slash >= 0 ? text.slice(slash + 1) : undefined;
      const why = mask === undefined ? undefined : strtonumError(mask, 0, 128);
      this.out.stderr.push(why ? `netmask is ${why}: ${text.slice(slash)}` : `no IP address found for ${text}`);
      const names = this.ctx.interfaces ? this.ctx.interfaces.map((i) => i.name).join(", ") : "";
      fail("could not parse host specification", `\`${text}\` is not an IPv4/IPv6 address or network${this.ctx.interfaces ? `, nor an interface or group of this host (${names})` : " nor an interface name"}`);
    }
    // host_if(): ifa_lookup() finds no address of the kind asked for (`lo0:broadcast`, `enc0`): no host at all
    if (this.ctx.interfaces && !this.ctx.partial && modifierMode(modifier) !== "peer" && interfaceAddresses(name, modifier, this.ctx.interfaces).length === 0) {
      this.out.stderr.push(`no IP address found for ${text}`);
      fail("could not parse host specification", `\`${text}\`: ${name} has no ${modifierMode(modifier) === "broadcast" ? "broadcast address (loopback, point-to-point and pseudo interfaces have none)" : "address of this kind"} on this host`);
    }
    return [{ kind: "interface", name, ...(modifier ? { modifier } : {}), ...(mask !== undefined ? { mask } : {}), ...n }];
  }
}
