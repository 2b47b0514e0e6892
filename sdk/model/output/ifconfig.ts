/**
 * Parser of `ifconfig` / `ifconfig IF` output (reference/openbsd.md B.1, ifconfig.c 1.476).
 *
 * Tolerant by design: detail lines may be indented with TABs or spaces, addresses may come in any
 * order, older enc0 forms (`mtu 1536`, `priority: 0`) are accepted, and lines this parser does not
 * model (trunk, pppoe, wg, …) are kept verbatim in {@link IfconfigInterface.other} with a warning.
 */
import type { ParseResult } from "../diagnostics";
import { netmaskPrefix, parseScopedIp as parseAddress, type ScopedIp as IpAddress } from "../address/index";
import { Reporter, parseUint, quote, splitLines, tokenize, type Token } from "./lines";
import type { CarpState, CarpNode, CarpStatus, PfsyncStatus, TunnelStatus, InetAddress, Inet6Address, IfconfigInterface } from "./ifconfig-types";

export type { CarpState, CarpNode, CarpStatus, PfsyncStatus, TunnelStatus, InetAddress, Inet6Address, IfconfigInterface } from "./ifconfig-types";


const HEADER = /^([A-Za-z][A-Za-z0-9_]*[0-9]+): flags=([0-9a-fA-F]{1,8})<([A-Za-z0-9_,]*)>(.*)$/;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const IFNAME = /^[A-Za-z][A-Za-z0-9_]*[0-9]+$/;
const CARP_STATES: readonly CarpState[] = ["INIT", "BACKUP", "MASTER"];
const INET6_FLAGS = new Set(["anycast", "tentative", "duplicated", "detached", "deprecated", "autoconf", "temporary"]);

/** Reads `key value key value …` pairs; returns undefined and reports when a value is missing or a key unknown. */
function pairs(tokens: Token[], keys: ReadonlySet<string>, rep: Reporter, lineNo: number, what: string): Map<string, Token> | undefined {
  const out = new Map<string, Token>();
  for (let i = 0; i < tokens.length; i += 2) {
    const k = tokens[i]!;
    const v = tokens[i + 1];
    if (!keys.has(k.text)) {
      rep.error(lineNo, k.column, `${what}: unknown field ${quote(k.text)}; one of ${[...keys].join(", ")}`);
      return undefined;
    }
    if (v === undefined) {
      rep.error(lineNo, k.column, `${what}: field \`${k.text}\` has no value`);
      return undefined;
    }
    out.set(k.text, v);
  }
  return out;
}

function uintField(m: Map<string, Token>, key: string, rep: Reporter, lineNo: number, what: string): number | undefined {
  const t = m.get(key);
  if (t === undefined) return undefined;
  const n = parseUint(t.text);
  if (n === undefined) rep.error(lineNo, t.column, `${what}.${key}: ${quote(t.text)} is not a non-negative integer`);
  return n;
}

function carpState(t: Token | undefined, rep: Reporter, lineNo: number, col: number): CarpState | undefined {
  const s = CARP_STATES.find((x) => x === t?.text);
  if (s === undefined) rep.error(lineNo, t?.column ?? col, `carp.state: ${t === undefined ? "missing" : `unknown state ${quote(t.text)}`}; one of ${CARP_STATES.join(", ")}`);
  return s;
}

