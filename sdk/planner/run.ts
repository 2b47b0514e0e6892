import type { HostState } from "../state";
import { planTopology, type PlanOptions } from "./plan";
import { renderGateway } from "./render";
import type { Topology } from "./spec";

/** Plans and renders a whole topology: HostState per gateway, plus the apply-order constraints. */
export function planAndRender(t: Topology, opts: PlanOptions): { states: Record<string, HostState>; dependsOn: Record<string, string[]> } {
  const plan = planTopology(t, opts);
  const states: Record<string, HostState> = {};
  for (const [name, docs] of Object.entries(plan.gateways)) states[name] = renderGateway(docs);
  return { states, dependsOn: plan.dependsOn };
}
