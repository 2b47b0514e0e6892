/**
 * Validation of typed pf rules built in code (not parsed): every invalid value is rejected with a
 * {@link ModelError} naming the field, the value, why it is wrong and what is allowed.
 */
import { ModelError, oneOf } from "../diagnostics";
import { addressFamily, parseLiteralAddress } from "./address";
import { isExpandWarning } from "./consistent";
import { expandStatement, isBareExpandLine } from "./expand";
import { ANCHOR_STACK_DEPTH, canonicalProtocol } from "./names";
import { formatStatementForFile } from "./render";
import { checkPfStatementShape } from "./shape";
import { checkFilterOptions, checkQuoted, checkRuleOptions, notKeyword } from "./validate-options";
import { isRdomain, type PfEndpoint, type PfFilterRule, type PfHost, type PfIfSpec, type PfPort, type PfRule, type PfStatement, type PfTable } from "./types";

const ACTIONS = ["pass", "block", "match"];
const POLICIES = ["drop", "return", "return-rst", "return-icmp"];
const DIRECTIONS = ["in", "out"];
const FAMILIES = ["inet", "inet6"];
const PORT_OPS = ["=", "!=", "<", "<=", ">", ">=", ":", "><", "<>"];
const STATES = ["keep", "no", "modulate", "synproxy"];
const MODIFIERS = ["network", "broadcast", "peer", "0", "network:0", "broadcast:0", "peer:0"];
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * An anchor path as this project writes it (`anchor "NAME"`, `load anchor "NAME" from …`): components of letters,
 * digits, `_.-` starting with a letter or digit, as the PfAnchor name rule (tokens/names.ts anchorName), with a
 * leading `/` for a path from the main ruleset (`anchor "/vpn/site1"` inside another anchor); pfctl reserves
 * components beginning with `_` and takes at most MAXPATHLEN-1 bytes.
 */
