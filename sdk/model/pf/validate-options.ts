/**
 * The options of a typed filter rule that the renderer writes into pf.conf as they are (names, quoted strings,
 * numbers): each checked against the grammar it reaches, so that no value can end the rule early, start another
 * one, or be read back as something else (parse.y filter_opts, state_opt_item, pool_opts, ugid).
 */
import { ModelError, oneOf } from "../diagnostics";
import { addressFamily, parseLiteralAddress } from "./address";
import { PF_TIMEOUT_NAMES } from "./icmp";
import { PF_KEYWORDS } from "./names";
import type { PfFilterRule, PfRule, PfUgid } from "./types";

const UGID_OPS = ["=", "!=", "<", "<=", ">", ">=", "><", "<>"];
const POOL_TYPES = ["bitmask", "random", "source-hash", "round-robin", "least-states"];
const ROUTES = ["route-to", "reply-to", "dup-to"];
const IFNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** A user or group name as pfctl looks it up (getpwnam/getgrnam): a word, no quotes or spaces. */
const UNIX_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A name written as a bare word: pfctl's lexer reads a keyword (`in`, `all`, `port`, …) as that keyword, not a name. */
export function notKeyword(field: string, value: string, what: string): void {
  if (PF_KEYWORDS.has(value)) throw new ModelError(field, value, `\`${value}\` is a pf.conf keyword, which pfctl does not read as a ${what}; choose another name`);
}

const isInt = (v: unknown, lo: number, hi: number): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

function int(field: string, v: unknown, lo: number, hi: number, what: string): void {
  if (!isInt(v, lo, hi)) throw new ModelError(field, v, `${what} is an integer ${lo}-${hi}`);
}

/**
 * A string pfctl reads in double quotes (`label "…"`, `os "…"`): printable, without `"` or `\` (the lexer's end and
 * escape), at most `max` bytes (the kernel's buffer less its NUL).
 */
