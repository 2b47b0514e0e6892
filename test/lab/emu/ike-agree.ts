/**
 * TEST DOUBLE helper — when would two isakmpd(8) instances bring a tunnel up? (pure)
 *
 * This is the emulator's stand-in for IKEv1 negotiation. It reads the connections out of each gateway's
 * isakmpd configuration database (what `ipsecctl -f` wrote to the FIFO, see ike-db.ts) and declares a phase 2
 * SA established between gateway A's connection and gateway B's connection when, as in a real exchange:
 * - isakmpd runs on both (the caller passes only running daemons' databases) and at least one side lists the
 *   connection in `[Phase 2]:Connections` (active; `Passive-Connections` only respond), and an active side is
 *   not held passive by `-S`;
 * - each side's `ISAKMP-peer` `Address` is an address of the other gateway (a peer section without `Address`,
 *   ipsecctl's `peer-default`, accepts anyone) and `Local-address`, when set, is an address of its own gateway
 *   and the one the other side names;
 * - phase 1 agrees: exchange type, a transform with the same authentication method, hash, encryption, key
 *   length and group, and for PRE_SHARED the same `Authentication` string (the PSK); Remote-IDs, when set, equal
 *   the other side's ID;
 * - phase 2 agrees: the selectors are mirrored (A's Local-ID is B's Remote-ID and vice versa, with protocol and
 *   ports), same protocol (ESP/AH), a transform with the same cipher, key length, authentication, PFS group and
 *   encapsulation mode.
 *
 * - for RSA_SIG, each side can authenticate to the other (ike-keys.ts): it has a usable local.key, and the
 *   other holds its public key under pubkeys/ID or trusts the CA of its certificate naming the ID.
 *
 * Behind a NAT (natt.ts): an end's endpoint may be the public address its peer saw its udp 500/4500 probes come
 * from (`seenAs`); it still binds to and identifies with its own address (RFC 3947/3948 NAT-T).
 *
 * Not emulated (documented limits): pf filtering of udp 500/4500 and esp between the peers, ESP data,
 * lifetimes and rekeying, DPD. Flows are recomputed on every read, so a
 * change of configuration on either side shows at once (a real isakmpd keeps an established SA until it expires
 * or `ipsecctl -d`/`-F` removes it).
 */
import { IPv4, IPv4CidrRange, IPv4Mask, IPv6, IPv6CidrRange, IPv6Mask, collapseIPv6Number } from "ip-num";
import { type IkeDb, splitList } from "./ike-db";
import { authenticates, idFileName, type IkeKeys } from "./ike-keys";

/** A phase 2 selector (isakmpd ID section of type IPV4/IPV6_ADDR[_SUBNET]). */
export interface IkeSelector {
  family: "inet" | "inet6";
  /** Canonical network address text. */
  address: string;
  prefixlen: number;
  /** IP protocol number, 0 for any. */
  proto: number;
  /** Port, 0 for any. */
  port: number;
}

/** A phase 1 or phase 2 transform, the attributes that must agree. */
export interface IkeTransform {
  attrs: Record<string, string>;
}

/** One isakmpd connection (phase 2 section) with everything negotiation looks at. */
export interface IkeConnection {
  /** Phase 2 section name (`from-10.1.0.0/24-to-10.2.0.0/24`). */
  name: string;
  /** Listed in `Connections` (initiates) rather than `Passive-Connections`. */
  active: boolean;
  /** Peer `Address`, undefined for the default peer. */
  peer?: string;
  /** Peer `Local-address`. */
  local?: string;
  /** PSK, when the phase 1 transforms use PRE_SHARED. */
  psk?: string;
  exchange: string;
  p1: IkeTransform[];
  /** Phase 1 ID we send (`[id-…]`), as `TYPE:value`; undefined = our address. */
  id?: string;
  /** Phase 1 ID we require from the peer; undefined = anything. */
  remoteId?: string;
  local2: IkeSelector;
  remote2: IkeSelector;
  /**
   * `NAT-ID` (ipsec.conf `from ADDR (NET)`): the true local network. Phase 2 negotiates `local2` (what the
   * peer's selectors name); the local flows and SAs are installed for this network, and pf nat-to on enc0
   * translates between them (ipsec.conf(5) "OUTGOING NETWORK ADDRESS TRANSLATION").
   */
  nat2?: IkeSelector;
  protocol: string;
  p2: IkeTransform[];
  /** `PF-Tag`. */
  tag?: string;
}

