/**
 * The planner as users run it: the compiled JavaScript of dist/ (`npm run build`, which scripts/bench.sh
 * runs first), not this checkout's TypeScript through tsx. tsx's transform wraps every function it
 * creates in a naming helper (esbuild's keepNames), which costs a large mesh's plan ~15% that no user pays.
 */
import { createRequire } from "node:module";
import type { planAndRender as PlanAndRender } from "../sdk/planner/run";

const require = createRequire(import.meta.url);

export const { planAndRender } = require("../dist/sdk/planner/run.js") as { planAndRender: typeof PlanAndRender };
