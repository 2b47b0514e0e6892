/**
 * The programs of the renderer fuzzers (scripts/oracle-fuzz.ts, scripts/injection-fuzz.ts): a seeded random
 * generator of valid programs as plain JSON (gen, then widen with the knobs the first generator did not reach), and
 * `declare`, which declares one through the public components under Pulumi's mocks (the caller sets them) and
 * returns each gateway's rendered state, or the message it was refused with.
 */
import * as pulumi from "@pulumi/pulumi";
import { CarpPair, CertificateAuthority, Gateway, GifTunnel, OpenVpnTunnel, PfAnchor, SiteToSiteTunnel, SshTunnel, TincNetwork, WireGuardHub, WireGuardMesh, WireGuardTunnel, onUserError, type UserError } from "../sdk/index";
import type { HostState } from "../sdk/state";
import { AUTH_TRANSFORMS, ENC_TRANSFORMS, GROUP_TRANSFORMS, GROUP_ALIASES } from "../sdk/model/ipsec/transforms";
import { AUTH as IKED_AUTH, CHILD_ENC, GROUP as IKED_GROUP, IKE_ENC } from "../sdk/model/iked/transforms";

// ---------------------------------------------------------------------------------------------- random
export class R {
  constructor(readonly f: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.f() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.f() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.f() < p;
  }
  maybe<T>(p: number, f: () => T): T | undefined {
    return this.chance(p) ? f() : undefined;
  }
  some<T>(xs: readonly T[], max: number): T[] {
    const n = this.int(1, Math.min(max, xs.length));
    const c = [...xs];
    const out: T[] = [];
    while (out.length < n) out.push(c.splice(Math.floor(this.f() * c.length), 1)[0]!);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------- program descriptions (plain JSON)
/** A generated program as plain data: printed with a rejection, and minimized by deleting parts of it. */
export interface Program {
  cas: string[];
  gateways: Record<string, Json>[];
  tunnels: Record<string, Json>[];
  pairs: Record<string, Json>[];
  anchors: Record<string, Json>[];
  links: Record<string, Json>[];
  wireguard?: Record<string, Json>[];
  /** WireGuardMesh / WireGuardHub declarations (members by gateway name). */
  wgGroups?: Record<string, Json>[];
  openvpn?: Record<string, Json>[];
  tinc?: Record<string, Json>[];
  ssh?: Record<string, Json>[];
}
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export const PSK = "204931646879ae1265a7d0437a51cc08fe8d7484";

export function gen(r: R): Program {
  const p: Program = { cas: [], gateways: [], tunnels: [], pairs: [], anchors: [], links: [] };
  const nGw = r.int(2, 4);
  const progIke = r.pick(["isakmpd", "iked", undefined]);
  const v6only = r.chance(0.12);
  const names: string[] = [];
  const nets = new Set<string>();
  const net4 = (): string => {
    for (;;) {
      const n = r.pick([`10.${r.int(0, 255)}.${r.int(0, 255)}.0/24`, `172.${r.int(16, 31)}.${r.int(0, 255)}.0/24`, `192.168.${r.int(0, 255)}.0/24`, `10.${r.int(0, 255)}.0.0/16`, `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.pick([0, 128])}/25`]);
      if (!nets.has(n)) return nets.add(n), n;
    }
  };
  const net6 = (): string => `2001:db8:${r.int(1, 0xfff).toString(16)}::/64`;
  for (let i = 0; i < nGw; i++) {
    const name = `gw${i + 1}`;
    names.push(name);
    const ext = r.pick(["em1", "vio0", "em1", "ix0"]);
    const int0 = ext === "em0" ? "em2" : "em0";
    const internal: Json[] = [];
    const nInt = r.int(1, 2);
    for (let k = 0; k < nInt; k++) {
      const six = k > 0 && r.chance(0.3);
      const n = six ? net6() : net4();
      const iface = k === 0 ? int0 : "em2";
      const addr = r.chance(0.5) ? (six ? n.replace("::/64", "::1/64") : n.replace(/\.0\/(\d+)$/, ".1/$1").replace(/\.128\/25$/, ".129/25")) : undefined;
      const withAddr = addr !== undefined && /\.1\/|::1\/|\.129\//.test(addr);
      internal.push({ interface: iface, ...(withAddr ? { address: addr } : { network: n }), ...(withAddr && r.chance(0.2) ? { configure: true } : {}) });
    }
    const g: Record<string, Json> = {
      name,
      external: {
        interface: ext,
        ...(v6only ? {} : { address: `${r.pick(["192.0.2", "198.51.100", "203.0.113"])}.${10 + i * 10 + r.int(0, 9)}` }),
        ...(v6only || r.chance(0.3) ? { address6: `2001:db8:ffff::${i + 1}` } : {}),
        ...(r.chance(0.2) ? { configure: true } : {}),
      },
      ...(internal.length === 1 && r.chance(0.5) ? { internal: internal[0]! } : internal.length ? { internal } : {}),
      ...(progIke ? { ike: progIke } : r.chance(0.15) ? { ike: r.pick(["isakmpd", "iked"]) } : {}),
      ...(r.chance(0.3) ? { pf: { ...(r.chance(0.6) ? { policy: r.pick(["pass", "block"]) } : {}), ...(r.chance(0.3) ? { skip: r.some(["em2", "vio1", "lo1", "pflog0"], 2) } : {}) } } : {}),
      ...(r.chance(0.2) ? { forwarding: { ipv4: r.pick([0, 1, 2]), ipv6: r.pick([0, 1]) } } : {}),
      ...(r.chance(0.15) ? { extraInterfaces: [{ interface: "lo1", addresses: [`10.250.${i}.1/32`] }] } : {}),
    };
    p.gateways.push(g);
  }
  // CARP pair: two extra member gateways sharing an external and an internal segment
  let pairName: string | undefined;
  if (r.chance(0.35)) {
    pairName = "pair1";
    const a = "gwA";
    const b = "gwB";
    const lan = net4();
    const base = lan.split("/")[0]!.split(".").slice(0, 3).join(".");
    for (const [m, k] of [[a, 2], [b, 3]] as const)
      p.gateways.push({ name: m, external: { interface: "em1", address: `192.0.2.${150 + k}` }, internal: { interface: "em0", address: `${base}.${k}/24` }, ...(r.chance(0.5) ? { ike: r.pick(["isakmpd", "iked"]) } : {}) });
    p.pairs.push({
      name: pairName,
      members: [
        { gateway: a, ...(r.chance(0.7) ? { advskew: 0 } : {}), syncAddress: `${base}.2` },
        { gateway: b, ...(r.chance(0.7) ? { advskew: r.pick([100, 50, 200]) } : {}), syncAddress: `${base}.3` },
      ],
      segments: [
        { interface: "carp1", carpdev: "em0", address: `${base}.1/24`, vhid: r.int(1, 100), ...(r.chance(0.6) ? { password: "p1" } : {}), ...(r.chance(0.3) ? { advbase: r.int(1, 5) } : {}) },
        { interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: r.int(101, 255), ...(r.chance(0.6) ? { password: "p2" } : {}) },
      ],
      sharedkey: "0x" + "ab".repeat(r.pick([16, 24, 32])),
      ...(r.chance(0.3) ? { pfsync: r.chance(0.5) ? { syncdev: "em0" } : false } : {}),
      ...(r.chance(0.3) ? { preempt: r.chance(0.5) } : {}),
      ...(r.chance(0.3) ? { flushmode: r.pick(["sync", "startup", "never"]) } : {}),
    });
  }
  const nodes = pairName ? [...names, pairName] : names;
  // tunnels
  const nT = r.int(1, 3);
  const used = new Set<string>();
  for (let t = 0; t < nT; t++) {
    const [ln, rn] = r.some(nodes, 2).length === 2 ? r.some(nodes, 2) : [nodes[0]!, nodes[1]!];
    if (ln === undefined || rn === undefined || ln === rn || used.has(ln) || used.has(rn)) continue;
    used.add(ln).add(rn);
    const daemon = r.pick(["isakmpd", "iked", undefined]);
    const ikeOf = (n: string): Json | undefined => (p.gateways.find((g) => g.name === n) ?? p.gateways.find((g) => g.name === "gwA"))?.ike;
    const iked = daemon === "iked" || (daemon === undefined && ikeOf(ln) === "iked");
    const manual = !iked && r.chance(0.12);
    const auth = manual ? undefined : r.pick(["psk", "psk", "publickey", "x509"]);
    if (auth === "x509" && !p.cas.includes("ca")) p.cas.push("ca");
    const phase = (one: boolean): Record<string, Json> => {
      const o: Record<string, Json> = {};
      if (iked) {
        if (r.chance(0.5)) o.enc = r.pick(one ? IKE_ENC : CHILD_ENC).name;
        if (r.chance(0.5)) o.auth = r.pick(IKED_AUTH).name;
        if (r.chance(0.4)) o.group = r.pick(IKED_GROUP).name;
        if (one && r.chance(0.3)) o.prf = r.pick(IKED_AUTH).name;
      } else {
        if (r.chance(0.5)) o.enc = r.pick(ENC_TRANSFORMS);
        if (r.chance(0.5)) o.auth = r.pick(AUTH_TRANSFORMS);
        if (r.chance(0.4)) o.group = r.pick([...GROUP_TRANSFORMS, ...Object.keys(GROUP_ALIASES)]);
      }
      if (r.chance(0.3)) o.lifetime = r.pick([60, 600, 3600, 28800, 86400, 604800, r.int(60, 100000)]);
      return o;
    };
    const id = (): string => r.pick(["gw.example.com", "vpn@example.com", "192.0.2.77", "2001:db8::77", "host", "/C=US/O=Example/CN=gw", "fqdn.example.org", "a-b.example.net"]);
    const enc0 = r.chance(0.3) ? r.pick(["skip", "filter"]) : undefined;
    const end = (node: string, side: "left" | "right"): Json => {
      if (r.chance(0.35) && enc0 !== "filter") return node;
      const e: Record<string, Json> = { gateway: node };
      if (r.chance(0.3) || v6only) e.networks = v6only || r.chance(0.2) ? [net6()] : Array.from({ length: r.int(1, 3) }, () => (r.chance(0.15) ? `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}` : net4()));
      if (r.chance(0.35)) e.mode = r.pick(iked ? ["active", "passive"] : ["active", "passive", "dynamic"]);
      if (r.chance(0.15)) e.srcid = id();
      if (r.chance(0.15)) e.dstid = id();
      if (r.chance(0.2)) e.tag = r.pick(["net1-to-net2", "vpn", "from_gw", "t1"]);
      if (r.chance(0.1)) e.psk = PSK;
      if (r.chance(0.08)) e.peer = (p.gateways.find((g) => g.name === (side === "left" ? rn : ln))?.external as Record<string, string> | undefined)?.address ?? "192.0.2.153";
      if (r.chance(0.08)) {
        const x = p.gateways.find((g) => g.name === node)?.external as Record<string, string> | undefined;
        e.local = (x ? x.address ?? x.address6 : "192.0.2.153")!;
      }
      if (enc0 === "filter" && r.chance(0.25)) e.natTo = `10.99.${r.int(0, 255)}.${r.int(1, 254)}`;
      if (r.chance(0.2) || enc0 === "filter") e.rules = r.pick(ENC_RULES);
      void side;
      return e;
    };
    const tun: Record<string, Json> = {
      name: `t${t + 1}`,
      left: end(ln, "left"),
      right: end(rn, "right"),
      ...(daemon ? { ike: daemon } : {}),
      ...(auth === "psk" || (auth === undefined && !manual) ? { psk: PSK } : {}),
      ...(auth && auth !== "psk" ? { auth } : auth === "psk" && r.chance(0.3) ? { auth } : {}),
      ...(auth === "x509" ? { ca: "ca" } : {}),
      ...(manual ? { manual: r.chance(0.5) ? {} : { ...(r.chance(0.5) ? { auth: r.pick(AUTH_TRANSFORMS) } : {}), ...(r.chance(0.5) ? { enc: r.pick(ENC_TRANSFORMS) } : {}), ...(r.chance(0.3) ? { spi: { leftToRight: r.int(256, 0xffff), rightToLeft: r.int(256, 0xffff) } } : {}) } } : {}),
      ...(!manual && r.chance(0.5) ? { main: phase(true) } : {}),
      ...(!manual && r.chance(0.5) ? { quick: phase(false) } : {}),
      ...(r.chance(0.15) ? { satype: r.pick(["esp", "ah"]) } : {}),
      ...(enc0 ? { enc0 } : {}),
      ...(r.chance(0.3)
        ? { policies: Array.from({ length: r.int(1, 3) }, () => { const proto = r.pick(["tcp", "udp", "icmp", "gre", "tcp", "ipv6-icmp", "esp", "ah", "sctp", "ipencap", "udp"]); return { proto, ...(["tcp", "udp"].includes(proto) && r.chance(0.7) ? { port: r.pick([22, 80, 443, 53, 1194, r.int(1, 65535)]) } : {}), ...(["tcp", "udp"].includes(proto) && r.chance(0.3) ? { localPort: r.int(1, 65535) } : {}) }; }) }
        : {}),
    };
    p.tunnels.push(tun);
  }
  // anchors
  const nA = r.chance(0.5) ? r.int(1, 2) : 0;
  for (let a = 0; a < nA; a++) {
    const rules = Array.from({ length: r.int(1, 5) }, () => anchorRule(r)).join("\n") + "\n";
    p.anchors.push({ name: r.pick(["extra", "web", "mgmt", "a_1", "web.v2", "x-y"]) + (a ? a : ""), gateway: r.pick(names), rules });
  }
  // WireGuard between two gateways (its pf rules land in pf.conf)
  if (r.chance(0.25) && names.length >= 2) {
    const [a, b] = r.some(names, 2);
    if (a && b) {
      const six = r.chance(0.2);
      p.wireguard = [{
        name: "wg1",
        left: { gateway: a, inner: six ? "fd00:9::1/64" : "10.9.0.1/24", ...(r.chance(0.3) ? { port: r.pick([51820, 51821, 4500, 12345]) } : {}), ...(r.chance(0.3) ? { networks: [net4()] } : {}) },
        right: { gateway: b, inner: six ? "fd00:9::2/64" : "10.9.0.2/24", ...(r.chance(0.3) ? { port: r.pick([51820, 51822]) } : {}) },
        ...(r.chance(0.5) ? { keepalive: r.pick([10, 25, 60]) } : {}),
        ...(r.chance(0.3) ? { psk: "5qJ0bPHx0Hp1n0X2Ajd3f8rPZ0nqQ0U0bG7bCkzZc8I=" } : {}),
      }];
    }
  }
  // gif links
  if (r.chance(0.35) && names.length >= 2) {
    const [a, b] = r.some(names, 2);
    if (a && b) {
      const kind = r.pick(["gif", "gif", "gre", "eoip", "etherip"]);
      const six = r.chance(0.25);
      if (six) for (const g of p.gateways.filter((x) => x.name === a || x.name === b)) (g.external as Record<string, Json>).address6 = `2001:db8:ffff::${p.gateways.indexOf(g) + 1}`;
      const n = kind === "gif" ? 0 : 0;
      const ifc = `${kind}${n}`;
      const inner = kind === "eoip" || kind === "etherip" ? undefined : r.pick(["10.200.0", "192.168.250"]);
      const ipsec = r.chance(0.4) ? (r.chance(0.5) ? { keying: "manual" } : { keying: "ike", psk: PSK, ...(r.chance(0.4) ? { main: { enc: r.pick(["aes-256", "blowfish", "aes"]) } } : {}) }) : undefined;
      p.links.push({
        name: "link1",
        ...(kind !== "gif" || r.chance(0.3) ? { kind } : {}),
        ...(six ? { outer: "inet6" } : r.chance(0.2) ? { outer: "inet" } : {}),
        left: { gateway: a, interface: ifc, ...(inner ? { inner: `${inner}.1${r.chance(0.3) ? "/30" : ""}` } : {}), ...(kind === "gif" && r.chance(0.2) ? { role: "ipsec-tunnel", interface: "lo1" } : {}) },
        right: { gateway: b, interface: ifc, ...(inner ? { inner: `${inner}.2` } : {}) },
        ...(ipsec ? { ipsec } : {}),
        ...(kind === "eoip" || (kind === "gre" && r.chance(0.3)) ? { vnetid: r.int(1, 4000) } : {}),
        ...((kind === "gre" || kind === "eoip") && r.chance(0.3) ? { keepalive: { period: r.int(1, 30), count: r.int(1, 10) } } : {}),
      });
    }
  }
  return p;
}

/**
 * The knobs the first generator did not reach, added to a program with their own random stream (so a seed's
 * programs are the classic ones plus these): the Gateway's NAT, sysctls, services, packages, esp/ah/ipcomp,
 * IPv6 extra interfaces and long interface names; tunnel `remoteNetworks`, many networks, given manual keys,
 * numeric policy protocols and edge identities; CARP edge vhids/advbase, odd passwords, explicit `external`;
 * anchor names at their maximum length; gif vnetid/keepalive edges and IPv6 inner addresses; WireGuard
 * interfaces, endpoints, rtables, keys, meshes and hubs; OpenVPN, tinc and SSH tunnels (their pf rules).
 */
export function widen(r: R, p: Program): void {
  const pairMembers = new Set(p.pairs.flatMap((x) => (x.members as Record<string, string>[]).map((m) => m.gateway)));
  const solo = p.gateways.filter((g) => !pairMembers.has(g.name as string));
  const v4 = (g: Record<string, Json>): string | undefined => (g.external as Record<string, string>).address;
  for (const g of p.gateways) {
    const ext = g.external as Record<string, Json>;
    const solo1 = !pairMembers.has(g.name as string);
    if (r.chance(0.1)) for (const k of r.some(["esp", "ah", "ipcomp"] as const, 3)) g[k] = r.chance(0.7);
    if (r.chance(0.2)) g.sysctls = Object.fromEntries(r.some([["net.inet.gre.allow", "1"], ["net.inet.ip.mforwarding", "1"], ["kern.somaxconn", "1024"], ["net.inet.tcp.mssdflt", "1400"], ["net.inet.etherip.allow", "1"], ["net.inet.ipip.allow", "1"], ["net.inet6.ip6.accept_rtadv", "0"], ["kern.hostname", "h".repeat(255)]], 3));
    if (r.chance(0.15)) g.services = Object.fromEntries(r.some([["ntpd", { flags: "-s" }], ["bgpd", { enabled: false }], ["snmpd", { running: false }], ["sshd", {}], ["dhcpd", { flags: "em0 em2" }], ["npppd", { flags: "" }]], 3));
    if (r.chance(0.1)) g.packages = r.some(["curl", "tinc", "openvpn", "wireguard-tools", "vim--no_x11", "python%3"], 3);
    if (r.chance(0.1)) g.rollbackSeconds = r.pick([5, 3600, 61]);
    if (r.chance(0.1)) g.keySeed = "seed-" + "x".repeat(r.pick([16, 64, 200]));
    if (r.chance(0.12)) g.extraInterfaces = [...((g.extraInterfaces as Json[] | undefined) ?? []), { interface: r.pick(["vether0", "lo2", "vether12"]), addresses: r.some([`fd00:${p.gateways.indexOf(g) + 1}::1/64`, `10.251.${p.gateways.indexOf(g)}.1/24`, `10.252.${p.gateways.indexOf(g)}.1/32`, `fd00:aa${p.gateways.indexOf(g)}::1/128`], 3) }];
    if (r.chance(0.15)) {
      const pf = (g.pf as Record<string, Json> | undefined) ?? {};
      g.pf = { ...pf, skip: r.some(["enc0", "lo0", "vether0", "pfsync0", "gif0", "em2"], 4) };
    }
    if (solo1 && r.chance(0.1) && typeof ext.address === "string") ext.nat = { publicAddress: `198.51.100.${200 + p.gateways.indexOf(g)}`, ...(r.chance(0.6) ? { forwardsIke: r.chance(0.7) } : {}) };
    // long and unusual (valid) interface names: ifconfigOf lists them as the host has them
    if (solo1 && r.chance(0.08)) ext.interface = r.pick(["vlan4094", "trunk0", "aggr1", "em15", "abcdefghijklm12", "vio10"]);
    if (r.chance(0.06) && g.internal !== undefined) {
      const ints = Array.isArray(g.internal) ? (g.internal as Record<string, Json>[]) : [g.internal as Record<string, Json>];
      if (ints[0] && ints[0].interface === "em0" && !pairMembers.has(g.name as string)) ints[0].interface = r.pick(["vlan100", "bridge0", "veb1", "vport3"]);
    }
  }
  const ids = ["@example", "x", "a".repeat(63) + ".example.com", "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + "." + "e".repeat(60) + ".org", "user+tag@example.com", "10.1.2.3", "fe80::1", "::1", "2001:db8::1:0:0:1", "CN=gw,O=Ex", "/C=DE/CN=a.b", "gw_1.example.com", "-gw.example.com", "gw=1", "a:b", "1.2.3.4.5"];
  for (const t of p.tunnels) {
    for (const side of ["left", "right"] as const) {
      const e = t[side];
      if (typeof e !== "object" || e === null || Array.isArray(e)) continue;
      const end = e as Record<string, Json>;
      const other = t[side === "left" ? "right" : "left"];
      if (r.chance(0.2) && typeof other === "object" && other && !Array.isArray(other) && Array.isArray((other as Record<string, Json>).networks)) end.remoteNetworks = [...((other as Record<string, Json>).networks as Json[])];
      if (r.chance(0.08) && Array.isArray(end.networks) && !(end.networks as string[]).some((n) => n.includes(":"))) end.networks = Array.from({ length: r.int(6, 12) }, (_, k) => `10.${160 + k}.${r.int(0, 255)}.0/24`);
      if (r.chance(0.1)) end.srcid = r.pick(ids);
      if (r.chance(0.1)) end.dstid = r.pick(ids);
      if (r.chance(0.08)) end.tag = r.pick(["t".repeat(63), "_x", "a.b-c_d", "0"]);
      if (r.chance(0.08) && t.enc0 !== "filter") end.rules = r.pick(MORE_END_RULES);
    }
    // an identity and the other end's matching dstid (a consistent pair: the ids themselves are what is tried)
    for (const side of ["left", "right"] as const) {
      if (!r.chance(0.25)) continue;
      const other = side === "left" ? "right" : "left";
      const asEnd = (k: "left" | "right"): Record<string, Json> => (typeof t[k] === "string" ? (t[k] = { gateway: t[k] as string }) : (t[k] as Record<string, Json>));
      const id = r.pick(ids);
      asEnd(side).srcid = id;
      asEnd(other).dstid = id;
    }
    if (t.manual !== undefined && r.chance(0.5)) {
      const m = t.manual as Record<string, Json>;
      if (m.auth === undefined && m.enc === undefined) {
        m.authkey = { leftToRight: "0x" + "1a".repeat(32), rightToLeft: "2b".repeat(32) };
        m.enckey = { leftToRight: "0x" + "3c".repeat(16), rightToLeft: "4d".repeat(16) };
      }
      if (r.chance(0.3)) m.spi = { leftToRight: r.pick([256, 0xfffffffe, 0x10000]), rightToLeft: r.pick([257, 0xfffffffd, 0x10001]) };
    }
    if (r.chance(0.15)) t.policies = Array.from({ length: r.int(1, 4) }, () => r.pick<Record<string, Json>>([{ proto: "6", port: 65535 }, { proto: "17", localPort: 1 }, { proto: "132" }, { proto: "41" }, { proto: "ipv6-icmp" }, { proto: "icmp" }, { proto: "255" }, { proto: "TCP", port: 8080 }, { proto: "gre" }]));
  }
  for (const c of p.pairs) {
    const segs = c.segments as Record<string, Json>[];
    if (r.chance(0.2)) segs[0]!.vhid = r.pick([1, 255]);
    if (r.chance(0.2)) segs[0]!.advbase = r.pick([0, 254, 1]);
    if (r.chance(0.25)) segs[0]!.password = r.chance(0.8) ? r.pick(["p@ss:w0rd", "x".repeat(20), "-dash", "a=b+c/d%e", "0", "A,b.c_d"]) : r.pick(["a b", "with'quote", "dollar$sign", "hash#tag", "ümlaut", "semi;colon", "back\\slash"]);
    if (r.chance(0.2)) c.external = "carp2";
    if (r.chance(0.2)) c.sharedkey = "cd".repeat(r.pick([16, 24, 32]));
    if (r.chance(0.15)) c.pfsync = { syncdev: r.pick(["em0", "em2"]) };
  }
  for (const a of p.anchors) if (r.chance(0.15)) a.name = r.pick(["A".repeat(63), "x.y.z", "9lives", "a-b_c.d"]);
  for (const l of p.links) {
    const kind = (l.kind as string | undefined) ?? "gif";
    if (kind === "gre" && r.chance(0.4)) l.vnetid = r.pick([0, 1, 0xffffffff, 4096]);
    if (kind === "eoip" && r.chance(0.4)) l.vnetid = r.pick([0, 65535, 1]);
    if ((kind === "gre" || kind === "eoip") && r.chance(0.3)) l.keepalive = { period: r.pick([1, 3600]), count: r.pick([2, 256]) };
    const left = l.left as Record<string, Json>;
    const right = l.right as Record<string, Json>;
    if (kind !== "eoip" && kind !== "etherip" && left.role !== "ipsec-tunnel" && r.chance(0.2)) {
      left.inner = r.pick(["fd00:77::1", "fd00:77::1/126", "fd00:77::1/64"]);
      right.inner = "fd00:77::2";
    }
    const ip = l.ipsec as Record<string, Json> | undefined;
    if (ip?.keying === "manual" && r.chance(0.4)) {
      ip.authkey = { leftToRight: "5e".repeat(32), rightToLeft: "0x" + "6f".repeat(32) };
      ip.enckey = { leftToRight: "7a".repeat(16), rightToLeft: "0x" + "8b".repeat(16) };
    }
    if (ip?.keying === "ike" && r.chance(0.3)) ip.quick = { enc: r.pick(["aes-128-gcm", "aes-256", "chacha20-poly1305"]), ...(r.chance(0.5) ? { group: "modp2048" } : {}) };
  }
  for (const w of p.wireguard ?? []) {
    const [l, rt] = [w.left as Record<string, Json>, w.right as Record<string, Json>];
    if (r.chance(0.3)) l.interface = r.pick(["wg1", "wg7", "wg99"]);
    if (r.chance(0.2)) rt.port = r.pick([1, 65535]);
    if (r.chance(0.2)) l.rtable = r.pick([0, 255, 3]);
    if (r.chance(0.2)) w.keepalive = r.pick([0, 43200, 1]);
    if (r.chance(0.2)) l.privateKey = "oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=";
    if (r.chance(0.2)) rt.networks = r.pick([["2001:db8:77::/48"], ["0.0.0.0/0"], ["10.77.0.0/16", "fd00:77::/64"], ["::/0"]]);
    if (r.chance(0.15)) rt.endpoint = r.pick(["203.0.113.250", "2001:db8:ffff::99"]);
  }
  // many peers on one gateway (from PEER_TABLE_MIN = 9 the peer rules use a pf table): spokes to gw1
  if (r.chance(0.06)) {
    const hub = p.gateways.find((g) => g.name === "gw1")!;
    const hubExt = hub.external as Record<string, Json>;
    const six = typeof hubExt.address !== "string";
    const ike = hub.ike as Json | undefined;
    const auth = r.pick(["psk", "publickey"]);
    for (let k = 0; k < r.int(9, 12); k++) {
      const name = `s${k + 1}`;
      p.gateways.push({ name, external: { interface: "em1", ...(six ? { address6: `2001:db8:fffe::${k + 1}` } : { address: `203.0.113.${100 + k}` }) }, internal: { interface: "em0", network: `10.${230 + Math.floor(k / 8)}.${(k % 8) * 32}.0/27` }, ...(ike !== undefined ? { ike } : {}) });
      p.tunnels.push({ name: `spoke${k + 1}`, left: "gw1", right: name, ...(auth === "psk" ? { psk: PSK } : { auth }) });
    }
  }
  // anchor rules on the interfaces the VPNs configure (their hostname.if holds exactly their addresses)
  const vpnIfs: [string, string][] = [
    ...(p.wireguard ?? []).flatMap((w) => [w.left, w.right].map((e) => [(e as Record<string, string>).gateway!, (e as Record<string, string>).interface ?? "wg0"] as [string, string])),
    ...p.links.flatMap((l) => [l.left, l.right].filter((e) => (e as Record<string, string>).inner).map((e) => [(e as Record<string, string>).gateway!, (e as Record<string, string>).interface!] as [string, string])),
  ];
  if (vpnIfs.length && r.chance(0.3)) {
    const [gwName, ifc] = r.pick(vpnIfs);
    const text = r.pick([`pass in on ${ifc} from ${ifc}:network\n`, `pass out on ${ifc} inet6 to ${ifc}:network\n`, `pass in on ${ifc} inet proto icmp to (${ifc})\n`, `block in on ${ifc} proto tcp from ${ifc}:network to port 22\n`, `pass out on ${ifc} proto ipv6-icmp to ${ifc}:network\n`]);
    const a = p.anchors.find((x) => x.gateway === gwName);
    if (a) a.rules = `${a.rules as string}${text}`;
    else p.anchors.push({ name: "vpnifs", gateway: gwName, rules: text });
  }
  const wgFree = (n: string): boolean => !(p.wireguard ?? []).some((w) => (w.left as Record<string, Json>).gateway === n || (w.right as Record<string, Json>).gateway === n);
  const names = p.gateways.map((g) => g.name as string);
  const addr4 = solo.filter((g) => v4(g) !== undefined).map((g) => g.name as string);
  if (r.chance(0.12) && names.filter(wgFree).length >= 3) {
    const ms = r.some(names.filter(wgFree), 4);
    if (ms.length >= 3) {
      const hub = r.chance(0.5);
      const mem = (n: string, k: number): Record<string, Json> => ({ gateway: n, interface: "wg3", inner: `10.33.0.${k + 1}/24`, ...(r.chance(0.3) ? { port: 51900 + k } : {}) });
      p.wgGroups = [hub
        ? { kind: "hub", name: "hub1", hub: mem(ms[0]!, 0), spokes: ms.slice(1).map((n, k) => mem(n, k + 1)), ...(r.chance(0.4) ? { spokeToSpoke: r.chance(0.5) } : {}), ...(r.chance(0.3) ? { keepalive: 25 } : {}) }
        : { kind: "mesh", name: "mesh1", members: ms.map(mem), ...(r.chance(0.3) ? { psk: "5qJ0bPHx0Hp1n0X2Ajd3f8rPZ0nqQ0U0bG7bCkzZc8I=" } : {}) }];
    }
  }
  const two = (xs: string[]): [string, string] => {
    const a = r.pick(xs);
    const rest = xs.filter((x) => x !== a);
    return [a, r.pick(rest)];
  };
  if (r.chance(0.15) && addr4.length >= 2) {
    const [a, b] = two(addr4);
    p.openvpn = [{
      name: "ovpn1",
      left: { gateway: a!, inner: "10.8.0.1", ...(r.chance(0.3) ? { interface: r.pick(["tun1", "tun3"]) } : {}), ...(r.chance(0.3) ? { port: r.pick([1, 1195, 65535]) } : {}), ...(r.chance(0.2) ? { networks: ["10.88.0.0/16", "192.168.88.0/24"] } : {}) },
      right: { gateway: b!, inner: "10.8.0.2", ...(r.chance(0.3) ? { port: 1196 } : {}) },
      ...(r.chance(0.3) ? { cipher: r.pick(["AES-128-CBC", "AES-192-CBC", "AES-256-CBC"]) } : {}),
      ...(r.chance(0.3) ? { auth: r.pick(["SHA1", "SHA256", "SHA384", "SHA512"]) } : {}),
      ...(r.chance(0.3) ? { keepalive: { interval: r.pick([1, 10]), timeout: r.pick([60, 3600]) } } : {}),
    }];
  }
  if (r.chance(0.15) && addr4.length >= 2) {
    const ms = [...two(addr4), ...r.some(addr4, 2)].filter((x, k, all) => all.indexOf(x) === k);
    if (ms.length >= 2)
      p.tinc = [{
        name: "tnet", ...(r.chance(0.3) ? { netname: r.pick(["corp", "n_1", "A".repeat(30)]) } : {}),
        members: ms.map((n, k) => ({ gateway: n, inner: `10.10.0.${k + 1}/24`, ...(r.chance(0.3) ? { name: r.pick(["site_a", "B2", "z".repeat(31)]) + k } : {}), ...(r.chance(0.3) ? { port: r.pick([655, 656, 65535]) } : {}), ...(r.chance(0.2) ? { subnets: [`10.${120 + k}.0.0/16`] } : {}) })),
      }];
  }
  if (r.chance(0.15) && addr4.length >= 2) {
    const [a, b] = two(addr4);
    p.ssh = [{
      name: "ssht",
      client: { gateway: a!, inner: r.pick(["172.16.2.1/30", "172.16.2.1", "fd00:5::1/64"]), ...(r.chance(0.3) ? { interface: r.pick(["tun2", "tun0"]) } : {}), ...(r.chance(0.2) ? { networks: ["10.66.0.0/16"] } : {}) },
      server: { gateway: b!, inner: "", ...(r.chance(0.3) ? { port: r.pick([22, 2222, 65535]) } : {}), ...(r.chance(0.3) ? { interface: "tun1" } : {}) },
      ...(r.chance(0.2) ? { serverAliveInterval: r.pick([1, 3600]) } : {}),
      ...(r.chance(0.2) ? { serverAliveCountMax: r.pick([1, 100]) } : {}),
      ...(r.chance(0.2) ? { restartDelay: r.pick([1, 3600]) } : {}),
    }];
    const c = (p.ssh[0]!.client as Record<string, string>).inner!;
    (p.ssh[0]!.server as Record<string, string>).inner = c.startsWith("fd00") ? "fd00:5::2/64" : c.includes("/") ? "172.16.2.2/30" : "172.16.2.2";
  }
}

const MORE_END_RULES = [
  "pass in on enc0 inet proto icmp icmp-type echoreq\n",
  "block return in on enc0 proto udp to port 53\npass in on enc0 proto udp to port 53 keep state (max 500)\n",
  "match in on enc0 scrub (max-mss 1360)\n",
  "pass in on enc0 proto tcp to port { 80 443 } flags S/SA modulate state\n",
];

const ENC_RULES = [
  "pass out on enc0 proto tcp to port 22 keep state (if-bound)\n",
  "pass in on enc0 proto icmp\n",
  "block in on enc0 proto tcp to port { 23 25 }\n",
  "pass in quick on enc0 from 10.0.0.0/8 to any tagged vpn\n",
  "pass out on enc0 inet6 proto ipv6-icmp\n",
];

/** One pf rule of a shape an anchor may hold. */
function anchorRule(r: R): string {
  const six = r.chance(0.1);
  const host = (): string => (six ? r.pick(["2001:db8::1", "2001:db8::/32", "any", "self", "(em1)", "<bad>", "no-route", "{ 2001:db8::1 2001:db8::2 }"]) : r.pick(["any", "10.1.2.3", "10.0.0.0/8", "!10.9.9.0/24", "{ 10.1.1.1 10.2.2.2 }", "(em1)", "em0:network", "<bad>", "self", "192.0.2.0/24", "(em1:0)", "no-route", "172.16.0.0/12", "em0", "(egress)", "egress:network"]));
  const ports = (): string => r.pick(["", " port 22", " port { 80 443 }", " port 1000:2000", " port > 1023", " port ssh", " port != 25", " port 5000 >< 5010", " port { www, https }"]);
  const dir = r.pick(["in", "out", ""]);
  const action = r.pick(["pass", "pass", "block", "match", "block return", "block drop"]);
  const quick = r.chance(0.3) ? " quick" : "";
  const log = r.chance(0.15) ? r.pick([" log", " log (all)", " log (matches)"]) : "";
  const on = r.chance(0.6) ? ` on ${r.pick(["em0", "em1", "egress", "enc0", "lo0", "{ em0 em1 }", "! em0"])}` : "";
  const af = r.chance(0.25) ? (six ? " inet6" : " inet") : "";
  // icmp/icmp6 only with hosts of their family: a rule on an interface of the other family is refused on the host alone
  const proto = r.chance(0.6) ? ` proto ${r.pick(["tcp", "udp", six ? "ipv6-icmp" : "icmp", "{ tcp udp }", "esp", "gre", "ipencap", "47", "carp"])}` : "";
  const tcpudp = /tcp|udp/.test(proto);
  const from = r.chance(0.7) ? ` from ${host()}${tcpudp ? ports() : ""}` : "";
  const to = r.chance(0.7) || from === "" ? ` to ${host()}${tcpudp ? ports() : ""}` : "";
  const all = from === "" && to === "" ? " all" : "";
  let tail = "";
  if (/icmp\b/.test(proto) && r.chance(0.4)) tail += ` icmp-type ${r.pick(["echoreq", "unreach", "8", "echorep code 0"])}`;
  if (proto.includes("ipv6-icmp") && r.chance(0.4)) tail += ` icmp6-type ${r.pick(["echoreq", "neighbrsol", "128"])}`;
  if (action === "pass" && /tcp/.test(proto) && r.chance(0.3)) tail += ` flags ${r.pick(["S/SA", "any", "S/SAFR"])}`;
  if (action === "pass" && r.chance(0.35)) tail += r.pick([" keep state", " keep state (if-bound)", " no state", " modulate state", " keep state (max 100)", " keep state (max-src-conn 10, max-src-conn-rate 5/3)", " keep state (source-track rule, max-src-states 3)", " keep state (sloppy)"]);
  if (r.chance(0.15)) tail += ` tag ${r.pick(["T1", "web", "a_b"])}`;
  if (r.chance(0.1)) tail += ` tagged ${r.pick(["T1", "vpn"])}`;
  if (action === "match" && r.chance(0.5)) tail += r.pick([" scrub (no-df random-id)", " scrub (max-mss 1400)", ` nat-to ${r.pick(["(em1)", six ? "2001:db8::9" : "192.0.2.9", "(egress:0)"])}`, " rdr-to 10.1.1.1 port 8080", " set prio 3", " scrub (reassemble tcp)"]);
  if (action === "pass" && dir === "out" && r.chance(0.15)) tail += ` nat-to ${r.pick(["(em1)", "192.0.2.9", "(egress:0)"])}`;
  if (action === "pass" && dir === "in" && r.chance(0.15)) tail += ` rdr-to 10.1.1.1${tcpudp ? " port 8080" : ""}`;
  if (r.chance(0.08)) return r.pick(["antispoof for em0", "anchor \"sub\"", `anchor "inline" {\n pass in proto tcp to port 22\n}`, "pass on em0 from any to any", "block all", "pass in on em1 proto udp to port { 500 4500 }", "pass proto carp"]);
  return `${action}${dir ? " " + dir : ""}${log}${quick}${on}${af}${proto}${from}${to}${all}${tail}`;
}

// ---------------------------------------------------------------------------------------------- declaring a program
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy";
let serial = 0;

export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as unknown as { promise(): Promise<T> }).promise();
}

export interface Outcome {
  refused?: string;
  /** The refusal came as a UserError naming resource and field (not a raw exception of the program). */
  userError?: boolean;
  states?: Record<string, HostState>;
}

export async function declare(p: Program): Promise<Outcome> {
  const s = `n${++serial}`;
  const reported: UserError[] = [];
  const stop = onUserError((e) => reported.push(e));
  const gws: Record<string, Gateway> = {};
  try {
    const cas: Record<string, CertificateAuthority> = {};
    for (const c of p.cas) cas[c] = new CertificateAuthority(`${c}${s}`, { keySeed: pulumi.secret("ca-seed-0123456789abcdef") });
    let host = 0;
    for (const g of p.gateways) {
      const { name, ...rest } = g as Record<string, Json> & { name: string };
      gws[name] = new Gateway(`${name}${s}`, { connection: { host: `169.254.7.${++host}`, privateKey: pulumi.secret(`-----BEGIN OPENSSH PRIVATE KEY-----\n${name}\n-----END OPENSSH PRIVATE KEY-----\n`), hostKey: HOST_KEY }, ...(rest as object) } as never);
    }
    const pairs: Record<string, CarpPair> = {};
    for (const c of p.pairs) {
      const { name, members, ...rest } = c as Record<string, Json> & { name: string; members: Record<string, Json>[] };
      pairs[name] = new CarpPair(`${name}${s}`, { members: members.map((m) => ({ ...m, gateway: gws[m.gateway as string]! })), ...(rest as object) } as never);
    }
    const node = (n: string) => gws[n] ?? pairs[n]!;
    for (const t of p.tunnels) {
      const { name, left, right, ca, ...rest } = t as Record<string, Json> & { name: string; left: Json; right: Json; ca?: string };
      const end = (e: Json) => (typeof e === "string" ? node(e) : { ...(e as object), gateway: node((e as { gateway: string }).gateway) });
      new SiteToSiteTunnel(`${name}${s}`, { left: end(left), right: end(right), ...(ca ? { ca: cas[ca] } : {}), ...(rest as object) } as never);
    }
    for (const a of p.anchors) {
      const { gateway, ...rest } = a as Record<string, Json> & { gateway: string };
      new PfAnchor(`anchor${p.anchors.indexOf(a)}${s}`, { gateway: gws[gateway]!, ...(rest as object) } as never);
    }
    for (const l of p.links) {
      const { name, left, right, ...rest } = l as Record<string, Json> & { name: string; left: Record<string, Json>; right: Record<string, Json> };
      new GifTunnel(`${name}${s}`, { left: { ...left, gateway: gws[left.gateway as string]! }, right: { ...right, gateway: gws[right.gateway as string]! }, ...(rest as object) } as never);
    }
    for (const w of p.wireguard ?? []) {
      const { name, left, right, ...rest } = w as Record<string, Json> & { name: string; left: Record<string, Json>; right: Record<string, Json> };
      new WireGuardTunnel(`${name}${s}`, { left: { ...left, gateway: gws[left.gateway as string]! }, right: { ...right, gateway: gws[right.gateway as string]! }, ...(rest as object) } as never);
    }
    const withGw = (e: Record<string, Json>) => ({ ...e, gateway: gws[e.gateway as string]! });
    for (const w of p.wgGroups ?? []) {
      const { kind, name, ...rest } = w as Record<string, Json> & { kind: string; name: string };
      if (kind === "hub") {
        const { hub, spokes, ...more } = rest as Record<string, Json> & { hub: Record<string, Json>; spokes: Record<string, Json>[] };
        new WireGuardHub(`${name}${s}`, { hub: withGw(hub), spokes: spokes.map(withGw), ...(more as object) } as never);
      } else {
        const { members, ...more } = rest as Record<string, Json> & { members: Record<string, Json>[] };
        new WireGuardMesh(`${name}${s}`, { members: members.map(withGw), ...(more as object) } as never);
      }
    }
    for (const o of p.openvpn ?? []) {
      const { name, left, right, ...rest } = o as Record<string, Json> & { name: string; left: Record<string, Json>; right: Record<string, Json> };
      new OpenVpnTunnel(`${name}${s}`, { left: withGw(left), right: withGw(right), ...(rest as object) } as never);
    }
    for (const t of p.tinc ?? []) {
      const { name, members, ...rest } = t as Record<string, Json> & { name: string; members: Record<string, Json>[] };
      new TincNetwork(`${name}${s}`, { members: members.map(withGw), ...(rest as object) } as never);
    }
    for (const t of p.ssh ?? []) {
      const { name, client, server, ...rest } = t as Record<string, Json> & { name: string; client: Record<string, Json>; server: Record<string, Json> };
      new SshTunnel(`${name}${s}`, { client: withGw(client), server: withGw(server), ...(rest as object) } as never);
    }
  } catch (e) {
    stop();
    await settle();
    return { refused: reported[0]?.message ?? String((e as Error).message ?? e), userError: reported.length > 0 };
  }
  const names = Object.keys(gws);
  const res = await Promise.allSettled(names.map((n) => valueOf(gws[n]!.state)));
  stop();
  const bad = res.find((x): x is PromiseRejectedResult => x.status === "rejected");
  if (bad) return { refused: reported[0]?.message ?? String((bad.reason as Error)?.message ?? bad.reason), userError: reported.length > 0 };
  const states: Record<string, HostState> = {};
  names.forEach((n, i) => (states[n] = (res[i] as PromiseFulfilledResult<HostState>).value));
  return { states };
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

