/**
 * TEST DOUBLE helper — isakmpd's FIFO, /var/run/isakmpd.fifo, as OpenBSD leaves it on disk.
 *
 * isakmpd's ui_init (ui.c) unlinks the path, makes a new FIFO there (mode 0600) and holds it open O_RDWR for as
 * long as it runs; nothing removes it when isakmpd exits, only /etc/rc's `rm -rf /var/run/*` at the next boot. And
 * ipsecctl writes each `ike` rule with a blocking open (ike.c ike_ipsec_establish: `open(fifo, O_WRONLY)`, then
 * `fstat` and `S_ISFIFO`). So on OpenBSD:
 * - no FIFO at the path (isakmpd never ran since the boot): `ike_ipsec_establish: open(PATH): No such file or directory`;
 * - something else there: `ike_ipsec_establish: PATH not a fifo`;
 * - a FIFO nobody reads (isakmpd ran, and stopped): the open waits for a reader, for good — ipsecctl hangs;
 * - a FIFO somebody reads: the rule's lines are written to it.
 *
 * The emulated isakmpd keeps its configuration in ike-state.ts, not in a process reading the FIFO: ipsecctl writes
 * there while isakmpd runs, and comes here otherwise ({@link writeIkeFifo}).
 */
import { spawnSync } from "node:child_process";
import { closeSync, constants, mkdirSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Io } from "./command";
import { rootPath } from "./state";

/** isakmpd's FIFO (`-f` changes it; ipsecctl's `-i` writes to another). */
export const ISAKMPD_FIFO = "/var/run/isakmpd.fifo";

/** What isakmpd's ui_init does at start: a new FIFO at `path`, mode 0600 (it stays after isakmpd exits). */
export function makeIkeFifo(path: string): void {
  const p = rootPath(path);
  rmSync(p, { force: true });
  mkdirSync(dirname(p), { recursive: true });
  spawnSync("mkfifo", ["-m", "600", p]);
}

/** /etc/rc at boot: `/var/run` is emptied, the FIFO with it. */
export function removeIkeFifo(): void {
  rmSync(rootPath(ISAKMPD_FIFO), { force: true });
}

/**
 * ipsecctl's write of one ike rule's `lines` to the FIFO at `path` when no emulated isakmpd takes them: undefined
 * once written (a reader holds the FIFO: e.g. `exec 3<>FIFO` and a `cat` on it), or ipsecctl's error; a FIFO nobody
 * reads blocks until the command is killed, as the real open does.
 */
export async function writeIkeFifo(io: Io, path: string, lines: readonly string[]): Promise<string | undefined> {
  const p = rootPath(path);
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `ike_ipsec_establish: open(${path}): ${code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : String(code)}`;
  }
  if (!st.isFIFO()) return `ike_ipsec_establish: ${path} not a fifo`;
  let fd: number;
  try {
    fd = openSync(p, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENXIO") return `ike_ipsec_establish: open(${path}): ${(e as Error).message}`;
    // nobody reads: OpenBSD's blocking open never returns; the command ends only when it is killed
    await blockUntilKilled(io);
    return `ike_ipsec_establish: open(${path}): Interrupted system call`;
  }
  try {
    const text = Buffer.from(lines.map((l) => `${l}\n`).join(""));
    for (let off = 0; off < text.length; ) {
      try {
        off += writeSync(fd, text, off);
      } catch (e) {
        // the FIFO is full until its reader drains it (the real write would wait)
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  } finally {
    closeSync(fd);
  }
  return undefined;
}

/** Never returns while the command lives: until io.killed (resident emulator) or a signal ends the process. */
function blockUntilKilled(io: Io): Promise<void> {
  return new Promise((resolve) => {
    if (io.killed) {
      if (io.killed.aborted) return resolve();
      io.killed.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    // a one-shot process: keep the event loop alive; SIGTERM/SIGKILL end it as they end ipsecctl
    setInterval(() => undefined, 1 << 30);
  });
}
