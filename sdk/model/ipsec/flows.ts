/**
 * Flows (SPD entries) and SAs that ipsec.conf rules produce, and their printers in the exact format of
 * `ipsecctl -sf` / `-ss` (ipsecctl.c ipsecctl_print_flow, pfkdump.c pfkey_print_sa; reference B.2).
 * The same flow printer serves `ipsecctl -nv` for flow rules; {@link formatConfiguredSa} is the `-nv`
 * printer of manual SA rules (parse-table names, `spi 0x%08x`).
 */
import { familyOf, isHost, printAddress, protocolName, serviceName } from "./address";
import { ENC_INFO, type AuthTransform, type EncTransform } from "./transforms";
import type { FlowRule, FlowType, IkeRule, IpProtocol, IpsecAddress, IpsecConf, SaRule, SaType, TcpMd5Rule } from "./types";
import { effectiveSaTransforms, expandPairs } from "./validate";

/**
 * One SPD entry (a kernel flow): what the ipsec.conf rules install ({@link flowsOf}), what `ipsecctl -sf`
 * prints ({@link formatFlow}) and what its parser reads back (model/output/ipsecctl.ts) — one type for all
 * three. {@link kernelFlow} gives the form the kernel keeps (a full-length prefix is a host, `0.0.0.0/0` is `any`).
 */
export interface Flow {
  /** SA type protecting the flow. */
  satype: SaType | "tcpmd5";
  /** `in` or `out`. */
  direction: "in" | "out";
  /** IP protocol; undefined = any. */
  proto?: IpProtocol;
  /** Source network or host. */
  from: IpsecAddress;
  /** Source port (printed as its /etc/services name). */
  fromPort?: number;
  /** Destination network or host. */
  to: IpsecAddress;
  /** Destination port. */
  toPort?: number;
  /** Family of the flow (prints `any` as `0.0.0.0/0` or `::/0`). */
  family: 4 | 6;
  /** Local IKE endpoint (`local`), when the SPD entry has one. */
  local?: IpsecAddress;
  /** Peer (`peer`). */
  peer?: IpsecAddress;
  /** Source identity as the IKE daemon installs it (`192.0.2.1/32`, `FQDN/gw1`). */
  srcid?: string;
  /** Destination identity. */
  dstid?: string;
  /** Authentication the IKE daemon recorded for the flow (`psk`, `rsa`), printed after the identities. */
  auth?: "psk" | "rsa";
  /** Flow type. */
  type: FlowType;
}

/** An address as the kernel keeps it: a full-length prefix is a host, an all-zero `/0` is `any`. */
export function kernelAddress(a: IpsecAddress): IpsecAddress {
  if (a.kind !== "ip" || a.prefix === undefined) return a;
  if (a.prefix === 0 && (a.address === "0.0.0.0" || a.address === "::")) return { kind: "any" };
  return a.prefix === (familyOf(a) === 4 ? 32 : 128) ? { kind: "ip", address: a.address } : a;
}

/** A flow in the form the kernel keeps and `ipsecctl -sf` prints back: equal to what the parser reads from {@link formatFlow}'s line. */
export function kernelFlow(f: Flow): Flow {
  const out: Flow = { ...f, from: kernelAddress(f.from), to: kernelAddress(f.to) };
  if (f.local) out.local = kernelAddress(f.local);
  if (f.peer) out.peer = kernelAddress(f.peer);
  return out;
}

/** `flow esp out[ proto P] from A[ port P] to B[ port P][ local L][ peer P][ srcid S][ dstid D] type T` */
export function formatFlow(f: Flow): string {
  let s = `flow ${f.satype} ${f.direction}`;
  if (f.proto !== undefined) s += ` proto ${protocolName(f.proto)}`;
  s += ` from ${printAddress(f.from, f.family)}`;
  if (f.fromPort !== undefined) s += ` port ${serviceName(f.fromPort, f.proto)}`;
  s += ` to ${printAddress(f.to, f.family)}`;
  if (f.toPort !== undefined) s += ` port ${serviceName(f.toPort, f.proto)}`;
  if (f.local) s += ` local ${printAddress(f.local, f.family)}`;
  if (f.peer) s += ` peer ${printAddress(f.peer, f.family)}`;
  if (f.srcid !== undefined) s += ` srcid ${f.srcid}`;
  if (f.dstid !== undefined) s += ` dstid ${f.dstid}`;
  if (f.auth !== undefined) s += ` ${f.auth}`;
  return `${s} type ${f.type}`;
}

