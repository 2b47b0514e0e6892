/**
 * The secret flow, in one place (issue 14: "secrets travel as secrets").
 *
 * Decision: a gateway's secret values are listed by *type* — every field of the spec that holds a
 * secret for it ({@link secretsByGateway}, an exhaustive walk of the spec types) plus the key material the
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
import { tincMemberKeys } from "./tinc";
import { openVpnKeyOf } from "./openvpn";
import { wireGuardEndKeys } from "./wireguard";
import { sshTunnelClientKeys } from "./ssh-tunnel";
import type { LinkSpec, ManualKeysSpec, Topology, TunnelSpec } from "./spec";
import { resolveManualKeys } from "./manual-keys";
import { SecretFinder } from "./secret-finder";
import { MIN_REDACTED_LENGTH, secretForms } from "./secret-forms";
import { markedForms } from "./marked-forms";

export { MIN_REDACTED_LENGTH, secretForms } from "./secret-forms";

/** Key seeds of the gateways behind a node (a pair: its first member, as the planner derives manual keys). */
type SeedOf = (node: string) => string | undefined;

/** The keys of a manually keyed link as the planner resolves them (manual-keys.ts); only the given ones when a seed is unknown. */
function manualKeyValues(name: string, given: ManualKeysSpec, left: string, right: string, seedOf: SeedOf): string[] {
  const ls = seedOf(left);
  const rs = seedOf(right);
  const k = ls !== undefined && rs !== undefined ? resolveManualKeys(name, given, ls, rs) : given;
  return [k.authkey?.leftToRight, k.authkey?.rightToLeft, k.enckey?.leftToRight, k.enckey?.rightToLeft].filter((v): v is string => v !== undefined);
}

function keyingValues(tun: TunnelSpec, seedOf: SeedOf): string[] {
  const k = tun.keying;
  switch (k.kind) {
    case "ike":
      return k.auth.kind === "psk" ? [k.auth.psk] : [];
    case "manual":
      return manualKeyValues(tun.name, k.keys, tun.left.node, tun.right.node, seedOf);
  }
}

function linkValues(l: LinkSpec, seedOf: SeedOf): string[] {
  const k = l.ipsec;
  switch (k.kind) {
    case "none":
      return [];
    case "ike":
      return [k.psk];
    case "manual":
      return manualKeyValues(l.name, k.keys, l.left.node, l.right.node, seedOf);
  }
}

/**
 * The secret values declared for each gateway of a topology, by gateway name: PSKs of its tunnels
 * (tunnel-wide and per-end overrides) and gif links, manual SA keys (given or derived), and for a member
 * of a CARP pair the sasyncd sharedkey and carp passwords (pair-wide and per-member). A tunnel end may
 * be a pair: its values go to both members. Key seeds are secret too but never reach a file (only what
 * is derived from them does), so they are not listed. One pass over the topology.
 */
