/**
 * pf queue trees as pfctl builds, checks and prints them (pfctl.c pfctl_add_queue, pfctl_find_childqs,
 * pfctl_check_qassignments, pfctl_load_queues; pfctl_parser.c print_queuespec; parse.y `bandwidth`).
 * Pure: the parser feeds the queues of a file, the checks return pfctl's words.
 */
import { strtod } from "../strtod";
import type { PfQueue, PfRule, PfServiceCurve } from "./types";

/** parse.y `bandwidth : STRING`: strtod, then a unit b, K, M, G (`bit`, `b`, `B`, `Bit` suffixes dropped) or `%`. */
export function parseBandwidth(text: string): { bps: number; percent?: number } | { error: string } {
  const n = strtod(text);
  let bps = n.value;
  let unit = n.rest;
  if (unit.length > 1 && ["Bit", "B", "bit", "b"].includes(unit.slice(1))) unit = unit[0]!;
  if (unit === "b") {
    // bits per second as written
  } else if (unit === "K") bps *= 1000;
  else if (unit === "M") bps *= 1000 * 1000;
  else if (unit === "G") bps *= 1000 * 1000 * 1000;
  else if (unit === "%") {
    if (bps < 0 || bps > 100) return { error: "bandwidth spec out of range" };
    return { bps: 0, percent: Math.trunc(bps) };
  } else return { error: `unknown unit "${unit}"` };
  if (bps < 0 || bps > 9223372036854775807) return { error: "bandwidth number too big" };
  return { bps: Math.trunc(bps) };
}

/** print_bwspec(): the rate in the largest unit of K, M, G that divides it (pfctl's own spelling). */
function bw(prefix: string, bps: number): string {
  if (!bps) return "";
  const unit = " KMG\0";
  let rate = bps;
  let i = 0;
  for (; rate >= 1000 && i <= 3 && rate % 1000 === 0; i++) rate /= 1000;
  return `${prefix}${rate}${unit[i]}`;
}

/** A bandwidth as a file writes it: the largest of K, M, G that divides it, else bits per second. */
function bwFile(prefix: string, bps: number): string {
  let rate = bps;
  let i = 0;
  for (; rate >= 1000 && i < 3 && rate % 1000 === 0; i++) rate /= 1000;
  return `${prefix}${rate}${["", "K", "M", "G"][i]}`;
}

function sc(prefix: string, c: PfServiceCurve | undefined, asFile = false): string {
  if (!c) return "";
  const f = asFile ? bwFile : bw;
  let s = asFile || c.bps ? f(prefix, c.bps) : "";
  if (c.burst?.ms || (asFile && c.burst)) s += ` burst ${f("", c.burst!.bps)} for ${c.burst!.ms}ms`;
  return s;
}

/** print_queuespec(): one queue as `pfctl -nv` prints it (children name their parent, roots their interface). */
export function renderQueue(q: PfQueue, ifname = q.on[0] ?? ""): string {
  let s = `queue ${q.name}`;
  if (q.parent) s += ` parent ${q.parent}`;
  else if (ifname) s += ` on ${ifname}`;
  if (q.flows !== undefined) {
    s += ` flows ${q.flows}`;
    if (q.quantum) s += ` quantum ${q.quantum}`;
  }
  if (q.bandwidth?.bps || q.bandwidth?.burst?.bps) s += sc(" bandwidth ", q.bandwidth) + sc(", min ", q.min) + sc(", max ", q.max);
  if (q.default) s += " default";
  if (q.qlimit) s += ` qlimit ${q.qlimit}`;
  return s;
}

/** A queue statement as written in a file: {@link renderQueue} with every interface and the quantum. */
export function formatQueueStatement(q: PfQueue): string {
  let s = `queue ${q.name}`;
  if (q.on.length > 0) s += ` on ${q.on.length === 1 ? q.on[0] : `{ ${q.on.join(" ")} }`}`;
  if (q.parent) s += ` parent ${q.parent}`;
  if (q.flows !== undefined) s += ` flows ${q.flows}`;
  if (q.quantum !== undefined) s += ` quantum ${q.quantum}`;
  if (q.bandwidth) s += sc(" bandwidth ", q.bandwidth, true) + sc(", min ", q.min, true) + sc(", max ", q.max, true);
  if (q.default) s += " default";
  if (q.qlimit !== undefined) s += ` qlimit ${q.qlimit}`;
  return s;
}

/** One queue per interface, as pfctl_add_queue stores it. */
interface QItem {
  q: PfQueue;
  ifname: string;
  children: QItem[];
  matches: number;
}

/** Why pfctl refuses a queue tree: `pfctl: …` on stderr (errx), or lines on stdout (the leaf check). */
export interface QueueFailure {
  stderr: string[];
  stdout: string[];
}

class Errx {
  constructor(readonly message: string) {}
}

/**
 * pfctl's queue registry while parsing: `add` is pfctl_add_queue (a message on stdout when it refuses),
 * `defined` the names rules may assign (queues with a parent: pfctl_find_queue on qspecs).
 */
export class QueueRegistry {
  readonly roots: QItem[] = [];
  readonly specs: QItem[] = [];

  /** `known`: names of queues an earlier ruleset of the same load defined (a `load anchor` file may use them). */
  constructor(private readonly known: readonly string[] = []) {}

