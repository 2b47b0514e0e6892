/**
 * The iked.conf parser's token stream and clauses (hosts, ports, protocols, transforms, lifetimes, auth),
 * shared by the statement parser in parser.ts; and the token helpers the `iked -n` emulator uses.
 */
import type { Diagnostic, ParseResult } from "../diagnostics";
import { oneOf } from "../diagnostics";
import { canonicalHost, parseAddr } from "./address";
import { IkedLexer, type IkedToken } from "./lexer";
import { protocolByName, protocolNameOf } from "../protocols";
import { servicePort } from "../services";
import { AUTH_METHODS, allowedNames, canonicalTransform, type IkedAuthMethod, type IkedXfKind } from "./transforms";
import { type IkedAuth, type IkedConf, type IkedTransforms } from "./types";

/**
 * The keywords and characters before which byacc reduces iked's `host_spec: STRING` and calls host() (its LALR
 * lookaheads, from `byacc -v` of OpenBSD's parse.y); a newline and any word may follow too.
 */
const HOST_SPEC_FOLLOW: ReadonlySet<string> = new Set([
  "from", "peer", "to", "srcid", "dstid", "psk", "port", "ikesa", "childsa", "tag", "tap", "local", "config", "eap", "lifetime", "ikelifetime",
  "request", "iface", ",", "(", ")",
]);

/**
 * Whether byacc reduces a host before `t`: any word, a newline, or one of {@link HOST_SPEC_FOLLOW}; never a number,
 * the end of the file or a lexing error (yylex's ERROR, after `macro 'x' not defined`): the state after the host's
 * STRING also shifts `/`, so it has no default reduction, and a token outside its follow set is a syntax error before
 * host() runs (no `no IP address found for NAME`).
 */
const followsHostSpec = (t: IkedToken): boolean =>
  t.type === "string" || t.type === "nl" || ((t.type === "kw" || t.type === "char") && HOST_SPEC_FOLLOW.has(t.value));

/** What happened while parsing, in file order (used by the `iked -n` emulator). */
export type IkedParseEvent =
  /**
   * A yyerror(): iked prints `FILE: LINE: message`. `quietAfterPolicy`: a syntax error byacc keeps quiet when
   * that policy failed in create_ike() (its YYERROR leaves yyerrflag above 0 for the next tokens).
   */
  | { kind: "error"; line: number; message: string; quietAfterPolicy?: number }
  /** A bare line iked writes to stderr (e.g. `no IP address found for X`). */
  | { kind: "stderr"; text: string }
  /** A complete `ikev2` rule, handed to create_ike() when its terminating newline (at `line`) is read. */
  | { kind: "policy"; index: number; line: number }
  /** A `user` line. */
  | { kind: "user"; index: number; line: number };

/** Full parser output. */
export interface IkedParseDetails extends ParseResult<IkedConf> {
  events: IkedParseEvent[];
  /** Macros defined but never used. */
  unusedMacros: string[];
}

export class Fail extends Error {
  constructor(
    readonly tok: IkedToken,
    readonly iked: string,
    readonly rich: string,
    /** yyerror's line when it is not `tok`'s: the lookahead yacc read before it reduced the rule. */
    readonly line?: number,
  ) {
    super(rich);
  }
}

/** Protocol number of a name or alias of OpenBSD's /etc/protocols (iked uses getprotobyname), or of a number. */
export function protocolNumber(p: string | number): number | undefined {
  return typeof p === "number" ? p : protocolByName(p);
}
/** Port number of a service name or number. */
export function portNumber(p: string | number): number | undefined {
  return typeof p === "number" ? p : servicePort(p);
}
/** Name iked prints for a protocol number (print_proto: getprotobynumber, else the number). */
export function protocolName(n: number): string {
  return protocolNameOf(n) ?? String(n);
}

/** Parses a time (`N`, `Nm`, `Nh`, as iked's time_spec) to seconds. */
export function parseTimeSpec(t: IkedToken): number | { iked: string; rich: string } {
  if (t.type === "number") return t.value;
  if (t.type !== "string") return { iked: "syntax error", rich: "expected a time such as 3600, 60m or 8h" };
  // sscanf("%llu%c"): all the leading digits, then one more character
  const m = /^(\d+)(\D)/.exec(t.value);
  if (!m) return { iked: `invalid time specification: ${t.value}`, rich: `invalid time \`${t.value}\`; write seconds, or a number followed by m or h` };
  const n = Number(m[1]);
  switch (m[2].toLowerCase()) {
    case "m":
      return n * 60;
    case "h":
      return n * 3600;
    default:
      return { iked: "invalid time unit", rich: `invalid time unit in \`${t.value}\`; one of m, h (or plain seconds)` };
  }
}

