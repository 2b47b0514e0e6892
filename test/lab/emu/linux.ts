/**
 * TEST DOUBLE — the part of the emulated kernel that Linux does for real inside a lab gateway's network namespace:
 * addresses and link state on the veths, gif/gre tunnels (a tun device fed by `gifd.py`, since this kernel has no
 * ipip/sit/gre modules), carp virtual addresses on the MASTER, forwarding sysctls. Disabled outside a lab
 * (`EMU_ROOT` set, or no `/var/emu/lab.json`): then the emulator only keeps state.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { labInfo } from "./state";

/** Whether the emulator acts on Linux too. */
export function linuxEnabled(): boolean {
  return !process.env.EMU_ROOT && process.env.EMU_LINUX !== "0" && labInfo() !== undefined;
}

/** Run `ip ARGS…`; returns stderr text on failure (never throws). */
export function ip(...args: string[]): string | undefined {
  if (!linuxEnabled()) return undefined;
  const r = spawnSync("ip", args, { encoding: "utf8" });
  return r.status === 0 ? undefined : (r.stderr || `ip ${args.join(" ")} failed`).trim();
}

/** Addresses currently on a Linux device (`a.b.c.d/len`), in this namespace or in netns `ns` (a peer's). */
export function linuxAddrs(dev: string, ns?: string): string[] {
  if (!linuxEnabled()) return [];
  const r = spawnSync("ip", [...(ns ? ["-n", ns] : []), "-j", "addr", "show", "dev", dev], { encoding: "utf8" });
  if (r.status !== 0) return [];
  const j = JSON.parse(r.stdout || "[]") as { addr_info?: { local: string; prefixlen: number }[] }[];
  return (j[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

function gifdPath(): string {
  // next to this file in the source tree; the bundle records the source directory in EMU_SRC
  const src = process.env.EMU_SRC ?? dirname(fileURLToPath(import.meta.url));
  const p = join(src, "gifd.py");
  return existsSync(p) ? p : join(dirname(fileURLToPath(import.meta.url)), "gifd.py");
}

/** Start the userspace tunnel helper (gifd.py) for `dev`; returns its pid. */
export function startTunnel(dev: string, kind: "gif" | "gre" | "etherip" | "eoip", src: string, dst: string, key?: number): number | undefined {
  if (!linuxEnabled()) return undefined;
  ip("tuntap", "add", "dev", dev, "mode", kind === "etherip" || kind === "eoip" ? "tap" : "tun");
  const p = spawn("/usr/bin/python3", [gifdPath(), dev, kind, src, dst, key === undefined ? "none" : String(key)], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  p.unref();
  starting.add(new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      p.stdout!.destroy();
      resolve();
    };
    const timer = setTimeout(done, 5_000);
    p.stdout!.once("data", done).once("close", done).once("error", done);
    p.once("error", done);
  }));
  return p.pid;
}

/** Tunnel helpers started by the current commands that have not yet said they are ready. */
const starting = new Set<Promise<void>>();

/**
 * Resolves once every tunnel helper started so far carries packets. The emulator's entry points await it before a
 * command's exit status is reported, so `ifconfig gif0 tunnel …` returns with the tunnel up, as on OpenBSD.
 */
export async function tunnelHelpersReady(): Promise<void> {
  const all = [...starting];
  await Promise.all(all);
  for (const x of all) starting.delete(x);
}

/** Stop a tunnel helper. */
export function stopHelper(pid: number | undefined): void {
  if (!pid || !linuxEnabled()) return;
  try { process.kill(pid, "SIGTERM"); } catch { /* gone */ }
}

/** Set a Linux sysctl under /proc/sys (net.* only make sense per namespace). */
export async function procSysctl(path: string, value: string): Promise<void> {
  if (!linuxEnabled()) return;
  await writeFile(join("/proc/sys", path), value).catch(() => undefined);
}
