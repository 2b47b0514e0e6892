/** Helpers shared by the components: address parsing into planner values, errors naming the resource. */
import * as pulumi from "@pulumi/pulumi";
import { parseNet } from "../model/address/index";
import type { IfAddress, PhaseSpec } from "../planner/spec";
import { integer, interfaceAddress, network, shown, type Family, type TokenRule } from "../model/tokens/index";
import { listArg, objectArg, report, take, userError, type Refused } from "./check";

/** IKE phase transforms as a user writes them (ipsec.conf `main`/`quick`, iked.conf `ikesa`/`childsa`). */
export interface PhaseArgs {
  /** Authentication (integrity) transform, e.g. `hmac-sha2-256`. Default: the daemon's (isakmpd main hmac-sha1, quick hmac-sha2-256). */
  auth?: string;
  /** Encryption transform, e.g. `blowfish`, `aes-256`, `aes-128-gcm`. Default: `aes`. */
  enc?: string;
  /** Diffie-Hellman group, e.g. `modp3072`, `curve25519`, `none` (phase 2 only). Default modp3072 (isakmpd). */
  group?: string;
  /** iked `ikesa` only: pseudo-random function, e.g. `hmac-sha2-256`. Default: iked's. */
  prf?: string;
  /** SA lifetime in seconds. Default: the daemon's. */
  lifetime?: number;
}

/**
 * A phase as written (`main`, `quick`, `ipsec.main` …): an object whose transforms are names and whose lifetime is
 * seconds, checked at declaration (the names themselves against the daemon's list by the planner).
 */
export function checkPhase(label: string, field: string, ph: unknown): void {
  if (ph === undefined) return;
  objectArg(label, field, ph, '{ auth: "hmac-sha2-256", enc: "aes-256" }');
  const p = ph as PhaseArgs;
  for (const k of ["auth", "enc", "group", "prf"] as const) if (p[k] !== undefined && typeof p[k] !== "string") throw argError(label, `${field}.${k}`, String(p[k]), "not a transform name", "give a name such as `aes-256` or remove it");
  if (p.lifetime !== undefined) take(label, `${field}.lifetime`, p.lifetime, integer("a lifetime in seconds", 60, 7 * 24 * 3600));
}

/** Copies the set fields of a phase. */
export function phaseSpec(p: PhaseArgs | undefined): PhaseSpec | undefined {
  if (!p) return undefined;
  const out: PhaseSpec = {};
  if (p.auth !== undefined) out.auth = p.auth;
  if (p.enc !== undefined) out.enc = p.enc;
  if (p.group !== undefined) out.group = p.group;
  if (p.prf !== undefined) out.prf = p.prf;
  if (p.lifetime !== undefined) out.lifetime = p.lifetime;
  return out;
}

/**
 * An error of a component argument, `Label: field = value: reason; fix` (the value escaped for a
 * terminal): reported to the user once, and returned as the {@link Refused} the caller throws.
 */
export function argError(label: string, field: string, value: string, reason: string, fix: string): Refused {
  return report(userError(label, field, shown(value), reason, fix));
}

/**
 * `ADDR/LEN` or `ADDR` (then `defaultPrefix`) as an interface address. The host bits are kept
 * (`172.16.0.1/24` is the address 172.16.0.1 on a /24).
 */
export function ifAddress(label: string, field: string, text: string, defaultPrefix?: number, family?: Family): IfAddress {
  return take(label, field, text, interfaceAddress(defaultPrefix, family));
}

/** The network of an interface address (`172.16.0.1/24` → `172.16.0.0/24`). */
export function networkOf(a: IfAddress): string {
  const n = parseNet(`${a.address}/${a.prefix}`)!;
  return `${n.address}/${n.prefix}`;
}

/** Wraps a value as a secret (an already-secret Output stays one). */
export function secretInput(v: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(v);
}

/**
 * A list of networks given as an Input (`field`, e.g. `left.networks`), checked by itself when it resolves: at preview
 * an argument not known yet holds back no check of this one. Undefined when not given.
 */
export function networksArg(label: string, field: string, value: pulumi.Input<pulumi.Input<string>[]> | undefined, rule: TokenRule<string> = network()): pulumi.Output<string[] | undefined> {
  return pulumi.output(value ?? null).apply((ns) => (ns === null ? undefined : listArg(label, field, ns as string[], '["10.1.0.0/24"]').map((n, i) => take(label, `${field}[${i}]`, n, rule))));
}
