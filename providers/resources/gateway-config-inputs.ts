/** The inputs of a GatewayConfig (gateway-config.ts): their shape, their defaults, and every check of them. */
import type { FileCheck, HostState } from "../../sdk/state";
import type { SshTarget } from "../transport/ssh";
import { parseHostKey } from "../transport/hostkey";
import { privateKeyProblem } from "../transport/private-key";
import { kernelProblem } from "../gateway/ipsec-kernel";
import { hostProblem } from "../../sdk/connection";
import { anchorName, interfaceName, packageName, rcFlags, refusalOf, serviceName, shown, sysctlName, userName, visible } from "../../sdk/model/tokens/index";
import { sysctlValueOf } from "../../sdk/model/sysctl/index";
import { hasUnknown, isUnknown } from "../unknowns";

/** Default seconds before the on-host timer rolls an unconfirmed commit back. */
export const DEFAULT_ROLLBACK_SECONDS = 60;
const CHECKS: readonly FileCheck[] = ["pf", "pf-anchor", "ipsec", "iked", "sasyncd", "sshd", "none"];

/** The inputs of a GatewayConfig (and the outputs it adds). */
export interface Inputs {
  connection: SshTarget;
  state: HostState;
  rollbackSeconds?: number;
  drift?: Record<string, string>;
  flows?: string[];
  /** Output: key of this gateway's fingerprints (secret), generated at create or import. */
  fingerprintKey?: string;
  /**
   * Output set by an import's read: `state` is what the gateway had, not something the resource
   * applied. The import step's diff is empty (the engine refuses an import whose inputs differ from
   * the program's); the next update takes the gateway over as a create does (baselines from the files
   * it finds), so what was found is what destroy restores.
   */
  imported?: boolean;
}

/**
 * The connection with its documented defaults for absent optional fields: the SDK sends an unset
 * `user`, `port`, `hostKey` or `insecureSkipHostKeyCheck` as `null`, which means the default
 * (root, 22, none, false), so null and undefined are dropped here.
 */
export function normalizeConnection<T>(c: T): T {
  if (!c || typeof c !== "object" || isUnknown(c)) return c;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c as Record<string, unknown>)) if (v !== null && v !== undefined) out[k] = v;
  // a bastion: the same, and none when it names no host (the SDK sends a connection that may hold one as its fields)
  if (out.proxy !== undefined) {
    // (a list is left as it came, for the check to refuse)
    const p = Array.isArray(out.proxy) ? out.proxy : normalizeConnection(out.proxy);
    if (p && typeof p === "object" && !Array.isArray(p) && !isUnknown(p) && Object.keys(p).length === 0) delete out.proxy;
    else out.proxy = p;
  }
  return out as T;
}

/** What is wrong with a connection's host, as `check` reports it; undefined when it is a host name or address. */
function connectionHostProblem(host: unknown): string | undefined {
  if (typeof host !== "string") return `\`${String(host)}\` is not a host name or address`;
  const hp = hostProblem(host);
  return hp ? `\`${host}\`: ${hp.reason}; ${hp.fix}` : undefined;
}

/**
 * Every problem with the inputs, as `field: value is wrong; allowed …` (no secret values shown). A value not
 * known yet (at preview, providers/unknowns.ts) is not checked: the engine checks the inputs again at `pulumi up`,
 * when it is known; every check that does not read it still runs.
 */
