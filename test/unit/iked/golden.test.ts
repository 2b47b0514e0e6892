import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintIkedConf, parseIkedConf, renderIkedConf } from "../../../sdk/model/iked";
import { ikedN } from "../../lab/emu/iked-n";
import { SHARED } from "../../support/shared";

const dir = `${SHARED}/golden/iked/`;
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".conf"))
  .map((f) => f.slice(0, -5))
  .sort();
const read = (name: string): string => readFileSync(dir + name, "utf8");

describe("golden/iked: emulated iked -n is byte-identical", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThanOrEqual(16));
  for (const c of cases) {
    const mode = c.includes("mode0644") ? 0o644 : 0o600;
    it(`${c}: iked -nv -f`, () => {
      expect(ikedN(read(`${c}.conf`), `${c}.conf`, { verbose: true, mode })).toEqual({ stdout: read(`${c}.out`), stderr: read(`${c}.err`), rc: Number(read(`${c}.rc`).trim()) });
    });
    it(`${c}: iked -n -f`, () => {
      expect(ikedN(read(`${c}.conf`), `${c}.conf`, { verbose: false, mode })).toEqual({ stdout: read(`${c}.n.out`), stderr: read(`${c}.n.err`), rc: Number(read(`${c}.n.rc`).trim()) });
    });
  }
});

describe("golden/iked: the model agrees with iked", () => {
  for (const c of cases.filter((c) => !c.includes("mode0644"))) {
    const text = read(`${c}.conf`);
    const valid = read(`${c}.rc`).trim() === "0";
    it(`${c}: lint ${valid ? "accepts" : "rejects"} it`, () => {
      const errors = lintIkedConf(text, `${c}.conf`).filter((d) => d.severity === "error");
      expect(errors.length === 0).toBe(valid);
    });
    if (valid)
      it(`${c}: render(parse(x)) re-parses to the same model and iked prints the same policies`, () => {
        const a = parseIkedConf(text, `${c}.conf`);
        const rendered = renderIkedConf(a.value);
        const b = parseIkedConf(rendered, `${c}.conf`);
        expect(b.diagnostics).toEqual([]);
        expect(b.value).toEqual(a.value);
        expect(ikedN(rendered, `${c}.conf`, { verbose: true })).toEqual(ikedN(text, `${c}.conf`, { verbose: true }));
      });
  }
});
