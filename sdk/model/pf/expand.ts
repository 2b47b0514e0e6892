/**
 * From statements (as written, with lists) to canonical rules (as pfctl loads them with `-o none`):
 * pfctl's expand_rule(). Lists are expanded in pfctl's nesting order (interface, protocol, source
 * address, source port, destination address, destination port); interface names become their
 * addresses; combinations whose address families disagree are dropped; the address family, the
 * block policy, the default `flags S/SA` and the state policy are filled in.
 */
import { modifierMode } from "./if-modifier";
import { addressFamily } from "./address";
import { expandLabel, labelsFit, LABEL_TOO_LONG } from "./expand-label";
import { isExpandWarning, ruleConsistent } from "./consistent";
import { type AfToPools } from "./expand-afto";
import { binatErrors, binatTarget, collapseCombination, retarget, type PoolTarget } from "./expand-pools";
import { decideAf, FAILED_TO_ADD_HOST, resolveHosts, type HostAf } from "./expand-hosts";
import { combinations, type ExpandLists } from "./expand-combinations";
import type {
  PfAddressFamily,
  PfAnchorCall,
  PfBlockPolicy,
  PfFilterRule,
  PfHost,
  PfIcmpType,
  PfIfSpec,
  PfInterface,
  PfOption,
  PfPort,
  PfRule,
  PfRuleset,
  PfStateOptions,
  PfUgid,
} from "./types";
import { isRdomain } from "./types";

/** Settings of the main ruleset that change how rules load. */
export interface ExpandContext {
  /** The host's interfaces; without them interface names stay names. */
  interfaces?: readonly PfInterface[];
  /**
   * `interfaces` are only those known (a gateway's declared ones), not the host's whole table: a name that is
   * neither one of them nor a group they list (an undeclared interface, a cloner group such as `carp`, `self`)
   * and a `:peer` address stay names, unchecked, as without interfaces.
   */
  partial?: boolean;
  /** `set block-policy`; default `drop`. */
  blockPolicy?: "drop" | "return";
  /** `set state-defaults`: the state options of pass rules that keep state by default; default none. */
  stateDefaults?: PfStateOptions;
  /** `set state-policy`; default `floating`. */
  statePolicy?: "if-bound" | "floating";
  /**
   * `set reassemble yes|no` as read so far (default yes): while on, a `divert-packet` rule reassembles tcp too
   * (parse.y marks it `scrub (reassemble tcp)`).
   */
  reassemble?: boolean;
  /**
   * Makes the `<__automatic_N>` table of a pool's addresses and returns its name (the parser numbers and prints
   * it, as collapse_redirspec does for each combination of a rule whose pool keeps several addresses). Without
   * it a listed pool keeps the table name its statement gave it. `unmade`: the table is begun and fails (a table
   * or `(if)` in the list): its number is taken, nothing is printed.
   */
  autoTable?: (addresses: PfHost[], unmade?: "unmade") => string;
}

/** pfctl's complaints of {@link ExpandResult} it prints as a bare line (fprintf, not yyerror): no `file:line:`, not counted. */
export function isBareExpandLine(e: string): boolean {
  return /^netmask \d+ invalid for IPv4 address$/.test(e) || e === FAILED_TO_ADD_HOST;
}

/** What a bare line means, for the diagnostic of the rule it makes pfctl skip. */
export function bareLineReason(e: string): string {
  if (e === FAILED_TO_ADD_HOST) return "failed to add host: an IPv4 address with more than 32 bits of mask cannot go into the table a pool of several addresses becomes; give /32 at most";
  return `${e}: an IPv4 address takes a mask of /32 at most`;
}

/** pfctl's warn() when a pool list's table cannot take an entry (a table or `(if)` listed after an address). */
export { FAILED_TO_ADD_HOST };

/** Outcome of expanding one statement: its rules and pfctl's complaints (without file:line). */
export interface ExpandResult {
  rules: PfRule[];
  errors: string[];
  /** pfctl stopped with errx() in the middle of the statement ({@link LABEL_TOO_LONG}): `rules` are those added before. */
  fatal?: string;
}

