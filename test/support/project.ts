/**
 * Pulumi project folders run as a user runs them: the package packed (`npm pack`, what the registry
 * would serve), installed once into a shared folder with the example folders' own dependencies, each
 * project a copy of its folder (Pulumi.yaml, package.json, index.ts) whose node_modules links to the
 * shared install; the real CLI (or the Automation API's LocalWorkspace with `workDir`) runs it through
 * the language host (a real pulumi-language-nodejs, or ours: tools/language-host) and Pulumi's own
 * TypeScript loader.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { engineEnv, ROOT } from "./env";
import { createStack, pulumiCommand } from "./stack";
import { leanStack } from "./lean-stack";
import { projectEnv } from "./cli";
import { processAlive } from "./process-alive";

export const STATE = path.join(ROOT, ".state");
const PACKED = path.join(STATE, "packed");

/**
 * `npm pack` of the current build (dist/ is rebuilt by the globalSetup); returns the tarball's path.
 * The prepack script (a clean build) is skipped: the build is already fresh.
 */
export function packTarball(dest = path.join(PACKED, "tarball")): string {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], { cwd: ROOT, encoding: "utf8" });
  const [info] = JSON.parse(out) as { filename: string }[];
  return path.join(dest, info!.filename);
}

/** The dependencies every example folder declares, the package itself replaced by the tarball. */
export function exampleDependencies(tarball: string): string[] {
  const specs = new Set<string>();
  for (const d of readdirSync(path.join(ROOT, "examples"))) {
    const file = path.join(ROOT, "examples", d, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) specs.add(range.startsWith("file:") ? tarball : `${name}@${range}`);
  }
  return [...specs].sort();
}

/** npm install into `dir` (a fresh folder with a package.json), install scripts off (@pulumi/command's would fetch a binary). */
export function npmInstall(dir: string, specs: string[]): void {
  execFileSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", ...specs], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
}

/**
 * The shared node_modules of the example folders: the tarball and the examples' dependencies, installed
 * once per package content (the tarball's hash); later runs reuse it. Returns its node_modules path.
 */
export function sharedModules(): string {
  const tarball = packTarball();
  const hash = createHash("sha256").update(readFileSync(tarball)).update(exampleDependencies("TARBALL").join("\n")).digest("hex").slice(0, 16);
  const dir = path.join(PACKED, `modules-${hash}`);
  const modules = path.join(dir, "node_modules");
  if (existsSync(path.join(dir, ".complete"))) return modules;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const kept = path.join(tmp, path.basename(tarball));
  cpSync(tarball, kept);
  writeFileSync(path.join(tmp, "package.json"), JSON.stringify({ name: "pulumi-openbsd-examples-modules", private: true }));
  npmInstall(tmp, exampleDependencies(kept));
  writeFileSync(path.join(tmp, ".complete"), new Date().toISOString());
  // another run of the suite in this checkout may have finished the same install meanwhile: its folder stays (its
  // tests may be reading it), this one goes
  const theirs = () => existsSync(path.join(dir, ".complete"));
  if (!theirs()) {
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!theirs()) throw e;
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  // older installs are of older package contents; another run's install under way (`.tmp-PID`, alive) is left alone
  for (const e of readdirSync(PACKED)) {
    if (!e.startsWith("modules-") || e === path.basename(dir)) continue;
    const pid = Number(/\.tmp-(\d+)$/.exec(e)?.[1]);
    if (pid && processAlive(pid)) continue;
    rmSync(path.join(PACKED, e), { recursive: true, force: true });
  }
  return modules;
}


/** Where the globalSetup of the e2e project put the shared node_modules (env), else installs it now. */
export function examplesModules(): string {
  return process.env.POB_EXAMPLES_MODULES ?? sharedModules();
}

/**
 * A copy of examples/NAME as a user's project folder (its node_modules linked to the shared install),
 * under .state/projects/ID. The copy keeps the repo clean of stack files and lets runs proceed side by side.
 */
export function exampleProject(example: string, id: string): string {
  const src = path.join(ROOT, "examples", example);
  const dir = path.join(STATE, "projects", id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(src)) if (f !== "node_modules" && !/^Pulumi\..+\.yaml$/.test(f)) cpSync(path.join(src, f), path.join(dir, f), { recursive: true });
  symlinkSync(examplesModules(), path.join(dir, "node_modules"));
  return dir;
}

/**
 * A stack of the project in `workDir` (LocalWorkspace: the CLI and the language host run the program); its up,
 * refresh and destroy run one CLI process each (./lean-stack.ts).
 */
export async function projectStack(workDir: string, stackName: string, config: Record<string, { value: string; secret?: boolean }> = {}, env = projectEnv()): Promise<Stack> {
  const stack = await createStack(
    { stackName, workDir },
    { pulumiCommand: await pulumiCommand(), envVars: env, pulumiHome: env.PULUMI_HOME, secretsProvider: "passphrase" },
  );
  if (Object.keys(config).length) await stack.setAllConfig(config);
  return leanStack(stack);
}

export { NO_NETWORK, projectEnv, pulumiCli } from "./cli";
