/**
 * The shape of a typed pf rule (./types), checked before its values: a rule built in plain JavaScript or from JSON
 * may hold a number where a list belongs, or null in a list. Each mistake is one {@link ModelError} naming the field
 * as the user wrote it (`rules[0].from.hosts[1].address`) and what belongs there, instead of a TypeError from deep
 * inside the renderer. Values are checked by ./validate. A rule the user wrote is also checked for keys the model
 * does not know ({@link checkPfRuleKeys}): a misspelled `dirction` or `qick` would otherwise be left out of the rule
 * without a word, and the rule would match more than was meant.
 */
import { ModelError } from "../diagnostics";
import type { PfRuleOptions, PfStatement } from "./types";

/** Checks `v` at `path`; `strict`: also refuse keys the model does not know. */
type Shape = (v: unknown, path: string, strict: boolean) => void;

const describeValue = (v: unknown): unknown => (v === undefined ? "(none)" : v);
const fail = (path: string, v: unknown, what: string): never => {
  throw new ModelError(path, describeValue(v), `expected ${what}`);
};

const str: Shape = (v, p) => void (typeof v === "string" || fail(p, v, "a string"));
const num: Shape = (v, p) => void (typeof v === "number" || fail(p, v, "a number"));
const bool: Shape = (v, p) => void (typeof v === "boolean" || fail(p, v, "true or false"));
const numOrStar: Shape = (v, p) => void (typeof v === "number" || v === "*" || fail(p, v, 'a number or "*"'));
const strOrNum: Shape = (v, p) => void (typeof v === "string" || typeof v === "number" || fail(p, v, "a number or a name"));