const ANCHOR_PATH = /^\/?[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

/** The name pfctl gives an inline anchor written without one (`anchor { … }`): `_N`, N counting brace anchors. */
export function isAnonymousAnchor(name: string): boolean {
  return /^_[0-9]+$/.test(name);
}

/** An anchor path (see {@link ANCHOR_PATH}); `relative`: without the leading `/` of a path from the main ruleset. */
export function checkAnchorPath(field: string, value: string, wildcard: boolean, relative = false): void {
  const path = wildcard ? value.replace(/\/\*$/, "") : value;
  if (typeof value !== "string" || !ANCHOR_PATH.test(path) || (relative && path.startsWith("/")) || value.length > 1023) {
    throw new ModelError(field, value, `invalid anchor name \`${value}\`; e.g. vpn, vpn/site1${wildcard ? ", vpn/*" : ""} (names beginning with _ are reserved)`);
  }
}

/**
 * A tag as pfctl reads it unquoted (`tag NAME`, `tagged NAME`): a word of letters, digits, `_.-` (and `$` of a label macro past the first) that its lexer
 * does not take for a number (digits only), at most 63 bytes (PF_TAG_NAME_SIZE) — the tokens/names.ts tagName rule.
 */
function checkTag(field: string, value: string): void {
  // `$` past the first character: expand_label's macros (`$if`, `$srcaddr`, `$dstport`, …), as in a label
  if (typeof value !== "string" || !/^[A-Za-z0-9_$][A-Za-z0-9_.$-]*$/.test(value) || /^[0-9]+$/.test(value) || value.length > 63) {
    throw new ModelError(field, value, `invalid tag \`${value}\`; a tag holds letters, digits, \`_\`, \`.\`, \`-\` (not digits only) and has at most 63 characters`);
  }
  notKeyword(field, value, "tag");
}

function checkName(field: string, value: string, what: string, max: number): void {
  if (typeof value !== "string" || !NAME.test(value) || value.length > max) {
    throw new ModelError(field, value, `invalid ${what} \`${value}\`; a ${what} starts with a letter, holds letters, digits, \`_\`, \`.\`, \`-\` and has at most ${max} characters`);
  }
  notKeyword(field, value, what);
}


function checkIf(field: string, i: PfIfSpec): void {
  // `any` is parse.y's if_item ANY: every interface (pfctl keeps and prints the name `any`)
  if (!isRdomain(i)) return i.name === "any" ? undefined : checkName(`${field}.name`, i.name, "interface name", 15);
  // parse.y if_item: `rdomain NUMBER`, 0-RT_TABLEID_MAX
  if (!Number.isInteger(i.rdomain) || i.rdomain < 0 || i.rdomain > 255) throw new ModelError(`${field}.rdomain`, i.rdomain, "rdomain outside range; a routing domain is 0-255 (rdomain(4))");
}

/**
 * One address of a rule, a table or a pool. `weighted`: a table entry or a pool address, which may carry a weight
 * of 1-65535 (parse.y optweight); a rule's from or to takes none.
 */
function checkHost(field: string, h: PfHost, weighted = false): void {
  const w = (h as { weight?: unknown }).weight;
  if (w !== undefined) {
    if (!weighted) throw new ModelError(`${field}.weight`, w, "a weight belongs to a table's entries or a translation pool's addresses, not to a rule's from or to");
    if (!Number.isInteger(w) || (w as number) < 1 || (w as number) > 65535) throw new ModelError(`${field}.weight`, w, "weight out of range; 1-65535");
  }
  switch (h.kind) {
    case "address": {
      const lit = parseLiteralAddress(h.address);
      if (!lit) throw new ModelError(`${field}.address`, h.address, `\`${h.address}\` is not an IPv4/IPv6 address or network; e.g. 192.0.2.1, 10.0.0.0/24, 2001:db8::/32`);
      if (lit.text !== h.address) throw new ModelError(`${field}.address`, h.address, `\`${h.address}\` is not in canonical form; write \`${lit.text}\` (as pfctl prints it)`);
      // getaddrinfo's scope: an interface name or index after an IPv6 address
      if (h.scope !== undefined && (typeof h.scope !== "string" || !/^[A-Za-z0-9_.]+$/.test(h.scope) || !lit.text.includes(":")))
        throw new ModelError(`${field}.scope`, h.scope, "a scope is an interface name or index after an IPv6 address (`fe80::1%em0`); leave it out for IPv4");
      return;
    }
    case "range": {
      const ends = [h.from, h.to].map((x, i) => {
        const lit = parseLiteralAddress(x);
        const f = `${field}.${i === 0 ? "from" : "to"}`;
        if (!lit || lit.prefix !== undefined) throw new ModelError(f, x, `\`${x}\` is not a single IPv4/IPv6 address; each end of a range is one, e.g. 10.0.0.1 - 10.0.0.9`);
        if (lit.text !== x) throw new ModelError(f, x, `\`${x}\` is not in canonical form; write \`${lit.text}\` (as pfctl prints it)`);
        return lit;
      });
      if (ends[0]!.family !== ends[1]!.family) throw new ModelError(`${field}.to`, h.to, "invalid address range: both ends are of one family");
      return;
    }
    case "interface":
    case "dynamic":
      checkName(`${field}.name`, h.name, "interface name", 15);
      if (h.modifier !== undefined && !MODIFIERS.includes(h.modifier)) throw new ModelError(`${field}.modifier`, h.modifier, oneOf("interface modifier", String(h.modifier), MODIFIERS));
      if (h.kind === "dynamic" && h.mask !== undefined && (!Number.isInteger(h.mask) || h.mask < 0 || h.mask > 128)) throw new ModelError(`${field}.mask`, h.mask, "prefix length out of range; 0-128");
      if (h.kind === "interface" && h.mask !== undefined) {
        if (!Number.isInteger(h.mask) || h.mask < 0 || h.mask > 128) throw new ModelError(`${field}.mask`, h.mask, "prefix length out of range; 0-128 (at most 32 for IPv4 addresses)");
        if (h.modifier !== undefined && /^(network|broadcast)/.test(h.modifier)) throw new ModelError(`${field}.mask`, h.mask, `network or broadcast lookup, but extra netmask given; drop /${h.mask} or :${h.modifier}`);
      }
      return;
    case "table":
      checkName(`${field}.name`, h.name, "table name", 31);
      return;
    case "route":
      checkQuoted(`${field}.label`, h.label, "a route label", 31);
      return;
    case "no-route":
    case "urpf-failed":
      return;
    default:
      throw new ModelError(`${field}.kind`, (h as { kind: unknown }).kind, oneOf("address kind", String((h as { kind: unknown }).kind), ["address", "range", "interface", "dynamic", "table", "route", "no-route", "urpf-failed"]));
  }
}

function checkPort(field: string, p: PfPort): void {
  if (!PORT_OPS.includes(p.op)) throw new ModelError(`${field}.op`, p.op, oneOf("port operator", String(p.op), PORT_OPS));
  const range = p.op === ":" || p.op === "><" || p.op === "<>";
  for (const [k, v] of [["port", p.port], ["to", p.to]] as const) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new ModelError(`${field}.${k}`, v, `port ${v} out of range; a port is an integer 0-65535`);
  }
  if (range && p.to === undefined) throw new ModelError(`${field}.to`, p.to, `operator \`${p.op}\` needs a second port \`to\``);
  if (!range && p.to !== undefined) throw new ModelError(`${field}.to`, p.to, `operator \`${p.op}\` takes one port; \`to\` is only for :, ><, <>`);
  if (p.op === ":" && (p.to as number) <= p.port) throw new ModelError(`${field}.to`, p.to, `invalid port range ${p.port}:${p.to}; the second port must be higher (use op "=" for one port)`);
  if (p.op === "><" && (p.to as number) <= p.port) throw new ModelError(`${field}.to`, p.to, `invalid port range ${p.port} >< ${p.to}; the second port must be higher`);
}

