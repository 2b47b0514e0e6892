/**
 * gif / gre / eoip / etherip links between two gateways (hostname.if `tunnel`, inner addresses, pf for the
 * encapsulated packets), optionally protected by IPsec: RFC 3884 transport mode over gif, manually keyed
 * or with isakmpd.
 */
import type { AuthTransform, EncTransform } from "../model/ipsec/transforms";
import { interfaceOf, refusalOf } from "../model/tokens/index";
import type { FlowRule, IkeRule, SaRule } from "../model/ipsec/types";
import { gwLabel, linkLabel, pushStatement, useDaemon, useManual, type Acc } from "./acc";
import { parseNet } from "../model/address/index";
import type { IfLine } from "./docs";
import { endTargets } from "./end-targets";
import { ifAddressLine, needDefaultSysctl } from "./gateway";
import type { PlanIssue } from "./errors";
import { checkManualKeys, resolvePhase, resolvePhase1 } from "./phases";
import { host, ipsecPeerRules, passOn, rule } from "./pf-rules";
import { resolveManualKeys } from "./manual-keys";
import type { LinkEndSpec, LinkSpec, ManualKeys } from "./spec";

const LINK_PREFIX: Record<LinkSpec["kind"], string> = { gif: "gif", gre: "gre", eoip: "eoip", etherip: "etherip" };

/** The link's checks; the outer addresses of both ends, or undefined (reported). */
function checkLink(l: LinkSpec, la: Acc, ra: Acc, keys: ManualKeys | undefined, issues: PlanIssue[]): [string, string] | undefined {
  const G = linkLabel(l.name);
  const both = [G, gwLabel(l.left.node), gwLabel(l.right.node)];
  const before = issues.length;
  const outerOf = (e: typeof l.left, acc: Acc, side: string): string | undefined => {
    const text = e.outer ?? (l.outer === 4 ? acc.gw.external.address : acc.gw.external.address6)?.address;
    if (!text) {
      issues.push({ resources: both, field: `${side}.outer`, value: "(none)", reason: `${gwLabel(acc.gw.name)} has no IPv${l.outer} external address`, fix: `give \`${side}.outer\` or the gateway's external IPv${l.outer} address` });
      return undefined;
    }
    const n = parseNet(text);
    if (!n || n.prefix !== undefined || n.family !== l.outer) {
      issues.push({ resources: both, field: `${side}.outer`, value: text, reason: `the tunnel's outer family is IPv${l.outer} (source and destination address families must match)`, fix: `give an IPv${l.outer} host address` });
      return undefined;
    }
    return n.address;
  };
  const lo = outerOf(l.left, la, "left");
  const ro = outerOf(l.right, ra, "right");
  for (const [e, side] of [[l.left, "left"], [l.right, "right"]] as const) {
    if (e.role === "gif" && refusalOf(interfaceOf(LINK_PREFIX[l.kind]), e.interface))
      issues.push({ resources: both, field: `${side}.interface`, value: e.interface, reason: `a ${l.kind} tunnel's interface is ${LINK_PREFIX[l.kind]}N`, fix: `use e.g. \`${LINK_PREFIX[l.kind]}0\`` });
    if (e.role === "ipsec-tunnel" && (l.kind !== "gif" || l.ipsec.kind === "none"))
      issues.push({ resources: both, field: `${side}.role`, value: e.role, reason: "a tunnel-mode IPsec end interoperates only with a gif end protected by IPsec (RFC 3884)", fix: "set `ipsec` or use `role: \"gif\"`" });
    if ((l.kind === "gif" || l.kind === "gre") && !e.inner)
      issues.push({ resources: both, field: `${side}.inner`, value: "(none)", reason: `a ${l.kind} tunnel needs inner addresses`, fix: "give `inner`, e.g. `172.16.0.1`" });
  }
  // an inner address that is an outer one: the route to the tunnel's endpoint would point into the tunnel (a loop)
  for (const [e, side] of [[l.left, "left"], [l.right, "right"]] as const)
    if (e.inner && (e.inner.address === lo || e.inner.address === ro))
      issues.push({ resources: both, field: `${side}.inner`, value: e.inner.address, reason: `it is the tunnel's outer address of ${e.inner.address === lo ? "the left" : "the right"} end: the route to that endpoint would lead into the tunnel itself`, fix: "give inner addresses of a network of their own, e.g. `10.99.0.1` and `10.99.0.2`" });
  if (l.left.inner && l.right.inner && l.left.inner.address === l.right.inner.address)
    issues.push({ resources: both, field: "left.inner, right.inner", value: `${l.left.inner.address}, ${l.right.inner.address}`, reason: "both ends have the same inner address", fix: "give each end its own address, e.g. `10.99.0.1` and `10.99.0.2`" });
  if (l.left.role === "ipsec-tunnel" && l.right.role === "ipsec-tunnel")
    issues.push({ resources: both, field: "left.role, right.role", value: "ipsec-tunnel, ipsec-tunnel", reason: "no end has a gif interface", fix: "make at least one end `role: \"gif\"`" });
  if (l.left.inner && l.right.inner && l.left.inner.address.includes(":") !== l.right.inner.address.includes(":"))
    issues.push({ resources: both, field: "left.inner, right.inner", value: `${l.left.inner.address}, ${l.right.inner.address}`, reason: "the inner addresses are of different families", fix: "use two IPv4 or two IPv6 inner addresses" });
  if (l.kind === "eoip" && l.vnetid === undefined)
    issues.push({ resources: both, field: "vnetid", value: "(none)", reason: "an eoip tunnel needs its tunnel id", fix: "give `vnetid` (the same on both ends)" });
  if (keys) checkManualKeys(keys, "esp", both, "ipsec", issues);
  if (l.ipsec.kind === "ike" && l.ipsec.psk.length === 0) issues.push({ resources: both, field: "ipsec.psk", value: "(empty)", reason: "an empty pre-shared key", fix: "give a PSK" });
  if (issues.length > before || !lo || !ro) return undefined;
  return [lo, ro];
}

