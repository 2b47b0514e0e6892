/**
 * The two ends of a point-to-point resource (a WireGuard, OpenVPN, ssh or gif tunnel): one rule for "no
 * Gateway has this name" and one for the inner addresses of a routed tunnel, so every resource reports
 * them with the same words. Pure: no I/O.
 */
import { netText, parseNet, type IpNet } from "../model/address/index";
import type { PlanIssue } from "./errors";
import type { IfAddress } from "./spec";

/** One end: the gateway it names and the field that named it (`left.gateway`, `client.gateway`, …). */
export interface EndRef {
  node: string;
  field: string;
}

/**
 * The planner's per-gateway targets of both ends of resource `by`, or undefined after one issue per end
 * whose gateway does not exist.
 */
export function endTargets<T>(by: string, ends: readonly [EndRef, EndRef], accs: ReadonlyMap<string, T>, issues: PlanIssue[]): [T, T] | undefined {
  const found = ends.map((e) => {
    const acc = accs.get(e.node);
    if (!acc) issues.push({ resources: [by], field: e.field, value: e.node, reason: "no Gateway has this name", fix: "pass a Gateway declared in the same program" });
    return acc;
  });
  const [a, b] = found;
  return a !== undefined && b !== undefined ? [a, b] : undefined;
}

/**
 * A subnet for two inner addresses, named after `a`: its own prefix when that leaves room for two hosts (/8–/30,
 * IPv6 /16–/126), else /24 (IPv6 /64) — never the refused value again (a /32 or a /0).
 */
function subnetExample(a: IfAddress, family: number): string {
  const usable = family === 4 ? a.prefix >= 8 && a.prefix <= 30 : a.prefix >= 16 && a.prefix <= 126;
  const p = usable ? a.prefix : family === 4 ? 24 : 64;
  return `\`${a.address}/${p}\` at one end and another address of ${netText(parseNet(`${a.address}/${p}`)!)} at the other`;
}

/**
 * Checks that the inner addresses `a` and `b` of a tunnel's two ends (`sides`, e.g. `left`/`right`) are in
 * one subnet (same family and prefix) and distinct; `sameFix` is the fix when they are equal. Returns the
 * subnet of `a`.
 */
export function innerSubnet(both: string[], sides: readonly [string, string], a: IfAddress, b: IfAddress, issues: PlanIssue[], sameFix = "give each end its own address of the subnet"): IpNet {
  const field = `${sides[0]}.inner, ${sides[1]}.inner`;
  const an = parseNet(`${a.address}/${a.prefix}`)!;
  const bn = parseNet(`${b.address}/${b.prefix}`)!;
  if (an.family !== bn.family || netText(an) !== netText(bn))
    issues.push({ resources: both, field, value: `${a.address}/${a.prefix}, ${b.address}/${b.prefix}`, reason: "the inner addresses are not in the same subnet", fix: `give both ends addresses of one subnet, e.g. ${subnetExample(a, an.family)}` });
  else if (a.address === b.address) issues.push({ resources: both, field, value: a.address, reason: "both ends have the same inner address", fix: sameFix });
  return an;
}
