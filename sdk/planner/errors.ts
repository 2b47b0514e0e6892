/**
 * Errors of the planner: every problem found in the declared topology, all reported at once, each naming
 * the resources involved, the field, the value, why it is wrong and the fix. Secret values never appear:
 * PSKs and keys are shown as keyed fingerprints (`fp:…`).
 */
import { shown, shownLabel, visible } from "../model/tokens/refusal";

/** One problem of the declared topology. */
export interface PlanIssue {
  /** The resources involved, e.g. `SiteToSiteTunnel "net1-net2"`, `Gateway "gw2"`. */
  resources: string[];
  /** The field(s), dotted, e.g. `left.peer`. */
  field: string;
  /** The offending value, printable (never a secret). */
  value: string;
  /** Why it is wrong. */
  reason: string;
  /** What to do about it. */
  fix: string;
}

/** `A, B: field = value: reason; fix` (the value escaped for a terminal: `\n`, `\u202e`). */
export function formatIssue(i: PlanIssue): string {
  // each resource once (a check between two items of one resource names it for both)
  return `${[...new Set(i.resources)].map(shownLabel).join(", ")}: ${visible(i.field)} = ${shown(i.value, 200)}: ${visible(i.reason)}; ${i.fix}`;
}

/** Thrown by {@link planTopology} when the topology has problems; `issues` lists them all. */
export class PlanError extends Error {
  constructor(readonly issues: PlanIssue[]) {
    super(
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${issues.length} problems in the declared topology:\n${issues.map((i) => `- ${formatIssue(i)}`).join("\n")}`,
    );
    this.name = "PlanError";
  }
}
