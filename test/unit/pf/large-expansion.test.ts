/**
 * A statement that expands to more rules than a JavaScript call takes arguments (160,000 here: 200 sources, 200
 * destinations, 4 ports) loads as pfctl loads it. Before, `push(...rules)` threw `RangeError: Maximum call stack size
 * exceeded`, a stack trace at preview instead of the rules.
 */
import { describe, expect, it } from "vitest";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import { expandRules } from "../../../sdk/model/pf/expand";

const hosts = (b: number) => Array.from({ length: 200 }, (_, i) => `10.${b}.${Math.floor(i / 250)}.${(i % 250) + 1}`).join(" ");
const TEXT = `pass in proto tcp from { ${hosts(1)} } to { ${hosts(2)} } port { 22 80 443 8080 }\n`;

describe("a statement of 160,000 rules", () => {
  it("loads without a stack overflow, every rule of it", () => {
    const out = parsePfDetailed(TEXT, "big.conf", { verbose: false });
    expect(out.stderr).toEqual([]);
    expect(out.loaded).toHaveLength(160_000);
    expect(expandRules(out.ruleset)).toHaveLength(160_000);
  });
});
