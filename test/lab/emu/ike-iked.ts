/**
 * TEST DOUBLE helper — iked(8)'s loaded policies and when two iked instances agree (IKEv2).
 *
 * The emulated iked keeps the text of the configuration it loaded (`iked -f`, `ikectl load|reload`) in
 * `/var/emu/iked.json` with the `since` stamp of its run. A child SA is up between policy A (this gateway) and
 * policy B (a peer) when both ikeds run (and neither is held passive by `-S`), at least one policy is active and
 * no `set passive` applies to it, each side's `peer` (when not any) is an address of the other gateway and its
 * `local` (when not any) one of its own, the flows are mirrored (same set, source and destination swapped),
 * both use the same PSK (string and `0x` hex compared as bytes) or both sign and each can verify the other
 * (its public key under pubkeys/ID, or a certificate for its ID from a trusted CA: ike-keys.ts), `dstid` (when set) equals the other side's `srcid` (default: its hostname), the SA protocol and
 * mode are equal, and the IKE SA and child SA proposals intersect (enc, prf, auth, group; esn for child SAs).
 * iked then installs, per flow, an inbound `type use` and an outbound `type require` flow with typed
 * identities (`srcid FQDN/gw1`), and — when no policy of this gateway has an IPv6 flow — the
 * `flow esp out from ::/0 to ::/0 type deny` (reference B.2).
 */
import { expandIkedPolicy, parseIkedConf, type IkedExpandedPolicy, type IkedProposal, type IkedResolvedAddr } from "../../../sdk/model/iked";
import { flowKey, portText, protoText, spiFor, type KernelFlow, type KernelSa } from "./ipsec-kernel";
import { rootPath, type ServiceTable } from "./state";
import { authenticates, readIkeKeys, type IkeKeys, type StartSnapshot } from "./ike-keys";
import { join } from "node:path";
import type { EspPath } from "./natt";

/** `/var/emu/iked.json`. */
export interface IkedState {
  /** `since` of the iked run that loaded it. */
  since?: string;
  /** The loaded configuration text and its file name. */
  conf?: { file: string; text: string };
  /** The file iked was started with (`-f`, default /etc/iked.conf): what `ikectl reload` re-reads. */
  startFile?: string;
}

export const emptyIked = (): IkedState => ({});

type Reader = <T>(where: string | undefined, name: string, init: () => T) => Promise<T>;

/** iked's view of one gateway. */
interface IkedGateway {
  name: string;
  /** Its /etc/iked keys and certificates (ike-keys.ts). */
  keys: IkeKeys;
  addresses: string[];
  policies: IkedExpandedPolicy[];
  globalPassive: boolean;
  held: boolean;
  /** Behind a NAT (natt.ts): public address → this gateway's own address. */
  seenAs?: Record<string, string>;
}

/** NAT traversal hooks (natt.ts): discovery by an initiator, and the aliases each side knows. */
export interface IkedNat {
  discover(peer: string, local: string | undefined, own: string[]): Promise<unknown>;
  selfAliases(): Promise<Record<string, string>>;
  peerAliases(name: string): Promise<Record<string, string>>;
}

/** `x` names gateway `g`: its own address, or the public address of a NAT in front of `own` (natt.ts). */
const names = (g: IkedGateway, x: string, own: string) => (Object.keys(g.seenAs ?? {}).length > 0 ? g.seenAs![x] === own : x === own);

/** Parse and expand a loaded configuration; policies that fail expansion are skipped (iked refused the file). */
export function ikedPolicies(text: string, file: string): { policies: IkedExpandedPolicy[]; passive: boolean } {
  const conf = parseIkedConf(text, file).value;
  const policies: IkedExpandedPolicy[] = [];
  conf.policies.forEach((p, i) => {
    const r = expandIkedPolicy(p, i + 1);
    if (r.ok) policies.push(r.value);
  });
  const passive = conf.settings.some((s) => s.kind === "flag" && s.flag === "passive");
  return { policies, passive };
}