/** The flows a `flow` rule installs, in ipsecctl's order (out, then the reversed in flow when no direction). */
export function flowsOfFlowRule(r: FlowRule): Flow[] {
  const satype = r.satype ?? "esp";
  const type = r.flowType ?? (satype === "esp" || satype === "ah" ? "require" : "use");
  const out: Flow[] = [];
  for (const [s, d, family] of expandPairs(r.from.addresses, r.to.addresses)) {
    const dir = r.direction ?? "out";
    const remote = dir === "in" ? s : d;
    // set_rule_peers(): the remote host when no peer is given; `peer any` is the default peer (none); a deny or bypass
    // flow has neither local nor peer, and create_flow() gives it no identities
    const peer = r.peer ? (r.peer.kind === "any" ? undefined : r.peer) : isHost(remote) ? remote : undefined;
    const plain = type === "deny" || type === "bypass";
    const f: Flow = { satype, direction: dir, from: s, to: d, family, type };
    if (r.proto !== undefined) f.proto = r.proto;
    if (r.from.port) f.fromPort = r.from.port;
    if (r.to.port) f.toPort = r.to.port;
    if (r.local && !plain) f.local = r.local;
    if (peer && !plain) f.peer = peer;
    if (r.srcid !== undefined && !plain) f.srcid = r.srcid;
    if (r.dstid !== undefined && !plain) f.dstid = r.dstid;
    out.push(f);
    if (r.direction === undefined) {
      // reverse_rule(): addresses and ports swapped; local, peer and the identities copied as they are
      const rev: Flow = { ...f, direction: "in", from: d, to: s };
      delete rev.fromPort;
      delete rev.toPort;
      if (f.toPort !== undefined) rev.fromPort = f.toPort;
      if (f.fromPort !== undefined) rev.toPort = f.fromPort;
      out.push(rev);
    }
  }
  return out;
}

/** Context of a gateway for what isakmpd installs: its own address (default srcid) and the peer it reached. */
export interface IkeContext {
  /** The gateway's address facing the peer; used for the default `srcid ADDR/32` when the rule has no `local`. */
  localAddress?: string;
  /** The remote address negotiated with, for rules whose peer is isakmpd's default peer. */
  remoteAddress?: string;
}

function idOf(a: IpsecAddress | string | undefined): string | undefined {
  if (a === undefined) return undefined;
  if (typeof a === "string") return `${a}/${a.includes(":") ? 128 : 32}`;
  if (a.kind !== "ip") return undefined;
  return `${a.address}/${familyOf(a) === 4 ? 32 : 128}`;
}

function ikePeer(r: IkeRule, d: IpsecAddress, ctx: IkeContext): IpsecAddress | undefined {
  if (r.peer && r.peer.kind !== "any") return r.peer;
  if (!r.peer && isHost(d)) return d;
  return ctx.remoteAddress ? { kind: "ip", address: ctx.remoteAddress } : undefined;
}

/**
 * The flows isakmpd installs once phase 2 of an ike rule is up (`type use` inbound, `type require`
 * outbound, identities as isakmpd sets them: `ADDR/32` by default, the configured srcid/dstid otherwise).
 */
