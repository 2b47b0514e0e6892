/**
 * TEST DOUBLE — emulated kernel/daemon state of one lab gateway.
 *
 * This is not OpenBSD. The lab runs each gateway in a Linux network + mount namespace whose `/etc` and `/var`
 * are private bind mounts; the emulated commands (ifconfig, sysctl, rcctl, pfctl, ipsecctl, …) keep what the
 * OpenBSD kernel and daemons would hold (interface table, MIB values, loaded pf anchors, flows, SAs, running
 * services) as JSON files under `/var/emu` of that gateway. Every read-modify-write goes through
 * {@link withState}, which holds a per-file lock so that concurrent commands (the provider opens up to 8
 * channels per host) never interleave.
 *
 * Outside a lab gateway (unit-style tests of the commands) set `EMU_ROOT=/some/dir`: every OpenBSD path
 * (`/etc/…`, `/var/emu/…`) is then resolved under that directory instead of `/`.
 */
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processAlive } from "../../support/process-alive";

/** Resolve an absolute OpenBSD path (`/etc/pf.conf`) on this gateway's root (`$EMU_ROOT` or `/`). */
export function rootPath(p: string): string {
  const root = process.env.EMU_ROOT;
  // the devices every OpenBSD host has are the machine's own (`table <t> file "/dev/null"`)
  return root && !DEVICES.has(p) ? join(root, p) : p;
}

const DEVICES = new Set(["/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"]);

/** Directory holding this gateway's state files (`/var/emu`). */
export function stateDir(): string {
  return rootPath("/var/emu");
}

/** What labUp writes to `/var/emu/lab.json` of each gateway. */
export interface LabInfo {
  /** This gateway's name in the lab (`gw1`). */
  name: string;
  /** Lab id. */
  lab: string;
  /** This gateway's Linux network namespace (lab only). */
  netns?: string;
  /** The other gateways of the lab: name, their `/var/emu` as seen from inside this gateway, static addresses, netns. */
  peers: { name: string; stateDir: string; addresses: string[]; netns?: string }[];
}

/** The last lab description parsed, with its text: most commands ask for it several times (linuxEnabled, gatewayName). */
let labInfoParsed: { text: string; info: LabInfo } | undefined;

/** Freezes `v` and everything in it: a value shared between callers that none may change. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** This gateway's lab description, or undefined outside a lab (read-only: one value shared while the file is unchanged). */
export function labInfo(): Readonly<LabInfo> | undefined {
  try {
    const text = readTextIfExists(join(stateDir(), "lab.json"));
    if (text === undefined) return undefined;
    if (labInfoParsed?.text !== text) labInfoParsed = { text, info: deepFreeze(JSON.parse(text) as LabInfo) };
    return labInfoParsed.info;
  } catch {
    return undefined;
  }
}

/**
 * The text of a file this process read before and that has not changed since: keyed by path, valid while the file's
 * inode, size, mtime and ctime are those it had when read. A file whose mtime was within {@link RACY_MS} of the read
 * is never kept (Linux file times tick with the kernel's coarse clock: a write in the same tick, to a reused inode
 * of the same size, would look unchanged), so a kept text's file changing later always shows a later mtime.
 */
const textCache = new Map<string, { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint; text: string }>();
const RACY_MS = 50;

/**
 * Read a small state file as UTF-8 text, from {@link textCache} when unchanged (one `stat` instead of
 * open/read/close: what most of an emulated command's reads cost); `undefined` when the file (or a directory on its
 * path) does not exist. Most state files of a gateway do not exist until something writes them: telling so from the
 * `stat` costs far less than a thrown ENOENT (its stack captured, the caller's optimized code thrown away), once per
 * file per command. Other errors throw as `readFileSync` does. Every caller gets its own value from `JSON.parse`, so
 * the cache never shares an object.
 */
export function readTextIfExists(file: string): string | undefined {
  const st = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (!st) {
    textCache.delete(file);
    return undefined;
  }
  const c = textCache.get(file);
  if (c && c.ino === st.ino && c.size === st.size && c.mtimeNs === st.mtimeNs && c.ctimeNs === st.ctimeNs) return c.text;
  const text = readFileSync(file, "utf8");
  const now = Date.now();
  if (now - Number(st.mtimeNs / 1_000_000n) > RACY_MS && now - Number(st.ctimeNs / 1_000_000n) > RACY_MS && Buffer.byteLength(text) === Number(st.size)) {
    textCache.set(file, { ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, text });
  } else textCache.delete(file);
  return text;
}

/** Name of the gateway the current command runs on (`gw1`): `$EMU_GATEWAY`, else `/var/emu/lab.json`, else the hostname. */
export function gatewayName(): string {
  return process.env.EMU_GATEWAY ?? labInfo()?.name ?? hostname();
}

function fileOf(name: string, dir = stateDir()): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`emu state: bad state name \`${name}\``);
  return join(dir, `${name}.json`);
}

const dirCache = new Map<string, { ino: bigint; mtimeNs: bigint; ctimeNs: bigint; names: string[] }>();

