/**
 * The hosts of a pf rule as pfctl's expansion sees them (expand.ts): interface and group names replaced by their
 * addresses (host_if, with a mask and scoped IPv6), the address family of translation and routing targets
 * (collapse of a pool's families, decide_address_family()).
 */
import { modifierMode } from "./if-modifier";
import { addressFamily, interfaceAddresses, literalFamily, parseLiteralAddress, pfFamily } from "./address";
import type { PfAddressFamily, PfHost } from "./types";
import type { ExpandContext } from "./expand";

/** pfctl's warn() when a pool's table cannot take an entry (add_opt_table: append_addr_host's EINVAL). */
export const FAILED_TO_ADD_HOST = "pfctl: failed to add host: Invalid argument";

export interface HostAf {
  host: PfHost | undefined;
  af: PfAddressFamily | undefined;
  /** Interface of a scoped (link-local) address: the rule is bound to it (expand_rule's ifindex). */
  scope?: string;
  /** An IPv4 address given more than 32 bits of mask (`em0/40`): check_netmask fails each inet combination. */
  badMask?: number;
}

/** Replaces interface names by addresses; `undefined` stands for `any`. */
export function resolveHosts(hosts: readonly PfHost[], ctx: ExpandContext, errors: string[]): HostAf[] {
  if (hosts.length === 0) return [{ host: undefined, af: undefined }];
  const out: HostAf[] = [];
  for (const h of hosts) {
    switch (h.kind) {
      case "address": {
        const wide = /^[\d.]+\/(\d+)$/.exec(h.address);
        // host_ip(): a scoped literal's interface (getaddrinfo's sin6_scope_id); an index names none the model knows
        const { scope, ...bare } = h;
        const bound = scope !== undefined && !/^\d+$/.test(scope) ? { scope } : {};
        out.push({ host: bare, af: addressFamily(h.address), ...bound, ...(wide && Number(wide[1]) > 32 ? { badMask: Number(wide[1]) } : {}) });
        break;
      }
      case "interface": {
        if (!ctx.interfaces || !knownName(h.name, h.modifier, ctx)) {
          out.push({ host: h, af: undefined });
          break;
        }
        const addrs = interfaceAddresses(h.name, h.modifier, ctx.interfaces);
        if (addrs.length === 0) {
          errors.push(`no IP address found for ${h.name}${h.modifier ? `:${h.modifier}` : ""}`);
          break;
        }
        for (const a of addrs) {
          // host_if(): `NAME/LEN` sets the mask on each address; check_netmask refuses more than 32 bits on IPv4
          const badMask = h.mask !== undefined && a.family === 4 && h.mask > 32 ? { badMask: h.mask } : {};
          const text = h.mask === undefined || "badMask" in badMask ? a.text : (parseLiteralAddress(`${a.address}/${h.mask}`)?.text ?? a.text);
          out.push({ host: { kind: "address", address: text, ...(h.not ? { not: true } : {}) }, af: pfFamily(a), ...(a.scope ? { scope: a.scope } : {}), ...badMask });
        }
        break;
      }
      case "range":
        out.push({ host: h, af: addressFamily(h.from) });
        break;
      case "dynamic":
      case "table":
      case "route":
      case "no-route":
      case "urpf-failed":
        out.push({ host: h, af: undefined });
        break;
    }
  }
  return out;
}

/** True when the addresses of `name` (with `modifier`) are all known from `ctx.interfaces`. */
export function knownName(name: string, modifier: string | undefined, ctx: ExpandContext): boolean {
  if (!ctx.interfaces) return false;
  if (!ctx.partial) return true;
  if (name === "self" || modifierMode(modifier as Parameters<typeof modifierMode>[0]) === "peer") return false;
  return ctx.interfaces.some((i) => i.name === name) || ctx.interfaces.some((i) => i.groups.includes(name));
}

/**
 * The address families of a translation or route target as parse.y's host() lists them (an address: its
 * family; an interface: each address's; `(IF)`: none), or undefined when unknown (a table, a list, an
 * interface not in `ctx`): then collapse_redirspec is not modelled for it.
 */
export function targetFamilies(h: PfHost | undefined, ctx: ExpandContext): (PfAddressFamily | undefined)[] | undefined {
  if (h === undefined) return undefined;
  const literal = literalFamily(h);
  if (literal) return [literal];
  if (h.kind === "dynamic") return [undefined];
  if (h.kind === "interface" && ctx.interfaces && knownName(h.name, h.modifier, ctx)) return interfaceAddresses(h.name, h.modifier, ctx.interfaces).map((a) => pfFamily(a));
  return undefined;
}

/**
 * parse.y collapse_redirspec() for a nat-to/rdr-to (translation) or route-to (routing) pool, on a rule whose
 * family is `af`: addresses of another family are skipped; without a family the first address's is taken and
 * every other must share it; an empty pool is an error. `wide`: which addresses are IPv4 with more than 32 bits
 * of mask; `multipleRefused`: the error of a second address (a pool type that takes one).
 */
export function collapsePool(
  fams: readonly (PfAddressFamily | undefined)[],
  af: PfAddressFamily | undefined,
  what: "translation" | "routing",
  opts: { wide?: readonly boolean[]; multipleRefused?: string } = {},
): { af: PfAddressFamily | undefined; error?: string; kept: number[] } {
  let chosen: PfAddressFamily | undefined;
  const kept: number[] = [];
  const wide = opts.wide ?? [];
  for (const [i, f] of fams.entries()) {
    if (f !== undefined) {
      if (af && af !== f) continue;
      if (!af && chosen && chosen !== f) return { af, error: `${what} spec contains addresses with different address families`, kept };
    }
    if (!af && !chosen) chosen = f;
    if (kept.length > 0) {
      // a second address: a pool type that is not dynamic takes no more, else the pool becomes a table
      // (add_opt_table: the first address, then each next), where an IPv4 address with more than 32 bits of mask
      // cannot go (append_addr_host's EINVAL, which pfctl warns of)
      if (opts.multipleRefused) return { af, error: opts.multipleRefused, kept };
      if ((kept.length === 1 && wide[kept[0]!]) || wide[i]) return { af, error: FAILED_TO_ADD_HOST, kept };
    }
    kept.push(i);
  }
  if (kept.length === 0) return { af, error: `af mismatch in ${what} spec`, kept };
  return { af: af ?? chosen, kept };
}

/** pfctl's decide_address_family(): the common family of a host list, if any. */
export function decideAf(hosts: readonly HostAf[], af: PfAddressFamily | undefined): PfAddressFamily | undefined {
  if (af !== undefined || hosts.length === 0 || hosts[0].host === undefined) return af;
  const first = hosts[0].af;
  return hosts.every((h) => h.af === first) ? first : undefined;
}
