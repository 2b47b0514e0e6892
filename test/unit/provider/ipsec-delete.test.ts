/** `ipdel`: `ipsecctl -d -f OLD` tolerating only ESRCH (entries already gone), run with a stub ipsecctl. */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { declaredTunnelFlows, IPSEC_DELETE_FN, manualKernelEntries } from "../../../providers/gateway/ipsec-kernel";
import { expectedKernel, parseIpsecConf } from "../../../sdk/model/ipsec";
import { IPSC_FN } from "../../../providers/gateway/script-lib";

function run(stderr: string, code: number): { code: number; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "ipdel-"));
  try {
    writeFileSync(path.join(dir, "ipsecctl"), `#!/bin/sh\nprintf '%s' '${stderr}' >&2\nexit ${code}\n`, { mode: 0o755 });
    writeFileSync(path.join(dir, "rcctl"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const script = [`PATH=${dir}:$PATH`, `R=${dir}`, `D=${dir}`, `undo() { printf '@@fail %s\\n%s\\n' "$1" "$2" >&2; exit 1; }`, IPSC_FN, ...IPSEC_DELETE_FN, "ipdel /old/ipsec.conf", "echo done"].join("\n");
    try {
      execFileSync("/bin/sh", ["-c", script], { stdio: "pipe" });
      return { code: 0, stderr: "" };
    } catch (e) {
      const x = e as { status: number; stderr: Buffer };
      return { code: x.status, stderr: x.stderr.toString() };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ipdel", () => {
  it("tolerates PF_KEY ESRCH and its `failed to delete rule N`", () => {
    expect(run("ipsecctl: PF_KEY failed: No such process\nipsecctl: failed to delete rule 2\n", 1)).toEqual({ code: 0, stderr: "" });
  });
  it("fails on anything else, with ipsecctl's own message", () => {
    expect(run("ipsecctl: PF_KEY failed: No such process\nipsecctl: PF_KEY failed: Operation not permitted\n", 1)).toEqual({
      code: 1,
      stderr: "@@fail ipsecctl -d -f /old/ipsec.conf\nipsecctl: PF_KEY failed: No such process\nipsecctl: PF_KEY failed: Operation not permitted\n",
    });
  });
});

/**
 * `ipsc ARGS` with a stub ipsecctl that writes each "ike rule" as OpenBSD's does: a blocking open of the FIFO
 * (`-i`'s, else $D/isakmpd.fifo, standing for /var/run/isakmpd.fifo), which waits for good when nobody reads it.
 */
function ipsc(isakmpdRuns: boolean): { code: number | null; signal: NodeJS.Signals | null; stdout: string; args: string; leftover: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), "ipsc-"));
  try {
    // what a stopped isakmpd leaves behind: its FIFO, with no reader
    execFileSync("mkfifo", [path.join(dir, "isakmpd.fifo")]);
    writeFileSync(path.join(dir, "rcctl"), `#!/bin/sh\nexit ${isakmpdRuns ? 0 : 1}\n`, { mode: 0o755 });
    writeFileSync(
      path.join(dir, "ipsecctl"),
      `#!/bin/sh\necho "$*" > ${dir}/args\nf=${dir}/isakmpd.fifo\n[ "$1" = -i ] && f=$2\necho 'C set [Phase 1]:198.51.100.2=peer-198.51.100.2 force' > "$f"\necho loaded\n`,
      { mode: 0o755 },
    );
    const script = [`PATH=${dir}:$PATH`, `D=${dir}`, IPSC_FN, "ipsc -d -f /etc/ipsec.conf"].join("\n");
    const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", timeout: isakmpdRuns ? 1000 : 20_000 });
    // a stub still waiting on the FIFO: a reader lets it write and end
    closeSync(openSync(path.join(dir, "isakmpd.fifo"), constants.O_RDONLY | constants.O_NONBLOCK));
    const args = (() => { try { return readFileSync(path.join(dir, "args"), "utf8").trim(); } catch { return ""; } })();
    return { code: r.status, signal: r.signal, stdout: r.stdout, args, leftover: readdirSync(dir).filter((f) => f.startsWith("ike.fifo")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ipsc", () => {
  it("with isakmpd stopped, writes the ike rules to a FIFO of its own that it drains: no wait on the one isakmpd left", () => {
    const r = ipsc(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("loaded\n");
    expect(r.args).toMatch(/^-i \S+\/ike\.fifo\.\d+ -d -f \/etc\/ipsec\.conf$/);
    expect(r.leftover).toEqual([]);
  });
  it("with isakmpd running, is ipsecctl itself (here the stub's write to the FIFO nobody reads waits, as the real one would)", () => {
    const r = ipsc(true);
    expect(r.signal).toBe("SIGTERM"); // killed at the timeout: it waited
    expect(r.args).toBe("-d -f /etc/ipsec.conf");
  });
});

describe("ipsc, called as ipdel calls it (`OUT=$(ipsc …)`), many times over with isakmpd stopped", () => {
  it("every call returns: its `cat` ends by itself once the script closes the FIFO (no kill), and no FIFO is left", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ipsc-loop-"));
    try {
      writeFileSync(path.join(dir, "rcctl"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
      // two ike rules: ipsecctl opens the FIFO once per rule
      writeFileSync(path.join(dir, "ipsecctl"), `#!/bin/sh\necho 'C set [Phase 1]:a=b force' > "$2"\necho 'C set [Phase 1]:c=d force' > "$2"\n`, { mode: 0o755 });
      const script = [`PATH=${dir}:$PATH`, `D=${dir}`, IPSC_FN, "i=0; while [ $i -lt 300 ]; do OUT=$(ipsc -d -f /etc/ipsec.conf 2>&1) || exit 1; i=$((i+1)); done; echo done"].join("\n");
      const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", timeout: 60_000 });
      expect(r.signal).toBeNull();
      expect(r.stdout).toBe("done\n");
      expect(readdirSync(dir).filter((f) => f.startsWith("ike.fifo"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("manualKernelEntries", () => {
  it("flows and SAs of manual rules as ipsecctl -sf/-ss print them, from the typed state; ike rules left out", () => {
    const conf = `flow esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85
esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes authkey 0x${"a".repeat(64)}:0x${"b".repeat(64)} enckey 0x${"c".repeat(32)}:0x${"d".repeat(32)}
ike esp from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 psk "x"
`;
    const k = expectedKernel(parseIpsecConf(conf, "/etc/ipsec.conf").value);
    expect(k.sas.some((s) => s.authkey !== undefined || s.enckey !== undefined)).toBe(false); // keys never travel in the state's kernel entries
    expect(k.peers).toEqual(["192.0.123.85", "198.51.100.2"]);
    expect(declaredTunnelFlows(k)).toEqual([
      { prefix: "flow esp in from 10.2.0.0/24 to 10.1.0.0/24 peer 198.51.100.2", type: "use" },
      { prefix: "flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2", type: "require" },
    ]);
    expect(manualKernelEntries(k)).toEqual({
      flows: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 type require", "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 type require"],
      sas: ["esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef auth hmac-sha2-256 enc aes", "esp tunnel from 192.0.123.85 to 192.0.2.153 spi 0xfeedbeef auth hmac-sha2-256 enc aes"],
    });
  });
});

describe("the flows the confirm waits for (flowsToAwait)", () => {
  it("an isakmpd gateway's declared tunnels; none on a CARP backup whose sasyncd holds isakmpd passive, nor with iked", async () => {
    const { flowsToAwait } = await import("../../../providers/gateway/ipsec-kernel");
    const { gwState } = await import("../../provider/fixtures");
    const s = gwState("gw1");
    expect(flowsToAwait(s).map((f) => f.prefix)).toEqual([
      "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85",
      "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85",
    ]);
    const carp = (skew: number) => ({ content: `inet 192.0.2.10 255.255.255.0 NONE vhid 2 carpdev em1 pass p advskew ${skew}\n`, mode: "0640", owner: "root", group: "wheel", check: "none" as const });
    const pair = (skew: number) => ({ ...s, files: { ...s.files, "/etc/hostname.carp2": carp(skew) }, services: { ...s.services, sasyncd: { order: 3, enabled: true, running: true } } });
    expect(flowsToAwait(pair(100))).toEqual([]);
    // the master negotiates (sasyncd tells its isakmpd it is master): waited for
    expect(flowsToAwait(pair(0))).toHaveLength(2);
    expect(flowsToAwait({ ...s, ipsec: { ...s.ipsec, daemon: "iked" } })).toEqual([]);
  });
});
