/** What tunnels attach to (a Gateway or a CarpPair), and helpers to reach their group, names and seeds. */
import * as pulumi from "@pulumi/pulumi";
import { parsePf } from "../model/pf/parser";
import { formatDiagnostic, ModelError, type Diagnostic } from "../model/diagnostics";
import { checkAnchorPath, isAnonymousAnchor, validatePfStatement } from "../model/pf/validate";
import { checkPfRuleKeys } from "../model/pf/shape";
import { renderPfConf } from "../model/pf/render";
import type { PfFilterRule, PfRule } from "../model/pf/types";
import { ENC_INFO, resolveTransform } from "../model/ipsec/transforms";
import { DEFAULT_MANUAL_AUTH, DEFAULT_MANUAL_ENC, manualKeyBytes } from "../planner/manual-keys";
import type { ManualKeysSpec } from "../planner/spec";
import { Gateway } from "./gateway";
import type { Group } from "./registry";
import { argError } from "./common";
import { noHoles, report, take, UserError } from "./check";
import { charName, hexKey, unsafeTextChar, visible, type TokenRule } from "../model/tokens/index";

/** Anything a tunnel end can name: a {@link Gateway}, or a CARP pair (both members, bound to the CARP address). */
export interface TunnelNode {
  /** @internal */
  readonly group: Group;
  /** @internal name in the planner (gateway or pair name). */
  readonly nodeName: string;
  /** @internal label for errors. */
  readonly nodeLabel: string;
  /** @internal the gateways behind the node. */
  readonly nodeGateways: Gateway[];
}

/** The node behind a Gateway or CarpPair. */
export function nodeOf(x: Gateway | TunnelNode): TunnelNode {
  if (x instanceof Gateway) return { group: x.group, nodeName: x.gatewayName, nodeLabel: `Gateway "${x.gatewayName}"`, nodeGateways: [x] };
  return x;
}

/** Checks that every node is in one open declaration group and returns it. Throws the "too late" error otherwise. */
export function groupOf(label: string, nodes: TunnelNode[]): Group {
  for (const n of nodes) n.group.assertOpen(label, nodes.map((m) => m.nodeLabel));
  const g = nodes[0]!.group;
  for (const n of nodes)
    if (n.group !== g)
      throw report(new UserError(`${label}: ${n.nodeLabel} and ${nodes[0]!.nodeLabel} belong to different declaration groups; declare them together, before the program's first await`));
  return g;
}

/** The protected networks of a node: its gateway's internal networks (the first member's for a pair). */
export function defaultNetworks(n: TunnelNode): pulumi.Output<string[]> {
  const gw = n.nodeGateways[0]!;
  return n.group.gateways.get(gw.gatewayName)!.spec.apply((s) => s.internal.map((i) => i.network));
}

/** pf rules given typed or as pf.conf text (parsed by the pf model; a syntax error names file:line:column). */
export function pfRules(label: string, field: string, rules: PfRule[] | string | undefined): PfRule[] {
  if (rules === undefined) return [];
  if (typeof rules !== "string") {
    if (!Array.isArray(rules)) throw argError(label, field, typeof rules, "not pf rules", "give pf.conf text or a list of typed rules");
    // typed rules are checked here, named by the field the user wrote (`left.rules[2].to.ports[0]`)
    noHoles(label, field, rules, '[{ kind: "filter", action: "pass", direction: "in" }]').forEach((r, i) => typedRule(label, `${field}[${i}]`, r));
    return rules;
  }
  // the text is the body of an anchor file: tabs and newlines are its layout, any other invisible character is refused
  const bad = unsafeTextChar(rules);
  if (bad) throw argError(label, field, "(text)", `line ${bad.line} holds ${charName(bad.char)}, which pf.conf cannot hold safely`, "write the rules in printable characters (tabs and newlines for layout)");
  const r = parsePf(rules, `${label} ${field}`);
  const errs = withoutFollowUps(r.diagnostics.filter((d) => d.severity === "error"));
  if (errs.length) throw report(new UserError(errs.map((d) => visible(formatDiagnostic(d))).join("\n")));
  // `load anchor … from FILE` would make pfctl read a host file into this anchor: never generated from a user's text
  const load = r.value.rules.find((s) => s.kind === "load-anchor");
  if (load) throw argError(label, field, `load anchor ${load.name}`, LOAD_ANCHOR_REASON, LOAD_ANCHOR_FIX);
  if (r.value.macros.length || r.value.tables.length || r.value.options.length || r.value.queues?.length)
    throw argError(label, field, "(text)", "only rules are allowed here (no macros, tables, queues or `set` options)", "write the rules with literal values");
  const parsed = r.value.rules.filter((s): s is PfRule => s.kind !== "load-anchor");
  // an anchor the text calls must have a name this program can write back (pfctl takes `/vpn` as a path from the root)
  const walk = (rs: readonly PfRule[]): void => rs.forEach((s) => {
    if (s.kind !== "anchor") return;
    try {
      // relative: pf reads a path from the main ruleset (`/vpn`) too, but it would leave the anchors this resource manages
      if (!(s.inline && isAnonymousAnchor(s.name))) checkAnchorPath("anchor", s.name, true, true);
    } catch (e) {
      if (e instanceof ModelError) throw argError(label, field, `anchor "${s.name}"`, visible(e.reason), "write the anchor's name relative to this anchor, e.g. `anchor \"site1\"`");
      throw e;
    }
    walk(s.inline ?? []);
  });
  walk(parsed);
  return parsed;
}

