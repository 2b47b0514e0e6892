import { defineConfig } from "vitest/config";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Unit test files that need a fresh module graph of their own: the Pulumi runtime's mocks are process state, and an
 * example program registers its resources when its module is first imported. The other unit files share their
 * workers' modules (`isolate: false`): importing the model, the planner and the parsers once per worker instead of
 * once per file is two thirds of the unit tests' CPU time.
 */
const ROOT = new URL(".", import.meta.url).pathname;
const UNIT = "test/unit";
const NEEDS_ISOLATION = /@pulumi\/pulumi|mocks|sdk\/components|sdk\/index|"pulumi-openbsd"|examples\//;
const unitFiles = (readdirSync(join(ROOT, UNIT), { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts")).map((f) => join(UNIT, f));
const isolatedUnitFiles = unitFiles.filter((f) => NEEDS_ISOLATION.test(readFileSync(join(ROOT, f), "utf8")));

// Projects, run by scripts/test.sh:
//  unit, unit-isolated: pure model/planner/lint/component tests, no I/O beyond reading fixtures (`--project 'unit*'`).
//  lab:  the lab (network namespaces, sshd, emulator) and the provider against it. Needs root.
//  e2e:  the real Pulumi engine (built by `npm run engine`) against the lab.
// Lab and e2e files are isolated (each brings up its own lab under its own prefix; labs reserve their networks
// atomically), so they may run side by side: `npx vitest run --project lab` alone keeps vitest's default of one
// worker on 2 cores, scripts/test.sh runs both projects together with several workers.
export default defineConfig({
  resolve: { alias: { "pulumi-openbsd": new URL("./sdk/index.ts", import.meta.url).pathname } },
  test: {
    // every project runs the compiled package where a user would (lint CLI, plugin, example programs)
    globalSetup: ["test/support/build.ts"],
    projects: [
      // 30 s: `npm test` runs the unit tests beside the lab and e2e legs on 2 cores, where a test that starts
      // shellcheck or the fuzzers can take several times its quiet time (5 s, vitest's default, timed out once)
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], exclude: isolatedUnitFiles, isolate: false, testTimeout: 30_000 } },
      { extends: true, test: { name: "unit-isolated", include: isolatedUnitFiles, testTimeout: 30_000 } },
      { extends: true, test: { name: "lab", include: ["test/lab/**/*.test.ts", "test/provider/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/support/build.ts", "test/support/examples-setup.ts"], testTimeout: 600_000, hookTimeout: 600_000 } },
    ],
  },
});
