/**
 * Name tables pfctl consults: OpenBSD's /etc/protocols and /etc/services (../protocols, ../services), and the
 * keywords of pfctl's lexer (parse.y `lookup()`).
 */
import { protocolByName, protocolNameOf, protocolNames } from "../protocols";

/** getprotobyname(3) over OpenBSD's /etc/protocols: number of a protocol name or alias, or undefined. */
export function protocolNumber(name: string): number | undefined {
  return protocolByName(name);
}

/** Canonical spelling of a protocol number: its /etc/protocols name, else the decimal number. */
export function protocolName(num: number): string {
  return protocolNameOf(num) ?? String(num);
}

/** Canonical spelling of a protocol given by name or number (`50` → `esp`); undefined if unknown. */
export function canonicalProtocol(p: string): string | undefined {
  if (/^\d+$/.test(p)) {
    const n = Number(p);
    return n >= 1 && n <= 255 ? protocolName(n) : undefined;
  }
  const n = protocolByName(p);
  return n === undefined ? undefined : protocolName(n);
}

/** Names accepted in `proto`, for error messages. */
export const PROTOCOL_NAMES: readonly string[] = protocolNames();

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
/** pfvar.h: a pf_anchor's name (NUL included) and PATH_MAX, its path. */
export const PF_ANCHOR_NAME_SIZE = 64;
export const PATH_MAX = 1024;
