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

const PASS2 = ["aggr", "trunk", "svlan", "vlan", "carp", "pppoe"];
const PASS3 = ["tun", "tap", "gif", "etherip", "gre", "egre", "nvgre", "eoip", "vxlan", "pflow", "wg"];

/** Split a line into words like sh would for the simple quoting hostname.if files use. */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** Translate one hostname.if file into ifconfig argument lists and shell commands (netstart parse_hn_line). */
export function translate(ifname: string, text: string): ({ kind: "ifconfig"; words: string[] } | { kind: "sh"; cmd: string })[] {
  const out: ({ kind: "ifconfig"; words: string[] } | { kind: "sh"; cmd: string })[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s+|\s+$/g, "");
    if (!line || line.startsWith("#")) continue;
    if (line.startsWith("!")) {
      out.push({ kind: "sh", cmd: line.slice(1).replace(/\$if\b/g, ifname).replace(/\$\{if\}/g, ifname) });
      continue;
    }
    const w = shellWords(line);
    const [af] = w;
    if (af === "inet" && w[1] !== "autoconf" && w[1] !== undefined) {
      const words = ["inet"];
      let i = 1;
      if (w[i] === "alias") words.push(w[i++]!);
      words.push(w[i++]!);
      const mask = w[i++];
      const bc = w[i++];
      if (mask !== undefined) words.push("netmask", mask);
      if (bc !== undefined && bc !== "NONE") words.push("broadcast", bc);
      words.push(...w.slice(i));
      out.push({ kind: "ifconfig", words });
    } else if (af === "inet6" && w[1] !== "autoconf" && w[1] !== undefined) {
      const words = ["inet6"];
      let i = 1;
      if (w[i] === "alias") words.push(w[i++]!);
      words.push(w[i++]!);
      const plen = w[i++];
      if (plen !== undefined) words.push("prefixlen", plen);
      words.push(...w.slice(i));
      out.push({ kind: "ifconfig", words });
    } else if (af === "dhcp" || (af === "inet" && w[1] === "autoconf")) {
      out.push({ kind: "ifconfig", words: ["inet", "autoconf"] });
    } else if (af === "dest") {
      for (let k = out.length - 1; k >= 0; k--) {
        const c = out[k]!;
        if (c.kind === "ifconfig" && (c.words[0] === "inet" || c.words[0] === "inet6")) {
          const at = c.words[1] === "alias" ? 3 : 2;
          c.words.splice(at, 0, w[1] ?? "");
          break;
        }
      }
    } else {
      out.push({ kind: "ifconfig", words: w });
    }
  }
  return out;
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
  const cmds = translate(ifname, text);
  if (dry) {
    io.out(`{ ifconfig ${ifname} || ifconfig ${ifname} create; }\n`);
    for (const c of cmds) io.out(c.kind === "ifconfig" ? `ifconfig ${ifname} ${c.words.join(" ")}\n` : `${c.cmd}\n`);
    return;
  }
  const t = await withInterfaces((x) => x);
  if (!t.interfaces.some((i) => i.name === ifname)) {
    if ((await runIfconfig(io, [ifname, "create"])) !== 0) return;
  }
  for (const c of cmds) {
    if (c.kind === "ifconfig") await runIfconfig(io, [ifname, ...c.words]);
    else {
      await shell(io, c.cmd, process.env.EMU_ROOT ?? "/");
    }
  }
}

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
};

export default netstart;