export function planLink(l: LinkSpec, accs: Map<string, Acc>, issues: PlanIssue[]): void {
  const G = linkLabel(l.name);
  const targets = endTargets(G, [{ node: l.left.node, field: "left" }, { node: l.right.node, field: "right" }], accs, issues);
  if (!targets) return;
  const [la, ra] = targets;
  // manual keys: the given ones, the others derived once from both gateways' key seeds
  const keys = l.ipsec.kind === "manual" ? resolveManualKeys(l.name, l.ipsec.keys, la.gw.keySeed, ra.gw.keySeed) : undefined;
  // gif/gre/eoip/etherip packets have no ports: a masquerading NAT router cannot map them to the gateway
  for (const [acc, side] of [[la, "left"], [ra, "right"]] as const)
    if (acc.gw.external.nat && l.outer === 4)
      issues.push({ resources: [G, gwLabel(acc.gw.name)], field: `${side}.gateway`, value: acc.gw.name, reason: `${gwLabel(acc.gw.name)} is behind NAT (\`external.nat\`): ${l.kind} packets have no ports for the NAT router to map, so its peer's packets could not reach it`, fix: "use a VPN that crosses NAT (WireGuardTunnel, OpenVpnTunnel, or a SiteToSiteTunnel with NAT-T), or an IPv6 outer (`outer: \"inet6\"`)" });
  const outer = checkLink(l, la, ra, keys, issues);
  if (!outer) return;
  const [lo, ro] = outer;
  // one writer per /etc/hostname.IF: another link, a Gateway's interface or a CARP segment would lose its file
  let taken = false;
  for (const [me, acc, side] of [[l.left, la, "left"], [l.right, ra, "right"]] as const) {
    if ((me.role === "gif" || me.inner) && acc.hostnames.has(me.interface)) {
      issues.push({ resources: [G, gwLabel(acc.gw.name)], field: `${side}.interface`, value: me.interface, reason: `another resource already writes /etc/hostname.${me.interface} on ${gwLabel(acc.gw.name)}`, fix: `use another interface, e.g. \`${freeIf(me.interface, acc)}\`` });
      taken = true;
    }
  }
  if (taken) return;
  const innerProto = (l.left.inner ?? l.right.inner)?.address.includes(":") ? "ipv6" : "ipencap";
  const wireProto = l.kind === "gif" ? innerProto : l.kind === "etherip" ? "etherip" : "gre";
  for (const [me, other, acc, self, peer, flip] of [[l.left, l.right, la, lo, ro, false], [l.right, l.left, ra, ro, lo, true]] as const) {
    const label = [G, gwLabel(acc.gw.name)];
    if (me.role === "gif") {
      const lines: IfLine[] = [{ kind: "tunnel", source: self, destination: peer }];
      if (me.inner) lines.push(me.inner.address.includes(":") ? { kind: "inet6", ...me.inner, ...(other.inner ? { dest: other.inner.address } : {}) } : { kind: "inet", ...me.inner, ...(other.inner ? { dest: other.inner.address } : {}) });
      if (l.vnetid !== undefined) lines.push({ kind: "vnetid", id: l.vnetid });
      if (l.keepalive) lines.push({ kind: "keepalive", ...l.keepalive });
      lines.push({ kind: "up" });
      acc.hostnames.set(me.interface, lines);
    } else if (me.inner) {
      acc.hostnames.set(me.interface, [ifAddressLine(me.inner), { kind: "up" }]);
    }
    if (l.kind === "gre" || l.kind === "eoip") acc.sysctls.set("net.inet.gre.allow", "1");
    if (l.kind === "etherip") acc.sysctls.set("net.inet.etherip.allow", "1");
    const on = acc.gw.external.interface;
    // the encapsulated packets on the wire (a tunnel-mode IPsec end sees only ESP)
    // and what the tunnel interface carries, as for every other tunnel interface (wg, tun): with `pf.policy: "block"`
    // the inner traffic arriving on gif0/gre0 would otherwise be blocked
    if (me.role === "gif") acc.pf.vpnRules.push(rule("in", on, wireProto, [host(peer)], [host(self)]), rule("out", on, wireProto, [host(self)], [host(peer)]), passOn(me.interface));

    // transport-mode ESP protects the packets on the wire: ipencap/ipv6 for gif, gre for gre and eoip, etherip
    planLinkIpsec(l, keys, me, other, acc, self, peer, flip, wireProto, label, issues);
  }
}

