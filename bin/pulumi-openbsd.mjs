#!/usr/bin/env node
// pulumi-openbsd command line: `pulumi-openbsd lint [--kind KIND] FILE...` (see sdk/lint/main.ts).
// Runs the compiled package (dist/, `npm run build`; the published package ships it built).
import { createRequire } from "node:module";
import { existsSync } from "node:fs";

const main = new URL("../dist/sdk/lint/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("pulumi-openbsd: the package is not built (dist/ is missing): run `npm run build` in its folder\n");
  process.exit(2);
}
const { runCli } = createRequire(import.meta.url)(main.pathname);
process.exitCode = runCli(process.argv.slice(2));
