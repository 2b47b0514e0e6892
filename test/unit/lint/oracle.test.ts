import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hasErrors, lintFile } from "../../../sdk/lint";
import { maskedForLint } from "../../../sdk/lint/lint";
import { GOLDEN_PF_INTERFACES, goldenCases, type GoldenCase } from "./golden-cases";

/**
 * Lint agrees with OpenBSD's own parsers on every case of test/fixtures/oracle/{ipsecctl,pfctl,iked,sasyncd}
 * (recorded by scripts/record-oracle.sh with ../shared/oracle's parse-only ipsecctl, pfctl and iked, and
 * scripts/oracle-sasyncd.sh's sasyncd):
 * valid vs invalid (an ipsecctl case with any stderr is invalid: `illegal transform …` fails a real
 * load although `-n` exits 0), and an invalid case's first error is on the line OpenBSD's first
 * `FILE:LINE:` error names, in OpenBSD's words.
 */
const FIXTURES = fileURLToPath(new URL("../../fixtures/oracle", import.meta.url));

/**
 * Cases where lint and OpenBSD disagree, with the reason. Pinned with `it.fails`: when lint is fixed the
 * test fails; then delete the entry.
 */
const KNOWN: Readonly<Record<string, string>> = {
  // set_rule_peers() names the first pair's destination: `from lo0 to any` pairs lo0's first address with `any` of
  // its family, and on OpenBSD (and the recording host) lo0's first address is ::1. Lint knows no host's interfaces:
  // it finds the same error, naming 0.0.0.0/0
  "ipsecctl/flow-lo0-no-peer-ipip": "lint cannot know the family of an interface's first address (lo0: ::1)",
  "ipsecctl/flow-lo0-no-peer-out": "lint cannot know the family of an interface's first address (lo0: ::1)",
};

/** The files a case's input names (NAME.files/, next to which it was recorded), by the path as written. */
function sideFile(tool: string, c: GoldenCase, path: string): string | { error: string } | undefined {
  // the recording host's own /dev/null, as every host has it (`table <t> file "/dev/null"`)
  if (path === "/dev/null") return "";
  const p = `${FIXTURES}/${tool}/${c.name}.files/${path}`;
  if (path.includes("..") || path.startsWith("/") || !existsSync(p)) return undefined;
  return statSync(p).isDirectory() ? { error: "Is a directory" } : readFileSync(p, "utf8");
}

function lint(tool: string, c: GoldenCase) {
  return lintFile(c.file, c.text, { kind: c.kind, mode: c.mode, ...(c.kind === "pf" ? { pfInterfaces: GOLDEN_PF_INTERFACES, ...(c.anchor ? { pfAnchor: c.anchor } : {}) } : {}), include: (p) => sideFile(tool, c, p) });
}

for (const tool of ["ipsecctl", "pfctl", "iked", "sasyncd"] as const) {
  const cases = goldenCases(tool, `${FIXTURES}/${tool}`);
  describe(`lint agrees with ${tool} on fixtures/oracle/${tool}`, () => {
    it("has the recorded cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));
    for (const c of cases) {
      const known = KNOWN[`${tool}/${c.name}`];
      const it_ = known === undefined ? it : it.fails;
      const why = known === undefined ? "" : ` (known difference: ${known})`;
      if (c.valid) {
        it_(`${c.name}: valid, no error${why}`, () => {
          expect(lint(tool, c).filter((d) => d.severity === "error")).toEqual([]);
        });
        continue;
      }
      it_(`${c.name}: invalid${c.errorLine === undefined ? "" : `, first error on line ${c.errorLine}`}${why}`, () => {
        const ds = lint(tool, c);
        expect(hasErrors(ds)).toBe(true);
        // OpenBSD's first error in the file itself (golden-cases.ts): lint's first there (an included file's come first)
        const first = ds.find((d) => d.severity === "error" && d.file === c.file) ?? ds.find((d) => d.severity === "error");
        if (c.errorLine !== undefined) expect(first?.line).toBe(c.errorLine);
        // the message carries OpenBSD's own words (lint may prefix the field and add a hint)
        // (a word that may be part of a key is shown as `(secret)` where OpenBSD's tool prints it)
        if (c.errorText !== undefined) expect(first?.message).toContain(maskedForLint(c.errorText.replace(/\.$/, ""), c.text, c.kind));
      });
    }
  });
}
