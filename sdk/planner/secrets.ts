/**
 * The secret flow, in one place (issue 14: "secrets travel as secrets").
 *
 * Decision: a gateway's secret values are listed by *type* — every field of the spec that holds a
 * secret for it ({@link gatewaySecrets}, an exhaustive walk of the spec types) plus the key material the
 * planner derives (the contents of raw key files it marks secret). After rendering, one rule marks the
 * files: **a file holds a secret when its content contains one of those values** ({@link sealSecrets}).
 * Such a file is `secret: true` and mode `0600` (OpenBSD's tools and netstart accept 0600 for every file
 * we write; ipsecctl, iked and sasyncd refuse wider modes for their own files), and the values found in
 * the gateway's files travel to the provider in {@link HostState.secrets}, so the provider can redact
 * them from any error or log line (a tool's stderr can echo a line of ipsec.conf holding a PSK) without
 * ever scraping them back out of text.
 *
 * Pure: no I/O, no randomness.
 */
import type { HostState, ManagedFile } from "../state";
import type { KeyingSpec, LinkIpsecSpec, ManualKeys, Topology } from "./spec";

/**
 * Shortest value the provider redacts from text: shorter strings occur everywhere by chance (a 2-letter
 * carp password would garble every message). Files are marked by every non-empty secret, however short.
 */
export const MIN_REDACTED_LENGTH = 4;

function manualKeyValues(k: ManualKeys): string[] {
  return [k.authkey.leftToRight, k.authkey.rightToLeft, k.enckey.leftToRight, k.enckey.rightToLeft];
}

function keyingValues(k: KeyingSpec): string[] {
  switch (k.kind) {
    case "ike":
      return k.auth.kind === "psk" ? [k.auth.psk] : [];
    case "manual":
      return manualKeyValues(k.keys);
  }
}

function linkValues(k: LinkIpsecSpec): string[] {
  switch (k.kind) {
    case "none":
      return [];
    case "ike":
      return [k.psk];
    case "manual":
      return manualKeyValues(k.keys);
  }
}

/**
 * The secret values declared for one gateway (by name) in a topology: PSKs of its tunnels (tunnel-wide
 * and per-end overrides) and gif links, manual SA keys (given or derived), and for a member of a CARP
 * pair the sasyncd sharedkey and carp passwords (pair-wide and per-member). A tunnel end may be a pair
 * the gateway belongs to. Key seeds are secret too but never reach a file (only what is derived from
 * them does), so they are not listed.
 */
export function gatewaySecrets(t: Topology, gateway: string): string[] {
  const out: string[] = [];
  const pairs = t.pairs.filter((p) => p.members.some((m) => m.gateway === gateway));
  const mine = new Set([gateway, ...pairs.map((p) => p.name)]);
  for (const tun of t.tunnels) {
    if (!mine.has(tun.left.node) && !mine.has(tun.right.node)) continue;
    out.push(...keyingValues(tun.keying));
    for (const e of [tun.left, tun.right]) if (e.psk !== undefined) out.push(e.psk);
  }
  for (const l of t.links) if (mine.has(l.left.node) || mine.has(l.right.node)) out.push(...linkValues(l.ipsec));
  for (const p of pairs) {
    out.push(p.sharedkey);
    for (const s of p.segments) if (s.password !== undefined) out.push(s.password);
    for (const m of p.members) out.push(...Object.values(m.passwords ?? {}));
  }
  return unique(out);
}

/**
 * The redaction forms of a secret value: the value itself and, for a multi-line value (a PEM key), each
 * of its lines long enough to be key material (a tool may echo a single line).
 */
export function secretForms(v: string): string[] {
  const lines = v.includes("\n") ? v.split("\n").map((l) => l.trim()).filter((l) => l.length >= 16 && !l.startsWith("-----")) : [];
  return [v, ...lines];
}

function unique(vs: string[]): string[] {
  return [...new Set(vs.filter((v) => v.length > 0))];
}

/**
 * Marks the files of one gateway's state that hold a secret (`secret: true`, mode `0600`) and records the
 * values found in them (with the derived key material of files already marked secret) in `secrets`,
 * sorted so that the state is stable from one run to the next. Returns a new state.
 */
export function sealSecrets(s: HostState, declared: readonly string[]): HostState {
  const values = [...declared];
  for (const f of Object.values(s.files)) if (f.secret) values.push(f.content.trim());
  const candidates = unique(values);
  const found = new Set<string>();
  const files: Record<string, ManagedFile> = {};
  for (const [path, f] of Object.entries(s.files)) {
    const held = candidates.filter((v) => f.content.includes(v));
    for (const v of held) found.add(v);
    files[path] = held.length > 0 || f.secret ? { ...f, secret: true, mode: "0600" } : f;
  }
  const secrets = [...found].sort();
  const { secrets: _drop, ...rest } = s;
  return { ...rest, files, ...(secrets.length > 0 ? { secrets } : {}) };
}

/** True when some file of the state holds a secret. */
export function holdsSecrets(s: HostState): boolean {
  return Object.values(s.files).some((f) => f.secret === true);
}