/** Parses a byte count (`N`, `NK`, `NM`, `NG`, as iked's byte_spec). */
export function parseByteSpec(t: IkedToken): number | { iked: string; rich: string } {
  if (t.type === "number") return t.value;
  if (t.type !== "string") return { iked: "syntax error", rich: "expected a byte count such as 1073741824, 512M or 4G" };
  // sscanf("%llu%c"): all the leading digits, then one more character
  const m = /^(\d+)(\D)/.exec(t.value);
  if (!m) return { iked: `invalid byte specification: ${t.value}`, rich: `invalid byte count \`${t.value}\`; write bytes, or a number followed by K, M or G` };
  const n = Number(m[1]);
  switch (m[2].toUpperCase()) {
    case "K":
      return n * 1024;
    case "M":
      return n * 1024 * 1024;
    case "G":
      return n * 1024 * 1024 * 1024;
    default:
      return { iked: "invalid byte unit", rich: `invalid byte unit in \`${t.value}\`; one of K, M, G` };
  }
}

export const describe = (t: IkedToken): string => {
  switch (t.type) {
    case "kw":
      return `\`${t.value}\``;
    case "string":
      return `\`${t.value}\``;
    case "number":
      return `\`${t.text}\``;
    case "char":
      return `\`${t.value}\``;
    case "nl":
      return "end of line";
    case "eof":
      return "end of file";
    case "error":
      return "an invalid token";
  }
};

export abstract class ParserBase {
  protected pending: (() => void) | undefined;
  protected tok: IkedToken;
  protected readonly lexer: IkedLexer;
  /** Names of the macros expanded so far. */
  readonly usedMacros = new Set<string>();
  readonly macros = new Map<string, string>();
  readonly conf: IkedConf = { macros: [], settings: [], users: [], policies: [] };
  readonly diagnostics: Diagnostic[] = [];
  readonly events: IkedParseEvent[] = [];
  protected lexErrorsSeen = 0;

  constructor(
    text: string,
    protected readonly file: string,
    /**
     * Whether a host name resolves on the host (an interface or group with an address): iked's host() tries it
     * as the rule is read, so a name that does not is `could not parse host specification` there. Without it
     * (lint) every plausible name passes: only the host can resolve DNS names.
     */
    protected readonly resolves?: (name: string) => boolean,
    /**
     * The family of the first address a name stands for on the host (host_if: an interface's or group's first
     * address), which picks the row of a `config`/`request` option (parse_xf). Without it (lint) a name takes the
     * option's first row of either family.
     */
    protected readonly firstFamily?: (name: string) => "inet" | "inet6" | undefined,
  ) {
    this.lexer = new IkedLexer(text, this.macros, this.usedMacros);
    this.tok = this.lex();
  }

  protected lex(): IkedToken {
    const t = this.lexer.next();
    this.flushLexErrors();
    return t;
  }

  protected flushLexErrors(): void {
    while (this.lexErrorsSeen < this.lexer.errors.length) {
      const e = this.lexer.errors[this.lexErrorsSeen++];
      this.events.push({ kind: "error", line: e.line, message: e.message });
      this.diagnostics.push({ file: this.file, line: e.line, column: e.column, message: e.message, severity: "error" });
    }
  }

  protected cur(): IkedToken {
    return this.tok;
  }

  /**
   * byacc's yyerrflag: 3 after an error, one less for every token shifted; a syntax error found while it is
   * above 0 is not printed (recovery is still under way), so a bad line right after another shows nothing.
   */
  protected errflag = 0;

  /** The last policy and the tokens shifted since its newline (a failed policy's recovery window, see errflag). */
  protected afterPolicy: { index: number; shifted: number } | undefined;

  /** A token shifted: one less for byacc's yyerrflag, one more since the last policy's newline. */
  protected shifted(): void {
    if (this.errflag > 0) this.errflag--;
    if (this.afterPolicy) this.afterPolicy.shifted++;
  }

  /** The token shifted last. */
  protected last: IkedToken | undefined;

  /** Where the lexer's reports of the lookahead sit in `events` and `diagnostics` (made as advance() read it), if any. */
  protected laReports: { tok: IkedToken; events: number; eventsEnd: number; diagnostics: number; diagnosticsEnd: number } | undefined;

