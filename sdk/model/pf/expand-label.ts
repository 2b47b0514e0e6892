/**
 * pfctl's expand_label() (parse.y): the macros of a rule's label and tag names (`$if`, `$srcaddr`, `$dstaddr`,
 * `$srcport`, `$dstport`, `$proto`) replaced for one combination of expand_rule (expand.ts), and the 64-byte buffer
 * they must fit.
 *
 * Pure.
 */
import { parseLiteralAddress } from "./address";
import { protocolName } from "./names";
import type { HostAf } from "./expand-hosts";
import { isRdomain, type PfAddressFamily, type PfIfSpec, type PfPort, type PfRule } from "./types";

/**
 * pfctl's expand_label(), on a label and on tag names: `$if` (the interface, or `any`), `$srcaddr` and `$dstaddr`
 * (expand_label_addr), `$srcport` and `$dstport` (expand_label_port: a `:` range is no text), `$proto`
 * (getprotobynumber(): a rule without `proto` is protocol 0, `ip`). Undefined when a step outgrows pfctl's buffer.
 */
export function expandLabel(label: string, itf: PfIfSpec | undefined, proto: string | undefined, src: HostAf["host"], sport: PfPort | undefined, dst: HostAf["host"], dport: PfPort | undefined, af: PfAddressFamily | undefined): string | undefined {
  if (!label.includes("$")) return label;
  const port = (p: PfPort | undefined) => (p === undefined || p.op === ":" ? "" : p.op === "=" ? String(p.port) : p.to !== undefined ? `${p.port}${p.op}${p.to}` : `${p.op}${p.port}`);
  const steps: [string, () => string][] = [
    // `on rdomain N` leaves the rule no interface name: `any`
    ["$if", () => (itf && !isRdomain(itf) ? itf.name : "any")],
    ["$srcaddr", () => labelAddress(src, af)],
    ["$dstaddr", () => labelAddress(dst, af)],
    ["$srcport", () => port(sport)],
    ["$dstport", () => port(dport)],
    ["$proto", () => proto ?? protocolName(0)],
  ];
  let out = label;
  for (const [name, value] of steps) {
    if (!out.includes(name)) continue;
    out = out.replaceAll(name, value());
    // expand_label_str(): each step must fit the 64-byte buffer (PF_RULE_LABEL_SIZE, PF_TAG_NAME_SIZE) with its NUL
    if (Buffer.byteLength(out) >= LABEL_SIZE) return undefined;
  }
  return out;
}

/** PF_RULE_LABEL_SIZE and PF_TAG_NAME_SIZE: a label or tag name holds at most 63 bytes and its NUL. */
export const LABEL_SIZE = 64;

/** pfctl's errx() when a label or tag name outgrows its buffer as it is expanded: pfctl stops there. */
export const LABEL_TOO_LONG = "expand_label: label too long";

/** The label, tag and tagged names of one combination all fit once expanded (else pfctl stops with {@link LABEL_TOO_LONG}). */
export function labelsFit(rule: PfRule, itf: PfIfSpec | undefined, proto: string | undefined, src: HostAf["host"], sport: PfPort | undefined, dst: HostAf["host"], dport: PfPort | undefined, af: PfAddressFamily | undefined): boolean {
  const names = [rule.label, rule.tag, rule.tagged?.name];
  return names.every((n) => n === undefined || expandLabel(n, itf, proto, src, sport, dst, dport, af) !== undefined);
}

/**
 * expand_label_addr(): an address as inet_ntop() prints it, with `/BITS` below the family's full mask (`any` for a rule
 * without a family or an all-zero address and mask), `(IF)`, `<TABLE>`, `no-route`, `urpf-failed`, `?` for a range;
 * `! ` before a negated one.
 */
function labelAddress(h: HostAf["host"], af: PfAddressFamily | undefined): string {
  if (h === undefined) return "any";
  const text = ((): string => {
    switch (h.kind) {
      case "address": {
        const a = h.address === "any" ? undefined : parseLiteralAddress(h.address);
        if (!af || !a || (a.prefix === 0 && /^[0.:]+$/.test(a.address))) return "any";
        return a.text;
      }
      case "dynamic":
        return `(${h.name})`;
      case "table":
        return `<${h.name}>`;
      case "interface":
        return h.name;
      case "range":
      case "route":
        return "?";
      default:
        return h.kind;
    }
  })();
  return "not" in h && h.not ? `! ${text}` : text;
}
