/**
 * /etc/rc.conf.local as rcctl(8) (rcctl.sh 1.122) leaves it, and rcctl's semantics shared by the lab's
 * emulator and the provider. rcctl rewrites the file with `sort -u` (byte order), one `name=value` per
 * line, values unquoted (rc.subr strips quotes when reading, so `isakmpd_flags="-K"` ≡ `isakmpd_flags=-K`),
 * and deletes the file when it becomes empty. Only `*_flags|_execdir|_logger|_rtable|_timeout|_user`,
 * `pkg_scripts` and the special variables are honoured by rc.subr.
 */
import { ModelError, type Diagnostic, type ParseResult } from "../diagnostics";
import { kshReadLines } from "../tokens/ksh-read";

/** rc.conf.local: variable name → value (without quotes). */
export interface RcConfLocal {
  vars: Record<string, string>;
}

/** Special services: plain `NAME=YES|NO` variables without an rc.d script, with their rc.conf defaults. */
export const SPECIAL_SERVICES: Readonly<Record<string, "YES" | "NO">> = {
  accounting: "NO", check_quotas: "YES", ipsec: "NO", library_aslr: "YES", multicast: "NO", pf: "YES", spamd_black: "NO",
};

/** Base-system daemons and their rc.conf default `_flags` (`NO` = disabled; `""` = enabled with default flags). */
export const BASE_DAEMONS: Readonly<Record<string, string>> = {
  apmd: "NO", bgpd: "NO", bootparamd: "NO", cron: "", dhcpd: "NO", dhcpleased: "", dhcp6leased: "NO", dhcrelay: "NO", dhcrelay6: "NO",
  dvmrpd: "NO", eigrpd: "NO", ftpd: "NO", ftpproxy: "NO", ftpproxy6: "NO", hostapd: "NO", hotplugd: "NO", httpd: "NO", identd: "NO",
  ifstated: "NO", iked: "NO", inetd: "NO", isakmpd: "NO", iscsid: "NO", ldapd: "NO", ldattach: "NO", ldomd: "NO", ldpd: "NO",
  lockd: "NO", lpd: "NO", mopd: "NO", mountd: "NO", mrouted: "NO", nfsd: "NO", npppd: "NO", nsd: "NO", ntpd: "", ospf6d: "NO",
  ospfd: "NO", pflogd: "", portmap: "NO", rad: "NO", radiusd: "NO", rarpd: "NO", rbootd: "NO", relayd: "NO", resolvd: "",
  ripd: "NO", route6d: "NO", sasyncd: "NO", sensorsd: "NO", slaacd: "", slowcgi: "NO", smtpd: "", sndiod: "", snmpd: "NO",
  spamd: "NO", spamlogd: "NO", sshd: "", statd: "NO", syslogd: "", tftpd: "NO", tftpproxy: "NO", unbound: "NO", unwind: "NO",
  vmd: "NO", watchdogd: "NO", wsmoused: "NO", xenodm: "NO", ypbind: "NO", ypldap: "NO", yppasswdd: "NO", ypserv: "NO",
};

/** Default flags of the rc.d scripts (`rcctl getdef X flags`); empty for every daemon this project uses. */
export const SCRIPT_DEFAULT_FLAGS: Readonly<Record<string, string>> = { unbound: "-c /var/unbound/etc/unbound.conf", spamlogd: "" };

/** Variables rcctl get/set knows. */
export const RC_VARIABLES = ["class", "execdir", "flags", "logger", "rtable", "status", "timeout", "user"] as const;

