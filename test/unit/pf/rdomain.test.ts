/**
 * `on rdomain N` (pf.conf(5)): a rule's routing domain, on filter, match and anchor rules, in lists and negated;
 * pfctl keeps no interface name for it, gives it a skip step of its own in the optimizer and never merges rules of
 * different routing domains (test/fixtures/oracle/pfctl/rdomain-*). `received-on rdomain N` is read and dropped, as
 * pfctl does, with a warning; `set skip on rdomain N` and a queue on one are refused in pfctl's words.
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic, ModelError } from "../../../sdk/model/diagnostics";
import { formatStatement, optimizeRules, parsePfDetailed } from "../../../sdk/model/pf";
import { checkPfRuleKeys } from "../../../sdk/model/pf/shape";
import type { PfRule } from "../../../sdk/model/pf/types";
import { formatStatementForFile } from "../../../sdk/model/pf/render";
import { validatePfStatement } from "../../../sdk/model/pf/validate";

const lint = (text: string) => lintFile("pf.conf", text, { kind: "pf" }).map(formatDiagnostic);
const loaded = (text: string) => {
  const out = parsePfDetailed(text, "pf.conf", { verbose: false });
  expect(out.stderr).toEqual([]);
  return out.loaded.map(formatStatement);
};
/** What `pfctl -nv` prints of the rules: after the optimizer. */
const optimized = (text: string) => {
  const out = parsePfDetailed(text, "pf.conf", { verbose: false });
  expect(out.stderr).toEqual([]);
  return optimizeRules(out.loaded.filter((s): s is PfRule => s.kind === "filter" || s.kind === "anchor")).map(formatStatement);
};

const rule = (on: unknown[]) => ({ kind: "filter", action: "pass", direction: "in", on, protos: ["tcp"], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [{ op: "=", port: 22 }] } });

describe("on rdomain N", () => {
  it("is read, expanded per item and printed as pfctl prints it", () => {
    expect(loaded("pass in on { ! rdomain 1, em0 } proto tcp to port 22\n")).toEqual([
      "pass in on ! rdomain 1 proto tcp from any to any port = 22 flags S/SA",
      "pass in on em0 proto tcp from any to any port = 22 flags S/SA",
    ]);
    expect(loaded('anchor "a" on rdomain 1\n')).toEqual(['anchor "a" on rdomain 1 all']);
    // $if: no interface name
    expect(loaded('pass on rdomain 2 label "$if"\n')).toEqual(['pass on rdomain 2 all flags S/SA label "any"']);
  });

  it("the optimizer groups rules of one routing domain (skip step) and merges none across them", () => {
    expect(optimized("pass in on rdomain 1 proto tcp to port 22\npass in on rdomain 2 proto tcp to port 22\npass in on rdomain 1 proto tcp to port 80\n")).toEqual([
      "pass in on rdomain 1 proto tcp from any to any port = 22 flags S/SA",
      "pass in on rdomain 1 proto tcp from any to any port = 80 flags S/SA",
      "pass in on rdomain 2 proto tcp from any to any port = 22 flags S/SA",
    ]);
    expect(optimized("block in on rdomain 1\nblock in on rdomain 1\nblock in on rdomain 2\n")).toEqual(["block drop in on rdomain 1 all", "block drop in on rdomain 2 all"]);
  });

  it("out of range, or not a number: pfctl's errors", () => {
    expect(lint("pass on rdomain 256\n")).toEqual(["pf.conf:1:17: rdomain 256 outside range: a routing domain is 0-255 (rdomain(4))"]);
    expect(lint("pass on rdomain foo\n")).toEqual(["pf.conf:1:17: syntax error: unexpected `foo`"]);
  });

  it("received-on rdomain N: read and dropped as pfctl drops it, with a warning; a second received-on is refused", () => {
    expect(loaded("pass in received-on rdomain 1\n")).toEqual(["pass in all flags S/SA"]);
    expect(lint("pass in received-on rdomain 1\n")).toEqual([
      "pf.conf:1:21: warning: `received-on rdomain 1`: pfctl reads it and keeps nothing of it, so the rule matches packets received on any interface; name the interface instead (`received-on em0`)",
    ]);
    expect(lint("pass in received-on rdomain 1 received-on em0\n")[1]).toBe("pf.conf:1:43: cannot respecify received-on");
  });

  it("set skip, queues and antispoof on a routing domain are refused", () => {
    expect(lint("set skip on { lo rdomain 1 }\n")).toEqual([
      "pf.conf:1:29: skip on rdomain <num> is not supported: name the interfaces to skip",
      "pf.conf:1:29: error setting skip interface(s)",
    ]);
    expect(lint("queue q on rdomain 1 bandwidth 10M default\n")[0]).toMatch(/^pf\.conf:1:\d+: not an interface: a queue is on an interface; `rdomain 1` is a routing domain$/);
    expect(lint("antispoof for rdomain 1\n")).toEqual([
      "pf.conf:1:15: `antispoof for rdomain N` is valid pf.conf but not part of this model's pf language: pfctl makes its rules from the addresses of every interface of the host; name the interfaces",
    ]);
  });
});

describe("typed rules on a routing domain", () => {
  it("render and validate", () => {
    const r = rule([{ rdomain: 3 }, { rdomain: 4, not: true }, { name: "em0" }]);
    expect(() => validatePfStatement(structuredClone(r) as never, "rules[0]")).not.toThrow();
    expect(formatStatementForFile(r as never)).toBe("pass in on { rdomain 3 ! rdomain 4 em0 } proto tcp from any to any port = 22");
  });

  it("a routing domain outside 0-255, of another type, or with a name beside it: one error naming the field", () => {
    expect(() => validatePfStatement(rule([{ rdomain: 256 }]) as never, "rules[0]")).toThrow(new ModelError("rules[0].on[0].rdomain", 256, "rdomain outside range; a routing domain is 0-255 (rdomain(4))"));
    expect(() => validatePfStatement(rule([{ rdomain: 1.5 }]) as never, "rules[0]")).toThrow(new ModelError("rules[0].on[0].rdomain", 1.5, "rdomain outside range; a routing domain is 0-255 (rdomain(4))"));
    expect(() => validatePfStatement(rule([{ rdomain: "1" }]) as never, "rules[0]")).toThrow(new ModelError("rules[0].on[0].rdomain", "1", "expected a number"));
    // a rule the user wrote: a key the routing domain does not take is refused, not left out
    expect(() => checkPfRuleKeys(rule([{ rdomain: 1, name: "em0" }]), "rules[0]")).toThrow(/rules\[0\]\.on\[0\]\.name/);
  });
});