function parseCarp(tokens: Token[], rep: Reporter, lineNo: number, col: number): CarpStatus | undefined {
  const multi = tokens[0]?.text === "carpdev";
  const rest = multi ? tokens : tokens.slice(1);
  const state = multi ? undefined : carpState(tokens[0], rep, lineNo, col);
  if (!multi && state === undefined) return undefined;
  const keys = new Set(multi ? ["carpdev", "advbase", "balancing", "carppeer"] : ["carpdev", "vhid", "advbase", "advskew", "carppeer"]);
  const m = pairs(rest, keys, rep, lineNo, "carp");
  if (m === undefined) return undefined;
  const carpdev = m.get("carpdev")?.text;
  if (carpdev === undefined) {
    rep.error(lineNo, col, "carp: missing `carpdev`");
    return undefined;
  }
  const peerTok = m.get("carppeer");
  const carppeer = peerTok === undefined ? undefined : parseAddress(peerTok.text);
  if (peerTok !== undefined && carppeer === undefined) rep.error(lineNo, peerTok.column, `carp.carppeer: ${quote(peerTok.text)} is not an IP address`);
  const advbase = uintField(m, "advbase", rep, lineNo, "carp") ?? 1;
  if (multi) {
    const status: CarpStatus = { kind: "multi", carpdev, advbase, balancing: m.get("balancing")?.text ?? "none", nodes: [] };
    if (carppeer !== undefined) status.carppeer = carppeer;
    return status;
  }
  const vhid = uintField(m, "vhid", rep, lineNo, "carp");
  if (vhid === undefined) {
    if (!m.has("vhid")) rep.error(lineNo, col, "carp: missing `vhid`");
    return undefined;
  }
  const status: CarpStatus = { kind: "single", state: state!, carpdev, vhid, advbase, advskew: uintField(m, "advskew", rep, lineNo, "carp") ?? 0 };
  if (carppeer !== undefined) status.carppeer = carppeer;
  return status;
}

function parseCarpNode(tokens: Token[], rep: Reporter, lineNo: number): CarpNode | undefined {
  const m = pairs(tokens, new Set(["state", "vhid", "advskew"]), rep, lineNo, "carp node");
  if (m === undefined) return undefined;
  const state = carpState(m.get("state"), rep, lineNo, tokens[0]?.column ?? 1);
  const vhid = uintField(m, "vhid", rep, lineNo, "carp node");
  if (state === undefined || vhid === undefined) return undefined;
  return { state, vhid, advskew: uintField(m, "advskew", rep, lineNo, "carp node") ?? 0 };
}

function parsePfsync(tokens: Token[], rep: Reporter, lineNo: number): PfsyncStatus | undefined {
  const m = pairs(tokens, new Set(["syncdev:", "syncpeer:", "maxupd:", "defer:"]), rep, lineNo, "pfsync");
  if (m === undefined) return undefined;
  const syncdev = m.get("syncdev:")?.text;
  const maxupd = uintField(m, "maxupd:", rep, lineNo, "pfsync");
  const defer = m.get("defer:");
  if (syncdev === undefined || maxupd === undefined || defer === undefined) {
    if (syncdev === undefined || defer === undefined || !m.has("maxupd:")) rep.error(lineNo, tokens[0]?.column ?? 1, "pfsync: expected `syncdev: IF [syncpeer: ADDR ]maxupd: N defer: on|off`");
    return undefined;
  }
  if (defer.text !== "on" && defer.text !== "off") {
    rep.error(lineNo, defer.column, `pfsync.defer: ${quote(defer.text)}; one of on, off`);
    return undefined;
  }
  const status: PfsyncStatus = { syncdev, maxupd, defer: defer.text === "on" };
  const peerTok = m.get("syncpeer:");
  if (peerTok !== undefined) {
    const peer = parseAddress(peerTok.text);
    if (peer === undefined) rep.error(lineNo, peerTok.column, `pfsync.syncpeer: ${quote(peerTok.text)} is not an IP address`);
    else status.syncpeer = peer;
  }
  return status;
}

/** Splits `ADDR[:PORT]` of a tunnel endpoint; IPv6 addresses contain colons, so the whole text is tried first. */
function endpoint(text: string): { address: IpAddress; port?: number } | undefined {
  const whole = parseAddress(text);
  if (whole !== undefined) return { address: whole };
  const i = text.lastIndexOf(":");
  if (i <= 0) return undefined;
  const address = parseAddress(text.slice(0, i));
  const port = parseUint(text.slice(i + 1));
  if (address === undefined || port === undefined || port > 65535) return undefined;
  return { address, port };
}

