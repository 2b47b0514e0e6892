/**
 * Validation of typed ipsec.conf rules: every check ipsecctl's parse.y makes (the file would not load),
 * plus the ones ike.c only makes when it generates isakmpd's configuration (`ipsecctl -n` still exits 0,
 * a real load fails: `stage: "generate"`).
 */
import { ModelError, oneOf } from "../diagnostics";
import { shown, unsafeChar } from "../tokens/refusal";
import { familyOf, formatAddress, isHost, isProtocolName, printAddress } from "./address";
import { checkAddress, problemReason, type RuleProblem } from "./rule-problem";
import { checkNat, listNats } from "./validate-nat";
import {
  AUTH_TRANSFORMS,
  COMP_TRANSFORMS,
  ENC_INFO,
  ENC_TRANSFORMS,
  GROUP_TRANSFORMS,
  NULL_XF_NAMES,
  PHASE1_AUTH,
  PHASE1_ENC,
  PHASE2_ESP_ENC,
  STATIC_ENC,
  type AuthTransform,
  type EncTransform,
  type TransformKind,
  transformNames,
} from "./transforms";
import { keyBytes, saKeyProblems } from "./sa-keys";
import type {
  FlowRule,
  IkePhase,
  IkeRule,
  IpsecAddress,
  IpsecConf,
  IpsecEndpoint,
  IpsecStatement,
  SaRule,
  TcpMd5Rule,
} from "./types";

export { problemReason, type RuleProblem } from "./rule-problem";

const SATYPES = ["esp", "ah", "ipcomp", "ipip"] as const;
const FLOW_TYPES = ["use", "acquire", "require", "deny", "bypass", "dontacq"] as const;

function checkEnum(out: RuleProblem[], field: string, value: unknown, allowed: readonly string[], what: string): void {
  if (value !== undefined && !allowed.includes(value as string))
    out.push({ field, value, text: oneOf(what, String(value), allowed), stage: "parse" });
}

function checkTransform(out: RuleProblem[], field: string, kind: TransformKind, value: unknown): boolean {
  if (value === undefined) return true;
  if (!transformNames(kind).includes(value as string)) {
    out.push({ field, value, text: oneOf("transform", String(value), transformNames(kind)), stage: "parse" });
    return false;
  }
  return true;
}

function checkEndpoint(out: RuleProblem[], field: string, e: IpsecEndpoint): void {
  if (!e || !Array.isArray(e.addresses) || e.addresses.length === 0) {
    out.push({ field: `${field}.addresses`, value: e?.addresses, text: "no address given", hint: "give at least one address or `any`", stage: "parse" });
    return;
  }
  e.addresses.forEach((a, i) => checkAddress(out, e.addresses.length > 1 ? `${field}.addresses[${i}]` : field, a, true));
  if (e.port !== undefined && !(Number.isInteger(e.port) && e.port >= 0 && e.port <= 65535))
    out.push({ field: `${field}.port`, value: e.port, text: `port \`${e.port}\` out of range`, hint: "0-65535", stage: "parse" });
}

function checkProto(out: RuleProblem[], rule: { proto?: unknown; from: IpsecEndpoint; to: IpsecEndpoint }): void {
  const p = rule.proto;
  if (p !== undefined) {
    const ok = typeof p === "number" ? Number.isInteger(p) && p >= 0 && p <= 255 : typeof p === "string" && isProtocolName(p);
    if (!ok) out.push({ field: "proto", value: p, text: `unknown protocol: ${String(p)}`, hint: "an /etc/protocols name or a number 0-255", stage: "parse" });
  }
  // parse.y keeps a port as a number where 0 means none: `port 0` needs no protocol
  if ((rule.from?.port || rule.to?.port) && p !== "tcp" && p !== "udp")
    out.push({
      field: rule.from?.port ? "from.port" : "to.port",
      value: rule.from?.port ?? rule.to?.port,
      text: "no protocol supplied with source/destination ports",
      hint: "add proto tcp or proto udp",
      stage: "parse",
    });
}

/**
 * The src × dst pairs ipsecctl's expand_rule keeps, in its order: expand_any() turns each `any` into 0.0.0.0/0 then
 * ::/0 in place, and the loops pair sources (outer) with destinations of their family. A name (an interface or DNS
 * name the host resolves) has no family here: it pairs with each item once.
 */