/** A pool's port (rdr-to's, af-to's `to`): 0-65535, its range's end not below its start (pfctl's validate_range). */
function checkRdrPort(field: string, p: { port?: number; portTo?: number | "*" }): void {
  const isPort = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 65535;
  if (p.port !== undefined && !isPort(p.port)) throw new ModelError(`${field}.port`, p.port, "a port is 0-65535");
  if (p.portTo === undefined) return;
  if (p.port === undefined) throw new ModelError(`${field}.portTo`, p.portTo, "portTo ends a range that port starts; give port too");
  if (p.portTo !== "*" && !isPort(p.portTo)) throw new ModelError(`${field}.portTo`, p.portTo, 'a port is 0-65535, or "*" for the width of the destination port range');
  if (typeof p.portTo === "number" && p.portTo < p.port) {
    throw new ModelError(`${field}.portTo`, p.portTo, `invalid rdr-to port range: ${p.port}:${p.portTo} ends below its start; write the lower port first`);
  }
}

function checkEndpoint(field: string, e: PfEndpoint): void {
  e.hosts.forEach((h, i) => checkHost(`${field}.hosts[${i}]`, h));
  e.ports.forEach((p, i) => checkPort(`${field}.ports[${i}]`, p));
}

/**
 * Throws a {@link ModelError} when a statement is not shaped as its type says (./shape) or holds an invalid
 * value (unknown protocol, port out of range, address not canonical, port without tcp/udp, flags without tcp, …),
 * inline anchors' rules included (`depth`: how deep this one is nested). `field` prefixes the reported path, e.g.
 * `rules[3]`.
 */