/** What kind of service a name is. */
export function serviceKind(name: string): "special" | "base" | "pkg" {
  if (name in SPECIAL_SERVICES) return "special";
  if (name in BASE_DAEMONS) return "base";
  return "pkg";
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** rc.subr's `*_@(execdir|flags|logger|rtable|timeout|user)`: any name with one of these endings is kept. */
const HONOURED = /_(execdir|flags|logger|rtable|timeout|user)$/;
/** rc.subr _rc_parse_conf's `_allowed_keys`: the plain variables it reads besides NAME_flags and the like. */
const ALLOWED_KEYS: ReadonlySet<string> = new Set(["accounting", "amd_master", "check_quotas", "ipsec", "library_aslr", "multicast", "nfs_server", "pexp", "pf", "pkg_scripts", "shlib_dirs", "spamd_black"]);

/**
 * Parses rc.conf.local as rc.subr's _rc_parse_conf reads it (rc and every rc.d script): `read -r` line by line (a
 * last line with no newline is never read), a line is `KEY=VALUE` when it starts with neither `#` nor `=`, the key
 * (before the first `=`) lower-cased (`typeset -l`), the value cut at its first `#` anywhere and its blanks, one pair
 * of enclosing quotes dropped; only NAME_flags/execdir/logger/rtable/timeout/user and the allowed keys are kept,
 * each `eval "KEY=\${_val}"` (the key is shell code there). Never throws; lines rc.subr ignores are warnings.
 */
export function parseRcConfLocal(text: string, file = "rc.conf.local"): ParseResult<RcConfLocal> {
  const vars: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  for (const l of kshReadLines(text, { raw: true })) {
    const raw = l.text;
    const t = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    const col = raw.indexOf(t) + 1;
    const at = (message: string, severity: "error" | "warning" = "error", column = col): void => void diagnostics.push({ file, line: l.line, column, message, severity });
    if (t === "" || t.startsWith("#")) continue;
    if (l.unterminated) {
      at(`line ${l.line} has no newline at its end: rc.subr reads this file with \`read\`, which then fails, so \`${t}\` is never read; end the file with a newline`, "warning");
      continue;
    }
    const eq = t.indexOf("=");
    if (eq < 0 || t.startsWith("=")) {
      at(`\`${t}\`: expected NAME=VALUE (rc.subr ignores this line)`);
      continue;
    }
    const written = t.slice(0, eq).replace(/[ \t]+$/, "");
    const name = written.toLowerCase();
    let value = t.slice(eq + 1).replace(/^[ \t]+/, "");
    const hash = value.indexOf("#");
    if (hash >= 0) value = value.slice(0, hash);
    value = value.replace(/[ \t]+$/, "");
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1);
    const honoured = HONOURED.test(name) || ALLOWED_KEYS.has(name);
    if (!NAME.test(name)) {
      // a kept key is eval'ed by rc.subr as written: `x;reboot;y_flags=1` runs reboot in every rc.d script
      at(honoured ? `\`${written}\`: not a shell variable name, and rc.subr evals it (\`eval "${written.toLowerCase()}=…"\`) in rc and every rc.d script: it runs as shell code, as root` : `\`${written}\`: not a shell variable name`);
      continue;
    }
    if (written !== name) at(`\`${written}\`: rc.subr lower-cases the name (\`typeset -l\`): this sets \`${name}\``, "warning");
    if (!honoured)
      at(`${name}: ignored by rc.subr; only NAME_flags/execdir/logger/rtable/timeout/user and ${[...ALLOWED_KEYS].join(", ")} are read`, "warning");
    if (name in SPECIAL_SERVICES && value !== "YES" && value !== "NO")
      at(`${name}: value \`${value}\` is not allowed; one of YES, NO`, "error", col + eq + 1);
    const meta = name.endsWith("_flags") ? /[;&|<>()$`\\"']/.exec(value)?.[0] : undefined;
    if (meta !== undefined)
      at(`${name}: ${meta === "`" ? "a backquote" : `\`${meta}\``} in ${JSON.stringify(value)}: rc.subr starts the daemon with \`su … -c "DAEMON ${"$"}{${name}}"\`, so the shell reads it (\`;\`, \`|\`, \`&\` run commands of their own, as root); give plain flags`, "warning", col + eq + 1);
    vars[name] = value;
  }
  return { value: { vars }, diagnostics };
}