function parseTunnel(tokens: Token[], rep: Reporter, lineNo: number, col: number): TunnelStatus | undefined {
  if (tokens.length === 1 && tokens[0]!.text === "(unset)") return { kind: "unset" };
  const [fam, src, arrow, dst, ...rest] = tokens;
  if (fam === undefined || (fam.text !== "inet" && fam.text !== "inet6") || src === undefined || arrow?.text !== "-->" || dst === undefined) {
    rep.error(lineNo, fam?.column ?? col, "tunnel: expected `(unset)` or `inet|inet6 SRC --> DST …`");
    return undefined;
  }
  const s = endpoint(src.text);
  const d = endpoint(dst.text);
  if (s === undefined) rep.error(lineNo, src.column, `tunnel.source: ${quote(src.text)} is not an address[:port]`);
  if (d === undefined) rep.error(lineNo, dst.column, `tunnel.destination: ${quote(dst.text)} is not an address[:port]`);
  if (s === undefined || d === undefined) return undefined;
  const t: TunnelStatus = { kind: "set", family: fam.text, source: s.address, destination: d.address };
  if (s.port !== undefined) t.sourcePort = s.port;
  if (d.port !== undefined) t.destinationPort = d.port;
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i]!;
    switch (tok.text) {
      case "df":
      case "nodf":
        t.df = tok.text === "df";
        break;
      case "ecn":
      case "noecn":
        t.ecn = tok.text === "ecn";
        break;
      case "ttl":
      case "rdomain": {
        const v = rest[++i];
        const n = v === undefined ? undefined : parseUint(v.text);
        if (tok.text === "ttl" && v?.text === "copy") t.ttl = "copy";
        else if (n === undefined) rep.error(lineNo, v?.column ?? tok.column, `tunnel.${tok.text}: ${v === undefined ? "missing value" : `${quote(v.text)} is not a number`}`);
        else if (tok.text === "ttl") t.ttl = n;
        else t.rdomain = n;
        break;
      }
      default:
        rep.warning(lineNo, tok.column, `tunnel: unknown option ${quote(tok.text)}`);
    }
  }
  return t;
}

function parseInet(tokens: Token[], rep: Reporter, lineNo: number): InetAddress | undefined {
  const [addrTok, ...rest] = tokens;
  const address = addrTok === undefined ? undefined : parseAddress(addrTok.text);
  if (address?.family !== 4) {
    rep.error(lineNo, addrTok?.column ?? 1, `inet: ${addrTok === undefined ? "missing address" : `${quote(addrTok.text)} is not an IPv4 address`}`);
    return undefined;
  }
  let prefixlen: number | undefined;
  let destination: IpAddress | undefined;
  let broadcast: IpAddress | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]!;
    const v = rest[i + 1];
    if (v === undefined) {
      rep.error(lineNo, k.column, `inet: ${quote(k.text)} has no value`);
      return undefined;
    }
    if (k.text === "netmask") {
      prefixlen = /^0x/.test(v.text) ? netmaskPrefix(v.text) : undefined;
      if (prefixlen === undefined) rep.error(lineNo, v.column, `inet.netmask: ${quote(v.text)} is not a contiguous hex netmask like 0xffffff00`);
    } else if (k.text === "-->" || k.text === "broadcast") {
      const a = parseAddress(v.text);
      if (a === undefined) rep.error(lineNo, v.column, `inet.${k.text === "-->" ? "destination" : "broadcast"}: ${quote(v.text)} is not an IP address`);
      else if (k.text === "-->") destination = a;
      else broadcast = a;
    } else {
      rep.warning(lineNo, k.column, `inet: unknown field ${quote(k.text)}; one of -->, netmask, broadcast`);
    }
  }
  if (prefixlen === undefined) {
    if (!rest.some((t) => t.text === "netmask")) rep.error(lineNo, addrTok!.column, "inet: missing `netmask`");
    return undefined;
  }
  const out: InetAddress = { address: { ...address, family: 4 }, prefixlen };
  if (destination !== undefined) out.destination = destination;
  if (broadcast !== undefined) out.broadcast = broadcast;
  return out;
}

