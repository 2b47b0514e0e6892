/**
 * PfAnchor rules naming a gateway's interfaces or groups (`egress`, `egress:network`, `nat-to egress`) are
 * checked at preview with the addresses the Gateway declares, as `pfctl -a NAME -nf` checks them on the host
 * (parse.y expand_rule, collapse_redirspec, rule_consistent): pfctl's reason, word for word, and the fix.
 * The verdicts agree with OpenBSD's pfctl (scripts/oracle-pf-families.ts: 0 disagreements on random rules).
 */
import { describe, expect, it } from "vitest";
import { expandStatement } from "../../../sdk/model/pf/expand";
import { parsePf } from "../../../sdk/model/pf/parser";
import type { PfFilterRule, PfRule } from "../../../sdk/model/pf/types";
import { planTopology, PlanError, type ExternalSpec } from "../../../sdk/planner";
import { FP_KEY, gw, gw2, topo, tunnel } from "./fixtures";

const V4 = { address: "192.0.2.153", prefix: 24 };
const V6 = { address: "2001:db8::153", prefix: 64 };
const rulesOf = (text: string): PfRule[] => parsePf(text, "t").value.rules as PfRule[];

/** The planner's message for an anchor of `gw1` holding `rules` (typed), or "accepted". */
function verdict(external: Partial<ExternalSpec>, rules: PfRule[] | string): string {
  const g = gw("gw1", "192.0.2.153", "172.16.0.0/24", { external: { interface: "em1", configure: false, ...external } });
  const text = typeof rules === "string";
  try {
    planTopology(topo({ gateways: [g], tunnels: [], anchors: [{ name: "web", gateway: "gw1", rules: text ? rulesOf(rules) : rules, ...(text ? { text: true } : {}) }] }), { fingerprintKey: FP_KEY });
    return "accepted";
  } catch (e) {
    if (e instanceof PlanError) return e.message;
    throw e;
  }
}

const A = 'PfAnchor "web", Gateway "gw1"';

describe("pf rules naming the gateway's interfaces: pfctl's address-family checks at preview", () => {
  it("proto icmp to egress:network when the external interface also has an IPv6 address", () => {
    const rules = [...rulesOf("pass in proto tcp to port 22\n"), ...rulesOf("pass\n"), ...rulesOf("block\n"), ...rulesOf("pass out proto icmp to egress:network\n")];
    expect(verdict({ address: V4, address6: V6 }, rules)).toBe(
      `${A}: rules[3] = pass out proto icmp from any to egress:network: pfctl refuses it on this gateway, where egress (em1 192.0.2.153/24, 2001:db8::153/64): proto icmp doesn't match address family inet6; add \`inet\` to the rule (it then matches the IPv4 addresses of egress only), or write a second rule with \`inet6 proto icmp6\` for IPv6`,
    );
    expect(verdict({ address: V4, address6: V6 }, rulesOf("pass out inet proto icmp to egress:network\n"))).toBe("accepted");
    // IPv4 only, written to hostname.em1: nothing of the other family
    expect(verdict({ address: V4, configure: true }, rulesOf("pass out proto icmp to egress:network\n"))).toBe("accepted");
  });

  it("an IPv4-only rule on egress:network of an IPv6-only gateway: no valid combination", () => {
    expect(verdict({ address6: V6, configure: true }, "pass out inet from 10.0.0.0/8 to egress:network\n")).toBe(
      `${A}: rules (rule 1 of the text) = pass out inet from 10.0.0.0/8 to egress:network: pfctl refuses it on this gateway, where egress (em1 2001:db8::153/64): rule expands to no valid combination; use addresses of one family on both sides: change or remove the rule's \`inet\`/\`inet6\`, or declare the address of that family on egress (Gateway \`external.address6\`, …)`,
    );
    expect(verdict({ address6: V6, configure: true }, "pass out proto icmp to egress:network\n")).toBe(
      `${A}: rules (rule 1 of the text) = pass out proto icmp from any to egress:network: pfctl refuses it on this gateway, where egress (em1 2001:db8::153/64): proto icmp doesn't match address family inet6; rule expands to no valid combination; write \`proto icmp6\` (egress has IPv6 addresses only), or declare its IPv4 address on the Gateway`,
    );
    // left as installed (configure: false), em1 may hold an IPv4 address too: not refused on a guess
    expect(verdict({ address6: V6 }, "pass out inet from 10.0.0.0/8 to egress:network\n")).toBe("accepted");
  });

  it("nat-to egress without inet/inet6 on a dual-stack gateway: addresses of two families", () => {
    expect(verdict({ address: V4, address6: V6 }, "match out on egress nat-to egress\n")).toBe(
      `${A}: rules (rule 1 of the text) = match out on egress all nat-to egress: pfctl refuses it on this gateway, where egress (em1 192.0.2.153/24, 2001:db8::153/64): translation spec contains addresses with different address families; rule expands to no valid combination; add \`inet\` or \`inet6\` to the rule (pfctl then uses the addresses of that family only), or name one address`,
    );
    expect(verdict({ address: V4, address6: V6 }, "match out on egress inet nat-to egress\n")).toBe("accepted");
    // the source's family chooses the pool's addresses (172.16.0.0/24 is IPv4)
    expect(verdict({ address: V4, address6: V6 }, "match out on egress from 172.16.0.0/24 nat-to egress\n")).toBe("accepted");
    expect(verdict({ address: V4, configure: true }, "match out on egress nat-to egress\n")).toBe("accepted");
    expect(verdict({ address6: V6, configure: true }, "match out on egress inet nat-to egress\n")).toBe(
      `${A}: rules (rule 1 of the text) = match out on egress inet all nat-to egress: pfctl refuses it on this gateway, where egress (em1 2001:db8::153/64): af mismatch in translation spec; rule expands to no valid combination; translate to an address of the rule's address family, or change the rule's \`inet\`/\`inet6\``,
    );
  });

  it("names the gateway does not declare are not checked: never refuse what might be valid", () => {
    expect(verdict({ address: V4, address6: V6 }, "pass out proto icmp to em5:network\n")).toBe("accepted");
    expect(verdict({ address: V4, address6: V6 }, "match out on em5 nat-to em5\n")).toBe("accepted");
    expect(verdict({ address: V4, address6: V6 }, "pass out proto icmp to (egress)\n")).toBe("accepted");
    // em0 (internal) has no declared address
    expect(verdict({ address6: V6, configure: true }, "pass out inet6 to em0:network\n")).toBe("accepted");
  });
});

