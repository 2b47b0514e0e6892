/**
 * The manual-keying rules of ipsec.conf (ipsecctl parse.y `sarule` and `tcpmd5rule`): their hosts (one rule per
 * address pair of `{ }` lists), `spi OUT[:IN]`, `authkey`/`enckey` as parsekey() reads them, and the IN keys that
 * expand_rule shares between the reverse SAs of several pairs. parser.ts parses the rest.
 */
import type { IpsecAddress, KeyPair, SaRule, SaType, TcpMd5Rule } from "./types";
import type { Token } from "./lexer";
import { saPairs } from "./sa-pairs";
import { SATYPE_WORDS, SyntaxError_ } from "./parser-base";
import { HostParser } from "./parser-hosts";

export abstract class SaRuleParser extends HostParser {
  /** The pairs after the first of a manual SA or tcpmd5 rule written with `{ }` lists (sa-pairs.ts). */
  protected saMore: [IpsecAddress, IpsecAddress][] = [];

  protected spi(): { out: number; in?: number } {
    const kw = this.expectKw("spi");
    const t = this.next();
    this.mark("spi", kw);
    if (t.kind !== "string" && t.kind !== "number") throw new SyntaxError_(t);
    if (t.kind === "number") {
      // `spispec: SPI NUMBER`: the lexer's value (strtonum, decimal: `0100` is 100, `-0` is 0), checked as an int64
      const n = BigInt(t.text);
      if (n > 0xffffffffn || n < 0n) {
        this.problem(t, "hard", `${n} not a valid spi`, "spi", "0x100-0xffffffff");
        return { out: 0x100 };
      }
      if (n >= 1n && n <= 255n) {
        this.problem(t, "hard", `${n} within reserved spi range`, "spi", "SPIs 1-255 are reserved; use 0x100-0xffffffff");
        return { out: 0x100 };
      }
      return { out: Number(n) };
    }
    // parse.y spispec: `OUT[:IN]` split at the first `:`, IN read first (atospi), then OUT; 1-255 are reserved.
    // `spispec: SPI STRING` is reduced as soon as the STRING is read (no lookahead): its errors are on its line
    const colon = t.text.indexOf(":");
    const parts = colon < 0 ? [t.text] : [t.text.slice(colon + 1), t.text.slice(0, colon)];
    const got: number[] = [];
    for (const part of parts) {
      const n = atoul(part);
      if (n === undefined) {
        // atoul() failing makes atospi() return -1 without a yyerror: ipsecctl refuses the rule silently
        this.problem(t, "hard", "illegal SPI value", "spi", "a number 0x100-0xffffffff, optionally OUT:IN");
        this.problems[this.problems.length - 1]!.quiet = true;
        return { out: 0x100 };
      }
      if (n > 0xffffffffn) {
        this.problem(t, "hard", `${n} not a valid spi`, "spi", "at most 0xffffffff");
        return { out: 0x100 };
      }
      if (n >= 1n && n <= 255n) {
        this.problem(t, "hard", `${n} within reserved spi range`, "spi", "SPIs 1-255 are reserved; use 0x100-0xffffffff");
        return { out: 0x100 };
      }
      got.push(Number(n));
    }
    return got.length === 2 ? { out: got[1]!, in: got[0]! } : { out: got[0]! };
  }

  protected key(field: "authkey" | "enckey"): KeyPair | undefined {
    if (!this.isKw(field)) return undefined;
    this.next();
    if (this.accept("file")) return this.keyFiles(field);
    const t = this.next();
    this.mark(field, t);
    if (t.kind !== "string" && t.kind !== "number") throw new SyntaxError_(t, true);
    // parse.y keyspec: OUT[:IN], each without a leading `0x` (IN parsed first)
    const colon = t.text.indexOf(":");
    const texts = colon < 0 ? [t.text] : [t.text.slice(0, colon), t.text.slice(colon + 1)];
    const keyIn = texts.length === 2 ? this.hexKey(t, field, texts[1]!.startsWith("0x") ? texts[1]!.slice(2) : texts[1]!) : undefined;
    const keyOut = this.hexKey(t, field, texts[0]!.startsWith("0x") ? texts[0]!.slice(2) : texts[0]!);
    return keyIn === undefined ? { out: keyOut } : { out: keyOut, in: keyIn };
  }

  /**
   * parse.y parsekey(): strlen/2 bytes, each from two characters; a pair that is not two hex digits is reported
   * (x2i, once per pair) and read as 0xff; an odd last character is ignored. The key lengths are checked afterwards
   * (validate_sa).
   */
  private hexKey(t: Token, field: "authkey" | "enckey", h: string): string {
    let out = "";
    for (let i = 0; i + 1 < h.length; i += 2) {
      const pair = h.slice(i, i + 2);
      if (/^[0-9a-fA-F]{2}$/.test(pair)) out += pair.toLowerCase();
      else {
        this.problem(t, "soft", "keys need to be specified in hex digits", field, "hex digits, optionally 0x-prefixed, OUT:IN");
        out += "ff";
      }
    }
    return out;
  }