function parseInet6(tokens: Token[], rep: Reporter, lineNo: number): Inet6Address | undefined {
  const [addrTok, ...rest] = tokens;
  const address = addrTok === undefined ? undefined : parseAddress(addrTok.text);
  if (address?.family !== 6) {
    rep.error(lineNo, addrTok?.column ?? 1, `inet6: ${addrTok === undefined ? "missing address" : `${quote(addrTok.text)} is not an IPv6 address`}`);
    return undefined;
  }
  let prefixlen: number | undefined;
  const out: Omit<Inet6Address, "prefixlen"> = { address: { ...address, family: 6 }, flags: [] };
  const withPrefix = (): Inet6Address => ({ ...out, prefixlen: prefixlen! });
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i]!;
    if (INET6_FLAGS.has(k.text)) {
      out.flags.push(k.text);
      continue;
    }
    const v = rest[++i];
    if (v === undefined) {
      rep.error(lineNo, k.column, `inet6: ${quote(k.text)} has no value`);
      return undefined;
    }
    switch (k.text) {
      case "prefixlen":
        prefixlen = parseUint(v.text);
        if (prefixlen === undefined || prefixlen > 128) {
          rep.error(lineNo, v.column, `inet6.prefixlen: ${quote(v.text)} is not a number from 0 to 128`);
          prefixlen = undefined;
        }
        break;
      case "-->": {
        const a = parseAddress(v.text);
        if (a === undefined) rep.error(lineNo, v.column, `inet6.destination: ${quote(v.text)} is not an IP address`);
        else out.destination = a;
        break;
      }
      case "scopeid":
        if (/^0x[0-9a-fA-F]{1,8}$/.test(v.text)) out.scopeid = Number.parseInt(v.text.slice(2), 16);
        else rep.error(lineNo, v.column, `inet6.scopeid: ${quote(v.text)} is not a hex number like 0x1`);
        break;
      case "pltime":
        out.pltime = v.text;
        break;
      case "vltime":
        out.vltime = v.text;
        break;
      default:
        rep.warning(lineNo, k.column, `inet6: unknown field ${quote(k.text)}`);
        i--;
    }
  }
  if (prefixlen === undefined) {
    if (!rest.some((t) => t.text === "prefixlen")) rep.error(lineNo, addrTok!.column, "inet6: missing `prefixlen`");
    return undefined;
  }
  return withPrefix();
}

/** Keys of detail lines this parser knows but does not model (kept in `other` without a warning). */
const UNMODELLED = new Set(["trunk:", "trunkport", "member:", "pppoe:", "dev:", "state:", "sid:", "PADI", "PADR", "sppp:", "auth:", "dns:", "mpls:", "mpls", "pflow:", "wgport", "wgpubkey", "wgpeer", "wgpsk", "wgpka", "wgendpoint", "wgaip", "wgdescr:", "tx:", "rx:", "umb:", "SIM", "APN", "ieee80211:", "hwfeatures=", "hwaddr", "designated:", "port", "Addresses", "vnetid", "ipv6cp", "ipcp"]);

/**
 * Parses the output of `ifconfig` (all interfaces) or `ifconfig IF` (one) into interfaces in
 * printed order. `file` names the text in diagnostics (default `ifconfig`).
 */
