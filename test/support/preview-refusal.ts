/**
 * A bad-input program through the real engine: `pulumi preview` of an inline program (Automation API) that must
 * fail; returns everything the engine printed and its error diagnostics, the stack removed after.
 */
import { expect } from "vitest";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { labStack, removeStack } from "./stack";

/** What `pulumi preview` showed: its whole output and the messages of its error diagnostics. */
export interface PreviewRun {
  output: string;
  errors: string[];
}

/** Previews `program` on a fresh stack `stackName` of project `project`; the preview must fail. */
export async function failedPreview(project: string, stackName: string, program: () => Promise<void>, diff: boolean): Promise<PreviewRun> {
  let output = "";
  const errors: string[] = [];
  const stack: Stack = await labStack(project, stackName, program);
  try {
    await expect(
      stack.preview({
        diff,
        color: "never",
        onOutput: (o: string) => void (output += o),
        onError: (e: string) => void (output += e),
        onEvent: (ev: EngineEvent) => {
          if (ev.diagnosticEvent?.severity === "error") errors.push(ev.diagnosticEvent.message);
        },
      } as Parameters<Stack["preview"]>[0]),
    ).rejects.toThrow();
  } finally {
    await removeStack(stack);
  }
  return { output, errors };
}
