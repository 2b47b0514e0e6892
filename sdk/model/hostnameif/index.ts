/**
 * hostname.if(5) as netstart(8) 1.236 reads it: one line becomes one ifconfig command (or a shell
 * command for `!`). Fields are positional: after `inet [alias] ADDR` the next word is always the netmask
 * and the one after it the broadcast address (`NONE` = default), so {@link renderHostnameIf} never writes
 * `inet ADDR/LEN` followed by options; it writes `inet ADDR NETMASK NONE options…`.
 */
import { IPv4Prefix } from "ip-num";
import { ModelError, type Diagnostic, type ParseResult } from "../diagnostics";
import { canonicalWritten as canonicalHost, netmaskPrefix, parseWrittenAddress as parseAddr, type WrittenAddress } from "../address/index";
import { hostnameIfText, hostnameIfWord } from "../tokens/words";
import { refusalOf, shown, unsafeChar } from "../tokens/refusal";
import { parseWg } from "../wg/index";
import { interfaceFromFileName, interfaceKind, type InterfaceKind } from "../tokens/interface";
import { evalHazard } from "./netstart-eval";
import { kshReadLines } from "../tokens/ksh-read";

export { interfaceFromFileName, interfaceKind, isClonedInterface, type InterfaceKind } from "../tokens/interface";

/** carp(4) options that may appear on their own line or after an `inet` address. */
export interface CarpOptions {
  /** `vhid N`: virtual host id, 1–255 (required for carp). */
  vhid?: number;
  /** `carpdev IF`: parent interface. */
  carpdev?: string;
  /** `pass STRING`: advertisement password (a secret). */
  pass?: string;
  /** `advbase N`: seconds, 0–254; default 1. */
  advbase?: number;
  /** `advskew N`: 0–254; default 0; higher = less preferred. */
  advskew?: number;
  /** `carppeer ADDR`: unicast advertisements to this peer. */
  carppeer?: string;
}

/** One line of a hostname.if file. */
export type HostnameIfLine =
  /** `inet [alias] ADDR [NETMASK [BROADCAST|NONE]] [options]`. `prefixlen` absent = no netmask given. */
  | { kind: "inet"; alias?: true; address: string; prefixlen?: number; broadcast?: string; options?: string[] }
  /** `inet6 [alias] ADDR [PREFIXLEN] [options]` (ADDR may be written ADDR/LEN). */
  | { kind: "inet6"; alias?: true; address: string; prefixlen?: number; options?: string[] }
  /** `inet autoconf` / `dhcp` (inet) or `inet6 autoconf`. */
  | { kind: "autoconf"; af: "inet" | "inet6" }
  /** `dest ADDR`: point-to-point destination of the previous address line (gif, gre). */
  | { kind: "dest"; address: string }
  /** `up` / `down`. */
  | { kind: "up" }
  | { kind: "down" }
  /** `description "TEXT"`. */
  | { kind: "description"; text: string }
  /** carp options on their own line (e.g. `vhid 1 carpdev em0 pass s3cr3t advskew 100`). */
  | ({ kind: "carp" } & CarpOptions)
  /** `tunnel SRC DST` (gif, gre, eoip, etherip): outer addresses, same family. */
  | { kind: "tunnel"; src: string; dst: string }
  /** `tunneldomain N`: routing domain of the outer packets. */
  | { kind: "tunneldomain"; rdomain: number }
  /** `vnetid N`: GRE key / eoip tunnel id. */
  | { kind: "vnetid"; id: number }
  /** pfsync(4): `syncdev IF` and/or `syncpeer ADDR`. */
  | { kind: "pfsync"; syncdev?: string; syncpeer?: string }
  /** `!command`: run by the shell; `$if` is the interface name. */
  | { kind: "command"; command: string }
  /** `# text`. */
  | { kind: "comment"; text: string }
  /** Any other ifconfig arguments, passed through (`group egress`, `mtu 1400`, `alias A B`, …). */
  | { kind: "ifconfig"; args: string[] };

/** A hostname.IF file. */
export interface HostnameIf {
  /** Interface name (from the file name `hostname.carp1` → `carp1`). */
  interface: string;
  lines: HostnameIfLine[];
}