function orAny<T>(xs: readonly T[]): (T | undefined)[] {
  return xs.length === 0 ? [undefined] : [...xs];
}

function cleanStateOptions(o: PfStateOptions | undefined, ifBoundDefault: boolean): PfStateOptions | undefined {
  const out: PfStateOptions = {};
  if (o?.max !== undefined) out.max = o.max;
  if (o?.noSync) out.noSync = true;
  if (o?.ifBound || (ifBoundDefault && !o?.floating)) out.ifBound = true;
  if (o?.sloppy) out.sloppy = true;
  if (o?.pflow) out.pflow = true;
  // parse.y: max-src-conn, -conn-rate and -nodes turn on per-rule source tracking, max-src-states tracking
  if (o?.maxSrcStates !== undefined) out.maxSrcStates = o.maxSrcStates;
  if (o?.maxSrcConn !== undefined) out.maxSrcConn = o.maxSrcConn;
  if (o?.maxSrcConnRate) out.maxSrcConnRate = o.maxSrcConnRate;
  if (o?.maxSrcNodes !== undefined) out.maxSrcNodes = o.maxSrcNodes;
  if (o?.overload) out.overload = o.overload;
  const ruleTrack = o?.sourceTrack === "rule" || o?.maxSrcConn !== undefined || o?.maxSrcConnRate !== undefined || o?.maxSrcNodes !== undefined;
  if (ruleTrack) out.sourceTrack = "rule";
  else if (o?.sourceTrack !== undefined || o?.maxSrcStates !== undefined) out.sourceTrack = "global";
  const timeouts = [...(o?.timeouts ?? [])];
  if (out.sourceTrack && o?.maxSrcConnRate) {
    const i = timeouts.findIndex((t) => t.name === "src.track");
    if (i < 0) timeouts.push({ name: "src.track", seconds: o.maxSrcConnRate.seconds });
    else if (timeouts[i]!.seconds < o.maxSrcConnRate.seconds) timeouts[i] = { name: "src.track", seconds: o.maxSrcConnRate.seconds };
  }
  if (timeouts.length > 0) out.timeouts = timeouts;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Expands one rule statement into canonical rules. `refusals` are apply_redirspec's errors the parser found in the
 * rule's pools (the same for every combination: pfctl prints them for each one, and adds none of them).
 */
export function expandStatement(written: PfRule, ctx: ExpandContext = {}, refusals: readonly string[] = []): ExpandResult {
  const rule = withStateDefaults(written, ctx);
  const errors: string[] = [];
  const srcs = resolveHosts(rule.from.hosts, ctx, errors);
  const dsts = resolveHosts(rule.to.hosts, ctx, errors);
  if (errors.length > 0) return { rules: [], errors };
  if (rule.kind === "filter" && rule.route?.host.kind === "dynamic" && modifierMode(rule.route.host.modifier) !== "peer") {
    // parse.y: a route-to pool on an interface needs its :peer address
    return { rules: [], errors: ["route spec requires :peer with dynamic interface addresses", `interface (${rule.route.host.name}) is not supported by pool type`, "skipping rule due to errors", "rule expands to no valid combination"] };
  }
  // collapse_redirspec: an af-to rule without family gets the other one than its target's
  const afToAf = rule.kind === "filter" ? rule.afTo?.af : undefined;
  // the statement's family as expand_rule gets it: written, or decide_address_family() of the lists, else a divert-to
  // address's (expand_divertspec(), before expand_rule)
  const divertAf = rule.kind === "filter" && rule.divertTo ? addressFamily(rule.divertTo.address) : undefined;
  const listAf = decideAf(dsts, decideAf(srcs, rule.af)) ?? divertAf;
  const stmtAf = listAf ?? (afToAf === undefined ? undefined : afToAf === "inet" ? "inet6" : "inet");
  const out: PfRule[] = [];
  // expand_rule's `added`: the rules of the statement itself (binat-to's inbound twins are another expand_rule's)
  let added = 0;
  // pfctl's `error` of expand_rule: once a pool failed, no later combination is added
  let poolError = false;
  const icmps = rule.icmpTypes?.length ? rule.icmpTypes : [undefined];
  const uids = rule.users?.length ? rule.users : [undefined];
  const gids = rule.groups?.length ? rule.groups : [undefined];
  const lists: ExpandLists = {
    ons: orAny<PfIfSpec>(rule.on), protos: orAny<string>(rule.protos), icmps, srcs, dsts,
    sports: orAny<PfPort>(rule.from.ports), dports: orAny<PfPort>(rule.to.ports), uids, gids,
  };
  for (const at of combinations(lists)) {
    const { on: itf, proto, icmp, src, dst, sport, dport, uid, gid } = at.pick;
    // collapse_redirspec runs first for every combination, with the statement's family: a pool may
    // give the rule its family (then combinations of the other family are skipped); its errors stay
    const collapsed = collapseCombination(rule, ctx, stmtAf, listAf, errors);
    let af = collapsed.af;
    const { pool, afPools, binatEmpty } = collapsed;
    if (collapsed.failed) poolError = true;
    if ((af && src.af && af !== src.af) || (af && dst.af && af !== dst.af) ||
      (src.af && dst.af && src.af !== dst.af)) continue;
    if (!af && src.af) af = src.af;
    else if (!af && dst.af) af = dst.af;
    // a scoped address binds the rule to its interface; another `on IF` excludes the combination
    const scope = src.scope ?? dst.scope;
    let on = itf;
    if (src.scope !== undefined && dst.scope !== undefined && src.scope !== dst.scope) continue;
    if (scope !== undefined) {
      if (itf && !isRdomain(itf) && itf.name !== scope) continue;
      // the rule's own interface stays, negated too (`on ! lo0`: r->ifnot); without one, the address's, and `on rdomain
      // N` names no interface: the rule gets the scope's beside its routing domain (`on lo0 on rdomain 1`)
      on = itf === undefined ? { name: scope } : isRdomain(itf) ? { ...itf, interface: scope } : itf;
    }
    // expand_label() of the label and tag names, before the combination's checks: pfctl stops when one outgrows its buffer
    if (!labelsFit(rule, on, proto, src.host, sport, dst.host, dport, af)) return { rules: out, errors, fatal: LABEL_TOO_LONG };
    // the family expand_rule's binat-to mask check sees: the statement's (`af = r->af` as expand_rule starts: the family
    // written, or decide_address_family() of the lists), not the combination's
    const checkAf = stmtAf;
    // pfctl takes the address family of a binat-to/divert-to address when the rule has none (nat-to,
    // rdr-to and route-to pools: collapse_redirspec in familyErrors)
    if (!af && rule.kind === "filter" && !rule.natTo && !rule.rdrTo) {
      const t = rule.binatTo ?? (rule.divertTo ? { kind: "address" as const, address: rule.divertTo.address } : undefined);
      if (t?.kind === "address") af = addressFamily(t.address);
    }
    // check_netmask(src), check_netmask(dst): a bare line each, then the rule is skipped (expand_rule's `error`); a
    // binat-to address's mask is checked as the inbound twin's destination (binatInbound)
    if (af === "inet")
      for (const m of [src.badMask, dst.badMask])
        if (m !== undefined) {
          errors.push(`netmask ${m} invalid for IPv4 address`);
          poolError = true;
        }
    // expand_rule's binat-to checks, for each combination (a binat-to rule stands for both directions)
    let binatChecks: string[] = [];
    if (rule.kind === "filter" && rule.binatTo) {
      const rest = src.host?.kind === "dynamic" ? [src.host] : at.tails().srcs.map((h) => h.host);
      binatChecks = binatErrors(rule, src.host, rest, checkAf !== undefined, binatEmpty, binatTarget(rule, pool));
      if (binatChecks.length > 0) poolError = true;
    }
    const one = expandCombination(rule, ctx, { on, proto, src, sport, dst, dport, af, icmp, uid, gid, poolError, binat: binatChecks, refusals, pool, afPools, tails: at.tails }, errors);
    for (const r of one.rules) out.push(r);
    added += one.added;
    if (one.error) poolError = true;
  }
  if (added === 0) errors.push("rule expands to no valid combination");
  return { rules: out, errors };
}

/** A pass rule that keeps state by default (no state written) takes `set state-defaults`' options (pfrule's action). */
function withStateDefaults(rule: PfRule, ctx: ExpandContext): PfRule {
  if (!ctx.stateDefaults || rule.kind !== "filter" || rule.action !== "pass" || rule.state !== undefined || rule.stateOptions !== undefined) return rule;
  return { ...rule, stateOptions: ctx.stateDefaults };
}

/** One combination of {@link expandStatement}'s loops (an interface, protocol, hosts, ports, family, icmp type, user and group). */
interface Combination {
  on: PfIfSpec | undefined;
  proto: string | undefined;
  src: HostAf;
  sport: PfPort | undefined;
  dst: HostAf;
  dport: PfPort | undefined;
  af: PfAddressFamily | undefined;
  icmp: PfIcmpType | undefined;
  uid: PfUgid | undefined;
  gid: PfUgid | undefined;
  /** A pool of the rule failed (expand_rule's `error`): no combination is added any more. */
  poolError: boolean;
  /** expand_rule's binat-to checks of this combination (binatErrors). */
  binat: readonly string[];
  /** apply_redirspec's errors (see {@link expandStatement}). */
  refusals: readonly string[];
  /** The listed pool as this combination collapsed it (see {@link collapsePools}). */
  pool: PoolTarget | undefined;
  /** An af-to rule's listed pools as this combination collapsed them (expand-afto.ts). */
  afPools: AfToPools | undefined;
  /** The lists from this combination's items on (binat-to's inbound rules, see {@link ExpandPick}). */
  tails: () => ExpandLists;
}

/**
 * The rules one combination yields, pfctl's errors for it pushed onto `errors` in its order.
 */
function expandCombination(rule: PfRule, ctx: ExpandContext, c: Combination, errors: string[]): { rules: PfRule[]; added: number; error?: true } {
  const { on, proto, src, sport, dst, dport, af, icmp, uid, gid, poolError } = c;
  const none = { rules: [], added: 0 };
  // rule_consistent() refused the rule itself: expand_rule's `error` stays 0, so binat-to's inbound twin is still made
  let refused = false;
  {
    // expand_rule (an anchor rule's too), in its order (after collapse_redirspec, in expandStatement): `icmp-type mismatch`, the binat-to
    // checks, apply_redirspec's refusals, then rule_consistent(); one `skipping` line closes the combination's complaints
    const pre: string[] = [];
    if (icmp && proto !== (icmp.v6 ? "ipv6-icmp" : "icmp")) pre.push("icmp-type mismatch");
    pre.push(...c.binat, ...c.refusals);
    // without the host's interfaces, `self` stands for addresses of both families: every OpenBSD
    // host has 127.0.0.1 and ::1 on lo0
    const isSelf = (h: PfHost | undefined) => h?.kind === "interface" && h.name === "self";
    const afs = af === undefined && (!ctx.interfaces || ctx.partial) && (isSelf(src.host) || isSelf(dst.host)) ? (["inet", "inet6"] as const) : [af];
    // binat-to makes the rule outbound before rule_consistent() (its inbound twin is checked as it is expanded)
    const checked = rule.kind === "filter" && rule.binatTo ? { ...rule, direction: "out" as const } : rule;
    const byAf = afs.map((a) => ruleConsistent(checked, { proto, af: a, sport, dport, icmp, uid, gid }));
    const lines = [...new Set(byAf.flat())];
    const problems = (xs: readonly string[]) => xs.some((x) => !isExpandWarning(x));
    if (pre.length > 0 || problems(lines) || poolError) errors.push(...pre, ...lines, "skipping rule due to errors");
    else errors.push(...lines);
    // the `self` combinations of the family without errors are still rules; `icmp-type mismatch` and the refusals
    // count in expand_rule's `error`, which skips every later combination too
    if (pre.length > 0) return { ...none, error: true };
    if (poolError) return none;
    refused = byAf.every(problems);
    if (refused && !(rule.kind === "filter" && rule.binatTo)) return none;
  }
  const built = buildRule(rule, ctx, on, proto, src.host, sport, dst.host, dport, af);
  if (c.pool && built.kind === "filter") retarget(built, c.pool);
  if (c.afPools && built.kind === "filter" && built.afTo) {
    const { from, to } = c.afPools;
    built.afTo = { ...built.afTo, ...(from ? { from } : {}), ...(to && built.afTo.to ? { to: { ...built.afTo.to, host: to } } : {}) };
  }
  if (icmp) built.icmpTypes = [icmp];
  if (uid) built.users = [uid];
  if (gid) built.groups = [gid];
  if (built.kind === "filter" && rule.kind === "filter" && rule.binatTo) {
    // parse.y binat-to: `out … nat-to B static-port` and the reverse `in … from any to B rdr-to SRC`
    const b = binatTarget(rule, c.pool);
    const rdr = poolOfSource(src.host);
    const inbound = binatInbound(rule, ctx, c, b, rdr, built, errors);
    return refused ? { rules: inbound, added: 0 } : { rules: [{ ...built, direction: "out", natTo: b, staticPort: true }, ...inbound], added: 1 };
  }
  return { rules: [built], added: 1 };
}

/**
 * parse.y's inbound rules of a binat-to combination: the rule, `in`, expanded again from the combination's list
 * nodes on (expand-combinations.ts), destinations and their ports as sources, the binat-to address and the source
 * ports as destination, redirected to the source (`rdr`): `port { 22, 80 }` gives the inbound rules of 22 and 80
 * after the first outbound rule, of 80 after the second (a dynamic destination alone: gen_dynnode() copies its node
 * without the list's rest). A source of another family is skipped, as in expand_rule.
 */
function binatInbound(rule: PfFilterRule, ctx: ExpandContext, c: Combination, b: PfHost, rdr: PfHost, outbound: PfRule, errors: string[]): PfRule[] {
  const t = c.tails();
  // the copy is of the outbound rule as this combination made it: a protocol other than tcp cleared its flags, so
  // its tcp twins have none (`flags any`), and its modulate or synproxy state became keep state
  const downgraded = rule.state === "modulate" || rule.state === "synproxy" ? { state: "keep" as const } : {};
  const twin: PfFilterRule = c.proto !== undefined && c.proto !== "tcp" ? { ...rule, flags: "any", ...downgraded } : rule;
  const inbound = { ...twin, direction: "in" as const };
  const out: PfRule[] = [];
  const to: HostAf = { host: b, af: b.kind === "address" ? addressFamily(b.address) : undefined };
  // a dynamic destination (`(em1)`) is a copy of its node made for the combination (gen_dynnode(): `next` cleared), so
  // its inbound rules have it alone as source, not the list's later nodes
  const srcs = t.dsts[0]?.host?.kind === "dynamic" ? t.dsts.slice(0, 1) : t.dsts;
  for (const x of combinations({ ...t, srcs, dsts: [to], sports: t.dports, dports: t.sports })) {
    const p = x.pick;
    if (c.af && p.src.af && p.src.af !== c.af) continue;
    // expand_rule again, on a copy of the rule: check_netmask() of its destination, the binat-to address (more than
    // 32 bits of mask on IPv4), then rule_consistent() with the twin's protocol, ports and direction
    const wide = c.af === "inet" && b.kind === "address" ? /\/(\d+)$/.exec(b.address) : null;
    const netmask = wide && Number(wide[1]) > 32 ? [`netmask ${wide[1]} invalid for IPv4 address`] : [];
    const lines = ruleConsistent(inbound, { proto: p.proto, af: c.af, sport: p.sport, dport: p.dport, icmp: p.icmp, uid: p.uid, gid: p.gid });
    if (netmask.length > 0 || lines.some((x) => !isExpandWarning(x))) {
      errors.push(...netmask, ...lines, "skipping rule due to errors");
      continue;
    }
    errors.push(...lines);
    const r = buildRule(twin, ctx, p.on, p.proto, p.src.host, p.sport, b, p.dport, c.af);
    if (r.kind !== "filter" || outbound.kind !== "filter") continue;
    r.direction = "in";
    // the copy's label and tag names were expanded for the outbound rule already: no `$` is left in them
    if (outbound.label !== undefined) r.label = outbound.label;
    if (outbound.tag !== undefined) r.tag = outbound.tag;
    if (outbound.tagged !== undefined) r.tagged = outbound.tagged;
    r.rdrTo = { host: rdr };
    if (p.icmp) r.icmpTypes = [p.icmp];
    if (p.uid) r.users = [p.uid];
    if (p.gid) r.groups = [p.gid];
    out.push(r);
  }
  if (out.length === 0) errors.push("rule expands to no valid combination");
  return out;
}

/**
 * binat-to's inbound pool: the outbound rule's source as a pool address, which has no negation (`from ! A` gives
 * `rdr-to A`, `from ! (em0:0)/24` gives `rdr-to (em0:0)/24`); a zero mask (`from any`, `0.0.0.0/0`) prints `rdr-to any`.
 */
function poolOfSource(h: PfHost | undefined): PfHost {
  const z = zeroMaskAsAny(h);
  if (z === undefined || (z.kind === "address" && z.address === "any")) return ANY;
  if (!("not" in z) || !z.not) return z;
  const { not: _, ...rest } = z;
  return rest as PfHost;
}

/** An address of mask zero as expand_rule holds it: `any` (no host), `0.0.0.0/0`, `10.0.0.0/0`, an interface `/0`. */

/** How pfctl prints an address of mask 0 in a loaded rule (print_addr: `any`; the rule keeps its family). */
const ANY: PfHost = { kind: "address", address: "any" };

/**
 * A host as the loaded rule holds it: an address with a zero mask (`0.0.0.0/0`, `::/0`, `10/0`) is pfctl's `any`,
 * printed so (`from any`, `! any`, `nat-to any`), and a rule from and to it is `all`.
 */
function zeroMaskAsAny(h: PfHost | undefined): PfHost | undefined {
  if (h?.kind !== "address" || !h.address.endsWith("/0")) return h;
  return h.not ? { ...ANY, not: true } : undefined;
}

/** print_addr: a dynamic address's mask is printed unless it is the whole address of the rule's family (`(em1)/64` in an inet rule is `(em1)`). */
function dynamicMaskFor(h: PfHost | undefined, af: PfAddressFamily | undefined): PfHost | undefined {
  if (h?.kind !== "dynamic" || h.mask === undefined || af === undefined || h.mask < (af === "inet" ? 32 : 128)) return h;
  const { mask: _, ...rest } = h;
  return rest;
}

function buildRule(
  rule: PfRule,
  ctx: ExpandContext,
  itf: PfIfSpec | undefined,
  proto: string | undefined,
  src: PfHost | undefined,
  sport: PfPort | undefined,
  dst: PfHost | undefined,
  dport: PfPort | undefined,
  af: PfAddressFamily | undefined,
): PfRule {
  // Built field by field (no object spreads): this runs once per loaded rule.
  const r: Record<string, unknown> = rule.kind === "anchor" ? { kind: "anchor", name: rule.name } : { kind: "filter", action: rule.action };
  if (rule.kind === "anchor" && rule.loadedAs !== undefined) r.loadedAs = rule.loadedAs;
  let blockPolicy: PfBlockPolicy | undefined;
  if (rule.kind === "filter" && rule.action === "block") blockPolicy = rule.blockPolicy ?? ctx.blockPolicy ?? "drop";
  if (blockPolicy) r.blockPolicy = blockPolicy;
  if (rule.direction) r.direction = rule.direction;
  if (rule.kind === "filter" && rule.log) r.log = true;
  if (rule.kind === "filter" && rule.logOptions) r.logOptions = rule.logOptions;
  if (blockPolicy === "return-icmp" && rule.kind === "filter") r.returnIcmp = rule.returnIcmp ?? { icmp: (3 << 8) | 3, icmp6: (1 << 8) | 4 };
  if (blockPolicy === "return-rst" && rule.kind === "filter" && rule.returnTtl) r.returnTtl = rule.returnTtl;
  if (rule.quick) r.quick = true;
  if (!itf) r.on = [];
  else if (isRdomain(itf)) r.on = [{ rdomain: itf.rdomain, ...(itf.not ? { not: true } : {}), ...(itf.interface !== undefined ? { interface: itf.interface } : {}) }];
  else r.on = [itf.not ? { name: itf.name, not: true } : { name: itf.name }];
  if (af) r.af = af;
  r.protos = proto ? [proto] : [];
  const s = dynamicMaskFor(zeroMaskAsAny(src), af);
  const d = dynamicMaskFor(zeroMaskAsAny(dst), af);
  r.from = { hosts: s ? [s] : [], ports: sport ? [sport] : [] };
  r.to = { hosts: d ? [d] : [], ports: dport ? [dport] : [] };
  const tcpish = proto === undefined || proto === "tcp";
  if (rule.kind === "anchor") {
    // an anchor rule keeps no state: its flags are the written ones, no default
    if (tcpish && rule.flags !== undefined && rule.flags !== "any") r.flags = rule.flags;
  } else {
    let state = rule.state;
    if ((state === "modulate" || state === "synproxy") && !tcpish) state = "keep";
    const keeps = state === undefined ? rule.action === "pass" : state !== "no";
    let flags: string | undefined;
    if (tcpish) {
      if (rule.flags !== undefined && rule.flags !== "any") flags = rule.flags;
      else if (rule.flags === undefined && rule.action === "pass" && keeps && !rule.fragment) flags = "S/SA";
      else if (rule.action !== "block" && keeps && !rule.fragment) flags = "any";
    }
    if (flags) r.flags = flags;
    if (state === "no") {
      if (rule.action === "pass") r.state = "no";
    } else if (state === "keep") {
      if (rule.action !== "pass") r.state = "keep";
    } else if (state) r.state = state;
    const stateOptions = keeps ? cleanStateOptions(rule.stateOptions, ctx.statePolicy === "if-bound") : undefined;
    if (stateOptions) r.stateOptions = stateOptions;
  }
  if (rule.fragment) r.fragment = true;
  if (rule.kind === "filter" && rule.divertPacket && ctx.reassemble !== false) r.scrub = { ...rule.scrub, reassembleTcp: true };
  else if (rule.scrub) r.scrub = rule.scrub;
  if (rule.allowOpts) r.allowOpts = true;
  if (rule.kind === "filter" && rule.once) r.once = true;
  Object.assign(r, expandedNames(rule, (name) => expandLabel(name, itf, proto, src, sport, dst, dport, af) ?? name));
  if (rule.receivedOn) r.receivedOn = rule.receivedOn;
  if (rule.os !== undefined) r.os = rule.os;
  if (rule.tos !== undefined) r.tos = rule.tos;
  if (rule.prio !== undefined) r.prio = rule.prio;
  if (rule.setPrio) r.setPrio = rule.setPrio;
  if (rule.queue) r.queue = rule.queue;
  if (rule.setTos !== undefined) r.setTos = rule.setTos;
  if (rule.setDelay !== undefined) r.setDelay = rule.setDelay;
  if (rule.maxPktRate) r.maxPktRate = rule.maxPktRate;
  if (rule.probability !== undefined) r.probability = rule.probability;
  if (rule.rtable !== undefined) r.rtable = rule.rtable;
  if (rule.kind === "filter") {
    if (rule.natTo) r.natTo = dynamicMaskFor(zeroMaskAsAny(rule.natTo), af) ?? ANY;
    if ((rule.natTo || rule.afTo) && rule.natPort && !(rule.natPort.port === 50001 && rule.natPort.to === 65535)) r.natPort = rule.natPort;
    if ((rule.natTo || rule.afTo) && rule.staticPort) r.staticPort = true;
    if (rule.pool) r.pool = rule.pool;
    if (rule.route) r.route = rule.route;
    if (rule.divertTo) r.divertTo = rule.divertTo;
    if (rule.divertReply) r.divertReply = true;
    if (rule.divertPacket) r.divertPacket = rule.divertPacket;
    if (rule.rdrTo) r.rdrTo = { ...rule.rdrTo, ...rdrPortFor(rule.rdrTo, dport), host: dynamicMaskFor(zeroMaskAsAny(rule.rdrTo.host), af) ?? ANY };
    // print_pool's print_addr: a zero mask is `any`
    const anyZero = (h: PfHost) => zeroMaskAsAny(h) ?? ANY;
    if (rule.afTo) {
      const t = rule.afTo.to;
      r.afTo = { ...rule.afTo, from: anyZero(rule.afTo.from), ...(t ? { to: { ...t, host: anyZero(t.host), ...rdrPortFor(t, dport) } } : {}) };
    }
  }
  return r as unknown as PfRule;
}

/**
 * The rule's label and tag names after expand_label() (`expand`) of one combination. A label that expands to
 * nothing (`"$srcport"` of a port range) is no label: pfctl prints none.
 */
function expandedNames(rule: PfRule, expand: (name: string) => string): Pick<PfFilterRule, "label" | "tag" | "tagged"> {
  const out: Pick<PfFilterRule, "label" | "tag" | "tagged"> = {};
  const label = rule.label === undefined ? "" : expand(rule.label);
  if (label !== "") out.label = label;
  if (rule.tag !== undefined) out.tag = expand(rule.tag);
  if (rule.tagged) out.tagged = rule.tagged.not ? { name: expand(rule.tagged.name), not: true } : { name: expand(rule.tagged.name) };
  return out;
}

/**
 * An rdr pool's port range for one destination port item, as apply_redirspec computes it: `N:*` ends at
 * N + (second - first) of that item (0 for a single port or none), modulo 65536, so `port 80 … port 8000:*` is
 * 8000:7920 as pfctl prints it.
 */
function rdrPortFor(p: { port?: number; portTo?: number | "*" }, dport: PfPort | undefined): { portTo?: number } {
  if (p.portTo !== "*") return {};
  return { portTo: ((((p.port ?? 0) + (dport?.to ?? 0) - (dport?.port ?? 0)) % 65536) + 65536) % 65536 };
}

/** Ruleset-wide settings from the `set` options. */
export function contextOf(options: readonly PfOption[], interfaces?: readonly PfInterface[]): ExpandContext {
  const ctx: ExpandContext = interfaces ? { interfaces } : {};
  for (const o of options) {
    if (o.kind === "block-policy") ctx.blockPolicy = o.policy;
    else if (o.kind === "state-policy") ctx.statePolicy = o.policy;
    else if (o.kind === "state-defaults") ctx.stateDefaults = o.options;
    else if (o.kind === "reassemble") ctx.reassemble = o.on;
  }
  return ctx;
}

/**
 * The rules of a ruleset one per line as pfctl loads them with `-o none` (file order): lists
 * expanded, interface names replaced by the addresses in `interfaces`, defaults filled in.
 * `load anchor` statements load no rule and are skipped. Throws nothing: statements that expand to
 * nothing (e.g. an unknown interface) contribute no rule; {@link lintPf} reports them.
 */
export function expandRules(ruleset: PfRuleset, interfaces?: readonly PfInterface[]): PfRule[] {
  const ctx = contextOf(ruleset.options, interfaces);
  const out: PfRule[] = [];
  for (const s of ruleset.rules) {
    if (s.kind === "load-anchor") continue;
    // one by one: a statement may expand to more rules than a call takes arguments
    for (const r of expandStatement(s, ctx).rules) out.push(r);
  }
  return out;
}
