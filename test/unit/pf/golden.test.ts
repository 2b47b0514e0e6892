import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintPf, parsePfctlSr, renderPfRule } from "../../../sdk/model/pf";
import { GOLDEN_INTERFACES, pfctlNv } from "../../lab/emu/pfctl-nv";
import { SHARED } from "../../support/shared";

const DIR = `${SHARED}/golden/pfctl`;
const cases = readdirSync(DIR).filter((f) => f.endsWith(".conf")).map((f) => f.slice(0, -".conf".length)).sort();
const read = (name: string) => readFileSync(`${DIR}/${name}`, "utf8");

/**
 * Golden cases whose optimized output (`pfctl -nv`, default `-o basic`) the emulator cannot
 * reproduce, with the reason. Empty: every recorded case is reproduced (the merging of six or more rules
 * into an `<__automatic_N>` table included: test/fixtures/oracle/pfctl/optimizer-table-*).
 */
const OPTIMIZER_NOT_REPRODUCED: Record<string, string> = {};

describe("golden pfctl cases", () => {
  it("covers every recorded case", () => {
    expect(cases.length).toBe(20);
  });

  for (const name of cases) {
    const text = read(`${name}.conf`);
    const rc = Number(read(`${name}.rc`).trim());

    it(`${name}: lintPf agrees with pfctl on valid/invalid`, () => {
      const diags = lintPf(text, `${name}.conf`, { interfaces: GOLDEN_INTERFACES });
      expect(diags.length > 0).toBe(rc !== 0);
      // every pfctl error line is reported at the same line
      const lines = read(`${name}.err`).split("\n").filter((l) => /^\S+\.conf:\d+: (?!skipping duplicate)/.test(l));
      expect(diags.length).toBe(lines.length);
      diags.forEach((d, i) => expect(`${d.file}:${d.line}: ${d.message}`.startsWith(lines[i])).toBe(true));
    });

    it(`${name}: pfctl -o none -nv is byte-equal (stdout, stderr, exit status)`, () => {
      const r = pfctlNv(text, `${name}.conf`, { optimize: false, interfaces: GOLDEN_INTERFACES });
      expect(r.stdout).toBe(read(`${name}.noopt.out`));
      expect(r.stderr).toBe(read(`${name}.err`));
      expect(r.rc).toBe(rc);
    });

    if (!(name in OPTIMIZER_NOT_REPRODUCED)) {
      it(`${name}: pfctl -nv (default optimizer) is byte-equal`, () => {
        const r = pfctlNv(text, `${name}.conf`, { optimize: true, interfaces: GOLDEN_INTERFACES });
        expect(r.stdout).toBe(read(`${name}.out`));
        expect(r.stderr).toBe(read(`${name}.err`));
        expect(r.rc).toBe(rc);
      });
    }

    if (rc === 0) {
      it(`${name}: parsePfctlSr reads the printed rules back and renderPfRule reprints them`, () => {
        for (const file of [`${name}.out`, `${name}.noopt.out`]) {
          const ruleLines = read(file).split("\n").filter((l) => /^(pass|block|match|anchor) /.test(l));
          const parsed = parsePfctlSr(ruleLines.join("\n"));
          expect(parsed.diagnostics).toEqual([]);
          expect(parsed.value.map(renderPfRule)).toEqual(ruleLines);
        }
      });
    }
  }

  it("without -v, a valid file prints nothing and exits 0", () => {
    const r = pfctlNv(read("guide-gw1-ipsec-pass.conf"), "f.conf", { optimize: true, interfaces: GOLDEN_INTERFACES, verbose: false });
    expect(r).toEqual({ stdout: "", stderr: "", rc: 0 });
  });
});
