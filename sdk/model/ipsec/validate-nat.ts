/**
 * The `(NAT)` of a rule's source (parse.y `host: host_spec '(' host_spec ')'`): the endpoint's, after a single
 * address, and those of the addresses of a source list. The parser reports these itself, in ipsecctl's words, from
 * the tokens (stage `model`); these are the typed inputs' checks.
 */
import { formatAddress } from "./address";
import { checkAddress, type RuleProblem } from "./rule-problem";
import type { IkeRule } from "./types";

/** The `(NAT)` an address of a list carries: on the source only, an address of its family, no NAT of its own. */
export function listNats(out: RuleProblem[], rule: { from: IkeRule["from"]; to: IkeRule["to"] }): void {
  if (rule.from?.nat !== undefined && (rule.from.addresses ?? []).some((a) => a.kind !== "any" && a.nat !== undefined))
    out.push({ field: "from.nat", value: formatAddress(rule.from.nat), text: "a NAT network given both for the source and for an address of it", hint: "give it once: `from ADDR (NAT)`", stage: "model" });
  for (const side of ["from", "to"] as const)
    (rule[side]?.addresses ?? []).forEach((a, i) => {
      if (a.kind === "any" || a.nat === undefined) return;
      const field = `${side}.addresses[${i}].nat`;
      const nat = a.nat;
      if (side === "to") {
        out.push({ field, value: formatAddress(nat), text: "no flow NAT support for destination network", hint: "only the source (`from { ADDR (NAT) }`) can be translated", stage: "model" });
        return;
      }
      checkAddress(out, field, nat, false);
      if (nat.kind !== "any" && nat.nat !== undefined)
        out.push({ field, value: formatAddress(nat), text: "a NAT network has no NAT of its own", hint: "write `from { ADDR (NAT) }`", stage: "model" });
      else if (a.kind === "ip" && nat.kind === "ip" && a.address.includes(":") !== nat.address.includes(":"))
        out.push({ field, value: formatAddress(nat), text: "Flow NAT address family mismatch", hint: "the NAT network must be of the same address family as the address before it", stage: "model" });
    });
}

/**
 * `from ADDR (NAT)` (parse.y `host_spec '(' host_spec ')'`): one address of the NAT's family; never on the
 * destination. Stage `model`: the parser reports these itself, in ipsecctl's words, from the tokens.
 */
export function checkNat(out: RuleProblem[], rule: { from: IkeRule["from"]; to: IkeRule["to"] }): void {
  const nat = rule.from.nat;
  if (rule.to.nat !== undefined)
    out.push({ field: "to.nat", value: formatAddress(rule.to.nat), text: "no flow NAT support for destination network", hint: "only the source (`from ADDR (NAT)`) can be translated", stage: "model" });
  if (nat === undefined) return;
  const a = rule.from.addresses;
  if (a.length !== 1 || a[0]!.kind === "any")
    out.push({ field: "from.nat", value: formatAddress(nat), text: "a NAT network follows one address, not a list or `any`", hint: "write `from ADDR (NAT)` with a single ADDR", stage: "model" });
  else if (a[0]!.kind === "ip" && nat.kind === "ip" && a[0]!.address.includes(":") !== nat.address.includes(":"))
    out.push({ field: "from.nat", value: formatAddress(nat), text: "Flow NAT address family mismatch", hint: "the NAT network must be of the same address family as the address before it", stage: "model" });
}

