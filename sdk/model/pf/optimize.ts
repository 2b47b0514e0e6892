/**
 * pfctl's default ruleset optimizer (pfctl_optimize.c, `-o basic`), which reorders and merges
 * rules on load so that `pfctl -sr` differs from the file:
 *
 * 1. Rules are cut into *superblocks*: runs of consecutive rules equal in every field that changes
 *    the ruleset's meaning when reordered (action, quick, log, state handling, tag, nat-to, …).
 *    Anchor calls, labels and `max` state limits (a nonzero `max`: 0 is no limit) stand alone.
 * 2. In each superblock, rules made redundant by another (identical, or a subset once the other's
 *    wildcards are applied) are removed.
 * 3. Rules are regrouped so that rules sharing a skip-step field (interface, direction, address
 *    family, protocol, addresses, ports) are adjacent, largest group first, recursively.
 *
 * 4. Rules that differ only in one address are merged into an `<__automatic_N>` table once six share
 *    it (./optimize-combine.ts; when the caller asks for it, as the emulator's `pfctl -nv` does).
 */
import { IPv4, IPv6 } from "ip-num";
import { isRdomain, type PfHost, type PfPort, type PfRule } from "./types";
import { combineRules, type MadeTables } from "./optimize-combine";

type Opt = PfRule;

/** The rule's interface name (pf_rule's ifname): none for `on rdomain N`, unless a scoped address bound it (`on lo0 on rdomain 1`). */
function ifname(r: Opt): string {
  const i = r.on[0];
  if (!i) return "";
  return isRdomain(i) ? (i.interface ?? "") : i.name;
}

/** The rule's `on rdomain N` (pf_rule's onrdomain, a NOMERGE field): -1 for none. */
function onRdomain(r: Opt): number {
  const i = r.on[0];
  return i && isRdomain(i) ? i.rdomain : -1;
}

function isGroup(name: string): boolean {
  return name !== "" && !/\d$/.test(name);
}

function keepState(r: Opt): number {
  if (r.kind === "anchor") return 0;
  switch (r.state) {
    case undefined:
      return r.action === "pass" ? 1 : 0;
    case "keep":
      return 1;
    case "no":
      return 0;
    case "modulate":
      return 2;
    case "synproxy":
      return 3;
  }
}

/**
 * A rule's scrub_flags (no-df, random-id, reassemble tcp, whether it has `set tos`: a field pf_rule_desc does not
 * list, so BREAK). Its max-mss and min-ttl, like the value of `set tos`, are NEVER fields: the optimizer zeroes them before any comparison, so rules differing only
 * there are one rule to it (the later one is dropped as identical).
 */
function scrubFlags(r: Opt): string {
  const sc = r.kind === "filter" ? r.scrub : undefined;
  const flags = sc ? `${sc.noDf ? "d" : ""}${sc.randomId ? "r" : ""}${sc.reassembleTcp ? "t" : ""}` : "";
  // `set tos` sets PFSTATE_SETTOS there too (its value is the NEVER field set_tos)
  return r.kind === "filter" && r.setTos !== undefined ? `${flags}s` : flags;
}

/** Fields that must be equal inside a superblock (BREAK fields and those pfctl does not list). */
function breakKey(r: Opt): string {
  if (r.kind === "anchor") return JSON.stringify(["anchor", r.name]);
  return JSON.stringify([
    r.action, r.blockPolicy ?? "", r.returnTtl ?? 0, r.log ?? false, r.quick ?? false, r.tag ?? "", keepState(r),
    r.stateOptions?.noSync ?? false, r.stateOptions?.ifBound ?? false, r.stateOptions?.sloppy ?? false,
    r.stateOptions?.pflow ?? false, r.fragment ?? false, r.once ?? false, r.allowOpts ?? false,
    r.rtable ?? -1, r.natTo ?? null, r.rdrTo ?? null,
    // BREAK fields of the options beyond the first model: logif/log flags, overload, rule_flag bits
    r.logOptions ?? null, r.stateOptions?.overload ?? null, r.stateOptions?.sourceTrack ?? "", r.staticPort ?? false, scrubFlags(r), r.route ?? null, r.binatTo ?? null, r.divertTo ?? null, r.divertReply ?? false, r.divertPacket ?? null, r.setPrio ?? null, r.pool ?? null, r.afTo ?? null, r.queue ?? null,
    // unlisted in pf_rule_desc, so BREAK: prio, pktrate, rcv_ifname/rcvifnot, delay (`set delay`, 0 too)
    r.prio ?? -1, r.maxPktRate ?? null, r.receivedOn ?? null, r.kind === "filter" ? r.setDelay ?? null : null,
  ]);
}

