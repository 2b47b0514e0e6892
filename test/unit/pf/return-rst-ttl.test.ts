/**
 * `block return-rst(ttl N)`: the TTL of the RST a block sends. Read, written and loaded as pfctl does (the recorded
 * cases test/fixtures/oracle/pfctl/return-rst-ttl.*), and checked on the typed model's own field.
 */
import { describe, expect, it } from "vitest";
import { errorOf } from "../../support/model-error";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import { renderPfRule, type PfFilterRule } from "../../../sdk/model/pf";

const block = (r: Partial<PfFilterRule>): PfFilterRule => ({ kind: "filter", action: "block", on: [], protos: ["tcp"], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] }, ...r });


describe("return-rst(ttl N)", () => {
  it("is read into returnTtl and written back as pfctl prints it; ttl 0 is plain return-rst", () => {
    const p = parsePfDetailed("block return-rst (ttl 100) in proto tcp to port 22\nblock return-rst(ttl 0) in proto tcp\n");
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const [a, b] = p.loaded as PfFilterRule[];
    expect([a!.returnTtl, b!.returnTtl]).toEqual([100, undefined]);
    expect(renderPfRule(a!)).toBe("block return-rst(ttl 100) in proto tcp from any to any port = 22");
    expect(renderPfRule(b!)).toBe("block return-rst in proto tcp all");
  });
  it("refuses a TTL past 255 with pfctl's words", () => {
    const p = parsePfDetailed("block return-rst (ttl 256) in proto tcp\n", "pf.conf");
    expect(p.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.split(":")[0])).toEqual(["illegal ttl value 256"]);
  });
  it("the typed field is checked where it was written", () => {
    expect(errorOf(() => renderPfRule(block({ blockPolicy: "return-rst", returnTtl: 300 })))).toBe("rule.returnTtl: a TTL is an integer 0-255");
    expect(errorOf(() => renderPfRule(block({ blockPolicy: "drop", returnTtl: 64 })))).toBe(
      'rule.returnTtl: returnTtl applies to `blockPolicy: "return-rst"` only (pf.conf `block return-rst(ttl N)`)',
    );
  });
});
