/** pf.conf parser, part 6: `queue` definitions (parse.y queuespec, queue_opts, scspec, bandwidth; expand_queue). */
import { parseBandwidth } from "./queues";
import { isRdomain, type PfQueue, type PfServiceCurve } from "./types";
import type { Token } from "./lexer";
import { PfSettingsParser } from "./parser-settings";

/** PF_QNAME_SIZE - 1: the longest queue name. */
const QNAME_MAX = 63;

export abstract class PfQueueParser extends PfSettingsParser {
  /**
   * parse.y `bandwidth`: a STRING with a unit, or a NUMBER (bits per second). Reduced at the word itself (a default
   * reduction): its errors name that word's line, even when a `\`-continued line follows.
   */
  private bandwidth(): { bps: number; percent?: number } {
    const t = this.la;
    if (t.type === "NUMBER") {
      this.shift();
      const n = t.num as number;
      if (n < 0) this.failOnToken("bandwidth number too big", undefined, t);
      return { bps: n };
    }
    const w = this.expectString();
    const b = parseBandwidth(w.text);
    if ("error" in b) this.failOnToken(b.error, "e.g. 100M, 1G, 512K (bits per second)", w);
    return b;
  }

  /** parse.y `scspec : bandwidth | bandwidth BURST bandwidth FOR STRING`. */
  private scspec(): PfServiceCurve {
    const m2 = this.bandwidth();
    if (!this.acceptKw("burst")) {
      if (m2.percent) this.fail("no bandwidth in % yet", "give an absolute bandwidth such as 50M");
      return { bps: m2.bps };
    }
    const m1 = this.bandwidth();
    this.expectKw("for");
    const d = this.expectString();
    const mm = /^(\d*)(.*)$/.exec(d.text)!;
    if (mm[2] !== "ms") this.fail("time in scspec must be in ms", "e.g. burst 20M for 100ms", d);
    if (m1.percent || m2.percent) this.fail("no bandwidth in % yet", "give an absolute bandwidth such as 50M");
    return { bps: m2.bps, burst: { bps: m1.bps, ms: Number(mm[1] || 0) } };
  }

  /** `, min SC` / `, max SC` after a bandwidth (commas optional), in either order, each at most once. */
  private optscs(q: PfQueue): void {
    const one = (): boolean => {
      const save = this.isChar(",");
      if (save) {
        this.shift();
        if (!this.isKw("min") && !this.isKw("max")) this.syntax();
      }
      if (this.acceptKw("min")) q.min = this.scspec();
      else if (this.acceptKw("max")) q.max = this.scspec();
      else return false;
      return true;
    };
    if (!one()) return;
    const first = q.min ? "min" : "max";
    if (this.isChar(",") || this.isKw("min") || this.isKw("max")) {
      if (this.acceptChar(",") && !this.isKw(first === "min" ? "max" : "min")) this.syntax();
      if (this.isKw(first)) this.syntax();
      one();
    }
  }

  /** parse.y queuespec: `queue NAME [on IF…] queue_opts`, one queue per interface (expand_queue). */
  protected queuespec(): void {
    const kw = this.expectKw("queue");
    const name = this.expectString().text;
    const on = this.isKw("on") ? this.interfaceSpec() : [];
    // a routing domain is no interface (checked once the statement is read, as queuespec does)
    const names = on.map((i) => (isRdomain(i) ? "" : i.name));
    const q: PfQueue = { name, on: names };
    const seen = new Set<string>();
    // a queue_opt's check runs when yacc reduces it: at its own last token (`last`), or after a lookahead (bandwidth,
    // whose optional `min`/`max`/`burst` yacc must look past)
    const once = (k: string, msg: string, last?: Token) => {
      if (seen.has(k)) (last ? this.failOnToken(msg, undefined, last) : this.fail(msg));
      seen.add(k);
    };
    let any = false;
    for (;;) {
      if (this.acceptKw("bandwidth")) {
        const bw = this.scspec();
        this.optscs(q);
        once("bandwidth", "bandwidth cannot be respecified");
        q.bandwidth = bw;
      } else if (this.acceptKw("parent")) {
        const pt = this.expectString();
        once("parent", "parent cannot be respecified", pt);
        q.parent = pt.text;
      } else if (this.isKw("default")) {
        once("default", "default cannot be respecified", this.shift());
        q.default = true;
      } else if (this.acceptKw("qlimit")) {
        const nt = this.la;
        const n = this.number();
        once("qlimit", "qlimit cannot be respecified", nt);
        if (n < 0 || n > 65535) this.failOnToken("qlimit out of range: max 65535", undefined, nt);
        q.qlimit = n;
      } else if (this.acceptKw("flows")) {
        const nt = this.la;
        const n = this.number();
        once("flows", "number of flows cannot be respecified", nt);
        if (n < 1 || n > 32767) this.failOnToken("number of flows out of range: max 32767", undefined, nt);
        q.flows = n;
      } else if (this.acceptKw("quantum")) {
        const nt = this.la;
        const n = this.number();
        once("quantum", "quantum cannot be respecified", nt);
        if (n < 1 || n > 65535) this.failOnToken("quantum out of range: max 65535", undefined, nt);
        q.quantum = n;
      } else break;
      any = true;
    }
    if (!any) this.syntax();
    this.endOfStatement();
    if (on.length === 0 && q.parent === undefined) this.fail("root queue without interface", "name the interface: queue NAME on IF …", kw);
    if (on.length > 0 && isRdomain(on[0]!)) this.fail("not an interface", `a queue is on an interface; \`rdomain ${on[0]!.rdomain}\` is a routing domain`);
    if (on.length > 0 && this.ctx.interfaces && !this.ctx.interfaces.some((i) => i.name === names[0])) {
      this.fail("not an interface", `\`${names[0]}\` is not an interface of this host`);
    }
    this.out.ruleset.queues = [...(this.out.ruleset.queues ?? []), q];
    // expand_queue: one queue per interface (a child without `on` inherits its parent's)
    for (const itf of on.length > 0 ? names : [""]) {
      if (q.bandwidth === undefined && q.flows === undefined) {
        this.report(this.la.line, this.la.col, "no bandwidth or flow specification", "give bandwidth BW or flows N");
        return;
      }
      if (name.length > QNAME_MAX) {
        this.report(this.la.line, this.la.col, "queuename too long");
        return;
      }
      if (q.parent !== undefined && q.parent.length > QNAME_MAX) {
        this.report(this.la.line, this.la.col, "parent too long");
        return;
      }
      const refused = this.queues.add(q, itf, (this.opts.anchor !== undefined && this.opts.anchor !== "") || this.stuckAnchors > 0);
      if (refused !== undefined) {
        this.out.echo.push(refused);
        this.report(this.la.line, this.la.col, "cannot add queue", refused);
        return;
      }
    }
  }

  private number(): number {
    if (this.la.type !== "NUMBER") this.syntax();
    return this.shift().num as number;
  }
}
