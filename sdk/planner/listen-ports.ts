/**
 * One listener per port on a gateway. isakmpd and iked bind UDP 500 and 4500, a wg interface its `wgport`,
 * OpenVPN its `lport`, tincd its `Port` (TCP and UDP): two of them on one port each render a file the parsers
 * accept, but the second daemon cannot bind (or, for wg, steals the IKE daemon's NAT-T traffic).
 */
import { gwLabel } from "./acc";
import type { PlanIssue } from "./errors";
import type { GatewaySpec, IkeDaemon } from "./spec";

/** What a claim needs of a gateway's accumulator (planner/acc.ts Acc). */
export interface PortTarget {
  gw: GatewaySpec;
  /** The IKE daemons the gateway runs, with the first resource that needs each. */
  daemons?: Map<IkeDaemon, string>;
}

/** The holder of each `proto/port`, per gateway. */
const claims = new WeakMap<PortTarget, Map<string, string>>();

/** The IKE daemon's ports (ISAKMP and NAT-T), bound by isakmpd and iked alike. */
const IKE_PORTS = [500, 4500];

/**
 * Claims `proto` `port` on `acc`'s gateway for `by` (a resource label); records the issue (naming `field`) and
 * returns false when another listener already has it. The IKE daemon's ports count as taken once a tunnel or
 * link of the gateway runs one (tunnels are planned before the other VPNs).
 */
export function claimPort(acc: PortTarget, proto: "udp" | "tcp", port: number, by: string, field: string, issues: PlanIssue[]): boolean {
  let m = claims.get(acc);
  if (!m) claims.set(acc, (m = new Map()));
  for (const [d, user] of acc.daemons ?? []) for (const p of IKE_PORTS) if (!m.has(`udp/${p}`)) m.set(`udp/${p}`, `${d} (for ${user})`);
  const key = `${proto}/${port}`;
  const other = m.get(key);
  if (other !== undefined && other !== by) {
    issues.push({
      resources: [by, gwLabel(acc.gw.name)],
      field,
      value: String(port),
      reason: `${other} already listens on ${proto.toUpperCase()} ${port} on ${gwLabel(acc.gw.name)}: the second daemon could not bind it`,
      fix: "give this end another port",
    });
    return false;
  }
  m.set(key, by);
  return true;
}
