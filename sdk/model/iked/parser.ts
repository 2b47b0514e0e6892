/**
 * iked.conf parser: a recursive-descent port of iked parse.y 1.149's grammar. Policy options must come in
 * the grammar's fixed order (name, flags, esp/ah, inet/inet6, proto, rdomain, from/to…, local/peer,
 * ikesa…, childsa…, srcid/dstid, ikelifetime, lifetime, auth, config…, iface, tag/tap), exactly as iked
 * requires. Every error carries two texts: the model's message (field, value, why, allowed) and iked's own
 * message, used by the lab's `iked -n` emulator.
 */
import type { ParseResult } from "../diagnostics";
import { oneOf } from "../diagnostics";
import { parseAddr } from "./address";
import { IKED_SET_FLAGS, type IkedConf, type IkedConfigItem, type IkedFlow, type IkedPolicy, type IkedRadius, type IkedSetFlag, type IkedSetting } from "./types";
import type { IkedToken } from "./lexer";
import { hexdecWord, numericHostProblem, radiusConfigOption, radiusConfigOptions } from "./radius";
import { Fail, ParserBase, parseByteSpec, parseTimeSpec, portNumber, protocolName, protocolNumber, type IkedParseDetails, type IkedParseEvent } from "./parser-base";

export { parseByteSpec, parseTimeSpec, portNumber, protocolName, protocolNumber, type IkedParseDetails, type IkedParseEvent } from "./parser-base";

class Parser extends ParserBase {
  run(): void {
    while (this.cur().type !== "eof") {
      if (this.cur().type === "nl") {
        this.advance();
        continue;
      }
      try {
        this.reducedAtLast = false;
        this.statement();
        // (an end of file inside a quoted string comes without the newline a statement needs: a syntax error)
        const end = this.cur();
        if (end.type !== "nl" && (end.type !== "eof" || end.abrupt)) {
          // a statement byacc reduces at its last token (`user NAME PASS`) is added before the lookahead is read
          if (this.reducedAtLast) this.beforeLookahead(() => this.finishStatement());
          this.syntax("end of line");
        }
        const policies = this.conf.policies.length;
        this.finishStatement();
        // a policy is handed to create_ike() at its newline; should that fail (YYERROR), byacc shifts the newline
        // in recovery, and stays quiet about a syntax error in the next two tokens
        this.afterPolicy = this.conf.policies.length > policies ? { index: policies, shifted: -1 } : undefined;
        if (this.cur().type === "nl") this.advance();
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
        this.report(e, !(e.iked === "syntax error" && this.errflag > 0));
        this.errflag = 3;
        // the line ended where a value was due (`proto`, `port`, `lifetime` last on it), and the value's reader took
        // that newline: yacc never shifts the token it fails on, and its `grammar error '\n'` takes it as the newline
        // that ends the recovery: the next line is read as usual (errflag one lower for the newline shifted)
        if (e.tok.type === "nl" && this.last === e.tok) {
          this.errflag = 2;
          continue;
        }
        // yacc's `grammar error '\n'`: drop tokens up to the end of the line, each still read by yylex (an
        // undefined macro or an unterminated string there is reported too)
        if (this.cur().type !== "nl" && this.cur().type !== "eof") {
          do this.tok = this.lexer.next();
          while (this.tok.type !== "nl" && this.tok.type !== "eof");
          this.flushLexErrors();
        }
        if (this.cur().type === "nl") this.advance();
      }
    }
  }


  protected finishStatement(): void {
    const p = this.pending;
    this.pending = undefined;
    p?.();
  }

  /** Records an error; `printed`: iked prints it (false for a syntax error byacc keeps quiet, see errflag). */
  protected report(e: Fail, printed = true): void {
    // a rule's check runs where yacc reduced it; with a lookahead the lexer could not make (ERROR, after `macro 'x'
    // not defined`) that is before yylex read it (no state takes ERROR): what the lexer reported of it comes after
    // (and a syntax error at a token our parser took before it saw it was one: yacc never read past it)
    if (e.iked !== "syntax error" || e.tok === this.last) this.beforeLookahead(() => this.reportHere(e, printed));
    else this.reportHere(e, printed);
  }

