// The emulated pfctl's `load anchor` directives of a ruleset file (pf-kernel.ts), kept by text between commands (recent.ts).
import { describe, expect, it } from "vitest";
import { loadAnchorDirectives } from "./emu/pf-kernel";
import { Recent } from "./emu/recent";

describe("load anchor directives", () => {
  const text = 'd = "b"\npass\nanchor "vpn"\nanchor $d\nload anchor "vpn" from "/etc/pf.anchors/vpn"\nload anchor $d \\\n  from "/etc/pf.anchors/b"\n';

  it("come in file order, as pfctl reads them (macros expanded, lines continued)", () => {
    expect(loadAnchorDirectives(text)).toEqual([
      { anchor: "vpn", file: "/etc/pf.anchors/vpn" },
      { anchor: "b", file: "/etc/pf.anchors/b" },
    ]);
  });

  it("every call gets its own objects: a caller changing them changes nothing for the next", () => {
    const a = loadAnchorDirectives(text);
    a[0]!.anchor = "changed";
    a.push({ anchor: "x", file: "y" });
    expect(loadAnchorDirectives(text).map((d) => d.anchor)).toEqual(["vpn", "b"]);
  });

  it("another text gets its own directives", () => {
    loadAnchorDirectives(text);
    expect(loadAnchorDirectives('load anchor "z" from "/z"\n')).toEqual([{ anchor: "z", file: "/z" }]);
    expect(loadAnchorDirectives("pass\n")).toEqual([]);
  });
});

describe("the emulator's recently used values", () => {
  it("drop the least recently used past their size; a read makes a value recent again", () => {
    const r = new Recent<string, number>(2);
    r.set("a", 1);
    r.set("b", 2);
    expect(r.get("a")).toBe(1);
    r.set("c", 3);
    expect([r.get("a"), r.get("b"), r.get("c")]).toEqual([1, undefined, 3]);
    r.set("a", 9);
    r.set("d", 4);
    expect([r.get("a"), r.get("c"), r.get("d")]).toEqual([9, undefined, 4]);
  });
});
