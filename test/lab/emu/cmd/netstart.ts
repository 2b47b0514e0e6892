/**
 * TEST DOUBLE — OpenBSD /etc/netstart emulated for the pulumi-openbsd lab (reference/openbsd.md A.4, C.8):
 * `sh /etc/netstart [-n] [IF …]` replays /etc/hostname.IF files through the emulated ifconfig, in netstart's
 * passes (physical, then carp & co., then default routes, then tunnels). It only adds, like the real one.
 */
import { chmod, chown, readdir, readFile, stat } from "node:fs/promises";
import type { Command, Io } from "../command";
import { linuxEnabled, ip } from "../linux";
import { rootPath, withInterfaces } from "../state";
import ifconfig, { ifType } from "./ifconfig";
import { shell } from "../subprocess";
import { kshReadLines } from "../../../../sdk/model/tokens/ksh-read";

const PASS2 = ["aggr", "trunk", "svlan", "vlan", "carp", "pppoe"];
const PASS3 = ["tun", "tap", "gif", "etherip", "gre", "egre", "nvgre", "eoip", "vxlan", "pflow", "wg"];

/**
 * Translate one hostname.if file into ifconfig argument lists and shell commands, as etc/netstart 1.236
 * parse_hn_line() does (each line word-split with globbing off, the command later eval'ed):
 * - a line whose first word is empty or starts with `#` is skipped (netstart:45-47);
 * - `inet`/`inet6` with no other word is skipped (49, 63); `inet autoconf …`/`inet6 autoconf …` are passed
 *   whole (50-54, 64-68); otherwise the word after `inet [alias] ADDR` becomes `netmask W`, the next one
 *   `broadcast W` unless it ends in `NONE` (55-61), and after `inet6 [alias] ADDR` `prefixlen W` (69-71);
 * - `dest ADDR` (exactly two words, 73) appends ADDR to the address word of the *previous* command,
 *   whatever it was (74-80);
 * - `dhcp` is `inet autoconf`, the rest of the line dropped (82-84);
 * - `!…`: the words re-joined with single spaces, every `$if` replaced by the interface name (sed, 85-86);
 * - anything else: `ifconfig IF WORDS…` (88).
 * At eval, a word starting with `#` starts a shell comment (the rest of the command is dropped).
 */
export function translate(ifname: string, text: string): ({ kind: "ifconfig"; words: string[] } | { kind: "sh"; cmd: string })[] {
  // `eval "${_cmds[_i]}"`: an ifconfig of plain words (and whole-word quotes) runs here; anything the shell would do
  // more with (an operator, an expansion, a backslash, a quote inside a word) runs through the shell, as eval would
  const head = `ifconfig ${ifname} `;
  return netstartCommands(ifname, text).map((cmd) => {
    const ws = cmd.startsWith(head) ? plainWords(cmd) : undefined;
    return ws ? { kind: "ifconfig" as const, words: ws.slice(2) } : { kind: "sh" as const, cmd };
  });
}

/** netstart's _cmds for a hostname.if: the command strings parse_hn_line builds, before eval (what `-n` prints). */
export function netstartCommands(ifname: string, text: string): string[] {
  const cmds: string[] = [];
  // the lines as netstart's `read` returns them (backslashes processed; a line no newline ends is never applied)
  for (const { text: raw, unterminated } of kshReadLines(text)) {
    if (unterminated) continue;
    // `parse_hn_line $_line`: split on IFS (space, tab, newline), globbing off
    const c = raw.split(/[ \t\n]+/).filter((x) => x !== "");
    const af = c[0];
    if (af === undefined || af.startsWith("#")) continue;
    if (af === "inet" || af === "inet6") {
      if (c.length <= 1) continue;
      if (c[1] !== "autoconf") {
        const alias = c[1] === "alias";
        if (af === "inet") {
          const m = alias ? 3 : 2;
          const bc = alias ? 4 : 3;
          if (c[m]) c[m] = `netmask ${c[m]}`;
          if (c[bc]) c[bc] = c[bc]!.endsWith("NONE") ? "" : `broadcast ${c[bc]}`;
        } else {
          const pl = alias ? 3 : 2;
          if (c[pl]) c[pl] = `prefixlen ${c[pl]}`;
        }
      }
      cmds.push(`ifconfig ${ifname} ${c.join(" ")}`);
    } else if (af === "dest") {
      if (c.length !== 2 || cmds.length === 0) continue;
      // `set -A _c -- ${_cmds[_prev]}`: the previous command re-split, the address appended to its address word
      const full = cmds[cmds.length - 1]!.split(/[ \t\n]+/).filter((x) => x !== "");
      const name = full[3] === "alias" ? 4 : 3;
      full[name] = `${full[name] ?? ""} ${c[1]}`;
      cmds[cmds.length - 1] = full.join(" ");
    } else if (af === "dhcp") cmds.push(`ifconfig ${ifname} inet autoconf`);
    else if (af.startsWith("!")) cmds.push(kshPrint(c.join(" ")).replaceAll("$if", ifname).slice(1));
    else cmds.push(`ifconfig ${ifname} ${c.join(" ")}`);
  }
  return cmds;
}

