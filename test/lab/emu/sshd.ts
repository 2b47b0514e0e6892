/**
 * TEST DOUBLE — `rcctl reload sshd` in the lab: the gateway's sshd is the lab's real OpenSSH (its management plane,
 * started with `-f /etc/ssh/sshd_config`, pid in /run/sshd.pid), so a reload sends it SIGHUP, as rc.d/sshd does on
 * OpenBSD; sshd re-executes itself and rereads the file, sessions stay up. Returns once it listens again.
 */
import { readFileSync } from "node:fs";
import { linuxEnabled } from "./linux";

function listening22(): boolean {
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      // local_address ends in :0016 (port 22), st 0A (LISTEN)
      if (readFileSync(f, "utf8").split("\n").some((l) => / [0-9A-F]+:0016 [0-9A-F]+:[0-9A-F]+ 0A /.test(l))) return true;
    } catch { /* no such table */ }
  }
  return false;
}

export async function reloadLabSshd(): Promise<boolean> {
  if (!linuxEnabled()) return true;
  let pid: number;
  try {
    pid = Number(readFileSync("/run/sshd.pid", "utf8").trim());
    process.kill(pid, "SIGHUP");
  } catch {
    return false;
  }
  // sshd closes its listener and re-executes: wait for the new one (bounded)
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < 50; i++) {
    if (listening22()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
