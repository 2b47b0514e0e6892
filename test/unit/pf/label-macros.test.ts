/**
 * Label and tag macros (`$srcaddr`, `$dstaddr`, `$proto`, `$if`, …) in typed pf rules: pfctl's expand_label()
 * replaces them for every rule a statement expands to, into a 64-byte buffer, and stops loading the whole file
 * (`pfctl: expand_label: label too long`) when one outgrows it. A typed rule that would do that is refused before
 * anything is rendered, naming the field; a tag that starts with a macro is written in quotes (a `$` first would be
 * read as a macro of the file).
 */
import { describe, expect, it } from "vitest";
import { ModelError } from "../../../sdk/model/diagnostics";
import { formatStatementForFile } from "../../../sdk/model/pf/render";
import { validatePfStatement } from "../../../sdk/model/pf/validate";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import type { PfFilterRule } from "../../../sdk/model/pf/types";

const V6 = (a: string) => ({ hosts: [{ kind: "address" as const, address: a }], ports: [] });
const RULE: PfFilterRule = { kind: "filter", action: "pass", direction: "in", on: [], protos: [], from: V6("2001:db8:1111:2222:3333:4444:5555:6666"), to: V6("2001:db8:1111:2222:3333:4444:5555:6667") };

function refusal(r: PfFilterRule): ModelError {
  try {
    validatePfStatement(r, "rules[0]");
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("label and tag macros in typed pf rules", () => {
  it("a label whose macros expand past 63 bytes is refused on the label, with pfctl's words", () => {
    const e = refusal({ ...RULE, label: "$srcaddr $dstaddr" });
    expect(e.field).toBe("rules[0].label");
    expect(e.message).toContain("expand_label: label too long");
    expect(e.message).toContain("pfctl stops loading the file");
  });
  it("the tag that overflows is the one named, not a short label beside it", () => {
    const e = refusal({ ...RULE, label: "in $if", tagged: { name: "x$srcaddr$dstaddr" } });
    expect(e.field).toBe("rules[0].tagged.name");
  });
  it("a label that fits is kept, and pfctl's parser expands it as pfctl does", () => {
    expect(() => validatePfStatement({ ...RULE, label: "$srcaddr" }, "rules[0]")).not.toThrow();
    const out = parsePfDetailed('pass in proto 6 from 10.1.2.3/32 to 0.0.0.0/0 label "$proto:$srcaddr>$dstaddr:$if"\npass in label "$proto"\n');
    expect(out.loaded.map((r) => (r.kind === "filter" ? r.label : undefined))).toEqual(["tcp:10.1.2.3>any:any", "ip"]);
  });
  it("a tag starting with a macro renders in quotes and parses back to the same tag", () => {
    const text = formatStatementForFile({ ...RULE, tag: "$proto", tagged: { name: "$if" } });
    expect(text).toContain('tag "$proto" tagged "$if"');
    const back = parsePfDetailed(`${text}\n`);
    expect(back.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
