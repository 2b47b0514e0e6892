/**
 * globalSetup of the e2e project: packs the package and installs it once (with the example folders'
 * dependencies) into .state/packed/modules-HASH, shared by every example project of the run
 * (test/support/project.ts). Runs after test/support/build.ts has refreshed dist/. With POB_EXAMPLES_LAZY=1 it
 * installs nothing: an example project then installs on first use (test/support/project.ts examplesModules()).
 */
import { sharedModules } from "./project";

export default function setup(): void {
  // a run without example folders (scripts/matrix.sh) installs them only if a test asks (examplesModules())
  if (process.env.POB_EXAMPLES_LAZY === "1") return;
  const t0 = Date.now();
  process.env.POB_EXAMPLES_MODULES = sharedModules();
  process.stderr.write(`[e2e] examples' node_modules: ${process.env.POB_EXAMPLES_MODULES} (${((Date.now() - t0) / 1000).toFixed(1)}s)\n`);
}
