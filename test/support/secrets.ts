/**
 * What a user would notice about secrets after a `pulumi up`: `pulumi stack export` (without
 * `--show-secrets`) and the engine's output at default verbosity must not hold any secret in plaintext.
 *
 * The secrets looked for are the ones the test knows (the stack's secret config: PSK, sasyncd sharedkey,
 * carp password, manual keys, SSH private key, each with the line forms of a PEM key) plus every
 * string the engine itself holds as a secret (`stack export --show-secrets`: file contents, the `secrets`
 * list, private keys, derived key material), so a value derived from a secret is looked for too.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { readdirSync, readFileSync, type Dirent } from "node:fs";
import * as path from "node:path";
import { ROOT } from "./env";

const SIG = "4dabf18193072939515e22adb298388d";

/** `pulumi stack export` as a user runs it: secrets stay ciphertext. */
export async function exportWithoutSecrets(stack: Stack): Promise<string> {
  const ws = stack.workspace as unknown as { runPulumiCmd(args: string[]): Promise<{ stdout: string }> };
  return (await ws.runPulumiCmd(["stack", "export", "--stack", stack.name])).stdout;
}

/** Every string value the engine stores as a secret (strings and lists of strings; objects are looked into). */
export async function engineSecrets(stack: Stack): Promise<string[]> {
  const out: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object") Object.values(v).forEach(collect);
  };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (SIG in o && typeof o.plaintext === "string") {
      const inner: unknown = JSON.parse(o.plaintext);
      // a secret object (a connection) holds public parts too (host, user, host key): only its key material counts
      if (typeof inner === "string" || Array.isArray(inner)) collect(inner);
      else if (inner && typeof inner === "object" && typeof (inner as { privateKey?: unknown }).privateKey === "string") out.push((inner as { privateKey: string }).privateKey);
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(await stack.exportStack());
  return out;
}

/** A secret and its PEM body lines (a tool or a log may show one line). */
export function forms(secret: string): string[] {
  const lines = secret.split("\n").map((l) => l.trim()).filter((l) => l.length >= 16 && !l.startsWith("-----"));
  return [secret.trim(), ...lines].filter((s) => s.length >= 8);
}

/** The secrets (by label) found in `text`, each shown only by its label and where it was found. */
export function leaks(where: string, text: string, secrets: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [label, s] of Object.entries(secrets))
    for (const f of forms(s)) {
      const i = text.indexOf(f);
      if (i >= 0) {
        const around = text.slice(Math.max(0, i - 120), i).replace(/\s+/g, " ");
        out.push(`${where}: ${label} in plaintext after …${around}`);
        break;
      }
    }
  return out;
}

/**
 * Every file of one stack of `project` in the tests' local backend (checkpoint, history, backups). The backend is
 * shared with the tests running beside this one: their stacks' files (a checkpoint's `.tmp`, a removed stack's folder)
 * may vanish while it is walked, so entries are typed by readdir (no stat of a file that is gone) and a folder that
 * vanished is skipped.
 */
export function backendFiles(project: string, stackName: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.includes(`${path.sep}${project}${path.sep}`) && p.includes(stackName)) out.push(p);
    }
  };
  walk(path.join(ROOT, ".state", "backend", ".pulumi"));
  return out;
}

/**
 * The secrets (by label) a user would find in plaintext after an operation: in `pulumi stack export`, in the engine's
 * output (`transcript`) and in the stack's files in the backend.
 */
export async function plaintextLeaks(where: string, stack: Stack, project: string, transcript: readonly string[], secrets: Record<string, string>): Promise<string[]> {
  const found = [...leaks(`${where}: stack export`, await exportWithoutSecrets(stack), secrets), ...leaks(`${where}: engine output`, transcript.join("\n"), secrets)];
  for (const f of backendFiles(project, stack.name)) found.push(...leaks(`${where}: ${path.relative(ROOT, f)}`, readFileSync(f, "utf8"), secrets));
  return found;
}
