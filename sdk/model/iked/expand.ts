/**
 * iked's create_ike() (parse.y 1.149) as a pure function: fills in the defaults iked applies to a policy
 * (name, local/peer, address family, default proposals, flow expansion of `any`/`dynamic`, flow order)
 * and reports the errors iked reports at that stage. Used by lint and by the lab's `iked -n` emulator.
 */
import { parseAddr } from "./address";
import { portNumber, protocolNumber } from "./parser";
import { isAead } from "./transforms";
import type { IkedPolicy, IkedTransforms } from "./types";

/** An address after create_ike: `any` (AF_UNSPEC) or numeric with iked's mask/net flags. */
export interface IkedResolvedAddr {
  af: "inet" | "inet6" | undefined;
  value: bigint;
  /** Prefix length (32/128 when none was written). */
  mask: number;
  /** True when written as ADDR/LEN or `any` (iked's netaddress). */
  net: boolean;
  /** Canonical address text, `any` for AF_UNSPEC. */
  text: string;
  port: number;
}

/** One expanded flow. */
export interface IkedResolvedFlow {
  proto: number;
  src: IkedResolvedAddr;
  dst: IkedResolvedAddr;
}

/** One proposal: protocol and its transforms in print order. */
export interface IkedProposal {
  sa: "ikesa" | "childsa";
  enc: string[];
  prf: string[];
  auth: string[];
  group: string[];
  esn: string[];
}

/** A policy as iked holds it after create_ike. */
export interface IkedExpandedPolicy {
  policy: IkedPolicy;
  name: string;
  af: "inet" | "inet6" | undefined;
  flows: IkedResolvedFlow[];
  local: IkedResolvedAddr;
  peer: IkedResolvedAddr;
  proposals: IkedProposal[];
  lifetime: { seconds: number; bytes: number };
  /** Duplicate flows dropped (iked warns `create_ike: duplicate flow`). */
  duplicates: number;
}

/** Result of create_ike: the policy, or an error (`fatal` errors abort iked at once). */
export type IkedExpandResult =
  | { ok: true; value: IkedExpandedPolicy }
  /** `yyerrors` are printed as `FILE: LINE: msg`; `fatal` as `parent: msg` and iked exits 1 at once. */
  | { ok: false; yyerrors: string[]; fatal?: string; reason: string; crash?: true };

const IKE_DEFAULT: Omit<IkedProposal, "sa"> = {
  enc: ["aes-256", "aes-192", "aes-128", "3des"],
  prf: ["hmac-sha2-256", "hmac-sha2-384", "hmac-sha2-512", "hmac-sha1"],
  auth: ["hmac-sha2-256", "hmac-sha2-384", "hmac-sha2-512", "hmac-sha1"],
  group: ["curve25519", "ecp521", "ecp384", "ecp256", "modp4096", "modp3072", "modp2048", "modp1536", "modp1024"],
  esn: [],
};
const IKE_DEFAULT_NOAUTH: Omit<IkedProposal, "sa"> = { ...IKE_DEFAULT, enc: ["aes-128-gcm", "aes-256-gcm"], auth: [] };
const ESP_DEFAULT: Omit<IkedProposal, "sa"> = {
  enc: ["aes-256", "aes-192", "aes-128"],
  prf: [],
  auth: ["hmac-sha2-256", "hmac-sha2-384", "hmac-sha2-512", "hmac-sha1"],
  group: ["none"],
  esn: ["esn", "noesn"],
};
const ESP_DEFAULT_NOAUTH: Omit<IkedProposal, "sa"> = { ...ESP_DEFAULT, enc: ["aes-128-gcm", "aes-256-gcm"], auth: [] };

/** iked's default lifetime of child SAs: 3 hours, 4 GiB. */
export const IKED_DEFAULT_LIFETIME = { seconds: 10800, bytes: 4294967296 } as const;

const ANY: IkedResolvedAddr = { af: undefined, value: 0n, mask: 0, net: true, text: "any", port: 0 };

function resolve(h: string, port: number | string | undefined): IkedResolvedAddr | "dynamic" | undefined {
  const p = port === undefined ? 0 : (portNumber(port) ?? 0);
  if (h === "any") return { ...ANY, port: p };
  if (h === "dynamic") return "dynamic";
  const a = parseAddr(h);
  if (!a) return undefined;
  const full = a.af === "inet" ? 32 : 128;
  return { af: a.af, value: a.value, mask: a.mask ?? full, net: a.mask !== undefined, text: a.text, port: p };
}

/**
 * expand_keyword(): `any` becomes 0.0.0.0/0 or ::/0, `dynamic` 0.0.0.0 or ::. iked builds these with
 * host(), which sets no port, so a port written after `any`/`dynamic` is dropped (as iked does).
 */
function keyword(af: "inet" | "inet6", kind: "any" | "dynamic"): IkedResolvedAddr {
  if (kind === "any") return { af, value: 0n, mask: 0, net: true, text: af === "inet" ? "0.0.0.0" : "::", port: 0 };
  return { af, value: 0n, mask: af === "inet" ? 32 : 128, net: false, text: af === "inet" ? "0.0.0.0" : "::", port: 0 };
}

