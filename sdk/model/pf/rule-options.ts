/**
 * The options a pass/block/match rule and an anchor rule share ({@link PfRuleOptions}): which keys they are, so that
 * an anchor rule keeps exactly those of the filter options it read, and a loaded rule is built with them.
 */
import type { PfRuleOptions } from "./types";

/** Every key of {@link PfRuleOptions} (the compiler checks that none is missing). */
const KEYS = Object.keys({
  icmpTypes: true, scrub: true, receivedOn: true, users: true, groups: true, prio: true, tos: true, setPrio: true,
  queue: true, setTos: true, maxPktRate: true, probability: true, os: true, flags: true, label: true, fragment: true,
  allowOpts: true, rtable: true, setDelay: true,
} satisfies Record<keyof PfRuleOptions, true>) as (keyof PfRuleOptions)[];

/** The shared options of `o` that are set (a rule's filter options as read, for an anchor rule). */
export function ruleOptions(o: PfRuleOptions): PfRuleOptions {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) if (o[k] !== undefined) out[k] = o[k];
  return out as PfRuleOptions;
}
