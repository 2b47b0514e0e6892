/**
 * Where the project's shared material lives (guides in seeds/, golden outputs in golden/, reference/).
 * CI clones the repo with `shared/` beside it; a developer's checkout may sit elsewhere, so the
 * lookup is: $PULUMI_OPENBSD_SHARED, then `../shared` next to the repo, then /work/shared.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "./env";

function find(): string {
  const candidates = [process.env.PULUMI_OPENBSD_SHARED, path.resolve(ROOT, "../shared"), "/work/shared"];
  for (const c of candidates) if (c && existsSync(path.join(c, "golden"))) return c;
  throw new Error(`shared material not found (looked in ${candidates.filter(Boolean).join(", ")}); set PULUMI_OPENBSD_SHARED`);
}

export const SHARED = find();
export const GOLDEN = path.join(SHARED, "golden");
export const SEEDS = path.join(SHARED, "seeds");
