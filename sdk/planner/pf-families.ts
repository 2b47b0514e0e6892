/**
 * The address families of a gateway's interfaces in its pf rules: whether pfctl accepts a rule that names an
 * interface or group (`egress`, `em1`, `egress:network`, `nat-to egress`) depends on the addresses that
 * interface has on the host. The planner knows the ones the Gateway declares, so a rule pfctl would refuse
 * there (`proto icmp doesn't match address family inet6`, `rule expands to no valid combination`,
 * `translation spec contains addresses with different address families`) is refused at preview, not by the
 * commit's `pfctl -nf` at `up`.
 *
 * Declared interfaces: the external one (also the group `egress`: it holds the default route), the internal
 * ones with an address, the extra interfaces, every other interface the program writes a hostname.if for (CARP
 * segments, gif/gre links, wg and tun inner addresses: complete once the VPNs are planned), and `lo0`
 * (127.0.0.1 and ::1 on every OpenBSD host). An interface written to /etc/hostname.IF by this program has
 * exactly its declared addresses; one left as installed (`configure: false`) has them and maybe addresses of
 * the other family, so a rule is refused only when pfctl refuses it with or without them. Any other name
 * (an undeclared interface, a driver group such as `em`, `self`, `:peer`) is not checked: never refuse what
 * might be valid.
 */
import { addressFamily as fam } from "../model/pf/address";
import { expandStatement } from "../model/pf/expand";
import { isExpandWarning } from "../model/pf/consistent";
import { formatStatementForFile } from "../model/pf/render";
import type { PfAddressFamily, PfHost, PfInterface, PfRule } from "../model/pf/types";
import type { Acc } from "./acc";
import type { PlanIssue } from "./errors";

/** An interface the gateway declares: its addresses, and the families it may have besides them. */
interface Declared extends PfInterface {
  /** Families of addresses the host may hold on it too (left as installed: `configure: false`). */
  maybe: PfAddressFamily[];
}

/** The interfaces `acc`'s gateway declares, as pfctl would see them on the host. */
export function declaredInterfaces(acc: Acc): Declared[] {
  const gw = acc.gw;
  const out = new Map<string, Declared>();
  const unknown = new Set<string>();
  const incomplete = new Set<string>();
  const add = (name: string, addrs: string[], complete: boolean, groups: string[] = []) => {
    const d = out.get(name) ?? { name, addresses: [], groups: [], maybe: [] };
    d.addresses.push(...addrs);
    d.groups.push(...groups.filter((g) => !d.groups.includes(g)));
    if (!complete) incomplete.add(name);
    out.set(name, d);
  };
  const ext = gw.external;
  const extAddrs = [ext.address, ext.address6].flatMap((a) => (a ? [`${a.address}/${a.prefix}`] : []));
  add(ext.interface, extAddrs, ext.configure, ["egress"]);
  for (const i of gw.internal) {
    if (!i.address) unknown.add(i.interface);
    else add(i.interface, [`${i.address.address}/${i.address.prefix}`], i.configure);
  }
  for (const x of gw.extraInterfaces) add(x.interface, x.addresses.map((a) => `${a.address}/${a.prefix}`), true);
  // every other /etc/hostname.IF the program writes (CARP segments, gif/gre, wg, tun inner addresses): exactly its addresses
  for (const [name, lines] of acc.hostnames) {
    if (out.has(name) || unknown.has(name)) continue;
    add(name, lines.flatMap((l) => (l.kind === "inet" || l.kind === "inet6" ? [`${l.address}/${l.prefix}`] : [])), true);
  }
  if (!out.has("lo0")) add("lo0", ["127.0.0.1/8", "::1/128"], true);
  // an interface left as installed may also hold addresses of the families none of its declared ones has
  for (const n of incomplete) {
    const d = out.get(n)!;
    d.maybe = (["inet", "inet6"] as const).filter((f) => !d.addresses.some((a) => fam(a) === f));
  }
  for (const u of unknown) out.delete(u);
  return [...out.values()];
}

/** Placeholder addresses for a family an interface left as installed may have. */
const PLACEHOLDER: Record<PfAddressFamily, string> = { inet: "198.51.100.254/24", inet6: "2001:db8:ffff::fe/64" };

/** pfctl's errors expanding `rule` on these interfaces (its warnings are not refusals). */
function refusals(rule: PfRule, interfaces: PfInterface[]): string[] {
  return expandStatement(rule, { interfaces, partial: true }).errors.filter((e) => !isExpandWarning(e));
}

/** At most this many interfaces of uncertain families are tried in every combination (2^N expansions). */
const MAX_UNCERTAIN = 4;

/**
 * pfctl's complaints about `rule` on the host with the declared interfaces, or undefined when pfctl accepts it
 * there (or might: with an interface left as installed holding another family too).
 */
export function familyRefusal(rule: PfRule, ifs: readonly Declared[]): string[] | undefined {
  const plain = ifs.map(({ name, addresses, groups }) => ({ name, addresses, groups }));
  const first = refusals(rule, plain);
  if (first.length === 0) return undefined;
  // only the interfaces the rule names (directly or through a group) change its expansion
  const named = new Set(namedList(rule, ifs).flatMap((n) => n.members.map((m) => m.name)));
  const uncertain = ifs.flatMap((d, k) => (named.has(d.name) ? d.maybe.map((f) => ({ k, f })) : []));
  if (uncertain.length > MAX_UNCERTAIN) return undefined;
  for (let mask = 1; mask < 1 << uncertain.length; mask++) {
    const variant = plain.map((i) => ({ ...i, addresses: [...i.addresses] }));
    uncertain.forEach((u, b) => {
      if (mask & (1 << b)) variant[u.k]!.addresses.push(PLACEHOLDER[u.f]);
    });
    if (refusals(rule, variant).length === 0) return undefined;
  }
  return first;
}