async function gateway(name: string, where: string | undefined, read: Reader, addresses: (w: string | undefined) => Promise<string[]>, held: (d: string, w: string | undefined) => Promise<boolean>): Promise<IkedGateway | undefined> {
  const run = (await read<ServiceTable>(where, "services", () => ({ running: {} }))).running.iked;
  if (!run) return undefined;
  const st = await read<IkedState>(where, "iked", emptyIked);
  const loaded = st.since === run.since && st.conf ? ikedPolicies(st.conf.text, st.conf.file) : { policies: [], passive: false };
  // signature authentication: the keys and certificates under its /etc/iked (a peer's root is beside its /var/emu)
  const etc = where === undefined ? rootPath("/etc/iked") : join(where, "..", "..", "etc", "iked");
  const signs = loaded.policies.some((p) => p.policy.auth?.kind !== "psk");
  const snap = await read<Partial<StartSnapshot>>(where, "iked-x509", () => ({}));
  const keys = signs ? await readIkeKeys(etc, false, snap.since === run.since ? (snap as StartSnapshot) : undefined) : { pubkeys: {}, cas: [], certs: [] };
  return { name, keys, addresses: await addresses(where), policies: loaded.policies, globalPassive: loaded.passive, held: await held("iked", where) };
}

function addrText(a: IkedResolvedAddr): string {
  const full = a.af === "inet6" ? 128 : 32;
  if (a.af === undefined) return "any";
  return a.mask === full ? a.text : `${a.text}/${a.mask}`;
}

function flowSig(src: IkedResolvedAddr, dst: IkedResolvedAddr, proto: number): string {
  return `${proto}|${addrText(src)}:${src.port}|${addrText(dst)}:${dst.port}`;
}

function pskBytes(p: IkedExpandedPolicy): string | undefined {
  const a = p.policy.auth;
  if (a?.kind !== "psk") return undefined;
  return /^0x[0-9a-f]+$/i.test(a.value) ? a.value.slice(2).toLowerCase() : Buffer.from(a.value, "utf8").toString("hex");
}

/** The typed identity iked installs: `FQDN/host`, `UFQDN/user@host`, `IPV4/a.b.c.d`, `ASN1_DN//C=…`. */
function typedId(id: string): string {
  if (/^(FQDN|UFQDN|IPV4|IPV6|ASN1_DN|KEYID)\//.test(id)) return id;
  if (id.startsWith("/")) return `ASN1_DN/${id}`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(id)) return `IPV4/${id}`;
  if (id.includes(":")) return `IPV6/${id}`;
  if (id.includes("@")) return `UFQDN/${id}`;
  return `FQDN/${id}`;
}

const inter = (a: readonly string[], b: readonly string[]) => a.filter((x) => b.includes(x));

/** `IPV4/192.0.2.1` → `ipv4/192.0.2.1` (pubkeys/ and SAN lookups); undefined for DN and key IDs. */
function idFile(typed: string): string | undefined {
  const i = typed.indexOf("/");
  const t = { IPV4: "ipv4", IPV6: "ipv6", FQDN: "fqdn", UFQDN: "ufqdn" }[typed.slice(0, i)];
  return t === undefined ? undefined : `${t}/${typed.slice(i + 1)}`;
}

/** First pair of proposals (initiator order) that intersect; the agreed child transforms. */
function agreedProposal(init: IkedProposal[], resp: IkedProposal[], sa: "ikesa" | "childsa"): { enc: string; auth?: string } | undefined {
  for (const a of init.filter((p) => p.sa === sa)) {
    for (const b of resp.filter((p) => p.sa === sa)) {
      const enc = inter(a.enc, b.enc);
      if (!enc.length) continue;
      if (a.auth.length + b.auth.length && !inter(a.auth, b.auth).length) continue;
      if (sa === "ikesa" && !inter(a.prf, b.prf).length) continue;
      if (!inter(a.group, b.group).length) continue;
      if (sa === "childsa" && a.esn.length + b.esn.length && !inter(a.esn, b.esn).length) continue;
      return { enc: enc[0]!, auth: inter(a.auth, b.auth)[0] };
    }
  }
  return undefined;
}

