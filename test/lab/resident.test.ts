// The resident emulator (ARCHITECTURE.md D9): one server per gateway, the command names thin clients. What a user of
// the lab would notice: the same bytes and exit status as a one-shot emulator process, stdin only when a command
// reads it, signals, concurrency, a killed client that wedges nothing, a reboot that restarts it, and the speed.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labPut, labReboot, labUp, type Lab } from "./api";
import { sshConnect } from "./helpers/ssh";
import { ROOT } from "../support/env";

describe("resident emulator", () => {
  let lab: Lab;
  const sh = (cmd: string, stdin?: string) => labExec(lab, "gw1", cmd, stdin);
  const emudPid = (): number => (JSON.parse(readFileSync(lab.stateFile, "utf8")) as { emud: Record<string, number> }).emud.gw1!;
  beforeAll(async () => { lab = await labUp("site-to-site", { prefix: "t13r", quiet: true }); });
  afterAll(async () => { await labDown("t13r"); });

  it("prints what the one-shot emulator prints, byte for byte, with the same exit status", async () => {
    const rules = Array.from({ length: 50 }, (_, i) => `pass in on em1 proto tcp from 10.${i >> 8}.${i & 255}.1 to (em1) port ${1000 + i}`).join("\n") + "\n";
    await labPut(lab, "gw1", "etc/pf.anchors/big", rules, 0o600);
    const many = Array.from({ length: 1000 }, () => "/etc/pf.anchors/big").join(" ");
    const oneShot = `EMU_SRC=${join(ROOT, "test", "lab", "emu")} ${process.execPath} ${join(dirname(lab.gateways.gw1!.privateKeyPath), "emu.mjs")}`;
    for (const cmd of ["sysctl net.inet.ip.forwarding net.inet.esp.enable", "sysctl nosuch.mib", "ifconfig", "ifconfig em9", "rcctl ls all",
      "rcctl get isakmpd", "pfctl -sr", "pfctl -a big -nv -f /etc/pf.anchors/big", "ipsecctl -sa", "route -n show", "sha256 /etc/myname /nonexistent", `sha256 ${many}`]) {
      const [name, ...args] = cmd.split(" ");
      const resident = await sh(cmd);
      const alone = await sh(`${oneShot} ${name} ${args.join(" ")}`);
      expect({ cmd, ...resident }).toEqual({ cmd, ...alone });
    }
    // more than one 64 KiB frame of output
    const big = await sh(`sha256 ${many} | wc -c`);
    expect(Number(big.stdout.trim())).toBeGreaterThan(65536);
  });

  it("reads stdin only when the command asks for it: the rest of a piped script stays with sh", async () => {
    expect(await sh("sh -s", "sysctl net.inet.ip.forwarding\nsysctl -n nosuch.mib; echo status $?\necho after\n"))
      .toEqual({ stdout: "net.inet.ip.forwarding=0\nstatus 1\nafter\n", stderr: "sysctl: top level name nosuch in nosuch.mib is invalid\n", code: 0 });
  });

  it("streams a large stdin to the command (sha256 of 300 KB from a pipe)", async () => {
    const data = "0123456789abcdef\n".repeat(18_000);
    const r = await sh("sha256", data);
    expect(r).toEqual({ stdout: createHash("sha256").update(data).digest("hex") + "\n", stderr: "", code: 0 });
  });

  it("forwards SIGTERM: a daemon run with -d stops cleanly, any other command dies of it", async () => {
    const r = await sh("isakmpd -d & p=$!; sleep 0.5; rcctl ls started | grep -x isakmpd; kill $p; wait $p; echo daemon $?; rcctl ls started | grep -cx isakmpd; " +
      "(sleep 1 | sha256) & p=$!; sleep 0.3; kill $(pgrep -P $p -x sha256); wait $p; echo other $?");
    expect(r.stdout).toBe("isakmpd\ndaemon 0\n0\nother 143\n");
  });

  it("a client killed mid-command (waiting on stdin) wedges nothing; many commands run at once", async () => {
    const pid = emudPid();
    // the client runs under the command's name (a link to it), as the command would on OpenBSD
    const r = await sh("(sleep 1 | ipsecctl -nf -) & p=$!; sleep 0.3; pkill -KILL -P $p -x ipsecctl; echo killed $?; " +
      "for i in $(seq 24); do sysctl -n net.inet.ip.forwarding & done; wait; echo done");
    expect(r.stdout).toBe("killed 0\n" + "0\n".repeat(24) + "done\n");
    expect(emudPid()).toBe(pid);
  });

  it("labReboot restarts the gateway's emulator, as a reboot would", async () => {
    const before = emudPid();
    await labReboot(lab, "gw1");
    const after = emudPid();
    expect(after).not.toBe(before);
    expect(() => process.kill(before, 0)).toThrow();
    expect((await sh("sysctl net.inet.ip.forwarding")).stdout).toBe("net.inet.ip.forwarding=0\n");
  });

  it("answers at OpenBSD's speed over ssh: 100 commands in one session well under 10 ms each on a quiet machine", async () => {
    const s = await sshConnect(lab.gateways.gw1!);
    try {
      const r = await s.exec("s=$(date +%s%N); for i in $(seq 100); do sysctl net.inet.ip.forwarding >/dev/null; done; e=$(date +%s%N); echo $(( (e - s) / 100000 ))");
      const usPerCommand = Number(r.stdout.trim());
      // a node process per command took ~140 ms; allow a loaded 2-core machine 30 ms
      expect(usPerCommand).toBeLessThan(30_000);
    } finally {
      s.end();
    }
  });
});
