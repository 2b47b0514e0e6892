/**
 * The Pulumi CLI in a project folder, as a user runs it: its environment and one run of `pulumi ARGS`. Kept apart from
 * ./project.ts (which loads the Automation API): `npm run demo` starts with only this.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { engineEnv, ROOT } from "./env";

/**
 * The environment of the CLI in a project folder: the offline engine environment, plus
 * PULUMI_NODEJS_TRANSPILE_ONLY so Pulumi's ts-node skips type checking on every run of the examples
 * (they are type-checked by `npm run typecheck`; the user-folder test runs with full checking).
 */
export function projectEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...engineEnv(), PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...extra };
}

/** Runs `pulumi ARGS` in `cwd`; resolves with the exit status and output (never throws on a failed command). */
export function pulumiCli(
  cwd: string,
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; wrap?: string[]; onSpawn?: (p: ChildProcess) => void } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = opts.env ?? projectEnv();
  const bin = path.join(ROOT, ".tools", "bin", "pulumi");
  const [cmd, ...argv] = opts.wrap ? [...opts.wrap, bin, ...args] : [bin, ...args];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd!, argv, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(opts.stdin ?? "");
    opts.onSpawn?.(p);
  });
}

/** Runs a command in a new, empty network namespace (only loopback): nothing it does can reach a host. */
export const NO_NETWORK = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"];