export function validatePfStatement(s: PfStatement, field = "rule", depth = 0): void {
  checkPfStatementShape(s, field);
  if (s.kind === "load-anchor") {
    checkAnchorPath(`${field}.name`, s.name, false);
    if (!s.file.startsWith("/")) throw new ModelError(`${field}.file`, s.file, `anchor file \`${s.file}\` must be an absolute path such as /etc/pf.anchors/${s.name}`);
    checkQuoted(`${field}.file`, s.file, "an anchor file path", 1023);
    return;
  }
  if (s.kind === "anchor") {
    // an anonymous inline anchor (`anchor { … }`) carries the name pfctl gives it, `_N`
    if (!(s.inline && isAnonymousAnchor(s.name))) checkAnchorPath(`${field}.name`, s.name, true);
    if (s.inline !== undefined) {
      // the inline rules are written into the same file: each is checked as the rules around it
      if (depth + 1 >= ANCHOR_STACK_DEPTH) throw new ModelError(`${field}.inline`, "(nested)", `inline anchors nest at most ${ANCHOR_STACK_DEPTH - 1} deep (pfctl: pfa_anchor: anchors too deep)`);
      s.inline.forEach((r, i) => {
        if ((r as PfStatement | undefined)?.kind === "load-anchor") throw new ModelError(`${field}.inline[${i}].kind`, "load-anchor", "`load anchor` belongs to the main ruleset, not to an inline anchor");
        validatePfStatement(r, `${field}.inline[${i}]`, depth + 1);
      });
    }
  } else checkFilterRule(field, s);
  checkSharedOptions(field, s);
  if (s.direction !== undefined && !DIRECTIONS.includes(s.direction)) throw new ModelError(`${field}.direction`, s.direction, oneOf("direction", String(s.direction), DIRECTIONS));
  if (s.af !== undefined && !FAMILIES.includes(s.af)) throw new ModelError(`${field}.af`, s.af, oneOf("address family", String(s.af), FAMILIES));
  s.on.forEach((i, k) => checkIf(`${field}.on[${k}]`, i));
  s.protos.forEach((p, k) => {
    const c = canonicalProtocol(p);
    if (c === undefined) throw new ModelError(`${field}.protos[${k}]`, p, `unknown protocol \`${p}\`; a name from /etc/protocols (tcp, udp, esp, ah, ipencap, gre, etherip, carp, pfsync, …) or a number 1-255`);
    if (c !== p) throw new ModelError(`${field}.protos[${k}]`, p, `write protocol \`${p}\` as \`${c}\` (as pfctl prints it)`);
  });
  checkEndpoint(`${field}.from`, s.from);
  checkEndpoint(`${field}.to`, s.to);
  if ((s.from.ports.length > 0 || s.to.ports.length > 0) && (s.protos.length === 0 || s.protos.some((p) => p !== "tcp" && p !== "udp"))) {
    throw new ModelError(`${field}.protos`, s.protos, `port only applies to tcp/udp; this rule has ${s.protos.length === 0 ? "no proto" : `proto ${s.protos.join(", ")}`}`);
  }
  for (const [side, e] of [["from", s.from], ["to", s.to]] as const) {
    for (const [i, h] of e.hosts.entries()) {
      if (h.kind === "address" && s.af !== undefined && addressFamily(h.address) !== s.af && e.hosts.length === 1) {
        throw new ModelError(`${field}.${side}.hosts[${i}]`, h.address, `address \`${h.address}\` is ${addressFamily(h.address)} but the rule is ${s.af}`);
      }
      // pfctl puts the interface's addresses of the rule's families in its place: an IPv4 one past /32 fails the
      // whole ruleset (`netmask 99 invalid for IPv4 address`), so past 32 the rule must be IPv6 only
      if (h.kind === "interface" && h.mask !== undefined && h.mask > 32 && s.af !== "inet6") {
        throw new ModelError(`${field}.${side}.hosts[${i}].mask`, h.mask, `netmask ${h.mask} invalid for IPv4 address (pfctl, for ${h.name}'s IPv4 addresses); at most 32, or make the rule \`af: "inet6"\``);
      }
    }
  }
  if (s.tag !== undefined) checkTag(`${field}.tag`, s.tag);
  if (s.tagged !== undefined) checkTag(`${field}.tagged.name`, s.tagged.name);
  // the backstop: whatever a field holds, a rule is one line of the file (an inline anchor's rules: one each)
  // (an anchor's inline rules are on lines of their own, each checked as it is validated)
  if (/[\p{Cc}\p{Cf}]/u.test(formatStatementForFile(s.kind === "anchor" ? { ...s, inline: undefined } : s))) {
    throw new ModelError(field, "(rule)", "renders with a control character, which would start another statement in the anchor file");
  }
  const { rules, errors, fatal } = expandStatement(s);
  if (fatal) {
    // a label or tag whose macros (`$srcaddr`, …) expand past 63 bytes: pfctl stops loading the whole file
    // the one that overflows alone (pfctl expands the label, then the tag, then the tagged name)
    const alone = (k: "label" | "tag" | "tagged") => ({ ...s, label: undefined, tag: undefined, tagged: undefined, [k]: (s as unknown as Record<string, unknown>)[k] }) as typeof s;
    const key = (["label", "tag", "tagged"] as const).find((k) => (s as unknown as Record<string, unknown>)[k] !== undefined && expandStatement(alone(k)).fatal) ?? "label";
    const value = key === "tagged" ? s.tagged?.name : (s as unknown as Record<string, unknown>)[key];
    throw new ModelError(`${field}.${key === "tagged" ? "tagged.name" : key}`, value, `${fatal}: once its macros are replaced (an IPv6 address is up to 39 characters) it holds more than 63 bytes, and pfctl stops loading the file; use fewer macros or a shorter text`);
  }
  // pfctl counts each complaint (yyerror; not the bare lines it prints beside them, nor a warning): one fails the whole
  // load, even when other combinations of the statement were added
  if (rules.length === 0 || errors.some((e) => !isExpandWarning(e) && !isBareExpandLine(e))) {
    // pfctl's first complaint, on the field it is about where one field says it
    const first = errors.find((e) => !isExpandWarning(e) && e !== "skipping rule due to errors" && e !== "rule expands to no valid combination");
    if (!first) throw new ModelError(field, s, "rule expands to no valid combination: no from/to address pair shares the address family (inet/inet6) of the rule");
    const key = COMPLAINT_FIELDS.find(([re]) => re.test(first))?.[1];
    const value = key?.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], s);
    throw new ModelError(key ? `${field}.${key}` : field, key ? value : s, `${first}: pfctl refuses this rule`);
  }
}

