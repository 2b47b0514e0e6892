/**
 * Rendering pf rules in the canonical form pfctl prints (pfctl_parser.c print_rule()), and whole
 * rulesets as pf.conf text.
 */
import { dynifMultiAddr } from "./if-modifier";
import { expandStatement } from "./expand";
import { PF_KEYWORDS, protocolNumber } from "./names";
import { formatQueueStatement } from "./queues";
import { isAnonymousAnchor, validatePfStatement, validatePfTable } from "./validate";
import { icmpCodeName, icmpTypeName, PF_TIMEOUT_NAMES, RETURN_ICMP6_DEFAULT, RETURN_ICMP_DEFAULT } from "./icmp";
import type {
  PfEndpoint,
  PfFilterRule,
  PfIcmpType,
  PfLogOptions,
  PfScrub,
  PfUgid,
  PfHost,
  PfIfSpec,
  PfOption,
  PfPort,
  PfRule,
  PfRuleset,
  PfStatement,
  PfStateOptions,
  PfTable,
} from "./types";
import { isRdomain } from "./types";

/** `! ` prefix of a negated item. */
function neg(not: boolean | undefined): string {
  return not ? "! " : "";
}

/** One address as pfctl prints it: `10.0.0.0/24`, `(em1)`, `<peers>`, `route "LABEL"`, `no-route`, or an interface name. */
export function renderHost(h: PfHost): string {
  switch (h.kind) {
    case "address":
      // a from/to literal's scope goes between the address and its prefix length (`fe80::%em0/64`)
      return neg(h.not) + (h.scope === undefined ? h.address : h.address.replace(/(\/\d+)?$/, (len) => `%${h.scope}${len}`));
    case "range":
      return `${neg(h.not)}${h.from} - ${h.to}`;
    case "interface":
      return neg(h.not) + h.name + (h.modifier ? `:${h.modifier}` : "") + (h.mask !== undefined ? `/${h.mask}` : "");
    case "dynamic":
      return `${neg(h.not)}(${h.name}${h.modifier ? `:${h.modifier}` : ""})${h.mask !== undefined ? `/${h.mask}` : ""}`;
    case "table":
      return `${neg(h.not)}<${h.name}>`;
    case "route":
      return `${neg(h.not)}route "${h.label}"`;
    case "no-route":
      return neg(h.not) + "no-route";
    case "urpf-failed":
      return neg(h.not) + "urpf-failed";
  }
}

/**
 * apply_redirspec: a pool without a type on a table or on an interface that may have several addresses
 * (DYNIF_MULTIADDR: not `(IF:0)` of an interface whose name ends in a digit) is round-robin.
 */
export function autoRoundRobin(h: PfHost): boolean {
  return h.kind === "table" || dynifMultiAddr(h);
}

/** One port item after `port`: `= 500`, `!= 22`, `500:501`, `8000 >< 8100`. */
export function renderPort(p: PfPort): string {
  switch (p.op) {
    case ":":
    case "><":
    case "<>":
      return p.op === ":" ? `${p.port}:${p.to}` : `${p.port} ${p.op} ${p.to}`;
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return `${p.op} ${p.port}`;
  }
}

function list<T>(xs: readonly T[], f: (x: T) => string): string {
  return xs.length === 1 ? f(xs[0]) : `{ ${xs.map(f).join(" ")} }`;
}

function renderIf(i: PfIfSpec): string {
  // print_rule(): the rule's interface, then its routing domain, each with the rule's `!`
  if (isRdomain(i)) return `${i.interface !== undefined ? `${neg(i.not)}${i.interface} on ` : ""}${neg(i.not)}rdomain ${i.rdomain}`;
  return neg(i.not) + i.name;
}

function renderEndpoint(e: PfEndpoint): string {
  let s = e.hosts.length === 0 ? "any" : list(e.hosts, renderHost);
  if (e.ports.length > 0) {
    s += " port " + (e.ports.length === 1 ? renderPort(e.ports[0]) : `{ ${e.ports.map((p) => (p.op === "=" ? String(p.port) : renderPort(p))).join(" ")} }`);
  }
  return s;
}

