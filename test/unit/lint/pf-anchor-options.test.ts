/**
 * Anchor rules take the filter options pfctl keeps on them (flags, prio, tos, received-on, user, set (…), label …),
 * printed as pfctl prints them (test/fixtures/oracle/pfctl/anchor-opt*). pfctl also reads nat-to, rdr-to,
 * binat-to and divert-to on an anchor rule and then drops them without a word: lint accepts the file, as pfctl
 * does, and warns that the option does nothing there.
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { formatStatement, parsePfDetailed } from "../../../sdk/model/pf";

const lint = (text: string) => lintFile("pf.conf", text, { kind: "pf" }).map(formatDiagnostic);

describe("anchor rules with filter options", () => {
  it("are read and printed as pfctl prints them", () => {
    const out = parsePfDetailed('anchor "vpn" in on em0 proto tcp user 0 flags S/SA prio 2 set (prio 4, delay 20) label "$if" received-on any\n', "pf.conf", { verbose: false });
    expect(out.stderr).toEqual([]);
    expect(out.loaded.map(formatStatement)).toEqual(['anchor "vpn" in on em0 proto tcp all received-on any user = 0 flags S/SA prio 2 set (prio 4, delay 20) label "em0"']);
  });

  it("a translation or divert on an anchor rule: valid, with a warning that pfctl ignores it", () => {
    expect(lint('anchor "x" out on em0 nat-to 192.0.2.1\nanchor "y" in divert-to 127.0.0.1 port 8080\n')).toEqual([
      "pf.conf:1:23: warning: `nat-to` on an anchor rule: pfctl reads it and ignores it (an anchor rule translates and diverts nothing); put it on a rule inside the anchor",
      "pf.conf:2:15: warning: `divert-to` on an anchor rule: pfctl reads it and ignores it (an anchor rule translates and diverts nothing); put it on a rule inside the anchor",
    ]);
  });

  it("state, routing, once and af-to are refused as pfctl refuses them (af-to: outside the model)", () => {
    expect(lint('anchor "x" keep state\n')).toEqual(["pf.conf:1:22: cannot specify state handling on anchors"]);
    expect(lint('anchor "x" out route-to 192.0.2.1\n')).toEqual(["pf.conf:1:34: cannot specify route handling on anchors"]);
    expect(lint('anchor "x" once\n')).toEqual(["pf.conf:1:16: 'once' only applies to pass/block rules"]);
    expect(lint('anchor "x" in af-to inet6 from 2001:db8::1\n')).toEqual([
      "pf.conf:1:15: `af-to` on an anchor rule is not part of this model's pf language: translate on a pass rule inside the anchor",
    ]);
  });
});