/** The options a filter rule and an anchor rule share (types.ts PfRuleOptions), as parse.y's filter_opts checks them. */
function checkSharedOptions(field: string, s: PfRule): void {
  if (s.flags !== undefined) {
    const m = /^([FSRPAUEW]*)\/([FSRPAUEW]+)$/.exec(s.flags);
    if (s.flags !== "any" && !m) throw new ModelError(`${field}.flags`, s.flags, `invalid TCP flags \`${s.flags}\`; write F/M with letters of FSRPAUEW (e.g. S/SA) or \`any\``);
    if (s.protos.length > 0 && !s.protos.includes("tcp") && s.flags !== "any") throw new ModelError(`${field}.flags`, s.flags, `flags only apply to tcp; this rule is proto ${s.protos.join(", ")}`);
  }
  if (s.rtable !== undefined && (!Number.isInteger(s.rtable) || s.rtable < 0 || s.rtable > 255)) throw new ModelError(`${field}.rtable`, s.rtable, `invalid rtable id ${s.rtable}; 0-255`);
  if (s.queue) {
    checkName(`${field}.queue.name`, s.queue.name, "queue name", 63);
    if (s.queue.ack !== undefined) checkName(`${field}.queue.ack`, s.queue.ack, "queue name", 63);
  }
  checkRuleOptions(field, s);
}

