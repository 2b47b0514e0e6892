/**
 * TEST DOUBLE helper — the running IKE daemons' state on this gateway and its peers, and the kernel view that
 * `ipsecctl -s` prints.
 *
 * isakmpd's configuration database lives in `/var/emu/isakmpd.json` together with the `since` stamp of the
 * daemon run that built it (services.json): when isakmpd is restarted (new stamp) or stopped, the database is
 * empty again, exactly as a real isakmpd forgets what `ipsecctl -f` told it. iked keeps its loaded policies in
 * `/var/emu/iked.json` the same way; sasyncd records its carp interface, peers and key hash in `/var/emu/sasyncd.json`.
 */
import { readPeerState, readState, withState, peerGateways, emptyInterfaceTable, rootPath, stateDir, type InterfaceTable, type ServiceTable } from "./state";
import { readIkeKeys, type StartSnapshot } from "./ike-keys";
import { join } from "node:path";
import { carpStates } from "./carp-elect";
import { type IkeDb } from "./ike-db";
import { establishedTunnels, ikeConnections, type IkeGateway } from "./ike-agree";
import { emptyKernel, saAlgorithms, tunnelFlows, tunnelSas, type IpsecKernel, type KernelFlow, type KernelSa } from "./ipsec-kernel";
import { hasFlag } from "./ike-daemon";
import { ikedTunnels, type IkedNat, type IkedState, emptyIked } from "./ike-iked";
import { discoverNat, peerAliases, selfAliases, syncEspd, type EspPath } from "./natt";

/** `/var/emu/isakmpd.json`. */
export interface IsakmpdState {
  /** `since` of the isakmpd run this database belongs to. */
  since?: string;
  db: IkeDb;
}

/** `/var/emu/sasyncd.json`. */
export interface SasyncdState {
  since?: string;
  /** carp interface from sasyncd.conf `interface`. */
  interface?: string;
  /** `control isakmpd|iked|all|none`. */
  control?: string;
  /** `peer` addresses/names. */
  peers?: string[];
  /** SHA-256 of the `sharedkey` (hex digits or word as written): two sasyncds talk only with the same key. */
  keyHash?: string;
}

export const emptyIsakmpd = (): IsakmpdState => ({ db: {} });
const emptyServices = (): ServiceTable => ({ running: {} });
const emptyIfs = (): InterfaceTable => ({ interfaces: [], demote: {} });

/** Where to read a gateway's state: this gateway (`undefined`) or a peer's `/var/emu`. */
type Where = string | undefined;

async function read<T>(where: Where, name: string, init: () => T): Promise<T> {
  return where === undefined ? readState(name, init) : readPeerState(where, name, init);
}

/** The daemon's run stamp, or undefined when it is not running. */
export async function runStamp(name: string, where?: Where): Promise<{ since: string; flags: string } | undefined> {
  return (await read(where, "services", emptyServices)).running[name];
}

/** The running isakmpd's database (undefined when isakmpd does not run). */
export async function isakmpdDb(where?: Where): Promise<IkeDb | undefined> {
  const run = await runStamp("isakmpd", where);
  if (!run) return undefined;
  const st = await read(where, "isakmpd", emptyIsakmpd);
  return st.since === run.since ? st.db : {};
}

/** Read-modify-write the running isakmpd's database; false when isakmpd does not run. */
export async function withIsakmpdDb(fn: (db: IkeDb) => IkeDb): Promise<boolean> {
  const run = await runStamp("isakmpd");
  if (!run) return false;
  await withState<IsakmpdState>("isakmpd", emptyIsakmpd, (st) => {
    const db = st.since === run.since ? st.db : {};
    return { since: run.since, db: fn(db) };
  });
  return true;
}

/** True when a keying daemon started with `-S` must stay passive: sasyncd has not made this node carp MASTER. */
async function heldBySasyncd(daemon: string, where: Where): Promise<boolean> {
  const run = await runStamp(daemon, where);
  if (!run || !hasFlag(run.flags, "S")) return false;
  const sas = await runStamp("sasyncd", where);
  if (!sas) return true;
  const st = await read<SasyncdState>(where, "sasyncd", () => ({}));
  // sasyncd only switches the daemon(s) named by `control` (default isakmpd)
  const control = st.since === sas.since ? (st.control ?? "isakmpd") : "none";
  if (control !== daemon && control !== "all") return true;
  const states = await carpStates(await read(where, "interfaces", emptyIfs), where ?? stateDir());
  return st.interface === undefined || states.get(st.interface) !== "MASTER";
}

