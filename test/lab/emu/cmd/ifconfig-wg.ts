/**
 * TEST DOUBLE — OpenBSD wg(4) as ifconfig(8) configures and prints it, for the lab emulator's ifconfig. Not
 * OpenBSD: the settings are kept in the interface table; `ifconfig wgN` prints them as wg_status() in
 * sbin/ifconfig/ifconfig.c does (wgport, wgpubkey, then per peer wgpeer, wgdescr, wgpsk (present), wgpka,
 * wgendpoint, tx/rx, wgaip). Keywords and errors follow setwg*() there. No data path.
 */
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { linuxEnabled } from "../linux";
import type { EmuInterface } from "../state";

/** wg(4) clone defaults (sys/net/if_wg.c: IFF_BROADCAST | IFF_MULTICAST | IFF_NOARP, DEFAULT_MTU 1420). */
export const WG_CLONER = { flags: ["BROADCAST", "NOARP", "MULTICAST"], mtu: 1420, ether: false };

/** One peer of an emulated wg interface. */
export interface EmuWgPeer {
  publicKey: string;
  description?: string;
  psk?: boolean;
  /** The psk (base64) for wireguard-go; only `wgpsk (present)` is printed. */
  pskKey?: string;
  pka?: number;
  endpoint?: { host: string; port: number };
  aips: string[];
}

/** The wg settings of an emulated interface. */
export interface EmuWg {
  /** The private key (base64), kept as the kernel keeps it: never printed; fed to wireguard-go in the lab. */
  privateKey?: string;
  port?: number;
  rtable?: number;
  publicKey?: string;
  peers: EmuWgPeer[];
}

type WgIfc = EmuInterface & { wg?: EmuWg };

/** State of one ifconfig command: the peer the following peer keywords apply to. */
export interface WgCommand {
  peer?: EmuWgPeer;
  /** Peers whose allowed IPs this command replaces (WG_PEER_REPLACE_AIPS: from their first `wgaip`). */
  replaced?: Set<EmuWgPeer>;
}

const KEYWORDS = new Set(["wgkey", "wgport", "wgrtable", "wgpeer", "wgdescr", "wgdescription", "wgendpoint", "wgaip", "wgpsk", "wgpka", "-wgpeer", "-wgpeerall"]);

/** WG_LOAD_KEY: base64 that decodes to exactly 32 bytes. */
function key(b64: string | undefined, what: string, fail: (m: string) => Error): Buffer {
  const b = b64 !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, "base64") : undefined;
  if (!b || b.length !== 32) throw fail(`ifconfig: ${what}: invalid base64`);
  return b;
}

function publicOf(priv: Buffer): string {
  const k = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), priv]), format: "der", type: "pkcs8" });
  return createPublicKey(k).export({ type: "spki", format: "der" }).subarray(12).toString("base64");
}

function num(v: string | undefined, max: number, what: string, fail: (m: string) => Error): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > max) throw fail(`ifconfig: ${what}: ${v ?? ""}, invalid`);
  return Number(v);
}

/** inet_net_pton for one family, printed as inet_ntop + `/cidr` (host bits kept, as wg_status prints them). */
function aip(v: string | undefined, fail: (m: string) => Error): string {
  const m = v === undefined ? null : /^([0-9a-fA-F:.]+)(?:\/(\d+))?$/.exec(v);
  const v4 = m && /^\d+\.\d+\.\d+\.\d+$/.test(m[1]!) && m[1]!.split(".").every((o) => Number(o) <= 255);
  const v6 = m && m[1]!.includes(":");
  if (!m || (!v4 && !v6) || (m[2] !== undefined && Number(m[2]) > (v4 ? 32 : 128))) throw fail("ifconfig: wgaip: bad address");
  return `${m[1]}/${m[2] ?? (v4 ? 32 : 128)}`;
}

/**
 * Applies the wg keyword at `words[i]` to `ifc`; returns the index of its last argument, or undefined
 * when `words[i]` is not a wg keyword. Throws `fail(message)` as ifconfig exits on an error.
 */
