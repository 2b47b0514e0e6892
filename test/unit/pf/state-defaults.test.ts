/**
 * `set state-defaults`: pfctl gives its options to the pass rules read after it that keep state by default. A
 * model parsed from such a file and rendered again (options first) loads the same rules, and the file pfctl then
 * reads says which rules take no defaults.
 */
import { describe, expect, it } from "vitest";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import { renderPfConf } from "../../../sdk/model/pf/render";
import { expandRules } from "../../../sdk/model/pf/expand";
import type { PfRule } from "../../../sdk/model/pf/types";

const options = (rules: readonly PfRule[]) => rules.map((r) => (r.kind === "filter" ? (r.stateOptions ?? null) : null));

describe("set state-defaults", () => {
  const text = "pass from 10.0.0.1\nset state-defaults pflow, no-sync\npass from 10.0.0.2\npass from 10.0.0.3 keep state\nblock from 10.0.0.4\n";
  const parsed = parsePfDetailed(text);

  it("gives its options to the later pass rules that write no state, as pfctl loads them", () => {
    expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(options(parsed.loaded)).toEqual([null, { noSync: true, pflow: true }, null, null]);
  });
  it("renders a file that loads the same rules: the rule before it says `keep state`", () => {
    const rendered = renderPfConf(parsed.ruleset);
    expect(rendered.split("\n")).toEqual(expect.arrayContaining(["set state-defaults no-sync, pflow", "pass from 10.0.0.1 to any keep state", "pass from 10.0.0.2 to any"]));
    expect(options(parsePfDetailed(rendered).loaded)).toEqual(options(parsed.loaded));
    expect(options(expandRules(parsed.ruleset))).toEqual(options(parsed.loaded));
  });
  it("is set once: a second one is refused with pfctl's words", () => {
    const twice = parsePfDetailed("set state-defaults pflow\nset state-defaults sloppy\npass\n");
    expect(twice.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.line}: ${d.message.split(":")[0]}`)).toEqual(["2: cannot redefine state-defaults"]);
  });
});