export function flowsOfIkeRule(r: IkeRule, ctx: IkeContext = {}): Flow[] {
  // a route-based rule (sec(4)) installs no flow: what is routed into its interface is protected
  if (r.iface !== undefined) return [];
  const satype = r.satype ?? "esp";
  const out: Flow[] = [];
  const srcid = r.srcid ?? idOf(r.local ?? ctx.localAddress);
  // plain object literals, no spreads: a large mesh asks for tens of thousands of these
  const flow = (direction: "in" | "out", from: IpsecAddress, to: IpsecAddress, family: 4 | 6, peer: IpsecAddress | undefined, dstid: string | undefined): Flow => {
    // the keys in the order they always had (satype, family, proto, peer, direction, from, to, type, ports, ids)
    const f = { satype, family } as Flow;
    if (r.proto !== undefined) f.proto = r.proto;
    if (peer) f.peer = peer;
    f.direction = direction;
    f.from = from;
    f.to = to;
    f.type = direction === "in" ? "use" : "require";
    if (r.to.port) f[direction === "in" ? "fromPort" : "toPort"] = r.to.port;
    if (r.from.port) f[direction === "in" ? "toPort" : "fromPort"] = r.from.port;
    if (srcid !== undefined) f.srcid = srcid;
    if (dstid !== undefined) f.dstid = dstid;
    return f;
  };
  for (const [s, d, family] of expandPairs(r.from.addresses, r.to.addresses)) {
    const peer = ikePeer(r, d, ctx);
    const dstid = r.dstid ?? idOf(peer);
    out.push(flow("in", d, s, family, peer, dstid), flow("out", s, d, family, peer, dstid));
  }
  return out;
}

/** All flows of a configuration: flow rules as loaded by `ipsecctl -f`, ike rules as isakmpd installs them. */
export function flowsOf(conf: IpsecConf, ctx: IkeContext = {}): Flow[] {
  return conf.statements.flatMap((s) => (s.type === "flow" ? flowsOfFlowRule(s) : s.type === "ike" ? flowsOfIkeRule(s, ctx) : []));
}

/**
 * One SA (SAD entry): what the manual rules load ({@link sasOf}), what `ipsecctl -ss` prints
 * ({@link formatSa}) and what its parser reads back (model/output/ipsecctl.ts). `enc`/`auth` hold the kernel's names.
 */
export interface Sa {
  /** SA type. */
  satype: SaType | "tcpmd5";
  /** `tunnel` or `transport`; omitted for tcpmd5 and ipip, which print no mode. */
  mode?: "tunnel" | "transport";
  /** Source endpoint (a host). */
  from: IpsecAddress;
  /** Destination endpoint (a host). */
  to: IpsecAddress;
  /** Security parameter index. */
  spi: number;
  /** Authentication algorithm, e.g. `hmac-sha2-256` (absent for AEAD ciphers). */
  auth?: string;
  /** Encryption algorithm as the kernel names it from algorithm and key length, e.g. `aes`, `aes-256`, `aes-128-gcm`. */
  enc?: string;
  /** Compression algorithm (ipcomp). */
  comp?: string;
  /** NAT-T port (`udpencap port N`, printed only with -v). */
  udpencapPort?: number;
  /** Authentication key in hex without `0x` (printed only with -k). Secret: never log it. */
  authkey?: string;
  /** Encryption key in hex without `0x` (printed only with -k). Secret: never log it. */
  enckey?: string;
}

/** An SA without its keys: what may be stored, shown and compared in the clear. */
export function keylessSa(sa: Sa): Sa {
  const { authkey: _a, enckey: _e, ...rest } = sa;
  return rest;
}

/** Options of the SA printers. */
export interface SaFormatOptions {
  /** `-k`: show keys (continuation lines, or on the same line for tcpmd5). */
  showKeys?: boolean;
  /** `-v`: show `udpencap port N`. */
  verbose?: boolean;
}

function keyLines(sa: Sa, opts: SaFormatOptions): string {
  if (!opts.showKeys) return "";
  const sep = sa.satype === "tcpmd5" ? " " : " \\\n\t";
  let s = "";
  if (sa.authkey !== undefined) s += `${sep}authkey 0x${sa.authkey}`;
  if (sa.enckey !== undefined) s += `${sep}enckey 0x${sa.enckey}`;
  return s;
}

