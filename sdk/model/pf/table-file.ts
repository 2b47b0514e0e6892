/**
 * The contents of a table file (`table <t> file "PATH"`) as pfctl loads them (pfctl_radix.c pfr_buf_load,
 * pfr_next_token; pfctl_parser.c append_addr, host, append_addr_host): whitespace-separated words, `#` to
 * the end of the line is a comment, `!` negates, `ADDR weight N` sets a weight; each word is an address or
 * network, or an interface / group name with its modifiers (its addresses), else pfctl fails.
 */
import { interfaceAddresses, interfaceExists, parseLiteralAddress } from "./address";
import type { PfIfModifier, PfInterface } from "./types";
import { strtonumError } from "../strtonum";

/** Why a table file does not load, in pfctl's words. */
export interface TableFileError {
  /** Lines pfctl prints on stderr before its error (`no IP address found for X`, `netmask is too large: /129`). */
  stderr: string[];
  /** parse.y process_tabledef's error, without `FILE:LINE: `: `file "PATH" contains bad data` or `cannot load "PATH": …`. */
  message: string;
  /** The word of the file at fault. */
  word: string;
}

/** pfr_next_token(): the words of a table file, `#` comments (at the start of a word) skipped. */
export function tableFileWords(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const space = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
  while (i < text.length) {
    if (space(text[i]!)) {
      i++;
      continue;
    }
    if (text[i] === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    let j = i;
    while (j < text.length && !space(text[j]!)) j++;
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

/** strtonum(3) of a netmask, 0-128: its errstr, or undefined when valid. */
function netmaskError(m: string): string | undefined {
  return strtonumError(m, 0, 128);
}

/**
 * Checks a table file as pfctl loads it; undefined when every word is an address pfctl accepts. With
 * `interfaces`, names must be interfaces or groups with addresses (without it any plausible name passes).
 */
export function checkTableFile(path: string, text: string, interfaces: readonly PfInterface[] | undefined): TableFileError | undefined {
  const bad = (word: string, stderr: string[]): TableFileError => ({ stderr, message: `file "${path}" contains bad data`, word });
  const inval = (word: string, why = "Invalid argument"): TableFileError => ({ stderr: [], message: `cannot load "${path}": ${why}`, word });
  const words = tableFileWords(text);
  let expectWeight = false;
  for (const w of words) {
    if (w === "weight") {
      expectWeight = true;
      continue;
    }
    if (expectWeight) {
      // strtonum(s, 1, USHRT_MAX): errno EINVAL for a non-number, ERANGE out of range
      expectWeight = false;
      const n = /^[-+]?\d+$/.test(w) ? Number(w) : NaN;
      if (Number.isNaN(n)) return { ...inval(w), stderr: [`failed to convert weight ${w}`] };
      if (n < 1 || n > 65535) return { ...inval(w, "Numerical result out of range"), stderr: [`failed to convert weight ${w}`] };
      continue;
    }
    const s = w.replace(/^!+/, "");
    const slash = s.indexOf("/");
    let bits: number | undefined;
    if (slash >= 0) {
      const m = s.slice(slash + 1);
      const e = netmaskError(m);
      if (e !== undefined) return bad(w, [`netmask is ${e}: /${m}`]);
      bits = Number(m);
    }
    const base = slash >= 0 ? s.slice(0, slash) : s;
    // host_if(): NAME[:modifier…] of an interface or group that has addresses
    const mm = /^(.*?)((?::(?:network|broadcast|peer|0))*)$/.exec(base)!;
    const mods = mm[2]!.split(":").filter((x) => x !== "") as PfIfModifier[];
    if (interfaces !== undefined && mods.length <= 1 && interfaceExists(mm[1]!, interfaces) && interfaceAddresses(mm[1]!, mods[0], interfaces).length > 0) {
      const addrs = interfaceAddresses(mm[1]!, mods[0], interfaces);
      if (bits !== undefined && addrs.some((a) => bits! > (a.family === 4 ? 32 : 128))) return inval(w);
      continue;
    }
    if (interfaces === undefined && /^[A-Za-z][A-Za-z0-9_.-]*$/.test(mm[1]!) && !/^[0-9a-fA-F:.]+$/.test(base)) continue;
    // host_ip(): a literal address; a mask wider than the family fails in append_addr_host (EINVAL)
    const lit = parseLiteralAddress(base);
    if (lit !== undefined) {
      if (bits !== undefined && bits > (lit.family === 4 ? 32 : 128)) return inval(w);
      continue;
    }
    if (bits !== undefined && bits <= 32 && /^\d{1,3}(\.\d{1,3}){0,2}$/.test(base) && parseLiteralAddress(s) !== undefined) continue;
    return bad(w, [`no IP address found for ${s}`]);
  }
  if (expectWeight) return bad("weight", []);
  return undefined;
}