function isBarrier(r: Opt): boolean {
  const so = r.kind === "filter" ? r.stateOptions : undefined;
  return r.kind === "anchor" || r.label !== undefined || (r.kind === "filter" && r.probability !== undefined) || !!so?.max || so?.maxSrcNodes !== undefined ||
    so?.maxSrcStates !== undefined || so?.maxSrcConn !== undefined || so?.maxSrcConnRate !== undefined;
}

function inclusive(block: Opt[], r: Opt): boolean {
  // a rule with a BARRIER field (a label, …) is a superblock of its own: none joins it, it joins none
  if (block.length === 0 || isBarrier(r) || isBarrier(block[0]!)) return false;
  const first = block[0];
  if (ifname(first) !== ifname(r) && (isGroup(ifname(first)) || isGroup(ifname(r)))) return false;
  return breakKey(first) === breakKey(r);
}

// ---- redundant rules -------------------------------------------------------------------------

interface Cmp {
  ifname: string;
  ifnot: boolean;
  direction: string;
  af: string;
  proto: string;
  flags: string;
  src: PfHost | null;
  dst: PfHost | null;
  sport: PfPort | null;
  dport: PfPort | null;
  rest: string;
}

function cmpOf(r: Opt): Cmp {
  const flags = r.kind === "filter" && r.flags !== undefined && r.flags !== "any" ? r.flags : "";
  const rest = r.kind === "anchor" ? JSON.stringify(["anchor", r.name, r.tagged ?? null, onRdomain(r)]) : JSON.stringify([breakKey(r), onRdomain(r), r.tagged ?? null, r.label ?? "", r.stateOptions?.max ?? 0, r.returnIcmp ?? null, r.icmpTypes ?? null, r.stateOptions?.timeouts ?? null, r.receivedOn ?? null, r.os ?? null, r.prio ?? -1, r.tos ?? -1, r.maxPktRate ?? null, r.users ?? null, r.groups ?? null]);
  return {
    ifname: ifname(r),
    ifnot: r.on[0]?.not ?? false,
    direction: r.direction ?? "",
    af: r.af ?? "",
    proto: r.protos[0] ?? "",
    flags,
    src: r.from.hosts[0] ?? null,
    dst: r.to.hosts[0] ?? null,
    sport: r.from.ports[0] ?? null,
    dport: r.to.ports[0] ?? null,
    rest,
  };
}

function hostNot(h: PfHost | null): boolean {
  return h?.not ?? false;
}

/** exclude_supersets(): `sup` (a shorter mask, or `any`) holds `sub` — `sup`'s address equals `sub`'s under its mask (same family). */
function contains(sup: string, sub: string): boolean {
  const [ba, bl] = sub.split("/");
  // `any` (a negated one: `! any`) is the zero address with a zero mask of the rule's family
  const [sa, sl] = sup === "any" ? [ba.includes(":") ? "::" : "0.0.0.0", "0"] : sup.split("/");
  if (sub === "any") return false;
  const v6 = sa.includes(":");
  if (v6 !== ba.includes(":")) return false;
  const max = v6 ? 128 : 32;
  const supLen = sl === undefined ? max : Number(sl);
  const subLen = bl === undefined ? max : Number(bl);
  if (supLen >= subLen) return false;
  // the address's value (ip-num); one it cannot read (a scoped literal) is held by nothing
  const bits = (a: string): bigint | undefined => {
    try {
      return (v6 ? IPv6.fromString(a) : IPv4.fromString(a)).getValue();
    } catch {
      return undefined;
    }
  };
  // super->addr == (sub->addr & super->mask): the wider address's own host bits must be zero too
  const shift = BigInt(max - supLen);
  const mask = ((1n << BigInt(max)) - 1n) ^ ((1n << shift) - 1n);
  const a = bits(sa);
  const b = bits(ba);
  return a !== undefined && b !== undefined && a === (b & mask);
}

