/**
 * TEST DOUBLE — rc.conf / rc.conf.local semantics for the emulated rcctl(8), rc.d scripts and /etc/rc
 * (reference/openbsd.md A.9, B.5). rc.conf.local is rewritten sorted (`sort -u`), 0644, deleted when empty.
 */
import { rm, writeFile, chmod } from "node:fs/promises";
import { readdirCached, readTextIfExists, rootPath } from "./state";
import { packageDaemon } from "./packages";

/** Special services: plain `NAME=VALUE` variables with no rc.d script, and their rc.conf defaults. */
export const SPECIALS: Record<string, "YES" | "NO"> = {
  accounting: "NO", check_quotas: "YES", ipsec: "NO", library_aslr: "YES", multicast: "NO", pf: "YES", spamd_black: "NO",
};

/** rc.conf `*_flags` defaults of the base daemons the lab knows; anything else with an rc.d script defaults to NO. */
export const DAEMON_DEFAULTS: Record<string, string> = {
  cron: "", iked: "NO", isakmpd: "NO", ntpd: "", pflogd: "", sasyncd: "NO", sshd: "", syslogd: "", smtpd: "", sndiod: "", slaacd: "",
};

export const VARIABLES = ["class", "execdir", "flags", "logger", "rtable", "timeout", "user"] as const;
export type Variable = (typeof VARIABLES)[number];

/** rc.d script defaults (what `rcctl getdef X VAR` prints). */
export function rcdDefault(svc: string, v: Variable): string {
  switch (v) {
    case "class": return "daemon";
    case "execdir": return "";
    case "flags": return packageDaemon(svc)?.defaultFlags ?? "";
    case "logger": return "";
    case "rtable": return "0";
    case "timeout": return "30";
    case "user": return "root";
  }
}

const LOCAL = "/etc/rc.conf.local";

/** Lines of rc.conf.local (missing file = none). */
export async function readLocal(): Promise<string[]> {
  try {
    return (readTextIfExists(rootPath(LOCAL)) ?? "").split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/** Rewrite rc.conf.local as rcctl does: `sort -u`, mode 0644, removed when empty. */
export async function writeLocal(lines: string[]): Promise<void> {
  const sorted = [...new Set(lines)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!sorted.length) {
    await rm(rootPath(LOCAL), { force: true });
    return;
  }
  await writeFile(rootPath(LOCAL), sorted.join("\n") + "\n");
  await chmod(rootPath(LOCAL), 0o644);
}

/** Value of `NAME` from rc.conf.local (quotes stripped as rc.subr does), or undefined. */
export function localValue(lines: string[], key: string): string | undefined {
  let v: string | undefined;
  for (const l of lines) {
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(l.replace(/\s+#.*$/, ""));
    if (m && m[1] === key) v = m[2]!.trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return v;
}

/** rc.d scripts on this gateway, in `ls /etc/rc.d` order. */
export async function rcdScripts(): Promise<string[]> {
  try {
    return readdirCached(rootPath("/etc/rc.d")).filter((f) => !f.startsWith(".") && f !== "rc.subr").sort();
  } catch {
    return [];
  }
}

export async function isService(svc: string): Promise<boolean> {
  return svc in SPECIALS || (await rcdScripts()).includes(svc);
}

/** Effective value of VAR for a daemon (rc.conf.local over rc.conf over the rc.d default). */
export function effective(lines: string[], svc: string, v: Variable): string {
  const local = localValue(lines, `${svc}_${v}`);
  if (local !== undefined) return local;
  if (v === "flags") return DAEMON_DEFAULTS[svc] ?? "NO";
  return rcdDefault(svc, v);
}

/** Whether a daemon or special service is enabled (a package daemon also needs its name in `pkg_scripts`, rcctl.sh svc_get). */
export function enabled(lines: string[], svc: string): boolean {
  if (svc in SPECIALS) return (localValue(lines, svc) ?? SPECIALS[svc]) !== "NO";
  if (!isBase(svc) && !pkgScripts(lines).includes(svc)) return false;
  return effective(lines, svc, "flags") !== "NO";
}

/** A base daemon (rc.conf has its `_flags`); every other rc.d script is a package's (rcctl.sh svc_is_base). */
export function isBase(svc: string): boolean {
  return svc in DAEMON_DEFAULTS;
}

/** The `pkg_scripts` of rc.conf.local, in order. */
export function pkgScripts(lines: string[]): string[] {
  return (localValue(lines, "pkg_scripts") ?? "").split(/\s+/).filter(Boolean);
}

/** rc.conf.local lines with `svc` added to (`on`) or removed from `pkg_scripts` (rcctl.sh pkg_scripts_append/_rm). */
export function withPkgScript(lines: string[], svc: string, on: boolean): string[] {
  const now = pkgScripts(lines);
  const next = on ? (now.includes(svc) ? now : [...now, svc]) : now.filter((s) => s !== svc);
  const keep = lines.filter((l) => !/^pkg_scripts=/.test(l));
  return next.length ? [...keep, `pkg_scripts=${next.join(" ")}`] : keep;
}
