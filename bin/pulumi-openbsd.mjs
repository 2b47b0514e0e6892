#!/usr/bin/env node
// pulumi-openbsd command line: `pulumi-openbsd lint [--kind KIND] FILE...` (see sdk/lint/main.ts).
// Registers tsx so the TypeScript sources run as they are, without a build step.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../sdk/lint/main.ts");
process.exitCode = runCli(process.argv.slice(2));
