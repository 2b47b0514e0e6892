/**
 * Two ways a parser's error can hide where it is: pfctl's silent YYERROR (the line is dropped, nothing printed) and
 * a line that ends where a value is due (the newline is the token yacc fails on, and ends its recovery).
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";

const lint = (kind: "pf" | "iked", text: string) => lintFile(kind === "pf" ? "pf.conf" : "iked.conf", text, { kind }).map(formatDiagnostic);

describe("lint names the line pfctl drops without a message", () => {
  it("a syncookies value that is no percentage: what is wrong and how to write it", () => {
    expect(lint("pf", "set syncookies adaptive (start 25%, end 10.0.0.1)\npass\n")).toEqual([
      "pf.conf:1:41: syncookies end: `10.0.0.1` is not a percentage (a number and `%`, e.g. `25%`): pfctl refuses the line without a message",
    ]);
    // a percentage out of range is pfctl's own error
    expect(lint("pf", "set syncookies adaptive (start 150%, end 10%)\npass\n")[0]).toContain("illegal percentage value");
    expect(lint("pf", "set syncookies adaptive (start 25%, end 10%)\npass\n")).toEqual([]);
  });
});

describe("iked: a line that ends where a value is due", () => {
  it("is an error on its own line; the next line is read as usual (its own error found)", () => {
    const next = 'ikev2 "b" active esp from 10.0.2.0/24 to 10.0.3.0/24 peer 192.0.2.1 lifetime 1x\n';
    for (const cut of ['ikev2 "a" active esp proto', 'ikev2 "a" active esp proto tcp from 10.0.0.0/24 port', 'ikev2 "a" active esp from 10.0.0.0/24 to 10.0.1.0/24 lifetime']) {
      const d = lint("iked", `${cut}\n${next}`);
      expect(d, cut).toHaveLength(2);
      expect(d[0], cut).toMatch(/^iked\.conf:1:\d+: syntax error/);
      expect(d[1], cut).toMatch(/^iked\.conf:2:78: /);
    }
  });
});
