/** Pulumi mocks for component tests: records every resource's inputs; GatewayConfig echoes its inputs as outputs. */
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const recorded: Recorded[] = [];

export async function setupMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "unit",
    "unit",
    false,
  );
}

/** The value of an output (rejects when the output fails). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    (o as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
  });
}