function list(item: Shape): Shape {
  return (v, p, strict) => {
    if (!Array.isArray(v)) fail(p, v, "a list");
    (v as unknown[]).forEach((x, i) => item(x, `${p}[${i}]`, strict));
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An object: `required` fields must be present, every field present must have its shape. */
function obj(fields: Record<string, Shape>, required: readonly string[] = []): Shape {
  return (v, p, strict) => {
    if (!isRecord(v)) fail(p, v, "an object");
    const o = v as Record<string, unknown>;
    if (strict)
      for (const k of Object.keys(o))
        if (!Object.hasOwn(fields, k)) throw new ModelError(`${p}.${k}`, describeValue(o[k]), `no such field here${nearest(k, Object.keys(fields)) ?? `; the fields are ${Object.keys(fields).join(", ")}`}`);
    for (const k of required) if (o[k] === undefined) fail(`${p}.${k}`, undefined, "a value (required)");
    for (const [k, s] of Object.entries(fields)) if (o[k] !== undefined) s(o[k], `${p}.${k}`, strict);
  };
}

/** ` (did you mean \`x\`?)` for the known key closest to `k` (at most 2 edits apart), else undefined. */
function nearest(k: string, known: readonly string[]): string | undefined {
  let best: [string, number] | undefined;
  for (const c of known) {
    const d = editDistance(k.toLowerCase(), c.toLowerCase());
    if (d <= 2 && (!best || d < best[1])) best = [c, d];
  }
  return best ? ` (did you mean \`${best[0]}\`?)` : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const HOST_FIELDS: Record<string, [Record<string, Shape>, string[]]> = {
  address: [{ address: str, not: bool, weight: num }, ["address"]],
  range: [{ from: str, to: str, not: bool }, ["from", "to"]],
  interface: [{ name: str, modifier: str, not: bool, mask: num, weight: num }, ["name"]],
  dynamic: [{ name: str, modifier: str, not: bool, mask: num }, ["name"]],
  table: [{ name: str, not: bool }, ["name"]],
  route: [{ label: str, not: bool }, ["label"]],
  "no-route": [{ not: bool }, []],
  "urpf-failed": [{ not: bool }, []],
};

const host: Shape = (v, p, strict) => {
  obj({ kind: str }, ["kind"])(v, p, false);
  const kind = (v as { kind: string }).kind;
  const f = Object.hasOwn(HOST_FIELDS, kind) ? HOST_FIELDS[kind] : undefined;
  if (!f) return fail(`${p}.kind`, kind, `one of ${Object.keys(HOST_FIELDS).join(", ")}`);
  obj({ kind: str, ...f[0] }, f[1])(v, p, strict);
};

const port = obj({ op: str, port: num, to: num }, ["op", "port"]);
const endpoint = obj({ hosts: list(host), ports: list(port) }, ["hosts", "ports"]);
const named = obj({ name: str, not: bool }, ["name"]);
/** An `on` item: an interface name, or a routing domain (`{ rdomain: N }`). */
const ifSpec: Shape = (v, p, strict) => (isRecord(v) && v.rdomain !== undefined ? obj({ rdomain: num, not: bool }, ["rdomain"]) : named)(v, p, strict);
const rate = obj({ limit: num, seconds: num }, ["limit", "seconds"]);
const ugid = obj({ op: str, id: strOrNum, to: strOrNum }, ["op", "id"]);

const SELECTOR: Record<string, Shape> = {
  kind: str, direction: str, quick: bool, on: list(ifSpec), af: str, protos: list(str), from: endpoint, to: endpoint, tag: str, tagged: named,
};

/** PfRuleOptions: what a filter rule and an anchor rule both take. */
const OPTIONS = {
  icmpTypes: list(obj({ type: num, code: num, v6: bool }, ["type"])),
  scrub: obj({ noDf: bool, randomId: bool, minTtl: num, maxMss: num, reassembleTcp: bool }),
  receivedOn: named,
  users: list(ugid),
  groups: list(ugid),
  prio: num,
  tos: num,
  setPrio: list(num),
  queue: obj({ name: str, ack: str }, ["name"]),
  setTos: num,
  setDelay: num,
  maxPktRate: rate,
  probability: num,
  os: str,
  flags: str,
  label: str,
  fragment: bool,
  allowOpts: bool,
  rtable: num,
} satisfies Record<keyof PfRuleOptions, Shape>;

const FILTER = obj({
  ...SELECTOR,
  ...OPTIONS,
  action: str,
  blockPolicy: str,
  returnIcmp: obj({ icmp: num, icmp6: num }, ["icmp", "icmp6"]),
  returnTtl: num,
  log: bool,
  logOptions: obj({ all: bool, matches: bool, user: bool, to: num }),
  staticPort: bool,
  pool: obj({ type: str, key: str, sticky: bool, list: list(host) }),
  binatTo: host,
  route: obj({ kind: str, host }, ["kind", "host"]),
  divertTo: obj({ address: str, port: num }, ["address", "port"]),
  divertReply: bool,
  divertPacket: obj({ port: num }, ["port"]),
  state: str,
  stateOptions: obj({
    max: num, noSync: bool, ifBound: bool, floating: bool, sloppy: bool, pflow: bool, sourceTrack: str, maxSrcStates: num,
    maxSrcConn: num, maxSrcConnRate: rate, maxSrcNodes: num, overload: obj({ table: str, flush: str }, ["table"]),
    timeouts: list(obj({ name: str, seconds: num }, ["name", "seconds"])),
  }),
  natTo: host,
  natPort: obj({ port: num, to: num }, ["port"]),
  rdrTo: obj({ host, port: num, portTo: numOrStar }, ["host"]),
  afTo: obj({ af: str, from: host, to: obj({ host, port: num, portTo: numOrStar, list: list(host) }, ["host"]) }, ["af", "from"]),
  once: bool,
}, ["action", "on", "protos", "from", "to"]);

/**
 * The inline rules are checked one by one by validatePfStatement (their own shape, their depth); in a strict check,
 * their keys here.
 */
const ANCHOR = obj({ ...SELECTOR, ...OPTIONS, name: str, loadedAs: str, inline: list((x, p, strict) => void (strict && statement(x, p, true))) }, ["name", "on", "protos", "from", "to"]);
const LOAD = obj({ kind: str, name: str, file: str }, ["name", "file"]);

function statement(s: unknown, field: string, strict: boolean): void {
  if (!isRecord(s)) return fail(field, s, "a pf rule: an object such as { kind: \"filter\", action: \"pass\", … }, or pf.conf text");
  switch (s.kind) {
    case "load-anchor":
      return LOAD(s, field, strict);
    case "anchor":
      return ANCHOR(s, field, strict);
    case "filter":
    case undefined:
      return FILTER(s, field, strict);
    default:
      return fail(`${field}.kind`, s.kind, "\"filter\", \"anchor\" or \"load-anchor\"");
  }
}

/** Throws a {@link ModelError} for the first field of `s` that does not have the shape its type gives it. */
export function checkPfStatementShape(s: unknown, field: string): asserts s is PfStatement {
  statement(s, field, false);
}

/**
 * {@link checkPfStatementShape} for a rule as the user wrote it: every key, at every depth, must be one the model
 * knows, else one {@link ModelError} naming it (and the field it is closest to).
 */
export function checkPfRuleKeys(s: unknown, field: string): asserts s is PfStatement {
  statement(s, field, true);
}