export function parseIfconfig(text: string, file = "ifconfig"): ParseResult<IfconfigInterface[]> {
  const rep = new Reporter(file);
  const out: IfconfigInterface[] = [];
  let cur: IfconfigInterface | undefined;
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const lineNo = n + 1;
    if (raw.trim() === "") continue;
    const indented = /^[ \t]/.test(raw);
    if (!indented) {
      const h = HEADER.exec(raw);
      if (h === null) {
        cur = undefined;
        const first = tokenize(raw)[0]!;
        rep.error(lineNo, 1, `ifconfig: expected \`NAME: flags=HEX<FLAGS>\`, got ${quote(first.text)}`);
        continue;
      }
      cur = headerLine(raw, h, lineNo, rep);
      out.push(cur);
      continue;
    }
    const tokens = tokenize(raw);
    const key = tokens[0]!;
    const args = tokens.slice(1);
    if (cur === undefined) {
      rep.error(lineNo, key.column, `ifconfig: detail line ${quote(key.text)} before any interface header`);
      continue;
    }
    detailLine(cur, raw, tokens, lineNo, rep);
  }
  return { value: out, diagnostics: rep.diagnostics };
}

/** The header line `NAME: flags=HEX<FLAGS> [rdomain N] [metric N] mtu N`: a new interface. */
function headerLine(raw: string, h: RegExpExecArray, lineNo: number, rep: Reporter): IfconfigInterface {
  const cur: IfconfigInterface = { name: h[1]!, line: lineNo, flags: Number.parseInt(h[2]!, 16), flagNames: h[3] === "" ? [] : h[3]!.split(","), groups: [], inet: [], inet6: [], other: [] };
  const restCol = raw.length - h[4]!.length + 1;
  const rest = tokenize(h[4]!).map((t) => ({ text: t.text, column: t.column + restCol - 1 }));
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]!;
    const v = rest[i + 1];
    const num = v === undefined ? undefined : parseUint(v.text);
    if ((k.text === "mtu" || k.text === "rdomain" || k.text === "metric") && num !== undefined) cur[k.text] = num;
    else rep.error(lineNo, k.column, `${cur.name}: unexpected ${quote(k.text)} after flags; expected rdomain N, metric N, mtu N`);
  }
  return cur;
}