describe("pf model: collapse_redirspec with known interfaces (expandStatement, partial interface table)", () => {
  const ifs = [
    { name: "em1", addresses: ["203.0.113.1/24"], groups: ["egress"] },
    { name: "em0", addresses: ["2001:db8:5::1/64"], groups: [] },
  ];
  const errs = (text: string) => expandStatement(rulesOf(text)[0]!, { interfaces: ifs, partial: true }).errors;
  it("a pool's family skips the combinations of the other family (pfctl accepts)", () => {
    expect(errs("pass out from { em0 em1 } to any nat-to 192.0.2.1\n")).toEqual([]);
    expect(errs("pass out from any to self nat-to em0:network\n")).toEqual([]);
  });
  it("a pool with no address of the rule's family: af mismatch, once per combination as pfctl prints it", () => {
    expect(errs("pass out on em1 inet6 nat-to em1\n")).toEqual(["af mismatch in translation spec", "skipping rule due to errors", "rule expands to no valid combination"]);
    expect(errs("pass out on em1 inet route-to em0\n")).toEqual(["af mismatch in routing spec", "skipping rule due to errors", "rule expands to no valid combination"]);
  });
});

describe("a tunnel end's rules (loaded in the vpn anchor) are checked the same way", () => {
  it("left.rules[N] naming egress of a dual-stack gateway", () => {
    const g = gw("gw1", "192.0.2.153", "172.16.0.0/24", { external: { interface: "em1", address: V4, address6: V6, configure: false } });
    const t = tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [...rulesOf("pass out on enc0 from 172.16.0.0/24 to 192.168.15.0/24\n"), ...rulesOf("pass in on egress proto icmp from any to egress\n")] as PfFilterRule[] } });
    expect(() => planTopology(topo({ gateways: [g, gw2()], tunnels: [t] }), { fingerprintKey: FP_KEY })).toThrow(
      `SiteToSiteTunnel "net1-net2", Gateway "gw1": left.rules[1] = pass in on egress proto icmp from any to egress: pfctl refuses it on this gateway, where egress (em1 192.0.2.153/24, 2001:db8::153/64): proto icmp doesn't match address family inet6; add \`inet\` to the rule (it then matches the IPv4 addresses of egress only), or write a second rule with \`inet6 proto icmp6\` for IPv6`,
    );
  });
});

describe("interfaces left as installed that the rule does not name do not weaken the check", () => {
  it("five internal interfaces left as installed: egress is still checked", () => {
    const internal = [0, 1, 2, 3, 4].map((k) => ({ interface: `em${k + 2}`, network: `10.${k}.0.0/24`, address: { address: `10.${k}.0.1`, prefix: 24 }, configure: false }));
    const g = gw("gw1", "192.0.2.153", "172.16.0.0/24", { external: { interface: "em1", address: V4, address6: V6, configure: false }, internal });
    expect(() => planTopology(topo({ gateways: [g], tunnels: [], anchors: [{ name: "web", gateway: "gw1", rules: rulesOf("pass out proto icmp to egress:network\n") }] }), { fingerprintKey: FP_KEY })).toThrow(
      `${A}: rules[0] = pass out proto icmp from any to egress:network: pfctl refuses it on this gateway, where egress (em1 192.0.2.153/24, 2001:db8::153/64): proto icmp doesn't match address family inet6; add`,
    );
  });
});
