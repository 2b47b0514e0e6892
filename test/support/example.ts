/**
 * Runs one example program (examples/NN-*) as a stack through the real engine. Today the program is
 * the folder's `index.ts` default export, run inline by the Automation API; when the examples become
 * project folders run through the CLI, only this helper changes (LocalWorkspace with `workDir`).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { labStack } from "./stack";

/** A stack of project `project` running `examples/<example>` with the given stack config. */
export async function exampleStack(example: string, project: string, stackName: string, config: Record<string, { value: string; secret?: boolean }>): Promise<Stack> {
  const mod = (await import(`../../examples/${example}/index.ts`)) as { default: () => Promise<Record<string, unknown>> };
  return labStack(project, stackName, mod.default, config);
}
