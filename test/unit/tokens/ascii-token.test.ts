/** asciiToken: how a parser's syntax error shows the token it stopped at (ipsec.conf's `unexpected \`…\``). */
import { describe, expect, it } from "vitest";
import { asciiToken } from "../../../sdk/model/tokens/refusal";
import { parseIpsecConf } from "../../../sdk/model/ipsec/index";

describe("asciiToken", () => {
  it("escapes every character outside printable ASCII, by name where it has one", () => {
    expect(asciiToken("\r")).toBe("\\r");
    expect(asciiToken("\f")).toBe("\\f");
    expect(asciiToken("\v")).toBe("\\v");
    expect(asciiToken("é")).toBe("\\u00e9");
    expect(asciiToken("\u00a0")).toBe("\\u00a0");
    expect(asciiToken("a\\b\"")).toBe("a\\b\"");
  });
  it("is what an ipsec.conf syntax error shows", () => {
    const at = (text: string) => parseIpsecConf(text, "f").diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);
    expect(at("ike esp from any to any\r\n")).toEqual(["1:24: syntax error; unexpected `\\r`"]);
    expect(at("ike\u00a0esp from any to any\n")).toEqual(["1:4: syntax error; unexpected `\\u00a0`"]);
  });
});
