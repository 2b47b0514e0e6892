/**
 * TEST DOUBLE — OpenBSD ifconfig(8) emulated for the pulumi-openbsd lab. Not OpenBSD: the interface table lives in
 * /var/emu/interfaces.json; where Linux can, the change is also made for real in the gateway's namespace
 * (addresses, up/down, gif/gre tunnels, the carp MASTER's addresses). Output follows reference/openbsd.md B.1.
 */
import type { Command, Io } from "../command";
import { broadcast, canon4, canon6, classfulLen, hexMask, isV4, isV6, parseNetmask } from "../ifaddr";
import { ip, linuxAddrs, linuxEnabled, startTunnel, stopHelper } from "../linux";
import {
  hardware, readState, withInterfaces,
  type EmuInterface, type InterfaceTable,
} from "../state";
import { carpElect, carpMaster, carpMembers } from "../carp-elect";
import { applyWg, formatWg, syncWgLinux, WG_CLONER, type WgCommand } from "./ifconfig-wg";
import { createTunLinux, TUN_CLONER, tunStatus } from "../tun";

/** Cloner types `ifconfig X create` accepts, with their default flags, mtu and group. */
const CLONERS: Record<string, { flags: string[]; mtu: number; ether: boolean }> = {
  carp: { flags: ["BROADCAST", "SIMPLEX", "MULTICAST"], mtu: 1500, ether: true },
  gif: { flags: ["POINTOPOINT", "MULTICAST"], mtu: 1280, ether: false },
  gre: { flags: ["POINTOPOINT", "MULTICAST"], mtu: 1476, ether: false },
  eoip: { flags: ["BROADCAST", "SIMPLEX", "MULTICAST"], mtu: 1500, ether: true },
  etherip: { flags: ["BROADCAST", "SIMPLEX", "MULTICAST"], mtu: 1500, ether: true },
  vether: { flags: ["BROADCAST", "SIMPLEX", "MULTICAST"], mtu: 1500, ether: true },
  pfsync: { flags: [], mtu: 1500, ether: false },
  pflog: { flags: [], mtu: 33136, ether: false },
  enc: { flags: [], mtu: 0, ether: false },
  lo: { flags: ["LOOPBACK", "MULTICAST"], mtu: 32768, ether: false },
  wg: WG_CLONER,
  // tun(4): sys/net/if_tun.c defaults; in the lab a persistent Linux tun of the same name (emu/tun.ts) that ssh -w, openvpn or tincd opens
  tun: TUN_CLONER,
};

const FLAG_BITS: [string, number][] = [
  ["UP", 0x1], ["BROADCAST", 0x2], ["DEBUG", 0x4], ["LOOPBACK", 0x8], ["POINTOPOINT", 0x10], ["STATICARP", 0x20],
  ["RUNNING", 0x40], ["NOARP", 0x80], ["PROMISC", 0x100], ["ALLMULTI", 0x200], ["OACTIVE", 0x400], ["SIMPLEX", 0x800],
  ["LINK0", 0x1000], ["LINK1", 0x2000], ["LINK2", 0x4000], ["MULTICAST", 0x8000],
];

export function ifType(name: string): string {
  return name.replace(/\d+$/, "");
}

class Fail extends Error {}

export { carpElect };

function flagsWord(ifc: EmuInterface): string {
  const names = new Set(ifc.flags);
  if (ifc.up) {
    names.add("UP");
    names.add("RUNNING");
    if (ifType(ifc.name) === "enc") names.add("PROMISC");
  }
  const on = FLAG_BITS.filter(([n]) => names.has(n));
  const v = on.reduce((a, [, b]) => a | b, 0);
  return `flags=${v.toString(16)}<${on.map(([n]) => n).join(",")}>`;
}

