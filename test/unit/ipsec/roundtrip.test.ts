/** Property tests: parse ∘ render = id on valid canonical configurations, and render ∘ parse is canonical. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIpsecConf, renderIpsecConf } from "../../../sdk/model/ipsec";
import { flowRule, ikeRule, saRule, statement, tcpMd5Rule } from "./arbitraries";

const RUNS = 400;
/** Property runs are CPU-bound; under a loaded machine they need more than vitest's default 5 s (no wall-time assertion). */
const TIMEOUT = 120_000;

describe(`parse(render(x)) deep-equals x (${RUNS} runs per property)`, () => {
  it.each([
    ["ike rules", ikeRule],
    ["flow rules", flowRule],
    ["manual SAs", saRule],
    ["tcpmd5 rules", tcpMd5Rule],
  ] as const)(`%s (${RUNS} runs)`, (_name, arb) => {
    let runs = 0;
    fc.assert(
      fc.property(arb as fc.Arbitrary<Parameters<typeof renderIpsecConf>[0]["statements"][number]>, (s) => {
        runs++;
        const text = renderIpsecConf({ statements: [s] });
        const back = parseIpsecConf(text, "prop.conf");
        expect(back.diagnostics).toEqual([]);
        expect(back.value).toEqual({ statements: [s] });
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, TIMEOUT);

  it(`whole files of 0-8 mixed statements (${RUNS} runs); rendering is canonical`, () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 8 }), (statements) => {
        runs++;
        const text = renderIpsecConf({ statements });
        const back = parseIpsecConf(text);
        expect(back.diagnostics).toEqual([]);
        expect(back.value).toEqual({ statements });
        expect(renderIpsecConf(back.value)).toBe(text);
        expect(text.split("\n")).toHaveLength(statements.length + 1);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, TIMEOUT);
});