/** A filter rule's own fields, as the filter rule's grammar and action in parse.y check them. */
function checkFilterRule(field: string, s: PfFilterRule): void {
  if (!ACTIONS.includes(s.action)) throw new ModelError(`${field}.action`, s.action, oneOf("action", String(s.action), ACTIONS));
  if (s.blockPolicy !== undefined) {
    if (s.action !== "block") throw new ModelError(`${field}.blockPolicy`, s.blockPolicy, `blockPolicy applies to block rules only, not to \`${s.action}\``);
    if (!POLICIES.includes(s.blockPolicy)) throw new ModelError(`${field}.blockPolicy`, s.blockPolicy, oneOf("block policy", String(s.blockPolicy), POLICIES));
  }
  if (s.state !== undefined && !STATES.includes(s.state)) throw new ModelError(`${field}.state`, s.state, oneOf("state mode", String(s.state), STATES));
  if (s.stateOptions && (s.state === "no" || (s.state === undefined && s.action !== "pass"))) {
    throw new ModelError(`${field}.stateOptions`, s.stateOptions, `state options need state tracking, which a ${s.action} rule ${s.state === "no" ? "with state \"no\" " : ""}does not do; set state: "keep" or remove them`);
  }
  if (s.stateOptions?.max !== undefined && (!Number.isInteger(s.stateOptions.max) || s.stateOptions.max < 1 || s.stateOptions.max > 0xffffffff)) {
    throw new ModelError(`${field}.stateOptions.max`, s.stateOptions.max, `max ${s.stateOptions.max} is not an integer 1-4294967295`);
  }
  if (s.stateOptions?.ifBound && s.stateOptions.floating) throw new ModelError(`${field}.stateOptions`, s.stateOptions, "ifBound and floating exclude each other; pick one");
  // the filter rule's action in parse.y: source tracking, then routing
  if (s.stateOptions?.sourceTrack === "global") {
    for (const [k, name] of [["maxSrcNodes", "max-src-nodes"], ["maxSrcConn", "max-src-conn"], ["maxSrcConnRate", "max-src-conn-rate"]] as const) {
      if (s.stateOptions[k] !== undefined) throw new ModelError(`${field}.stateOptions.sourceTrack`, "global", `'${name}' is incompatible with 'source-track global'; use sourceTrack "rule" or drop ${k}`);
    }
  }
  if (s.route && s.route.kind !== "dup-to" && s.direction === undefined) {
    throw new ModelError(`${field}.direction`, "(none)", `direction must be explicit with rules that specify routing; set direction: "in" or "out" for ${s.route.kind}`);
  }
  if (s.natTo) checkHost(`${field}.natTo`, s.natTo, true);
  if (s.natPort) {
    if (!s.natTo && !s.afTo) throw new ModelError(`${field}.natPort`, s.natPort.port, "a NAT port range belongs to `nat-to` or to af-to's `from`; give natTo or afTo, or remove natPort");
    for (const p of [s.natPort.port, s.natPort.to ?? s.natPort.port]) {
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ModelError(`${field}.natPort`, p, "a port is 0-65535");
    }
    // apply_redirspec
    const { port: lo, to: hi = lo } = s.natPort;
    if (s.staticPort && lo !== 50001 && hi !== 65535 && (lo !== 0 || hi !== 0)) {
      throw new ModelError(`${field}.staticPort`, true, `the 'static-port' option can't be used when specifying a port range (natPort ${lo}${hi !== lo ? `:${hi}` : ""}); remove one of them`);
    }
  }
  if (s.afTo) {
    // parse.y filteropts_to_rule / rule_consistent
    if (!FAMILIES.includes(s.afTo.af)) throw new ModelError(`${field}.afTo.af`, s.afTo.af, oneOf("address family", String(s.afTo.af), FAMILIES));
    if (s.direction !== "in") throw new ModelError(`${field}.direction`, s.direction ?? "(none)", "af-to can only be used with direction in; set direction: \"in\"");
    if (s.action !== "pass") throw new ModelError(`${field}.afTo`, s.afTo.af, `af-to translates the packets a pass rule lets in, not a ${s.action} rule`);
    if (s.route) throw new ModelError(`${field}.route`, s.route.kind, "af-to cannot be used together with route-to, reply-to, dup-to");
    if (s.natTo || s.rdrTo || s.binatTo) throw new ModelError(`${field}.afTo`, s.afTo.af, "af-to replaces nat-to, rdr-to and binat-to; remove them");
    if (s.af === s.afTo.af) throw new ModelError(`${field}.af`, s.af, "must indicate different address family with af-to");
    checkHost(`${field}.afTo.from`, s.afTo.from, true);
    if (s.afTo.to) checkHost(`${field}.afTo.to.host`, s.afTo.to.host, true);
    if (s.afTo.to) checkRdrPort(`${field}.afTo.to`, s.afTo.to);
    for (const [k, h] of [["from", s.afTo.from], ["to.host", s.afTo.to?.host]] as const) {
      if (h?.kind === "address" && addressFamily(h.address) !== s.afTo.af) {
        throw new ModelError(`${field}.afTo.${k}`, h.address, `af-to addresses must be in the target address family (${s.afTo.af})`);
      }
    }
  }
  if (s.rdrTo) checkHost(`${field}.rdrTo.host`, s.rdrTo.host, true);
  if (s.rdrTo) checkRdrPort(`${field}.rdrTo`, s.rdrTo);
  if (s.route) checkHost(`${field}.route.host`, s.route.host, true);
  if (s.binatTo) checkHost(`${field}.binatTo`, s.binatTo, true);
  // a pool list becomes a table of its addresses: a table or `(if)` cannot go into it
  for (const [k, list] of [["pool.list", s.pool?.list], ["afTo.to.list", s.afTo?.to?.list]] as const) {
    list?.forEach((h, i) => {
      checkHost(`${field}.${k}[${i}]`, h, true);
      if (h.kind === "table" || h.kind === "dynamic") throw new ModelError(`${field}.${k}[${i}].kind`, h.kind, "a pool list holds addresses, ranges and interface names (pfctl makes it a table of their addresses); give a table or (if) as the target alone");
    });
  }
  checkFilterOptions(field, s);
}

/** The field of a rule each of pfctl's expansion complaints is about. */
const COMPLAINT_FIELDS: [RegExp, string][] = [
  [/^keep state is great/, "state"],
  [/^route-to, reply-to and dup-to/, "route"],
  [/^fragments can be filtered/, "fragment"],
  [/^allow-opts/, "allowOpts"],
  [/^return-rst/, "blockPolicy"],
  [/^'overload'/, "stateOptions.overload"],
  [/^sloppy state/, "stateOptions.sloppy"],
  [/^divert is not supported/, "divertTo"],
  [/^os only/, "os"],
  [/only applies to tcp\/udp$|^icmp-type\/code only/, "protos"],
];

/** Throws a {@link ModelError} for an invalid table definition. */
export function validatePfTable(t: PfTable, field = "table"): void {
  checkName(`${field}.name`, t.name, "table name", 31);
  t.addresses.forEach((h, i) => checkHost(`${field}.addresses[${i}]`, h, true));
}
