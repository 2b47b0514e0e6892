/**
 * One user per tun(4) device on a gateway. An SshTunnel end (`ssh -w`, /etc/hostname.tunN), an OpenVpnTunnel
 * end (`dev tunN`) and a TincNetwork member (tincd opens tun0) each open their device exclusively, and a
 * hostname.tunN another resource writes (a Gateway's extra interface) would configure it under them: two users
 * of one device each render a file the parsers accept, but only one of them gets the device on the host.
 */
import { gwLabel } from "./acc";
import type { GatewaySpec } from "./spec";
import type { IfLine } from "./docs";
import type { PlanIssue } from "./errors";

/** What a claim needs of a gateway's accumulator (planner/acc.ts Acc). */
export interface TunTarget {
  gw: GatewaySpec;
  hostnames: Map<string, IfLine[]>;
}

/** The resource that claimed each tun device, per gateway. */
const claims = new WeakMap<TunTarget, Map<string, string>>();

/**
 * Claims `dev` on `acc`'s gateway for `by` (a resource label); records the issue and returns false when another
 * resource already uses it. `field` names the claiming end's field, `fix` overrides the advice.
 */
export function claimTun(acc: TunTarget, dev: string, by: string, field: string, issues: PlanIssue[], fix?: string): boolean {
  let m = claims.get(acc);
  if (!m) claims.set(acc, (m = new Map()));
  const other = m.get(dev);
  if (other === by) return true;
  if (other !== undefined || acc.hostnames.has(dev)) {
    const free = freeUnit(acc, m);
    issues.push({
      resources: [by, gwLabel(acc.gw.name), ...(other !== undefined ? [other] : [])],
      field,
      value: dev,
      reason: other !== undefined ? `${other} already uses ${dev} on ${gwLabel(acc.gw.name)} (a tun device has one user)` : `another resource already writes /etc/hostname.${dev} on ${gwLabel(acc.gw.name)}`,
      fix: fix ?? `give this end another tun unit, e.g. \`${free}\``,
    });
    return false;
  }
  m.set(dev, by);
  return true;
}

/** The first tun device of the gateway nobody claims nor writes a hostname.if for. */
function freeUnit(acc: TunTarget, m: Map<string, string>): string {
  for (let n = 0; ; n++) if (!m.has(`tun${n}`) && !acc.hostnames.has(`tun${n}`)) return `tun${n}`;
}