const afOrder = (af: "inet" | "inet6" | undefined): number => (af === undefined ? 0 : af === "inet" ? 2 : 24);

/**
 * `bytes` bytes of `v` in the other order. iked's sockaddr_cmp() compares an address as the 32-bit words of its
 * network-order bytes read by a little-endian CPU (amd64, arm64), the last word first: the byte-reversed value.
 */
function reversed(v: bigint, bytes: number): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++, v >>= 8n) r = (r << 8n) | (v & 0xffn);
  return r;
}

/** iked's addr_cmp (policy.c): the address (sockaddr_cmp, see {@link reversed}), the mask, the port (network order, read as a little-endian number). */
function addrCmp(a: IkedResolvedAddr, b: IkedResolvedAddr): number {
  if (a.af !== b.af) return afOrder(a.af) - afOrder(b.af);
  const bytes = a.af === "inet6" ? 16 : 4;
  const av = reversed(a.value, bytes);
  const bv = reversed(b.value, bytes);
  if (av !== bv) return av < bv ? -1 : 1;
  if (a.mask !== b.mask) return a.mask - b.mask;
  return Number(reversed(BigInt(a.port), 2)) - Number(reversed(BigInt(b.port), 2));
}

/** iked's flow_cmp (policy.c): protocol, destination, source. */
function flowCmp(a: IkedResolvedFlow, b: IkedResolvedFlow): number {
  return a.proto - b.proto || addrCmp(a.dst, b.dst) || addrCmp(a.src, b.src);
}

function proposals(sa: "ikesa" | "childsa", sets: IkedTransforms[] | undefined): IkedProposal[] | string | { crash: true } {
  const [def, defNoauth] = sa === "ikesa" ? [IKE_DEFAULT, IKE_DEFAULT_NOAUTH] : [ESP_DEFAULT, ESP_DEFAULT_NOAUTH];
  if (!sets || sets.length === 0) return [{ sa, ...defNoauth }, { sa, ...def }];
  const out: IkedProposal[] = [];
  for (const x of sets) {
    // a bare `ikesa`/`childsa` left its slot NULL: create_ike() reads xfs[i]->nencxf there
    if (Object.keys(x).length === 0) return { crash: true };
    const enc = x.enc ?? [];
    const noauth = enc.filter((e) => isAead(sa, e)).length;
    let auth = enc.length - noauth;
    if (sa === "ikesa" && (x.group ?? []).includes("none")) return 'IKE group can not be "none".';
    if ((x.auth ?? []).length) auth++;
    if (sa === "ikesa" && (x.esn ?? []).length) return "cannot use ESN with ikesa.";
    if (noauth && noauth !== enc.length) return "cannot mix encryption transforms with implicit and non-implicit authentication";
    if (noauth && (x.auth ?? []).length) return "authentication is implicit for given encryption transforms";
    const pick = (d: Omit<IkedProposal, "sa">): IkedProposal => ({
      sa,
      enc: x.enc?.length ? x.enc : d.enc,
      prf: sa === "ikesa" ? (x.prf?.length ? x.prf : d.prf) : [],
      auth: d === defNoauth ? [] : x.auth?.length ? x.auth : d.auth,
      group: x.group?.length ? x.group : d.group,
      esn: sa === "childsa" ? (x.esn?.length ? x.esn : d.esn) : [],
    });
    if (!auth) out.push(pick(defNoauth));
    if (!noauth) out.push(pick(def));
  }
  return out;
}

/**
 * Runs create_ike on a policy. `seq` is iked's policy counter (1 for the first `ikev2` rule), used for the
 * default name `policyN`. `interfaceExists`: whether the host has an interface of that name (if_nametoindex); without
 * it (lint) an `iface` is not checked, as only the host knows its interfaces.
 */