function endpoints(ga: IkedGateway, a: IkedExpandedPolicy, gb: IkedGateway, b: IkedExpandedPolicy): { la: string; lb: string } | undefined {
  const named = (x: IkedResolvedAddr) => (x.af === undefined || x.net ? undefined : x.text);
  const la = named(a.local) ?? named(b.peer) ?? ga.addresses[0];
  const lb = named(b.local) ?? named(a.peer) ?? gb.addresses[0];
  if (!la || !lb || !ga.addresses.includes(la) || !gb.addresses.includes(lb)) return undefined;
  if (named(a.peer) !== undefined && !names(gb, named(a.peer)!, lb)) return undefined;
  if (named(b.peer) !== undefined && !names(ga, named(b.peer)!, la)) return undefined;
  return { la, lb };
}

function agree(ga: IkedGateway, a: IkedExpandedPolicy, gb: IkedGateway, b: IkedExpandedPolicy): { la: string; lb: string; via: string; child: { enc: string; auth?: string } } | undefined {
  const activeA = a.policy.mode === "active" && !ga.globalPassive;
  const activeB = b.policy.mode === "active" && !gb.globalPassive;
  if (!activeA && !activeB) return undefined;
  const ends = endpoints(ga, a, gb, b);
  if (!ends) return undefined;
  if (a.policy.saProto !== b.policy.saProto || a.policy.encapsulation !== b.policy.encapsulation) return undefined;
  const mine = new Set(a.flows.map((f) => flowSig(f.src, f.dst, f.proto)));
  const theirs = new Set(b.flows.map((f) => flowSig(f.dst, f.src, f.proto)));
  if (mine.size !== theirs.size || [...mine].some((s) => !theirs.has(s))) return undefined;
  const pa = pskBytes(a), pb = pskBytes(b);
  if (pa !== pb) return undefined;
  if (pa === undefined) {
    // signatures: each side signs with its local.key; the other verifies with pubkeys/ID or its CA (ike-keys.ts)
    const na = idFile(typedId(a.policy.srcid ?? ga.name));
    const nb = idFile(typedId(b.policy.srcid ?? gb.name));
    if (!na || !nb || !authenticates(ga.keys, na, gb.keys) || !authenticates(gb.keys, nb, ga.keys)) return undefined;
  }
  if (a.policy.dstid !== undefined && a.policy.dstid !== (b.policy.srcid ?? gb.name)) return undefined;
  if (b.policy.dstid !== undefined && b.policy.dstid !== (a.policy.srcid ?? ga.name)) return undefined;
  const [init, resp] = activeA ? [a, b] : [b, a];
  if (!agreedProposal(init.proposals, resp.proposals, "ikesa")) return undefined;
  const child = agreedProposal(init.proposals, resp.proposals, "childsa");
  // the peer as this end reaches it: its `peer` (a NAT's public address) or the other end's own address
  // (a passive responder without `peer` sees the initiator at its NAT's public address)
  const alias = Object.entries(gb.seenAs ?? {}).find(([, v]) => v === ends.lb)?.[0];
  const via = a.peer.af === undefined || a.peer.net ? (alias ?? ends.lb) : a.peer.text;
  return child ? { ...ends, via, child } : undefined;
}

const ENC_SA: Record<string, string> = { "aes-128": "aes", "aes-192": "aes-192", "aes-256": "aes-256", "3des": "3des-cbc", cast: "cast128", "aes-128-ctr": "aesctr", "aes-192-ctr": "aesctr", "aes-256-ctr": "aesctr" };

