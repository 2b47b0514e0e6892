/**
 * The interface step of the apply (ARCHITECTURE.md D2): what runs for one /etc/hostname.IF that changed,
 * and what ifconfig must show afterwards. Both read the file through the hostname.if model
 * (`parseHostnameIf`), never with a regex of their own.
 */
import { parseHostnameIf, type HostnameIfLine } from "../../sdk/model/hostnameif/index";
import { isClonedInterface } from "../../sdk/model/tokens/interface";
import { sq } from "./shell";

function lines(ifc: string, content: string): HostnameIfLine[] {
  return parseHostnameIf(content, `hostname.${ifc}`, ifc).value.lines;
}

/** Interfaces whose keepalive ifconfig sets and prints (SIOCSETKALIVE: gre and eoip; others have none). */
const KEEPALIVE_TYPES = new Set(["gre", "eoip"]);

/** `up`, `vnetid N`, `vhid N` and (gre, eoip) `keepalive P C` among the words of a line, as ifconfig prints them. */
function optionWants(ifc: string, ws: readonly string[]): string[] {
  const out: string[] = [];
  ws.forEach((w, i) => {
    if (w === "up") out.push("<UP");
    if ((w === "vnetid" || w === "vhid") && /^\d+$/.test(ws[i + 1] ?? "")) out.push(`${w} ${ws[i + 1]} `);
    if (w === "keepalive" && KEEPALIVE_TYPES.has(ifc.replace(/\d+$/, "")) && /^\d+$/.test(ws[i + 1] ?? "") && /^\d+$/.test(ws[i + 2] ?? "")) {
      out.push(`keepalive: timeout ${Number(ws[i + 1])} count ${Number(ws[i + 2])}`);
    }
  });
  return out;
}

/**
 * Whether `ifconfig IF` output shows one of {@link ifconfigShows}' strings. A keepalive is a line of its own and must
 * end there (`count 3` is not `count 30`); the others are found anywhere, as the commit's `ifwant` finds them.
 */
export function ifconfigHas(text: string, want: string): boolean {
  if (!want.startsWith("keepalive:")) return text.includes(want);
  return text.split("\n").some((l) => l.trim() === want);
}

/** What ifconfig shows verbatim for one hostname.if line. */
function wantsOf(ifc: string, l: HostnameIfLine): string[] {
  switch (l.kind) {
    case "inet":
      return [`inet ${l.address} `, ...optionWants(ifc, l.options ?? [])];
    case "inet6":
      // ifconfig prints IPv6 addresses in its own canonical form: not compared
      return optionWants(ifc, l.options ?? []);
    case "up":
      return ["<UP"];
    case "vnetid":
      return [`vnetid ${l.id} `];
    case "carp":
      return l.vhid !== undefined ? [`vhid ${l.vhid} `] : [];
    case "tunnel":
      return [`tunnel: ${l.src.includes(":") ? "inet6" : "inet"} ${l.src} --> ${l.dst} `];
    case "ifconfig":
      return optionWants(ifc, l.args);
    case "autoconf":
    case "dest":
    case "down":
    case "description":
    case "tunneldomain":
    case "pfsync":
    case "command":
    case "comment":
      return [];
  }
}

/**
 * `ifwant` line checking, after netstart, what a hostname.if asks for and ifconfig shows verbatim: IPv4
 * addresses (`inet A`), `up`, `vnetid N`, `vhid N`, `tunnel A B` and a gre/eoip `keepalive P C`. IPv6 addresses are not compared
 * (ifconfig prints them in its own canonical form).
 */
export function ifWants(ifc: string, content: string): string[] {
  const uniq = ifconfigShows(ifc, content);
  return uniq.length ? [`ifwant ${ifc} ${uniq.map(sq).join(" ")}`] : [];
}

/**
 * What `ifconfig IF` shows verbatim when the interface runs as its hostname.if asks (see {@link ifWants}): the
 * commit checks these after netstart, and a read reports the interface drifted when one is missing — a tunnel
 * repointed by hand (`ifconfig gif0 tunnel A B`), an interface taken `down`, another vnetid or vhid.
 */
export function ifconfigShows(ifc: string, content: string): string[] {
  return [...new Set(lines(ifc, content).flatMap((l) => wantsOf(ifc, l)))];
}

/** The addresses (`inet`/`inet6` lines) of a hostname.if file, canonical, with their family. */
export function hostnameIfAddresses(ifc: string, content: string): { af: "inet" | "inet6"; address: string }[] {
  return lines(ifc, content).flatMap((l) => (l.kind === "inet" || l.kind === "inet6" ? [{ af: l.kind, address: l.address }] : []));
}

/** Non-empty lines of a/b: true when `a` has a line `b` lacks (the config shrank). */
function shrank(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined) return false;
  const nb = new Set((b ?? "").split("\n").map((l) => l.trim()).filter(Boolean));
  return a.split("\n").map((l) => l.trim()).some((l) => l && !l.startsWith("#") && !nb.has(l));
}

/**
 * The commands for one interface whose hostname.if changed: a cloned interface whose configuration shrank
 * (or that is no longer managed, `newC` undefined; or an eoip one) is destroyed; a physical one loses the addresses its
 * new file no longer names; a managed one is brought up with netstart and checked with {@link ifWants}.
 */
export function interfaceApply(ifc: string, oldC: string | undefined, newC: string | undefined): string[] {
  const body: string[] = [];
  const kept = newC !== undefined;
  // eoip takes a vnetid or keepalive only while not running (sys/net/if_gre.c: EBUSY, which netstart's ifconfig only
  // warns about): a changed eoip interface is created afresh
  const busy = /^eoip\d+$/.test(ifc);
  if (isClonedInterface(ifc) && (!kept || busy || shrank(oldC, newC))) body.push(`ifconfig ${ifc} destroy >/dev/null 2>&1`);
  if (!isClonedInterface(ifc) && kept && oldC !== undefined && shrank(oldC, newC)) {
    const still = new Set(hostnameIfAddresses(ifc, newC).map((a) => a.address));
    for (const a of hostnameIfAddresses(ifc, oldC)) if (!still.has(a.address)) body.push(`ifconfig ${ifc} ${a.af} ${a.address} delete >/dev/null 2>&1`);
  }
  if (kept) body.push(`netup ${ifc}`, ...ifWants(ifc, newC));
  return body;
}
