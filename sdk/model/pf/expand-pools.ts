/**
 * The nat-to, rdr-to, binat-to and route-to pools of one combination of expand_rule (expand.ts), as
 * collapse_redirspec() makes them: the addresses of the combination's family kept, a list as its own table.
 */
import type { ExpandContext } from "./expand";
import { collapsePool, FAILED_TO_ADD_HOST, resolveHosts, targetFamilies } from "./expand-hosts";
import { dynifMultiAddr } from "./if-modifier";
import type { PfAddressFamily, PfFilterRule, PfHost, PfRule } from "./types";
import { afToPoolErrors, collapseAfToPools, type AfToPools } from "./expand-afto";

/** A listed pool (the statement's `<__automatic_N>` target) and what one combination made of it. */
export interface PoolTarget {
  /** The statement's table name. */
  listed: string;
  /** The one address of the combination's family, or the table made of its several. */
  target: PfHost;
}

/** Puts the combination's collapsed pool where the statement had its listed table. */
/**
 * The binat-to address one combination translates to. An interface name of several addresses was read as the table
 * `<__automatic_N>` of them (parser: a redirpool as nat-to's), but collapse_redirspec makes that table only when it
 * succeeds for the combination: then the target is the combination's (its one address of the family, or the table of
 * its several, which binat-to refuses); when it failed (the addresses' families differ), the rule still holds the
 * first address written, which is what the binat-to checks then see.
 */
export function binatTarget(rule: PfFilterRule, pool: PoolTarget | undefined): PfHost {
  const b = rule.binatTo!;
  if (b.kind !== "table" || !b.name.startsWith("__automatic_") || !rule.pool?.list?.length) return b;
  return pool?.listed === b.name ? pool.target : rule.pool.list[0]!;
}

export function retarget(r: PfFilterRule, p: PoolTarget): void {
  const is = (h: PfHost | undefined) => h?.kind === "table" && h.name === p.listed;
  if (is(r.rdrTo?.host)) r.rdrTo = { ...r.rdrTo!, host: p.target };
  if (is(r.natTo)) r.natTo = p.target;
  if (is(r.route?.host)) r.route = { ...r.route!, host: p.target };
}

/**
 * expand_rule's collapse_redirspec() calls for one combination, in pfctl's order (the rdr-to pool, the nat-to
 * pool, the route-to pool), with the statement's family `af`: their errors, the family they leave, and the listed
 * pool's target for this combination: the addresses of the family kept, one alone or several as a new table
 * (`ctx.autoTable`), so each combination of a rule has its own `<__automatic_N>`, as pfctl makes them.
 */
export function collapsePools(rule: PfFilterRule, af: PfAddressFamily | undefined, ctx: ExpandContext): { errors: string[]; af: PfAddressFamily | undefined; pool?: PoolTarget } {
  const errors: string[] = [];
  let pool: PoolTarget | undefined;
  // binat-to fills the nat-to slot (parse.y: `nat->binat`)
  const pools: [PfHost | undefined, "translation" | "routing"][] = [[rule.rdrTo?.host, "translation"], [rule.natTo ?? rule.binatTo, "translation"], [rule.route?.host, "routing"]];
  for (const [t, what] of pools) {
    // a target written as a list became the table `<__automatic_N>`: collapse_redirspec reads the list's hosts
    const listed = t?.kind === "table" && t.name.startsWith("__automatic_") && rule.pool?.list ? resolveHosts(rule.pool.list, ctx, []) : undefined;
    const fams = targetFamilies(t, ctx) ?? listed?.map((h) => h.af);
    if (fams === undefined) continue;
    // a second address of a list whose type is not dynamic (bitmask): no table is made
    const multipleRefused = listed && rule.pool?.type === "bitmask" ? "pool type is not valid for multiple translation or routing addresses" : undefined;
    const c = collapsePool(fams, af, what, { wide: listed?.map((h) => h.badMask !== undefined), ...(multipleRefused ? { multipleRefused } : {}) });
    if (c.error) {
      errors.push(c.error);
      // a table begun and refused took its number (add_opt_table numbers the table it begins; nothing is printed):
      // refused at a third address or later (another family, …), or an address it could not add (a wide IPv4 mask)
      if (c.kept.length > 1 || c.error === FAILED_TO_ADD_HOST) ctx.autoTable?.([], "unmade");
    } else if (listed && t?.kind === "table") {
      const kept = c.kept.map((i) => listed[i]!.host!);
      // a table or `(if)` in the list cannot go into its table: the table is begun (its number taken) and not made
      // (the parser's refusal says why)
      if (kept.some((h) => h.kind === "table" || h.kind === "dynamic")) {
        if (kept.length > 1) ctx.autoTable?.(kept, "unmade");
        af = c.af;
        continue;
      }
      const target: PfHost = kept.length === 1 ? kept[0]! : ctx.autoTable ? { kind: "table", name: ctx.autoTable(kept) } : t;
      pool = { listed: t.name, target };
    }
    af = c.af;
  }
  return { errors, af, ...(pool ? { pool } : {}) };
}