/** Splits a line into words the way the shell `eval` in netstart would (double/single quotes). */
function words(line: string): string[] | undefined {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, "$1"));
    else if (m[2] !== undefined) out.push(m[2]);
    else if (/["']/.test(m[3])) return undefined;
    else out.push(m[3]);
  }
  return out;
}

function prefixToNetmask(n: number): string {
  return IPv4Prefix.fromNumber(BigInt(n)).toMask().toString();
}

const CARP_KEYS = new Set(["vhid", "carpdev", "pass", "advbase", "advskew", "carppeer"]);

/** Parses carp options from words; returns an error message or the options. */
function carpOptions(ws: string[]): CarpOptions | string {
  const o: CarpOptions = {};
  for (let i = 0; i < ws.length; i += 2) {
    const k = ws[i];
    const v = ws[i + 1];
    if (!CARP_KEYS.has(k)) return `\`${k}\` is not a carp option; one of ${[...CARP_KEYS].join(", ")}`;
    if (v === undefined) return `${k}: missing value`;
    switch (k) {
      case "vhid":
      case "advbase":
      case "advskew": {
        const [lo, hi] = k === "vhid" ? [1, 255] : [0, 254];
        if (!/^\d+$/.test(v) || Number(v) < lo || Number(v) > hi) return `${k}: \`${v}\` is out of range; ${lo}-${hi}`;
        o[k] = Number(v);
        break;
      }
      case "carpdev":
        o.carpdev = v;
        break;
      case "pass":
        o.pass = v;
        break;
      case "carppeer":
        if (!parseAddr(v)) return `carppeer: \`${v}\` is not an address`;
        o.carppeer = canonicalHost(v);
        break;
    }
  }
  return o;
}

/** Reports a problem on the current line. */
type LineError = (message: string, severity?: "error" | "warning") => void;

/**
 * What `inet` and `inet6` lines share (netstart:49-54, 63-68): `autoconf` alone, a bare keyword (skipped
 * by netstart), `KEYWORD autoconf …` (passed to ifconfig whole), else `[alias] ADDR[/LEN]` of the family.
 * Undefined when the line is already pushed or reported.
 */
function addressStart(af: "inet" | "inet6", rest: string[], ws: string[], err: LineError, push: (l: HostnameIfLine) => void): { alias: boolean; a: WrittenAddress; i: number } | undefined {
  if (rest[0] === "autoconf" && rest.length === 1) return void push({ kind: "autoconf", af });
  if (rest.length === 0) return void err(`${af}: netstart skips an \`${af}\` line without an address`, "warning");
  if (rest[0] === "autoconf") return void push({ kind: "ifconfig", args: ws });
  const alias = rest[0] === "alias";
  const i = alias ? 1 : 0;
  const a = rest[i] === undefined ? undefined : parseAddr(rest[i]);
  if (!a || a.af !== af) return void err(`${af}: \`${rest[i] ?? ""}\` is not an ${af === "inet" ? "IPv4" : "IPv6"} address`);
  return { alias, a, i: i + 1 };
}

/** `inet [alias] ADDR[/LEN] [NETMASK [BROADCAST|NONE]] [options]` (netstart:49-54, positional fields). */
function inetLine(rest: string[], ws: string[], err: LineError, push: (l: HostnameIfLine) => void): void {
    const start = addressStart("inet", rest, ws, err, push);
    if (!start) return;
    const { a } = start;
    let i = start.i;
    const l: Extract<HostnameIfLine, { kind: "inet" }> = { kind: "inet", ...(start.alias ? { alias: true } : {}), address: a.text };
    if (a.mask !== undefined) {
      l.prefixlen = a.mask;
      if (rest.length > i)
        return err(`inet: \`${rest[i - 1]} ${rest.slice(i).join(" ")}\`: fields are positional, so netstart reads \`${rest[i]}\` as the netmask; write \`inet ${a.text} ${prefixToNetmask(a.mask)} NONE ${rest.slice(i).join(" ")}\``);
    } else if (rest[i] !== undefined) {
      const p = netmaskPrefix(rest[i]);
      if (p === undefined) return err(`inet: netmask \`${rest[i]}\` is not a contiguous netmask (e.g. 255.255.255.0 or 0xffffff00)`);
      l.prefixlen = p;
      i++;
      if (rest[i] !== undefined) {
        if (rest[i] !== "NONE") {
          const b = parseAddr(rest[i]);
          if (!b || b.af !== "inet" || b.mask !== undefined) return err(`inet: broadcast \`${rest[i]}\` is not an IPv4 address (write NONE for the default)`);
          l.broadcast = b.text;
        }
        i++;
      }
    }
    if (rest.length > i) l.options = rest.slice(i);
    const o = l.options ? carpOptionsIfAny(l.options) : undefined;
    if (typeof o === "string") return err(`inet: ${o}`);
    return push(l);
  
}

