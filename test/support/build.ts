/**
 * vitest globalSetup: the tests run what users run — the compiled package (dist/, `npm run build`):
 * the lint CLI, the provider plugin, and example programs importing "pulumi-openbsd". Rebuilds
 * (incrementally, a few seconds) when a source under sdk/, providers/ or tools/ is newer than the
 * last build, so a test never runs stale JavaScript.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STAMP = path.join(ROOT, "dist", "package.json");

function newest(dir: string): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith(".ts")) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** True when dist/ is missing or older than a source or build setting. */
export function buildIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  const inputs = Math.max(...["sdk", "providers", "tools"].map((d) => newest(path.join(ROOT, d))), statSync(path.join(ROOT, "tsconfig.build.json")).mtimeMs);
  return inputs > built;
}

export default function setup(): void {
  if (buildIsStale()) execFileSync("bash", [path.join(ROOT, "scripts", "build.sh")], { stdio: "inherit" });
}
