import { defineConfig } from "vitest/config";

// Three projects, run in this order by scripts/test.sh:
//  unit: pure model/planner/lint tests, no I/O beyond reading fixtures.
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
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "lab", include: ["test/lab/**/*.test.ts", "test/provider/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/support/build.ts", "test/support/examples-setup.ts"], testTimeout: 600_000, hookTimeout: 600_000 } },
    ],
  },
});
