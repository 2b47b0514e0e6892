/**
 * TEST DOUBLE helper — NAT traversal as the emulated IKE daemons see it, with real UDP through the lab's real NAT.
 *
 * Real isakmpd/iked find a NAT during IKE (RFC 3947: each side hashes the addresses and ports it sees into NAT-D
 * payloads; a mismatch means a NAT in between) and then float IKE and ESP to UDP 4500 (RFC 3948 ESP-in-UDP).
 * The emulator's IKE is not a packet exchange (ike-agree.ts decides from both ends' configuration), so this
 * module adds what a NAT changes, with real datagrams:
 *
 * - Every gateway's resident emulator (server.ts) answers on udp 500 and 4500: a probe `OBSDLAB-IKE PROBE
 *   NONCE GATEWAY LOCAL` is answered `OBSDLAB-IKE SEEN NONCE ADDR PORT` with the source address and port the
 *   datagram arrived from (what NAT-D compares), and the responder records in its `/var/emu/natt-seen.json`
 *   that GATEWAY (whose own address is LOCAL) reaches it from ADDR.
 * - An initiator (an active connection naming a peer gateway's address) probes udp 500 from its own address
 *   before the agreement is computed; when the answer shows another address than its own, a NAT is in between
 *   and it probes udp 4500 as NAT-T does, records the public address in `/var/emu/natt-self.json`, and the
 *   agreement then accepts the peer naming that public address (the peer's flows and SAs show it as `peer`,
 *   this gateway's show its own address), with `udpencap port 4500` on the SAs of both ends.
 *
 * A gateway behind a NAT that forwards nothing is therefore reachable only after it initiated, exactly as with
 * a real NAT (its mapping exists only once it sent). The probe's source port is ephemeral (not 500):
 * masquerading maps either.
 *
 * Data: the lab kernel has no ESP/xfrm. For every established tunnel-mode ESP SA pair with IPv4 ends and
 * networks (isakmpd or iked), `espd.py` carries the tunnel's packets with the SPIs `ipsecctl -sa` shows, in
 * RFC 4303 framing with the NULL cipher and no ICV (the path is real, the cryptography is not): as IP protocol
 * 50 between the gateways' addresses without NAT, as ESP in UDP 4500 between the ends' own addresses through
 * the real NAT with NAT-T. One NAT-T espd per local address (it binds ADDR:4500): one NAT-T tunnel per gateway.
 * AH, transport mode and IPv6 carry no data in the lab.
 */
import { createSocket, type Socket } from "node:dgram";
import { createHash, randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readPeerState, readState, withState, type ServiceTable } from "./state";
import { linuxEnabled, stopHelper } from "./linux";

const MAGIC = "OBSDLAB-IKE";
export const IKE_PORTS = [500, 4500] as const;

/** `/var/emu/natt-seen.json`: per peer gateway, where its probes came from (the responder's view). */
export interface NattSeen {
  peers: Record<string, { address: string; port: number; local: string; natted: boolean; at: string }>;
}
/**
 * `/var/emu/natt-self.json`: per peer address, what this gateway's last probe showed (the initiator's view):
 * `public` is the address the peer saw when a NAT is in between, `""` when there is none or no answer.
 */
export interface NattSelf {
  peers: Record<string, { public: string; port: number; local: string; at: string }>;
}
/** A probe result is reused this long (ms): reads of `ipsecctl -s` come in bursts. */
const FRESH_MS = 3000;
const emptySeen = (): NattSeen => ({ peers: {} });
const emptySelf = (): NattSelf => ({ peers: {} });

/** Starts the udp 500/4500 responder in the resident emulator of `gateway`; never throws (a port in use is logged). */
export function startIkeResponder(gateway: () => string): Socket[] {
  return IKE_PORTS.map((port) => {
    const s = createSocket({ type: "udp4", reuseAddr: true });
    s.on("error", (e) => process.stderr.write(`emud: udp ${port}: ${e.message}\n`));
    s.on("message", (msg, rinfo) => {
      const w = msg.toString("utf8").split(" ");
      if (w[0] !== MAGIC || w[1] !== "PROBE" || w.length !== 5) return;
      const [, , nonce, from, local] = w as [string, string, string, string, string];
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(from) || !/^[0-9.]{7,15}$/.test(local)) return;
      s.send(`${MAGIC} SEEN ${nonce} ${rinfo.address} ${rinfo.port}`, rinfo.port, rinfo.address);
      if (from === gateway()) return;
      void withState<NattSeen>("natt-seen", emptySeen, (st) => {
        st.peers[from] = { address: rinfo.address, port: rinfo.port, local, natted: rinfo.address !== local, at: new Date().toISOString() };
        return st;
      }).catch((e) => process.stderr.write(`emud: natt-seen: ${(e as Error).message}\n`));
    });
    s.bind(port);
    return s;
  });
}

