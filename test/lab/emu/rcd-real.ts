/**
 * TEST DOUBLE — rc.d scripts whose daemon the lab runs for real. A script the project writes (not one of the lab's
 * emulator wrappers) is read the way rc.subr reads it — `daemon="…"` and `daemon_flags="…"` — and, in a lab, its
 * daemon is started for real in the gateway's namespaces (e.g. /etc/rc.d/sshtun0: `/usr/bin/ssh -N -w 0:0 …`, a
 * real OpenSSH client opening the real tun device), detached, with its output in /var/log/NAME.log. The pid is
 * kept with the service's running record, so `rcctl check` and `rcctl ls started` see the process die (as
 * rc.subr's `pgrep -xf` would). Outside a lab (EMU_ROOT, unit tests) the daemon is only recorded as running.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { linuxEnabled } from "./linux";
import { rootPath, withState } from "./state";

/** What rc.subr would run for the script, or undefined for a lab wrapper (an emulated daemon). */
export function realDaemon(svc: string): { daemon: string; flags: string } | undefined {
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
  return { daemon, flags: v("daemon_flags") ?? "" };
}

interface Running {
  running: Record<string, { flags: string; since: string; pid?: number }>;
}

/** Start the daemon of `svc` with `flags` (empty: the script's own); records it running with its pid. */
export async function startReal(svc: string, d: { daemon: string; flags: string }, flags: string): Promise<boolean> {
  const f = flags.trim() || d.flags;
  let pid: number | undefined;
  if (linuxEnabled()) {
    if (!existsSync(d.daemon)) return false;
    const log = openSync(`/var/log/${svc}.log`, "a");
    try {
      const p = spawn(d.daemon, f.split(/\s+/).filter(Boolean), {
        detached: true, stdio: ["ignore", log, log], cwd: "/", env: { PATH: "/sbin:/usr/sbin:/bin:/usr/bin", HOME: "/root", USER: "root", LOGNAME: "root" },
      });
      p.on("error", () => undefined);
      p.unref();
      pid = p.pid;
    } finally {
      closeSync(log);
    }
    if (!pid) return false;
  }
  await withState<Running>("services", () => ({ running: {} }), (s) => {
    s.running[svc] = { flags: f, since: new Date().toISOString(), ...(pid ? { pid } : {}) };
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

/** Stop a real daemon (SIGTERM, as rc.subr's rc_stop). */
export function stopPid(pid: number | undefined): void {
  if (!pid || !linuxEnabled()) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch { /* gone */ }
}
