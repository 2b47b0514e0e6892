/**
 * A scoped IPv6 literal in a rule's from/to (`fe80::1%lo0`): pfctl's host_ip() keeps the scope as the host's
 * interface index and expand_rule binds the rule to that interface — `on lo0` when the rule names none, the
 * combination dropped when it names another (OpenBSD's regress pf14). A table or a pool drops the scope; typed rules
 * write it back between the address and its prefix length.
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic, ModelError } from "../../../sdk/model/diagnostics";
import { formatStatement, parsePf, parsePfDetailed } from "../../../sdk/model/pf";
import type { PfRule } from "../../../sdk/model/pf/types";
import { formatStatementForFile } from "../../../sdk/model/pf/render";
import { validatePfStatement } from "../../../sdk/model/pf/validate";

const loaded = (text: string) => parsePfDetailed(text, "pf.conf", { verbose: false }).loaded.map(formatStatement);

describe("a scoped literal in from/to", () => {
  it("binds the rule to the scope's interface", () => {
    expect(loaded("pass in quick from fe80::1%lo0 to any\npass in quick from any to fe80::1%lo0\n")).toEqual([
      "pass in quick on lo0 inet6 from fe80::1 to any flags S/SA",
      "pass in quick on lo0 inet6 from any to fe80::1 flags S/SA",
    ]);
  });

  it("a rule on another interface, or two scopes of different interfaces, expand to nothing", () => {
    for (const text of ["pass in on em0 from fe80::1%lo0\n", "pass in from fe80::1%em0 to fe80::2%lo0\n"]) {
      expect(lintFile("pf.conf", text, { kind: "pf" }).map(formatDiagnostic).join("\n")).toMatch(/rule expands to no valid combination/);
    }
  });

  it("a table drops it", () => {
    expect(parsePf("table <ll> { fe80::2%lo0 }\n", "pf.conf").value.tables[0]!.addresses).toEqual([{ kind: "address", address: "fe80::2" }]);
  });

  it("a typed rule writes it back before the prefix length, and refuses one on IPv4 or one that is no name", () => {
    const rule = (scope: unknown, address = "fe80::/64"): PfRule =>
      ({ kind: "filter", action: "pass", direction: "in", on: [], protos: [], from: { hosts: [{ kind: "address", address, scope }], ports: [] }, to: { hosts: [], ports: [] } }) as PfRule;
    expect(formatStatementForFile(rule("em0"))).toBe("pass in from fe80::%em0/64 to any");
    for (const [scope, address] of [["em0", "10.0.0.0/8"], ["em0\npass", "fe80::/64"], [1, "fe80::/64"]] as const) {
      expect(() => validatePfStatement(rule(scope, address), "rule")).toThrow(ModelError);
    }
  });
});
