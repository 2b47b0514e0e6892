/** Small process helpers for the lab (root namespace side). */
import { spawn } from "node:child_process";

export interface ExecResult { stdout: string; stderr: string; code: number }

/** Run argv[0] with args, optional stdin; never throws on a non-zero exit. */
export function run(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    p.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    p.on("error", reject);
    p.on("close", (code, signal) => resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) }));
    p.stdin.on("error", () => { /* child may exit before reading */ });
    p.stdin.end(opts.stdin ?? "");
  });
}

/** Run and throw with the command and its stderr when the exit status is not 0. */
export async function must(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`lab: \`${argv.join(" ")}\` exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Run `ip -batch -` (in namespace `ns` when given) with the given commands. */
export async function ipBatch(cmds: string[], ns?: string): Promise<void> {
  if (cmds.length === 0) return;
  await must(["ip", ...(ns ? ["-n", ns] : []), "-batch", "-"], { stdin: cmds.join("\n") + "\n" });
}

/** Map with bounded concurrency. */
export async function pmap<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