/** isakmpd ID section → selector; undefined when incomplete. */
function selector(db: IkeDb, name: string | undefined): IkeSelector | undefined {
  if (!name) return undefined;
  const s = db[name];
  if (!s) return undefined;
  const proto = Number(s.Protocol ?? 0) || 0;
  const port = Number(s.Port ?? 0) || 0;
  try {
    switch (s["ID-type"]) {
      case "IPV4_ADDR":
        return { family: "inet", address: IPv4.fromString(s.Address ?? "").toString(), prefixlen: 32, proto, port };
      case "IPV6_ADDR":
        return { family: "inet6", address: collapseIPv6Number(IPv6.fromString(s.Address ?? "").toString()), prefixlen: 128, proto, port };
      case "IPV4_ADDR_SUBNET": {
        const len = Number(IPv4Mask.fromDecimalDottedString(s.Netmask ?? "").prefix.toString());
        const r = IPv4CidrRange.fromCidr(`${s.Network}/${len}`);
        return { family: "inet", address: r.getFirst().toString(), prefixlen: len, proto, port };
      }
      case "IPV6_ADDR_SUBNET": {
        const len = Number(new IPv6Mask(s.Netmask ?? "").prefix.toString());
        const r = IPv6CidrRange.fromCidr(`${s.Network}/${len}`);
        return { family: "inet6", address: collapseIPv6Number(r.getFirst().toString()), prefixlen: len, proto, port };
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function phase1Id(db: IkeDb, name: string | undefined): string | undefined {
  if (!name || !db[name]) return undefined;
  const s = db[name]!;
  return `${s["ID-type"] ?? ""}:${s.Name ?? s.Address ?? ""}`;
}

function transforms(db: IkeDb, list: string | undefined): IkeTransform[] {
  return splitList(list).flatMap((t) => (db[t] ? [{ attrs: { ...db[t]! } }] : []));
}

/** The connections isakmpd would negotiate, from its configuration database. */
export function ikeConnections(db: IkeDb): IkeConnection[] {
  const p2 = db["Phase 2"] ?? {};
  const names = [
    ...splitList(p2.Connections).map((n) => ({ n, active: true })),
    ...splitList(p2["Passive-Connections"]).map((n) => ({ n, active: false })),
  ];
  const out: IkeConnection[] = [];
  for (const { n, active } of names) {
    const c = db[n];
    if (!c) continue;
    const peerName = c["ISAKMP-peer"];
    const peer = peerName ? db[peerName] : undefined;
    const p1 = peer ? db[peer.Configuration ?? ""] : undefined;
    const ph2 = db[c.Configuration ?? ""];
    const suite = ph2 ? db[splitList(ph2.Suites)[0] ?? ""] : undefined;
    const proto = suite ? db[splitList(suite.Protocols)[0] ?? ""] : undefined;
    const local2 = selector(db, c["Local-ID"]);
    const remote2 = selector(db, c["Remote-ID"]);
    // ike.c writes Protocol/Port only into the Local-ID and Remote-ID sections: the NAT-ID's come from Local-ID
    const natSel = c["NAT-ID"] !== undefined ? selector(db, c["NAT-ID"]) : undefined;
    const nat2 = natSel && local2 ? { ...natSel, proto: local2.proto, port: local2.port } : undefined;
    if (!peer || !p1 || !proto || !local2 || !remote2) continue;
    const p1x = transforms(db, p1.Transforms);
    const psk = p1x.some((t) => t.attrs.AUTHENTICATION_METHOD === "PRE_SHARED") ? peer.Authentication : undefined;
    out.push({
      name: n,
      active,
      peer: peer.Address,
      local: peer["Local-address"],
      psk,
      exchange: p1.EXCHANGE_TYPE ?? "ID_PROT",
      p1: p1x,
      id: phase1Id(db, peer.ID),
      remoteId: phase1Id(db, peer["Remote-ID"]),
      local2,
      remote2,
      ...(nat2 ? { nat2 } : {}),
      protocol: proto.PROTOCOL_ID ?? "IPSEC_ESP",
      p2: transforms(db, proto.Transforms),
      tag: c["PF-Tag"],
    });
  }
  return out;
}

/** Key length `128,128:256`: default and acceptable range. */
function keyRange(v: string | undefined): { def: number; lo: number; hi: number } | undefined {
  if (!v) return undefined;
  const m = /^(\d+)(?:,(\d+):(\d+))?$/.exec(v);
  if (!m) return undefined;
  const def = Number(m[1]);
  return { def, lo: Number(m[2] ?? def), hi: Number(m[3] ?? def) };
}

function sameTransform(a: IkeTransform, b: IkeTransform, keys: readonly string[]): boolean {
  for (const k of keys) if (a.attrs[k] !== b.attrs[k]) return false;
  const ka = keyRange(a.attrs.KEY_LENGTH);
  const kb = keyRange(b.attrs.KEY_LENGTH);
  if (!ka || !kb) return ka === kb;
  return ka.def >= kb.lo && ka.def <= kb.hi && kb.def >= ka.lo && kb.def <= ka.hi;
}

/** The first initiator transform the responder accepts (isakmpd picks the first acceptable proposal). */
function agreedTransform(init: IkeTransform[], resp: IkeTransform[], keys: readonly string[]): IkeTransform | undefined {
  return init.find((a) => resp.some((b) => sameTransform(a, b, keys)));
}

const P1_KEYS = ["AUTHENTICATION_METHOD", "HASH_ALGORITHM", "ENCRYPTION_ALGORITHM", "GROUP_DESCRIPTION"] as const;
const P2_KEYS = ["TRANSFORM_ID", "AUTHENTICATION_ALGORITHM", "GROUP_DESCRIPTION", "ENCAPSULATION_MODE"] as const;

function sameSelector(a: IkeSelector, b: IkeSelector): boolean {
  return a.family === b.family && a.address === b.address && a.prefixlen === b.prefixlen && a.proto === b.proto && a.port === b.port;
}

/** A gateway as the negotiation sees it. */
export interface IkeGateway {
  name: string;
  /** Every address of the gateway (interfaces; a carp interface's only where it is the elected MASTER, carp-elect.ts). */
  addresses: string[];
  /** Connections of its running isakmpd (empty when isakmpd does not run). */
  connections: IkeConnection[];
  /** isakmpd runs with `-S` and sasyncd has not made this node the carp master: initiates nothing, answers nothing. */
  held: boolean;
  /** Its /etc/isakmpd keys and certificates (read when a connection uses RSA_SIG; ike-keys.ts). */
  keys?: IkeKeys;
  /** Behind a NAT (natt.ts): public address → this gateway's own address, the addresses its peers see it at. */
  seenAs?: Record<string, string>;
}

/**
 * Can a peer reach the gateway at `x`? Its own addresses; behind a NAT (natt.ts) only the NAT's public address:
 * the peer's packets to its private address never arrive, and its own packets reach the peer from the public one.
 */
const natted = (g: IkeGateway) => Object.keys(g.seenAs ?? {}).length > 0;
const reachable = (g: IkeGateway, x: string) => (natted(g) ? g.seenAs![x] !== undefined : g.addresses.includes(x));
/** The gateway's own address behind a public alias (what it binds to and sends as its default ID). */
const own = (g: IkeGateway, x: string) => g.seenAs?.[x] ?? x;

/** An established phase 2 between a local connection and a peer's connection. */
export interface IkeTunnel {
  /** Local connection. */
  conn: IkeConnection;
  /** Local endpoint address. */
  localAddress: string;
  /** Remote endpoint address. */
  peerAddress: string;
  /** Peer gateway name. */
  peerGateway: string;
  /** Agreed phase 2 transform. */
  p2: IkeTransform;
  /** Our and the peer's phase 1 IDs as installed in flows (`192.0.2.1/32`, or the FQDN). */
  srcid: string;
  dstid: string;
  /** A NAT is between the ends: IKE and ESP float to udp 4500 (the SAs are ESP-in-UDP). */
  natt: boolean;
  /** The peer's own address (behind a NAT: not `peerAddress`); both ends derive the SAs' SPIs from own addresses. */
  peerOwn: string;
}

function idText(id: string | undefined, address: string): string {
  if (!id) return address.includes(":") ? `${address}/128` : `${address}/32`;
  const i = id.indexOf(":");
  const type = id.slice(0, i);
  const v = id.slice(i + 1);
  if (type === "IPV4_ADDR") return `${v}/32`;
  if (type === "IPV6_ADDR") return `${v}/128`;
  return v;
}

/** Does connection `a` on gateway `ga` pair with connection `b` on gateway `gb`? Returns endpoints when so. */
function pair(ga: IkeGateway, a: IkeConnection, gb: IkeGateway, b: IkeConnection): { la: string; lb: string } | undefined {
  // endpoints: what each side names as its peer must be an address of the other
  const la = a.local ?? b.peer ?? ga.addresses[0];
  const lb = b.local ?? a.peer ?? gb.addresses[0];
  if (la === undefined || lb === undefined) return undefined;
  // `local` is the gateway's own address; what the other side names must reach it (behind a NAT: the public one)
  if (a.local !== undefined ? !ga.addresses.includes(a.local) : !reachable(ga, la)) return undefined;
  if (b.local !== undefined ? !gb.addresses.includes(b.local) : !reachable(gb, lb)) return undefined;
  if (a.peer !== undefined && ((a.peer !== lb && own(gb, a.peer) !== lb) || !reachable(gb, a.peer))) return undefined;
  if (b.peer !== undefined && ((b.peer !== la && own(ga, b.peer) !== la) || !reachable(ga, b.peer))) return undefined;
  if (a.peer === undefined && b.peer === undefined) return undefined;
  return { la, lb };
}

/** Tunnels established for `self` with any of `peers` (see the module comment for the rules). */
export function establishedTunnels(self: IkeGateway, peers: readonly IkeGateway[]): IkeTunnel[] {
  const out: IkeTunnel[] = [];
  if (self.held) return out;
  for (const a of self.connections) {
    for (const g of peers) {
      if (g.held) continue;
      const found = g.connections.find((b) => agrees(self, a, g, b));
      if (!found) continue;
      const ends = pair(self, a, g, found)!;
      const init = a.active ? a : found;
      const resp = init === a ? found : a;
      const p2 = agreedTransform(init.p2, resp.p2, P2_KEYS)!;
      // behind a NAT each end binds to and identifies with its own address; the other names the public one
      out.push({
        conn: a,
        localAddress: own(self, ends.la),
        peerAddress: ends.lb,
        peerGateway: g.name,
        p2,
        srcid: idText(a.id, own(self, ends.la)),
        dstid: idText(found.id, own(g, ends.lb)),
        natt: own(self, ends.la) !== ends.la || own(g, ends.lb) !== ends.lb,
        peerOwn: own(g, ends.lb),
      });
      break;
    }
  }
  return out;
}

function agrees(ga: IkeGateway, a: IkeConnection, gb: IkeGateway, b: IkeConnection): boolean {
  if (!a.active && !b.active) return false;
  const ends = pair(ga, a, gb, b);
  if (!ends) return false;
  if (a.exchange !== b.exchange) return false;
  const init = a.active ? a : b;
  const resp = init === a ? b : a;
  const p1 = agreedTransform(init.p1, resp.p1, P1_KEYS);
  if (!p1) return false;
  if (p1.attrs.AUTHENTICATION_METHOD === "PRE_SHARED" && (a.psk === undefined || a.psk !== b.psk)) return false;
  const addrId = (x: string) => `${x.includes(":") ? "IPV6_ADDR" : "IPV4_ADDR"}:${x}`;
  const idA = a.id ?? addrId(own(ga, ends.la));
  const idB = b.id ?? addrId(own(gb, ends.lb));
  if (a.remoteId !== undefined && a.remoteId !== idB) return false;
  if (b.remoteId !== undefined && b.remoteId !== idA) return false;
  if (p1.attrs.AUTHENTICATION_METHOD === "RSA_SIG") {
    // each side signs with its local.key; the other verifies with pubkeys/ID or the certificate its CA issued
    const na = idFileName(idA);
    const nb = idFileName(idB);
    if (!ga.keys || !gb.keys || !na || !nb) return false;
    if (!authenticates(ga.keys, na, gb.keys) || !authenticates(gb.keys, nb, ga.keys)) return false;
  }
  if (!sameSelector(a.local2, b.remote2) || !sameSelector(a.remote2, b.local2)) return false;
  if (a.protocol !== b.protocol) return false;
  return agreedTransform(init.p2, resp.p2, P2_KEYS) !== undefined;
}