/** State options in print_rule()'s order; timeouts in pf_timeouts order (adaptive ones derived from `max`). */
function renderStateOptions(o: PfStateOptions, adaptive: boolean): string {
  const parts: string[] = [];
  // print_rule(): `max` when nonzero (0 is pf's "no limit", as if unwritten)
  if (o.max) parts.push(`max ${o.max}`);
  if (o.noSync) parts.push("no-sync");
  if (o.sourceTrack) parts.push(`source-track ${o.sourceTrack}`);
  if (o.maxSrcStates !== undefined) parts.push(`max-src-states ${o.maxSrcStates}`);
  if (o.maxSrcConn !== undefined) parts.push(`max-src-conn ${o.maxSrcConn}`);
  if (o.maxSrcConnRate) parts.push(`max-src-conn-rate ${o.maxSrcConnRate.limit}/${o.maxSrcConnRate.seconds}`);
  if (o.maxSrcNodes !== undefined) parts.push(`max-src-nodes ${o.maxSrcNodes}`);
  if (o.overload) parts.push(`overload <${o.overload.table}>${o.overload.flush ? " flush" : ""}${o.overload.flush === "global" ? " global" : ""}`);
  if (o.ifBound) parts.push("if-bound");
  if (o.floating) parts.push("floating");
  if (o.sloppy) parts.push("sloppy");
  if (o.pflow) parts.push("pflow");
  const timeouts = new Map((o.timeouts ?? []).map((t) => [t.name, t.seconds] as const));
  if (adaptive && o.max && !timeouts.has("adaptive.start") && !timeouts.has("adaptive.end")) {
    timeouts.set("adaptive.start", Math.floor(o.max / 10) * 6);
    timeouts.set("adaptive.end", Math.floor(o.max / 10) * 12);
  }
  for (const name of PF_TIMEOUT_NAMES) {
    const v = timeouts.get(name);
    if (v) parts.push(`${name} ${v}`);
  }
  return parts.join(", ");
}

/** print_ugid(): `= 0`, `>= 1000`, `1 >< 5`; a list (statement only) as `{ … }`. */
function ugids(xs: readonly PfUgid[]): string {
  const one = (u: PfUgid) => (u.to !== undefined ? `${u.id} ${u.op} ${u.to}` : `${u.op} ${u.id}`);
  return xs.length === 1 ? one(xs[0]!) : `{ ${xs.map(one).join(", ")} }`;
}

/** `return-icmp(…)`/`return-icmp6(…)` as print_rule() prints it for the rule's address family. */
function renderReturnIcmp(ri: { icmp: number; icmp6: number }, af: string | undefined, asFile: boolean): string {
  const c4 = icmpCodeName(ri.icmp >> 8, ri.icmp & 255, false) ?? String(ri.icmp & 255);
  const c6 = icmpCodeName(ri.icmp6 >> 8, ri.icmp6 & 255, true) ?? String(ri.icmp6 & 255);
  // `return-icmp(C)` leaves pfctl's IPv4 default in the IPv6 slot (printed `, 3`): a file writes it back as written
  if (asFile) {
    if (ri.icmp6 === RETURN_ICMP_DEFAULT) return `return-icmp(${c4})`;
    if (ri.icmp === RETURN_ICMP_DEFAULT) return `return-icmp6(${c6})`;
    return `return-icmp(${c4}, ${c6})`;
  }
  if (af === "inet") return `return-icmp(${c4})`;
  if (af === "inet6") return `return-icmp6(${c6})`;
  return `return-icmp(${c4}, ${c6})`;
}

function renderIcmpType(t: PfIcmpType): string {
  const v6 = t.v6 === true;
  let s = `${v6 ? "icmp6-type" : "icmp-type"} ${icmpTypeName(t.type, v6) ?? t.type}`;
  if (t.code !== undefined) s += ` code ${icmpCodeName(t.type, t.code, v6) ?? t.code}`;
  return s;
}