/** `inet6 [alias] ADDR[/LEN] [PREFIXLEN] [options]` (netstart:63-68). */
function inet6Line(rest: string[], ws: string[], err: LineError, push: (l: HostnameIfLine) => void): void {
    const start = addressStart("inet6", rest, ws, err, push);
    if (!start) return;
    const { a } = start;
    let i = start.i;
    const l: Extract<HostnameIfLine, { kind: "inet6" }> = { kind: "inet6", ...(start.alias ? { alias: true } : {}), address: a.text };
    if (a.mask !== undefined) {
      l.prefixlen = a.mask;
      if (rest.length > i) return err(`inet6: \`${rest[i - 1]} ${rest.slice(i).join(" ")}\`: fields are positional, so netstart reads \`${rest[i]}\` as the prefix length; write \`inet6 ${a.text} ${a.mask} ${rest.slice(i).join(" ")}\``);
    } else if (rest[i] !== undefined) {
      if (!/^\d+$/.test(rest[i]) || Number(rest[i]) > 128) return err(`inet6: prefix length \`${rest[i]}\` is not a number 0-128`);
      l.prefixlen = Number(rest[i]);
      i++;
    }
    if (rest.length > i) l.options = rest.slice(i);
    return push(l);
  
}

/** Parses a hostname.if file. `file` gives the interface name (`hostname.carp1`); pass `iface` when it does not. */
export function parseHostnameIf(text: string, file = "hostname.if", iface?: string): ParseResult<HostnameIf> {
  const name = iface ?? interfaceFromFileName(file) ?? "";
  const lines: HostnameIfLine[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!name) diagnostics.push({ file, line: 1, column: 1, message: `file name \`${file}\` does not name an interface; expected hostname.IF`, severity: "error" });
  // the lines as netstart's `read` returns them: backslashes processed, a trailing one joins the next line
  kshReadLines(text).forEach(({ text: raw, line: lineNo, joined, unterminated }) => {
    const t = raw.trim();
    const col = raw.indexOf(t) + 1;
    const err = (message: string, severity: "error" | "warning" = "error"): void => void diagnostics.push({ file, line: lineNo, column: col, message, severity });
    if (unterminated) {
      if (t !== "") err(unterminated === "continued past the end"
        ? `the backslash ending line ${lineNo + joined} asks for a line the file does not have: netstart's \`read\` then fails and stops, so this line is never applied`
        : `line ${lineNo + joined} has no newline at its end: netstart's \`read\` returns it as the file ends and stops, so this line is never applied; end the file with a newline`, "warning");
      return;
    }
    if (joined) err(`the backslash ending line ${lineNo}${joined > 1 ? ` and the ${joined - 1} after it` : ""} joins the next line to it: netstart reads this file with \`read\`, not \`read -r\`, so these ${joined + 1} lines are one`, "warning");
    if (t === "") return;
    if (t.startsWith("#")) return void lines.push({ kind: "comment", text: t.slice(1).replace(/^ /, "") });
    if (t.startsWith("!")) return void lines.push({ kind: "command", command: raw.trimStart().slice(1) });
    const hazard = evalHazard(t);
    if (hazard) err(hazard, "warning");
    const ws = words(t);
    if (!ws) return err("unbalanced quotes");
    const [w0, ...rest] = ws;
    switch (w0) {
      case "dhcp":
        // netstart:82-84: `dhcp` becomes `ifconfig IF inet autoconf`, whatever follows is dropped
        if (rest.length) err(`dhcp: netstart ignores \`${rest.join(" ")}\` after dhcp`, "warning");
        return void lines.push({ kind: "autoconf", af: "inet" });
      case "up":
      case "down":
        if (rest.length) return void lines.push({ kind: "ifconfig", args: ws });
        return void lines.push({ kind: w0 });
      case "description":
        if (rest.length !== 1) return err(`description: expected one quoted text, got ${rest.length} words (quote it: description "…")`);
        return void lines.push({ kind: "description", text: rest[0] });
      case "dest": {
        if (rest.length !== 1 || !parseAddr(rest[0]) || rest[0].includes("/")) return err(`dest: expected one address, got \`${rest.join(" ")}\``);
        return void lines.push({ kind: "dest", address: canonicalHost(rest[0]) });
      }
      case "tunnel": {
        if (rest.length !== 2) return err(`tunnel: expected SRC DST, got \`${rest.join(" ")}\``);
        const [s, d] = rest.map((a) => parseAddr(a));
        if (!s || !d || s.mask !== undefined || d.mask !== undefined) return err(`tunnel: \`${rest.join(" ")}\` must be two addresses`);
        if (s.af !== d.af) return err(`tunnel: source and destination address families do not match (${rest[0]}, ${rest[1]})`);
        return void lines.push({ kind: "tunnel", src: s.text, dst: d.text });
      }
      case "tunneldomain":
      case "vnetid": {
        const max = w0 === "tunneldomain" ? 255 : 4294967295;
        if (rest.length !== 1 || !/^\d+$/.test(rest[0]) || Number(rest[0]) > max) return err(`${w0}: expected a number 0-${max}, got \`${rest.join(" ")}\``);
        return void lines.push(w0 === "tunneldomain" ? { kind: "tunneldomain", rdomain: Number(rest[0]) } : { kind: "vnetid", id: Number(rest[0]) });
      }
      case "syncdev":
      case "syncpeer": {
        const o: { kind: "pfsync"; syncdev?: string; syncpeer?: string } = { kind: "pfsync" };
        for (let i = 0; i < ws.length; i += 2) {
          const k = ws[i];
          const v = ws[i + 1];
          if ((k !== "syncdev" && k !== "syncpeer") || v === undefined) return err(`pfsync: expected syncdev IF and/or syncpeer ADDR, got \`${t}\``);
          if (k === "syncpeer" && !parseAddr(v)) return err(`syncpeer: \`${v}\` is not an address`);
          if (k === "syncdev") o.syncdev = v;
          else o.syncpeer = canonicalHost(v);
        }
        return void lines.push(o);
      }
      case "inet": {
        return inetLine(rest, ws, err, (l) => void lines.push(l));
      }
      case "inet6": {
        return inet6Line(rest, ws, err, (l) => void lines.push(l));
      }
      default: {
        if (CARP_KEYS.has(w0)) {
          const o = carpOptions(ws);
          if (typeof o === "string") return err(o);
          return void lines.push({ kind: "carp", ...o });
        }
        return void lines.push({ kind: "ifconfig", args: ws });
      }
    }
  });
  return { value: { interface: name, lines }, diagnostics };
}