  /**
   * Reports of a rule yacc reduced before reading the lookahead (no lookahead needed): `push` makes them, and what the
   * lexer reported of the lookahead, already read here (`macro 'x' not defined`), moves after them, as iked prints it.
   */
  protected beforeLookahead(push: () => void): void {
    const lexed = this.laReports?.tok === this.cur() ? this.laReports : undefined;
    push();
    if (lexed && (this.events.length > lexed.eventsEnd || this.diagnostics.length > lexed.diagnosticsEnd)) {
      this.events.push(...this.events.splice(lexed.events, lexed.eventsEnd - lexed.events));
      this.diagnostics.push(...this.diagnostics.splice(lexed.diagnostics, lexed.diagnosticsEnd - lexed.diagnostics));
      this.laReports = undefined;
    }
  }

  protected advance(): IkedToken {
    this.shifted();
    const t = this.tok;
    this.last = t;
    const events = this.events.length;
    const diagnostics = this.diagnostics.length;
    this.tok = this.lex();
    this.laReports = this.events.length > events ? { tok: this.tok, events, eventsEnd: this.events.length, diagnostics, diagnosticsEnd: this.diagnostics.length } : undefined;
    return t;
  }

  protected isKw(v: string): boolean {
    const t = this.tok;
    return t.type === "kw" && t.value === v;
  }

  protected isChar(v: string): boolean {
    const t = this.tok;
    return t.type === "char" && t.value === v;
  }

  /** Consumes a keyword token known to be present (after isKw) and returns its text. */
  protected takeKw(): string {
    const t = this.advance();
    return t.type === "kw" ? t.value : "";
  }

  protected acceptKw(v: string): boolean {
    if (this.isKw(v)) {
      this.advance();
      return true;
    }
    return false;
  }

  protected syntax(expected: string): never {
    throw new Fail(this.tok, "syntax error", `syntax error: unexpected ${describe(this.tok)}; expected ${expected}`);
  }

  protected expectKw(v: string): void {
    if (!this.acceptKw(v)) this.syntax(`\`${v}\``);
  }

  protected expectString(what: string): Extract<IkedToken, { type: "string" }> {
    const t = this.tok;
    if (t.type !== "string") this.syntax(what);
    this.advance();
    return t;
  }

  protected expectNumber(what: string): Extract<IkedToken, { type: "number" }> {
    const t = this.tok;
    if (t.type !== "number") this.syntax(what);
    this.advance();
    return t;
  }

  protected time(field: string): number {
    const t = this.advance();
    const r = parseTimeSpec(t);
    if (typeof r === "number") return r;
    throw new Fail(t, r.iked, `${field}: ${r.rich}`);
  }

  /** The statement being read is reduced at its last token, before yacc reads a lookahead (`user NAME PASS`). */
  protected reducedAtLast = false;

  protected user(): void {
    this.reducedAtLast = true;
    this.advance();
    const name = this.expectString("a user name");
    const pass = this.expectString("a password");
    if (name.value === "") throw new Fail(name, "invalid user name", "user: empty user name");
    if (pass.value === "") throw new Fail(pass, "invalid password", `user ${name.value}: empty password`);
    this.pending = () => {
      this.conf.users.push({ name: name.value, password: pass.value });
      this.events.push({ kind: "user", index: this.conf.users.length - 1, line: this.cur().line });
    };
  }