function saHead(sa: Sa, spi: string): string {
  const mode = sa.satype === "tcpmd5" || sa.satype === "ipip" ? "" : ` ${sa.mode ?? "tunnel"}`;
  const fam = familyOf(sa.from) ?? 4;
  let s = `${sa.satype}${mode} from ${printAddress(sa.from, fam)} to ${printAddress(sa.to, fam)} spi ${spi}`;
  if (sa.satype !== "tcpmd5") {
    if (sa.auth) s += ` auth ${sa.auth}`;
    if (sa.enc) s += ` enc ${sa.enc}`;
    if (sa.comp) s += ` comp ${sa.comp}`;
  }
  return s;
}

/** An SA line of `ipsecctl -ss` (pfkey_print_sa): `esp tunnel from A to B spi 0x%08x auth X enc Y`. */
export function formatSa(sa: Sa, opts: SaFormatOptions = {}): string {
  let s = saHead(sa, `0x${sa.spi.toString(16).padStart(8, "0")}`);
  if (opts.verbose && sa.udpencapPort !== undefined) s += ` udpencap port ${sa.udpencapPort}`;
  return s + keyLines(sa, opts);
}

/** `ipsecctl -ss`: SA lines sorted by SPI, one per line (empty string when none). */
export function formatSas(sas: readonly Sa[], opts: SaFormatOptions = {}): string {
  return [...sas]
    .sort((a, b) => a.spi - b.spi)
    .map((s) => `${formatSa(s, opts)}\n`)
    .join("");
}

/** `ipsecctl -sf`: flow lines in the given order. */
export function formatFlows(flows: readonly Flow[]): string {
  return flows.map((f) => `${formatFlow(f)}\n`).join("");
}

/** The kernel's name of an encryption algorithm (derived from algorithm and key length, as pfkdump.c prints it). */
export function kernelEncName(enc: EncTransform, keyBytes?: number): string {
  if (enc === "aes" || enc === "aes-128" || enc === "aes-192" || enc === "aes-256") {
    const bits = keyBytes !== undefined ? keyBytes * 8 : enc === "aes" ? 128 : Number(enc.slice(4));
    return bits === 128 ? "aes" : `aes-${bits}`;
  }
  if (enc === "aesctr" || enc.endsWith("-ctr")) return "aesctr";
  const aead = /^aes-\d+-(gcm|gmac)$/.exec(enc);
  if (aead && keyBytes !== undefined) return `aes-${(keyBytes - 4) * 8}-${aead[1]}`;
  return enc;
}

/** The SAs a manual SA rule installs (src→dst, then the reverse one with the `:second` SPI and keys), kernel names. */
export function sasOfSaRule(r: SaRule): Sa[] {
  const xf = effectiveSaTransforms(r);
  const satype = r.satype ?? "esp";
  const mk = (from: IpsecAddress, to: IpsecAddress, spi: number, authkey?: string, enckey?: string): Sa => {
    const sa: Sa = { satype, from, to, spi };
    if (satype !== "ipip") sa.mode = r.encap ?? "tunnel";
    if (xf.auth) sa.auth = xf.auth;
    if (xf.enc) sa.enc = kernelEncName(xf.enc, enckey !== undefined ? enckey.length / 2 : undefined);
    if (xf.comp) sa.comp = xf.comp;
    if (r.udpencap) sa.udpencapPort = r.udpencap.port ?? 4500;
    if (authkey !== undefined) sa.authkey = authkey;
    if (enckey !== undefined) sa.enckey = enckey;
    return sa;
  };
  return saPairs(r.from, r.to).flatMap(([from, to]) => {
    // expand_rule makes the reverse SA only for a nonzero IN SPI (`spi 0x1000:0` has none) — or for IN keys, refused without one
    const out = [mk(from, to, r.spi.out, r.authkey?.out, r.enckey?.out)];
    if (r.spi.in) out.push(mk(to, from, r.spi.in, r.authkey?.in ?? r.authkey?.out, r.enckey?.in ?? r.enckey?.out));
    return out;
  });
}