function renderLog(o: PfLogOptions | undefined): string {
  if (!o) return " log";
  const parts: string[] = [];
  if (o.all) parts.push("all");
  if (o.matches) parts.push("matches");
  if (o.user) parts.push("user");
  if (o.to) parts.push(`to pflog${o.to}`);
  return parts.length ? ` log (${parts.join(", ")})` : " log";
}

/** print_rule(): prob * 100 / 2^32 with `%f`, trailing zeros (and a trailing dot) removed. */
function probabilityText(prob: number): string {
  let t = ((prob * 100) / 4294967296).toFixed(6);
  t = t.replace(/0+$/, "").replace(/\.$/, "");
  return t;
}

/**
 * A tag name as the file needs it: in double quotes unless the lexer reads it as one STRING as it stands (a word
 * starting with a letter, digit or `_`, not digits only, not a keyword): `tag "$proto"` (a `$` first would start a macro). print_rule() prints
 * it bare.
 */
function tagText(t: string, asFile: boolean): string {
  return !asFile || (/^[A-Za-z0-9_][A-Za-z0-9_.$-]*$/.test(t) && !/^\d+$/.test(t) && !PF_KEYWORDS.has(t)) ? t : `"${t}"`;
}

function renderScrub(sc: PfScrub): string {
  const parts: string[] = [];
  if (sc.noDf) parts.push("no-df");
  if (sc.randomId) parts.push("random-id");
  if (sc.minTtl) parts.push(`min-ttl ${sc.minTtl}`);
  if (sc.reassembleTcp) parts.push("reassemble tcp");
  if (sc.maxMss) parts.push(`max-mss ${sc.maxMss}`);
  return ` scrub (${parts.join(" ")})`;
}

/**
 * Formats one statement on one line. With single-element lists this is exactly pfctl's
 * print_rule() output; longer lists print as `{ a b }`.
 */
export function formatStatement(r: PfStatement): string {
  return format(r, false);
}

/**
 * {@link formatStatement} for a file: the same, except that a `return-icmp(CODE)` on a rule without address
 * family is written as written (pfctl prints it with its own IPv6 quirk, `return-icmp(CODE, 3)`).
 */
export function formatStatementForFile(r: PfStatement): string {
  return format(r, true);
}

