/**
 * Whether the engine will find this package's provider plugin. The plugin ships inside the package
 * (`providers/bin/pulumi-resource-openbsd`) and is published nowhere, so the engine finds it only where a project
 * names its folder (Pulumi.yaml `plugins.providers`), on `$PATH`, or installed by hand under the plugin cache
 * (`pulumi plugin install resource openbsd VERSION --file …`). A project without any of these fails at its first
 * GatewayConfig with the engine's own `no resource plugin 'pulumi-resource-openbsd' found in the workspace or on your
 * $PATH`, which does not say that the plugin is already on disk, nor where: the program says it first, with the lines
 * to add (the README's first step, easily skipped).
 */
import * as path from "node:path";

/** What the check reads: the project's folder, the package's, the environment and the file system. */
export interface PluginPlaces {
  /** The project's root folder (where Pulumi.yaml is). */
  projectRoot: string;
  /** This package's root folder (where its package.json is). */
  packageRoot: string;
  env: NodeJS.ProcessEnv;
  /** A file's text, or undefined when it cannot be read. */
  read(file: string): string | undefined;
  /** Whether an executable file is there. */
  executable(file: string): boolean;
  /** The names in a folder (none when it cannot be read). */
  list(dir: string): string[];
  /** The user's home folder. */
  home: string;
}

/** The plugin's executable name, as the engine looks for it. */
const PLUGIN = "pulumi-resource-openbsd";

/**
 * The warning to give, or undefined when the engine finds the plugin (or when the project file cannot be read: then
 * nothing is known, and nothing is said).
 */
export function pluginLocationProblem(p: PluginPlaces): string | undefined {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(p.projectRoot, f)).find((f) => p.read(f) !== undefined);
  if (!file) return undefined;
  // a provider entry named openbsd
  // (indented, or in a flow mapping `{ name: openbsd, path: … }`: the project's own `name:` is at the left margin)
  if (/(?:^[ \t]+(?:-[ \t]+)?|[{,][ \t]*)name[ \t]*:[ \t]*["']?openbsd["']?[ \t]*(?:[,}#]|$)/m.test(p.read(file)!)) return undefined;
  if ((p.env.PATH ?? "").split(path.delimiter).some((d) => d && p.executable(path.join(d, PLUGIN)))) return undefined;
  const cache = path.join(p.env.PULUMI_HOME || path.join(p.home, ".pulumi"), "plugins");
  if (p.list(cache).some((n) => /^resource-openbsd-v/.test(n) && !n.endsWith(".lock") && !n.endsWith(".partial"))) return undefined;
  let rel = path.relative(p.projectRoot, path.join(p.packageRoot, "providers", "bin")).split(path.sep).join("/");
  if (!rel.startsWith(".") && !path.isAbsolute(rel)) rel = `./${rel}`;
  return (
    `the engine will not find the openbsd provider plugin: it ships in this package (${rel}), and ${path.basename(file)} names no path for it, ` +
    `no ${PLUGIN} is on $PATH and none is installed in ${cache}; the engine then fails with "no resource plugin '${PLUGIN}' found". ` +
    `Add to ${file}:\nplugins:\n  providers:\n    - name: openbsd\n      path: ${rel}`
  );
}