export function validate(n: Inputs): { property: string; reason: string }[] {
  const f: { property: string; reason: string }[] = [];
  // a map key or value from the state reaches the user's terminal in these: control and format characters escaped
  const bad = (property: string, reason: string) => f.push({ property: visible(property), reason: visible(`${property}: ${reason}`) });
  /** Known now: holds no unknown value. */
  const known = (v: unknown) => !hasUnknown(v);
  const c = normalizeConnection(n.connection as Partial<SshTarget> | undefined);
  if (isUnknown(c)) {
    // the whole connection is checked at up
  } else if (!c || typeof c !== "object") bad("connection", "missing; give { host, privateKey, hostKey }");
  else {
    const hp = known(c.host) ? connectionHostProblem(c.host) : undefined;
    if (hp) bad("connection.host", hp);
    if (c.port !== undefined && known(c.port) && (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535)) bad("connection.port", `\`${String(c.port)}\` is not a TCP port; give 1–65535 (default 22)`);
    if (c.user !== undefined && known(c.user) && refusalOf(userName, c.user)) bad("connection.user", `\`${String(c.user)}\` is not a user name; default root (others use doas)`);
    const keyProblem = known(c.privateKey) ? privateKeyProblem(c.privateKey) : undefined;
    if (keyProblem) bad("connection.privateKey", keyProblem);
    if (!known(c.hostKey)) {
      // pinned at up
    } else if (c.hostKey !== undefined && c.hostKey !== null && c.hostKey !== "") {
      const k = parseHostKey(String(c.hostKey));
      if (typeof k === "string") f.push({ property: "connection.hostKey", reason: visible("connection." + k) });
    } else if (known(c.insecureSkipHostKeyCheck) && !c.insecureSkipHostKeyCheck) bad("connection.hostKey", "missing; pin the gateway's key (`ssh-keyscan -t ed25519 HOST`) or set insecureSkipHostKeyCheck: true (dangerous)");
    // a string (`"yes"`, `"false"`) would count as true and drop the pin
    if (c.insecureSkipHostKeyCheck !== undefined && known(c.insecureSkipHostKeyCheck) && typeof c.insecureSkipHostKeyCheck !== "boolean") bad("connection.insecureSkipHostKeyCheck", `\`${String(c.insecureSkipHostKeyCheck)}\` is not a boolean; give true or false (default false)`);
    if (c.proxy !== undefined) proxyProblems(c.proxy, bad, known);
  }
  if (n.rollbackSeconds !== undefined && n.rollbackSeconds !== null && known(n.rollbackSeconds) && (!Number.isInteger(n.rollbackSeconds) || n.rollbackSeconds < 5 || n.rollbackSeconds > 3600)) {
    bad("rollbackSeconds", `\`${String(n.rollbackSeconds)}\` must be a whole number of seconds from 5 to 3600 (default ${DEFAULT_ROLLBACK_SECONDS})`);
  }
  const s = n.state;
  if (isUnknown(s)) return f; // the whole state is checked at up
  if (!s || typeof s !== "object") {
    bad("state", "missing; give a HostState");
    return f;
  }
  /** The entries of a map of the state; none while the map itself is unknown. */
  const entries = <V>(m: Record<string, V> | undefined): [string, V][] => (isUnknown(m) ? [] : Object.entries(m ?? {}));
  /** Whether the state names `p` among its files (true while the files map is unknown: checked at up). */
  const hasFile = (p: unknown) => isUnknown(s.files) || !!s.files?.[String(p)];
  for (const [p, file] of entries(s.files)) fileProblems(p, file, bad, known);
  for (const [k, v] of entries(s.sysctls)) {
    const kr = refusalOf(sysctlName, k);
    if (kr) bad(`state.sysctls["${k}"]`, `\`${shown(k)}\`: ${kr.reason}; ${kr.fix}`);
    const vr = known(v) ? refusalOf(sysctlValueOf(k), v) : undefined;
    if (vr) bad(`state.sysctls["${k}"]`, `value \`${shown(v)}\`: ${vr.reason}; ${vr.fix}`);
  }
  for (const [k, v] of entries(s.services)) {
    const sr = refusalOf(serviceName, k);
    if (sr) bad(`state.services["${k}"]`, `\`${shown(k)}\`: ${sr.reason}; ${sr.fix}`);
    if (isUnknown(v)) continue;
    if (known(v.order) && !Number.isFinite(v.order)) bad(`state.services["${k}"].order`, `\`${String(v.order)}\` must be a number`);
    // a string ("false", "no") would count as true: a service enabled or started that was meant to be off
    for (const b of ["enabled", "running"] as const) {
      if (v[b] !== undefined && v[b] !== null && known(v[b]) && typeof v[b] !== "boolean") bad(`state.services["${k}"].${b}`, `\`${shown(v[b])}\` is not a boolean; give true or false`);
    }
    const fr = v.flags !== undefined && known(v.flags) ? refusalOf(rcFlags, v.flags) : undefined;
    if (fr) bad(`state.services["${k}"].flags`, `\`${shown(v.flags)}\`: ${fr.reason}; ${fr.fix}`);
    if (v.flags !== undefined && known(v.flags) && /(^|\s)-S(\s|$)/.test(v.flags) && (k === "isakmpd" || k === "iked")) {
      bad(`state.services["${k}"].flags`, `\`${v.flags}\`: do not set -S, rc.d/${k} adds it when sasyncd is enabled (it would appear twice)`);
    }
    if (known(v.restartOn)) for (const p of v.restartOn ?? []) if (!hasFile(p)) bad(`state.services["${k}"].restartOn`, `\`${shown(p)}\` is not in state.files`);
  }
  for (const i of isUnknown(s.interfaces) ? [] : (s.interfaces ?? [])) {
    if (isUnknown(i)) continue;
    const ir = refusalOf(interfaceName, i);
    if (ir) bad(`state.interfaces`, `\`${shown(i)}\`: ${ir.reason}; ${ir.fix}`);
    else if (!hasFile(`/etc/hostname.${i}`)) bad(`state.interfaces`, `\`${i}\` has no /etc/hostname.${i} in state.files`);
  }
  for (const [a, v] of entries(s.anchors)) {
    const ar = refusalOf(anchorName, a);
    if (ar) bad(`state.anchors["${a}"]`, `\`${shown(a)}\`: ${ar.reason}; ${ar.fix}`);
    if (known(v) && !hasFile(v.file)) bad(`state.anchors["${a}"].file`, `\`${v.file}\` is not in state.files`);
  }
  if (s.packages !== undefined && s.packages !== null && !isUnknown(s.packages)) {
    if (!Array.isArray(s.packages)) bad("state.packages", "must be a list of package names");
    else
      for (const p of s.packages) {
        const pr = known(p) ? refusalOf(packageName, p) : undefined;
        if (pr) bad(`state.packages`, `\`${shown(p)}\`: ${pr.reason}; ${pr.fix}`);
      }
  }
  if (s.secrets !== undefined && !isUnknown(s.secrets) && (!Array.isArray(s.secrets) || s.secrets.some((v) => typeof v !== "string"))) bad("state.secrets", "must be a list of strings (values not shown)");
  const d = s.ipsec?.daemon;
  if (d !== undefined && known(d) && !["isakmpd", "iked", "none"].includes(d)) bad("state.ipsec.daemon", `unknown daemon \`${String(d)}\`; one of isakmpd, iked, none`);
  if (s.ipsec?.ruleFile && known(s.ipsec.ruleFile) && !hasFile(s.ipsec.ruleFile)) bad("state.ipsec.ruleFile", `\`${s.ipsec.ruleFile}\` is not in state.files`);
  const k = known(s.ipsecKernel) ? kernelProblem(s.ipsecKernel) : undefined;
  if (k) bad("state.ipsecKernel", k);
  return f;
}