function format(r: PfStatement, asFile: boolean): string {
  if (r.kind === "load-anchor") return `load anchor "${r.name}" from "${r.file}"`;
  // print_rule(): an anchor named `_N` (written without a name) prints as `anchor`
  let s = r.kind === "anchor" ? (isAnonymousAnchor(r.name) ? "anchor" : `anchor "${!asFile && r.loadedAs ? r.loadedAs : r.name}"`) : r.action;
  if (r.kind === "filter" && r.action === "block" && r.blockPolicy) {
    s += r.blockPolicy === "return-icmp"
      ? ` ${renderReturnIcmp(r.returnIcmp ?? { icmp: RETURN_ICMP_DEFAULT, icmp6: RETURN_ICMP6_DEFAULT }, r.af, asFile)}`
      : r.blockPolicy === "return-rst" && r.returnTtl
        ? ` return-rst(ttl ${r.returnTtl})`
        : ` ${r.blockPolicy}`;
  }
  if (r.direction) s += ` ${r.direction}`;
  if (r.kind === "filter" && r.log) s += renderLog(r.logOptions);
  if (r.quick) s += " quick";
  if (r.on.length > 0) s += ` on ${list(r.on, renderIf)}`;
  if (r.af) s += ` ${r.af}`;
  // a file says a protocol whose name is a pf keyword by its number (pfctl prints 61 as `proto any`, 57 as
  // `proto skip`, and reads neither back)
  if (r.protos.length > 0) s += ` proto ${list(r.protos, (p) => (asFile && PF_KEYWORDS.has(p) ? String(protocolNumber(p) ?? p) : p))}`;
  const any = (e: PfEndpoint) => e.hosts.length === 0 && e.ports.length === 0;
  const os = r.os !== undefined ? ` os "${r.os}"` : "";
  if (any(r.from) && any(r.to) && !os) s += " all";
  else s += ` from ${renderEndpoint(r.from)}${os} to ${renderEndpoint(r.to)}`;
  if (r.receivedOn) s += ` ${r.receivedOn.not ? "!" : ""}received-on ${r.receivedOn.name}`;
  if (r.users?.length) s += ` user ${ugids(r.users)}`;
  if (r.groups?.length) s += ` group ${ugids(r.groups)}`;
  if (r.flags !== undefined) s += ` flags ${r.flags}`;
  if (r.icmpTypes?.length === 1) s += ` ${renderIcmpType(r.icmpTypes[0]!)}`;
  else if (r.icmpTypes?.length) s += ` ${r.icmpTypes[0]!.v6 ? "icmp6-type" : "icmp-type"} { ${r.icmpTypes.map((t) => renderIcmpType(t).replace(/^icmp6?-type /, "")).join(", ")} }`;
  if (r.tos !== undefined) s += ` tos 0x${r.tos.toString(16).padStart(2, "0")}`;
  if (r.prio !== undefined) s += ` prio ${r.prio}`;
  if (r.maxPktRate) s += ` max-pkt-rate ${r.maxPktRate.limit}/${r.maxPktRate.seconds}`;
  const sets: string[] = [];
  if (r.setPrio) sets.push(r.setPrio[0] === r.setPrio[1] ? `prio ${r.setPrio[0]}` : `prio(${r.setPrio[0]}, ${r.setPrio[1]})`);
  if (r.queue) sets.push(r.queue.ack !== undefined ? `queue(${r.queue.name}, ${r.queue.ack})` : `queue ${r.queue.name}`);
  if (r.setTos !== undefined) sets.push(`tos 0x${r.setTos.toString(16).padStart(2, "0")}`);
  if (r.setDelay !== undefined) sets.push(`delay ${r.setDelay}`);
  if (sets.length) s += ` set (${sets.join(", ")})`;
  const opts = r.kind === "filter" && r.stateOptions ? renderStateOptions(r.stateOptions, true) : "";
  // pfctl prints `keep state probability P% (options)`, which it does not read back: a file writes P first
  if (asFile && r.probability !== undefined) s += ` probability ${probabilityText(r.probability)}%`;
  if (r.kind === "filter") {
    if (r.state === "no") s += " no state";
    else if (r.state === "modulate" || r.state === "synproxy") s += ` ${r.state} state`;
    else if (opts || r.state === "keep") s += " keep state";
  }
  if (!asFile && r.probability !== undefined) s += ` probability ${probabilityText(r.probability)}%`;
  if (opts) s += ` (${opts})`;
  if (r.fragment) s += " fragment";
  if (r.scrub) s += renderScrub(r.scrub);
  if (r.allowOpts) s += " allow-opts";
  if (r.label !== undefined) s += ` label "${r.label}"`;
  if (r.kind === "filter" && r.once) s += " once";
  if (r.tag !== undefined) s += ` tag ${tagText(r.tag, asFile)}`;
  if (r.tagged) s += `${r.tagged.not ? " !" : ""} tagged ${tagText(r.tagged.name, asFile)}`;
  if (r.rtable !== undefined) s += ` rtable ${r.rtable}`;
  if (r.kind === "filter") {
    if (r.divertTo) s += ` divert-to ${r.divertTo.address} port ${r.divertTo.port}`;
    else if (r.divertReply) s += " divert-reply";
    else if (r.divertPacket) s += ` divert-packet port ${r.divertPacket.port}`;
    // print_pool(): a pool on an interface or table is round-robin (parse.y sets it for them)
    // print_pool(): the pool type (round-robin for an interface or table target), sticky-address
    const rr = (h: PfHost) => {
      // a file writes a list's type only when the rule has one: pfctl picks round-robin for the table it becomes
      const listed = asFile && h.kind === "table" && h.name.startsWith("__automatic_");
      const type = r.pool?.type ?? (autoRoundRobin(h) && !listed ? "round-robin" : undefined);
      return `${type ? ` ${type}${type === "source-hash" && r.pool?.key ? ` ${r.pool.key}` : ""}` : ""}${r.pool?.sticky ? " sticky-address" : ""}`;
    };
    // a file writes a pool's address list back as written; pfctl prints the table it became
    const target = (h: PfHost) => (asFile && r.pool?.list && h.kind === "table" && h.name.startsWith("__automatic_") ? `{ ${r.pool.list.map(weighted).join(" ")} }` : asFile ? weighted(h) : renderHost(h));
    if (r.afTo) {
      // print_pool() of the nat pool, then of the rdr pool (its type only pfctl's own round-robin); a file writes
      // the pool options where pfctl reads them back: after the `to` pool when there is one (parse.y's quirk)
      const t = r.afTo.to;
      const natOpts = `${rr(r.afTo.from)}${r.staticPort ? " static-port" : ""}`;
      const toTarget = (h: PfHost) => (asFile && t?.list && h.kind === "table" && h.name.startsWith("__automatic_") ? `{ ${t.list.map(weighted).join(" ")} }` : asFile ? weighted(h) : renderHost(h));
      s += ` af-to ${r.afTo.af} from ${target(r.afTo.from)}${natPort(r)}${asFile && t ? "" : natOpts}`;
      if (t) {
        s += ` to ${toTarget(t.host)}${rdrPort(t, asFile)}`;
        s += asFile ? natOpts : autoRoundRobin(t.host) ? " round-robin" : "";
      }
    } else if (r.natTo) s += ` nat-to ${target(r.natTo)}${natPort(r)}${rr(r.natTo)}${r.staticPort ? " static-port" : ""}`;
    else if (r.rdrTo) s += ` rdr-to ${target(r.rdrTo.host)}${rdrPort(r.rdrTo, asFile)}${rr(r.rdrTo.host)}`;
    // binat-to's pool options as written (pfctl prints only the two rules it becomes, each with them)
    if (r.binatTo) s += ` binat-to ${target(r.binatTo)}${r.pool?.type ? ` ${r.pool.type}${r.pool.type === "source-hash" && r.pool.key ? ` ${r.pool.key}` : ""}` : ""}${r.pool?.sticky ? " sticky-address" : ""}`;
    if (r.route) s += ` ${r.route.kind} ${target(r.route.host)}${rr(r.route.host)}`;
  }
  if (r.kind === "anchor" && r.inline && (asFile || r.inline.length > 0)) {
    // print_rule + pfctl's recursive anchor printing: `anchor "x" all {`, the rules indented, `}` (pfctl prints
    // no braces for an inline anchor without rules)
    s += " {";
    for (const inner of r.inline) for (const l of format(inner, asFile).split("\n")) s += `\n  ${l}`;
    s += "\n}";
  }
  return s;
}