  /**
   * host_spec: STRING, or STRING '/' NUMBER: an address, network, interface or host name as iked's host() reads it.
   */
  protected hostSpec(field: string): string {
    const t = this.expectString("an address or host name");
    let s = t.value;
    // yacc reduces `host_spec: STRING` (and calls host()) only before a token that may follow it
    if (!this.isChar("/") && !followsHostSpec(this.tok)) this.syntax("a token that may follow an address");
    if (this.isChar("/")) {
      this.advance();
      const n = this.expectNumber("a prefix length");
      s = `${s}/${n.value}`;
      const a = parseAddr(s);
      if (a?.af === "inet" && n.value > 32) {
        // host(): strtonum(mask, 0, 128) and host_ip() keep an IPv4 mask above 32 as written (`10.0.0.0/40`)
        this.diagnostics.push({ file: this.file, line: t.line, column: t.column, message: `${field}: prefix length ${n.value} of \`${s}\` is above 32; iked accepts it as written, write at most /32`, severity: "warning" });
      }
      // host(): an interface or group keeps its own addresses (host_if() ignores the mask), a DNS name takes it
      if (!a && n.value >= 0 && n.value <= 128 && isHostName(t.value) && (this.resolves?.(t.value) ?? true)) return s;
      if (!a) {
        // host() prints why on stderr before the yyerror: strtonum(mask, 0, 128) out of range, else no address
        this.events.push({ kind: "stderr", text: n.value > 128 ? `netmask is too large: /${n.value}` : n.value < 0 ? `netmask is too small: /${n.value}` : `no IP address found for ${s}` });
        const bare = parseAddr(t.value);
        const max = bare?.af === "inet6" ? 128 : 32;
        if (bare || n.value > 128) throw new Fail(t, "could not parse host specification", `${field}: prefix length ${n.value} of \`${s}\` is out of range; 0-${max}`);
        throw new Fail(t, "could not parse host specification", `${field}: \`${s}\` is not an address/prefix, interface or host name`);
      }
    }
    if (!parseAddr(s) && (!isHostName(s) || !(this.resolves?.(s) ?? true))) {
      this.events.push({ kind: "stderr", text: `no IP address found for ${s}` });
      // a bare host word reduces only once iked has read the token after it (it might have been `/`): the error is
      // reported on that token's line, the next one after a `\` continuation (with a mask, on the mask's own line)
      throw new Fail(this.tok.line !== t.line ? this.tok : t, "could not parse host specification", `${field}: \`${s}\` is neither an address nor a host name`);
    }
    return canonicalHost(s);
  }

  protected host(field: string): { host: string; nat?: string } {
    if (this.acceptKw("any")) return { host: "any" };
    if (this.acceptKw("dynamic")) return { host: "dynamic" };
    const host = this.hostSpec(field);
    if (this.isChar("(")) {
      this.advance();
      const nat = this.hostSpec(`${field} NAT`);
      if (!this.isChar(")")) this.syntax("`)`");
      this.advance();
      const a = parseAddr(host);
      const b = parseAddr(nat);
      if (a && b && a.af !== b.af) throw new Fail(this.tok, "Flow NAT address family mismatch", `${field}: NAT address \`${nat}\` is not of the same family as \`${host}\``);
      return { host, nat };
    }
    return { host };
  }

  protected anyhost(field: string): string {
    if (this.acceptKw("any")) return "any";
    return this.hostSpec(field);
  }

  protected port(field: string): number | string | undefined {
    if (!this.acceptKw("port")) return undefined;
    const t = this.advance();
    if (t.type === "number") {
      if (t.value < 0 || t.value > 65535) throw new Fail(t, "port outside range", `${field}: port ${t.text} is out of range; 0-65535`);
      return t.value;
    }
    if (t.type === "string") {
      if (portNumber(t.value) === undefined) throw new Fail(t, `unknown port: ${t.value}`, `${field}: unknown service \`${t.value}\`; give a port number or a service name of /etc/services such as ssh, https, isakmp`);
      return t.value;
    }
    throw new Fail(t, "syntax error", `${field}: expected a port number or service name, got ${describe(t)}`);
  }

  protected protoval(): string | number {
    const t = this.advance();
    if (t.type === "number") {
      if (t.value < 0 || t.value > 255) throw new Fail(t, "protocol outside range", `proto: ${t.text} is out of range; 0-255`);
      return t.value;
    }
    if (t.type === "string" || (t.type === "kw" && (t.value === "esp" || t.value === "ah"))) {
      if (t.type === "kw") throw new Fail(t, "syntax error", `proto: \`${t.value}\` is a keyword here; write its number (${protocolByName(t.value)})`);
      if (protocolByName(t.value) === undefined) throw new Fail(t, `unknown protocol: ${t.value}`, `unknown protocol \`${t.value}\`; a name of /etc/protocols (tcp, udp, icmp, gre, esp, …) or a number 0-255`);
      return t.value;
    }
    throw new Fail(t, "syntax error", `proto: expected a protocol name or number, got ${describe(t)}`);
  }

