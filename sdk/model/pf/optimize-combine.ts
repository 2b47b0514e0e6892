/**
 * pfctl's combine_rules() (pfctl_optimize.c): in a superblock, rules equal but for one address — the same source and
 * other destinations, or the other way round, each an address or network (PF_ADDR_ADDRMASK, `any` included) with the
 * same negation and ports — are gathered in a table, add_opt_table()'s `__automatic_N`; once six of them share one
 * (TABLE_THRESHOLD) the first rule takes the table and the others go. A table that stays under six is dropped, its
 * number spent. `-v` prints each table made, `table <…> const { … }`, before the rules. Pure.
 */
import { renderTable } from "./render";
import type { PfHost, PfRule } from "./types";

/** add_opt_table()'s counter (it runs on from the tables parsing began) and the table lines `-v` prints. */
export interface MadeTables {
  next: number;
  printed: string[];
}

const TABLE_THRESHOLD = 6;

interface Table {
  name: string;
  addresses: (PfHost | undefined)[];
  generated?: boolean;
}

interface Entry {
  r: PfRule;
  /** Its source and destination as compared (addrs_equal), and the rest of it (rules_combineable): computed once. */
  from: string;
  to: string;
  rest: string;
  src?: Table;
  dst?: Table;
  removed?: boolean;
}

/** An address addrs_combineable() takes: an address or network, or `any` (no host). */
const addrmask = (h: PfHost | undefined): boolean => h === undefined || h.kind === "address";
const negated = (h: PfHost | undefined): boolean => h?.not === true;
const key = (h: PfHost | undefined): string => JSON.stringify(h ?? null);

/** The rule but its two addresses (COMBINED), as comparable_rule() leaves it for rules_combineable(). */
function restOf(r: PfRule): string {
  if (r.kind !== "filter") return JSON.stringify(r);
  const strip = (e: PfRule["from"], h: PfHost | undefined) => ({ ...e, hosts: [{ not: negated(h) }] });
  return JSON.stringify({ ...r, from: strip(r.from, r.from.hosts[0]), to: strip(r.to, r.to.hosts[0]) });
}

/** The side's address as the table holds it (its negation is the rule's). */
const entryOf = (h: PfHost | undefined): PfHost | undefined => (h?.not ? { ...h, not: false } : h);

export function combineRules(block: readonly PfRule[], made: MadeTables): PfRule[] {
  const host = (r: PfRule, side: "from" | "to") => (r.kind === "filter" ? r[side].hosts[0] : undefined);
  const es: Entry[] = block.map((r) => ({ r, from: key(host(r, "from")), to: key(host(r, "to")), rest: restOf(r) }));
  const add = (t: Table | undefined, h: PfHost | undefined): Table => {
    const table = t ?? { name: `__automatic_${made.next++}`, addresses: [] };
    table.addresses.push(entryOf(h));
    return table;
  };
  for (let i = 0; i < es.length; i++) {
    const p1 = es[i]!;
    if (p1.removed || p1.r.kind !== "filter") continue;
    for (let j = i + 1; j < es.length; j++) {
      const p2 = es[j]!;
      if (p2.removed || p2.r.kind !== "filter") continue;
      if (p1.rest !== p2.rest) continue;
      const srcEq = p1.from === p2.from;
      const dstEq = p1.to === p2.to;
      for (const [side, eq, otherEq, mine, other] of [["to", srcEq, dstEq, "dst", "src"], ["from", dstEq, srcEq, "src", "dst"]] as const) {
        if (!eq || otherEq || p1[other] || p2.src || p2.dst) continue;
        const a = host(p1.r, side);
        const b = host(p2.r, side);
        if (!addrmask(a) || !addrmask(b) || negated(a) !== negated(b)) continue;
        if (!p1[mine]) p1[mine] = add(undefined, a);
        add(p1[mine], b);
        if (p1[mine]!.addresses.length >= TABLE_THRESHOLD) p2.removed = true;
        else p2[mine] = p1[mine];
        break;
      }
    }
  }
  const out: PfRule[] = [];
  for (const e of es) {
    if (e.removed) continue;
    let r = e.r;
    let gone = false;
    for (const [side, t] of [["from", e.src], ["to", e.dst]] as const) {
      if (!t || t.addresses.length < TABLE_THRESHOLD || r.kind !== "filter") continue;
      // "This rule is included in a table"
      if (t.generated) {
        gone = true;
        break;
      }
      t.generated = true;
      made.printed.push(renderTable({ name: t.name, const: true, addresses: t.addresses.map((h) => h ?? { kind: "address", address: "any" }), files: [] }));
      const h = r[side].hosts[0];
      r = { ...r, [side]: { ...r[side], hosts: [{ kind: "table", name: t.name, ...(negated(h) ? { not: true } : {}) }] } };
    }
    if (!gone) out.push(r);
  }
  return out;
}