export function expandIkedPolicy(policy: IkedPolicy, seq: number, host: { interfaceExists?: (name: string) => boolean; nodes?: { src: number; dst: number } } = {}): IkedExpandResult {
  const fail = (message: string, reason: string): IkedExpandResult => ({ ok: false, yyerrors: [message, "create_ike failed"], reason });
  // create_ike looks the interface up first of all (if_nametoindex)
  if (policy.iface !== undefined && host.interfaceExists && !host.interfaceExists(policy.iface))
    return fail("invalid iface", `\`iface ${policy.iface}\`: the host has no such interface`);
  const name = policy.name ?? `policy${seq}`;
  const local = policy.local === undefined ? undefined : resolve(policy.local, undefined);
  const peer = policy.peer === undefined ? undefined : resolve(policy.peer, undefined);
  if (local === "dynamic" || peer === "dynamic" || (policy.local !== undefined && !local) || (policy.peer !== undefined && !peer))
    return { ok: false, yyerrors: ["could not parse host specification"], reason: "local/peer must be a numeric address or any" };
  if (local && peer && local.af && peer.af && local.af !== peer.af) return { ok: false, yyerrors: [], fatal: "create_ike: peer address family mismatch", reason: `local ${local.text} and peer ${peer.text} are of different address families` };
  if (policy.af && ((local?.af && local.af !== policy.af) || (peer?.af && peer.af !== policy.af)))
    return { ok: false, yyerrors: [], fatal: "create_ike: policy address family mismatch", reason: `local/peer do not match \`${policy.af}\`` };
  let ipa: IkedResolvedAddr | undefined = local;
  let ipb: IkedResolvedAddr | undefined = peer;
  // the source list's only node, the destination list's only node (`nodes`: how many the host's names made of them)
  const nodes = host.nodes ?? { src: policy.flows.length, dst: policy.flows.length };
  if (!ipa && !ipb && policy.flows.length >= 1) {
    const f = policy.flows[0]!;
    const s = nodes.src === 1 ? resolve(f.from, undefined) : undefined;
    const d = nodes.dst === 1 ? resolve(f.to, undefined) : undefined;
    // a `dynamic` host is host_dynamic()'s node: no family, no address, not a network
    if (s) ipa = s === "dynamic" ? { ...ANY, net: false } : s;
    if (d) ipb = d === "dynamic" ? { ...ANY, net: false } : d;
  }
  if (!ipa && !ipb) return fail("could not get local/peer specification", "no local or peer address and more than one flow: give `peer` (and `local`)");
  if (policy.mode === "active" && (!ipb || ipb.net || (ipa && ipa.net)))
    return fail("active mode requires local/peer address", "an active policy needs `peer ADDR` (a single address, not any or a network)");
  let af = policy.af;
  if (!af && ipa) af = ipa.af;
  if (!af && ipb) af = ipb.af;
  const crash = (sa: string, yyerrors: string[] = []): IkedExpandResult => ({ ok: false, yyerrors, crash: true, reason: `\`${sa}\` with no transforms: iked reads its empty proposal and crashes (segmentation fault) loading this file; name at least one transform (enc, auth, prf, group, esn) or leave \`${sa}\` out` });
  // a bare ikesa or childsa is a NULL transform set: iked dereferences it in its proposal loop or, after another
  // proposal error's `goto done`, when it frees the sets there — either way it crashes
  const ike = proposals("ikesa", policy.ikesa);
  const child = proposals("childsa", policy.childsa);
  const childCrash = typeof child !== "string" && "crash" in child;
  if (typeof ike !== "string" && "crash" in ike) return crash("ikesa");
  if (typeof ike === "string") return childCrash ? crash("childsa", [ike]) : fail(ike, `ikesa: ${ike}`);
  if (childCrash) return crash("childsa");
  if (typeof child === "string") return fail(child, `childsa: ${child}`);
  const flows: IkedResolvedFlow[] = [];
  let duplicates = 0;
  const protos = policy.proto?.length ? policy.proto.map((p) => protocolNumber(p) ?? 0) : [0];
  for (const f of policy.flows) {
    const s = resolve(f.from, f.fromPort);
    const d = resolve(f.to, f.toPort);
    if (!s || !d) return { ok: false, yyerrors: ["could not parse host specification"], reason: "flow addresses must be numeric, any or dynamic" };
    for (const proto of protos) {
      const pairs: [IkedResolvedAddr, IkedResolvedAddr][] = [];
      const sk = s === "dynamic" ? "dynamic" : s.af === undefined ? "any" : undefined;
      const dk = d === "dynamic" ? "dynamic" : d.af === undefined ? "any" : undefined;
      if (sk && dk) {
        for (const fam of ["inet", "inet6"] as const) pairs.push([keyword(fam, sk), keyword(fam, dk)]);
      } else if (sk) pairs.push([keyword((d as IkedResolvedAddr).af!, sk), d as IkedResolvedAddr]);
      else if (dk) pairs.push([s as IkedResolvedAddr, keyword((s as IkedResolvedAddr).af!, dk)]);
      else pairs.push([s as IkedResolvedAddr, d as IkedResolvedAddr]);
      for (const [src, dst] of pairs) {
        if (src.af !== dst.af)
          return { ok: false, yyerrors: ["cannot mix different address families."], fatal: "create_ike: invalid flow", reason: `flow from ${f.from} to ${f.to} mixes IPv4 and IPv6` };
        const fl = { proto, src, dst };
        if (flows.some((o) => flowCmp(o, fl) === 0)) duplicates++;
        else flows.push(fl);
      }
    }
  }
  flows.sort(flowCmp);
  return {
    ok: true,
    value: {
      policy,
      name,
      af,
      flows,
      local: ipa ?? ANY,
      peer: ipb ?? ANY,
      proposals: [...ike, ...child],
      lifetime: { seconds: policy.lifetime?.seconds ?? IKED_DEFAULT_LIFETIME.seconds, bytes: policy.lifetime?.bytes ?? IKED_DEFAULT_LIFETIME.bytes },
      duplicates,
    },
  };
}