/** Print one interface exactly as OpenBSD's ifconfig does (B.1). */
export async function formatInterface(t: InterfaceTable, ifc: EmuInterface): Promise<string> {
  const type = ifType(ifc.name);
  const L: string[] = [];
  L.push(`${ifc.name}: ${flagsWord(ifc)}${ifc.mtu ? ` mtu ${ifc.mtu}` : ""}`);
  if (ifc.lladdr) L.push(`\tlladdr ${ifc.lladdr}`);
  if (ifc.description !== undefined) L.push(`\tdescription: ${ifc.description}`);
  L.push(`\tindex ${ifc.index} priority ${type === "carp" ? 15 : 0} llprio 3`);
  if (ifc.keepalive) L.push(`\tkeepalive: timeout ${ifc.keepalive.timeout} count ${ifc.keepalive.count}`);
  if (type === "gif") L.push("\tencap: txprio payload rxprio payload");
  if (type === "gre") L.push(`\tencap: vnetid ${ifc.vnetid ?? "none"} txprio payload rxprio packet`);
  if (type === "eoip") L.push(`\tencap: vnetid ${ifc.vnetid ?? "none"} txprio payload rxprio packet`);
  if (type === "etherip") L.push("\tencap: txprio payload rxprio packet");
  let carpState: string | undefined;
  if (ifc.carp) {
    carpState = await carpElect(t, ifc);
    L.push(`\tcarp: ${carpState} carpdev ${ifc.carp.carpdev} vhid ${ifc.carp.vhid} advbase ${ifc.carp.advbase} advskew ${ifc.carp.advskew}`);
  } else if (type === "carp") {
    L.push("\tcarp: INIT carpdev none vhid 0 advbase 1 advskew 0");
    carpState = "INIT";
  }
  if (type === "pfsync") {
    const p = ifc.pfsync ?? { maxupd: 128, defer: false };
    L.push(`\tpfsync: syncdev: ${p.syncdev ?? "none"} ${p.syncpeer ? `syncpeer: ${p.syncpeer} ` : ""}maxupd: ${p.maxupd} defer: ${p.defer ? "on" : "off"}`);
  }
  L.push(...formatWg(ifc));
  if (ifc.groups.length) L.push(`\tgroups: ${ifc.groups.join(" ")}`);
  if (hardware().some((h) => h.name === ifc.name)) {
    L.push(ifc.up ? `\tmedia: Ethernet autoselect (1000baseT full-duplex)` : "\tmedia: Ethernet autoselect (none)");
    L.push(ifc.up ? "\tstatus: active" : "\tstatus: no carrier");
  } else if (carpState) {
    L.push(`\tstatus: ${carpState === "MASTER" ? "master" : carpState === "BACKUP" ? "backup" : "invalid"}`);
  } else if (type === "enc") {
    L.push("\tstatus: active");
  } else if (type === "tun") {
    L.push(tunStatus(ifc));
  } else if (type === "vether" || type === "eoip" || type === "etherip") {
    L.push("\tmedia: Ethernet autoselect", "\tstatus: active");
  }
  if (["gif", "gre", "eoip", "etherip"].includes(type)) {
    const tn = ifc.tunnel;
    L.push(tn ? `\ttunnel: ${isV6(tn.src) ? "inet6" : "inet"} ${tn.src} --> ${tn.dst} ttl 64 ${type === "gif" ? "nodf" : "df"} ${type === "gif" ? "ecn" : "noecn"}` : "\ttunnel: (unset)");
  }
  for (const a of ifc.addresses) {
    if (a.family === "inet") {
      const p2p = ifc.flags.includes("POINTOPOINT");
      const dst = p2p && a.dest ? ` --> ${a.dest}` : "";
      const bc = ifc.flags.includes("BROADCAST") ? ` broadcast ${broadcast(a.address, a.prefixlen)}` : "";
      L.push(`\tinet ${a.address}${dst} netmask ${hexMask(a.prefixlen)}${bc}`);
    } else {
      const ll = a.address.toLowerCase().startsWith("fe80:");
      const dst = a.dest ? ` --> ${a.dest}` : "";
      L.push(`\tinet6 ${a.address}${ll ? `%${ifc.name}` : ""}${dst} prefixlen ${a.prefixlen}${ll ? ` scopeid 0x${ifc.index.toString(16)}` : ""}`);
    }
  }
  return L.join("\n") + "\n";
}

