/**
 * TEST DOUBLE helper — rc.subr's run files, /var/run/rc.d/NAME, of the lab's emulated rc.d.
 *
 * OpenBSD's rc.subr writes one when `rc_cmd start` succeeds (`_rc_write_runfile`): the daemon's variables as it was
 * started, `daemon_flags` after the script's rc_pre (isakmpd and iked get `-S` there when sasyncd is enabled) and
 * its `pexp`; every later action (check, stop, reload) reads them back, and stop removes the file. It is where an
 * admin, or a commit script, sees the flags a daemon really runs with: `rcctl get NAME flags` shows rc.conf.local's,
 * and isakmpd's process title shows none. /etc/rc's `rm -rf /var/run/*` at boot takes them all.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { rootPath } from "./state";

const DIR = "/var/run/rc.d";

/** The rc.d scripts' own `daemon` and `pexp` where they set one (etc/rc.d/isakmpd, iked, sasyncd). */
const SCRIPTS: Record<string, { daemon: string; pexp?: string }> = {
  isakmpd: { daemon: "/sbin/isakmpd", pexp: "isakmpd: monitor \\[priv\\]" },
  iked: { daemon: "/sbin/iked", pexp: "iked: parent.*" },
  sasyncd: { daemon: "/usr/sbin/sasyncd", pexp: "sasyncd: \\[priv\\]" },
};

/** `_rc_write_runfile` for `svc` started with `flags` (rc.subr's defaults for the other variables). */
export function writeRunfile(svc: string, flags: string): void {
  const s = SCRIPTS[svc];
  const pexp = s?.pexp ?? (s ? `${s.daemon}${flags ? ` ${flags}` : ""}` : "");
  const vars = [
    "daemon_class=daemon",
    `daemon_execdir=`,
    `daemon_flags=${flags}`,
    "daemon_logger=",
    "daemon_rtable=0",
    "daemon_timeout=30",
    "daemon_user=root",
    `pexp=${pexp}`,
    "rc_reload=",
    "rc_reload_signal=HUP",
    "rc_stop_signal=TERM",
    "rc_usercheck=",
  ];
  mkdirSync(rootPath(DIR), { recursive: true });
  writeFileSync(rootPath(`${DIR}/${svc}`), vars.join("\n") + "\n");
}

/** `_rc_rm_runfile`. */
export function removeRunfile(svc: string): void {
  rmSync(rootPath(`${DIR}/${svc}`), { force: true });
}

/** The boot's `rm -rf /var/run/*`: every run file. */
export function removeRunfiles(): void {
  rmSync(rootPath(DIR), { recursive: true, force: true });
}