async function addressesOf(where: Where): Promise<string[]> {
  const table = where === undefined ? await readState<InterfaceTable>("interfaces", emptyInterfaceTable) : await read(where, "interfaces", emptyIfs);
  // a carp address answers only on the elected MASTER (carp-elect.ts); link-local and loopback addresses never carry IKE here
  const states = await carpStates(table, where ?? stateDir());
  return table.interfaces
    .filter((i) => i.up !== false && i.name !== "lo0" && (!i.carp || states.get(i.name) === "MASTER"))
    .flatMap((i) => i.addresses.map((a) => a.address))
    .filter((a) => !a.startsWith("fe80:"));
}

async function ikeGateway(name: string, where: Where, extra: string[] = []): Promise<IkeGateway> {
  const db = await isakmpdDb(where);
  const run = await runStamp("isakmpd", where);
  const own = await addressesOf(where);
  // without -K isakmpd checks keynote policy, which the lab never satisfies: no tunnel
  const connections = db && run && hasFlag(run.flags, "K") ? ikeConnections(db) : [];
  // RSA_SIG: the keys and certificates under its /etc/isakmpd (a peer's root is beside its /var/emu)
  const rsa = connections.some((c) => c.p1.some((t) => t.attrs.AUTHENTICATION_METHOD === "RSA_SIG"));
  const etc = where === undefined ? rootPath("/etc/isakmpd") : join(where, "..", "..", "etc", "isakmpd");
  return {
    name,
    addresses: [...new Set([...own, ...extra])],
    connections,
    held: await heldBySasyncd("isakmpd", where),
    ...(rsa ? { keys: await readIkeKeys(etc, true, await startSnapshot("isakmpd", run?.since, where)) } : {}),
  };
}

/** What the daemon's current run loaded at start (ike-daemon.ts), when it is recorded. */
async function startSnapshot(daemon: "isakmpd" | "iked", since: string | undefined, where: Where): Promise<StartSnapshot | undefined> {
  const snap = await read<Partial<StartSnapshot>>(where, `${daemon}-x509`, () => ({}));
  return since !== undefined && snap.since === since ? (snap as StartSnapshot) : undefined;
}

/** The running sasyncd's configuration (undefined when sasyncd does not run). */
async function sasyncdOf(where: Where): Promise<SasyncdState | undefined> {
  const run = await runStamp("sasyncd", where);
  if (!run) return undefined;
  const st = await read<SasyncdState>(where, "sasyncd", () => ({}));
  return st.since === run.since ? st : undefined;
}

/** Is the carp interface sasyncd follows on that gateway MASTER (elected, carp-elect.ts)? */
async function sasyncdMaster(st: SasyncdState, where: Where): Promise<boolean> {
  if (st.interface === undefined) return false;
  const states = await carpStates(await read(where, "interfaces", emptyIfs), where ?? stateDir());
  return states.get(st.interface) === "MASTER";
}

/**
 * sasyncd(8) on a carp BACKUP: the SAs and flows of the MASTER's IKE tunnels, as its sasyncd sends them (both run,
 * same sharedkey, each names an address of the other as `peer`, the other follows a carp interface it is MASTER
 * of). Only isakmpd's tunnels are copied (the lab does not sync iked's); a real sasyncd also syncs manual SAs.
 */
async function syncedFromMaster(self: IkeGateway, peers: () => Promise<{ name: string; stateDir: string }[]>): Promise<IkeGateway[]> {
  const mine = await sasyncdOf(undefined);
  if (!mine || (await sasyncdMaster(mine, undefined))) return [];
  const out: IkeGateway[] = [];
  for (const p of await peers()) {
    const theirs = await sasyncdOf(p.stateDir);
    if (!theirs || theirs.keyHash === undefined || theirs.keyHash !== mine.keyHash) continue;
    const theirAddrs = await addressesOf(p.stateDir);
    if (!(mine.peers ?? []).some((a) => theirAddrs.includes(a))) continue;
    if (!(theirs.peers ?? []).some((a) => self.addresses.includes(a))) continue;
    if (await sasyncdMaster(theirs, p.stateDir)) out.push(await ikeGateway(p.name, p.stateDir));
  }
  return out;
}

