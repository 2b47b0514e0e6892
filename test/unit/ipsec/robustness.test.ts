/** The parser never throws, and every diagnostic points at a real position of the file. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KEYWORDS, lintIpsecConf, renderIpsecConf } from "../../../sdk/model/ipsec";
import { statement } from "./arbitraries";

const RUNS = 300;
const TIMEOUT = 120_000;
const pieces = [...KEYWORDS, "10.1.0.0/24", "192.0.2.1", "2001:db8::/64", "{", "}", ",", "=", "/", "(", ")", '"q s"', "$m", "m = \"x\"", "0x1000:0x1001", "\\\n", "\n", "#c\n", "aes", "hmac-sha2-256", "80", "-1", "'", '"'];

describe("robustness", () => {
  it(`token soup: no throw, positions inside the text (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join(" ");
        const lines = text.split("\n");
        for (const d of lintIpsecConf(text, "soup.conf")) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines.length);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeLessThanOrEqual(lines[d.line - 1]!.length + 1);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it(`mutated valid files (one character deleted): no throw (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), fc.nat(), (statements, at) => {
        const text = renderIpsecConf({ statements });
        const i = at % text.length;
        expect(() => lintIpsecConf(text.slice(0, i) + text.slice(i + 1), "m.conf")).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