/** Validates carp options appearing after an inet address (only when the first option is a carp keyword). */
function carpOptionsIfAny(opts: string[]): CarpOptions | string | undefined {
  return CARP_KEYS.has(opts[0]) ? carpOptions(opts) : undefined;
}

/**
 * A word as written to hostname.if: netstart `eval`s every line, so a word is refused (never quoted or
 * escaped) unless it is letters, digits and `_.,:@%+=/-` (ARCHITECTURE.md D11).
 */
function word(path: string, s: string, secret = false): string {
  const r = refusalOf(hostnameIfWord, s);
  if (r) throw new ModelError(path, secret ? "(secret)" : shown(s), `${r.reason}; ${r.fix}`);
  return s;
}

function carpWords(o: CarpOptions, path: string): string[] {
  const w: string[] = [];
  if (o.vhid !== undefined) {
    if (!Number.isInteger(o.vhid) || o.vhid < 1 || o.vhid > 255) throw new ModelError(`${path}.vhid`, o.vhid, `${o.vhid} is out of range; 1-255`);
    w.push("vhid", String(o.vhid));
  }
  if (o.carpdev !== undefined) w.push("carpdev", word(`${path}.carpdev`, o.carpdev));
  if (o.pass !== undefined) w.push("pass", word(`${path}.pass`, o.pass, true));
  for (const k of ["advbase", "advskew"] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0 || v > 254) throw new ModelError(`${path}.${k}`, v, `${v} is out of range; 0-254`);
    w.push(k, String(v));
  }
  if (o.carppeer !== undefined) w.push("carppeer", word(`${path}.carppeer`, o.carppeer));
  return w;
}

