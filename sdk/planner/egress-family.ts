/**
 * The family of a point-to-point VPN's peer address against the gateway that sends to it. The egress rules of
 * wg, OpenVPN and tinc (pf-rules.ts egressPeerRules) pass `from EXT to PEER` and `from PEER to (EXT)`: pfctl
 * expands EXT to its addresses of PEER's family, and refuses the rule ("rule expands to no valid combination")
 * when the interface has none — and the gateway could not reach the peer anyway. The planner knows the
 * gateway's egress families from `external.address` and `external.address6`, so it refuses at preview.
 */
import type { GatewaySpec } from "./spec";
import type { PlanIssue } from "./errors";
import { gwLabel } from "./acc";

/**
 * The issue when `peer` (the address `gw` sends to, named by `field`) is of a family `gw` has no external
 * address of; undefined otherwise. `fix` replaces the default advice (an address of the other family, or the
 * gateway's external address of this one).
 */
export function peerFamilyIssue(resources: string[], field: string, peer: string, gw: GatewaySpec, fix?: string): PlanIssue | undefined {
  const six = peer.includes(":");
  const own = six ? gw.external.address6 : gw.external.address;
  if (own) return undefined;
  const v = six ? "IPv6" : "IPv4";
  return {
    resources,
    field,
    value: peer,
    reason: `an ${v} address, and ${gwLabel(gw.name)}, which sends to it from ${gw.external.interface}, has no ${v} external address (its pf rules for the peer would match nothing: pfctl refuses them)`,
    fix: fix ?? (six ? `give an IPv4 address, or the gateway's \`external.address6\`` : `give an IPv6 address, or the gateway's \`external.address\``),
  };
}
