/**
 * What a program folder depends on, read from its node_modules the way Pulumi's Go host does:
 * a package whose package.json has `"pulumi": { "resource": true }` brings a resource plugin
 * (name from `pulumi.name`, else the package name without `@pulumi/`; version `v` + version).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";

export interface PluginDep {
  name: string;
  kind: "resource";
  version: string;
  server: string;
}

interface PackageJson {
  name?: string;
  version?: string;
  pulumi?: { resource?: boolean; name?: string; version?: string; server?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The plugin a package.json announces, if any (the Go host's getPackageInfo). */
export function pluginOf(pkg: PackageJson): PluginDep | undefined {
  if (pkg.pulumi?.resource !== true) return undefined;
  let name = pkg.pulumi.name ?? pkg.name ?? "";
  if (name === "") return undefined;
  if (!pkg.pulumi.name) name = name.startsWith("@pulumi/") ? name.slice("@pulumi/".length) : name.replace(/^@/, "");
  let version = pkg.pulumi.version ?? pkg.version ?? "";
  if (version === "") return undefined;
  if (!version.startsWith("v")) version = `v${version}`;
  return { name, kind: "resource", version, server: pkg.pulumi.server ?? "" };
}

/** Every plugin announced under `dir/node_modules`, nested node_modules included, each once. */
export function requiredPlugins(dir: string): PluginDep[] {
  const seen = new Set<string>();
  const found = new Map<string, PluginDep>();
  const walkModules = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const e of readdirSync(modules)) {
      if (e.startsWith(".")) continue;
      const p = path.join(modules, e);
      if (e.startsWith("@")) {
        for (const s of readdirSync(p)) visitPackage(path.join(p, s));
      } else visitPackage(p);
    }
  };
  const visitPackage = (p: string) => {
    let real: string;
    try {
      real = realpathSync(p);
      if (!statSync(real).isDirectory()) return;
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    const pkg = readJson(path.join(real, "package.json"));
    const plugin = pkg && pluginOf(pkg);
    if (plugin) found.set(`${plugin.name}@${plugin.version}`, plugin);
    walkModules(path.join(real, "node_modules"));
  };
  walkModules(path.join(dir, "node_modules"));
  return [...found.values()];
}

/** The program's direct dependencies with the versions installed (GetProgramDependencies). */
export function programDependencies(dir: string): { name: string; version: string }[] {
  const pkg = readJson(path.join(dir, "package.json"));
  if (!pkg) return [];
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  return names.sort().map((name) => {
    const installed = readJson(path.join(dir, "node_modules", name, "package.json"));
    return { name, version: installed?.version ?? (pkg.dependencies?.[name] ?? pkg.devDependencies?.[name] ?? "") };
  });
}