/** What is wrong with one file of the state (`p` its path, as written in the map). */
function fileProblems(p: string, file: HostState["files"][string], bad: (property: string, reason: string) => void, known: (v: unknown) => boolean): void {
  const at = `state.files["${p}"]`;
  // no `.` or `..` segment and no empty one: the path names one file, the one it reads as
  if (!/^\/[A-Za-z0-9._+@/-]+$/.test(p) || p.split("/").slice(1).some((seg) => seg === "" || seg === "." || seg === "..")) bad(at, `\`${p}\` is not an absolute file path of letters, digits and ._+@-/ (no \`.\`, \`..\` or empty segment)`);
  if (isUnknown(file)) return;
  if (typeof file.content !== "string") bad(`${at}.content`, "must be a string");
  // a string would count as true (or a `false` string as false as a boolean is meant): secret only as a boolean
  if (file.secret !== undefined && file.secret !== null && known(file.secret) && typeof file.secret !== "boolean") bad(`${at}.secret`, `\`${shown(file.secret)}\` is not a boolean; give true or false`);
  if (known(file.mode) && !/^0?[0-7]{3,4}$/.test(String(file.mode))) bad(`${at}.mode`, `\`${String(file.mode)}\` is not an octal mode; give e.g. 0600`);
  for (const k of ["owner", "group"] as const) {
    if (file[k] !== undefined && known(file[k]) && refusalOf(userName, file[k])) bad(`${at}.${k}`, `\`${String(file[k])}\` is not a user/group name`);
  }
  if (!known(file.check) || !known(file.mode)) return;
  if (file.check !== undefined && !CHECKS.includes(file.check)) bad(`${at}.check`, `unknown check \`${String(file.check)}\`; one of ${CHECKS.join(", ")}`);
  const mode = parseInt(String(file.mode), 8);
  if ((file.check === "iked" || file.check === "sasyncd") && (mode & 0o077) !== 0) {
    bad(`${at}.mode`, `\`${file.mode}\`: ${file.check} refuses a config file with group or other access; give 0600`);
  }
  if (file.check === "ipsec" && (mode & 0o037) !== 0) {
    bad(`${at}.mode`, `\`${file.mode}\`: ipsecctl refuses a file that is group writable or world read/writable; give 0600`);
  }
}

