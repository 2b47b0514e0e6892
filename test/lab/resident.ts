/**
 * The resident emulator's life in the lab (ARCHITECTURE.md D9): the thin client (`emu/client.c`, compiled once with
 * the host's C compiler and cached by the hash of its source), and one emulator server (`emu/server.ts`, bundled
 * as `emud.mjs`) per gateway, started inside the gateway's namespaces before it boots, stopped with the lab and
 * restarted by `labReboot`.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync, closeSync } from "node:fs";
import { copyFile, mkdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./sh";

/** musl's compiler wrapper (Debian: musl-tools), when installed. */
const MUSL_GCC = "/usr/bin/musl-gcc";

/** The server's socket inside a gateway (its private /run). */
export const EMUD_SOCKET = "/run/emud.sock";

/**
 * Path of the compiled client copied into `dir` (`dir/emuc`), or undefined when the host has no C compiler (the
 * lab then falls back to one node process per command, as before the resident emulator).
 */
export async function buildClient(source: string, cacheDir: string, dir: string): Promise<string | undefined> {
  const src = await readFile(source);
  const hash = createHash("sha256").update(src).digest("hex").slice(0, 16);
  // every emulated command starts this program: as cheap a start as the host allows. Best with musl (`musl-gcc`,
  // Debian's musl-tools): a static binary with no loader and no CPU-feature probing, where glibc's start-up asks the
  // CPU about its caches with CPUID, each a trap to the hypervisor on a VM (measured: 0.66 → 0.38 ms a command);
  // else glibc linked statically (no dynamic loader: 0.8 → 0.66 ms); else as usual
  const cached = join(cacheDir, `emuc-${hash}-${existsSync(MUSL_GCC) ? "musl" : "static"}`);
  if (!existsSync(cached)) {
    const cc = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].find((c) => existsSync(c));
    if (!cc) {
      process.stderr.write("lab: no C compiler (cc/gcc/clang): every emulated command starts node (slow); `apt-get install gcc` for the resident emulator\n");
      return undefined;
    }
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    let r = existsSync(MUSL_GCC) ? await run([MUSL_GCC, "-O2", "-Wall", "-static", "-o", tmp, source]) : { code: 1, stdout: "", stderr: "" };
    if (r.code !== 0) r = await run([cc, "-O2", "-Wall", "-static", "-o", tmp, source]);
    if (r.code !== 0) r = await run([cc, "-O2", "-Wall", "-o", tmp, source]);
    if (r.code !== 0) throw new Error(`lab: cannot build the emulator client: ${cc} ${source}: ${r.stderr.trim()}`);
    await rename(tmp, cached);
  }
  const out = join(dir, "emuc");
  await copyFile(cached, out);
  return out;
}

/**
 * V8's tiers for the emulator: up to Maglev, never TurboFan. Each gateway's emulator is its own process that runs a
 * few dozen commands in a test; TurboFan compiles its hottest functions (the pf and ipsec parsers) on background
 * threads, CPU that a lab this short-lived never earns back, and which lands on the reads being measured. Measured
 * (20 gateways, the mesh bench's read, 6 rounds; emulator CPU per gateway per read): 23–30 ms in the first read and
 * 20–22 in the third with TurboFan, 6–10 in every read without; reads after those, 4–7 against 6–9. What the
 * commands print is the same (the tier changes how fast code runs, not what it does).
 */
export const EMUD_V8_FLAGS = ["--max-opt=2"] as const;

/**
 * Start gateway's emulator server: `enter` is the nsenter prefix into its namespaces, `log` a host path for the
 * server's stderr. Resolves with its pid once it listens on {@link EMUD_SOCKET}.
 */
export async function startServer(enter: string[], node: string, bundle: string, env: NodeJS.ProcessEnv, log: string): Promise<number> {
  const fd = openSync(log, "a");
  try {
    const p = spawn(enter[0]!, [...enter.slice(1), node, ...EMUD_V8_FLAGS, bundle, EMUD_SOCKET], { detached: true, stdio: ["ignore", "pipe", fd], env });
    return await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error("not ready after 20 s")), 20_000);
      const fail = (e: Error) => {
        clearTimeout(timer);
        try { if (p.pid) process.kill(p.pid, "SIGKILL"); } catch { /* gone */ }
        reject(new Error(`lab: the resident emulator did not start (${e.message}); see ${log}`));
      };
      p.on("error", fail);
      p.on("exit", (code) => fail(new Error(`exited ${code}`)));
      p.stdout!.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /^ready (\d+)\n/.exec(out);
        if (!m) return;
        clearTimeout(timer);
        p.removeAllListeners("exit");
        p.stdout!.destroy();
        p.unref();
        resolve(Number(m[1]));
      });
    });
  } finally {
    closeSync(fd);
  }
}

/** Stop a gateway's emulator server (SIGTERM, then SIGKILL after 2 s); never throws. */
export async function stopServer(pid: number | undefined): Promise<void> {
  if (!pid) return;
  const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
  try { process.kill(pid, "SIGTERM"); } catch { return; }
  for (let i = 0; i < 200 && alive(); i++) await new Promise((r) => setTimeout(r, 10));
  try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
}