export function secretsByGateway(t: Topology): Map<string, string[]> {
  const out = new Map<string, string[]>(t.gateways.map((g) => [g.name, []]));
  const members = new Map<string, string[]>(t.pairs.map((p) => [p.name, p.members.map((m) => m.gateway)]));
  const add = (node: string, values: string[]) => {
    for (const g of members.get(node) ?? [node]) out.get(g)?.push(...values);
  };
  const seed = new Map(t.gateways.map((g) => [g.name, g.keySeed]));
  const seedOf: SeedOf = (node) => seed.get(members.get(node)?.[0] ?? node);
  for (const tun of t.tunnels) {
    const values = [...keyingValues(tun, seedOf), ...[tun.left, tun.right].flatMap((e) => (e.psk !== undefined ? [e.psk] : []))];
    add(tun.left.node, values);
    if (tun.right.node !== tun.left.node) add(tun.right.node, values);
  }
  for (const l of t.links) {
    const values = linkValues(l, seedOf);
    add(l.left.node, values);
    if (l.right.node !== l.left.node) add(l.right.node, values);
  }
  // keys the planner derives from a gateway's seed are listed as the planner derives them (one rule each)
  for (const n of t.tinc ?? []) for (const m of n.members) if (seed.has(m.node)) add(m.node, [tincMemberKeys(m, n.netname, seed.get(m.node)!).privateKey]);
  for (const o of t.openvpn ?? []) if (seed.has(o.left.node)) for (const e of [o.left, o.right]) add(e.node, [openVpnKeyOf(o, seed.get(o.left.node)!)]);
  for (const w of t.wireguard ?? []) for (const e of [w.left, w.right]) if (seed.has(e.node)) add(e.node, [wireGuardEndKeys(e, seed.get(e.node)!).privateKey, ...(w.psk !== undefined ? [w.psk] : [])]);
  for (const s of t.sshTunnels ?? []) if (seed.has(s.client.node)) add(s.client.node, [sshTunnelClientKeys(s, seed.get(s.client.node)!).privateKey]);
  for (const p of t.pairs) {
    const values = [p.sharedkey, ...p.segments.flatMap((s) => (s.password !== undefined ? [s.password] : [])), ...p.members.flatMap((m) => Object.values(m.passwords ?? {}))];
    add(p.name, values);
  }
  // values the user marked secret in ordinary fields (marked-forms.ts): every gateway's, in the forms the planner
  // writes them; those secret by their type stay with their own gateways above
  const marked = markedBeyondType(t, out);
  for (const [g, vs] of out) out.set(g, unique([...vs, ...marked]));
  return out;
}

/**
 * The forms of the values the user marked secret (`Topology.marked`) that are not secret by their type already
 * (`byType`: {@link secretsByGateway}'s lists before these are added; computed when not given).
 */
export function markedBeyondType(t: Topology, byType?: Map<string, string[]>): string[] {
  if (!t.marked?.length) return [];
  const typed = byType ?? secretsByGateway({ ...t, marked: [] });
  const known = new Set([...[...typed.values()].flat(), ...t.gateways.map((g) => g.keySeed)]);
  return unique(t.marked.flatMap(markedForms)).filter((v) => !known.has(v));
}

/** The secret values declared for one gateway (see {@link secretsByGateway}). */
export function gatewaySecrets(t: Topology, gateway: string): string[] {
  return secretsByGateway(t).get(gateway) ?? [];
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
  const finder = new SecretFinder(unique(values));
  const found = new Set<string>();
  const files: Record<string, ManagedFile> = {};
  for (const [path, f] of Object.entries(s.files)) {
    const held = finder.in(f.content);
    for (const v of held) found.add(v);
    files[path] = held.length > 0 || f.secret ? { ...f, secret: true, mode: "0600" } : f;
  }
  const secrets = [...found].sort();
  const { secrets: _drop, ...rest } = s;
  return { ...rest, files, ...(secrets.length > 0 ? { secrets } : {}) };
}

/** The values of `candidates` that occur in `text` (exact substrings), in their order (secret-finder.ts). */
export function occurring(text: string, candidates: readonly string[]): string[] {
  return new SecretFinder(candidates).in(text);
}

/**
 * The error with every secret value of the topology (PSKs, keys, passwords, key seeds) replaced by
 * `(secret)` in its message and, for a PlanError, in its issues: a safety net under the planner's own
 * rule (issues name secret fields with `(secret)` or keyed fingerprints), so a check that echoes a
 * value it should not can never carry a secret to the engine's output.
 */
export function redactError(e: unknown, t: Topology): unknown {
  if (!(e instanceof Error)) return e;
  const values = [...new Set([...[...secretsByGateway(t).values()].flat(), ...t.gateways.map((g) => g.keySeed)])]
    .filter((v) => v.length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => b.length - a.length);
  const mask = (text: string) => values.reduce((acc, v) => (acc.includes(v) ? acc.split(v).join("(secret)") : acc), text);
  e.message = mask(e.message);
  if (e.stack) e.stack = mask(e.stack);
  const issues = (e as { issues?: { value: string; field: string; reason: string; fix: string }[] }).issues;
  for (const i of issues ?? []) for (const k of ["value", "field", "reason", "fix"] as const) i[k] = mask(i[k]);
  return e;
}

/** True when some file of the state holds a secret. */
export function holdsSecrets(s: HostState): boolean {
  return Object.values(s.files).some((f) => f.secret === true);
}