  private reportHere(e: Fail, printed: boolean): void {
    const line = e.line ?? e.tok.line;
    const quiet = e.iked === "syntax error" && this.afterPolicy && this.afterPolicy.shifted < 2 ? { quietAfterPolicy: this.afterPolicy.index } : {};
    if (printed) this.events.push({ kind: "error", line, message: e.iked, ...quiet });
    // the lexer already reported why the token is invalid
    // iked's own words first (what `iked -n` prints), then the model's detail
    const message = e.rich.includes(e.iked) ? e.rich : `${e.iked}: ${e.rich}`;
    if (e.tok.type !== "error") this.diagnostics.push({ file: this.file, line, column: line === e.tok.line ? e.tok.column : 1, message, severity: "error" });
  }

  protected statement(): void {
    const t = this.tok;
    if (t.type === "kw") {
      switch (t.value) {
        case "set":
          return this.set();
        case "user":
          return this.user();
        case "ikev2":
          return this.ikev2();
        case "radius":
          return this.radius();
        case "include": {
          // parse.y `include STRING`: pushfile() fails (the model reads no other file), iked warns and
          // reports `failed to include file`, then goes on with the next line.
          this.advance();
          const path = this.expectString("a file name in quotes");
          this.events.push({ kind: "stderr", text: `iked: pushfile: ${path.value}: No such file or directory` });
          throw new Fail(path, `failed to include file ${path.value}`, `include "${path.value}": the model does not read included files; put everything in one iked.conf`);
        }
        case "ike":
        case "flow":
        case "tcpmd5":
        case "sa":
        case "from":
        case "to":
        case "tunnel":
        case "transport":
          // iked ignores ipsec.conf rules (otherrule skipline)
          this.diagnostics.push({ file: this.file, line: t.line, column: t.column, message: `\`${t.value}\`: ipsec.conf rule ignored by iked; this line has no effect`, severity: "warning" });
          // the keyword is shifted (a token of byacc's recovery count), then skipline reads the rest as raw text
          this.shifted();
          this.tok = this.lexer.skipLine();
          return;
        default:
          this.syntax("ikev2, set, user or a macro definition");
      }
    }
    // varset: STRING '=' string — a quoted name too
    if (t.type === "string") {
      this.advance();
      if (this.isChar("=")) {
        this.advance();
        const parts: string[] = [];
        for (let t = this.cur(); t.type === "string"; t = this.cur()) {
          parts.push(t.value);
          this.advance();
        }
        if (parts.length === 0) this.syntax("a macro value");
        const name = t.value;
        const value = parts.join(" ");
        // varset rejects white space in the name — from its second character on: its loop steps past each
        // character before it looks — when it reduces the definition, at the end of the line; any other name
        // is stored, though `$name` reads only letters, digits and _, so such a macro cannot be used
        if (/[ \t\n\v\f\r]/.test(name.slice(1)) && (this.tok.type === "nl" || this.tok.type === "eof"))
          throw new Fail(t, "macro name cannot contain whitespace", `macro name \`${name}\` cannot contain whitespace; a macro name is letters, digits and _`, this.tok.line);
        if (!/^[A-Za-z0-9_]+$/.test(name)) this.diagnostics.push({ file: this.file, line: t.line, column: t.column, message: `macro name \`${name}\`: iked stores it, but \`$\` reads only letters, digits and _, so it cannot be used; rename it`, severity: "warning" });
        this.pending = () => {
          this.macros.set(name, value);
          const existing = this.conf.macros.findIndex((m) => m.name === name);
          if (existing >= 0) this.conf.macros.splice(existing, 1);
          this.conf.macros.push({ name, value });
        };
        return;
      }
      throw new Fail(this.tok, "syntax error", `syntax error: unknown keyword \`${t.value}\`${t.value.startsWith("ike") ? " (did you mean `ikev2`?)" : ""}; expected ikev2, set, user or a macro definition`);
    }
    this.syntax("ikev2, set, user or a macro definition");
  }

