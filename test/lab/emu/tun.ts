/**
 * TEST DOUBLE — tun(4) in the lab: `ifconfig tunN create` makes a persistent Linux tun device of the same name in
 * the gateway's namespace, which a real `ssh -w` (client) or sshd (server) then opens by name, as OpenBSD's ssh
 * opens /dev/tunN. The link state follows the device's carrier: up while a process holds it open
 * (`status: active`), down otherwise (`status: down`), as tun(4) reports on OpenBSD.
 */
import { spawnSync } from "node:child_process";
import { ip, linuxEnabled } from "./linux";
import type { EmuInterface } from "./state";

/** tun(4) clone defaults (sys/net/if_tun.c: IFF_POINTOPOINT | IFF_MULTICAST, TUNMTU 1500). */
export const TUN_CLONER = { flags: ["POINTOPOINT", "MULTICAST"], mtu: 1500, ether: false };

/** Create the Linux side of a new tun interface (lab only). */
export function createTunLinux(ifc: EmuInterface): void {
  if (!linuxEnabled() || !/^tun\d+$/.test(ifc.name)) return;
  ip("tuntap", "add", "dev", ifc.name, "mode", "tun");
  ifc.linux = ifc.name;
}

/** `status: active` while a process has the device open (its carrier), else `status: down`. */
export function tunStatus(ifc: EmuInterface): string {
  if (!linuxEnabled() || !ifc.linux) return "\tstatus: down";
  // this namespace's view of the device (/sys shows the root namespace's): NO-CARRIER until a process opens it
  const r = spawnSync("ip", ["-j", "link", "show", "dev", ifc.linux], { encoding: "utf8" });
  if (r.status !== 0) return "\tstatus: down";
  const flags = (JSON.parse(r.stdout || "[]") as { flags?: string[] }[])[0]?.flags ?? [];
  return flags.includes("NO-CARRIER") || !flags.includes("LOWER_UP") ? "\tstatus: down" : "\tstatus: active";
}