function addTunnels(flows: KernelFlow[], sas: KernelSa[], self: IkeGateway, others: readonly IkeGateway[], esp: EspPath[] = []): void {
  for (const t of establishedTunnels(self, others)) {
    const satype = t.conn.protocol === "IPSEC_AH" ? "ah" : "esp";
    const mode = t.p2.attrs.ENCAPSULATION_MODE === "TRANSPORT" ? "transport" : "tunnel";
    // with a NAT-ID (`from ADDR (NET)`) the local side of the flows is the true network NET
    flows.push(...tunnelFlows({ satype, local: t.conn.nat2 ?? t.conn.local2, remote: t.conn.remote2, peer: t.peerAddress, srcid: t.srcid, dstid: t.dstid }));
    const pair = tunnelSas({
      satype,
      mode,
      local: t.conn.local2,
      remote: t.conn.remote2,
      localAddress: t.localAddress,
      peerAddress: t.peerAddress,
      algs: saAlgorithms(t.p2.attrs),
      ...(t.natt ? { udpencap: 4500 } : {}),
      peerOwn: t.peerOwn,
    });
    sas.push(...pair);
    // the data path (natt.ts espd.py): ESP as IP protocol 50, or in UDP 4500 with NAT-T, with the pair's SPIs
    if (satype === "esp" && mode === "tunnel" && t.conn.remote2.family === "inet" && !t.localAddress.includes(":") && !t.peerAddress.includes(":"))
      esp.push({ local: t.localAddress, peer: t.peerAddress, remoteNets: [`${t.conn.remote2.address}/${t.conn.remote2.prefixlen}`], spiOut: pair[0]!.spi, spiIn: pair[1]!.spi, natt: t.natt === true });
  }
}

/**
 * Everything PF_KEY shows on this gateway: manual flows/SAs, those the IKE daemons negotiated, and on a carp
 * BACKUP running sasyncd those its MASTER's sasyncd copied over.
 */
export async function kernelView(selfName: string): Promise<{ flows: KernelFlow[]; sas: KernelSa[] }> {
  const kernel = await readState<IpsecKernel>("ipsec", emptyKernel);
  const flows = [...kernel.flows];
  const sas = [...kernel.sas];
  // every peer's state is read at most once, and only when something on this gateway needs the peers (a gateway
  // without isakmpd connections, sasyncd or iked — most of a large mesh's reads — reads none)
  let peerList: Promise<Awaited<ReturnType<typeof peerGateways>>> | undefined;
  const peers = () => (peerList ??= peerGateways());
  const self = await ikeGateway(selfName, undefined);
  // NAT discovery (natt.ts): an initiator probes the peer gateways it names over udp 500 (and 4500 behind a NAT)
  if (!self.held && self.connections.some((c) => c.active && c.peer !== undefined)) {
    const list = await peers();
    for (const c of self.connections)
      if (c.active && c.peer !== undefined && list.some((p) => p.addresses.includes(c.peer!))) await discoverNat(selfName, self.addresses, c.peer, c.local);
  }
  self.seenAs = await selfAliases();
  const others = self.connections.length || (await sasyncdOf(undefined))
    ? await Promise.all((await peers()).map(async (p) => ({ ...(await ikeGateway(p.name, p.stateDir)), seenAs: await peerAliases(p.name) })))
    : [];
  const esp: EspPath[] = [];
  if (self.connections.length) addTunnels(flows, sas, self, others, esp);
  for (const master of await syncedFromMaster(self, peers)) {
    addTunnels(flows, sas, master, [self, ...others.filter((g) => g.name !== master.name)]);
  }
  const iked = await ikedTunnels(selfName, peers, read, addressesOf, heldBySasyncd, ikedNat(selfName));
  flows.push(...iked.flows);
  sas.push(...iked.sas);
  await syncEspd([...esp, ...iked.esp]);
  return { flows, sas };
}

/** NAT traversal for iked (natt.ts), as for isakmpd. */
function ikedNat(selfName: string): IkedNat {
  return { discover: (peer, local, own) => discoverNat(selfName, own, peer, local), selfAliases, peerAliases };
}

/** Only what iked negotiated on this gateway (for `ikectl show sa`). */
export async function ikedView(selfName: string): Promise<{ flows: KernelFlow[]; sas: KernelSa[] }> {
  return ikedTunnels(selfName, await peerGateways(), read, addressesOf, heldBySasyncd, ikedNat(selfName));
}

export type { IkedState };
export { emptyIked };