/** ../tokens/ksh-read.ts: `read` without -r. */
const BACKSLASH = "netstart reads hostname.if with `read`, not `read -r`: a backslash is dropped (and one at the end joins the next line); leave it out";

/** Renders one line (positional fields respected). */
export function renderHostnameIfLine(l: HostnameIfLine, path = "line"): string {
  switch (l.kind) {
    case "inet": {
      const a = parseAddr(l.address);
      if (!a || a.af !== "inet" || a.mask !== undefined) throw new ModelError(`${path}.address`, l.address, `\`${l.address}\` is not an IPv4 address`);
      const w = ["inet"];
      if (l.alias) w.push("alias");
      w.push(a.text);
      const opts = l.options ?? [];
      if (l.prefixlen !== undefined) {
        if (!Number.isInteger(l.prefixlen) || l.prefixlen < 0 || l.prefixlen > 32) throw new ModelError(`${path}.prefixlen`, l.prefixlen, `${l.prefixlen} is out of range; 0-32`);
        w.push(prefixToNetmask(l.prefixlen));
        if (l.broadcast !== undefined) w.push(l.broadcast);
        else if (opts.length) w.push("NONE");
      } else if (l.broadcast !== undefined || opts.length) throw new ModelError(`${path}.prefixlen`, undefined, `required when a broadcast address or options follow (fields are positional)`);
      return [...w, ...opts.map((o, i) => word(`${path}.options[${i}]`, o, opts[i - 1] === "pass"))].join(" ");
    }
    case "inet6": {
      const a = parseAddr(l.address);
      if (!a || a.af !== "inet6" || a.mask !== undefined) throw new ModelError(`${path}.address`, l.address, `\`${l.address}\` is not an IPv6 address`);
      const w = ["inet6"];
      if (l.alias) w.push("alias");
      w.push(a.text);
      if (l.prefixlen !== undefined) {
        if (!Number.isInteger(l.prefixlen) || l.prefixlen < 0 || l.prefixlen > 128) throw new ModelError(`${path}.prefixlen`, l.prefixlen, `${l.prefixlen} is out of range; 0-128`);
        w.push(String(l.prefixlen));
      } else if (l.options?.length) throw new ModelError(`${path}.prefixlen`, undefined, `required when options follow (fields are positional)`);
      return [...w, ...(l.options ?? []).map((o, i) => word(`${path}.options[${i}]`, o, l.options![i - 1] === "pass"))].join(" ");
    }
    case "autoconf":
      return `${l.af} autoconf`;
    case "dest":
      return `dest ${l.address}`;
    case "up":
      return "up";
    case "down":
      return "down";
    case "description":
      {
        const r = refusalOf(hostnameIfText, l.text);
        if (r) throw new ModelError(`${path}.description`, shown(l.text), `${r.reason}; ${r.fix}`);
      }
      return `description "${l.text}"`;
    case "carp": {
      const w = carpWords(l, path);
      if (!w.length) throw new ModelError(path, l, `empty carp line; give vhid, carpdev, pass, advbase, advskew or carppeer`);
      return w.join(" ");
    }
    case "tunnel": {
      const s = parseAddr(l.src);
      const d = parseAddr(l.dst);
      if (!s || !d || s.mask !== undefined || d.mask !== undefined) throw new ModelError(`${path}.tunnel`, `${l.src} ${l.dst}`, `\`${l.src} ${l.dst}\` must be two addresses`);
      if (s.af !== d.af) throw new ModelError(`${path}.tunnel`, `${l.src} ${l.dst}`, `source and destination address families do not match`);
      return `tunnel ${s.text} ${d.text}`;
    }
    case "tunneldomain":
      return `tunneldomain ${l.rdomain}`;
    case "vnetid":
      return `vnetid ${l.id}`;
    case "pfsync": {
      const w: string[] = [];
      if (l.syncdev !== undefined) w.push("syncdev", word(`${path}.syncdev`, l.syncdev));
      if (l.syncpeer !== undefined) w.push("syncpeer", word(`${path}.syncpeer`, l.syncpeer));
      if (!w.length) throw new ModelError(path, l, `empty pfsync line; give syncdev and/or syncpeer`);
      return w.join(" ");
    }
    case "command":
      if (unsafeChar(l.command) !== undefined) throw new ModelError(`${path}.command`, shown(l.command), `must be one line of printable text`);
      if (l.command.includes("\\")) throw new ModelError(`${path}.command`, shown(l.command), BACKSLASH);
      return `!${l.command}`;
    case "comment":
      if (unsafeChar(l.text) !== undefined) throw new ModelError(`${path}.text`, shown(l.text), "a comment is one line of printable text");
      if (l.text.includes("\\")) throw new ModelError(`${path}.text`, shown(l.text), BACKSLASH);
      return l.text === "" ? "#" : `# ${l.text}`;
    case "ifconfig":
      if (!l.args.length) throw new ModelError(`${path}.args`, l.args, "empty ifconfig line");
      return l.args.map((a, i) => word(`${path}.args[${i}]`, a)).join(" ");
  }
}