/** Renders what rcctl leaves: `sort -u` of `name=value` lines; empty string when there is nothing (rcctl deletes the file). */
export function renderRcConfLocal(c: RcConfLocal): string {
  const lines = Object.entries(c.vars).map(([k, v]) => {
    if (!NAME.test(k)) throw new ModelError(k, k, "not a shell variable name");
    // rc.subr hands NAME_flags to `su … -c "DAEMON FLAGS"`: a shell reads them there
    if (/[\n"'`$\\#;&|<>()]/.test(v)) throw new ModelError(k, v, "value must not contain newlines, quotes, #, $, `, backslashes or ; & | < > ( ) (rc.subr starts a daemon with its flags through the shell)");
    if (k in SPECIAL_SERVICES && v !== "YES" && v !== "NO") throw new ModelError(k, v, `value \`${v}\` is not allowed; one of YES, NO`);
    return `${k}=${v}`;
  });
  const sorted = [...new Set(lines)].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  return sorted.length ? `${sorted.join("\n")}\n` : "";
}

/** Lint for rc.conf.local text. */
export function lintRcConfLocal(text: string, file = "rc.conf.local"): Diagnostic[] {
  const r = parseRcConfLocal(text, file);
  const out = [...r.diagnostics];
  const v = r.value.vars;
  if (v.isakmpd_flags !== undefined && v.isakmpd_flags !== "NO" && v.ipsec === "YES" && !/(^|\s)-\w*K/.test(v.isakmpd_flags))
    out.push({ file, line: 1, column: 1, message: "isakmpd_flags: ipsec=YES needs isakmpd started with -K (ipsecctl feeds isakmpd; without -K isakmpd loads isakmpd.policy)", severity: "warning" });
  if (v.iked_flags !== undefined && v.iked_flags !== "NO" && v.isakmpd_flags !== undefined && v.isakmpd_flags !== "NO")
    out.push({ file, line: 1, column: 1, message: "iked_flags and isakmpd_flags: both daemons enabled; they cannot share UDP 500/4500, pick one", severity: "error" });
  return out;
}

/** Effective `_flags` of a daemon (what `rcctl get NAME flags` prints; `NO` when disabled). */
export function rcFlags(c: RcConfLocal, svc: string): string {
  const k = serviceKind(svc);
  if (k === "special") return c.vars[svc] ?? SPECIAL_SERVICES[svc];
  const v = c.vars[`${svc}_flags`];
  if (k === "pkg") return (c.vars.pkg_scripts ?? "").split(/\s+/).includes(svc) ? (v ?? SCRIPT_DEFAULT_FLAGS[svc] ?? "") : "NO";
  if (v === undefined) return BASE_DAEMONS[svc] === "NO" ? "NO" : (SCRIPT_DEFAULT_FLAGS[svc] ?? "");
  return v === "" ? (SCRIPT_DEFAULT_FLAGS[svc] ?? "") : v;
}

/** Whether a service is enabled. */
export function rcEnabled(c: RcConfLocal, svc: string): boolean {
  return rcFlags(c, svc) !== "NO";
}

function withVars(c: RcConfLocal, f: (v: Record<string, string>) => void): RcConfLocal {
  const vars = { ...c.vars };
  f(vars);
  return { vars };
}

/** `rcctl enable SVC`. */
export function rcctlEnable(c: RcConfLocal, svc: string): RcConfLocal {
  checkName(svc);
  switch (serviceKind(svc)) {
    case "special":
      return withVars(c, (v) => (SPECIAL_SERVICES[svc] === "YES" ? delete v[svc] : (v[svc] = "YES")));
    case "base":
      return withVars(c, (v) => {
        if (rcEnabled(c, svc)) return;
        if (BASE_DAEMONS[svc] === "NO") v[`${svc}_flags`] = "";
        else delete v[`${svc}_flags`];
      });
    case "pkg":
      return withVars(c, (v) => {
        const list = (v.pkg_scripts ?? "").split(/\s+/).filter(Boolean);
        if (!list.includes(svc)) list.push(svc);
        v.pkg_scripts = list.join(" ");
      });
  }
}

/** `rcctl disable SVC`: removes the service's lines; writes `_flags=NO` only for daemons on by default. */
export function rcctlDisable(c: RcConfLocal, svc: string): RcConfLocal {
  checkName(svc);
  switch (serviceKind(svc)) {
    case "special":
      return withVars(c, (v) => (SPECIAL_SERVICES[svc] === "NO" ? delete v[svc] : (v[svc] = "NO")));
    case "base":
      return withVars(c, (v) => {
        for (const k of Object.keys(v)) if (k.startsWith(`${svc}_`) && /^(execdir|flags|logger|rtable|timeout|user)$/.test(k.slice(svc.length + 1))) delete v[k];
        if (BASE_DAEMONS[svc] !== "NO") v[`${svc}_flags`] = "NO";
      });
    case "pkg":
      return withVars(c, (v) => {
        for (const k of Object.keys(v)) if (k.startsWith(`${svc}_`)) delete v[k];
        const list = (v.pkg_scripts ?? "").split(/\s+/).filter((s) => s && s !== svc);
        if (list.length) v.pkg_scripts = list.join(" ");
        else delete v.pkg_scripts;
      });
  }
}

/**
 * `rcctl set SVC flags FLAGS`. Throws ModelError with rcctl's own message when rcctl refuses:
 * `rcctl: SVC is not enabled` (set before enable) or `rcctl: "flags NO" contradicts "set"`.
 */
export function rcctlSetFlags(c: RcConfLocal, svc: string, flags: string): RcConfLocal {
  checkName(svc);
  if (serviceKind(svc) === "special") throw new ModelError(`${svc}.flags`, flags, `rcctl: "${svc}" is a special variable, cannot "set flags"`);
  if (flags === "NO") throw new ModelError(`${svc}.flags`, flags, 'rcctl: "flags NO" contradicts "set"');
  if (!rcEnabled(c, svc)) throw new ModelError(`${svc}.flags`, flags, `rcctl: ${svc} is not enabled`);
  if (/[\n"'`$\\]/.test(flags)) throw new ModelError(`${svc}.flags`, flags, `must not contain newlines, quotes, $, \` or backslashes`);
  const value = flags === (SCRIPT_DEFAULT_FLAGS[svc] ?? "") ? "" : flags;
  return withVars(c, (v) => {
    if (value === "" && serviceKind(svc) === "base" && BASE_DAEMONS[svc] !== "NO") delete v[`${svc}_flags`];
    else if (value === "" && serviceKind(svc) === "pkg") delete v[`${svc}_flags`];
    else v[`${svc}_flags`] = value;
  });
}

function checkName(svc: string): void {
  if (!/^[A-Za-z0-9_]+$/.test(svc)) throw new ModelError("service", svc, `\`${svc}\` is not a service name; use letters, digits and _`);
}

/** Desired services, applied as rcctl would (enable, then set flags), from an empty file. */
export function rcConfFromServices(services: Readonly<Record<string, { enabled: boolean; flags?: string }>>): RcConfLocal {
  let c: RcConfLocal = { vars: {} };
  for (const name of Object.keys(services).sort()) {
    const s = services[name];
    if (!s.enabled) {
      c = rcctlDisable(c, name);
      continue;
    }
    c = rcctlEnable(c, name);
    if (s.flags !== undefined) {
      if (serviceKind(name) === "special") throw new ModelError(`${name}.flags`, s.flags, `\`${name}\` is a special variable (YES/NO only) and takes no flags`);
      c = rcctlSetFlags(c, name, s.flags);
    }
  }
  return c;
}