  /**
   * keyspec `file "OUT[:IN]"` (parsekeyfile, IN first): each file's bytes are the key in hex as parsekey() reads
   * it (no `0x`; a trailing newline is the odd byte it ignores), 1-1024 bytes. A file ipsecctl cannot open ends it
   * (err), as does an empty or larger one (errx). Files are read through the parser's file reader (`include`).
   */
  private keyFiles(field: "authkey" | "enckey"): KeyPair | undefined {
    const t = this.next();
    this.mark(field, t);
    if (t.kind !== "string") throw new SyntaxError_(t);
    const colon = t.text.indexOf(":");
    const paths = colon < 0 ? [t.text] : [t.text.slice(0, colon), t.text.slice(colon + 1)];
    const read = (path: string): string | undefined => {
      const body = this.opts.include?.(path);
      if (body === undefined) {
        this.problem(t, "fatal", `open ${path}: No such file or directory`, field, "the key file must exist when ipsecctl loads the file");
        this.problems[this.problems.length - 1]!.noErrno = true;
        return undefined;
      }
      // parsekey() reads bytes: a character outside ASCII is one byte per UTF-8 byte
      const bytes = Buffer.from(body, "utf8").toString("latin1");
      if (bytes.length === 0 || bytes.length > 1024) {
        this.problem(t, "fatal", `${path}: key too ${bytes.length ? "large" : "small"}`, field, "a key file holds the key in hex, 1-1024 bytes");
        this.problems[this.problems.length - 1]!.noErrno = true;
        return undefined;
      }
      return this.hexKey(t, field, bytes);
    };
    const keyIn = paths.length === 2 ? read(paths[1]!) : undefined;
    if (paths.length === 2 && keyIn === undefined) return undefined;
    const keyOut = read(paths[0]!);
    if (keyOut === undefined) return undefined;
    return keyIn === undefined ? { out: keyOut } : { out: keyOut, in: keyIn };
  }

  protected saHosts(): { from: IpsecAddress; to: IpsecAddress } {
    // sarule/tcpmd5rule take parse.y's `hosts`, ports included; create_sa() ignores the ports
    const at = this.peek();
    const { from, to } = this.hosts(true);
    if (from.port !== undefined || to.port !== undefined) this.problem(at, "warning", "ports of a manual SA or tcpmd5 rule are ignored by ipsecctl", from.port !== undefined ? "from.port" : "to.port", "remove them");
    // `{ }` lists: one rule per pair (sa-pairs.ts), the others added after this one by finishRule
    // (no pair of one family: the first as written, which the rule's family check refuses as ipsecctl does)
    const pairs = saPairs(from.addresses, to.addresses);
    if (!pairs.length) return { from: from.addresses[0]!, to: to.addresses[0]! };
    this.saMore = pairs.slice(1);
    return { from: pairs[0]![0], to: pairs[0]![1] };
  }

  protected saRule(): SaRule {
    const r: Partial<SaRule> = { type: "sa" };
    const sat = this.peek();
    if (sat.kind === "keyword" && SATYPE_WORDS.has(sat.text)) r.satype = this.next().text as SaType;
    if (this.accept("tunnel")) r.encap = "tunnel";
    else if (this.accept("transport")) r.encap = "transport";
    const { from, to } = this.saHosts();
    r.from = from;
    r.to = to;
    r.spi = this.spi();
    if (this.accept("udpencap")) {
      r.udpencap = {};
      if (this.accept("port")) {
        const t = this.next();
        this.mark("udpencap.port", t);
        if (t.kind !== "number") throw new SyntaxError_(t);
        r.udpencap.port = Number(t.text);
      }
    }
    const target = r as SaRule;
    this.transforms("", target, true, false);
    const authkey = this.key("authkey");
    if (authkey) r.authkey = authkey;
    const enckey = this.key("enckey");
    if (enckey) r.enckey = enckey;
    // bundlestring: BUNDLE STRING (a word or a quoted string; a number is no STRING)
    if (this.accept("bundle")) r.bundle = this.expectString().text;
    this.sharedInKeys(r as SaRule);
    return r as SaRule;
  }

  protected tcpMd5Rule(): TcpMd5Rule {
    this.expectKw("tcpmd5");
    const { from, to } = this.saHosts();
    const spi = this.spi();
    const authkey = this.key("authkey");
    const r: TcpMd5Rule = { type: "tcpmd5", from, to, spi, authkey: authkey ?? { out: "" } };
    this.sharedInKeys(r);
    return r;
  }

  /**
   * expand_rule gives the reverse SA of every address pair the same IN keys (reverse_sa keeps the pointer), and
   * ipsecctl frees each rule's keys at its end: a rule with IN keys that expands to several pairs (`any` to `any`,
   * a `{ }` list) frees them twice and ipsecctl aborts, after loading its SAs (measured: OpenBSD's parser built here
   * ends with `free(): double free detected`, status 134).
   */
  protected sharedInKeys(r: SaRule | TcpMd5Rule): void {
    const inKeys = r.authkey?.in !== undefined || (r.type === "sa" && r.enckey?.in !== undefined);
    const pairs = this.saMore.length + 1 + (this.saMore.length === 0 && r.from.kind === "any" && r.to.kind === "any" ? 1 : 0);
    if (!inKeys || pairs < 2) return;
    this.problem(this.fieldTokens.get("from") ?? this.peek(), "abort", "the reverse SAs of this rule's address pairs share its IN keys: ipsecctl frees them twice and aborts", "from", `write one rule per address pair (${pairs} here), each with its own keys`);
  }
}

const ULONG_MAX = (1n << 64n) - 1n;

/**
 * parse.y atoul(): strtoul(s, &ep, 0) of the whole text (a sign, then hex after `0x`, octal after `0`, else decimal;
 * a negative value wraps around as an unsigned long does), refused when nothing or not all of it was read or when it
 * overflows (ERANGE). Exact beyond 2^53: the value is printed in the error (`7017280452245743465 not a valid spi`).
 */
function atoul(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2]!;
  const v = /^0[xX]/.test(digits) ? BigInt(digits) : digits.startsWith("0") ? BigInt(`0o${digits.slice(1) || "0"}`) : BigInt(digits);
  if (v > ULONG_MAX) return undefined;
  return m[1] === "-" ? (ULONG_MAX + 1n - v) % (ULONG_MAX + 1n) : v;
}
