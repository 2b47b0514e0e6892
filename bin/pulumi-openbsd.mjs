#!/usr/bin/env node
// pulumi-openbsd command line: `pulumi-openbsd lint [--kind KIND] FILE...` (see sdk/lint/main.ts), and
// `pulumi-openbsd --version`. Runs the compiled package (dist/, `npm run build`; the published package ships it built).
// Paths are file paths, never URL paths: a package under `/home/José/My Projects/` is found as it is.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`pulumi-openbsd ${require("../package.json").version}\n`);
  process.exit(0);
}
const main = fileURLToPath(new URL("../dist/sdk/lint/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write("pulumi-openbsd: the package is not built (dist/ is missing): run `npm run build` in its folder\n");
  process.exit(2);
}
const { runCli } = require(main);
process.exitCode = runCli(args);