  protected set(): void {
    this.advance();
    const t = this.tok;
    // a keyword no `set` rule takes (`set radius`) is the syntax error itself: never shifted
    const known = t.type === "kw" && ((IKED_SET_FLAGS as readonly string[]).includes(t.value) || t.value === "dpd_check_interval" || t.value === "ocsp");
    if (!known) this.syntax(`one of ${IKED_SET_FLAGS.join(", ")}, dpd_check_interval, ocsp`);
    this.advance();
    let s: IkedSetting;
    if ((IKED_SET_FLAGS as readonly string[]).includes(t.value)) s = { kind: "flag", flag: t.value as IkedSetFlag };
    else if (t.value === "dpd_check_interval") {
      const n = this.expectNumber("a number of seconds");
      if (n.value < 0) throw new Fail(n, "timeout outside range", `set dpd_check_interval: \`${n.text}\` is negative; give seconds >= 0`);
      s = { kind: "dpd_check_interval", seconds: n.value };
    } else if (t.value === "ocsp") {
      const url = this.expectString("an OCSP URL").value;
      s = { kind: "ocsp", url };
      if (this.acceptKw("tolerate")) {
        s.tolerate = this.time("set ocsp tolerate");
        if (this.acceptKw("maxage")) s.maxage = this.time("set ocsp maxage");
      }
    } else this.syntax(`one of ${IKED_SET_FLAGS.join(", ")}, dpd_check_interval, ocsp`);
    this.pending = () => this.conf.settings.push(s);
  }

  /**
   * parse.y `radius`: `[accounting] server ADDR [port P] secret S`, `[accounting] max-tries N`, `[accounting]
   * max-failovers N`, `config [inet|inet6] OPTION [VENDOR] TYPE`, `dae listen on ADDR [port P]`, `dae client ADDR
   * secret S`. Each line's checks in iked's order: the tokens' own (port, numbers) as they are reduced, then the line's.
   */
  protected radius(): void {
    const kw = this.advance();
    let r: IkedRadius;
    if (this.acceptKw("config")) {
      const af = this.acceptKw("inet") ? "inet" : this.acceptKw("inet6") ? "inet6" : undefined;
      const opt = this.expectString("an IKE configuration option");
      const first = this.hexdec();
      // radattr is reduced only once yacc knows whether a second number follows: a lookahead the lexer could not
      // make (`$X` undefined) is the syntax error, and no range check runs
      if (this.cur().type === "error") this.syntax("a RADIUS attribute type");
      const second = this.cur().type === "string" || this.cur().type === "number" ? this.hexdec() : undefined;
      const [vendor, type] = second === undefined ? [0n, first.n] : [first.n, second.n];
      if (second !== undefined && (vendor < 0n || vendor > 0xffffffn)) throw new Fail(first.tok, "vendor-id must be in 0-0xffffff", `radius config: vendor id ${first.text} is out of range; 0-0xffffff`);
      if (type < 0n || type > 255n) throw new Fail((second ?? first).tok, "attribute type must be in 0-255", `radius config: attribute type ${(second ?? first).text} is out of range; 0-255`);
      const option = radiusConfigOption(opt.value, af);
      if (option === undefined) throw new Fail(opt, "not a valid ikecfg option", `radius config: ${oneOf("option", opt.value, radiusConfigOptions(af).split(", "))}`);
      r = { kind: "config", ...(af ? { af } : {}), option, ...(vendor > 0n ? { vendor: Number(vendor) } : {}), type: Number(type) };
    } else if (this.acceptKw("dae")) {
      if (this.acceptKw("listen")) {
        this.expectKw("on");
        const a = this.expectString("an address");
        // the line is reduced once yacc knows whether `port` follows: a lookahead the lexer could not make is the
        // syntax error, before the address is looked at
        if (this.cur().type === "error") this.syntax("`port` or the end of the line");
        const port = this.port("radius dae listen");
        const problem = numericHostProblem(a.value);
        if (problem) throw new Fail(a, problem, `radius dae listen on: \`${a.value}\` is not a numeric IPv4 or IPv6 address`);
        r = { kind: "dae-listen", address: a.value, ...(port !== undefined ? { port } : {}) };
      } else {
        this.expectKw("client");
        const a = this.expectString("an address");
        this.expectKw("secret");
        const secret = this.expectString("a secret");
        const problem = numericHostProblem(a.value);
        if (problem) throw new Fail(a, problem, `radius dae client: \`${a.value}\` is not a numeric IPv4 or IPv6 address`, secret.line);
        r = { kind: "dae-client", address: a.value, secret: secret.value };
      }
    } else {
      const accounting = this.acceptKw("accounting") ? ({ accounting: true } as const) : {};
      if (this.acceptKw("server")) {
        const a = this.expectString("an address");
        const port = this.port("radius server");
        this.expectKw("secret");
        const secret = this.expectString("a secret");
        const problem = numericHostProblem(a.value);
        if (problem) throw new Fail(a, problem, `radius server: \`${a.value}\` is not a numeric IPv4 or IPv6 address`, secret.line);
        r = { kind: "server", ...accounting, address: a.value, ...(port !== undefined ? { port } : {}), secret: secret.value };
      } else if (this.acceptKw("max-tries")) {
        const n = this.expectNumber("a number of tries");
        if (n.value <= 0) throw new Fail(n, "max-tries must a positive value", `radius max-tries: \`${n.text}\`; give 1 or more`);
        r = { kind: "max-tries", ...accounting, tries: n.value };
      } else if (this.acceptKw("max-failovers")) {
        const n = this.expectNumber("a number of failovers");
        if (n.value < 0) throw new Fail(n, "max-failovers must be 0 or a positive value", `radius max-failovers: \`${n.text}\`; give 0 or more`);
        r = { kind: "max-failovers", ...accounting, failovers: n.value };
      } else this.syntax(`after \`${kw.type === "kw" ? kw.value : "radius"}\`: server, max-tries, max-failovers, config or dae`);
    }
    this.pending = () => (this.conf.radius ??= []).push(r);
  }