/** Flows and SAs iked negotiated for this gateway (none until both ends' policies agree). */
export async function ikedTunnels(
  self: string,
  peers: readonly { name: string; stateDir: string; addresses: string[] }[] | (() => Promise<readonly { name: string; stateDir: string; addresses: string[] }[]>),
  read: Reader,
  addresses: (where: string | undefined) => Promise<string[]>,
  held: (daemon: string, where: string | undefined) => Promise<boolean>,
  nat?: IkedNat,
): Promise<{ flows: KernelFlow[]; sas: KernelSa[]; esp: EspPath[] }> {
  const flows: KernelFlow[] = [];
  const sas: KernelSa[] = [];
  // the tunnels' data paths (natt.ts espd.py): this end's own address, the peer as reached, the remote networks
  const esp: EspPath[] = [];
  const me = await gateway(self, undefined, read, addresses, held);
  if (!me) return { flows, sas, esp };
  // the peers' state is read only when this gateway runs iked (a thunk: the caller's scan of every peer is skipped)
  const peerList = typeof peers === "function" ? await peers() : peers;
  if (nat && !me.held) {
    // an initiator probes the peer gateways it names (udp 500, then 4500 behind a NAT)
    for (const a of me.policies) {
      const peer = a.peer.af === undefined || a.peer.net ? undefined : a.peer.text;
      const local = a.local.af === undefined || a.local.net ? undefined : a.local.text;
      if (a.policy.mode === "active" && !me.globalPassive && peer && peerList.some((p) => p.addresses.includes(peer))) await nat.discover(peer, local, me.addresses);
    }
    me.seenAs = await nat.selfAliases();
  }
  const others = (await Promise.all(peerList.map(async (p) => {
    const g = await gateway(p.name, p.stateDir, read, addresses, held);
    return g && nat ? { ...g, seenAs: await nat.peerAliases(p.name) } : g;
  }))).filter((g): g is IkedGateway => g !== undefined && !g.held);
  const push = (line: string) => flows.push({ line, key: flowKey(line) });
  if (!me.held) {
    for (const a of me.policies) {
      for (const g of others) {
        const b = g.policies.find((p) => agree(me, a, g, p));
        if (!b) continue;
        const ok = agree(me, a, g, b)!;
        const sat = a.policy.saProto;
        const ids = ` srcid ${typedId(a.policy.srcid ?? self)} dstid ${typedId(b.policy.srcid ?? g.name)}`;
        for (const f of a.flows) {
          const proto = f.proto ? ` proto ${protoText(f.proto)}` : "";
          const end = (x: IkedResolvedAddr) => `${addrText(x)}${x.port ? ` port ${portText(x.port, f.proto ?? 0)}` : ""}`;
          push(`flow ${sat} in${proto} from ${end(f.dst)} to ${end(f.src)} peer ${ok.via}${ids} type use`);
          push(`flow ${sat} out${proto} from ${end(f.src)} to ${end(f.dst)} peer ${ok.via}${ids} type require`);
        }
        const algs = `${ok.child.auth ? ` auth ${ok.child.auth}` : ""} enc ${ENC_SA[ok.child.enc] ?? ok.child.enc}`;
        const mode = a.policy.encapsulation;
        const natt = ok.via !== ok.lb || Object.values(me.seenAs ?? {}).includes(ok.la);
        for (const [src, dst] of [[ok.la, ok.via], [ok.via, ok.la]] as const) {
          // the same seed on both gateways: selectors seen from the SA's source side
          const sel = a.flows.map((f) => (src === ok.la ? flowSig(f.src, f.dst, f.proto) : flowSig(f.dst, f.src, f.proto))).sort().join(",");
          // seeded with the ends' own addresses, so both ends show the same SPI for one SA (a NAT changes `via`)
          const spi = spiFor(`iked|${src === ok.la ? ok.la : ok.lb}>${dst === ok.la ? ok.la : ok.lb}|${sel}`);
          sas.push({ line: `${sat} ${mode} from ${src} to ${dst} spi 0x${spi.toString(16).padStart(8, "0")}${algs}`, key: `${sat}|${dst}|${spi}`, spi, ...(natt ? { udpencap: 4500 } : {}) });
        }
        // the data path (natt.ts espd.py) of the pair just pushed (out, then in): ESP, or in UDP 4500 with NAT-T
        const nets = a.flows.filter((f) => f.dst.af === "inet").map((f) => `${f.dst.text}/${f.dst.mask}`);
        if (sat === "esp" && mode === "tunnel" && nets.length && !ok.la.includes(":") && !ok.via.includes(":"))
          esp.push({ local: ok.la, peer: ok.via, remoteNets: [...new Set(nets)], spiOut: sas[sas.length - 2]!.spi, spiIn: sas[sas.length - 1]!.spi, natt });
        break;
      }
    }
  }
  if (!me.policies.some((p) => p.flows.some((f) => f.src.af === "inet6"))) push("flow esp out from ::/0 to ::/0 type deny");
  return { flows, sas, esp };
}