/** One probe to `peer`:`port` from `local` (or the routed source): the address and port the peer saw, or undefined. */
export function probe(self: string, peer: string, port: number, local?: string, timeoutMs = 400, tries = 3): Promise<{ address: string; port: number; local: string } | undefined> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    const nonce = randomBytes(6).toString("hex");
    let left = tries;
    let timer: NodeJS.Timeout | undefined;
    const done = (v: { address: string; port: number; local: string } | undefined) => {
      if (timer) clearTimeout(timer);
      try { s.close(); } catch { /* closed */ }
      resolve(v);
    };
    s.on("error", () => done(undefined));
    s.on("message", (msg) => {
      const w = msg.toString("utf8").split(" ");
      if (w[0] === MAGIC && w[1] === "SEEN" && w[2] === nonce) done({ address: w[3]!, port: Number(w[4]), local: s.address().address });
    });
    const send = () => {
      if (left-- <= 0) return done(undefined);
      s.send(`${MAGIC} PROBE ${nonce} ${self} ${s.address().address}`, port, peer);
      timer = setTimeout(send, timeoutMs);
    };
    s.bind({ port: 0, ...(local ? { address: local } : {}) }, () => {
      // connect() picks the routed source address, which the probe names as LOCAL
      s.connect(port, peer, () => send());
    });
  });
}

/**
 * NAT discovery from this gateway to `peer` (an address of a peer gateway): udp 500, then — behind a NAT —
 * udp 4500. Returns the public address this gateway is seen at when a NAT is in between, else undefined.
 */
export async function discoverNat(self: string, own: readonly string[], peer: string, local?: string): Promise<string | undefined> {
  const last = (await readState<NattSelf>("natt-self", emptySelf)).peers[peer];
  if (last && Date.now() - Date.parse(last.at) < FRESH_MS) return last.public || undefined;
  const p500 = await probe(self, peer, 500, local, 150, 3);
  if (!p500 || own.includes(p500.address)) {
    await withState<NattSelf>("natt-self", emptySelf, (st) => {
      st.peers[peer] = { public: "", port: 0, local: p500?.local ?? "", at: new Date().toISOString() };
      return st;
    });
    return undefined;
  }
  const p4500 = (await probe(self, peer, 4500, local, 150, 3)) ?? p500;
  await withState<NattSelf>("natt-self", emptySelf, (st) => {
    st.peers[peer] = { public: p4500.address, port: p4500.port, local: p4500.local, at: new Date().toISOString() };
    return st;
  });
  return p4500.address;
}

/** This gateway's public aliases (public → own address) from its last probes to peers behind… its NAT. */
export async function selfAliases(): Promise<Record<string, string>> {
  const st = await readState<NattSelf>("natt-self", emptySelf);
  return Object.fromEntries(Object.values(st.peers).filter((p) => p.public !== "").map((p) => [p.public, p.local]));
}

/** The aliases under which peer gateway `name` reached this gateway through a NAT (public → its own address). */
export async function peerAliases(name: string): Promise<Record<string, string>> {
  const st = await readState<NattSeen>("natt-seen", emptySeen);
  const p = st.peers[name];
  return p && p.natted ? { [p.address]: p.local } : {};
}

/** Did `gateway`'s probes to `peerAddress` go through a NAT (read from that gateway's state directory)? */
export async function nattedVia(stateDir: string | undefined, peerAddress: string): Promise<boolean> {
  const st = stateDir === undefined ? await readState<NattSelf>("natt-self", emptySelf) : await readPeerState<NattSelf>(stateDir, "natt-self", emptySelf);
  return (st.peers[peerAddress]?.public ?? "") !== "";
}

/** One established SA pair's data path (espd.py). */
export interface EspPath {
  /** This gateway's own address (the SA's local end). */
  local: string;
  /** The peer as reached (its NAT's public address with NAT-T). */
  peer: string;
  /** The remote networks routed into the tunnel (`ADDR/LEN`, IPv4). */
  remoteNets: string[];
  /** SPI of the outbound SA (this gateway to the peer) and of the inbound one. */
  spiOut: number;
  spiIn: number;
  /** NAT-T: ESP in UDP 4500; else IP protocol 50. */
  natt: boolean;
}

/** The path's key in `/var/emu/espd.json`: a changed SA pair or network list is a new helper. */
const pathKey = (p: EspPath) => `${p.natt ? "udp" : "esp"}|${p.local}>${p.peer}|${p.spiOut}/${p.spiIn}|${[...p.remoteNets].sort().join(",")}`;
/** Data paths (espd.py processes) per gateway at most; the tunnels beyond carry no data in the lab. */
export const MAX_ESPD = 16;
/** `/var/emu/espd.json`: running espd.py helpers by path key. */
interface EspdState {
  running: Record<string, { pid: number; name: string }>;
}

