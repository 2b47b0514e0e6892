/**
 * The pools of an af-to rule as expand_rule's collapse_redirspec() sees them (expand.ts): each combination's tables,
 * and the family every address must be in.
 */
import { interfaceAddresses, literalFamily, pfFamily } from "./address";
import type { ExpandContext } from "./expand";
import { knownName, resolveHosts } from "./expand-hosts";
import type { PfAddressFamily, PfFilterRule, PfHost } from "./types";

/** An af-to rule's listed pools as one combination collapsed them: the one address, or the table it made. */
export interface AfToPools {
  from?: PfHost;
  to?: PfHost;
}

/**
 * collapse_redirspec() of an af-to rule's listed pools for one combination, the `to` pool first: when all their
 * addresses are in the target family, one stays itself and several become a new table (`ctx.autoTable`), as
 * pfctl makes one for every combination, even one its family then skips.
 */
export function collapseAfToPools(rule: PfFilterRule, ctx: ExpandContext): AfToPools {
  const t = rule.afTo!;
  const one = (target: PfHost, list: readonly PfHost[] | undefined): PfHost | undefined => {
    if (!list || target.kind !== "table" || !target.name.startsWith("__automatic_")) return undefined;
    const hosts = resolveHosts(list, ctx, []);
    if (hosts.some((h) => h.af !== undefined && h.af !== t.af)) return undefined;
    if (hosts.length === 1) return hosts[0]!.host;
    // a table or `(if)` in the list: the table is begun (its number taken) and not made (the parser refuses the pool)
    if (hosts.some((h) => h.host?.kind === "table" || h.host?.kind === "dynamic")) {
      ctx.autoTable?.(hosts.map((h) => h.host!), "unmade");
      return undefined;
    }
    return ctx.autoTable ? { kind: "table", name: ctx.autoTable(hosts.map((h) => h.host!)) } : undefined;
  };
  const to = t.to ? one(t.to.host, t.to.list) : undefined;
  const from = one(t.from, rule.pool?.list);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/**
 * collapse_redirspec() of an af-to rule's pools (the `to` pool, then the `from` pool): every address must be in
 * the target family.
 */
export function afToPoolErrors(rule: PfFilterRule, ctx: ExpandContext): string[] {
  const t = rule.afTo!;
  const hostAfs = (h: PfHost, list: readonly PfHost[] | undefined): (PfAddressFamily | undefined)[] =>
    (list ?? [h]).flatMap((x) => (literalFamily(x) !== undefined ? [literalFamily(x)] : x.kind === "interface" && ctx.interfaces && knownName(x.name, x.modifier, ctx) ? interfaceAddresses(x.name, x.modifier, ctx.interfaces).map((a) => pfFamily(a)) : [undefined]));
  const pools: (PfAddressFamily | undefined)[][] = [];
  if (t.to) pools.push(hostAfs(t.to.host, t.to.list));
  pools.push(hostAfs(t.from, rule.pool?.list));
  return pools.some((p) => p.some((a) => a !== undefined && a !== t.af)) ? ["translation spec contains addresses that don't match target address family"] : [];
}