export function expandPairs(from: IpsecAddress[], to: IpsecAddress[]): [IpsecAddress, IpsecAddress, 4 | 6][] {
  const pairs: [IpsecAddress, IpsecAddress, 4 | 6][] = [];
  if (![...from, ...to].some((a) => a.kind === "name" && a.family === undefined)) {
    const fams = (a: IpsecAddress): (4 | 6)[] => (a.kind === "any" ? [4, 6] : [familyOf(a)!]);
    for (const s of from) for (const fs of fams(s)) for (const d of to) for (const fd of fams(d)) if (fs === fd) pairs.push([s, d, fs]);
    return pairs;
  }
  for (const s of from)
    for (const d of to) {
      const fs = familyOf(s);
      const fd = familyOf(d);
      if (fs === undefined && fd === undefined) {
        pairs.push([s, d, 4]);
        if (s.kind === "any" && d.kind === "any") pairs.push([s, d, 6]);
      } else if (fs === undefined || fd === undefined || fs === fd) pairs.push([s, d, (fs ?? fd)!]);
    }
  return pairs;
}

/** parse.y validate_af: the families of `from` and `to` do not overlap (`any` and names never mismatch). */
function familiesMismatch(from: readonly IpsecAddress[], to: readonly IpsecAddress[]): boolean {
  const fams = (l: readonly IpsecAddress[]): { v4: boolean; v6: boolean } | undefined => {
    const r = { v4: false, v6: false };
    for (const a of l) {
      const f = familyOf(a);
      if (f === undefined) return undefined;
      if (f === 4) r.v4 = true;
      else r.v6 = true;
    }
    return r;
  };
  const s = fams(from);
  const d = fams(to);
  return s !== undefined && d !== undefined && s.v4 !== d.v4 && s.v6 !== d.v6;
}

/** expand_rule's refusal of a rule's address lists (validate_af, then no pair of one family), or undefined. */
export function pairProblem(from: IpsecAddress[], to: IpsecAddress[]): "source/destination address families do not match" | "rule expands to no valid combination" | undefined {
  if (familiesMismatch(from, to)) return "source/destination address families do not match";
  return expandPairs(from, to).length === 0 ? "rule expands to no valid combination" : undefined;
}

function checkPairs(out: RuleProblem[], from: IpsecEndpoint, to: IpsecEndpoint): void {
  if (!from?.addresses?.length || !to?.addresses?.length) return;
  if (familiesMismatch(from.addresses, to.addresses))
    out.push({
      field: "to",
      value: to.addresses.map(formatAddress).join(", "),
      text: "source/destination address families do not match",
      hint: "from and to must have the same address family",
      stage: "expand",
    });
  else if (expandPairs(from.addresses, to.addresses).length === 0)
    out.push({
      field: "to",
      value: to.addresses.map(formatAddress).join(", "),
      text: "rule expands to no valid combination",
      hint: "from and to must have the same address family",
      stage: "expand",
    });
}

/**
 * An identity (`srcid`/`dstid`): parse.y takes any STRING (`srcid "a b"`, `srcid x"y` load; get_id_type makes them
 * FQDNs). A typed one must also survive where it goes. For an `ike` rule that is isakmpd's configuration, which
 * ipsecctl writes as `C set [id-ID]:Name=ID force` and isakmpd's ui_config reads with
 * `[%200[^]]]:%200[^=]=%200s`: a space ends the value, a `]` the section, and a section past 200 characters is
 * malformed. A flow's goes to the kernel whole. Either way the renderer must write it back as one word.
 */
