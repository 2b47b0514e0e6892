/**
 * TEST DOUBLE — the calling convention of the emulated OpenBSD commands.
 *
 * Each emulated command is a module `test/lab/emu/cmd/<name>.ts` whose default export is a {@link Command}.
 * Inside a lab gateway, `/sbin/ifconfig` etc. are small wrapper scripts that run the thin client (`client.c`),
 * which hands argv, stdin, cwd and environment to the gateway's resident emulator (`server.ts`); that calls the
 * module with them and sends back stdout, stderr and the exit status. Tests call {@link runCommand} in-process.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { rootPath } from "./state";

/** What a command sees: its arguments (without the command name), stdin, output sinks, environment, cwd. */
export interface Io {
  /** Arguments after the command name (`["-n", "net.inet.ip.forwarding"]`). */
  argv: string[];
  /** The whole of standard input (read once, on demand). */
  stdin: () => Promise<string>;
  /** Write to standard output. */
  out: (s: string) => void;
  /** Write to standard error. */
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Catch SIGINT/SIGTERM/SIGHUP sent to this command (a foreground daemon's `-d`). Given by the resident emulator,
   * where the command is not a process of its own: the thin client forwards the signal. A command that does not
   * catch a signal dies of it, as a process would. Absent in a one-shot process: use `process.once` there.
   */
  onSignal?: (handler: (signal: NodeJS.Signals) => void) => void;
  /**
   * Aborted when the command dies before it returns: a signal it does not catch, or its client gone (killed, its
   * process group stopped). A process would be gone at that point, so what the command runs (a shell for a
   * hostname.if `!cmd` line) is killed and the command goes no further. Absent in a one-shot process.
   */
  killed?: AbortSignal;
}

/** An emulated command: returns its exit status. */
export type Command = (io: Io) => Promise<number>;

/** Resolve a path given on a command line: relative to cwd, and on the gateway root when EMU_ROOT is set. */
export function argPath(io: Io, p: string): string {
  return isAbsolute(p) ? rootPath(p) : join(io.cwd, p);
}

/** Read a file named on the command line (`-` is stdin). */
export async function readArgFile(io: Io, p: string): Promise<string> {
  return p === "-" ? io.stdin() : readFile(argPath(io, p), "utf8");
}

/** Load `cmd/<name>.ts`; undefined when no such emulated command exists. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z0-9_-]+$/.test(name)) return undefined;
  try {
    // with the extension so that the lab's esbuild bundle (which globs ./cmd/*.ts) and tsx resolve alike
    return ((await import(`./cmd/${name}.ts`)) as { default: Command }).default;
  } catch (e) {
    const msg = String((e as Error).message);
    if (msg.includes(`cmd/${name}`) && ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" || msg.includes("Module not found in bundle"))) return undefined;
    throw e;
  }
}

/** Result of {@link runCommand}. */
export interface RunResult { stdout: string; stderr: string; code: number }

/** Run an emulated command in-process (tests): `runCommand("sysctl", ["-n", "net.inet.ip.forwarding"])`. */
export async function runCommand(name: string, argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; killed?: AbortSignal } = {}): Promise<RunResult> {
  const cmd = await loadCommand(name);
  if (!cmd) return { stdout: "", stderr: `${name}: not found\n`, code: 127 };
  let stdout = "";
  let stderr = "";
  const code = await cmd({
    argv,
    stdin: async () => opts.stdin ?? "",
    out: (s) => { stdout += s; },
    err: (s) => { stderr += s; },
    env: opts.env ?? process.env,
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.killed ? { killed: opts.killed } : {}),
  });
  return { stdout, stderr, code };
}