/** ksh's `print --` (no -r), through which netstart passes a `!` line: its backslash escapes are interpreted. */
function kshPrint(s: string): string {
  const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== "\\" || i + 1 >= s.length) { out += ch; continue; }
    const n = s[i + 1]!;
    if (n === "c") return out;
    if (simple[n] !== undefined) { out += simple[n]; i++; continue; }
    if (n === "0") {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 2))![0];
      out += String.fromCharCode(parseInt(m || "0", 8) & 0xff);
      i += 1 + m.length;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * The words of a command the shell would take as they are: plain words and whole-word `"…"`/`'…'` (no `$`, backquote
 * or backslash inside double quotes), up to a word starting with `#` (a comment); undefined for anything else.
 */
function plainWords(cmd: string): string[] | undefined {
  const re = /\s*(?:"([^"$`\\]*)"|'([^']*)'|([^\s"'$`\\;&|<>()]+))(?=\s|$)/y;
  const out: string[] = [];
  let pos = 0;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) {
    // a word starting with # begins a comment: the rest of the command, whatever it holds, is dropped
    if (m[3]?.startsWith("#")) return out;
    out.push(m[1] ?? m[2] ?? m[3]!);
    pos = re.lastIndex;
  }
  const rest = cmd.slice(pos);
  return /^\s*$/.test(rest) || /^\s+#/.test(rest) || (pos === 0 && rest.startsWith("#")) ? out : undefined;
}

async function runIfconfig(io: Io, words: string[]): Promise<number> {
  return ifconfig({ ...io, argv: words });
}

/** Configure one interface from its hostname file (creating a cloned interface first). */
async function configure(io: Io, ifname: string, dry: boolean): Promise<void> {
  const file = rootPath(`/etc/hostname.${ifname}`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return;
  }
  if (!dry) {
    const st = await stat(file);
    if ((st.mode & 0o007) !== 0 || st.uid !== 0 || st.gid !== 0) {
      io.out(`WARNING: /etc/hostname.${ifname} is insecure, fixing permissions.\n`);
      await chmod(file, st.mode & 0o770);
      if (!process.env.EMU_ROOT) await chown(file, 0, 0).catch(() => undefined);
    }
  }
  if (dry) {
    io.out(`{ ifconfig ${ifname} || ifconfig ${ifname} create; }\n`);
    for (const c of netstartCommands(ifname, text)) io.out(`${c}\n`);
    return;
  }
  const cmds = translate(ifname, text);
  const t = await withInterfaces((x) => x);
  if (!t.interfaces.some((i) => i.name === ifname)) {
    if ((await runIfconfig(io, [ifname, "create"])) !== 0) return;
  }
  for (const c of cmds) {
    if (c.kind === "ifconfig") await runIfconfig(io, [ifname, ...c.words]);
    else {
      // a syntax error in `eval` ends netstart's shell (eval is a special built-in): nothing after it runs
      if ((await shell(io, `/bin/sh -n -c ${sq(c.cmd)}`, process.env.EMU_ROOT ?? "/")) !== 0) throw new EvalSyntaxError();
      await shell(io, c.cmd, process.env.EMU_ROOT ?? "/");
    }
  }
}

/** netstart's shell exited: an eval of a hostname.if command had a syntax error. */
class EvalSyntaxError extends Error {}

const sq = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Re-add default routes from /etc/mygate. */
async function defaultRoutes(io: Io, dry: boolean): Promise<void> {
  let text = "";
  try {
    text = await readFile(rootPath("/etc/mygate"), "utf8");
  } catch {
    return;
  }
  for (const l of text.split("\n").map((x) => x.trim()).filter((x) => x && !x.startsWith("#"))) {
    const v6 = l.includes(":");
    if (dry) { io.out(`route -qn add -host ${v6 ? "-inet6 " : ""}default ${l}\n`); continue; }
    if (linuxEnabled()) {
      const e = ip(...(v6 ? ["-6"] : []), "route", "replace", "default", "via", l);
      if (e) io.err(`add net default: gateway ${l}: Network is unreachable\n`);
    }
  }
}

const netstart: Command = async (io) => {
  try {
    return await netstartRun(io);
  } catch (e) {
    if (e instanceof EvalSyntaxError) return 1;
    throw e;
  }
};

async function netstartRun(io: Io): Promise<number> {
  const argv = [...io.argv];
  let dry = false;
  if (argv[0] === "-n") { dry = true; argv.shift(); }
  if (argv.some((a) => a.startsWith("-"))) {
    io.err("usage: netstart [-n] [interface ...]\n");
    return 1;
  }
  if (argv.length) {
    for (const i of argv) await configure(io, i, dry);
    await defaultRoutes(io, dry);
    return 0;
  }
  const files = (await readdir(rootPath("/etc"))).filter((f) => /^hostname\.[a-z]+\d+$/.test(f)).map((f) => f.slice("hostname.".length));
  const byIndex = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
  if (files.includes("lo0")) await configure(io, "lo0", dry);
  for (const i of files.filter((f) => f !== "lo0" && !PASS2.includes(ifType(f)) && !PASS3.includes(ifType(f))).sort(byIndex)) await configure(io, i, dry);
  for (const i of files.filter((f) => PASS2.includes(ifType(f))).sort(byIndex)) await configure(io, i, dry);
  await defaultRoutes(io, dry);
  for (const i of files.filter((f) => PASS3.includes(ifType(f))).sort(byIndex)) await configure(io, i, dry);
  return 0;
}

export default netstart;