/** Renders a hostname.if file (ends with a newline; install it 0640 root:wheel). */
export function renderHostnameIf(h: HostnameIf): string {
  interfaceKind(h.interface);
  const out = h.lines.map((l, i) => renderHostnameIfLine(l, `hostname.${h.interface}[${i}]`));
  return out.length ? `${out.join("\n")}\n` : "";
}

/** Lint: parse errors, plus checks that need the interface kind (carp without vhid, tunnels without tunnel …). */
export function lintHostnameIf(text: string, file = "hostname.if", iface?: string): Diagnostic[] {
  const r = parseHostnameIf(text, file, iface);
  const out = [...r.diagnostics];
  const name = r.value.interface;
  let kind: InterfaceKind | undefined;
  try {
    kind = name ? interfaceKind(name) : undefined;
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    out.push({ file, line: 1, column: 1, message: e.message, severity: "error" });
  }
  const at = (message: string, severity: "error" | "warning" = "error"): void => void out.push({ file, line: 1, column: 1, message, severity });
  const ls = r.value.lines;
  if (kind?.kind === "carp") {
    const hasVhid = ls.some((l) => (l.kind === "carp" && l.vhid !== undefined) || (l.kind === "inet" && l.options?.includes("vhid")));
    if (!hasVhid) at(`${name}: carp interface without vhid; add \`vhid N\` (1-255)`);
    const hasDev = ls.some((l) => (l.kind === "carp" && l.carpdev !== undefined) || (l.kind === "inet" && l.options?.includes("carpdev")));
    if (!hasDev) at(`${name}: no carpdev; carp guesses the parent from the address's subnet, set \`carpdev IF\` explicitly`, "warning");
  }
  if ((kind?.kind === "gif" || kind?.kind === "gre" || kind?.kind === "eoip" || kind?.kind === "etherip") && !ls.some((l) => l.kind === "tunnel"))
    at(`${name}: ${kind.kind} interface without \`tunnel SRC DST\``);
  if (kind?.kind === "pfsync" && !ls.some((l) => l.kind === "pfsync" && l.syncdev !== undefined)) at(`${name}: pfsync without \`syncdev IF\``, "warning");
  // wg(4): what ifconfig's setwg*() would refuse (model/wg)
  if (kind?.driver === "wg") for (const e of parseWg(ls).errors) at(`${name}: ${e}`);
  ls.forEach((l, i) => {
    if (l.kind === "dest" && !ls.slice(0, i).some((p) => p.kind === "inet" || p.kind === "inet6")) at(`${name}: \`dest ${l.address}\` before any inet/inet6 line has nothing to attach to`);
  });
  return out;
}
