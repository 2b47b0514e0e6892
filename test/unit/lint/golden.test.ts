import { describe, expect, it } from "vitest";
import { hasErrors, lintFile } from "../../../sdk/lint";
import { LANGUAGES } from "../../../sdk/lint/languages";
import { GOLDEN_PF_INTERFACES, goldenCases, type GoldenCase } from "./golden-cases";

/**
 * Cases where lint's first error is on another line than OpenBSD's (report them to the language's
 * owner). Pinned with `it.fails`: when the checker is fixed the test fails; then delete the entry.
 * None today (ipsecctl/err-gcm-static, a `\`-continued rule reported where it ends, was fixed).
 */
const KNOWN_LINE_DIFFERENCES: Readonly<Record<string, string>> = {};

function lint(c: GoldenCase) {
  return lintFile(c.file, c.text, { kind: c.kind, mode: c.mode, ...(c.kind === "pf" ? { pfInterfaces: GOLDEN_PF_INTERFACES } : {}) });
}

// Every case of /work/shared/golden/{ipsecctl,pfctl,iked,sasyncd}: lint agrees with OpenBSD's own tool on
// valid vs invalid, and an invalid case's first error is on the line OpenBSD's first error names.
for (const tool of ["ipsecctl", "pfctl", "iked", "sasyncd"] as const) {
  const cases = goldenCases(tool);
  describe(`lint agrees with ${tool} on golden/${tool}`, () => {
    it("has cases", () => {
      expect(cases.length).toBeGreaterThan(5);
    });
    for (const c of cases) {
      if (LANGUAGES[c.kind] === undefined && c.mode === 0o600) {
        it.todo(`${c.name} (no ${c.kind} checker yet)`);
        continue;
      }
      if (c.valid) {
        it(`${c.name}: valid, no error`, () => {
          expect(lint(c).filter((d) => d.severity === "error")).toEqual([]);
        });
        continue;
      }
      it(`${c.name}: invalid`, () => {
        const ds = lint(c);
        expect(hasErrors(ds)).toBe(true);
        for (const d of ds) expect(d.file).toBe(c.file);
      });
      if (c.errorLine === undefined) continue;
      const known = KNOWN_LINE_DIFFERENCES[`${tool}/${c.name}`];
      const title = `${c.name}: first error on line ${c.errorLine}, as ${tool} says${known === undefined ? "" : ` (known difference: ${known})`}`;
      (known === undefined ? it : it.fails)(title, () => {
        expect(lint(c).find((d) => d.severity === "error")?.line).toBe(c.errorLine);
      });
    }
  });
}
