/**
 * Lint opens what a pf.conf names, as pfctl -n does: a table's `file "PATH"` and `load anchor NAME from
 * "PATH"` (the loaded file is linted as that anchor, its diagnostics under its own path).
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";

const files: Record<string, string> = {
  "/etc/pf.anchors/good": "pass in proto tcp to port 22\n",
  "/etc/pf.anchors/bad": "pass in\npass bogus\n",
  "/etc/pf.anchors/loop": 'anchor "l"\nload anchor "l" from "/etc/pf.anchors/loop"\n',
  "/etc/pf.table": "192.0.2.1\n",
};
const lint = (text: string) => lintFile("pf.conf", text, { kind: "pf", include: (p) => files[p] }).map(formatDiagnostic);

describe("lint follows the files a pf.conf names", () => {
  it("a table file that exists is fine; a missing one is pfctl's error on the table's line", () => {
    expect(lint('table <t> persist file "/etc/pf.table"\npass in from <t>\n')).toEqual([]);
    expect(lint('pass out\ntable <t> persist file "/etc/nope"\npass in from <t>\n')).toEqual([
      'pf.conf:2:35: cannot load "/etc/nope": No such file or directory: the table file must exist when pfctl loads the ruleset',
    ]);
  });

  it("a loaded anchor file is linted under its own path; a missing one is an error on the load line", () => {
    expect(lint('anchor "a"\nload anchor "a" from "/etc/pf.anchors/good"\n')).toEqual([]);
    expect(lint('anchor "a"\nload anchor "a" from "/etc/pf.anchors/bad"\n')).toEqual(["/etc/pf.anchors/bad:2:6: syntax error: unexpected `bogus`"]);
    expect(lint('anchor "a"\nload anchor "a" from "/etc/pf.anchors/missing"\n')).toEqual([
      "pf.conf:2:1: load anchor a: pushfile: /etc/pf.anchors/missing: No such file or directory; pfctl loads it with the ruleset: the file must exist on the host",
    ]);
  });

  it("a file that loads itself stops after a bounded depth", () => {
    expect(lint('anchor "l"\nload anchor "l" from "/etc/pf.anchors/loop"\n')).toEqual([]);
  });

  it("without a reader nothing is opened (as before)", () => {
    expect(lintFile("pf.conf", 'table <t> file "/etc/nope"\nanchor "a"\nload anchor "a" from "/etc/nope"\n', { kind: "pf" })).toEqual([]);
  });
});
