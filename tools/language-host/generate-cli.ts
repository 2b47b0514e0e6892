/**
 * The code generator of `pulumi import` as a command, for the Go language host (go/host.go, GenerateProgram): reads
 * `{"source": {FILE: PCL}}` as JSON on stdin, writes `{"source": TYPESCRIPT}` or `{"error": MESSAGE}` as JSON on
 * stdout. The same generation as main.ts's GenerateProgram (pcl.ts, generate-typescript.ts).
 */
import { appendFileSync, readFileSync } from "node:fs";
import { parsePcl } from "./pcl";
import { generateTypeScript } from "./generate-typescript";

/** PCL files (name → text) → the program's TypeScript; throws a PclError for what it cannot read. */
export function generateProgram(source: Record<string, string>): string {
  const resources = Object.entries(source)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([file, text]) => {
      if (process.env.PULUMI_OPENBSD_PCL_LOG) appendFileSync(process.env.PULUMI_OPENBSD_PCL_LOG, `--- ${file}\n${text}`);
      return parsePcl(text, file);
    });
  return generateTypeScript(resources);
}

if (require.main === module) {
  let out: { source: string } | { error: string };
  try {
    const req = JSON.parse(readFileSync(0, "utf8")) as { source?: Record<string, string> | null };
    out = { source: generateProgram(req.source ?? {}) };
  } catch (e) {
    out = { error: e instanceof Error ? e.message : String(e) };
  }
  process.stdout.write(JSON.stringify(out));
}