/**
 * IPsec over the link: transport mode for the link's packets on the wire (RFC 3884 for gif: `proto ipencap`, or
 * `ipv6` for an IPv6 inner address; `proto gre` for gre and eoip; `proto etherip`), or tunnel mode towards an
 * `ipsec-tunnel` end.
 */
function planLinkIpsec(l: LinkSpec, keys: ManualKeys | undefined, me: LinkEndSpec, other: LinkEndSpec, acc: Acc, self: string, peer: string, flip: boolean, wireProto: string, label: string[], issues: PlanIssue[]): void {
  const on = acc.gw.external.interface;
  const G = label[0]!;
  const ip = l.ipsec;
  // an IPsec-protected link is ESP: `esp: false` on its gateway would drop it (checkUserSysctls)
  if (ip.kind !== "none") needDefaultSysctl(acc, "net.inet.esp.enable", "1");
  switch (ip.kind) {
    case "none":
      break;
    case "manual": {
      if (!keys) break;
      useManual(acc);
            const out = flip ? "rightToLeft" : "leftToRight";
      const inn = flip ? "leftToRight" : "rightToLeft";
      const tunnelMode = me.role === "ipsec-tunnel";
      const flow: FlowRule = tunnelMode
        ? { type: "flow", satype: "esp", from: { addresses: [{ kind: "ip", address: me.inner!.address }] }, to: { addresses: [{ kind: "ip", address: other.inner!.address }] }, local: { kind: "ip", address: self }, peer: { kind: "ip", address: peer } }
        : { type: "flow", satype: "esp", proto: wireProto, from: { addresses: [{ kind: "ip", address: self }] }, to: { addresses: [{ kind: "ip", address: peer }] } };
      const sa: SaRule = {
        type: "sa", satype: "esp", encap: tunnelMode ? "tunnel" : "transport", from: { kind: "ip", address: self }, to: { kind: "ip", address: peer },
        spi: { out: keys.spi[out], in: keys.spi[inn] }, auth: keys.auth as AuthTransform, enc: keys.enc as EncTransform,
        authkey: { out: keys.authkey[out], in: keys.authkey[inn] }, enckey: { out: keys.enckey[out], in: keys.enckey[inn] },
      };
      pushStatement(acc, flow, label, issues);
      pushStatement(acc, sa, label, issues);
      acc.pf.vpnRules.push(...ipsecPeerRules({ interface: on, address: self }, peer, false, "esp"));
      break;
    }
    case "ike": {
      useDaemon(acc, "isakmpd", G);
      const main = resolvePhase1(ip.phase1, "ipsec.main", label, issues);
      const quick = resolvePhase(ip.phase2, "ipsec.quick", label, issues);
      const tunnelMode = me.role === "ipsec-tunnel";
      const r: IkeRule = {
        type: "ike", satype: "esp", ...(tunnelMode ? {} : { encap: "transport" as const, proto: wireProto }),
        from: { addresses: [{ kind: "ip", address: tunnelMode ? me.inner!.address : self }] },
        to: { addresses: [{ kind: "ip", address: tunnelMode ? other.inner!.address : peer }] },
        ...(tunnelMode ? { local: { kind: "ip" as const, address: self } } : {}),
        peer: { kind: "ip", address: peer },
        ...(main ? { main } : {}), ...(quick ? { quick } : {}),
        auth: { kind: "psk", psk: ip.psk },
      };
      pushStatement(acc, r, label, issues);
      acc.pf.vpnRules.push(...ipsecPeerRules({ interface: on, address: self }, peer, true, "esp"));
      break;
    }
  }
}

/** The first unit of `iface`'s driver the gateway writes no hostname.if for (`gif0` taken: `gif1`). */
function freeIf(iface: string, acc: Acc): string {
  const driver = iface.replace(/[0-9]+$/, "");
  for (let n = 0; ; n++) if (!acc.hostnames.has(`${driver}${n}`)) return `${driver}${n}`;
}
