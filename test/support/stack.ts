/**
 * Runs Pulumi programs through the real engine (the CLI built by `npm run engine`) with the
 * Automation API. Programs are inline: the Node Automation API serves the language runtime
 * in-process, so the engine needs no `pulumi-language-nodejs` binary (see README, "The engine").
 */
import { LocalWorkspace, PulumiCommand, StackAlreadyExistsError, type Stack, type PulumiFn, type InlineProgramArgs, type LocalProgramArgs, type LocalWorkspaceOptions } from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { engineEnv, PLUGINS, ROOT } from "./env";
import { leanStack } from "./lean-stack";

let command: Promise<PulumiCommand> | undefined;

/** The CLI in .tools/bin; one per test process (`PulumiCommand.get` runs `pulumi version` each time). */
export function pulumiCommand(): Promise<PulumiCommand> {
  const bin = path.join(ROOT, ".tools", "bin", "pulumi");
  if (!existsSync(bin)) return Promise.reject(new Error(`the Pulumi engine is missing at ${bin}: run \`npm run engine\` first`));
  command ??= PulumiCommand.get({ root: path.join(ROOT, ".tools"), skipVersionCheck: true });
  return command;
}

/**
 * `pulumi stack init`, or `pulumi stack select` when the stack exists (a run interrupted before its cleanup). The
 * tests' stack names are fresh: the Automation API's createOrSelectStack would first run a `stack select` that fails
 * (one CLI process more, 0.1 s of CPU, for every stack).
 */
export async function createStack(args: InlineProgramArgs | LocalProgramArgs, opts: LocalWorkspaceOptions): Promise<Stack> {
  // (the two arms are the two overloads, one per kind of program)
  try {
    return await ("program" in args ? LocalWorkspace.createStack(args, opts) : LocalWorkspace.createStack(args, opts));
  } catch (e) {
    if (!(e instanceof StackAlreadyExistsError)) throw e;
    return "program" in args ? LocalWorkspace.selectStack(args, opts) : LocalWorkspace.selectStack(args, opts);
  }
}

/**
 * Creates (or selects) a stack in the local file backend; `project` names the Pulumi project. Its up, refresh and
 * destroy run one CLI process each (./lean-stack.ts) unless `stock` (the bench: what Automation API users pay).
 */
export async function labStack(project: string, stackName: string, program: PulumiFn, config: Record<string, { value: string; secret?: boolean }> = {}, stock = false): Promise<Stack> {
  const env = engineEnv();
  const stack = await createStack(
    { projectName: project, stackName, program },
    {
      pulumiCommand: await pulumiCommand(),
      envVars: env,
      pulumiHome: env.PULUMI_HOME,
      secretsProvider: "passphrase",
      projectSettings: { name: project, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL }, plugins: PLUGINS } as any,
    },
  );
  // one `pulumi config set-all` (each CLI call costs an engine start)
  if (Object.keys(config).length) await stack.setAllConfig(config);
  return stock ? stack : leanStack(stack);
}

/** A test's end: destroys what the stack still holds (a failure there is not the test's), then removes the stack. */
export async function destroyAndRemove(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.destroy().catch(() => undefined);
  await removeStack(stack);
}

/**
 * Removes a stack and everything it holds (after destroy), ignoring a missing one; and the folder the Automation API
 * made for an inline program (`$TMPDIR/automation-XXXXXX`, which the SDK never removes).
 */
export async function removeStack(stack: Stack): Promise<void> {
  try {
    await stack.workspace.removeStack(stack.name, { force: true });
  } catch {
    /* already gone */
  }
  const dir = (stack.workspace as { workDir?: string }).workDir;
  if (dir && path.dirname(dir) === tmpdir() && path.basename(dir).startsWith("automation-")) rmSync(dir, { recursive: true, force: true });
}