export function checkQuoted(field: string, v: unknown, what: string, max: number): void {
  if (typeof v !== "string" || /["\\\p{Cc}\p{Cf}]/u.test(v) || Buffer.byteLength(v) > max) {
    throw new ModelError(field, v, `${what} is at most ${max} bytes of printable characters, without \`"\` or \`\\\``);
  }
}

function ifName(field: string, v: unknown): void {
  if (typeof v !== "string" || !IFNAME.test(v) || v.length > 15) throw new ModelError(field, v, "an interface name such as em0 (letters, digits, `_.-`, at most 15 characters)");
  notKeyword(field, v, "interface name");
}

function ugid(field: string, u: PfUgid, what: "user" | "group"): void {
  if (!UGID_OPS.includes(u.op)) throw new ModelError(`${field}.op`, u.op, oneOf(`${what} operator`, String(u.op), UGID_OPS));
  for (const [k, v] of [["id", u.id], ["to", u.to]] as const) {
    if (v === undefined) continue;
    // uid_t/gid_t: UID_MAX is reserved as pfctl's "unknown"
    if (typeof v === "number" ? !isInt(v, 0, 0xfffffffe) : typeof v !== "string" || !UNIX_NAME.test(v) || v.length > 31) {
      throw new ModelError(`${field}.${k}`, v, `a ${what} is a number 0-4294967294 or a ${what} name (letters, digits, \`_.-\`)`);
    }
    if (typeof v === "string") notKeyword(`${field}.${k}`, v, `${what} name`);
  }
  const range = u.op === "><" || u.op === "<>";
  if (range !== (u.to !== undefined)) throw new ModelError(`${field}.to`, u.to ?? "(none)", range ? `operator \`${u.op}\` needs a second ${what} \`to\`` : `\`to\` is only for the operators >< and <>`);
}

/**
 * The options any rule takes, an anchor rule's too ({@link PfRuleOptions}, but for flags, rtable and queue names,
 * which validate.ts checks with the rule); `field` names the rule as the user wrote it.
 */
export function checkRuleOptions(field: string, s: PfRule): void {
  if (s.label !== undefined) checkQuoted(`${field}.label`, s.label, "a label", 63);
  if (s.os !== undefined) checkQuoted(`${field}.os`, s.os, "an OS fingerprint name", 31);
  if (s.receivedOn !== undefined && s.receivedOn.name !== "any") ifName(`${field}.receivedOn.name`, s.receivedOn.name);
  s.users?.forEach((u, i) => ugid(`${field}.users[${i}]`, u, "user"));
  s.groups?.forEach((g, i) => ugid(`${field}.groups[${i}]`, g, "group"));
  s.icmpTypes?.forEach((t, i) => {
    int(`${field}.icmpTypes[${i}].type`, t.type, 0, 255, "an icmp type");
    if (t.code !== undefined) int(`${field}.icmpTypes[${i}].code`, t.code, 0, 255, "an icmp code");
  });
  if (s.scrub?.minTtl !== undefined) int(`${field}.scrub.minTtl`, s.scrub.minTtl, 0, 255, "min-ttl");
  if (s.scrub?.maxMss !== undefined) int(`${field}.scrub.maxMss`, s.scrub.maxMss, 0, 65535, "max-mss");
  if (s.prio !== undefined) int(`${field}.prio`, s.prio, 0, 7, "a priority");
  if (s.tos !== undefined) int(`${field}.tos`, s.tos, 1, 255, "a TOS value (0 is no check: leave tos out)");
  if (s.setPrio !== undefined && s.setPrio.length !== 2) throw new ModelError(`${field}.setPrio`, JSON.stringify(s.setPrio), "two priorities, [ordinary, TCP ACK and lowdelay] (`set prio (N, M)`); one for both is [N, N] (`set prio N`)");
  s.setPrio?.forEach((p, i) => int(`${field}.setPrio[${i}]`, p, 0, 7, "a priority"));
  if (s.setTos !== undefined) int(`${field}.setTos`, s.setTos, 0, 255, "a TOS value");
  if (s.setDelay !== undefined) int(`${field}.setDelay`, s.setDelay, 0, 65535, "a delay in milliseconds");
  if (s.probability !== undefined) int(`${field}.probability`, s.probability, 1, 0xffffffff, "a probability (as pfctl stores it: P% of 4294967295)");
  if (s.maxPktRate) for (const k of ["limit", "seconds"] as const) int(`${field}.maxPktRate.${k}`, s.maxPktRate[k], 1, 0xffffffff, `max-pkt-rate's ${k}`);
}

/** The options only a filter rule takes (see the header); `field` names it as the user wrote it. */
export function checkFilterOptions(field: string, s: PfFilterRule): void {
  if (s.route !== undefined && !ROUTES.includes(s.route.kind)) throw new ModelError(`${field}.route.kind`, s.route.kind, oneOf("route kind", String(s.route.kind), ROUTES));
  if (s.once && s.action === "match") throw new ModelError(`${field}.once`, true, "'once' only applies to pass/block rules");
  if (s.pool) {
    if (s.pool.type !== undefined && !POOL_TYPES.includes(s.pool.type)) throw new ModelError(`${field}.pool.type`, s.pool.type, oneOf("pool type", String(s.pool.type), POOL_TYPES));
    if (s.pool.key !== undefined && (s.pool.type !== "source-hash" || !/^0x[0-9a-f]{32}$/.test(s.pool.key))) {
      throw new ModelError(`${field}.pool.key`, s.pool.key, "a source-hash key is `0x` and 32 lowercase hex digits, with type \"source-hash\"");
    }
  }
  if (s.logOptions?.to !== undefined) int(`${field}.logOptions.to`, s.logOptions.to, 0, 255, "a pflog unit (pfctl: strtonum 0-255)");
  if (s.returnIcmp) for (const k of ["icmp", "icmp6"] as const) int(`${field}.returnIcmp.${k}`, s.returnIcmp[k], 0, 65535, "(type << 8) | code");
  if (s.returnTtl !== undefined) {
    int(`${field}.returnTtl`, s.returnTtl, 0, 255, "a TTL");
    if (s.blockPolicy !== "return-rst") throw new ModelError(`${field}.returnTtl`, s.returnTtl, 'returnTtl applies to `blockPolicy: "return-rst"` only (pf.conf `block return-rst(ttl N)`)');
  }
  const diverts = [s.divertTo && "divertTo", s.divertReply && "divertReply", s.divertPacket && "divertPacket"].filter(Boolean);
  if (diverts.length > 0 && s.action === "match") throw new ModelError(`${field}.${diverts[0]}`, "(set)", "divert is not supported on match rules; divert on a pass or block rule");
  if (diverts.length > 1) throw new ModelError(`${field}.${diverts[1]}`, "(set)", `more than one divert option (${diverts.join(", ")}); a rule diverts one way`);
  if (s.divertReply && s.direction === "in") throw new ModelError(`${field}.divertReply`, true, "divert-reply used with incoming rule; divert-reply is for rules with direction \"out\" (or none)");
  if (s.divertPacket) int(`${field}.divertPacket.port`, s.divertPacket.port, 1, 65535, "a divert(4) port");
  if (s.divertTo) {
    const lit = parseLiteralAddress(s.divertTo.address);
    if (!lit || lit.prefix !== undefined || lit.text !== s.divertTo.address) throw new ModelError(`${field}.divertTo.address`, s.divertTo.address, "one IPv4 or IPv6 address as pfctl prints it, e.g. 127.0.0.1 or ::1");
    int(`${field}.divertTo.port`, s.divertTo.port, 0, 65535, "a port");
    // parse.y expand_divertspec
    if (s.direction === "out") throw new ModelError(`${field}.divertTo`, s.divertTo.address, "divert-to used with outgoing rule; divert-to is for rules with direction \"in\" (or none)");
    if (s.af !== undefined && addressFamily(s.divertTo.address) !== s.af) throw new ModelError(`${field}.divertTo.address`, s.divertTo.address, `divert-to address family mismatch: the rule is ${s.af}`);
  }
  checkStateOptions(`${field}.stateOptions`, s);
}

/** state_opt_item and the rule's check of them (parse.y): limits above 0, names of their grammar. */
function checkStateOptions(field: string, s: PfFilterRule): void {
  const o = s.stateOptions;
  if (!o) return;
  for (const k of ["maxSrcStates", "maxSrcConn", "maxSrcNodes"] as const) if (o[k] !== undefined) int(`${field}.${k}`, o[k], 1, 0xffffffff, k);
  if (o.maxSrcConnRate) for (const k of ["limit", "seconds"] as const) int(`${field}.maxSrcConnRate.${k}`, o.maxSrcConnRate[k], 1, 0xffffffff, `max-src-conn-rate's ${k}`);
  if (o.sourceTrack !== undefined && o.sourceTrack !== "rule" && o.sourceTrack !== "global") throw new ModelError(`${field}.sourceTrack`, o.sourceTrack, oneOf("source-track", String(o.sourceTrack), ["rule", "global"]));
  if (o.overload) {
    const t = o.overload.table;
    if (typeof t !== "string" || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t) || t.length > 31) throw new ModelError(`${field}.overload.table`, t, "a table name: letters, digits, `_.-`, at most 31 characters");
    notKeyword(`${field}.overload.table`, t, "table name");
    if (o.overload.flush !== undefined && o.overload.flush !== "rule" && o.overload.flush !== "global") throw new ModelError(`${field}.overload.flush`, o.overload.flush, oneOf("flush", String(o.overload.flush), ["rule", "global"]));
  }
  o.timeouts?.forEach((t, i) => {
    if (!PF_TIMEOUT_NAMES.includes(t.name)) throw new ModelError(`${field}.timeouts[${i}].name`, t.name, oneOf("state timeout", String(t.name), PF_TIMEOUT_NAMES));
    int(`${field}.timeouts[${i}].seconds`, t.seconds, 0, 0x7fffffff, "a timeout in seconds");
  });
}
