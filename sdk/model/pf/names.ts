/**
 * Name tables pfctl consults: OpenBSD's /etc/protocols and the /etc/services entries a VPN gateway
 * uses, and the keywords of pfctl's lexer (parse.y `lookup()`).
 */

/** /etc/protocols (OpenBSD): canonical name → number. */
const PROTOCOLS: ReadonlyArray<readonly [string, number, ...string[]]> = [
  ["ip", 0, "IP"],
  ["icmp", 1, "ICMP"],
  ["igmp", 2, "IGMP"],
  ["ggp", 3, "GGP"],
  ["ipencap", 4, "IP-ENCAP"],
  ["st2", 5, "ST2"],
  ["tcp", 6, "TCP"],
  ["cbt", 7, "CBT"],
  ["egp", 8, "EGP"],
  ["igp", 9, "IGP"],
  ["pup", 12, "PUP"],
  ["udp", 17, "UDP"],
  ["hmp", 20, "HMP"],
  ["xns-idp", 22, "XNS-IDP"],
  ["rdp", 27, "RDP"],
  ["ipv6", 41, "IPV6"],
  ["ipv6-route", 43, "IPV6-ROUTE"],
  ["ipv6-frag", 44, "IPV6-FRAG"],
  ["idrp", 45, "IDRP"],
  ["rsvp", 46, "RSVP"],
  ["gre", 47, "GRE"],
  ["esp", 50, "ESP"],
  ["ah", 51, "AH"],
  ["mobile", 55, "MOBILE"],
  ["ipv6-icmp", 58, "IPV6-ICMP", "icmp6"],
  ["ipv6-nonxt", 59, "IPV6-NONXT"],
  ["ipv6-opts", 60, "IPV6-OPTS"],
  ["rspf", 73, "RSPF"],
  ["vmtp", 81, "VMTP"],
  ["eigrp", 88, "EIGRP"],
  ["ospf", 89, "OSPFIGP"],
  ["ax.25", 93, "AX.25"],
  ["ipip", 94, "IPIP"],
  ["etherip", 97, "ETHERIP"],
  ["encap", 98, "ENCAP"],
  ["pim", 103, "PIM"],
  ["ipcomp", 108, "IPCOMP"],
  ["carp", 112, "CARP", "vrrp"],
  ["l2tp", 115, "L2TP"],
  ["sctp", 132, "SCTP"],
  ["mpls-in-ip", 137, "MPLS-IN-IP"],
  ["pfsync", 240, "PFSYNC"],
];

const protoByName = new Map<string, number>();
const protoByNumber = new Map<number, string>();
for (const [name, num, ...aliases] of PROTOCOLS) {
  protoByName.set(name, num);
  for (const a of aliases) protoByName.set(a, num);
  protoByNumber.set(num, name);
}

/** getprotobyname(3): number of a protocol name or alias, or undefined. */
export function protocolNumber(name: string): number | undefined {
  return protoByName.get(name);
}

/** Canonical spelling of a protocol number: its /etc/protocols name, else the decimal number. */
export function protocolName(num: number): string {
  return protoByNumber.get(num) ?? String(num);
}

/** Canonical spelling of a protocol given by name or number (`50` → `esp`); undefined if unknown. */
export function canonicalProtocol(p: string): string | undefined {
  if (/^\d+$/.test(p)) {
    const n = Number(p);
    return n >= 1 && n <= 255 ? protocolName(n) : undefined;
  }
  const n = protoByName.get(p);
  return n === undefined ? undefined : protocolName(n);
}

/** Names accepted in `proto`, for error messages. */
export const PROTOCOL_NAMES: readonly string[] = PROTOCOLS.map((p) => p[0]);

/** getservbyname(3) (tcp, then udp) over OpenBSD's /etc/services: port number of a service name, or undefined. */
export { servicePort } from "../services";

/** Every keyword of pfctl's lexer (parse.y 1.719 `lookup()`); any other word is a STRING. */
export const PF_KEYWORDS: ReadonlySet<string> = new Set([
  "af-to", "all", "allow-opts", "anchor", "antispoof", "any", "bandwidth", "binat-to", "bitmask",
  "block", "block-policy", "burst", "code", "debug", "default", "delay", "divert-packet",
  "divert-reply", "divert-to", "drop", "dup-to", "file", "fingerprints", "flags", "floating",
  "flows", "flush", "for", "fragment", "from", "global", "group", "hostid", "icmp-type",
  "icmp6-type", "if-bound", "in", "include", "inet", "inet6", "keep", "label", "least-states",
  "limit", "load", "log", "loginterface", "match", "matches", "max", "max-mss", "max-pkt-rate",
  "max-src-conn", "max-src-conn-rate", "max-src-nodes", "max-src-states", "min", "min-ttl",
  "modulate", "nat-to", "no", "no-df", "no-route", "no-sync", "on", "once", "optimization", "os",
  "out", "overload", "parent", "pass", "pflow", "port", "prio", "probability", "proto", "qlimit",
  "quantum", "queue", "quick", "random", "random-id", "rdomain", "rdr-to", "reassemble",
  "received-on", "reply-to", "return", "return-icmp", "return-icmp6", "return-rst",
  "round-robin", "route", "route-to", "rtable", "rule", "ruleset-optimization", "scrub", "set",
  "skip", "sloppy", "source-hash", "source-track", "state", "state-defaults", "state-policy",
  "static-port", "sticky-address", "syncookies", "synproxy", "table", "tag", "tagged", "timeout",
  "to", "tos", "ttl", "urpf-failed", "user", "weight",
]);

/** pfctl_parser.h PFCTL_ANCHOR_STACK_DEPTH: brace anchors nest at most 63 deep (`pfa_anchor: anchors too deep`). */
export const ANCHOR_STACK_DEPTH = 64;