/**
 * One typed rule as the user wrote it: its keys (a misspelled one would be left out of the rule without a word), its
 * kind (a rule or an anchor: `load anchor` is refused here as in text), its values, and then the rule as the anchor
 * file will hold it, read back by the pf model as pfctl reads the file — what pfctl would refuse in the file (`set
 * prio` of no priority, a netmask past the family's width, `divert-to … port 0`) is refused here, at preview.
 */
function typedRule(label: string, field: string, r: unknown): void {
  if ((r as { kind?: unknown } | null)?.kind === "load-anchor") throw argError(label, `${field}.kind`, "load-anchor", LOAD_ANCHOR_REASON, LOAD_ANCHOR_FIX);
  try {
    checkPfRuleKeys(r, field);
    validatePfStatement(r, field);
  } catch (e) {
    // the reason may quote the value: shown as the value is, its invisible characters named
    if (e instanceof ModelError) throw argError(label, e.field, typeof e.value === "string" || typeof e.value === "number" ? String(e.value) : JSON.stringify(e.value) ?? "(none)", visible(e.reason), "see pf.conf(5)");
    throw e;
  }
  const text = renderPfConf({ macros: [], tables: [], options: [], rules: [r] });
  const errs = withoutFollowUps(parsePf(text, `${label} ${field}`).diagnostics.filter((d) => d.severity === "error"));
  if (errs.length) throw argError(label, field, text.trim(), errs.map((d) => visible(d.message)).join("; "), "see pf.conf(5)");
}

const LOAD_ANCHOR_REASON = "a `load anchor` statement would make pfctl read another file of the host into the ruleset";
const LOAD_ANCHOR_FIX = "declare the nested anchor with PfAnchor, whose rules this program installs";

/** pfctl's lines after a rule's own complaint (`skipping rule due to errors`, …): said once the complaint is, not the user's fix. */
const FOLLOW_UPS = new Set(["skipping rule due to errors", "rule expands to no valid combination"]);

/** The diagnostics without pfctl's follow-up lines on a line that has a complaint of its own. */
function withoutFollowUps(ds: Diagnostic[]): Diagnostic[] {
  const own = new Set(ds.filter((d) => !FOLLOW_UPS.has(d.message)).map((d) => d.line));
  return ds.filter((d) => !FOLLOW_UPS.has(d.message) || !own.has(d.line));
}

/** Only filter rules (tunnel ends). */
export function filterRules(label: string, field: string, rules: PfFilterRule[] | string | undefined): PfFilterRule[] {
  const rs = pfRules(label, field, rules);
  for (const r of rs) if (r.kind !== "filter") throw argError(label, field, `anchor "${r.name}"`, "a tunnel end takes filter rules only", "declare nested anchors with PfAnchor");
  return rs as PfFilterRule[];
}

/** Manual SA keys as given: hex with or without `0x`; absent ones are derived. */
export interface ManualKeysArgs {
  /** SPIs of the left→right and right→left SAs (`spi 0xdeadbeef:0xfeedbeef`). Default: derived. */
  spi?: { leftToRight: number; rightToLeft: number };
  /** Authentication transform. Default `hmac-sha2-256`. */
  auth?: string;
  /** Encryption transform. Default `aes` (AES with a 256-bit key when derived). */
  enc?: string;
  /** Authentication keys (hex), one per direction. Default: derived; kept secret. */
  authkey?: { leftToRight: pulumi.Input<string>; rightToLeft: pulumi.Input<string> };
  /** Encryption keys (hex), one per direction. Default: derived; kept secret. */
  enckey?: { leftToRight: pulumi.Input<string>; rightToLeft: pulumi.Input<string> };
}

/**
 * Checks the manual keys the user gave (hex of the transform's key size) and returns them as given: the
 * planner (planner/manual-keys.ts) derives the missing ones from both gateways' key seeds.
 */
export function manualKeys(m: ManualKeysArgs, label = "", field = "manual"): pulumi.Output<ManualKeysSpec> {
  const auth = m.auth ?? DEFAULT_MANUAL_AUTH;
  const enc = m.enc ?? DEFAULT_MANUAL_ENC;
  /** The rule of a given key: hex of the transform's key size (a non-hex key is refused as such, not as a length); none for an unknown transform. */
  const ruleOf = (part: "authkey" | "enckey"): TokenRule<string> | undefined => {
    const a = resolveTransform("auth", auth);
    const e = resolveTransform("enc", enc);
    const an = (w: string) => `${/^[aeio]/.test(w) ? "an" : "a"} ${w} key`;
    if (part === "authkey") return a ? hexKey(an(a), [manualKeyBytes(auth, enc).auth]) : undefined;
    return e ? hexKey(an(e), { min: ENC_INFO[e].keyMin, max: ENC_INFO[e].keyMax }) : undefined;
  };
  // each key is checked by itself when it resolves: at preview one not known yet holds back no check of the other
  const checked = (keys: ManualKeysArgs["authkey"], part: "authkey" | "enckey") =>
    pulumi.output(keys ?? null).apply((k) => {
      const rule = k ? ruleOf(part) : undefined;
      if (k && rule) for (const d of ["leftToRight", "rightToLeft"] as const) take(label, `${field}.${part}.${d}`, k[d], rule, { secret: true });
      return k;
    });
  return pulumi.all([checked(m.authkey, "authkey"), checked(m.enckey, "enckey")]).apply(([ak, ek]) => ({
    ...(m.spi ? { spi: m.spi } : {}), ...(m.auth !== undefined ? { auth: m.auth } : {}), ...(m.enc !== undefined ? { enc: m.enc } : {}),
    ...(ak ? { authkey: ak } : {}), ...(ek ? { enckey: ek } : {}),
  }));
}