function excludeAddr(sup: PfHost | null, sub: PfHost | null, supAf: string, subAf: string): PfHost | null {
  if (sup === null) return sub === null || !hostNot(sub) ? null : sub;
  if (sup.kind === "address" && sub?.kind === "address" && hostNot(sup) === hostNot(sub) && supAf === subAf && contains(sup.address, sub.address)) {
    return sup;
  }
  return sub;
}

/** pfctl's exclude_supersets(): widen `sub` wherever `sup` is a wildcard. */
function excludeSupersets(sup: Cmp, sub: Cmp): Cmp {
  const out = { ...sub };
  if (sup.ifname === "") out.ifname = "";
  if (sup.direction === "") out.direction = "";
  if ((sup.proto === "" || sup.proto === sub.proto) && sup.flags === "" && sub.flags !== "") out.flags = "";
  if (sup.proto === "") out.proto = "";
  if (sup.sport === null) out.sport = null;
  if (sup.dport === null) out.dport = null;
  out.src = excludeAddr(sup.src, sub.src, sup.af, sub.af);
  out.dst = excludeAddr(sup.dst, sub.dst, sup.af, sub.af);
  if (sup.af === "") out.af = "";
  return out;
}

const CMP_FIELDS = ["ifname", "ifnot", "direction", "af", "proto", "flags", "src", "dst", "sport", "dport", "rest"] as const satisfies readonly (keyof Cmp)[];

/** JSON text of a host or port, computed once per object (excludeSupersets passes the objects on unchanged). */
const jsonOf = new WeakMap<object, string>();
function json(o: object): string {
  let t = jsonOf.get(o);
  if (t === undefined) jsonOf.set(o, (t = JSON.stringify(o)));
  return t;
}

/** `JSON.stringify(a) === JSON.stringify(b)`, field by field (both have every field of Cmp, in one order). */
function same(a: Cmp, b: Cmp): boolean {
  for (const k of CMP_FIELDS) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object" || json(x) !== json(y)) return false;
  }
  return true;
}

function removeIdentical(block: Opt[]): Opt[] {
  const rules = [...block];
  // every pair is compared: each rule's fields once (the rules themselves are not changed here)
  const cmps = new Map<Opt, Cmp>();
  const cmpOfRule = (r: Opt): Cmp => {
    let c = cmps.get(r);
    if (!c) cmps.set(r, (c = cmpOf(r)));
    return c;
  };
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = cmpOfRule(rules[i]);
      const b = cmpOfRule(rules[j]);
      if (same(a, excludeSupersets(a, b))) {
        rules.splice(j, 1);
        j--;
      } else if (same(excludeSupersets(b, a), b)) {
        rules.splice(i, 1);
        i--;
        break;
      }
    }
  }
  return rules;
}

// ---- skip-step reordering --------------------------------------------------------------------

const SKIP_COUNT = 9;

/**
 * skip_cmp_src_addr/skip_cmp_dst_addr: the same negation and kind, then the same address and mask (never the zero
 * address: `any`, `! any`), interface and modifier and mask, or table; no-route and urpf-failed always; a range or a
 * route label never (their switch has no case for PF_ADDR_RANGE or PF_ADDR_RTLABEL).
 */