/** The fix for pfctl's first complaint; `names` the interfaces and groups the rule names, `has` their families. */
function fixFor(errors: readonly string[], names: string, has: ReadonlySet<PfAddressFamily>): string {
  const e = errors[0] ?? "";
  if (e === "proto icmp doesn't match address family inet6")
    return has.has("inet") ? `add \`inet\` to the rule (it then matches the IPv4 addresses of ${names} only), or write a second rule with \`inet6 proto icmp6\` for IPv6` : `write \`proto icmp6\` (${names} has IPv6 addresses only), or declare its IPv4 address on the Gateway`;
  if (e === "proto icmp6 doesn't match address family inet")
    return has.has("inet6") ? `add \`inet6\` to the rule (it then matches the IPv6 addresses of ${names} only), or write a second rule with \`inet proto icmp\` for IPv4` : `write \`proto icmp\` (${names} has IPv4 addresses only), or declare its IPv6 address on the Gateway`;
  if (/spec contains addresses with different address families/.test(e)) return `add \`inet\` or \`inet6\` to the rule (pfctl then uses the addresses of that family only), or name one address`;
  if (/^af mismatch in/.test(e)) return "translate to an address of the rule's address family, or change the rule's `inet`/`inet6`";
  if (/does not support scrub options/.test(e)) return "add `inet` to the rule (no-df and random-id are IPv4 options)";
  if (/^no IP address found/.test(e)) return `name an address ${names} has on this gateway (\`:broadcast\` needs an IPv4 address), or declare it on the Gateway`;
  if (e === "rule expands to no valid combination") return `use addresses of one family on both sides: change or remove the rule's \`inet\`/\`inet6\`, or declare the address of that family on ${names} (Gateway \`external.address6\`, …)`;
  return `change the rule so that pfctl accepts it with the addresses of ${names}`;
}

/** The declared interfaces and groups a rule names. */
function namedList(rule: PfRule, ifs: readonly Declared[]): { name: string; members: Declared[] }[] {
  const hosts = ruleHosts(rule);
  const names = new Set<string>();
  for (const h of hosts) if (h && (h.kind === "interface" || h.kind === "dynamic")) names.add(h.name);
  return [...names].map((name) => ({ name, members: ifs.filter((i) => i.name === name || i.groups.includes(name)) })).filter((n) => n.members.length > 0);
}

/** `em1 (203.0.113.1/24, 2001:db8::1/64)` for each declared interface or group the rule names. */
function namedInterfaces(rule: PfRule, ifs: readonly Declared[]): string {
  const names = new Set<string>();
  for (const h of ruleHosts(rule)) if (h && (h.kind === "interface" || h.kind === "dynamic")) names.add(h.name);
  const parts: string[] = [];
  for (const n of names) {
    const members = ifs.filter((i) => i.name === n || i.groups.includes(n));
    if (members.length === 0) continue;
    const desc = members.map((m) => `${m.name} ${m.addresses.length ? m.addresses.join(", ") : "no address"}`).join("; ");
    parts.push(members.length === 1 && members[0]!.name === n ? `${n} (${desc.slice(n.length + 1)})` : `${n} (${desc})`);
  }
  return parts.join(" and ") || "the gateway's interfaces";
}

/**
 * Checks a gateway's pf rules (an anchor's, or a tunnel end's) against the address families of the
 * interfaces the gateway declares: one issue per rule pfctl would refuse there.
 */
export function checkRuleFamilies(acc: Acc, rules: readonly PfRule[], resources: string[], fieldOf: (i: number) => string, issues: PlanIssue[]): void {
  if (!rules.some(namesInterface)) return;
  const ifs = declaredInterfaces(acc);
  rules.forEach((r, i) => {
    if (!namesInterface(r)) return;
    const errs = familyRefusal(r, ifs);
    if (!errs) return;
    const reasons = [...new Set(errs.filter((e) => e !== "skipping rule due to errors"))];
    const named = namedList(r, ifs);
    const has = new Set(named.flatMap((n) => n.members.flatMap((m) => m.addresses.map(fam))));
    issues.push({
      resources, field: fieldOf(i), value: formatStatementForFile(r),
      reason: `pfctl refuses it on this gateway, where ${namedInterfaces(r, ifs)}: ${reasons.join("; ")}`,
      fix: fixFor(reasons, named.map((n) => n.name).join(" and ") || "its interfaces", has),
    });
  });
}

/** True when a rule names an interface or group (the only rules whose validity depends on the host). */
function namesInterface(r: PfRule): boolean {
  return ruleHosts(r).some((h) => h?.kind === "interface" || h?.kind === "dynamic");
}

/** Every address a rule names: from, to, and its translation and route pools. */
function ruleHosts(r: PfRule): (PfHost | undefined)[] {
  if (r.kind !== "filter") return [...r.from.hosts, ...r.to.hosts];
  return [...r.from.hosts, ...r.to.hosts, r.natTo, r.rdrTo?.host, r.route?.host, r.binatTo, ...(r.pool?.list ?? []), r.afTo?.from, r.afTo?.to?.host, ...(r.afTo?.to?.list ?? [])];
}
