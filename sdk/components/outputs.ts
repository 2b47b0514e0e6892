/**
 * How a planned gateway state leaves the program: every value derived from a secret is a Pulumi secret.
 *
 * The planner runs on un-secreted inputs (it must read PSKs to compare their fingerprints and render
 * them), so its result is plain data. That result is never handed to Pulumi as it is: it crosses into
 * Pulumi only through this module, which re-wraps, per file, the content of every file that holds a
 * secret (`secret: true`, decided by sdk/planner/secrets.ts) and the list of secret values, so that a
 * `pulumi stack export` shows pf.conf and hostname.em0 readable and ipsec.conf as ciphertext.
 */
import * as pulumi from "@pulumi/pulumi";
import { holdsSecrets } from "../planner/secrets";
import type { HostStateInput } from "../resources/gateway-config";
import type { HostState, ManagedFile } from "../state";

/** A file a Gateway installs, as exposed by {@link Gateway.files}. */
export interface GatewayFile {
  /** The rendered content; a Pulumi secret when the file holds a secret (PSK, sharedkey, carp password, keys). */
  content: pulumi.Output<string>;
  /** Octal mode, e.g. `0600` (every file holding a secret is 0600). */
  mode: string;
  /** Owner (root). */
  owner: string;
  /** Group (wheel). */
  group: string;
  /** True when the content holds a secret (and `content` is a Pulumi secret). */
  secret: boolean;
}

/** The content of one file: a secret Output when the file holds a secret, a plain Output otherwise. */
function content(f: ManagedFile): pulumi.Output<string> {
  return f.secret ? pulumi.secret(f.content) : pulumi.output(f.content);
}

/** Each file of a state, its content a secret where the file holds one. */
export function publishFiles(s: HostState): Record<string, GatewayFile> {
  const out: Record<string, GatewayFile> = {};
  for (const [path, f] of Object.entries(s.files)) out[path] = { content: content(f), mode: f.mode, owner: f.owner, group: f.group, secret: f.secret === true };
  return out;
}

/**
 * The state as the GatewayConfig input and the Gateway's registered output: the same data, with the
 * content of each file holding a secret, and the `secrets` list, as Pulumi secrets of their own.
 */
export function publishState(s: HostState): HostStateInput {
  const files: HostStateInput["files"] = {};
  for (const [path, f] of Object.entries(s.files)) files[path] = { ...f, content: content(f) };
  const { secrets, ...rest } = s;
  return { ...rest, files, ...(secrets ? { secrets: pulumi.secret(secrets) } : {}) };
}

/** The whole state as one value: a Pulumi secret when any of its files holds a secret. */
export function wholeState(s: HostState): pulumi.Output<HostState> {
  return holdsSecrets(s) || s.secrets ? pulumi.secret(s) : pulumi.output(s);
}