const ANY_NET: Record<4 | 6, IpsecAddress> = { 4: { kind: "ip", address: "0.0.0.0", prefix: 0 }, 6: { kind: "ip", address: "::", prefix: 0 } };

/**
 * expand_rule() of a manual SA or tcpmd5 rule: `any` (expand_any) is 0.0.0.0/0 and ::/0, and only pairs of one
 * family are kept, IPv4 first.
 */
function saPairs(from: IpsecAddress, to: IpsecAddress): [IpsecAddress, IpsecAddress][] {
  const fams: (4 | 6)[] = from.kind === "any" && to.kind === "any" ? [4, 6] : [familyOf(from.kind === "any" ? to : from) ?? 4];
  return fams.map((f) => [from.kind === "any" ? ANY_NET[f] : from, to.kind === "any" ? ANY_NET[f] : to]);
}

/** The SAs of a tcpmd5 rule. */
export function sasOfTcpMd5Rule(r: TcpMd5Rule): Sa[] {
  return saPairs(r.from, r.to).flatMap(([from, to]) => {
    const out: Sa[] = [{ satype: "tcpmd5", from, to, spi: r.spi.out, authkey: r.authkey.out }];
    if (r.spi.in) out.push({ satype: "tcpmd5", from: to, to: from, spi: r.spi.in, authkey: r.authkey.in ?? r.authkey.out });
    return out;
  });
}

/**
 * The SA pair isakmpd negotiates for one ike rule (first src×dst pair): local→peer and peer→local with the
 * quick-mode transforms (defaults hmac-sha2-256 / aes-128). SPIs are chosen by the caller (the lab).
 */
export function sasOfIkeRule(r: IkeRule, ctx: IkeContext & { spiOut: number; spiIn: number }): Sa[] {
  const pair = expandPairs(r.from.addresses, r.to.addresses)[0];
  if (!pair) return [];
  const peer = ikePeer(r, pair[1], ctx);
  const local: IpsecAddress | undefined = r.local ?? (ctx.localAddress ? { kind: "ip", address: ctx.localAddress } : undefined);
  if (!peer || !local) return [];
  const satype = r.satype ?? "esp";
  const enc: EncTransform | undefined = satype === "esp" ? (r.quick?.enc ?? "aes") : undefined;
  const auth: AuthTransform | undefined = enc && ENC_INFO[enc].noAuth ? undefined : (r.quick?.auth ?? "hmac-sha2-256");
  const mk = (from: IpsecAddress, to: IpsecAddress, spi: number): Sa => {
    const sa: Sa = { satype, mode: r.encap ?? "tunnel", from, to, spi };
    if (auth) sa.auth = auth;
    if (enc) sa.enc = kernelEncName(enc);
    return sa;
  };
  return [mk(local, peer, ctx.spiOut), mk(peer, local, ctx.spiIn)];
}

/** All SAs of the manual SA and tcpmd5 rules of a configuration (what `ipsecctl -f` adds to the SAD). */
export function sasOf(conf: IpsecConf): Sa[] {
  return conf.statements.flatMap((s) => (s.type === "sa" ? sasOfSaRule(s) : s.type === "tcpmd5" ? sasOfTcpMd5Rule(s) : []));
}

/**
 * `ipsecctl -nv` line(s) of a manual SA rule (ipsecctl_print_sa): parse-table transform names with the
 * parser's defaults filled in, `spi 0x%08x`, a second reversed line for a `:` pair. Keys only with showKeys.
 */
export function formatConfiguredSa(r: SaRule | TcpMd5Rule, opts: SaFormatOptions = {}): string[] {
  if (r.type === "tcpmd5") return sasOfTcpMd5Rule(r).map((sa) => formatSa(sa, opts));
  const xf = effectiveSaTransforms(r);
  const sas = sasOfSaRule(r).map((sa) => {
    const copy: Sa = { ...sa };
    if (xf.enc) copy.enc = xf.enc;
    return copy;
  });
  return sas.map((sa) => formatSa(sa, opts));
}
