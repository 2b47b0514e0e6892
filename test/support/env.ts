/**
 * The ONE place that sets the offline environment for every Pulumi command the project runs
 * (tests, demo, benchmarks). Shell scripts get the same values through `scripts/env.ts`.
 *
 * - PULUMI_HOME and a file:// backend inside the project's ignored folders (.tools/, .state/);
 * - a passphrase used only for the lab's throwaway stacks;
 * - no update checks, no automatic plugin downloads, no prompts: a missing plugin fails at once.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const TOOLS_BIN = path.join(ROOT, ".tools", "bin");
export const PROVIDER_DIR = path.join(ROOT, "providers", "bin");

/** Passphrase for the lab's stacks only. Never use it for a real stack. */
export const LAB_PASSPHRASE = "pulumi-openbsd-lab-only";

export function engineEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const home = path.join(ROOT, ".tools", "pulumi-home");
  const backend = path.join(ROOT, ".state", "backend");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  return {
    ...env,
    PATH: `${TOOLS_BIN}:${env.PATH ?? "/usr/bin:/bin"}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: LAB_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_SKIP_COMMAND_DEPRECATION_WARNING: "true",
    NO_COLOR: "1",
  };
}

/** The `plugins.providers` entry every Pulumi.yaml of the repo carries (README shows users the same). */
export const PLUGINS = { providers: [{ name: "openbsd", path: PROVIDER_DIR }] };
