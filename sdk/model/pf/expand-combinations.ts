/**
 * expand_rule's loops over a pf rule's lists (parse.y LOOP_THROUGH), in its order: each combination of one item of
 * every list, with what is left of each list from there on (binat-to's inbound rules are expanded from it).
 *
 * Pure.
 */
import type { HostAf } from "./expand-hosts";
import type { PfIcmpType, PfIfSpec, PfPort, PfUgid } from "./types";

/** The lists expand_rule loops through (`undefined`: the list was empty, one pass with nothing). */
export interface ExpandLists {
  ons: (PfIfSpec | undefined)[];
  protos: (string | undefined)[];
  icmps: (PfIcmpType | undefined)[];
  srcs: HostAf[];
  dsts: HostAf[];
  sports: (PfPort | undefined)[];
  dports: (PfPort | undefined)[];
  uids: (PfUgid | undefined)[];
  gids: (PfUgid | undefined)[];
}

/** One item of each list, and what is left of each list from that item on. */
export interface ExpandPick {
  pick: { on: PfIfSpec | undefined; proto: string | undefined; icmp: PfIcmpType | undefined; src: HostAf; dst: HostAf; sport: PfPort | undefined; dport: PfPort | undefined; uid: PfUgid | undefined; gid: PfUgid | undefined };
  /**
   * Each list from the picked item to its end: expand_rule's LOOP_THROUGH walks a list's `next` pointers, and
   * the rule it makes for binat-to's inbound direction is expanded from the current nodes (so from there on).
   */
  tails: () => ExpandLists;
}

/**
 * expand_rule's nested LOOP_THROUGHs, in its order: interface, protocol, icmp-type, source host, destination
 * host, source port, destination port, user, group.
 */
export function* combinations(l: ExpandLists): Generator<ExpandPick> {
  for (let a = 0; a < l.ons.length; a++)
    for (let b = 0; b < l.protos.length; b++)
      for (let c = 0; c < l.icmps.length; c++)
        for (let d = 0; d < l.srcs.length; d++)
          for (let e = 0; e < l.dsts.length; e++)
            for (let f = 0; f < l.sports.length; f++)
              for (let g = 0; g < l.dports.length; g++)
                for (let h = 0; h < l.uids.length; h++)
                  for (let i = 0; i < l.gids.length; i++)
                    yield {
                      pick: { on: l.ons[a], proto: l.protos[b], icmp: l.icmps[c], src: l.srcs[d]!, dst: l.dsts[e]!, sport: l.sports[f], dport: l.dports[g], uid: l.uids[h], gid: l.gids[i] },
                      tails: () => ({
                        ons: l.ons.slice(a), protos: l.protos.slice(b), icmps: l.icmps.slice(c), srcs: l.srcs.slice(d), dsts: l.dsts.slice(e),
                        sports: l.sports.slice(f), dports: l.dports.slice(g), uids: l.uids.slice(h), gids: l.gids.slice(i),
                      }),
                    };
}
