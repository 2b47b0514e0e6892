/**
 * TEST DOUBLE — rc.d scripts whose daemon the lab runs for real. A script the project writes (not one of the lab's
 * emulator wrappers) is read the way rc.subr reads it — `daemon="…"` and `daemon_flags="…"` — and, in a lab, its
 * daemon is started for real in the gateway's namespaces (e.g. /etc/rc.d/sshtun0: `/usr/bin/ssh -N -w 0:0 …`, a
 * real OpenSSH client opening the real tun device), detached, with its output in /var/log/NAME.log. The pid is
 * kept with the service's running record, so `rcctl check` and `rcctl ls started` see the process die (as
 * rc.subr's `pgrep -xf` would). A script whose `rc_start` supervises the daemon in a shell loop
 * (`while :; do ${daemon} ${daemon_flags}; sleep N; done`, planner/ssh-rcd.ts) gets the same from the resident
 * emulator: the daemon is started again N seconds after it exits, for as long as the service is recorded running,
 * and the service runs while the loop does (its rc_check looks for the loop). Outside a lab (EMU_ROOT, unit tests)
 * the daemon is only recorded as running.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { linuxEnabled } from "./linux";
import { rootPath, withState } from "./state";

/** What rc.subr would run for the script, or undefined for a lab wrapper (an emulated daemon). */
export function realDaemon(svc: string): { daemon: string; flags: string; restartDelay?: number } | undefined {
  let text: string;
  try {
    text = readFileSync(rootPath(`/etc/rc.d/${svc}`), "utf8");
  } catch {
    return undefined;
  }
  if (text.includes("TEST DOUBLE")) return undefined;
  const v = (name: string) => new RegExp(`^${name}="([^"]*)"\\s*$`, "m").exec(text)?.[1];
  const daemon = v("daemon");
  if (!daemon || !daemon.startsWith("/")) return undefined;
  const loop = /^\s*rc_exec "while :; do \$\{daemon\} \$\{daemon_flags\}; sleep (\d+); done"\s*$/m.exec(text);
  return { daemon, flags: v("daemon_flags") ?? "", ...(loop ? { restartDelay: Number(loop[1]) } : {}) };
}

interface Running {
  running: Record<string, { flags: string; since: string; pid?: number; supervised?: boolean }>;
}

/** Spawns the daemon detached, output appended to /var/log/NAME.log; its pid. */
function spawnDaemon(svc: string, daemon: string, flags: string, onExit?: () => void): number | undefined {
  const log = openSync(`/var/log/${svc}.log`, "a");
  try {
    const p = spawn(daemon, flags.split(/\s+/).filter(Boolean), {
      detached: true, stdio: ["ignore", log, log], cwd: "/", env: { PATH: "/sbin:/usr/sbin:/bin:/usr/bin", HOME: "/root", USER: "root", LOGNAME: "root" },
    });
    p.on("error", () => undefined);
    if (onExit) p.on("exit", onExit);
    p.unref();
    return p.pid;
  } finally {
    closeSync(log);
  }
}

/** The supervising loop: while `svc` is recorded running with this `since`, start the daemon again `delay` s after it exits. */
function supervise(svc: string, d: { daemon: string }, flags: string, delay: number, since: string): () => void {
  const again = (): void => {
    setTimeout(() => {
      void withState<Running>("services", () => ({ running: {} }), (s) => {
        const e = s.running[svc];
        if (e && e.since === since) e.pid = spawnDaemon(svc, d.daemon, flags, again);
        return s;
      }).catch(() => undefined);
    }, delay * 1000).unref();
  };
  return again;
}

/** Start the daemon of `svc` with `flags` (empty: the script's own); records it running with its pid. */
export async function startReal(svc: string, d: { daemon: string; flags: string; restartDelay?: number }, flags: string): Promise<boolean> {
  const f = flags.trim() || d.flags;
  let pid: number | undefined;
  const since = new Date().toISOString();
  const supervised = d.restartDelay !== undefined;
  // a daemon the lab does not have (a package another part of the lab maps) is only recorded, as before
  if (linuxEnabled() && existsSync(d.daemon)) {
    pid = spawnDaemon(svc, d.daemon, f, supervised ? supervise(svc, d, f, d.restartDelay!, since) : undefined);
    if (!pid) return false;
  }
  await withState<Running>("services", () => ({ running: {} }), (s) => {
    s.running[svc] = { flags: f, since, ...(pid ? { pid } : {}), ...(supervised ? { supervised: true } : {}) };
    return s;
  });
  return true;
}

/** Whether a recorded pid still runs. */
export function pidAlive(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