function espdPath(): string {
  const src = process.env.EMU_SRC ?? dirname(fileURLToPath(import.meta.url));
  const p = join(src, "espd.py");
  return existsSync(p) ? p : join(dirname(fileURLToPath(import.meta.url)), "espd.py");
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Brings the running espd.py helpers in line with the tunnels established now (started for new ones, stopped
 * for gone ones): their data path as ESP (IP protocol 50, or UDP 4500 with NAT-T). Only in a lab (Linux side on).
 */
export async function syncEspd(paths: readonly EspPath[]): Promise<void> {
  if (!linuxEnabled()) return;
  syncs++;
  // the common case (no tunnel, none running) costs one read, no lock
  if (paths.length === 0 && Object.keys((await readState<EspdState>("espd", () => ({ running: {} }))).running).length === 0) return;
  // at most MAX_ESPD data paths per gateway (one python process each): a large IKE mesh must not exhaust the machine
  const keyed = paths.map((p) => [pathKey(p), p] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (keyed.length > MAX_ESPD) process.stderr.write(`emud: espd: ${keyed.length} tunnels, data paths for the first ${MAX_ESPD} only\n`);
  const want = new Map(keyed.slice(0, MAX_ESPD));
  const started: Promise<void>[] = [];
  const stopped: number[] = [];
  await withState<EspdState>("espd", () => ({ running: {} }), (st) => {
    for (const [k, r] of Object.entries(st.running)) {
      if (want.has(k) && alive(r.pid)) continue;
      stopHelper(r.pid);
      stopped.push(r.pid);
      delete st.running[k];
    }
    for (const [k, p] of want) {
      if (st.running[k]) continue;
      const name = `${p.natt ? "natt" : "esp"}${createHash("sha256").update(k).digest("hex").slice(0, 6)}`;
      const argv = [espdPath(), name, p.local, p.peer, p.remoteNets.join(","), String(p.spiOut), String(p.spiIn), p.natt ? "udp" : "esp"];
      const child = spawn("/usr/bin/python3", argv, { detached: true, stdio: ["ignore", "pipe", "ignore"] });
      child.unref();
      started.push(new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        child.stdout!.once("data", () => { clearTimeout(timer); child.stdout!.destroy(); resolve(); });
        child.once("error", () => { clearTimeout(timer); resolve(); });
      }));
      if (child.pid) st.running[k] = { pid: child.pid, name };
    }
    return st;
  });
  // a tunnel that ended takes its data path with it before the command returns, as the kernel's SAs go: the
  // helper's interface goes when it exits (bounded: a helper that does not exit is left to the next sync)
  await Promise.all([...started, gone(stopped, 3_000)]);
}

/** Resolves once none of `pids` runs any more, or after `ms`. */
async function gone(pids: readonly number[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

let syncs = 0;

/** Emulated commands after which the data path follows the tunnels (they can establish or end one). */
const AFFECTS_TUNNELS = new Set(["rc", "ipsecctl", "ikectl", "rcctl", "rcd", "isakmpd", "iked", "sasyncd", "ifconfig", "netstart", "sysctl"]);
/** Of those, the ones that bring a tunnel up: after them the data path starts even when none runs yet. */
const STARTS_TUNNELS = new Set(["rc", "ipsecctl", "ikectl", "rcctl"]);

/**
 * After emulated command `name`: the data path follows the tunnels at once (espd.py started for a tunnel the
 * command established, stopped for one it ended: a daemon stopped, `ipsecctl -F`, a rule set without it), not
 * only at the next `ipsecctl -s`. `sync` recomputes this gateway's kernel view (which calls {@link syncEspd});
 * skipped when the command already did (a read) or cannot change a tunnel. A peer's espd stops at its own next
 * command or read; until then what it sends finds no espd here (dropped, as ESP without an SA is).
 */
export async function espdAfter(name: string, syncsBefore: number, sync: () => Promise<unknown>, argv: readonly string[] = []): Promise<void> {
  if (!linuxEnabled() || !AFFECTS_TUNNELS.has(name) || syncs !== syncsBefore || onlyReads(name, argv)) return;
  const running = Object.keys((await readState<EspdState>("espd", () => ({ running: {} }))).running).length > 0;
  if (!running) {
    // nothing to stop: only a command that can establish a tunnel, with an IKE daemon running, is worth a sync
    if (!STARTS_TUNNELS.has(name)) return;
    const daemons = (await readState<ServiceTable>("services", () => ({ running: {} }))).running;
    if (!daemons.isakmpd && !daemons.iked) return;
  }
  await sync();
}

/**
 * Invocations of those commands that only read — `sysctl` without `=`, `rcctl get`/`getdef`/`check`/`ls` — change
 * nothing a tunnel depends on: no data-path sync after them (a refresh's read runs several; `ipsecctl -s…` still
 * syncs, as the look at the kernel's SAs it is).
 */
export function onlyReads(name: string, argv: readonly string[]): boolean {
  const args = argv.filter((a) => !/^-[a-zA-Z]+$/.test(a));
  if (name === "sysctl") return args.length > 0 && !args.some((a) => a.includes("="));
  if (name === "rcctl") return ["get", "getdef", "check", "ls"].includes(args[0] ?? "");
  return false;
}

/** How many times {@link syncEspd} ran in this process (to tell whether a command already synced). */
export const espdSyncs = (): number => syncs;

/** Stops every espd.py of this gateway (reboot: the emulated kernel forgets its SAs). */
export async function stopAllEspd(): Promise<void> {
  const st = await readState<EspdState>("espd", () => ({ running: {} }));
  for (const r of Object.values(st.running)) stopHelper(r.pid);
}