  /** The names rules may assign: queues with a parent. */
  names(): string[] {
    return [...new Set([...this.known, ...this.specs.map((s) => s.q.name)])];
  }

  /** pfctl_add_queue for one interface: the stdout line when refused (then `cannot add queue`). */
  add(q: PfQueue, ifname: string, inAnchor: boolean): string | undefined {
    if (inAnchor) return "must not have queue definitions in an anchor";
    if (!q.parent) {
      const dup = this.roots.find((r) => r.ifname === ifname);
      if (dup) return `A root queue is already defined on ${dup.ifname}`;
    }
    const it: QItem = { q, ifname, children: [], matches: 0 };
    (q.parent ? this.specs : this.roots).push(it);
    return undefined;
  }

  defined(name: string): boolean {
    return this.known.includes(name) || this.specs.some((s) => s.q.name === name);
  }

  /** pfctl_find_childqs, the children of one queue (its pre-order step). */
  private collectChildren(qi: QItem): void {
    for (const p of this.specs) {
      if (p.q.parent !== qi.q.name) continue;
      if (p.ifname && p.ifname !== qi.ifname) continue;
      if (++p.matches > 10000) throw new Errx("pfctl_find_childqs: excessive matches, loop?");
      const q = qi.children.find((c) => c.q.name === p.q.name);
      if (!q) qi.children.push({ q: p.q, ifname: p.ifname, children: [], matches: 0 });
      else {
        if (q.ifname && p.ifname) throw new Errx(`queue ${q.q.name} on ${q.ifname} respecified`);
        if (!q.ifname && !p.ifname) throw new Errx(`queue ${q.q.name} respecified`);
        if (!q.ifname) {
          q.q = p.q;
          q.ifname = p.ifname;
        }
      }
    }
  }

  /**
   * pfctl_find_childqs: builds the tree under `root` depth first, in pfctl's order (a loop of parents ends at
   * pfctl's 10000 matches; an explicit stack, as the loop nests that deep); true when a default queue is in it.
   */
  private findChildren(root: QItem): boolean {
    let hasDefault = false;
    const stack: { qi: QItem; next: number }[] = [{ qi: root, next: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < 0) {
        if (top.qi.q.default) hasDefault = true;
        this.collectChildren(top.qi);
        top.next = 0;
      }
      if (top.next < top.qi.children.length) {
        stack.push({ qi: top.qi.children[top.next++]!, next: -1 });
        continue;
      }
      stack.pop();
      if (top.qi.children.length > 0) {
        if (top.qi.q.default) throw new Errx(`default queue ${top.qi.q.name} is not a leaf queue`);
        if (top.qi.q.flows !== undefined) throw new Errx(`flow queue ${top.qi.q.name} is not a leaf queue`);
      }
    }
    return hasDefault;
  }

  /** pfctl_leafqueue_check: the stdout line when `name` is a queue with children. */
  private leafCheck(name: string | undefined): string | undefined {
    if (!name) return undefined;
    for (const qi of [...this.roots, ...this.specs]) {
      if (qi.q.name === name && qi.children.length > 0) return `queue ${name}: packets must be assigned to leaf queues only`;
    }
    return undefined;
  }

  /**
   * pfctl_check_qassignments then pfctl_load_queues (main ruleset, after a clean parse): the tree's errors,
   * or the lines `-v` prints (every root, then its children depth first).
   */
  check(rules: readonly PfRule[]): { failure: QueueFailure } | { printed: string[] } {
    try {
      for (const qi of this.roots) {
        const hasDefault = this.findChildren(qi);
        const rootClass = !qi.q.parent && qi.q.bandwidth !== undefined;
        if (!rootClass && qi.children.length > 0) {
          throw new Errx(qi.q.flows !== undefined ? `root queue ${qi.q.name} doesn't support hierarchy` : `no bandwidth was specified for root queue ${qi.q.name}`);
        }
        if (rootClass && !hasDefault) throw new Errx("no default queue specified");
      }
      const stdout: string[] = [];
      const walk = (rs: readonly PfRule[]) => {
        for (const r of rs) {
          if (r.kind === "anchor") {
            if (r.inline) walk(r.inline);
            continue;
          }
          for (const n of [r.queue?.name, r.queue?.ack]) {
            const l = this.leafCheck(n);
            if (l) stdout.push(l);
          }
        }
      };
      walk(rules);
      if (stdout.length > 0) return { failure: { stderr: [], stdout } };
      for (const qi of this.specs) {
        if (qi.matches === 0) throw new Errx(`queue ${qi.q.name}: parent ${qi.q.parent} not found`);
        const b = qi.q.bandwidth;
        if (qi.q.parent && !b?.bps && !b?.burst?.bps) throw new Errx(`queue ${qi.q.name}: no bandwidth was specified`);
      }
    } catch (e) {
      if (e instanceof Errx) return { failure: { stderr: [`pfctl: ${e.message}`], stdout: [] } };
      throw e;
    }
    const printed: string[] = [];
    const print = (qi: QItem, ifname: string) => {
      printed.push(renderQueue(qi.q, ifname));
      for (const c of qi.children) print(c, ifname);
    };
    for (const r of this.roots) print(r, r.ifname);
    return { printed };
  }
}