  /** parse.y hexdecnumber: a NUMBER, or a word of `0x` hex digits (hexdecWord). */
  private hexdec(): { n: bigint; text: string; tok: IkedToken } {
    const t = this.advance();
    if (t.type === "number") return { n: BigInt(t.text), text: t.text, tok: t };
    if (t.type !== "string") throw new Fail(t, "syntax error", `radius config: expected a number, got ${t.type === "kw" ? `\`${t.value}\`` : t.type}`);
    const v = hexdecWord(t.value);
    if (typeof v === "string") throw new Fail(t, v, `radius config: ${v}; give a decimal number or 0x and hex digits`);
    return { n: v, text: t.value, tok: t };
  }

  /** A policy's leading words: name, quick/skip/default, active/passive, ipcomp, transport/tunnel, natt, ah/esp, inet/inet6. */
  protected policyHead(p: IkedPolicy): void {
    if (this.cur().type === "string") p.name = this.expectString("a name").value;
    if (this.acceptKw("quick")) p.match = "quick";
    else if (this.acceptKw("skip")) p.match = "skip";
    else if (this.acceptKw("default")) p.match = "default";
    if (this.acceptKw("active")) p.mode = "active";
    else this.acceptKw("passive");
    if (this.acceptKw("ipcomp")) p.ipcomp = true;
    if (this.acceptKw("transport")) p.encapsulation = "transport";
    else this.acceptKw("tunnel");
    if (this.acceptKw("natt")) p.natt = true;
    if (this.acceptKw("ah")) p.saProto = "ah";
    else this.acceptKw("esp");
    if (this.acceptKw("inet")) p.af = "inet";
    else if (this.acceptKw("inet6")) p.af = "inet6";
  }

  /** `config OPTION ADDRESS` or `request OPTION ADDRESS|any` (parse.y ikecfg). */
  private configItem(): IkedConfigItem {
    const action = this.takeKw() as "config" | "request";
    const opt = this.expectString("a config option");
    const address = action === "config" ? this.hostSpec(`${action} ${opt.value}`) : this.anyhost(`${action} ${opt.value}`);
    // ikecfg is reduced at `any` or a host_spec's mask, or after the lookahead yacc reads past an address (a `/` may
    // follow it): that token's line
    const at = address === "any" || address.includes("/") ? this.last!.line : this.tok.line;
    // the host's family: a literal's, or for a name the family of the first address the host gives it (host_if)
    const af = parseAddr(address)?.af ?? (address === "any" ? undefined : this.firstFamily?.(address.replace(/\/\d+$/, "")));
    // parse_xf(name, af, cpxfs): the first row of the host's family (any row for `any`) whose name starts with the
    // word — `addr` is address, `n` netmask
    const row = CONFIG_ROWS.find((r) => r.name.startsWith(opt.value) && (af === undefined || r.af === af));
    if (!row) throw new Fail(opt, "not a valid ikecfg option", `${action}: ${oneOf("option", opt.value, CONFIG_OPTIONS[af ?? "inet"])}`, at);
    return { action, option: row.name, address };
  }

  protected ikev2(): void {
    this.advance();
    const p: IkedPolicy = { mode: "passive", encapsulation: "tunnel", saProto: "esp", flows: [] };
    this.policyHead(p);
    if (this.acceptKw("proto")) {
      if (this.isChar("{")) {
        this.advance();
        const list: (string | number)[] = [this.protoval()];
        // proto_list: proto_list comma protoval, `comma` a `,` or nothing: after a `,` a protocol must follow
        for (;;) {
          const comma = this.isChar(",");
          if (comma) this.advance();
          if (this.isChar("}") && !comma) break;
          list.push(this.protoval());
        }
        this.advance();
        p.proto = list;
      } else p.proto = [this.protoval()];
    }
    if (this.acceptKw("rdomain")) {
      const n = this.expectNumber("a routing domain number");
      if (n.value < 0 || n.value > 255) throw new Fail(n, "rdomain outside range", `rdomain: ${n.text} is out of range; 0-255`);
      p.rdomain = n.value;
    }
    // hosts_list
    // hosts_list: hosts_list comma hosts: after a `,` another `from`/`to` must follow
    for (;;) {
      const comma = this.isChar(",") && p.flows.length > 0;
      if (comma) this.advance();
      if (comma && !this.isKw("from") && !this.isKw("to")) this.syntax("`from SRC to DST` after the comma");
      if (this.isKw("from")) {
        this.advance();
        const src = this.host("from");
        const fromPort = this.port("from port");
        this.expectKw("to");
        const dst = this.host("to");
        const toPort = this.port("to port");
        if (dst.nat) throw new Fail(this.tok, `no flow NAT support for destination network: ${dst.host}`, `to: NAT \`(${dst.nat})\` is only allowed on the source`);
        p.flows.push(flow(src.host, fromPort, src.nat, dst.host, toPort));
      } else if (this.isKw("to")) {
        this.advance();
        const dst = this.host("to");
        const toPort = this.port("to port");
        this.expectKw("from");
        const src = this.host("from");
        const fromPort = this.port("from port");
        if (dst.nat) throw new Fail(this.tok, `no flow NAT support for destination network: ${dst.host}`, `to: NAT \`(${dst.nat})\` is only allowed on the source`);
        p.flows.push(flow(src.host, fromPort, src.nat, dst.host, toPort));
      } else break;
    }
    if (p.flows.length === 0) this.syntax("`from SRC to DST`");
    if (this.acceptKw("peer")) {
      p.peer = this.anyhost("peer");
      if (this.acceptKw("local")) p.local = this.anyhost("local");
    } else if (this.acceptKw("local")) {
      p.local = this.anyhost("local");
      if (this.acceptKw("peer")) p.peer = this.anyhost("peer");
    }
    while (this.acceptKw("ikesa")) (p.ikesa ??= []).push(this.transforms("ikesa"));
    while (this.acceptKw("childsa")) (p.childsa ??= []).push(this.transforms("childsa"));
    if (this.acceptKw("srcid")) p.srcid = this.expectString("an identity").value;
    if (this.acceptKw("dstid")) p.dstid = this.expectString("an identity").value;
    if (this.acceptKw("ikelifetime")) p.ikelifetime = this.time("ikelifetime");
    if (this.acceptKw("lifetime")) {
      p.lifetime = { seconds: this.time("lifetime") };
      if (this.acceptKw("bytes")) {
        const t = this.advance();
        const b = parseByteSpec(t);
        if (typeof b !== "number") throw new Fail(t, b.iked, `lifetime bytes: ${b.rich}`);
        p.lifetime.bytes = b;
      }
    }
    p.auth = this.auth();
    if (p.auth === undefined) delete p.auth;
    while (this.isKw("config") || this.isKw("request")) (p.config ??= []).push(this.configItem());
    if (this.acceptKw("iface")) p.iface = this.expectString("an interface name").value;
    for (;;) {
      if (this.acceptKw("tag")) p.tag = this.expectString("a tag").value;
      else if (this.isKw("tap")) {
        this.advance();
        const t = this.expectString("an enc interface such as enc1");
        if (!/^enc\d+$/.test(t.value)) {
          if (/^enc/.test(t.value)) throw new Fail(t, "invalid tap interface unit: invalid", `tap: \`${t.value}\` is not an enc(4) interface; write encN`);
          throw new Fail(t, `invalid tap interface name: ${t.value}`, `tap: \`${t.value}\` is not an enc(4) interface; write encN`);
        }
        p.tap = t.value;
      } else break;
    }
    this.pending = () => {
      this.conf.policies.push(p);
      this.events.push({ kind: "policy", index: this.conf.policies.length - 1, line: this.cur().line });
    };
  }

}

