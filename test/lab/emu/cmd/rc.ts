/**
 * TEST DOUBLE — OpenBSD /etc/rc emulated for the pulumi-openbsd lab: `sh /etc/rc [reboot]` replays the boot
 * order of rc(8) (reference/openbsd.md C.3) from the files on disk. With `reboot`, the gateway's emulated kernel
 * and daemon state is forgotten first (interfaces back to bare hardware, sysctls to defaults, pf/ipsec empty,
 * daemons stopped) and what Linux did for real is undone. The real sshd (the lab's management plane) keeps running.
 *  1. carp demoted by 128;  2. /etc/sysctl.conf;  3. netstart;  4. pfctl -f /etc/pf.conf (pf=YES);
 *  5. daemons isakmpd, iked, sasyncd per rc.conf.local;  6. ipsecctl -f /etc/ipsec.conf (ipsec=YES);
 *  7. the other enabled daemons;  8. carp undemoted.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import type { Command, Io } from "../command";
import { loadCommand } from "../command";
import { ip, linuxAddrs, linuxEnabled, procSysctl, stopHelper } from "../linux";
import { enabled, isBase, pkgScripts, rcdScripts, readLocal } from "../rcconf";
import { hardware, readState, rootPath, stateDir, setServiceRunning, type InterfaceTable, type ServiceTable } from "../state";
import { stopPid } from "../packages";
import ifconfig from "./ifconfig";
import netstart from "./netstart";
import { rcAction, startFlags } from "./rcd";
import { realDaemon } from "../rcd-real";
import sysctl from "./sysctl";
import { kshReadLines } from "../../../../sdk/model/tokens/ksh-read";
import { stopAllEspd } from "../natt";
import { removeIkeFifo } from "../ike-fifo";
import { removeRunfiles, writeRunfile } from "../rc-runfile";

/** Forget all emulated state and undo Linux side effects (the power switch). */
export async function powerOff(): Promise<void> {
  // daemons the lab runs for real (package daemons, rc.d scripts of ours) end with the power
  const svcs = await readState<ServiceTable>("services", () => ({ running: {} }));
  for (const r of Object.values(svcs.running)) await stopPid(r.pid);
  await stopAllEspd();
  const t = await readState<InterfaceTable>("interfaces", () => ({ interfaces: [], demote: {} }));
  for (const i of t.interfaces as (InterfaceTable["interfaces"][number] & { helperPid?: number })[]) {
    stopHelper(i.helperPid);
    if (i.linux && i.linux === i.name && !hardware().some((h) => h.name === i.name)) ip("link", "del", i.linux);
  }
  if (linuxEnabled()) {
    for (const h of hardware()) {
      for (const a of linuxAddrs(h.name)) if (!a.startsWith("fe80:")) ip("addr", "del", a, "dev", h.name);
      ip("link", "set", h.name, "down");
    }
    await procSysctl("net/ipv4/ip_forward", "0");
    await procSysctl("net/ipv6/conf/all/forwarding", "0");
  }
  // the boot's `rm -rf /var/run/*` (rc line 521): isakmpd's FIFO and rc.subr's run files go with it
  removeIkeFifo();
  removeRunfiles();
  for (const f of await readdir(stateDir()).catch(() => [] as string[])) {
    if (f === "lab.json" || f === "hw.json") continue;
    await rm(`${stateDir()}/${f}`, { recursive: true, force: true });
  }
}

async function sub(io: Io, name: string, argv: string[]): Promise<number> {
  try {
    const cmd = await loadCommand(name);
    if (!cmd) return 0;
    return await cmd({ ...io, argv });
  } catch (e) {
    // like /etc/rc, a failing step is reported and the boot goes on
    io.err(`rc: ${name} ${argv.join(" ")}: ${(e as Error).message.split("\n")[0]}\n`);
    return 1;
  }
}

const rc: Command = async (io) => {
  if (io.argv[0] === "reboot") await powerOff();
  await ifconfig({ ...io, argv: ["-g", "carp", "carpdemote", "128"] });
  // sysctl.conf
  try {
    const text = await readFile(rootPath("/etc/sysctl.conf"), "utf8");
    // rc sysctl_conf: `set -- $(stripcom /etc/sysctl.conf)`, then `sysctl "$1"` for each word (stripcom: ksh's
    // `read`, each line cut at its first #)
    const words = kshReadLines(text).filter((l) => !l.unterminated).flatMap((l) => l.text.replace(/#.*$/, "").trim().split(/[ \t]+/).filter((w) => w !== ""));
    for (const w of words) await sysctl({ ...io, argv: [w] });
  } catch { /* no sysctl.conf */ }
  await netstart({ ...io, argv: [] });
  const lines = await readLocal();
  if (enabled(lines, "pf") && existsSync(rootPath("/etc/pf.conf"))) await sub(io, "pfctl", ["-f", "/etc/pf.conf"]);
  const started: string[] = [];
  const quiet: Io = { ...io, out: () => undefined };
  for (const d of ["isakmpd", "iked", "sasyncd"]) {
    if (!enabled(lines, d)) continue;
    try {
      if ((await rcAction(quiet, d, "start")) === 0) started.push(d);
    } catch (e) {
      io.err(`rc: ${d}: ${(e as Error).message.split("\n")[0]}\n`);
    }
  }
  if (started.length) io.out(`starting network daemons: ${started.join(" ")}.\n`);
  if (enabled(lines, "ipsec") && existsSync(rootPath("/etc/ipsec.conf"))) await sub(io, "ipsecctl", ["-f", "/etc/ipsec.conf"]);
  for (const d of await rcdScripts()) {
    if (["isakmpd", "iked", "sasyncd"].includes(d) || !isBase(d)) continue;
    if (!enabled(lines, d)) continue;
    if (realDaemon(d)) await rcAction(quiet, d, "start");
    else {
      await setServiceRunning(d, true, "");
      writeRunfile(d, startFlags(lines, d).replace(/^NO$/, ""));
    }
  }
  // package daemons last, in pkg_scripts order (rc(8) start_daemon ${pkg_scripts}), for real (emu/packages.ts)
  for (const d of pkgScripts(lines)) {
    if (!enabled(lines, d) || !(await rcdScripts()).includes(d)) continue;
    if ((await rcAction(quiet, d, "start")) !== 0) io.err(`rc: ${d} failed to start\n`);
  }
  await ifconfig({ ...io, argv: ["-g", "carp", "-carpdemote", "128"] });
  return 0;
};

export default rc;