function newInterface(t: InterfaceTable, name: string): EmuInterface {
  const type = ifType(name);
  const c = CLONERS[type]!;
  const index = Math.max(0, ...t.interfaces.map((i) => i.index)) + 1;
  const ifc: EmuInterface = { name, flags: [...c.flags], up: false, addresses: [], groups: [type], index, mtu: c.mtu };
  if (type === "pfsync") ifc.groups = ["carp", "pfsync"];
  if (type === "vether") ifc.lladdr = "fe:e1:ba:d0:" + [0, 0].map(() => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join(":");
  else if (c.ether && type !== "carp") ifc.lladdr = "fe:e1:ba:d1:" + [0, 0].map(() => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join(":");
  if (type === "pfsync") ifc.pfsync = { maxupd: 128, defer: false };
  createTunLinux(ifc);
  return ifc;
}

function cloneable(name: string): boolean {
  return /^[a-z]+\d+$/.test(name) && ifType(name) in CLONERS;
}

function linuxDev(ifc: EmuInterface): string | undefined {
  return ifc.linux;
}

/** Make Linux match the table for one interface's addresses and link state (lab only). */
function syncLinux(ifc: EmuInterface): void {
  const dev = linuxDev(ifc);
  if (!dev) return;
  ip("link", "set", dev, ifc.up ? "up" : "down");
  const want = new Map(ifc.addresses.filter((a) => !a.address.startsWith("fe80:")).map((a) => [`${a.address}/${a.family === "inet" && a.dest ? 32 : a.prefixlen}`, a]));
  const have = linuxAddrs(dev).filter((a) => !a.startsWith("fe80:"));
  const vips = new Set((ifc as { carpVips?: string[] }).carpVips ?? []);
  for (const h of have) if (!want.has(h) && !vips.has(h)) ip("addr", "del", h, "dev", dev);
  for (const [k, a] of want) {
    if (have.includes(k)) continue;
    if (a.dest) ip("addr", "add", a.address, "peer", a.dest, "dev", dev);
    else ip("addr", "add", k, ...(a.family === "inet" ? ["broadcast", "+"] : ["nodad"]), "dev", dev);
  }
}

/**
 * Put each MASTER carp interface's addresses on its carpdev's Linux device and take them off BACKUP/INIT members,
 * here and on the peers sharing the vhid (what carp advertisements would make them do).
 */
async function syncCarp(t: InterfaceTable): Promise<void> {
  if (!linuxEnabled()) return;
  const self = t.interfaces.filter((i) => i.carp);
  const peersDone = new Set<string>();
  for (const parent of t.interfaces.filter((i) => i.linux)) {
    const p = parent as EmuInterface & { carpVips?: string[] };
    const want: string[] = [];
    for (const c of self.filter((i) => i.carp!.carpdev === parent.name)) {
      if ((await carpElect(t, c)) === "MASTER") want.push(...c.addresses.map((a) => `${a.address}/${a.prefixlen}`));
    }
    const had = p.carpVips ?? [];
    for (const a of had) if (!want.includes(a)) ip("addr", "del", a, "dev", parent.linux!);
    const have = linuxAddrs(parent.linux!);
    for (const a of want) if (!have.includes(a)) ip("addr", "add", a, "dev", parent.linux!);
    p.carpVips = want;
  }
  // peers: move the shared addresses to whoever is master now
  for (const c of self) {
    const ms = await carpMembers(t, c);
    const master = carpMaster(ms);
    for (const m of ms.filter((x) => !x.self && x.netns)) {
      const key = `${m.gw}/${m.ifc.name}`;
      if (peersDone.has(key)) continue;
      peersDone.add(key);
      const dev = m.ifc.carp!.carpdev;
      const have = linuxAddrs(dev, m.netns);
      for (const a of m.ifc.addresses.map((x) => `${x.address}/${x.prefixlen}`)) {
        if (m === master && !have.includes(a)) ip("-n", m.netns!, "addr", "add", a, "dev", dev);
        if (m !== master && have.includes(a)) ip("-n", m.netns!, "addr", "del", a, "dev", dev);
      }
    }
  }
}

function restartTunnel(ifc: EmuInterface & { helperPid?: number }): void {
  const type = ifType(ifc.name);
  if (type !== "gif" && type !== "gre" && type !== "etherip" && type !== "eoip") return;
  stopHelper(ifc.helperPid);
  ifc.helperPid = undefined;
  if (!ifc.tunnel) return;
  ip("link", "del", ifc.name);
  const pid = startTunnel(ifc.name, type, ifc.tunnel.src, ifc.tunnel.dst, ifc.vnetid);
  if (pid) {
    ifc.helperPid = pid;
    ifc.linux = ifc.name;
    if (ifc.lladdr) ip("link", "set", "dev", ifc.name, "address", ifc.lladdr);
  }
}

const num = (w: string | undefined, lo: number, hi: number, what: string): number => {
  if (w === undefined || !/^\d+$/.test(w) || Number(w) < lo || Number(w) > hi) throw new Fail(`ifconfig: ${what} ${w ?? ""}: invalid`.replace(/ :/, ":"));
  return Number(w);
};

/** strtonum(3) as ifconfig.c's `errx(1, "WHAT %s: %s", word, errmsg)` reports it. */
const strtonum = (w: string | undefined, lo: number, hi: number, what: string): number => {
  const v = w !== undefined && /^[-+]?\d+$/.test(w.trim()) ? Number(w) : NaN;
  if (Number.isNaN(v)) throw new Fail(`ifconfig: ${what} ${w ?? ""}: invalid`);
  if (v < lo) throw new Fail(`ifconfig: ${what} ${w}: too small`);
  if (v > hi) throw new Fail(`ifconfig: ${what} ${w}: too large`);
  return v;
};

/**
 * SIOCSETKALIVE (sys/net/if_gre.c): gre and eoip take at most 256 probes; eoip refuses while running (the kernel's EBUSY); other
 * interfaces have no keepalive. ifconfig only warns about a refusal, which the lab leaves out: the setting is unchanged.
 */
function setKeepalive(ifc: EmuInterface, timeout: number, count: number): void {
  const type = ifType(ifc.name);
  if (type === "gre" && count <= 256) ifc.keepalive = { timeout, count };
  else if (type === "eoip" && !ifc.up && count <= 256) ifc.keepalive = { timeout, count };
  else return;
  if (timeout === 0) delete ifc.keepalive;
}

/** Apply the parameter words to one interface (ifconfig.c semantics, the subset the project uses). */
async function apply(t: InterfaceTable, ifc: EmuInterface & { helperPid?: number }, words: string[]): Promise<void> {
  let family: "inet" | "inet6" | undefined;
  let i = 0;
  let tunnelChanged = false;
  const next = () => words[++i];
  const wgCmd: WgCommand = {};
  for (; i < words.length; i++) {
    const w = words[i]!;
    const wgLast = applyWg(ifc, words, i, wgCmd, (m) => new Fail(m));
    if (wgLast !== undefined) {
      i = wgLast;
      continue;
    }
    switch (w) {
      case "up": ifc.up = true; break;
      case "down": ifc.up = false; break;
      case "inet": family = "inet"; break;
      case "inet6": family = "inet6"; break;
      case "-inet": ifc.addresses = ifc.addresses.filter((a) => a.family !== "inet"); break;
      case "-inet6": ifc.addresses = ifc.addresses.filter((a) => a.family !== "inet6"); break;
      case "description": case "descr": {
        const d = next();
        if (d === undefined) throw new Fail("ifconfig: description: requires an argument");
        ifc.description = d;
        break;
      }
      case "-description": case "-descr": delete ifc.description; break;
      case "group": {
        const g = next();
        if (!g || /\d$/.test(g)) throw new Fail(`ifconfig: ${g ?? ""}: group names may not end in a digit`);
        if (!ifc.groups.includes(g)) ifc.groups.push(g);
        break;
      }
      case "-group": { const g = next(); ifc.groups = ifc.groups.filter((x) => x !== g); break; }
      case "mtu": ifc.mtu = num(next(), 0, 65535, "mtu"); break;
      case "vhid": case "carpdev": case "pass": case "advbase": case "advskew": case "state": case "-carpdev": case "-pass": {
        if (ifType(ifc.name) !== "carp") throw new Fail(`ifconfig: SIOCSVH: Inappropriate ioctl for device`);
        const c = ifc.carp ?? { vhid: 0, carpdev: "", advbase: 1, advskew: 0, state: "INIT" as const };
        if (w === "vhid") c.vhid = num(next(), 1, 255, "vhid");
        if (w === "advbase") c.advbase = num(next(), 0, 254, "advbase");
        if (w === "advskew") c.advskew = num(next(), 0, 254, "advskew");
        if (w === "pass") c.pass = next() ?? "";
        if (w === "-pass") delete c.pass;
        if (w === "-carpdev") c.carpdev = "";
        if (w === "carpdev") {
          const d = next() ?? "";
          if (!t.interfaces.some((x) => x.name === d)) throw new Fail(`ifconfig: ${d}: no such interface`);
          c.carpdev = d;
        }
        if (w === "state") {
          const s = (next() ?? "").toUpperCase();
          if (s !== "INIT" && s !== "BACKUP" && s !== "MASTER") throw new Fail(`ifconfig: unknown carp state ${s.toLowerCase()}`);
          c.state = s;
        }
        ifc.carp = c;
        if (w === "vhid") ifc.lladdr = `00:00:5e:00:01:${c.vhid.toString(16).padStart(2, "0")}`;
        break;
      }
      case "tunnel": {
        const s = next();
        const d = next();
        if (!s || !d) throw new Fail("ifconfig: tunnel: requires two arguments");
        const v6 = isV6(s);
        if (v6 !== isV6(d) || (!v6 && (!isV4(s) || !isV4(d)))) {
          if ((isV4(s) && isV6(d)) || (isV6(s) && isV4(d))) throw new Fail("ifconfig: source and destination address families do not match");
          throw new Fail(`ifconfig: ${isV4(s) || isV6(s) ? d : s}: bad value`);
        }
        ifc.tunnel = { src: v6 ? canon6(s) : canon4(s), dst: v6 ? canon6(d) : canon4(d) };
        tunnelChanged = true;
        break;
      }
      case "-tunnel": delete ifc.tunnel; tunnelChanged = true; break;
      case "vnetid": ifc.vnetid = num(next(), 0, 4294967295, "vnetid"); tunnelChanged = true; break;
      case "-vnetid": delete ifc.vnetid; tunnelChanged = true; break;
      case "syncdev": ifc.pfsync = { ...(ifc.pfsync ?? { maxupd: 128, defer: false }), syncdev: next() }; break;
      case "-syncdev": if (ifc.pfsync) delete ifc.pfsync.syncdev; break;
      case "syncpeer": ifc.pfsync = { ...(ifc.pfsync ?? { maxupd: 128, defer: false }), syncpeer: next() }; break;
      case "-syncpeer": if (ifc.pfsync) delete ifc.pfsync.syncpeer; break;
      case "maxupd": ifc.pfsync = { ...(ifc.pfsync ?? { maxupd: 128, defer: false }), maxupd: num(next(), 0, 255, "maxupd") }; break;
      case "defer": case "-defer": ifc.pfsync = { ...(ifc.pfsync ?? { maxupd: 128, defer: false }), defer: w === "defer" }; break;
      case "txprio": case "rxprio": case "tunnelttl": case "llprio": case "priority": next(); break;
      case "tunneldf": case "-tunneldf": case "tunnelecn": case "-tunnelecn": break;
      case "keepalive": setKeepalive(ifc, strtonum(next(), 1, 3600, "keepalive period"), strtonum(next(), 2, 600, "keepalive count")); break;
      case "-keepalive": setKeepalive(ifc, 0, 0); break;
      case "autoconf": case "-autoconf": break;
      default: {
        // an address (family from the preceding inet/inet6, or guessed from the text)
        const fam = family ?? (w.includes(":") ? "inet6" : "inet");
        const rest = words.slice(i + 1);
        const used = setAddress(ifc, fam, w, rest);
        i += used;
        family = undefined;
      }
    }
  }
  if (tunnelChanged) restartTunnel(ifc);
  await syncWgLinux(ifc);
}

/** `inet ADDR[/len] [netmask M] [broadcast B] [alias|-alias|delete] [DEST]` and the inet6 form; returns words consumed after ADDR. */
function setAddress(ifc: EmuInterface, fam: "inet" | "inet6", text: string, rest: string[]): number {
  const [addrText, lenText] = text.split("/");
  let used = 0;
  let len: number | undefined;
  let dest: string | undefined;
  let mode: "set" | "alias" | "delete" = fam === "inet6" ? "alias" : "set";
  if (fam === "inet") {
    if (!addrText || !isV4(addrText)) throw new Fail(`ifconfig: ${text}: bad value`);
    if (lenText !== undefined) {
      len = parseNetmask(lenText);
      if (len === undefined) throw new Fail(`ifconfig: ${text}: bad value`);
    }
  } else if (!addrText || !isV6(addrText)) {
    throw new Fail(`ifconfig: ${text}: bad value`);
  } else if (lenText !== undefined) {
    if (!/^\d+$/.test(lenText) || Number(lenText) > 128) throw new Fail(`ifconfig: ${text}: bad value`);
    len = Number(lenText);
  }
  const address = fam === "inet" ? canon4(addrText) : canon6(addrText);
  loop: while (used < rest.length) {
    const w = rest[used]!;
    switch (w) {
      case "netmask": {
        const m = rest[used + 1] ?? "";
        const l = parseNetmask(m);
        if (l === undefined) throw new Fail(`ifconfig: ${m}: bad value`);
        len = l;
        used += 2;
        break;
      }
      case "prefixlen": {
        const m = rest[used + 1] ?? "";
        if (!/^\d+$/.test(m) || Number(m) > (fam === "inet" ? 32 : 128)) throw new Fail(`ifconfig: ${m}: bad value`);
        len = Number(m);
        used += 2;
        break;
      }
      case "broadcast": used += 2; break;
      case "alias": case "add": mode = "alias"; used++; break;
      case "-alias": case "delete": mode = "delete"; used++; break;
      default:
        if (dest === undefined && ((fam === "inet" && isV4(w)) || (fam === "inet6" && isV6(w)))) {
          dest = fam === "inet" ? canon4(w) : canon6(w);
          used++;
          break;
        }
        break loop;
    }
  }
  if (mode === "delete") {
    const before = ifc.addresses.length;
    ifc.addresses = ifc.addresses.filter((a) => !(a.family === fam && a.address === address));
    if (before === ifc.addresses.length) throw new Fail("ifconfig: SIOCDIFADDR: Can't assign requested address");
    return used;
  }
  const prefixlen = len ?? (fam === "inet" ? (dest ? 32 : classfulLen(address)) : 64);
  ifc.up = true; // SIOCAIFADDR brings the interface up, as on OpenBSD
  const entry = { family: fam, address, prefixlen, ...(dest ? { dest } : {}) };
  if (mode === "set") {
    // without `alias`, ifconfig first deletes the interface's first inet address, then adds the new one
    const idx = ifc.addresses.findIndex((a) => a.family === "inet");
    if (idx >= 0) ifc.addresses.splice(idx, 1, entry);
    else ifc.addresses.push(entry);
    ifc.addresses = ifc.addresses.filter((a, k) => a === entry || !(a.family === fam && a.address === address && k !== idx));
  } else {
    const same = ifc.addresses.findIndex((a) => a.family === fam && a.address === address);
    if (same >= 0) ifc.addresses.splice(same, 1, entry);
    else ifc.addresses.push(entry);
  }
  return used;
}

async function show(io: Io, t: InterfaceTable, names?: string[]): Promise<void> {
  for (const ifc of t.interfaces) if (!names || names.includes(ifc.name)) io.out(await formatInterface(t, ifc));
}

/** Interfaces in the order OpenBSD lists them: lo0, then by index. */
function ordered(t: InterfaceTable): InterfaceTable {
  const lo = t.interfaces.filter((i) => i.name === "lo0");
  const rest = t.interfaces.filter((i) => i.name !== "lo0").sort((a, b) => a.index - b.index);
  return { ...t, interfaces: [...lo, ...rest] };
}

const ifconfig: Command = async (io) => {
  const argv = [...io.argv];
  try {
    if (argv.length === 0 || (argv.length === 1 && argv[0] === "-a") || (argv.length === 1 && argv[0] === "-A")) {
      await show(io, ordered(await withInterfaces((x) => x)), undefined);
      return 0;
    }
    if (argv[0] === "-C") {
      io.out(Object.keys(CLONERS).sort().join(" ") + "\n");
      return 0;
    }
    if (argv[0] === "-g") {
      const g = argv[1];
      if (!g) throw new Fail("usage: ifconfig -g group [carpdemote [count] | -carpdemote [count]]");
      const act = argv[2];
      if (!act) {
        const t = await readState<InterfaceTable>("interfaces", () => ({ interfaces: [], demote: {} }));
        io.out(`${g}: carp demote count ${t.demote[g] ?? 0}\n`);
        return 0;
      }
      if (act !== "carpdemote" && act !== "-carpdemote") throw new Fail(`ifconfig: ${act}: bad value`);
      const n = argv[3] === undefined ? 1 : num(argv[3], 0, 255, "carpdemote");
      await withInterfaces(async (t) => {
        t.demote[g] = Math.max(0, Math.min(255, (t.demote[g] ?? 0) + (act === "carpdemote" ? n : -n)));
        await syncCarp(t);
        return t;
      });
      return 0;
    }
    if (argv[0] === "-a" || argv[0] === "-A") argv.shift();
    const name = argv[0]!;
    const words = argv.slice(1);
    if (words.length === 0) {
      // ensure the table exists (first run after boot materialises hw interfaces)
      const t = await withInterfaces((x) => x);
      const ifc = t.interfaces.find((i) => i.name === name);
      if (!ifc) {
        const groupMembers = t.interfaces.filter((i) => i.groups.includes(name));
        if (groupMembers.length) {
          await show(io, ordered(t), groupMembers.map((m) => m.name));
          return 0;
        }
        throw new Fail(`ifconfig: ${name}: no such interface`);
      }
      io.out(await formatInterface(t, ifc));
      return 0;
    }
    await withInterfaces(async (t) => {
      let ifc = t.interfaces.find((i) => i.name === name) as (EmuInterface & { helperPid?: number }) | undefined;
      if (words[0] === "create") {
        if (ifc) throw new Fail("ifconfig: SIOCIFCREATE: File exists");
        if (!cloneable(name)) throw new Fail(`ifconfig: SIOCIFCREATE: Invalid argument`);
        ifc = newInterface(t, name);
        t.interfaces.push(ifc);
        words.shift();
      } else if (words[0] === "destroy") {
        if (!ifc) throw new Fail(`ifconfig: ${name}: no such interface`);
        if (!cloneable(name) || name === "enc0" || name === "lo0") throw new Fail("ifconfig: SIOCIFDESTROY: Invalid argument");
        stopHelper(ifc.helperPid);
        if (ifc.linux === ifc.name) ip("link", "del", ifc.name);
        if (ifc.carp) {
          // leave the carp group first so a peer takes over the shared addresses
          ifc.up = false;
          await syncCarp(t);
        }
        t.interfaces = t.interfaces.filter((i) => i !== ifc);
        await syncCarp(t);
        return t;
      }
      if (!ifc) {
        if (!cloneable(name)) throw new Fail(`ifconfig: ${name}: no such interface`);
        ifc = newInterface(t, name);
        t.interfaces.push(ifc);
      }
      await apply(t, ifc, words);
      syncLinux(ifc);
      await syncCarp(t);
      return t;
    });
    return 0;
  } catch (e) {
    if (e instanceof Fail) {
      io.err(e.message + "\n");
      return 1;
    }
    throw e;
  }
};

export default ifconfig;
