/** pf.conf parser, part 1b: ports (parse.y portspec, port_item, portrange, portplain, getservice). */
import { type Token } from "./lexer";
import { servicePort } from "./names";
import type { PfPort, PfPortOp } from "./types";
import { PfParserBase } from "./parser-base";
import { atoul } from "./atoul";

/**
 * The keywords and characters before which byacc reduces `port_item: portrange` (its state also shifts PORTBINARY, so
 * there is no default reduction: `byacc -v` of OpenBSD's parse.y, state 367); a newline, a word, a number and the
 * operators `!=`, `<=`, `>=` may follow too. Before any other token (`port 6000:0 on`) the rule is a syntax error,
 * and the range is never checked.
 */
const PORT_FOLLOW: ReadonlySet<string> = new Set([
  "scrub", "os", "to", "flags", "icmp-type", "icmp6-type", "keep", "modulate", "binat-to", "allow-opts", "route-to", "dup-to",
  "reply-to", "no", "label", "fragment", "user", "group", "tos", "set", "synproxy", "probability", "queue", "rtable", "prio", "once",
  "max-pkt-rate", "tagged", "tag", "divert-to", "divert-reply", "divert-packet", "nat-to", "af-to", "rdr-to", "received-on",
  "{", "}", "=", "!", "<", ">", ",",
]);

export abstract class PfPortParser extends PfParserBase {
  /** Whether the lookahead is one before which byacc reduces `port_item: portrange` (see {@link PORT_FOLLOW}). */
  private followsPort(): boolean {
    const t = this.la;
    if (t.type === "STRING" || t.type === "NUMBER" || t.type === "NL" || t.type === "NE" || t.type === "LE" || t.type === "GE") return true;
    return (t.type === "KW" || t.type === "CHAR") && PORT_FOLLOW.has(t.text);
  }

  protected portspec(): PfPort[] {
    return this.braceList(() => this.portItem());
  }

  protected unaryop(): PfPortOp | undefined {
    const t = this.la;
    let op: PfPortOp | undefined;
    if (t.type === "NE") op = "!=";
    else if (t.type === "LE") op = "<=";
    else if (t.type === "GE") op = ">=";
    else if (t.type === "CHAR" && (t.text === "=" || t.text === "<" || t.text === ">")) op = t.text as PfPortOp;
    if (op) this.shift();
    return op;
  }

  protected portItem(): PfPort {
    // a portrange is one token (`5:7` included): port_item's checks name the line of its last one
    const op = this.unaryop();
    const firstTok = this.la;
    const first = this.portrange();
    if (op) {
      if (first.to !== undefined) this.failOnToken("':' cannot be used with an other port operator", undefined, firstTok);
      return { op, port: first.port };
    }
    if (this.la.type === "PORTBINARY") {
      const bin = this.shift().op as PfPortOp;
      const secondTok = this.la;
      const second = this.portrange();
      if (first.to !== undefined || second.to !== undefined) this.failOnToken("':' cannot be used with an other port operator", undefined, firstTok, secondTok);
      if ((bin === "><" && first.port >= second.port) || (bin === "<>" && first.port > second.port)) {
        this.failOnToken("invalid port range", `\`${first.port} ${bin} ${second.port}\`: the first port must be lower`, firstTok, secondTok);
      }
      return { op: bin, port: first.port, to: second.port };
    }
    if (first.to !== undefined) {
      // `port_item: portrange` is reduced only after yacc looked for a PORTBINARY, and only before a token that may
      // follow it: the lookahead's line, or a syntax error before the range is checked
      if (!this.followsPort()) this.syntax();
      if (first.port > first.to) this.fail("invalid port range", `\`${first.port}:${first.to}\`: the first port must not be higher`, firstTok);
      return { op: ":", port: first.port, to: first.to };
    }
    return { op: "=", port: first.port };
  }

  /** portrange: a port, a service name, or `a:b`. */
  protected portrange(): { port: number; to?: number } {
    return this.parseport(this.numberstring(), false) as { port: number; to?: number };
  }

  /** portstar (the port of a nat-to, rdr-to or af-to pool): a port, a service name, `a:b` or `a:*`. */
  protected portstar(): { port: number; to?: number | "*" } {
    return this.parseport(this.numberstring(), true);
  }

  /** portplain (divert-to's port): a port or a service name; parseport() without extensions refuses any `:`. */
  protected portplain(): number {
    const t = this.numberstring();
    if (t.type !== "NUMBER" && t.text.includes(":")) this.fail(`port is invalid: ${t.text}`, "divert-to takes one port", t);
    return this.parseport(t, false).port;
  }

  /** parse.y parseport() with PPORT_RANGE (and PPORT_STAR when `star`): `a:a` is the port a alone. */
  private parseport(t: Token, star: boolean): { port: number; to?: number | "*" } {
    // numberstring: a NUMBER token is printed back in decimal (`08` is port 8), only a STRING goes to atoul as written
    if (t.type === "NUMBER") return { port: this.getservice(BigInt(t.text).toString(), t) };
    const colon = t.text.indexOf(":");
    if (colon < 0) return { port: this.getservice(t.text, t) };
    if (star && t.text.slice(colon + 1) === "*") return { port: this.getservice(t.text.slice(0, colon), t), to: "*" };
    const a = this.getservice(t.text.slice(0, colon), t);
    const b = this.getservice(t.text.slice(colon + 1), t);
    return a === b ? { port: a } : { port: a, to: b };
  }

  protected getservice(s: string, t: Token): number {
    const n = atoul(s);
    if (n !== undefined) {
      if (n > 65535n) this.failOnToken(`illegal port value ${n}`, "a port is 0-65535", t);
      return Number(n);
    }
    const p = servicePort(s);
    if (p === undefined) this.failOnToken(`unknown port ${s}`, "a number 0-65535 or a service name from /etc/services such as isakmp, ipsec-nat-t, ssh, https", t);
    return p;
  }

  // ---- filter options ----------------------------------------------------------------------
}
