/**
 * A Pulumi plugin process started as the engine starts one: the plugin file, the engine's address as its last
 * argument, and the port it serves on printed as the first line of its stdout.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface PluginProcess {
  proc: ChildProcess;
  port: string;
  /** What the plugin has written to stderr so far. */
  stderr: () => string;
}

/** Starts `file ARGS`; resolves once it has printed its port, rejects if it exits before. */
export function startPlugin(file: string, args: string[], env: NodeJS.ProcessEnv, name = "the plugin"): Promise<PluginProcess> {
  const proc = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (b) => (stderr += b));
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (b) => {
      out += b;
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve({ proc, port: m[1]!, stderr: () => stderr });
    });
    proc.on("exit", (code) => reject(new Error(`${name} exited (${code}) before printing its port: ${stderr}`)));
  });
}