/** What is wrong with a connection's bastion (`connection.proxy`): its own host, port, user, key and pinned host key. */
function proxyProblems(p: unknown, bad: (property: string, reason: string) => void, known: (v: unknown) => boolean): void {
  if (isUnknown(p)) return;
  if (!p || typeof p !== "object" || Array.isArray(p)) return bad("connection.proxy", "not a bastion; give { host, hostKey } (user, port and privateKey optional)");
  const x = p as Partial<SshTarget>;
  if (x.host === undefined) bad("connection.proxy.host", "missing; give the bastion's address or host name");
  if (x.proxy !== undefined) bad("connection.proxy.proxy", "a bastion behind a bastion is not supported; reach the last bastion directly, or give the gateway's connection through it alone");
  const hp = x.host !== undefined && known(x.host) ? connectionHostProblem(x.host) : undefined;
  if (hp) bad("connection.proxy.host", hp);
  if (x.port !== undefined && known(x.port) && (!Number.isInteger(x.port) || x.port < 1 || x.port > 65535)) bad("connection.proxy.port", `\`${String(x.port)}\` is not a TCP port; give 1–65535 (default 22)`);
  if (x.user !== undefined && known(x.user) && refusalOf(userName, x.user)) bad("connection.proxy.user", `\`${String(x.user)}\` is not a user name; default root`);
  const keyProblem = x.privateKey !== undefined && known(x.privateKey) ? privateKeyProblem(x.privateKey) : undefined;
  if (keyProblem) bad("connection.proxy.privateKey", keyProblem);
  if (!known(x.hostKey)) return;
  if (x.hostKey !== undefined && x.hostKey !== "") {
    const k = parseHostKey(String(x.hostKey));
    if (typeof k === "string") bad("connection.proxy.hostKey", k.replace(/^hostKey: /, ""));
  } else if (known(x.insecureSkipHostKeyCheck) && !x.insecureSkipHostKeyCheck) bad("connection.proxy.hostKey", "missing; pin the bastion's key (`ssh-keyscan -t ed25519 BASTION`) or set insecureSkipHostKeyCheck: true (dangerous)");
  if (x.insecureSkipHostKeyCheck !== undefined && known(x.insecureSkipHostKeyCheck) && typeof x.insecureSkipHostKeyCheck !== "boolean") bad("connection.proxy.insecureSkipHostKeyCheck", `\`${String(x.insecureSkipHostKeyCheck)}\` is not a boolean; give true or false (default false)`);
}
