/** PfAnchor: a named ruleset of one gateway, loaded from /etc/pf.anchors/NAME. */
import { anchorName, refusalOf } from "../model/tokens/index";
import { anchorLabel, gwLabel, type Acc } from "./acc";
import type { PlanIssue } from "./errors";
import { checkRuleFamilies } from "./pf-families";
import { VPN_ANCHOR } from "./pf-rules";
import type { AnchorSpec } from "./spec";

export function planAnchor(a: AnchorSpec, accs: Map<string, Acc>, issues: PlanIssue[]): void {
  const acc = accs.get(a.gateway);
  const A = anchorLabel(a.resource ?? a.name);
  if (!acc) {
    issues.push({ resources: [A], field: "gateway", value: a.gateway, reason: "no Gateway has this name", fix: "pass a Gateway declared in the same program" });
    return;
  }
  const bad = refusalOf(anchorName, a.name);
  if (bad || a.name === VPN_ANCHOR) {
    issues.push({
      resources: [A, gwLabel(a.gateway)], field: "name", value: a.name,
      reason: bad ? bad.reason : `\`${VPN_ANCHOR}\` is the anchor the tunnels' rules are generated into`,
      fix: bad ? bad.fix : "choose another anchor name",
    });
    return;
  }
  if (acc.pf.anchors.has(a.name)) {
    issues.push({ resources: [A, gwLabel(a.gateway)], field: "name", value: a.name, reason: "two anchors of this gateway have this name", fix: "merge their rules or rename one" });
    return;
  }
  // rules naming the gateway's interfaces: pfctl's address-family checks with the addresses the Gateway declares
  checkRuleFamilies(acc, a.rules, [A, gwLabel(a.gateway)], (i) => (a.text ? `rules (rule ${i + 1} of the text)` : `rules[${i}]`), issues);
  acc.pf.anchors.set(a.name, a.rules);
}
