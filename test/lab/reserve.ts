/**
 * Cross-process coordination of labs on one host: an exclusive lock on `.state/lab/.lock` (taken while a lab's
 * prefix and management /24 are chosen and its record first written, and while stale labs are collected), and
 * whether a lab record still belongs to a live lab.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * Start time of process `pid` (field 22 of /proc/PID/stat, in clock ticks since boot), or undefined when no such
 * process exists or it is a zombie. With the pid it names one process for good (pids are reused, start times not).
 */
export function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

function procComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** What liveness needs from a lab record. */
export interface Liveness {
  /** Process that made the lab (and owns it, unless `cli`). */
  ownerPid?: number;
  /** {@link procStart} of the owner when the lab was made. */
  ownerStart?: string;
  /** Made by `npm run lab:up`: lives on after its owner exits, as long as its sshds run. */
  cli?: boolean;
  /** The gateways' sshd pids. */
  pids: number[];
}

/**
 * A lab is alive while the process that made it runs (same pid and start time), or, for a lab made by the CLI,
 * while one of its sshds runs. Otherwise it is stale: whoever owned it is gone and the next labUp collects it.
 */
export function recordAlive(r: Liveness): boolean {
  if (r.ownerPid) {
    const start = procStart(r.ownerPid);
    if (start !== undefined && (r.ownerStart === undefined || r.ownerStart === start)) return true;
  }
  if (r.cli) return r.pids.some((p) => procStart(p) !== undefined && procComm(p) === "sshd");
  return false;
}

/**
 * Run `fn` holding an exclusive lock on `file` across processes. The lock is a `flock(1)` child holding the file
 * locked until its stdin closes, so the kernel releases it even when this process is killed. Waits at most
 * `waitS` seconds for another holder.
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, waitS = 300): Promise<T> {
  const p = spawn("flock", ["-x", "-w", String(waitS), file, "-c", "echo locked; exec cat >/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<number>((res) => p.once("close", (code) => res(code ?? 1)));
  p.stdin.on("error", () => { /* flock gone */ });
  await new Promise<void>((res, rej) => {
    let out = "";
    let err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("locked\n")) res();
    });
    p.stderr.setEncoding("utf8").on("data", (d: string) => { err += d; });
    p.once("error", rej);
    void exited.then((code) => rej(new Error(`lab: could not lock ${file} within ${waitS} s (flock exited ${code}${err.trim() ? `: ${err.trim()}` : ""}); another labUp holds it`)));
  });
  try {
    return await fn();
  } finally {
    p.stdin.end();
    await exited;
  }
}
