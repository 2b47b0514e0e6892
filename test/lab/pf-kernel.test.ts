// The emulated pfctl's `load anchor` directives of a ruleset file (pf-kernel.ts), kept by text between commands.
import { describe, expect, it } from "vitest";
import { loadAnchorDirectives } from "./emu/pf-kernel";

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
