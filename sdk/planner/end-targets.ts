/**
 * The gateways the two ends of a point-to-point resource name (a WireGuard, OpenVPN, ssh or gif tunnel):
 * one rule for "no Gateway has this name", so every resource reports an unknown gateway the same way.
 * Pure: no I/O.
 */
import type { PlanIssue } from "./errors";

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
