import { readFileSync } from "node:fs";

/** Reads a fixture of test/unit/output/fixtures. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}
