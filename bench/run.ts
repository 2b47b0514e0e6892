/**
 * `npm run bench`: runs every bench/<area>.ts (each exports a default async function that prints
 * `name: value unit` lines). Numbers in closing notes come from here.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const f of readdirSync(dir).sort()) {
  if (!f.endsWith(".ts") || f === "run.ts") continue;
  const name = f.replace(/\.ts$/, "");
  if (only.length && !only.includes(name)) continue;
  console.log(`== ${name}`);
  const mod = await import(path.join(dir, f));
  await mod.default();
}
