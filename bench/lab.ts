/**
 * The lab: time to bring up and tear down `site-to-site`, `carp` and `mesh-20` (median of 3 each), and the time of
 * one emulated command (`sysctl net.inet.ip.forwarding`) over an open ssh session and via labExec (median of 5,
 * after a warm-up), and 100 of them in a loop inside one ssh session. Prints `name: value unit` lines. Prefixes `bl…` (its own labs; other labs may run meanwhile).
 */
import { performance } from "node:perf_hooks";
import { labDown, labExec, labUp, type Lab } from "../test/lab/api";
import { sshConnect } from "../test/lab/helpers/ssh";
import { ROOT } from "../test/support/env";
import { dirname, join } from "node:path";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export default async function bench(): Promise<void> {
  for (const [topology, prefix] of [["site-to-site", "bls"], ["carp", "blc"], ["mesh-20", "blm"]] as const) {
    const up: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < 3; i++) {
      let lab: Lab | undefined;
      try {
        up.push(await time(async () => { lab = await labUp(topology, { prefix, quiet: true }); }));
      } finally {
        down.push(await time(() => labDown(lab ?? prefix)));
      }
    }
    console.log(`lab ${topology} up: ${(median(up) / 1000).toFixed(2)} s`);
    console.log(`lab ${topology} down: ${(median(down) / 1000).toFixed(2)} s`);
  }

  const lab = await labUp("site-to-site", { prefix: "blx", quiet: true });
  try {
    const cmd = "sysctl net.inet.ip.forwarding";
    const expect = (out: string, via: string) => {
      if (out !== "net.inet.ip.forwarding=0\n") throw new Error(`bench lab: \`${cmd}\` ${via} printed ${JSON.stringify(out)}`);
    };
    const connect: number[] = [];
    for (let i = 0; i < 5; i++) connect.push(await time(async () => (await sshConnect(lab.gateways.gw1!)).end()));
    const s = await sshConnect(lab.gateways.gw1!);
    try {
      expect((await s.exec(cmd)).stdout, "over ssh");
      const ssh: number[] = [];
      for (let i = 0; i < 5; i++) ssh.push(await time(async () => expect((await s.exec(cmd)).stdout, "over ssh")));
      console.log(`lab ssh connect (pinned host key): ${median(connect).toFixed(1)} ms`);
      console.log(`lab command over ssh (${cmd}): ${median(ssh).toFixed(1)} ms`);
      // the issue-13 measure: 100 commands in one ssh session (no channel setup per command)
      const loop = await s.exec(`s=$(date +%s%N); for i in $(seq 100); do ${cmd} >/dev/null; done; e=$(date +%s%N); echo $(( (e - s) / 100 ))`);
      console.log(`lab command in one ssh session, 100 times (${cmd}): ${(Number(loop.stdout.trim()) / 1e6).toFixed(1)} ms each`);
      // what it cost before the resident emulator: one node process per command (the one-shot bundle, emu/main.ts)
      const dir = dirname(lab.gateways.gw1!.privateKeyPath);
      const oneShot = `EMU_SRC=${join(ROOT, "test", "lab", "emu")} ${process.execPath} ${join(dir, "emu.mjs")} ${cmd}`;
      const loop1 = await s.exec(`s=$(date +%s%N); for i in $(seq 20); do ${oneShot} >/dev/null; done; e=$(date +%s%N); echo $(( (e - s) / 20 ))`);
      console.log(`lab command in one ssh session, 20 times, one node process per command as before (${cmd}): ${(Number(loop1.stdout.trim()) / 1e6).toFixed(1)} ms each`);
    } finally {
      s.end();
    }
    expect((await labExec(lab, "gw1", cmd)).stdout, "via labExec");
    const exec: number[] = [];
    for (let i = 0; i < 5; i++) exec.push(await time(async () => expect((await labExec(lab, "gw1", cmd)).stdout, "via labExec")));
    console.log(`lab command via labExec (${cmd}): ${median(exec).toFixed(1)} ms`);
  } finally {
    await labDown(lab);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