function hostEq(a: PfHost | undefined, b: PfHost | undefined, afA: string | undefined, afB: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.kind === "range" || b.kind === "range" || a.kind === "route" || b.kind === "route") return false;
  if (a.kind === "address" && (a.address === "any" || /^[0.:]+(\/\d+)?$/.test(a.address))) return false;
  if (a.kind === "dynamic" && b.kind === "dynamic") {
    // the mask is the rule's: 128 bits unless written, cut to 32 in an inet rule (gen_dynnode)
    const mask = (h: typeof a, af: string | undefined) => Math.min(h.mask ?? 128, af === "inet" ? 32 : 128);
    return a.name === b.name && a.modifier === b.modifier && (a.not ?? false) === (b.not ?? false) && mask(a, afA) === mask(b, afB);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function portEq(a: PfPort | undefined, b: PfPort | undefined): boolean {
  return a !== undefined && b !== undefined && a.op === b.op && a.port === b.port && a.to === b.to;
}

/** pfctl's skip_cmp_*: true when `a` and `b` share skip step `i`. */
function shares(i: number, a: Opt, b: Opt): boolean {
  switch (i) {
    case 0:
      return ifname(a) !== "" && ifname(a) === ifname(b) && (a.on[0]?.not ?? false) === (b.on[0]?.not ?? false);
    case 1:
      return a.direction !== undefined && a.direction === b.direction;
    case 2:
      // skip_cmp_rdom: the same routing domain, negated alike
      return onRdomain(a) !== -1 && onRdomain(a) === onRdomain(b) && (a.on[0]?.not ?? false) === (b.on[0]?.not ?? false);
    case 3:
      return a.af !== undefined && a.af === b.af;
    case 4:
      return a.protos[0] !== undefined && a.protos[0] === b.protos[0];
    case 5:
      return hostEq(a.from.hosts[0], b.from.hosts[0], a.af, b.af);
    case 6:
      return hostEq(a.to.hosts[0], b.to.hosts[0], a.af, b.af);
    case 7:
      return portEq(a.from.ports[0], b.from.ports[0]);
    case 8:
      return portEq(a.to.ports[0], b.to.ports[0]);
    default:
      return false;
  }
}

interface SkipList {
  rules: Opt[];
  count: number;
}

/** pfctl's reorder_rules(): returns the block split into sub-blocks, in output order. */
function reorder(block: Opt[]): Opt[][] {
  const steps: SkipList[][] = [];
  for (let i = 0; i < SKIP_COUNT; i++) {
    const lists: SkipList[] = [];
    for (const r of block) {
      let idx = lists.findIndex((l) => shares(i, r, l.rules[0]));
      if (idx < 0) {
        lists.push({ rules: [], count: 0 });
        idx = lists.length - 1;
      }
      const l = lists[idx];
      l.count++;
      l.rules.push(r);
      while (idx > 0 && lists[idx - 1].count < l.count) {
        lists[idx] = lists[idx - 1];
        lists[idx - 1] = l;
        idx--;
      }
    }
    steps.push(lists);
  }
  let largest = 0;
  for (let i = 0; i < SKIP_COUNT; i++) {
    const first = steps[i][0];
    if (first.count === block.length || first.count === 1) first.count = 0;
    else if (first.count > largest) largest = first.count;
  }
  if (largest === 0) return [block];

  const before: Opt[][] = [];
  const mine: Opt[] = [];
  const head = [...block];
  while (head.length > 0) {
    largest = 1;
    let largestList = -1;
    for (let i = 0; i < SKIP_COUNT; i++) {
      const first = steps[i][0];
      if (first && first.count > largest) {
        largest = first.count;
        largestList = i;
      }
    }
    if (largestList < 0) {
      mine.push(...head.splice(0));
      break;
    }
    const chosen = steps[largestList].shift() as SkipList;
    const target: Opt[] = chosen.count > 2 ? [] : mine;
    for (const r of chosen.rules) {
      const at = head.indexOf(r);
      if (at >= 0) head.splice(at, 1);
      target.push(r);
      removeFromSkipsteps(steps, r, chosen);
    }
    if (target !== mine) before.push(...reorder(target));
  }
  return [...before, mine];
}

function removeFromSkipsteps(steps: SkipList[][], r: Opt, active: SkipList): void {
  for (let i = 0; i < SKIP_COUNT; i++) {
    const lists = steps[i];
    const first = lists[0];
    if (first === undefined || first === active || first.count <= 1) continue;
    for (let k = 0; k < lists.length; k++) {
      const at = lists[k].rules.indexOf(r);
      if (at < 0) continue;
      const sk = lists[k];
      sk.rules.splice(at, 1);
      sk.count--;
      let idx = k;
      while (idx + 1 < lists.length && lists[idx + 1].count > sk.count) {
        lists[idx] = lists[idx + 1];
        lists[idx + 1] = sk;
        idx++;
      }
      break;
    }
  }
}

/**
 * Applies pfctl's basic optimizer to canonical rules (file order in, load order out). With `made`, rules that differ
 * in one address are merged into tables as pfctl does (./optimize-combine.ts), their `table` lines added to `made`.
 */
export function optimizeRules(rules: readonly PfRule[], made?: MadeTables): PfRule[] {
  const blocks: Opt[][] = [];
  for (const r of rules) {
    const last = blocks[blocks.length - 1];
    if (last && inclusive(last, r)) last.push(r);
    else blocks.push([r]);
  }
  const out: PfRule[] = [];
  for (const b of blocks) {
    if (b.length === 1) {
      out.push(b[0]);
      continue;
    }
    const kept = removeIdentical(b);
    for (const sub of reorder(made ? combineRules(kept, made) : kept)) out.push(...sub);
  }
  return out;
}
