/**
 * TEST DOUBLE — running a shell command from inside an emulated command without blocking the emulator: in the
 * resident emulator (server.ts) every command of the gateway shares one event loop, and the shell line may itself
 * run emulated commands (hostname.if `!route add …` → the thin client → this server), which a synchronous spawn
 * would deadlock.
 */
import { spawn } from "node:child_process";
import type { Io } from "./command";

/** The command died (io.killed) while a shell it ran was still running: it goes no further. */
export class CommandKilled extends Error {
  constructor() {
    super("killed");
  }
}

/** Run `/bin/sh -c line` in `cwd` with the command's environment; its stdout/stderr go to the command's. */
export function shell(io: Io, line: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (io.killed?.aborted) return reject(new CommandKilled());
    // a process group of its own: the command's death (io.killed) takes the shell and what it runs with it
    const p = spawn("/bin/sh", ["-c", line], { cwd, env: { ...process.env, ...io.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const kill = () => {
      try { process.kill(-p.pid!, "SIGKILL"); } catch { /* gone */ }
      reject(new CommandKilled());
    };
    io.killed?.addEventListener("abort", kill, { once: true });
    p.on("close", () => io.killed?.removeEventListener("abort", kill));
    let out = "";
    let err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
    p.stderr.setEncoding("utf8").on("data", (d: string) => { err += d; });
    p.on("error", (e) => { io.err(`sh: ${e.message}\n`); resolve(127); });
    p.on("close", (code) => {
      if (out) io.out(out);
      if (err) io.err(err);
      resolve(code ?? 1);
    });
  });
}
