/**
 * Test helper: an emulated gateway root in a temp directory (EMU_ROOT), so the emulator's commands can be run
 * in-process without namespaces. Each `run` points EMU_ROOT at this root for the duration of the call.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand, type RunResult } from "../emu/command";

export interface EmuRoot {
  dir: string;
  run(cmd: string, ...argv: string[]): Promise<RunResult>;
  write(path: string, text: string, mode?: number): void;
  cleanup(): void;
}

/** A gateway root with the given physical interfaces (`[name, lladdr, segment]`) and optional lab peers. */
export function emuRoot(name: string, hw: [string, string, string][], peers: { name: string; dir: string }[] = []): EmuRoot {
  const dir = mkdtempSync(join(tmpdir(), `emu-${name}-`));
  for (const d of ["etc/rc.d", "var/emu"]) mkdirSync(join(dir, d), { recursive: true });
  for (const d of ["cron", "iked", "isakmpd", "ntpd", "pflogd", "sasyncd", "sshd", "syslogd"]) writeFileSync(join(dir, "etc/rc.d", d), "#!/bin/sh\n", { mode: 0o555 });
  writeFileSync(join(dir, "var/emu/hw.json"), JSON.stringify(hw.map(([n, lladdr, segment]) => ({ name: n, lladdr, segment }))));
  writeFileSync(join(dir, "var/emu/lab.json"), JSON.stringify({ name, lab: "unit", peers: peers.map((p) => ({ name: p.name, stateDir: join(p.dir, "var/emu"), addresses: [] })) }));
  return {
    dir,
    async run(cmd, ...argv) {
      const saved = process.env.EMU_ROOT;
      process.env.EMU_ROOT = dir;
      try {
        return await runCommand(cmd, argv, { cwd: dir });
      } finally {
        if (saved === undefined) delete process.env.EMU_ROOT;
        else process.env.EMU_ROOT = saved;
      }
    },
    write(path, text, mode = 0o644) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text, { mode });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
