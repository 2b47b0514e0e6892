/**
 * pfctl's ICMP name tables (pfctl_parser.c icmp_type, icmp6_type, icmp_code, icmp6_code) and the
 * names of `set timeout`/`set limit`: what `icmp-type`, `icmp6-type`, `code` and `return-icmp(…)`
 * accept, and how pfctl prints numbers back (first table entry with that number).
 */

/** ICMP types by name (IPv4), in pfctl's table order. */
export const ICMP_TYPES: readonly (readonly [string, number])[] = [
  ["echoreq", 8], ["echorep", 0], ["unreach", 3], ["squench", 4], ["redir", 5], ["althost", 6],
  ["routeradv", 9], ["routersol", 10], ["timex", 11], ["paramprob", 12], ["timereq", 13], ["timerep", 14],
  ["inforeq", 15], ["inforep", 16], ["maskreq", 17], ["maskrep", 18], ["trace", 30], ["dataconv", 31],
  ["mobredir", 32], ["ipv6-where", 33], ["ipv6-here", 34], ["mobregreq", 35], ["mobregrep", 36],
  ["skip", 39], ["photuris", 40],
];

/** ICMPv6 types by name, in pfctl's table order. */
export const ICMP6_TYPES: readonly (readonly [string, number])[] = [
  ["unreach", 1], ["toobig", 2], ["timex", 3], ["paramprob", 4], ["echoreq", 128], ["echorep", 129],
  ["groupqry", 130], ["listqry", 130], ["grouprep", 131], ["listenrep", 131], ["groupterm", 132],
  ["listendone", 132], ["routersol", 133], ["routeradv", 134], ["neighbrsol", 135], ["neighbradv", 136],
  ["redir", 137], ["routrrenum", 138], ["wrureq", 139], ["wrurep", 140], ["fqdnreq", 139], ["fqdnrep", 140],
  ["niqry", 139], ["nirep", 140], ["mtraceresp", 200], ["mtrace", 201], ["listenrepv2", 143],
];

/** ICMP codes: name, type, code (IPv4). */
export const ICMP_CODES: readonly (readonly [string, number, number])[] = [
  ["net-unr", 3, 0], ["host-unr", 3, 1], ["proto-unr", 3, 2], ["port-unr", 3, 3], ["needfrag", 3, 4],
  ["srcfail", 3, 5], ["net-unk", 3, 6], ["host-unk", 3, 7], ["isolate", 3, 8], ["net-prohib", 3, 9],
  ["host-prohib", 3, 10], ["net-tos", 3, 11], ["host-tos", 3, 12], ["filter-prohib", 3, 13],
  ["host-preced", 3, 14], ["cutoff-preced", 3, 15], ["redir-net", 5, 0], ["redir-host", 5, 1],
  ["redir-tos-net", 5, 2], ["redir-tos-host", 5, 3], ["normal-adv", 9, 0], ["common-adv", 9, 16],
  ["transit", 11, 0], ["reassemb", 11, 1], ["badhead", 12, 0], ["optmiss", 12, 1], ["badlen", 12, 2],
  ["unknown-ind", 40, 1], ["auth-fail", 40, 2], ["decrypt-fail", 40, 3],
];

/** ICMPv6 codes: name, type, code. */
export const ICMP6_CODES: readonly (readonly [string, number, number])[] = [
  ["admin-unr", 1, 1], ["noroute-unr", 1, 0], ["beyond-unr", 1, 2], ["addr-unr", 1, 3], ["port-unr", 1, 4],
  ["transit", 3, 0], ["reassemb", 3, 1], ["badhead", 4, 0], ["nxthdr", 4, 1], ["redironlink", 137, 0],
  ["redirrouter", 137, 1],
];

/** `return-icmp` defaults: ICMP unreach/port-unr and ICMPv6 unreach/port-unr, as `(type << 8) | code`. */
export const RETURN_ICMP_DEFAULT = (3 << 8) | 3;
export const RETURN_ICMP6_DEFAULT = (1 << 8) | 4;

/** Number of an ICMP(v6) type name, or undefined. */
export function icmpTypeNumber(name: string, v6: boolean): number | undefined {
  return (v6 ? ICMP6_TYPES : ICMP_TYPES).find(([n]) => n === name)?.[1];
}

/** pfctl's geticmptypebynumber(): the first name of a type number. */
export function icmpTypeName(type: number, v6: boolean): string | undefined {
  return (v6 ? ICMP6_TYPES : ICMP_TYPES).find(([, t]) => t === type)?.[0];
}

/** Code number of a code name for `type` (pfctl's geticmpcodebyname), or undefined. */
export function icmpCodeNumber(type: number, name: string, v6: boolean): number | undefined {
  return (v6 ? ICMP6_CODES : ICMP_CODES).find(([n, t]) => t === type && n === name)?.[2];
}

/** pfctl's geticmpcodebynumber(): the name of a code of `type`, or undefined. */
export function icmpCodeName(type: number, code: number, v6: boolean): string | undefined {
  return (v6 ? ICMP6_CODES : ICMP_CODES).find(([, t, c]) => t === type && c === code)?.[0];
}

/** pfctl_parser.c pf_timeouts: `set timeout` and state-option timeout names, in print order. */
export const PF_TIMEOUT_NAMES: readonly string[] = [
  "tcp.first", "tcp.opening", "tcp.established", "tcp.closing", "tcp.finwait", "tcp.closed", "tcp.tsdiff",
  "udp.first", "udp.single", "udp.multiple", "icmp.first", "icmp.error", "other.first", "other.single",
  "other.multiple", "frag", "interval", "adaptive.start", "adaptive.end", "src.track",
];

/** pfctl.c pf_limits: `set limit` names. */
export const PF_LIMIT_NAMES: readonly string[] = ["states", "src-nodes", "frags", "tables", "table-entries", "pktdelay-pkts", "anchors"];

/** `set optimization` levels (pfctl.c pf_hints). */
export const PF_OPTIMIZATIONS: readonly string[] = ["normal", "satellite", "high-latency", "conservative", "aggressive"];
