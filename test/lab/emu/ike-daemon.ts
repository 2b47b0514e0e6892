/**
 * TEST DOUBLE helper — how the emulated keying daemons (isakmpd, iked, sasyncd) "run".
 *
 * There is no process: a daemon runs when services.json (state.ts) says so. Starting one (`isakmpd -K`, as
 * rc.d/isakmpd's rc_start does through the lab's rcctl) checks what the real daemon checks before it forks,
 * then records the run with its flags and a fresh `since` stamp and exits 0, like a daemon that detached.
 * Stopping is `setServiceRunning(name, false)` (rcctl stop); state tied to a run (isakmpd's configuration,
 * iked's policies) is keyed by that stamp, so it is forgotten on stop or restart. With `-d` (foreground) the
 * command stays until SIGINT/SIGTERM and then marks the daemon stopped.
 */
import type { Io } from "./command";
import { readState, rootPath, setServiceRunning, withState, type ServiceTable } from "./state";
import { snapshotAtStart, type StartSnapshot } from "./ike-keys";

/**
 * Record `name` as running with `flags`; returns the run's `since` stamp. isakmpd and iked load their CA and
 * certificates (iked also its key) now, as the real ones do at start: kept in `/var/emu/NAME-x509.json`.
 */
export async function startDaemon(name: string, flags: string): Promise<string> {
  await setServiceRunning(name, true, flags);
  const run = (await readState<ServiceTable>("services", () => ({ running: {} }))).running[name];
  const since = run?.since ?? "";
  if (name === "isakmpd" || name === "iked") {
    const snap = await snapshotAtStart(rootPath(`/etc/${name}`), name, since);
    await withState<StartSnapshot | Record<string, never>>(`${name}-x509`, () => ({}), () => snap);
  }
  return since;
}

/** Resolves when the command gets a signal (resident emulator: the client forwards its signals). */
export function untilSignal(io: Io): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => resolve();
    if (io.onSignal) return io.onSignal(done);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

/** `-d`: stay in the foreground until a signal, then mark the daemon stopped. */
export async function foreground(io: Io, name: string): Promise<number> {
  await untilSignal(io);
  await setServiceRunning(name, false);
  return 0;
}

/** The flags string as rc.d passes it (the argv joined by spaces). */
export function flagString(argv: readonly string[]): string {
  return argv.join(" ");
}

/** Does a flags string contain the single-letter flag `ch` (alone or clustered: `-K`, `-KS`)? */
export function hasFlag(flags: string, ch: string): boolean {
  return flags.split(/\s+/).some((t) => /^-[A-Za-z0-9]+$/.test(t) && t.slice(1).includes(ch));
}