/** One indented detail line of an interface (`inet …`, `carp: …`, `groups: …`; unmodelled ones kept verbatim). */
function detailLine(iface: IfconfigInterface, raw: string, tokens: Token[], lineNo: number, rep: Reporter): void {
  const key = tokens[0]!;
  const args = tokens.slice(1);
  const trimmed = raw.trim();
  switch (key.text) {
    case "lladdr":
      if (args.length === 1 && MAC.test(args[0]!.text)) iface.lladdr = args[0]!.text.toLowerCase();
      else rep.error(lineNo, args[0]?.column ?? key.column, `${iface.name}.lladdr: ${args[0] === undefined ? "missing" : quote(args[0].text)}; expected xx:xx:xx:xx:xx:xx`);
      break;
    case "description:":
      iface.description = raw.slice(raw.indexOf("description:") + "description:".length).replace(/^ /, "");
      break;
    case "index": {
      const m = pairs(tokens, new Set(["index", "priority", "llprio"]), rep, lineNo, iface.name);
      if (m === undefined) break;
      const index = uintField(m, "index", rep, lineNo, iface.name);
      const priority = uintField(m, "priority", rep, lineNo, iface.name);
      const llprio = uintField(m, "llprio", rep, lineNo, iface.name);
      if (index !== undefined) iface.index = index;
      if (priority !== undefined) iface.priority = priority;
      if (llprio !== undefined) iface.llprio = llprio;
      break;
    }
    case "priority:": {
      const n = args.length === 1 ? parseUint(args[0]!.text) : undefined;
      if (n === undefined) rep.error(lineNo, args[0]?.column ?? key.column, `${iface.name}.priority: expected one number`);
      else iface.priority = n;
      break;
    }
    case "keepalive:": {
      const m = pairs(args, new Set(["timeout", "count"]), rep, lineNo, `${iface.name}.keepalive`);
      const timeout = m && uintField(m, "timeout", rep, lineNo, `${iface.name}.keepalive`);
      const count = m && uintField(m, "count", rep, lineNo, `${iface.name}.keepalive`);
      if (timeout !== undefined && count !== undefined) iface.keepalive = { timeout, count };
      else if (m !== undefined && (!m.has("timeout") || !m.has("count"))) rep.error(lineNo, key.column, `${iface.name}.keepalive: expected \`timeout T count C\``);
      break;
    }
    case "patch:":
      if (args.length === 1 && IFNAME.test(args[0]!.text)) iface.patch = args[0]!.text;
      else rep.error(lineNo, args[0]?.column ?? key.column, `${iface.name}.patch: expected one interface name`);
      break;
    case "encap:": {
      const m = pairs(args, new Set(["vnetid", "parent", "txprio", "rxprio"]), rep, lineNo, `${iface.name}.encap`);
      if (m !== undefined) iface.encap = Object.fromEntries([...m].map(([k, v]) => [k, v.text]));
      break;
    }
    case "carp:": {
      const c = parseCarp(args, rep, lineNo, key.column);
      if (c !== undefined) iface.carp = c;
      break;
    }
    case "state":
      if (iface.carp?.kind === "multi") {
        const node = parseCarpNode(tokens, rep, lineNo);
        if (node !== undefined) iface.carp.nodes.push(node);
      } else iface.other.push(trimmed);
      break;
    case "pfsync:": {
      const p = parsePfsync(args, rep, lineNo);
      if (p !== undefined) iface.pfsync = p;
      break;
    }
    case "groups:":
      iface.groups = args.map((t) => t.text);
      break;
    case "media:": {
      const body = raw.slice(raw.indexOf("media:") + "media:".length).trim();
      // `s`: a stray \r (or other line terminator) inside the line must not defeat the match
      const m = /^(.*?)(?: \(([^)]*)\))?$/s.exec(body);
      iface.media = m ? m[1]! : body;
      if (m?.[2] !== undefined) iface.mediaActive = m[2];
      break;
    }
    case "status:":
      if (args.length === 0) rep.error(lineNo, key.column, `${iface.name}.status: missing value`);
      else iface.status = args.map((t) => t.text).join(" ");
      break;
    case "tunnel:": {
      const t = parseTunnel(args, rep, lineNo, key.column);
      if (t !== undefined) iface.tunnel = t;
      break;
    }
    case "inet": {
      const a = parseInet(args, rep, lineNo);
      if (a !== undefined) iface.inet.push(a);
      break;
    }
    case "inet6": {
      const a = parseInet6(args, rep, lineNo);
      if (a !== undefined) iface.inet6.push(a);
      break;
    }
    default:
      iface.other.push(trimmed);
      if (!UNMODELLED.has(key.text)) rep.warning(lineNo, key.column, `${iface.name}: line starting with ${quote(key.text)} not understood; kept as is`);
  }
}

/** `ifconfig -g GROUP` output: `carp: carp demote count N` (reference B.1). */
export interface IfconfigGroup {
  /** Group name, e.g. `carp`. */
  group: string;
  /** carp demotion counter of the group (0 = not demoted). */
  demote: number;
}

/** Parses `ifconfig -g GROUP` (one line: `GROUP: carp demote count N`). */
export function parseIfconfigGroup(text: string, file = "ifconfig -g"): ParseResult<IfconfigGroup | undefined> {
  const rep = new Reporter(file);
  let value: IfconfigGroup | undefined;
  splitLines(text).forEach((raw, n) => {
    if (raw.trim() === "") return;
    const m = /^([A-Za-z][A-Za-z0-9_]*): carp demote count ([0-9]{1,10})$/.exec(raw);
    if (m === null || value !== undefined) rep.error(n + 1, 1, value !== undefined ? "ifconfig -g: more than one group line" : "ifconfig -g: expected `GROUP: carp demote count N`");
    else value = { group: m[1]!, demote: Number(m[2]) };
  });
  return { value, diagnostics: rep.diagnostics };
}