/**
 * The names in a directory (`readdir`), from a cache valid while the directory's inode, mtime and ctime are unchanged
 * (adding, removing or renaming an entry changes them), under the same coarse-clock rule as {@link readTextIfExists}.
 * Returns a fresh array.
 */
export function readdirCached(dir: string): string[] {
  const st = statSync(dir, { bigint: true });
  const c = dirCache.get(dir);
  if (c && c.ino === st.ino && c.mtimeNs === st.mtimeNs && c.ctimeNs === st.ctimeNs) return [...c.names];
  const names = readdirSync(dir);
  if (Date.now() - Number(st.mtimeNs / 1_000_000n) > RACY_MS && Date.now() - Number(st.ctimeNs / 1_000_000n) > RACY_MS) {
    dirCache.set(dir, { ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, names: [...names] });
  } else dirCache.delete(dir);
  return names;
}

async function load<T>(file: string, init: () => T): Promise<T> {
  let text: string | undefined;
  try {
    text = readTextIfExists(file);
  } catch (e) {
    // removed between the stat and the read
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return init();
    throw e;
  }
  return text === undefined ? init() : (JSON.parse(text) as T);
}

async function store(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 1) + "\n");
  await rename(tmp, file);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Take `file.lock` (O_EXCL, holding our pid); steal it when its holder died or it is older than 30 s. */
async function lock(file: string): Promise<() => Promise<void>> {
  const lk = `${file}.lock`;
  for (let i = 0; ; i++) {
    try {
      const h = await open(lk, "wx");
      await h.writeFile(String(process.pid));
      await h.close();
      return () => rm(lk, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        const pid = Number(await readFile(lk, "utf8"));
        const age = Date.now() - (await stat(lk)).mtimeMs;
        if ((pid > 0 && !processAlive(pid)) || age > 30_000) await rm(lk, { force: true });
      } catch {
        /* raced with the holder's release */
      }
      await sleep(Math.min(2 + i, 20));
    }
  }
}

/** Read-modify-write the state file `/var/emu/<name>.json` under its lock; `init` gives the value when absent. */
export async function withState<T>(name: string, init: () => T, fn: (s: T) => T | Promise<T>): Promise<T> {
  await mkdir(stateDir(), { recursive: true });
  const file = fileOf(name);
  const release = await lock(file);
  try {
    const next = await fn(await load(file, init));
    await store(file, next);
    return next;
  } finally {
    await release();
  }
}

/** Read `/var/emu/<name>.json` (a consistent snapshot: writers rename atomically). */
export async function readState<T>(name: string, init: () => T): Promise<T> {
  return load(fileOf(name), init);
}

/** Read another gateway's state file, given its `stateDir` from {@link peerGateways}. */
export async function readPeerState<T>(peerStateDir: string, name: string, init: () => T): Promise<T> {
  return load(fileOf(name, peerStateDir), init);
}

/** One address of an emulated interface. */
export interface EmuAddress {
  family: "inet" | "inet6";
  /** Canonical address text (`192.0.2.153`, `2001:db8::1`). */
  address: string;
  /** Prefix length (inet netmask as a length). */
  prefixlen: number;
  /** Point-to-point destination (`ifconfig gif0 10.0.0.1 10.0.0.2`). */
  dest?: string;
}

/** One interface as the emulated kernel holds it (what `ifconfig` prints). */
export interface EmuInterface {
  /** Interface name (`em0`, `carp1`, `gif0`). */
  name: string;
  /** Flag names as ifconfig prints them inside `flags=…<…>`, without UP/RUNNING (derived from `up`). */
  flags: string[];
  /** Administratively up. */
  up: boolean;
  addresses: EmuAddress[];
  /** Interface groups (`egress`, `carp`, `gif`, …), in order of membership. */
  groups: string[];
  /** `description` text. */
  description?: string;
  /** Link-layer address (`lladdr`), lower-case hex with colons. */
  lladdr?: string;
  /** Interface index. */
  index: number;
  /** Default MTU. */
  mtu: number;
  /** Group demotion counter for `carp` (`ifconfig -g carp carpdemote N`) is kept per group in `ifgroups` state; this is the per-member view. */
  carp?: { vhid: number; pass?: string; carpdev: string; advbase: number; advskew: number; state: "INIT" | "BACKUP" | "MASTER" };
  /** Tunnel endpoints (gif, gre, eoip, etherip). */
  tunnel?: { src: string; dst: string; rdomain?: number };
  /** eoip tunnel id. */
  vnetid?: number;
  /** gre/eoip keepalive (`ifconfig IF keepalive PERIOD COUNT`; SIOCSETKALIVE). */
  keepalive?: { timeout: number; count: number };
  /** pfsync parameters. */
  pfsync?: { syncdev?: string; syncpeer?: string; maxupd: number; defer: boolean };
  /** Linux device backing this interface in the namespace, when the lab does it for real. */
  linux?: string;
}

/** Interface table kept in `/var/emu/interfaces.json`. */
export interface InterfaceTable {
  interfaces: EmuInterface[];
  /** Per-group carp demotion counters (`ifconfig -g carp carpdemote`). */
  demote: Record<string, number>;
}