/** print_pool() of a nat pool's ports: `port N`, `port N:M` (none for the default range, not kept). */
function natPort(r: PfFilterRule): string {
  const p = r.natPort;
  return p ? ` port ${p.port}${p.to !== undefined && p.to !== p.port ? `:${p.to}` : ""}` : "";
}

/**
 * An rdr pool's port: as written in a file (`N:*` too), else as print_pool() prints it: nothing for port 0, the
 * end of a range only when it is another port than 0 and the start.
 */
function rdrPort(p: { port?: number; portTo?: number | "*" }, asFile: boolean): string {
  if (p.port === undefined) return "";
  if (asFile) return ` port ${p.port}${p.portTo !== undefined ? `:${p.portTo}` : ""}`;
  if (p.port === 0) return "";
  return ` port ${p.port}${typeof p.portTo === "number" && p.portTo !== 0 && p.portTo !== p.port ? `:${p.portTo}` : ""}`;
}

/**
 * Renders a rule the way `pfctl -a NAME -sr` prints it: lists expanded one rule per element (one
 * line each, joined by newlines), `port = 500`, `all` when there are no addresses, `flags S/SA`
 * on pass rules that keep state. Interface names (not in parentheses) stay names here; use
 * {@link expandRules} with the host's interfaces to get the addresses pfctl substitutes.
 */
