/**
 * TEST DOUBLE — OpenBSD sysctl(8) emulated for the pulumi-openbsd lab (reference/openbsd.md A.10, B.6).
 * Values live in /var/emu/sysctl.json; forwarding is mirrored to the namespace's Linux sysctls so routing is real.
 * The MIB table holds the names this project reads or writes plus a few common ones; any other name is refused
 * like sysctl.c does (`sysctl: third level name foo in net.inet.foo is invalid`). Unlike some releases, an
 * invalid name makes the exit status 1 (the provider must not rely on partial success).
 */
import type { Command } from "../command";
import { procSysctl } from "../linux";
import { gatewayName, readState, withState } from "../state";

/** MIB name → default value and whether it is writable/an integer. */
export const MIBS: Record<string, { def: string; int: boolean; ro?: boolean; min?: number; max?: number }> = {
  "kern.ostype": { def: "OpenBSD", int: false, ro: true },
  "kern.osrelease": { def: "7.6", int: false, ro: true },
  "kern.hostname": { def: "", int: false },
  // seconds since the epoch at boot: set on the first read after a (lab) boot, forgotten by `sh /etc/rc reboot`
  "kern.boottime": { def: "", int: true, ro: true },
  "kern.securelevel": { def: "1", int: true },
  "net.inet.ip.forwarding": { def: "0", int: true, min: 0, max: 2 },
  "net.inet.ip.mforwarding": { def: "0", int: true, min: 0, max: 1 },
  "net.inet.ip.redirect": { def: "1", int: true, min: 0, max: 1 },
  "net.inet.ip.ttl": { def: "64", int: true, min: 1, max: 255 },
  "net.inet6.ip6.forwarding": { def: "0", int: true, min: 0, max: 1 },
  "net.inet6.ip6.mforwarding": { def: "0", int: true, min: 0, max: 1 },
  "net.inet.esp.enable": { def: "1", int: true, min: 0, max: 1 },
  "net.inet.esp.udpencap": { def: "1", int: true, min: 0, max: 1 },
  "net.inet.esp.udpencap_port": { def: "4500", int: true, min: 0, max: 65535 },
  "net.inet.ah.enable": { def: "1", int: true, min: 0, max: 1 },
  "net.inet.ipcomp.enable": { def: "0", int: true, min: 0, max: 1 },
  "net.inet.carp.allow": { def: "1", int: true, min: 0, max: 1 },
  "net.inet.carp.preempt": { def: "0", int: true, min: 0, max: 1 },
  "net.inet.carp.log": { def: "2", int: true, min: 0, max: 7 },
  "net.inet.gre.allow": { def: "0", int: true, min: 0, max: 1 },
  "net.inet.gre.wccp": { def: "0", int: true, min: 0, max: 2 },
  "net.inet.ipip.allow": { def: "0", int: true, min: 0, max: 2 },
  "net.inet.etherip.allow": { def: "0", int: true, min: 0, max: 1 },
  "net.inet.tcp.mssdflt": { def: "512", int: true, min: 0, max: 65535 },
  "net.key.sadb_dump": { def: "0", int: true, ro: true },
};

const LEVELS = ["top", "second", "third", "fourth", "fifth", "sixth"];

/** sysctl.c's complaint for the first component of `name` that names no node. */
export function invalidName(name: string): string {
  const parts = name.split(".");
  const known = Object.keys(MIBS).map((k) => k.split("."));
  for (let lvl = 0; lvl < parts.length; lvl++) {
    const prefix = parts.slice(0, lvl + 1);
    if (!known.some((k) => prefix.every((p, j) => k[j] === p))) return `sysctl: ${LEVELS[lvl]} level name ${parts[lvl]} in ${name} is invalid`;
  }
  return `sysctl: ${name}: class is not implemented`;
}

export interface SysctlState { values: Record<string, string> }
const init = (): SysctlState => ({ values: {} });

/** Current value of a MIB on this gateway. */
export async function sysctlValue(name: string): Promise<string | undefined> {
  const m = MIBS[name];
  if (!m) return undefined;
  if (name === "kern.hostname") return (await readState("sysctl", init)).values[name] ?? gatewayName();
  if (name === "kern.boottime") {
    const s = await withState("sysctl", init, (s) => ((s.values[name] ??= String(Math.floor(Date.now() / 1000))), s));
    return s.values[name];
  }
  return (await readState("sysctl", init)).values[name] ?? m.def;
}

async function mirror(name: string, value: string): Promise<void> {
  if (name === "net.inet.ip.forwarding") await procSysctl("net/ipv4/ip_forward", value === "0" ? "0" : "1");
  if (name === "net.inet6.ip6.forwarding") await procSysctl("net/ipv6/conf/all/forwarding", value);
}

/** Set one MIB; returns [old, new] or an error message. */
export async function sysctlSet(name: string, value: string): Promise<[string, string] | string> {
  const m = MIBS[name];
  if (!m) return invalidName(name);
  if (m.ro) return `sysctl: ${name}: Operation not permitted`;
  if (m.int) {
    if (!/^-?\d+$/.test(value)) return `sysctl: ${name}: ${value}: invalid integer`;
    if ((m.min !== undefined && Number(value) < m.min) || (m.max !== undefined && Number(value) > m.max)) return `sysctl: ${name}: Invalid argument`;
  }
  const old = (await sysctlValue(name))!;
  const v = m.int ? String(Number(value)) : value;
  await withState("sysctl", init, (s) => {
    s.values[name] = v;
    return s;
  });
  await mirror(name, v);
  return [old, v];
}

const sysctl: Command = async (io) => {
  let nflag = false;
  let qflag = false;
  let aflag = false;
  const args: string[] = [];
  for (const a of io.argv) {
    if (/^-[anqwA]+$/.test(a) && !args.length) {
      if (a.includes("n")) nflag = true;
      if (a.includes("q")) qflag = true;
      if (a.includes("a") || a.includes("A")) aflag = true;
    } else if (a.startsWith("-") && !args.length) {
      io.err(`sysctl: unknown option -- ${a.slice(1, 2)}\nusage: sysctl [-Aanq] [name[=value] ...]\n`);
      return 1;
    } else args.push(a);
  }
  if (aflag || args.length === 0) {
    for (const k of Object.keys(MIBS).sort()) io.out(nflag ? `${await sysctlValue(k)}\n` : `${k}=${await sysctlValue(k)}\n`);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf("=");
    const name = eq < 0 ? a : a.slice(0, eq);
    if (eq < 0) {
      // a prefix prints every MIB under it
      const under = Object.keys(MIBS).filter((k) => k === name || k.startsWith(name + ".")).sort();
      if (!under.length) {
        io.err(invalidName(name) + "\n");
        status = 1;
        continue;
      }
      for (const k of under) io.out(nflag ? `${await sysctlValue(k)}\n` : `${k}=${await sysctlValue(k)}\n`);
      continue;
    }
    const r = await sysctlSet(name, a.slice(eq + 1));
    if (typeof r === "string") {
      io.err(r + "\n");
      status = 1;
      continue;
    }
    if (!qflag) io.out(nflag ? `${r[1]}\n` : `${name}: ${r[0]} -> ${r[1]}\n`);
  }
  return status;
};

export default sysctl;
