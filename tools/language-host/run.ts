/**
 * How a program is started, exactly as Pulumi's Go `pulumi-language-nodejs` starts it (its
 * `constructArguments`, `constructConfig`, `constructConfigSecretKeys` and the environment of `Run`):
 *
 *   node [nodeargs…] <@pulumi/pulumi/cmd/run resolved from the program directory>
 *        --monitor ADDR --engine ADDR --organization O --project P --root-directory DIR --stack S
 *        --pwd DIR [--dry-run] --parallel N [--tracing URL] ENTRYPOINT [args…]
 *
 * with PULUMI_CONFIG (the config map as JSON), PULUMI_CONFIG_SECRET_KEYS (JSON array),
 * PULUMI_NODEJS_TYPESCRIPT=true (runtime option `typescript`, default true: cmd/run then loads
 * Pulumi's own ts-node) and PULUMI_NODEJS_TSCONFIG_PATH (runtime option `tsconfig`). Pure.
 */

/** What Run needs from the engine's RunRequest (and ProgramInfo). */
export interface RunSpec {
  monitor: string;
  engine: string;
  organization: string;
  project: string;
  stack: string;
  /** ProgramInfo.root_directory: the folder of Pulumi.yaml. */
  rootDirectory: string;
  /** ProgramInfo.program_directory (the `main` folder), where the program runs. */
  programDirectory: string;
  /** ProgramInfo.entry_point: "." for the folder's package.json `main`/index, or a file. */
  entryPoint: string;
  dryRun: boolean;
  parallel: number;
  tracing: string;
  args: string[];
  config: Record<string, string>;
  configSecretKeys: string[];
  /** Pulumi.yaml `runtime.options`. */
  options: RuntimeOptions;
}

/** The nodejs runtime options of Pulumi.yaml (`runtime: { name: nodejs, options: {...} }`). */
export interface RuntimeOptions {
  /** Load TypeScript through Pulumi's ts-node. Default true. */
  typescript?: boolean;
  /** Extra arguments for `node`, split on whitespace. */
  nodeargs?: string;
  /** tsconfig file for ts-node (relative to the program directory). */
  tsconfig?: string;
  /** npm, yarn, pnpm or bun (InstallDependencies). Default npm. */
  packagemanager?: string;
}

/** Reads runtime options from the ProgramInfo options struct (as plain JavaScript). */
export function runtimeOptions(raw: Record<string, unknown> | undefined): RuntimeOptions {
  const o: RuntimeOptions = {};
  if (!raw) return o;
  if (typeof raw.typescript === "boolean") o.typescript = raw.typescript;
  if (typeof raw.nodeargs === "string") o.nodeargs = raw.nodeargs;
  if (typeof raw.tsconfig === "string") o.tsconfig = raw.tsconfig;
  if (typeof raw.packagemanager === "string") o.packagemanager = raw.packagemanager;
  return o;
}

/** The argument vector for `node` (the Go host's constructArguments). */
export function nodeArguments(spec: RunSpec, runPath: string): string[] {
  const args: string[] = spec.options.nodeargs ? spec.options.nodeargs.split(/\s+/).filter((a) => a !== "") : [];
  args.push(runPath);
  const maybe = (k: string, v: string) => {
    if (v !== "") args.push(`--${k}`, v);
  };
  maybe("monitor", spec.monitor);
  maybe("engine", spec.engine);
  maybe("organization", spec.organization);
  maybe("project", spec.project);
  maybe("root-directory", spec.rootDirectory);
  maybe("stack", spec.stack);
  maybe("pwd", spec.programDirectory);
  if (spec.dryRun) args.push("--dry-run");
  maybe("parallel", String(spec.parallel));
  maybe("tracing", spec.tracing);
  args.push(spec.entryPoint === "" ? "." : spec.entryPoint);
  args.push(...spec.args);
  return args;
}

/** The environment added to the host's own (the Go host's constructEnv). */
export function programEnv(spec: RunSpec): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_CONFIG: JSON.stringify(spec.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(spec.configSecretKeys),
  };
  if (spec.options.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (spec.options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = spec.options.tsconfig;
  return env;
}

/** cmd/run exits with this code after it has shown the user an actionable error: the engine should just stop. */
export const EXITED_AFTER_USER_ACTIONABLE_MESSAGE = 32;

/** RunResponse for a finished program (the Go host's handling of the exit status). */
export function runResult(code: number | null, signal: string | null): { error: string; bail: boolean } {
  if (code === 0) return { error: "", bail: false };
  if (code === EXITED_AFTER_USER_ACTIONABLE_MESSAGE) return { error: "", bail: true };
  if (code !== null) return { error: `Program exited with non-zero exit code: ${code}`, bail: false };
  return { error: `Program exited unexpectedly: signal: ${signal ?? "unknown"}`, bail: false };
}
