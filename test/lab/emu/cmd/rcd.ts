/**
 * TEST DOUBLE — the body of the emulated /etc/rc.d/NAME scripts (rc.subr actions), for the pulumi-openbsd lab.
 * `/etc/rc.d/isakmpd start` runs `rcd isakmpd start`. Starting a daemon that has an emulated command
 * (isakmpd, iked, sasyncd) runs that command with the configured flags (it checks its config and records itself
 * as running); other daemons are only recorded as running. A start writes rc.subr's run file, a stop removes it
 * (rc-runfile.ts). Output: `isakmpd(ok)`, `isakmpd(failed)` (B.5).
 */
import type { Command, Io } from "../command";
import { loadCommand } from "../command";
import { effective, enabled, readLocal } from "../rcconf";
import { readState, serviceRunning, setServiceRunning, type ServiceTable } from "../state";
import { realDaemon, startReal } from "../rcd-real";
import { reloadLabSshd } from "../sshd";
import { packageDaemon, startDaemon as startPackageDaemon, stopPid } from "../packages";
import { removeRunfile, writeRunfile } from "../rc-runfile";

/** Emulated daemons that are real commands of the emulator. */
const DAEMON_CMDS = new Set(["isakmpd", "iked", "sasyncd"]);

export type RcAction = "start" | "stop" | "restart" | "reload" | "check" | "configtest";

/** Flags a daemon is started with: the configured flags, plus `-S` for isakmpd/iked when sasyncd is enabled (rc.d). */
export function startFlags(lines: string[], svc: string): string {
  let f = effective(lines, svc, "flags");
  if ((svc === "isakmpd" || svc === "iked") && enabled(lines, "sasyncd") && !/(^|\s)-S(\s|$)/.test(f)) f = `-S ${f}`.trim();
  return f;
}

async function startDaemon(io: Io, svc: string, flags: string): Promise<boolean> {
  const pkg = packageDaemon(svc);
  if (pkg) {
    // a package daemon (openvpn, tincd): the real program, supervised by the lab
    const r = await startPackageDaemon(pkg, flags);
    if ("error" in r) {
      io.err(`${r.error}\n`);
      return false;
    }
    await setServiceRunning(svc, true, flags, r.pid);
    return true;
  }
  const real = realDaemon(svc);
  if (real) return startReal(svc, real, flags);
  const cmd = DAEMON_CMDS.has(svc) ? await loadCommand(svc) : undefined;
  if (cmd) {
    const argv = flags.split(/\s+/).filter(Boolean);
    const code = await cmd({ ...io, argv });
    if (code !== 0) return false;
  }
  if (!(await serviceRunning(svc))) await setServiceRunning(svc, true, flags);
  return true;
}

/** Run an rc.d action; prints like rc.subr. `force` = -f, `quiet` = -q. */
export async function rcAction(io: Io, svc: string, action: RcAction, opts: { force?: boolean; quiet?: boolean } = {}): Promise<number> {
  const lines = await readLocal();
  const say = (s: string, fail = false) => { if (!opts.quiet || fail) io.out(`${svc}(${s})\n`); };
  const running = await serviceRunning(svc);
  switch (action) {
    case "start": {
      if (!enabled(lines, svc) && !opts.force) {
        io.err(`/etc/rc.d/${svc}: need -f to force start since ${svc}_flags=NO\n`);
        return 1;
      }
      if (running) return 0;
      const flags = startFlags(lines, svc).replace(/^NO$/, "");
      if (await startDaemon(io, svc, flags)) {
        writeRunfile(svc, flags);
        say("ok");
        return 0;
      }
      removeRunfile(svc);
      say("failed", true);
      return 1;
    }
    case "stop": {
      const pid = (await readState<ServiceTable>("services", () => ({ running: {} }))).running[svc]?.pid;
      await stopPid(pid);
      if (!running) {
        if (pid !== undefined) await setServiceRunning(svc, false);
        return 0;
      }
      await setServiceRunning(svc, false);
      removeRunfile(svc);
      say("ok");
      return 0;
    }
    case "restart": {
      const s = await rcAction(io, svc, "stop", opts);
      if (s !== 0) return s;
      return rcAction(io, svc, "start", opts);
    }
    case "reload":
      if (!running) { say("failed", true); return 1; }
      // the lab's real sshd (the management plane) rereads /etc/ssh/sshd_config, as rc.d/sshd's SIGHUP makes it
      if (svc === "sshd" && !(await reloadLabSshd())) { say("failed", true); return 1; }
      say("ok");
      return 0;
    case "check":
      if (running) { say("ok"); return 0; }
      say("failed", true);
      return 1;
    case "configtest": {
      if (svc !== "iked") return 0;
      const cmd = await loadCommand("iked");
      return cmd ? cmd({ ...io, argv: ["-n"] }) : 0;
    }
  }
}

const ACTIONS: RcAction[] = ["start", "stop", "restart", "reload", "check", "configtest"];

const rcd: Command = async (io) => {
  const [svc, ...rest] = io.argv;
  const opts = { force: false, quiet: false };
  const words = rest.filter((w) => {
    if (w === "-f") opts.force = true;
    else if (w === "-q") opts.quiet = true;
    else if (w === "-d") { /* debug: no extra output in the emulator */ } else return true;
    return false;
  });
  const action = words[0] as RcAction | undefined;
  if (!svc || !action || !ACTIONS.includes(action) || words.length !== 1) {
    io.err(`usage: /etc/rc.d/${svc ?? "daemon"} [-dfq] start|stop|restart|reload|check|configtest\n`);
    return 1;
  }
  return rcAction(io, svc, action, opts);
};

export default rcd;