export function renderPfRule(rule: PfRule): string {
  validatePfStatement(rule);
  return expandStatement(rule).rules.map(formatStatement).join("\n");
}

function renderOption(o: PfOption): string {
  switch (o.kind) {
    case "skip":
      return `set skip on ${o.interfaces.length === 1 ? o.interfaces[0] : `{ ${o.interfaces.join(" ")} }`}`;
    case "block-policy":
      return `set block-policy ${o.policy}`;
    case "state-policy":
      return `set state-policy ${o.policy}`;
    case "state-defaults":
      return `set state-defaults ${renderStateOptions(o.options, false)}`;
    case "ruleset-optimization":
      return `set ruleset-optimization ${o.level}`;
    case "limit":
      return `set limit ${o.name} ${o.value}`;
    case "timeout":
      return `set timeout ${o.name} ${o.seconds}`;
    case "optimization":
      return `set optimization ${o.level}`;
    case "loginterface":
      return `set loginterface ${o.interface}`;
    case "reassemble":
      return `set reassemble ${o.on ? "yes" : "no"}${o.noDf ? " no-df" : ""}`;
    case "debug":
      return `set debug ${o.level}`;
    case "hostid":
      return `set hostid ${o.id}`;
    case "syncookies":
      return `set syncookies ${o.mode}${o.start !== undefined ? ` (start ${o.start}%, end ${o.end}%)` : ""}`;
  }
}

/** `table <name> …` as pfctl's print_tabledef() prints it. */
/** A table entry or a pool address as a file writes it: with its weight (pfctl reads it, and prints it nowhere). */
function weighted(h: PfHost): string {
  const w = h.kind === "address" || h.kind === "interface" ? h.weight : undefined;
  return w === undefined ? renderHost(h) : `${renderHost(h)} weight ${w}`;
}

/** `table <NAME> …` as pfctl -nv prints it, or, `asFile`, as a file writes it (entries' weights kept). */
export function renderTable(t: PfTable, asFile = false): string {
  let s = `table <${t.name}>`;
  if (t.const) s += " const";
  if (t.persist) s += " persist";
  if (t.counters) s += " counters";
  for (const f of t.files) s += ` file "${f}"`;
  if (t.addresses.length > 0) s += ` ${renderTableList(t.addresses, asFile)}`;
  return s;
}

/** A table's `{ … }` list of entries; print_tabledef writes a negated entry as `!ADDR`, without the space rules use. */
export function renderTableList(hosts: readonly PfHost[], asFile = false): string {
  const entry = asFile ? weighted : renderHost;
  return `{ ${hosts.map((h) => (h.not ? `!${entry({ ...h, not: false })}` : entry(h))).join(" ")} }`;
}

/**
 * Renders a ruleset as a pf.conf file: macros, options, tables, then the statements in order
 * (lists kept as `{ … }`), one per line, ending with a newline.
 */
export function renderPfConf(ruleset: PfRuleset): string {
  ruleset.rules.forEach((r, i) => validatePfStatement(r, `rules[${i}]`));
  ruleset.tables.forEach((t, i) => validatePfTable(t, `tables[${i}]`));
  const lines: string[] = [];
  for (const m of ruleset.macros) lines.push(`${m.name} = "${m.value}"`);
  for (const o of ruleset.options) lines.push(renderOption(o));
  for (const t of ruleset.tables) lines.push(renderTable(t, true));
  for (const q of ruleset.queues ?? []) lines.push(formatQueueStatement(q));
  for (const r of ruleset.rules) lines.push(formatStatementForFile(r));
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
