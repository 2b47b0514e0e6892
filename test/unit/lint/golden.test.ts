import { describe, expect, it } from "vitest";
import { hasErrors, lintFile } from "../../../sdk/lint";
import { LANGUAGES } from "../../../sdk/lint/languages";
import { GOLDEN_PF_INTERFACES, goldenCases, type GoldenCase } from "./golden-cases";

// Every case of /work/shared/golden/{ipsecctl,pfctl,iked,sasyncd}: lint agrees with OpenBSD's own tool on
// valid vs invalid, and an invalid case's first error is on the line OpenBSD's first error names.
for (const tool of ["ipsecctl", "pfctl", "iked", "sasyncd"] as const) {
  const cases = goldenCases(tool);
  describe(`lint agrees with ${tool} on golden/${tool}`, () => {
    it("has cases", () => {
      expect(cases.length).toBeGreaterThan(5);
    });
    for (const c of cases) {
      const title = `${c.name}: ${c.valid ? "valid" : `invalid${c.errorLine === undefined ? "" : ` at line ${c.errorLine}`}`}`;
      if (LANGUAGES[c.kind] === undefined && c.mode === 0o600) {
        it.todo(`${title} (no ${c.kind} checker yet)`);
        continue;
      }
      it(title, () => check(c));
    }
  });
}

function check(c: GoldenCase): void {
  const ds = lintFile(c.file, c.text, { kind: c.kind, mode: c.mode, ...(c.kind === "pf" ? { pfInterfaces: GOLDEN_PF_INTERFACES } : {}) });
  const errors = ds.filter((d) => d.severity === "error");
  if (c.valid) {
    expect(errors).toEqual([]);
    return;
  }
  expect(hasErrors(ds)).toBe(true);
  for (const d of ds) expect(d.file).toBe(c.file);
  if (c.errorLine !== undefined) expect(errors[0]!.line).toBe(c.errorLine);
}