  protected transforms(sa: "ikesa" | "childsa"): IkedTransforms {
    const x: IkedTransforms = {};
    const add = (kind: IkedXfKind): void => {
      const t = this.expectString(`a ${kind} transform name`);
      const name = canonicalTransform(kind, sa, t.value);
      if (!name) throw new Fail(t, `${t.value} not a valid transform`, `${sa}.${kind}: ${t.value} not a valid transform; one of ${allowedNames(kind, sa).join(", ")}`);
      (x[kind] ??= []).push(name);
    };
    let any = false;
    for (;;) {
      if (this.acceptKw("enc")) add("enc");
      else if (this.acceptKw("auth")) add("auth");
      else if (this.acceptKw("prf")) add("prf");
      else if (this.acceptKw("group")) add("group");
      else if (this.isKw("esn") || this.isKw("noesn")) (x.esn ??= []).push(this.takeKw() as "esn" | "noesn");
      else break;
      any = true;
    }
    if (!any) {
      // transforms may be empty in parse.y: a word after a bare ikesa/childsa (`childsa aes-256`, `enc` left out)
      // falls through srcid/lifetime to ikeauth's STRING, which is no authentication method
      const t = this.cur();
      if (t.type === "string" && !AUTH_METHODS.some((n) => n.startsWith(t.value) && t.value !== ""))
        throw new Fail(t, "not a valid authentication mode", `${sa}: \`${t.value}\` is not a transform keyword; write enc, auth, prf, group, esn or noesn before the transform name`);
      // parse.y `transforms: /* empty */`: a bare ikesa/childsa parses; create_ike() then reads its NULL proposal
      // (expand.ts: iked crashes)
    }
    return x;
  }

  protected auth(): IkedAuth | undefined {
    if (this.acceptKw("psk")) {
      if (this.acceptKw("file")) return { kind: "psk-file", path: this.expectString("a key file path").value };
      const t = this.expectString("a pre-shared key (\"string\" or 0xHEX)");
      if (t.value.startsWith("0x")) {
        // parse.y parsekey(): strlen/2 bytes from pairs of characters; a pair that is not two hex digits is
        // reported (the rule is still created, the file fails) and read as 0xff; an odd last character is dropped
        const hex = t.value.slice(2);
        let bytes = "";
        // reduced as soon as the key is read: its reports come before the lookahead's
        this.beforeLookahead(() => {
          for (let i = 0; i + 1 < hex.length; i += 2) {
            const pair = hex.slice(i, i + 2);
            if (/^[0-9A-Fa-f]{2}$/.test(pair)) bytes += pair;
            else {
              bytes += "ff";
              this.events.push({ kind: "error", line: t.line, message: "keys need to be specified in hex digits" });
              this.diagnostics.push({ file: this.file, line: t.line, column: t.column, message: `keys need to be specified in hex digits: psk: characters ${i + 1}-${i + 2} after 0x are not two hex digits`, severity: "error" });
            }
          }
        });
        if (hex.length % 2 === 1) this.diagnostics.push({ file: this.file, line: t.line, column: t.column, message: "psk: odd number of hex digits; iked ignores the last one", severity: "warning" });
        return { kind: "psk", value: `0x${bytes}` };
      } else if (t.value.length > 1024) throw new Fail(t, "psk too long", `psk: ${t.value.length} characters is too long; at most 1024`);
      return { kind: "psk", value: t.value };
    }
    if (this.acceptKw("eap")) {
      const t = this.advance();
      if (t.type === "kw" && t.value === "radius") return { kind: "eap", method: "radius" };
      if (t.type !== "string") throw new Fail(t, "syntax error", `eap: expected "MSCHAP-V2" or radius, got ${describe(t)}`);
      const m = t.value.replace(/-/g, "_").toLowerCase();
      if (m === "mschap_v2") return { kind: "eap", method: "mschap-v2" };
      if (m === "radius") return { kind: "eap", method: "radius" };
      throw new Fail(t, `unsupported EAP method: ${t.value}`, `eap: ${oneOf("EAP method", t.value, ["MSCHAP-V2", "radius"])}`);
    }
    if (this.cur().type === "string") {
      const t = this.advance() as Extract<IkedToken, { type: "string" }>;
      const m = AUTH_METHODS.find((n) => n.startsWith(t.value) && t.value !== "");
      if (!m) throw new Fail(t, "not a valid authentication mode", `auth: ${oneOf("authentication method", t.value, [...AUTH_METHODS, "psk", "eap"])}`);
      return { kind: "method", method: m as IkedAuthMethod };
    }
    return undefined;
  }
}

/**
 * Whether `w` can name an interface, a group or a DNS host for host(). A word of digits, dots and hex
 * letters that starts with a digit is read as a numeric address or nothing (getaddrinfo takes an IPv4
 * literal only as a dotted quad: `10.1`, `1.2.3.0256`, `08.1.0.1` name no host).
 */
export function isHostName(w: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(w) && !/^\d[0-9A-Fa-fxX.]*$/.test(w);
}