/** One physical interface of this gateway, as the lab wired it (`/var/emu/hw.json`). */
export interface HwInterface {
  /** OpenBSD name (`em0`), also the Linux name inside the namespace. */
  name: string;
  /** MAC address of the veth. */
  lladdr: string;
  /** Lab segment the interface is plugged into (`internet`, `net1`). */
  segment: string;
}

/** The gateway's physical interfaces (empty outside a lab unless a test wrote `hw.json`). */
export function hardware(dir = stateDir()): HwInterface[] {
  try {
    return JSON.parse(readFileSync(join(dir, "hw.json"), "utf8")) as HwInterface[];
  } catch {
    return [];
  }
}

/** Interface table after boot: lo0, the physical interfaces (down, no address), enc0. */
export function emptyInterfaceTable(): InterfaceTable {
  const hw = hardware();
  return {
    interfaces: [
      ...hw.map((h, i): EmuInterface => ({ name: h.name, flags: ["BROADCAST", "SIMPLEX", "MULTICAST"], up: false, index: i + 1, mtu: 1500, groups: [], addresses: [], lladdr: h.lladdr, linux: h.name })),
      { name: "enc0", flags: [], up: false, index: hw.length + 1, mtu: 0, groups: ["enc"], addresses: [] },
      { name: "lo0", flags: ["LOOPBACK", "MULTICAST"], up: true, index: hw.length + 2, mtu: 32768, groups: ["lo"],
        addresses: [{ family: "inet6", address: "::1", prefixlen: 128 }, { family: "inet6", address: "fe80::1", prefixlen: 64 }, { family: "inet", address: "127.0.0.1", prefixlen: 8 }] },
    ],
    demote: {},
  };
}

/** The current interface table of this gateway (for pf expansion of `em1`, `(em1)`, interface groups). */
export async function interfaces(): Promise<EmuInterface[]> {
  return (await readState<InterfaceTable>("interfaces", emptyInterfaceTable)).interfaces;
}

/** Read/modify the interface table under lock. */
export function withInterfaces<T extends InterfaceTable>(fn: (t: InterfaceTable) => InterfaceTable | Promise<InterfaceTable>): Promise<InterfaceTable> {
  return withState<InterfaceTable>("interfaces", emptyInterfaceTable, fn);
}

/** The OTHER gateways of this lab (read-only access to their `/var/emu`) with their current non-loopback, non-link-local addresses plus the topology's static ones. */
export async function peerGateways(): Promise<{ name: string; stateDir: string; addresses: string[] }[]> {
  const info = labInfo();
  if (!info) return [];
  return Promise.all(info.peers.map(async (p) => {
    const t = await readPeerState<InterfaceTable>(p.stateDir, "interfaces", () => ({ interfaces: [], demote: {} }));
    const live = t.interfaces.filter((i) => !i.name.startsWith("lo")).flatMap((i) => i.addresses.map((a) => a.address).filter((a) => !a.startsWith("fe80:")));
    return { name: p.name, stateDir: p.stateDir, addresses: [...new Set([...live, ...p.addresses])] };
  }));
}

/** Running daemons, `/var/emu/services.json`. */
export interface ServiceTable {
  /**
   * `pid`: a real process the lab runs for the daemon (a package daemon: emu/packages.ts; an rc.d script of ours:
   * emu/rcd-real.ts); it runs while that process lives, or, `supervised`, while its restart loop does.
   */
  running: Record<string, { flags: string; since: string; pid?: number; supervised?: boolean }>;
}

const emptyServices = (): ServiceTable => ({ running: {} });

/** Whether the emulated daemon `name` (isakmpd, iked, sasyncd, sshd …) runs on this gateway. */
export async function serviceRunning(name: string): Promise<boolean> {
  const e = (await readState("services", emptyServices)).running[name];
  if (!e) return false;
  // a supervised daemon's service runs while its loop does (between two attempts too)
  if (e.pid === undefined || e.supervised) return true;
  try {
    process.kill(e.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a daemon the lab runs for real (a package daemon), if recorded. */
export async function servicePid(name: string): Promise<number | undefined> {
  return (await readState("services", emptyServices)).running[name]?.pid;
}

/** Flags the running daemon was started with, or undefined when it is not running. */
export async function serviceFlags(name: string): Promise<string | undefined> {
  return (await readState("services", emptyServices)).running[name]?.flags;
}

/** Mark a daemon as started (with its flags) or stopped. */
export async function setServiceRunning(name: string, running: boolean, flags = "", pid?: number): Promise<void> {
  await withState("services", emptyServices, (s) => {
    if (running) s.running[name] = { flags, since: new Date().toISOString(), ...(pid !== undefined ? { pid } : {}) };
    else delete s.running[name];
    return s;
  });
}

/** Whether `name` runs on a peer gateway (for flow agreement: isakmpd must run on both ends). */
export async function peerServiceRunning(peerStateDir: string, name: string): Promise<boolean> {
  return name in (await readPeerState(peerStateDir, "services", emptyServices)).running;
}