/**
 * PF_AZERO of a host's mask as expand_rule sees it: `any`, a /0, an interface written `/0`, no host at all; no-route
 * and urpf-failed (no address); a table or route label, whose name overlays the address and the mask in pf_addr_wrap's
 * union, when the name ends within the address's 16 bytes (so leaves the mask's bytes zero).
 */
function zeroMask(h: PfHost | undefined): boolean {
  if (h === undefined) return true;
  switch (h.kind) {
    case "no-route":
    case "urpf-failed":
      return true;
    case "address":
      return h.address === "any" || h.address.endsWith("/0");
    case "interface":
    case "dynamic":
      return h.mask === 0;
    case "table":
      return Buffer.byteLength(h.name) <= 16;
    case "route":
      return Buffer.byteLength(h.label) <= 16;
    case "range":
      return false;
  }
}

/** A binat-to side pfctl takes: PF_ADDR_ADDRMASK (an address, an interface's address, `any`) or PF_ADDR_DYNIFTL. */
const addrmaskOrDynif = (h: PfHost | undefined): boolean => h === undefined || h.kind === "address" || h.kind === "interface" || h.kind === "dynamic";

/**
 * expand_rule's binat-to checks for one combination, in pfctl's order: disallow_table and disallow_alias on the
 * source list from the combination's node on (`srcs`: a dynamic source is a copy of its node alone, gen_dynnode()),
 * else a specified source and redirect address (`src`, the combination's); DYNIF_MULTIADDR (an `(if)` without `:0`)
 * on either; PF_AZERO of either mask (when the statement's family is known, `checkAf`); a table as the redirect
 * address; a direction. Any of them: the combination is skipped.
 */
export function binatErrors(rule: PfFilterRule, src: PfHost | undefined, srcs: readonly (PfHost | undefined)[], checkAf: boolean, binatEmpty: boolean, b: PfHost = rule.binatTo!): string[] {
  const errors: string[] = [];
  const multi = (h: PfHost | undefined): h is PfHost & { kind: "dynamic" } => h !== undefined && dynifMultiAddr(h);
  const table = srcs.find((h) => h?.kind === "table");
  const alias = srcs.find(multi);
  if (table?.kind === "table") errors.push(`invalid use of table <${table.name}> as the source address of a binat-to rule`);
  else if (alias?.kind === "dynamic") errors.push(`invalid use of interface (${alias.name}) as the source address of a binat-to rule`);
  // PF_ADDR_ADDRMASK (an address, an interface's, `any`) or PF_ADDR_DYNIFTL each: no table, range, route label,
  // no-route or urpf-failed on either side
  else if (!addrmaskOrDynif(src) || !addrmaskOrDynif(b)) errors.push("binat-to requires a specified source and redirect address");
  if (multi(src) || multi(b)) errors.push("dynamic interfaces must be used with :0 in a binat-to rule");
  // PF_AZERO(src mask) || PF_AZERO(nat mask) (the words are pfctl's): a pool emptied by its family, or a zero mask
  // on either side in a statement of known family
  if (binatEmpty || (checkAf && (zeroMask(src) || zeroMask(b)))) errors.push("source and redir addresess must have a matching network mask in binat-rule");
  if (b.kind === "table") errors.push("tables cannot be used as the redirect address of a binat-to rule");
  if (rule.direction) errors.push("binat-to cannot be specified with a direction");
  return errors;
}

/**
 * collapse_redirspec() of one combination's pools, with the statement's family (`stmtAf`): their errors pushed onto
 * `errors`, the family a pool gives the rule, the collapsed pools, and whether a binat-to pool lost its address to
 * the family (its mask is then zero).
 */
export function collapseCombination(rule: PfRule, ctx: ExpandContext, stmtAf: PfAddressFamily | undefined, listAf: PfAddressFamily | undefined, errors: string[]): {
  af: PfAddressFamily | undefined; pool?: PoolTarget; afPools?: AfToPools; binatEmpty: boolean; failed: boolean;
} {
  if (rule.kind !== "filter") return { af: stmtAf, binatEmpty: false, failed: false };
  if (!rule.afTo) {
    const c = collapsePools(rule, stmtAf, ctx);
    errors.push(...c.errors);
    // a binat-to address of the other family is dropped from its pool: the pool's mask is then zero
    const binatEmpty = rule.binatTo !== undefined && c.errors.some((e) => e.startsWith("af mismatch in translation"));
    return { af: c.af, ...(c.pool ? { pool: c.pool } : {}), binatEmpty, failed: c.errors.length > 0 };
  }
  const afPools = collapseAfToPools(rule, ctx);
  // collapse_redirspec's family check, before the combination's own family is looked at: printed for every
  // combination, a skipped one too, and no later one is added (expand_rule's `error`); it returned before choosing
  // the rule's family, so the combination's addresses give it
  const e = afToPoolErrors(rule, ctx);
  errors.push(...e);
  return { af: e.length > 0 ? listAf : stmtAf, afPools, binatEmpty: false, failed: e.length > 0 };
}
