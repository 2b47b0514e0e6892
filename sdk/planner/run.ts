import type { HostState } from "../state";
import { planTopology, type PlanOptions } from "./plan";
import { renderGateway } from "./render";
import { redactError, secretsByGateway, sealSecrets } from "./secrets";
import type { Topology } from "./spec";

/**
 * Plans and renders a whole topology: HostState per gateway, plus the apply-order constraints. An error
 * leaves with every secret value of the topology masked (secrets.ts redactError).
 */
export function planAndRender(t: Topology, opts: PlanOptions): { states: Record<string, HostState>; dependsOn: Record<string, string[]> } {
  try {
    return planAndRenderUnsafe(t, opts);
  } catch (e) {
    throw redactError(e, t);
  }
}

function planAndRenderUnsafe(t: Topology, opts: PlanOptions): { states: Record<string, HostState>; dependsOn: Record<string, string[]> } {
  const plan = planTopology(t, opts);
  const secrets = secretsByGateway(t);
  const states: Record<string, HostState> = {};
  // render gateway by gateway and drop its typed documents at once: a large mesh keeps only the text alive
  for (const name of Object.keys(plan.gateways)) {
    states[name] = sealSecrets(renderGateway(plan.gateways[name]!), secrets.get(name) ?? []);
    delete plan.gateways[name];
  }
  return { states, dependsOn: plan.dependsOn };
}