/** Options of `config`/`request` per address family (iked cpxfs). */
/** iked's cpxfs table, in its order: config options by address family. */
const CONFIG_ROWS: readonly { name: string; af: "inet" | "inet6" }[] = [
  ...["address", "netmask", "name-server", "netbios-server", "dhcp-server"].map((name) => ({ name, af: "inet" as const })),
  ...["address", "name-server", "netbios-server", "dhcp-server"].map((name) => ({ name, af: "inet6" as const })),
  ...["protected-subnet", "access-server"].flatMap((name) => [{ name, af: "inet" as const }, { name, af: "inet6" as const }]),
];

export const CONFIG_OPTIONS: Record<"inet" | "inet6", string[]> = {
  inet: ["address", "netmask", "name-server", "netbios-server", "dhcp-server", "protected-subnet", "access-server"],
  inet6: ["address", "name-server", "netbios-server", "dhcp-server", "protected-subnet", "access-server"],
};

/** Builds a flow with only the keys that were written (so parsed and constructed values deep-equal). */
function flow(from: string, fromPort: number | string | undefined, fromNat: string | undefined, to: string, toPort: number | string | undefined): IkedFlow {
  return {
    from,
    ...(fromPort !== undefined ? { fromPort } : {}),
    ...(fromNat !== undefined ? { fromNat } : {}),
    to,
    ...(toPort !== undefined ? { toPort } : {}),
  };
}

/** Parses iked.conf and returns the events the `iked -n` emulator replays. */
export function parseIkedConfDetailed(
  text: string,
  file = "iked.conf",
  opts: { resolves?: (name: string) => boolean; firstFamily?: (name: string) => "inet" | "inet6" | undefined } = {},
): IkedParseDetails {
  const p = new Parser(text, file, opts.resolves, opts.firstFamily);
  p.run();
  const unusedMacros = p.conf.macros.map((m) => m.name).filter((n) => !p.usedMacros.has(n));
  return { value: p.conf, diagnostics: p.diagnostics, events: p.events, unusedMacros };
}

/** Parses iked.conf(5). Never throws; problems are returned as diagnostics with file:line:column. */
export function parseIkedConf(text: string, file = "iked.conf"): ParseResult<IkedConf> {
  const { value, diagnostics } = parseIkedConfDetailed(text, file);
  return { value, diagnostics };
}
