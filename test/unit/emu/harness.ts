/**
 * Runs the lab's emulated commands in-process against a throw-away gateway root (EMU_ROOT), with golden
 * input files copied in at the mode the golden recordings used (0600 unless told otherwise).
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand, type RunResult } from "../../lab/emu/command";
import { setServiceRunning, withInterfaces, type EmuInterface, type InterfaceTable } from "../../lab/emu/state";
import { GOLDEN as SHARED_GOLDEN } from "../../support/shared";

export const GOLDEN = process.env.GOLDEN_DIR ?? SHARED_GOLDEN;

/** Case names of one golden folder (`ipsecctl`, `pfctl`, …). */
export function goldenCases(tool: string): string[] {
  const dir = join(GOLDEN, tool);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".conf")).map((f) => f.slice(0, -5)).sort();
}

/** A golden output file, or "" when absent. */
export async function golden(tool: string, file: string): Promise<string> {
  const p = join(GOLDEN, tool, file);
  return existsSync(p) ? readFile(p, "utf8") : "";
}

/** A fresh gateway root: EMU_ROOT points at it while the test runs; `cwd` holds input files. */
export interface Sandbox {
  root: string;
  cwd: string;
  run(cmd: string, argv: string[], stdin?: string): Promise<RunResult>;
  /** Copy a golden input into cwd with `mode`. */
  put(tool: string, name: string, mode?: number): Promise<string>;
  /** Write a file (relative to cwd, or absolute under the gateway root). */
  write(path: string, text: string, mode?: number): Promise<string>;
  /** Install an interface table. */
  setInterfaces(t: InterfaceTable): Promise<void>;
  done(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "emu-unit-"));
  const cwd = join(root, "work");
  await mkdir(cwd, { recursive: true });
  await mkdir(join(root, "var/emu"), { recursive: true });
  const prev = process.env.EMU_ROOT;
  process.env.EMU_ROOT = root;
  const pathOf = (p: string) => (p.startsWith("/") ? join(root, p) : join(cwd, p));
  return {
    root,
    cwd,
    run: (cmd, argv, stdin) => runCommand(cmd, argv, { cwd, stdin, env: { ...process.env, EMU_ROOT: root } }),
    async put(tool, name, mode = 0o600) {
      const dst = join(cwd, name);
      await copyFile(join(GOLDEN, tool, name), dst);
      await chmod(dst, mode);
      return dst;
    },
    async write(p, text, mode = 0o600) {
      const dst = pathOf(p);
      await mkdir(join(dst, ".."), { recursive: true });
      await writeFile(dst, text);
      await chmod(dst, mode);
      return dst;
    },
    async setInterfaces(t) {
      await writeFile(join(root, "var/emu/interfaces.json"), JSON.stringify(t));
    },
    async done() {
      if (prev === undefined) delete process.env.EMU_ROOT;
      else process.env.EMU_ROOT = prev;
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The interface table of golden/README.md ("The pf environment"). */
export function goldenInterfaces(): InterfaceTable {
  const base = { flags: [], up: true, mtu: 1500 };
  return {
    demote: {},
    interfaces: [
      { ...base, name: "em0", index: 1, groups: [], addresses: [{ family: "inet", address: "172.16.0.1", prefixlen: 24 }] },
      { ...base, name: "em1", index: 2, groups: ["egress"], addresses: [{ family: "inet", address: "203.0.113.1", prefixlen: 24 }] },
      { ...base, name: "lo0", index: 3, mtu: 32768, groups: ["lo"], addresses: [{ family: "inet6", address: "::1", prefixlen: 128 }, { family: "inet6", address: "fe80::1", prefixlen: 64 }, { family: "inet", address: "127.0.0.1", prefixlen: 8 }] },
      { ...base, name: "enc0", index: 4, mtu: 0, groups: ["enc"], addresses: [] },
      { ...base, name: "carp1", index: 5, groups: ["carp"], addresses: [{ family: "inet", address: "172.16.0.254", prefixlen: 24 }] },
      { ...base, name: "carp2", index: 6, groups: ["carp"], addresses: [{ family: "inet", address: "203.0.113.254", prefixlen: 24 }] },
      { ...base, name: "gif0", index: 7, groups: ["gif"], addresses: [] },
    ],
  };
}

/** Two or more emulated gateways that see each other as lab peers (lab.json), each with its own root. */
export interface MiniLab {
  roots: Record<string, string>;
  /** `killed`: the command's death (io.killed), for a command that would wait for good. */
  run(gw: string, cmd: string, argv: string[], stdin?: string, killed?: AbortSignal): Promise<RunResult>;
  write(gw: string, path: string, text: string, mode?: number): Promise<string>;
  /** Make `gw`'s carp interface `ifname` win (advskew 0) or lose (advskew 200) the election (carp-elect.ts). */
  carp(gw: string, ifname: string, state: "MASTER" | "BACKUP"): Promise<void>;
  /** Stop a daemon on `gw` as `rcctl stop` does (marks it not running). */
  stop(gw: string, daemon: string): Promise<void>;
  done(): Promise<void>;
}

/** `gateways`: name → addresses (`192.0.2.153/24` on em1, internal network on em0). */
export async function miniLab(gateways: Record<string, { em0: string; em1: string; extra?: EmuInterface[] }>): Promise<MiniLab> {
  const base = await mkdtemp(join(tmpdir(), "emu-lab-"));
  const roots: Record<string, string> = {};
  for (const gw of Object.keys(gateways)) roots[gw] = join(base, gw);
  const prev = process.env.EMU_ROOT;
  for (const [gw, a] of Object.entries(gateways)) {
    const root = roots[gw]!;
    await mkdir(join(root, "var/emu"), { recursive: true });
    await mkdir(join(root, "etc"), { recursive: true });
    const addr = (cidr: string) => ({ family: "inet" as const, address: cidr.split("/")[0]!, prefixlen: Number(cidr.split("/")[1]) });
    const table: InterfaceTable = {
      demote: {},
      interfaces: [
        { name: "em0", flags: [], up: true, mtu: 1500, index: 1, groups: [], addresses: [addr(a.em0)] },
        { name: "em1", flags: [], up: true, mtu: 1500, index: 2, groups: ["egress"], addresses: [addr(a.em1)] },
        { name: "lo0", flags: [], up: true, mtu: 32768, index: 3, groups: ["lo"], addresses: [{ family: "inet", address: "127.0.0.1", prefixlen: 8 }] },
        { name: "enc0", flags: [], up: false, mtu: 0, index: 4, groups: ["enc"], addresses: [] },
        ...(a.extra ?? []),
      ],
    };
    await writeFile(join(root, "var/emu/interfaces.json"), JSON.stringify(table));
    const peers = Object.entries(gateways).filter(([n]) => n !== gw).map(([n, pa]) => ({ name: n, stateDir: join(roots[n]!, "var/emu"), addresses: [pa.em0.split("/")[0]!, pa.em1.split("/")[0]!] }));
    await writeFile(join(root, "var/emu/lab.json"), JSON.stringify({ name: gw, lab: "unit", peers }));
  }
  const use = (gw: string) => {
    const root = roots[gw];
    if (!root) throw new Error(`no gateway ${gw}`);
    process.env.EMU_ROOT = root;
    return root;
  };
  return {
    roots,
    async run(gw, cmd, argv, stdin, killed) {
      const root = use(gw);
      const cwd = join(root, "etc");
      return runCommand(cmd, argv, { cwd, stdin, env: { ...process.env, EMU_ROOT: root }, ...(killed ? { killed } : {}) });
    },
    async write(gw, p, text, mode = 0o600) {
      const root = use(gw);
      const dst = join(root, p);
      await mkdir(join(dst, ".."), { recursive: true });
      await writeFile(dst, text);
      await chmod(dst, mode);
      return dst;
    },
    async carp(gw, ifname, state) {
      use(gw);
      await withInterfaces((t) => {
        for (const i of t.interfaces) if (i.name === ifname && i.carp) i.carp = { ...i.carp, state, advskew: state === "MASTER" ? 0 : 200 };
        return t;
      });
    },
    async stop(gw, daemon) {
      use(gw);
      await setServiceRunning(daemon, false);
    },
    async done() {
      if (prev === undefined) delete process.env.EMU_ROOT;
      else process.env.EMU_ROOT = prev;
      await rm(base, { recursive: true, force: true });
    },
  };
}