function checkId(out: RuleProblem[], field: string, v: unknown, rule: "ike" | "flow"): void {
  if (v === undefined) return;
  if (typeof v !== "string") {
    out.push({ field, value: v, text: `invalid identity \`${String(v)}\``, hint: "an IP address, FQDN or user@fqdn", stage: "parse" });
    return;
  }
  if (v === "" || /["\\]/.test(v) || unsafeChar(v) !== undefined)
    out.push({ field, value: shown(v), text: `invalid identity \`${shown(v)}\``, hint: "an IP address, FQDN or user@fqdn without quotes, backslashes, control or invisible characters", stage: "model" });
  else if (rule === "ike" && (/[\s\]]/.test(v) || Buffer.byteLength(v) > MAX_ISAKMPD_ID))
    out.push({ field, value: v, text: `identity \`${v}\` cannot reach isakmpd whole`, hint: ISAKMPD_ID_HINT, stage: "model" });
}

/** The longest identity isakmpd's ui_config reads back: its section `id-ID` is read with `%200[^]]`. */
export const MAX_ISAKMPD_ID = 197;
/** Why an identity isakmpd cannot take is refused (typed) or warned of (read from a file). */
export const ISAKMPD_ID_HINT = "ipsecctl passes it as `C set [id-ID]:Name=ID force`, where isakmpd ends a value at a space and a section at `]` or past 200 characters; use an FQDN, user@fqdn or address of at most 197 characters";
/** Why a value isakmpd cannot take (a PSK or tag with a space, an empty PSK) is refused typed or warned of in a file. */
export const ISAKMPD_VALUE_HINT = "ipsecctl passes it to isakmpd as `C set [SECTION]:TAG=VALUE force`, where isakmpd's value is one word: nothing after a space reaches it, and an empty one reads `force`; use one word without spaces";

function checkPhase(out: RuleProblem[], name: "main" | "quick", ph: IkePhase | undefined, satype: "esp" | "ah"): void {
  if (ph === undefined) return;
  const authOk = checkTransform(out, `${name}.auth`, "auth", ph.auth);
  const encOk = checkTransform(out, `${name}.enc`, "enc", ph.enc);
  const groupOk = checkTransform(out, `${name}.group`, "group", ph.group);
  if (ph.lifetime !== undefined && !(Number.isInteger(ph.lifetime) && ph.lifetime > 0))
    out.push({ field: `${name}.lifetime`, value: ph.lifetime, text: `invalid lifetime \`${ph.lifetime}\``, hint: "a positive number of seconds", stage: "model" });
  if (name === "quick") {
    if (encOk && ph.enc && ENC_INFO[ph.enc].noAuth && ph.auth !== undefined)
      out.push({ field: "quick.auth", value: ph.auth, text: `authentication is implicit for ${ph.enc}`, hint: "remove quick.auth", stage: "parse" });
    if (encOk && ph.enc && satype === "ah")
      out.push({ field: "quick.enc", value: ph.enc, text: `illegal transform ${ph.enc}`, hint: "ah does not encrypt; remove quick.enc or use esp", stage: "generate" });
    else if (encOk && ph.enc && !PHASE2_ESP_ENC.includes(ph.enc))
      out.push({ field: "quick.enc", value: ph.enc, text: `illegal transform ${ph.enc}`, hint: `isakmpd's quick mode (phase 2) accepts ${PHASE2_ESP_ENC.join(", ")}; chacha20-poly1305 needs iked`, stage: "generate" });
  } else {
    if (authOk && ph.auth && !PHASE1_AUTH.includes(ph.auth))
      out.push({ field: "main.auth", value: ph.auth, text: `illegal transform ${ph.auth}`, hint: `phase 1 accepts ${PHASE1_AUTH.join(", ")}`, stage: "generate" });
    if (encOk && ph.enc && !PHASE1_ENC.includes(ph.enc))
      out.push({ field: "main.enc", value: ph.enc, text: `illegal transform ${ph.enc}`, hint: `phase 1 accepts ${PHASE1_ENC.join(", ")}`, stage: "generate" });
    if (groupOk && ph.group === "none")
      out.push({ field: "main.group", value: "none", text: "illegal group none", hint: "phase 1 needs a DH group", stage: "generate" });
  }
}

/** What ike and flow rules share: `from`/`to` endpoints, `proto`, address pairs, `local` and `peer`. */
function checkSelectorsAndPeers(out: RuleProblem[], rule: IkeRule | FlowRule): void {
  checkEndpoint(out, "from", rule.from);
  checkEndpoint(out, "to", rule.to);
  checkProto(out, rule);
  checkPairs(out, rule.from, rule.to);
  listNats(out, rule);
  checkAddress(out, "local", rule.local, false);
  checkAddress(out, "peer", rule.peer, true);
}

/** All problems of an ike rule. */
export function ikeRuleProblems(rule: IkeRule): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkEnum(out, "mode", rule.mode, ["active", "passive", "dynamic"], "mode");
  checkEnum(out, "satype", rule.satype, ["esp", "ah"], "ike satype");
  checkEnum(out, "encap", rule.encap, ["tunnel", "transport"], "mode");
  checkSelectorsAndPeers(out, rule);
  checkNat(out, rule);
  if (rule.iface !== undefined) checkIface(out, rule);
  checkPhase(out, "main", rule.main, rule.satype ?? "esp");
  checkPhase(out, "quick", rule.quick, rule.satype ?? "esp");
  checkId(out, "srcid", rule.srcid, "ike");
  checkId(out, "dstid", rule.dstid, "ike");
  if (rule.auth !== undefined) {
    if (rule.auth.kind === "psk") {
      if (typeof rule.auth.psk !== "string" || /\n/.test(rule.auth.psk))
        out.push({ field: "psk", value: "(secret)", text: "invalid pre-shared key", hint: "a non-empty string without quotes, backslashes or newlines", stage: "parse" });
      // `psk ""` and `psk "a b"` load: isakmpd then reads `Authentication= force` (the key `force`) or
      // `Authentication=a b force` (the key `a`): refused typed, warned of in a file
      else if (rule.auth.psk === "" || /\s/.test(rule.auth.psk))
        out.push({ field: "psk", value: "(secret)", text: "pre-shared key cannot reach isakmpd whole", hint: ISAKMPD_VALUE_HINT, stage: "model" });
      // ipsecctl takes a quote or backslash inside an unquoted word (`psk k"x`) as written; the model cannot
      // write one back inside quotes, so the planner refuses it (stage model) and the parser accepts it
      else if (/["\\]/.test(rule.auth.psk))
        out.push({ field: "psk", value: "(secret)", text: "invalid pre-shared key", hint: "a non-empty string without quotes, backslashes or newlines", stage: "model" });
    } else if (rule.auth.kind !== "rsa") {
      out.push({ field: "auth", value: (rule.auth as { kind: unknown }).kind, text: oneOf("auth", String((rule.auth as { kind: unknown }).kind), ["psk", "rsa"]), stage: "parse" });
    }
  }
  if (rule.tag !== undefined && (typeof rule.tag !== "string" || rule.tag === "" || rule.tag.length > 63 || /["\n\\]/.test(rule.tag)))
    out.push({ field: "tag", value: rule.tag, text: `invalid tag \`${String(rule.tag)}\``, hint: "1-63 characters without quotes or backslashes", stage: "model" });
  // `tag "a b"` loads, and isakmpd reads `PF-Tag=a b force` as the tag `a`
  else if (rule.tag !== undefined && /\s/.test(rule.tag))
    out.push({ field: "tag", value: rule.tag, text: `tag \`${rule.tag}\` cannot reach isakmpd whole`, hint: ISAKMPD_VALUE_HINT, stage: "model" });
  // create_ike() returns at its port check, before the phases' transforms are looked at and before expand_rule()
  // pairs the addresses (its family checks)
  if (out.some((p) => p.text === "no protocol supplied with source/destination ports")) return out.filter((p) => !p.text.startsWith("authentication is implicit") && p.stage !== "expand");
  return out;
}

/**
 * `interface secN` (parse.y ikerule's second form): a unit 0-UINT_MAX, and nothing of the policy-based form: its
 * selectors are 0.0.0.0/0 both ways, ESP in tunnel mode, no proto, ports or tag (a typed rule that says otherwise
 * could not be written back).
 */
function checkIface(out: RuleProblem[], rule: IkeRule): void {
  if (!Number.isInteger(rule.iface) || rule.iface! < 0 || rule.iface! > 0xffffffff) {
    out.push({ field: "iface", value: rule.iface, text: `invalid sec interface unit: ${String(rule.iface)}`, hint: "the N of secN, 0-4294967295", stage: "parse" });
  }
  const whole = (e: IkeRule["from"]) => e.addresses.length === 1 && e.addresses[0]!.kind === "ip" && e.addresses[0]!.address === "0.0.0.0" && e.addresses[0]!.prefix === 0 && e.port === undefined && e.nat === undefined;
  for (const [field, bad] of [["from", !whole(rule.from)], ["to", !whole(rule.to)], ["proto", rule.proto !== undefined], ["satype", rule.satype !== undefined], ["encap", rule.encap !== undefined], ["tag", rule.tag !== undefined]] as const) {
    if (bad) out.push({ field, value: (rule as unknown as Record<string, unknown>)[field], text: `an interface rule (sec${String(rule.iface)}) has no ${field} of its own`, hint: field === "from" || field === "to" ? "give 0.0.0.0/0, as ipsecctl sets it: routes into the interface choose the traffic" : `remove ${field}`, stage: "model" });
  }
}

/** Problems of a flow rule (including "no peer specified for destination"). */
export function flowRuleProblems(rule: FlowRule): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkEnum(out, "satype", rule.satype, SATYPES, "satype");
  checkEnum(out, "direction", rule.direction, ["in", "out"], "direction");
  checkEnum(out, "flowType", rule.flowType, FLOW_TYPES, "flow type");
  checkSelectorsAndPeers(out, rule);
  checkId(out, "srcid", rule.srcid, "flow");
  checkId(out, "dstid", rule.dstid, "flow");
  // expand_rule runs once the rule is read: a warning-only problem (an address with host bits set) does not stop it
  if (out.every((p) => p.stage === "model") && rule.peer === undefined && rule.flowType !== "deny" && rule.flowType !== "bypass") {
    for (const [k, [s, d, fam]] of expandPairs(rule.from.addresses, rule.to.addresses).entries()) {
      const remote = rule.direction === "in" ? s : d;
      if (!isHost(remote)) {
        out.push({
          ...(k > 0 ? { loadedPairs: k } : {}),
          field: "peer",
          value: undefined,
          // expand_rule names it by r->dst->name: host_v4 keeps the text as written (`10.1/16`, `10.1.0.0/32`)
          text: `no peer specified for destination ${d.kind === "ip" ? (d.written ?? formatAddress(d)) : printAddress(d, fam)}`,
          hint: "add peer ADDRESS (or type bypass/deny)",
          stage: "expand",
        });
        break;
      }
    }
  }
  return out;
}

/**
 * expand_rule()'s reverse SA: made when the rule gives an IN SPI or an IN key (`spi OUT:IN`, `authkey OUT:IN`),
 * and validated by validate_sa with the IN SPI and keys alone. ipsecctl has loaded the forward SA by then; a
 * refusal stops it with errx (`sarule: expand_rule`), stage `errx`.
 */
function reverseSaProblem(spiIn: number | undefined, xf: { auth?: AuthTransform; enc?: EncTransform }, keys: { auth?: number; enc?: number }): RuleProblem | undefined {
  if (!spiIn && keys.auth === undefined && keys.enc === undefined) return undefined;
  if (!spiIn) return { field: "spi", value: undefined, text: "no SPI specified", hint: "an IN key adds a reverse SA: give its SPI as spi OUT:IN, or drop the :IN keys", stage: "errx" };
  return saKeyProblems(xf, keys, "errx", (field) => `spi OUT:IN adds a reverse SA: give ${field} OUT:IN`);
}

function checkSpi(out: RuleProblem[], spi: { out: number; in?: number } | undefined): void {
  if (!spi) {
    out.push({ field: "spi", value: undefined, text: "no SPI specified", stage: "parse" });
    return;
  }
  for (const v of [spi.out, spi.in]) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff || (v >= 1 && v <= 255))
      out.push({ field: "spi", value: v, text: "illegal SPI value", hint: "0x100-0xffffffff (1-255 are reserved)", stage: "parse" });
  }
  if (spi.out === 0) out.push({ field: "spi", value: 0, text: "no SPI specified", stage: "parse" });
}

/** The transforms a manual SA ends up with (parse.y defaults: esp aes + hmac-sha2-256, ah hmac-sha2-256, ipcomp deflate). */
export function effectiveSaTransforms(rule: SaRule): { auth?: AuthTransform; enc?: EncTransform; comp?: "deflate" } {
  const satype = rule.satype ?? "esp";
  switch (satype) {
    case "esp": {
      const enc = rule.enc ?? "aes";
      const auth = rule.auth ?? (ENC_INFO[enc]?.noAuth ? undefined : "hmac-sha2-256");
      return { auth, enc };
    }
    case "ah":
      return { auth: rule.auth ?? "hmac-sha2-256", enc: rule.enc };
    case "ipcomp":
      return { comp: rule.comp ?? "deflate" };
    case "ipip":
      return {};
  }
}

/** Whether ipsecctl itself refuses the rule (a problem of another stage than `model`): its later checks never run. */
const refusedByIpsecctl = (out: readonly RuleProblem[]): boolean => out.some((p) => p.stage !== "model");

/** Problems of a manual SA (parse.y validate_sa, in its order). */
export function saRuleProblems(rule: SaRule): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkEnum(out, "satype", rule.satype, SATYPES, "satype");
  checkEnum(out, "encap", rule.encap, ["tunnel", "transport"], "mode");
  // sarule/tcpmd5rule take `hosts` like flows: `any` is expanded to 0.0.0.0/0 and ::/0 (expand_any)
  checkAddress(out, "from", rule.from, true);
  checkAddress(out, "to", rule.to, true);
  // parse.y's tables begin with `unknown` and `none`: ipsecctl takes them in a manual SA, this model's inputs do not
  const nullXf = (field: "auth" | "enc", v: unknown): boolean => {
    if (!NULL_XF_NAMES.includes(v as string)) return false;
    out.push({ field, value: v, text: `\`${String(v)}\` is no ${field === "auth" ? "authentication" : "encryption"} transform`, hint: `ipsecctl takes it; name one of ${transformNames(field).join(", ")}`, stage: "model" });
    return true;
  };
  const okAuth = nullXf("auth", rule.auth) || checkTransform(out, "auth", "auth", rule.auth);
  const okEnc = nullXf("enc", rule.enc) || checkTransform(out, "enc", "enc", rule.enc);
  checkTransform(out, "comp", "comp", rule.comp);
  if (rule.udpencap?.port !== undefined && !(Number.isInteger(rule.udpencap.port) && rule.udpencap.port > 0 && rule.udpencap.port <= 65535))
    out.push({ field: "udpencap.port", value: rule.udpencap.port, text: `port \`${rule.udpencap.port}\` out of range`, hint: "1-65535", stage: "parse" });
  if (refusedByIpsecctl(out)) return out;
  checkSpi(out, rule.spi);
  if (refusedByIpsecctl(out)) return out;
  const satype = rule.satype ?? "esp";
  const bad = (field: string, value: unknown, text: string, hint?: string): RuleProblem[] => {
    out.push({ field, value, text, hint, stage: "parse" });
    return out;
  };
  if (satype === "ah") {
    if (rule.enc) return bad("enc", rule.enc, "ah does not provide encryption", "remove enc or use esp");
    if (rule.comp) return bad("comp", rule.comp, "ah does not provide compression", "remove comp or use ipcomp");
  }
  if (satype === "esp") {
    if (rule.comp) return bad("comp", rule.comp, "esp does not provide compression", "remove comp or use ipcomp");
    if (okEnc && rule.enc && ENC_INFO[rule.enc]?.noStatic)
      return bad("enc", rule.enc, `${rule.enc} is disallowed with static keys`, `manual SAs accept ${STATIC_ENC.join(", ")}`);
    if (okEnc && rule.enc && ENC_INFO[rule.enc]?.noAuth && rule.auth)
      return bad("auth", rule.auth, `authentication is implicit for ${rule.enc}`, "remove auth");
  }
  if (satype === "ipcomp" && (rule.auth || rule.enc))
    return bad(rule.auth ? "auth" : "enc", rule.auth ?? rule.enc, "no encryption or authentication with ipcomp");
  const xf = effectiveSaTransforms(rule);
  // bundlestring: any STRING (a word may hold a `"`: `bundle b"` loads); a typed name is one the renderer can write
  if (rule.bundle !== undefined && typeof rule.bundle !== "string")
    out.push({ field: "bundle", value: rule.bundle, text: `invalid bundle name \`${String(rule.bundle)}\``, hint: "a name", stage: "parse" });
  else if (rule.bundle !== undefined && (/["\\]/.test(rule.bundle) || unsafeChar(rule.bundle) !== undefined))
    out.push({ field: "bundle", value: shown(rule.bundle), text: `invalid bundle name \`${shown(rule.bundle)}\``, hint: "a name without quotes, backslashes, control or invisible characters", stage: "model" });
  const authLens = keyBytes(out, "authkey", rule.authkey);
  const encLens = keyBytes(out, "enckey", rule.enckey);
  if (refusedByIpsecctl(out)) return out;
  const usable = { auth: okAuth ? xf.auth : undefined, enc: okEnc ? xf.enc : undefined };
  const forward = saKeyProblems(usable, { auth: authLens.out, enc: encLens.out }, "parse", (_, why) => why);
  if (forward) return [...out, forward];
  checkSaFamilies(out, rule);
  if (refusedByIpsecctl(out)) return out;
  const reverse = reverseSaProblem(rule.spi.in, usable, { auth: authLens.in, enc: encLens.in });
  return reverse ? [...out, reverse] : out;
}

/** expand_rule()'s validate_af, after create_sa: a manual SA's two addresses are of one family. */
function checkSaFamilies(out: RuleProblem[], rule: { from: IpsecAddress; to: IpsecAddress }): void {
  if (rule.from && rule.to && familyOf(rule.from) && familyOf(rule.to) && familyOf(rule.from) !== familyOf(rule.to))
    out.push({ field: "to", value: formatAddress(rule.to), text: "source/destination address families do not match", hint: "from and to must have the same address family", stage: "expand" });
}

/** Problems of a tcpmd5 rule. */
export function tcpMd5RuleProblems(rule: TcpMd5Rule): RuleProblem[] {
  const out: RuleProblem[] = [];
  // sarule/tcpmd5rule take `hosts` like flows: `any` is expanded to 0.0.0.0/0 and ::/0 (expand_any)
  checkAddress(out, "from", rule.from, true);
  checkAddress(out, "to", rule.to, true);
  checkSpi(out, rule.spi);
  // parse.y validate_sa asks tcpmd5 for a key only outside transport mode, and tcpmd5 rules are transport:
  // `tcpmd5 from A to B spi X` without authkey is accepted (the parser stores an empty key).
  const lens = rule.authkey && rule.authkey.out !== "" ? keyBytes(out, "authkey", rule.authkey) : {};
  if (out.length === 0) checkSaFamilies(out, rule);
  // the reverse SA (tcpmd5 has no transforms: only its SPI is checked)
  const reverse = out.length === 0 ? reverseSaProblem(rule.spi?.in, {}, { auth: lens.in }) : undefined;
  return reverse ? [reverse] : out;
}

/** Problems of any statement. */
export function statementProblems(s: IpsecStatement): RuleProblem[] {
  switch (s.type) {
    case "ike":
      return ikeRuleProblems(s);
    case "flow":
      return flowRuleProblems(s);
    case "sa":
      return saRuleProblems(s);
    case "tcpmd5":
      return tcpMd5RuleProblems(s);
    default:
      return [{ field: "type", value: (s as { type: unknown }).type, text: oneOf("statement type", String((s as { type: unknown }).type), ["ike", "flow", "sa", "tcpmd5"]), stage: "parse" }];
  }
}

function toError(p: RuleProblem, prefix: string | undefined): ModelError {
  return new ModelError(prefix ? `${prefix}.${p.field}` : p.field, p.value, problemReason(p));
}

/**
 * Validates an ike rule; throws a {@link ModelError} naming the field (prefixed with `field` when given),
 * the value, why and what is allowed, e.g. ``quick.enc: unknown transform `blowfsh`; one of 3des-cbc, aes, …``.
 */
export function validateIkeRule(rule: IkeRule, field?: string): void {
  const p = ikeRuleProblems(rule)[0];
  if (p) throw toError(p, field);
}

/**
 * Validates any statement; throws the first problem as a {@link ModelError}. `as` `ipsecctl` leaves out what
 * ipsecctl takes and only this model's inputs refuse (stage `model`).
 */
export function validateStatement(s: IpsecStatement, field?: string, as: "model" | "ipsecctl" = "model"): void {
  const p = statementProblems(s).find((q) => as === "model" || q.stage !== "model");
  if (p) throw toError(p, field);
}

/** Every problem of a whole configuration, fields prefixed `statements[i].`. Empty when valid. */
export function validateIpsecConf(conf: IpsecConf): ModelError[] {
  const errors: ModelError[] = [];
  conf.statements.forEach((s, i) => {
    for (const p of statementProblems(s)) errors.push(toError(p, `statements[${i}]`));
  });
  return errors;
}

