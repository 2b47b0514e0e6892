/**
 * parse.y rule_consistent(): what pfctl checks on each rule a statement expands to, once its pools collapsed, in
 * pfctl's order. A rule with any of these problems is skipped (`skipping rule due to errors`); the synproxy
 * warning is printed and the rule kept.
 */
import type { PfAddressFamily, PfFilterRule, PfIcmpType, PfPort, PfRule, PfUgid } from "./types";

/** One combination of a statement, as rule_consistent() sees the rule it made. */
export interface ConsistencyInput {
  proto: string | undefined;
  af: PfAddressFamily | undefined;
  sport: PfPort | undefined;
  dport: PfPort | undefined;
  icmp: PfIcmpType | undefined;
  uid: PfUgid | undefined;
  gid: PfUgid | undefined;
}

/** A line of {@link ruleConsistent} that is pfctl's warning (`FILE:LINE: warning: …`), not an error. */
export const WARNING = "warning: ";

export function isExpandWarning(line: string): boolean {
  return line.startsWith(WARNING);
}

/** The rule's state as expand_rule leaves it: modulate and synproxy become keep on a protocol other than tcp. */
export function keptState(rule: PfFilterRule, proto: string | undefined): "keep" | "modulate" | "synproxy" | undefined {
  const state = rule.state ?? (rule.action === "pass" ? "keep" : undefined);
  if (state === undefined || state === "no") return undefined;
  if ((state === "modulate" || state === "synproxy") && proto !== undefined && proto !== "tcp") return "keep";
  return state;
}

/**
 * rule_consistent()'s complaints about one rule a statement expands to, in its order. An anchor rule is checked as
 * a pass rule that keeps no state (anchorrule's pf_rule is zeroed: its action is PF_PASS).
 */
export function ruleConsistent(anchorOrRule: PfRule, c: ConsistencyInput): string[] {
  const { proto, af, icmp } = c;
  const rule: PfFilterRule = anchorOrRule.kind === "filter" ? anchorOrRule : { ...anchorOrRule, kind: "filter", action: "pass", state: "no" };
  const tcpUdp = proto === "tcp" || proto === "udp";
  const ports = c.sport !== undefined || c.dport !== undefined;
  const isIcmp = proto === "icmp" || proto === "ipv6-icmp";
  const state = keptState(rule, proto);
  // flags on a protocol other than tcp are dropped; `flags any` sets none
  const flagset = (proto === undefined || proto === "tcp") && rule.flags !== undefined && rule.flags !== "any";
  const so = rule.stateOptions;
  const out: string[] = [];
  const check = (bad: unknown, message: string) => void (bad && out.push(message));
  check(rule.os !== undefined && proto !== "tcp", "os only applies to tcp");
  check(!tcpUdp && ports, "port only applies to tcp/udp");
  check(!tcpUdp && c.uid, "user only applies to tcp/udp");
  check(!tcpUdp && c.gid, "group only applies to tcp/udp");
  check(!isIcmp && icmp, "icmp-type/code only applies to icmp");
  check(!af && icmp, "must indicate address family with icmp-type/code");
  check(rule.afTo && af === rule.afTo.af, "must indicate different address family with af-to");
  check(so?.overload && !so.maxSrcConn && !so.maxSrcConnRate, "'overload' requires 'max-src-conn' or 'max-src-conn-rate'");
  check((proto === "icmp" && af === "inet6") || (proto === "ipv6-icmp" && af === "inet"), `proto ${proto === "icmp" ? "icmp" : "icmp6"} doesn't match address family ${af}`);
  check(rule.allowOpts && rule.action !== "pass", "allow-opts can only be specified for pass rules");
  check(rule.fragment && (ports || flagset || icmp), "fragments can be filtered only on IP header fields");
  check(rule.blockPolicy === "return-rst" && proto !== "tcp", "return-rst can only be applied to TCP rules");
  check(rule.action !== "pass" && state, "keep state is great, but only for pass rules");
  check(rule.route && !state, "route-to, reply-to and dup-to require keep state");
  check(so?.sloppy && (state === "modulate" || state === "synproxy"), "sloppy state matching cannot be used with synproxy state or modulate state");
  check(state === "synproxy" && rule.direction !== "in", `${WARNING}synproxy used for inbound rules only, ignored for outbound`);
  const translates = rule.natTo !== undefined || rule.rdrTo !== undefined || rule.binatTo !== undefined || rule.afTo !== undefined;
  check(translates && rule.action !== "match" && !state, "nat-to and rdr-to require keep state");
  check(rule.direction === undefined && (rule.natTo || rule.rdrTo), "nat-to and rdr-to require a direction");
  check(af === "inet6" && (rule.scrub?.noDf || rule.scrub?.randomId), "address family inet6 does not support scrub options no-df, random-id");
  if (rule.action === "match") {
    check(rule.divertTo || rule.divertReply || rule.divertPacket, "divert is not supported on match rules");
    check(rule.route, "route-to, reply-to and dup-to are not supported on match rules");
    check(rule.afTo, "af-to is not supported on match rules");
  } else if (rule.action === "block") {
    check(rule.route, "route-to, reply-to and dup-to are not supported on block rules");
  }
  return out;
}