export function applyWg(ifc: WgIfc, words: string[], i: number, cmd: WgCommand, fail: (m: string) => Error): number | undefined {
  const w = words[i]!;
  if (!KEYWORDS.has(w)) return undefined;
  if (!/^wg\d+$/.test(ifc.name)) throw fail(`ifconfig: ${ifc.name}: SIOCSWG: Inappropriate ioctl for device`);
  const wg = (ifc.wg ??= { peers: [] });
  const v = words[i + 1];
  const needPeer = (): EmuWgPeer => {
    if (!cmd.peer) throw fail(`ifconfig: ${w === "wgdescription" ? "wgdescr" : w}: wgpeer not set`);
    return cmd.peer;
  };
  switch (w) {
    case "wgkey":
      wg.publicKey = publicOf(key(v, "wgkey", fail));
      wg.privateKey = v!;
      return i + 1;
    case "wgport":
      wg.port = num(v, 65535, "wgport", fail);
      return i + 1;
    case "wgrtable":
      wg.rtable = num(v, 255, "wgrtable", fail);
      return i + 1;
    case "wgpeer": {
      key(v, "wgpeer", fail);
      let p = wg.peers.find((x) => x.publicKey === v);
      if (!p) wg.peers.push((p = { publicKey: v!, aips: [] }));
      cmd.peer = p;
      return i + 1;
    }
    case "-wgpeer":
      key(v, "wgpeer", fail);
      wg.peers = wg.peers.filter((x) => x.publicKey !== v);
      return i + 1;
    case "-wgpeerall":
      wg.peers = [];
      return i;
    case "wgdescr":
    case "wgdescription":
      needPeer().description = v ?? "";
      return i + 1;
    case "wgpsk":
      needPeer();
      key(v, "wgpsk", fail);
      cmd.peer!.psk = true;
      cmd.peer!.pskKey = v!;
      return i + 1;
    case "wgpka":
      needPeer().pka = num(v, 43200, "wgpka", fail);
      return i + 1;
    case "wgendpoint": {
      const p = needPeer();
      const port = words[i + 2];
      if (v === undefined || port === undefined || !/^\d+$/.test(port) || Number(port) > 65535) throw fail("ifconfig: wgendpoint: servname not supported for ai_socktype");
      p.endpoint = { host: v, port: Number(port) };
      return i + 2;
    }
    case "wgaip": {
      const p = needPeer();
      // WG_PEER_REPLACE_AIPS: the first wgaip of a command replaces the peer's list
      const seen = (cmd.replaced ??= new Set());
      if (!seen.has(p)) {
        p.aips = [];
        seen.add(p);
      }
      p.aips.push(aip(v, fail));
      return i + 1;
    }
  }
  return undefined;
}

/** The wg lines of `ifconfig wgN` (wg_status with ifaliases), between the carp/pfsync lines and `groups:`. */
export function formatWg(ifc: WgIfc): string[] {
  const wg = ifc.wg;
  if (!wg) return [];
  const L: string[] = [];
  if (wg.port !== undefined) L.push(`\twgport ${wg.port}`);
  if (wg.rtable !== undefined) L.push(`\twgrtable ${wg.rtable}`);
  if (wg.publicKey) L.push(`\twgpubkey ${wg.publicKey}`);
  for (const p of wg.peers) {
    L.push(`\twgpeer ${p.publicKey}`);
    if (p.description) L.push(`\t\twgdescr: ${p.description}`);
    if (p.psk) L.push("\t\twgpsk (present)");
    if (p.pka) L.push(`\t\twgpka ${p.pka} (sec)`);
    if (p.endpoint) L.push(`\t\twgendpoint ${p.endpoint.host} ${p.endpoint.port}`);
    L.push("\t\ttx: 0, rx: 0");
    for (const a of p.aips) L.push(`\t\twgaip ${a}`);
  }
  return L;
}

/**
 * wireguard-go (scripts/wireguard-go.sh): where the lab finds it. A gateway's /root is its own, so the
 * binary is looked up in the repository (`.state/wireguard-go/wireguard`, next to the emulator's sources)
 * and then in the builder's cache.
 */
function wireguardGo(): string | undefined {
  const src = process.env.EMU_SRC ?? dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.WIREGUARD_GO, resolve(src, "../../../.state/wireguard-go/wireguard"), resolve(src, "../../../../.state/wireguard-go/wireguard"), join(homedir(), ".cache/pulumi-openbsd/wireguard-go/wireguard")];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

function uapiSet(dev: string, body: string): Promise<string> {
  return new Promise((done) => {
    const c = createConnection(`/var/run/wireguard/${dev}.sock`);
    let got = "";
    c.on("data", (d) => {
      got += d.toString();
      if (got.endsWith("\n\n")) {
        c.end();
        done(got.trim());
      }
    });
    c.on("error", (e) => done(String(e)));
    c.write(`set=1\n${body}\n`);
  });
}

const hex = (b64: string) => Buffer.from(b64, "base64").toString("hex");

/**
 * Lab only: the wg interface's data path by wireguard-go, a userspace WireGuard on a Linux tun device of
 * the same name in the gateway's namespace (started on the first configuration, stopped when the device
 * is deleted by `ifconfig wgN destroy`), configured over its UAPI socket with the interface's settings.
 */
export async function syncWgLinux(ifc: WgIfc): Promise<void> {
  const wg = ifc.wg;
  if (!linuxEnabled() || !/^wg\d+$/.test(ifc.name) || !wg?.privateKey) return;
  const sock = `/var/run/wireguard/${ifc.name}.sock`;
  if (!existsSync(sock)) {
    const bin = wireguardGo();
    if (!bin) return;
    spawnSync(bin, [ifc.name], { stdio: "ignore", env: { ...process.env, LOG_LEVEL: "error" } });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(sock)) return;
  }
  ifc.linux = ifc.name;
  const L = [`private_key=${hex(wg.privateKey)}`, ...(wg.port !== undefined ? [`listen_port=${wg.port}`] : []), "replace_peers=true"];
  for (const p of wg.peers) {
    L.push(`public_key=${hex(p.publicKey)}`);
    if (p.pskKey) L.push(`preshared_key=${hex(p.pskKey)}`);
    if (p.endpoint) L.push(`endpoint=${p.endpoint.host.includes(":") ? `[${p.endpoint.host}]` : p.endpoint.host}:${p.endpoint.port}`);
    if (p.pka) L.push(`persistent_keepalive_interval=${p.pka}`);
    L.push("replace_allowed_ips=true", ...p.aips.map((a) => `allowed_ip=${a}`));
  }
  await uapiSet(ifc.name, L.join("\n") + "\n");
}
