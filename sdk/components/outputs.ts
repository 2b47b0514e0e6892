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
import { holdsSecrets, occurring } from "../planner/secrets";
import { SecretFinder } from "../planner/secret-finder";
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
  /** True when `content` is a Pulumi secret: the file holds a secret, or it is ipsec.conf, iked.conf or sasyncd.conf. */
  secret: boolean;
}

/**
 * Whether a file's content is a Pulumi secret: it holds one, or it is a keying daemon's configuration
 * (ipsec.conf, iked.conf, sasyncd.conf), which the provider always stores encrypted
 * (providers/resources/gateway-config.ts `isSecretFile`) — one rule on both sides, so a file without a key
 * today (public-key or certificate authentication) is never plaintext here and ciphertext there.
 */
function isSecretFile(f: ManagedFile): boolean {
  return !!f.secret || f.check === "ipsec" || f.check === "iked" || f.check === "sasyncd";
}

/** The content of one file: a secret Output when the file holds a secret, a plain Output otherwise. */
function content(f: ManagedFile): pulumi.Output<string> {
  return isSecretFile(f) ? pulumi.secret(f.content) : pulumi.output(f.content);
}

/** Each file of a state, its content a secret where the file holds one. */
export function publishFiles(s: HostState): Record<string, GatewayFile> {
  const out: Record<string, GatewayFile> = {};
  for (const [path, f] of Object.entries(s.files)) out[path] = { content: content(f), mode: f.mode, owner: f.owner, group: f.group, secret: isSecretFile(f) };
  return out;
}

/**
 * The state as the GatewayConfig input and the Gateway's registered output: the same data, with the
 * content of each file holding a secret, the `secrets` list, and each other value holding one of the values the user
 * marked secret (`marked`, planner/marked-forms.ts), as Pulumi secrets of their own.
 */
export function publishState(s: HostState, marked: readonly string[] = []): HostStateInput {
  const files: HostStateInput["files"] = {};
  for (const [path, f] of Object.entries(s.files)) files[path] = { ...f, content: content(f) };
  const { secrets, files: _files, ...rest } = s;
  // beyond the files, a value holding one the user marked secret (a sysctl value, daemon flags) is a secret too
  const held = marked.filter((m) => secrets?.includes(m));
  const others = held.length ? (secretLeaves(rest, new SecretFinder(held)) as typeof rest) : rest;
  return { ...others, files, ...(secrets ? { secrets: pulumi.secret(secrets) } : {}) };
}

/** `v` with each string that holds one of the finder's values (exact substrings) as a Pulumi secret of its own. */
function secretLeaves(v: unknown, finder: SecretFinder): unknown {
  if (typeof v === "string") return finder.in(v).length > 0 ? pulumi.secret(v) : v;
  if (Array.isArray(v)) return v.map((x) => secretLeaves(x, finder));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretLeaves(x, finder)]));
  return v;
}

/**
 * A value derived from the plan (a tunnel's identities), as a Pulumi secret when it holds a value the user marked
 * secret (`marked`, planner/marked-forms.ts), plain otherwise.
 */
export function publishMarked<T>(v: T, marked: readonly string[]): pulumi.Output<T> {
  const held = marked.length > 0 && occurring(JSON.stringify(v), marked.map((m) => JSON.stringify(m).slice(1, -1))).length > 0;
  return (held ? pulumi.secret(v) : pulumi.output(v)) as unknown as pulumi.Output<T>;
}

/** The whole state as one value: a Pulumi secret when any of its files holds a secret. */
export function wholeState(s: HostState): pulumi.Output<HostState> {
  return holdsSecrets(s) || s.secrets ? pulumi.secret(s) : pulumi.output(s);
}
