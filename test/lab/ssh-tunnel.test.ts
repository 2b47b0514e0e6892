/**
 * ssh -w's data path in the lab: the site-to-site lab's gateways get the files the planner renders for an
 * SshTunnel (hostname.tun0 on both, the server's sshd_config and authorized keys, the client's key,
 * known_hosts and /etc/rc.d/sshtun0), applied as the provider applies them (`sh /etc/netstart tun0`,
 * `sshd -t -f` then `rcctl reload sshd`, `rcctl enable/start sshtun0`). The emulated ifconfig makes tun0 a
 * real Linux tun device and the emulated rc.d runs the script's real `/usr/bin/ssh -N -w 0:0`, which logs in
 * to the lab's real sshd on gw2's external address with the derived key: h1 then pings h2 through the
 * tunnel, and again after gw1 reboots (rc starts the enabled daemon).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labHostExec, labReboot, labUp, type Lab } from "./api";
import { planAndRender } from "../../sdk/planner/index";
import type { HostState } from "../../sdk/state";
import { deriveSshTunnelKey } from "../../sdk/planner/sshkeys";
import { FP_KEY, gw } from "../unit/planner/fixtures";

let lab: Lab;
let states: Record<string, HostState>;

/** Writes every file of a state (content, mode, root:wheel), as the provider's commit does. */
async function install(g: string, s: HostState): Promise<void> {
  for (const [path, f] of Object.entries(s.files)) {
    const r = await labExec(lab, g, `mkdir -p "$(dirname '${path}')" && cat > '${path}' && chown root:wheel '${path}' && chmod ${f.mode} '${path}'`, f.content);
    expect(r.code, `${g} ${path}: ${r.stderr}`).toBe(0);
  }
}

async function must(g: string, cmd: string): Promise<string> {
  const r = await labExec(lab, g, cmd);
  expect(r.code, `${g}: ${cmd}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Packets received on gw2's tun0 (Linux counters): what came out of the tunnel. */
async function tunRx(): Promise<number> {
  const r = await labExec(lab, "gw2", "ip -s -j link show dev tun0");
  return (JSON.parse(r.stdout || "[]") as { stats64?: { rx?: { packets?: number } } }[])[0]?.stats64?.rx?.packets ?? 0;
}

/** Pings h2 from h1 until it answers (the tunnel comes up), then three of three — through gw2's tun0. */
async function pingsThrough(): Promise<void> {
  const rx = await tunRx();
  const r = await labHostExec(lab, "h1", "for i in $(seq 1 40); do ping -c 1 -W 1 192.168.15.10 >/dev/null 2>&1 && break; sleep 0.25; done; ping -c 3 -i 0.3 -W 2 192.168.15.10");
  const dbg = r.code === 0 ? "" : (await labExec(lab, "gw1", "ifconfig tun0; ip route; rcctl ls started; cat /var/log/sshtun0.log")).stdout + (await labExec(lab, "gw2", "ifconfig tun0; ip route")).stdout;
  expect(r.code, `${r.stdout}${r.stderr}\n${dbg}`).toBe(0);
  expect(await tunRx()).toBeGreaterThanOrEqual(rx + 3);
}

describe("ssh -w through the lab (real ssh and sshd, tun devices)", () => {
  beforeAll(async () => {
    lab = await labUp("site-to-site", { prefix: "s1a", quiet: true });
    // the server's sshd_config as it is, minus the lab's ListenAddress (sshd must also listen on em1)
    const base = (await labExec(lab, "gw2", "cat /etc/ssh/sshd_config")).stdout.split("\n").filter((l) => !l.startsWith("ListenAddress")).join("\n");
    const key = deriveSshTunnelKey("lab-seed", "gw1", 0);
    states = planAndRender({
      gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24"), gw("gw2", "192.0.123.85", "192.168.15.0/24")], tunnels: [], pairs: [], anchors: [], links: [],
      sshTunnels: [{
        name: "alice-bob",
        client: { node: "gw1", unit: 0, inner: { address: "172.16.2.1", prefix: 30 } },
        server: { node: "gw2", unit: 0, inner: { address: "172.16.2.2", prefix: 30 }, port: 22, user: "root", hostKey: lab.gateways.gw2!.hostKey, sshdConfig: base },
        privateKey: key.privateKey, publicKey: key.publicKey, aliveInterval: 5, aliveCountMax: 3, restartDelay: 1,
      }],
    }, { fingerprintKey: FP_KEY }).states;
  }, 120_000);
  afterAll(async () => {
    if (lab) await labDown(lab);
  });

  it("brings tun0 up on both ends from hostname.tun0, as tun(4) shows it", async () => {
    for (const g of ["gw1", "gw2"]) {
      const s = states[g]!;
      await install(g, { ...s, files: Object.fromEntries(Object.entries(s.files).filter(([p]) => p.startsWith("/etc/hostname.") || p === "/etc/sysctl.conf")) });
      await must(g, "sysctl net.inet.ip.forwarding=1 && sh /etc/netstart tun0");
    }
    const out = await must("gw1", "ifconfig tun0");
    expect(out.replace(/index \d+/, "index N").split("\n")).toEqual([
      "tun0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1500",
      "\tindex N priority 0 llprio 3",
      "\tgroups: tun",
      "\tstatus: down",
      "\tinet 172.16.2.1 --> 172.16.2.2 netmask 0xfffffffc",
      "",
    ]);
  });

  it("the server's sshd_config passes sshd -t and sshd reloads it; a bad one is refused before the swap", async () => {
    await install("gw2", { ...states.gw2!, files: Object.fromEntries(Object.entries(states.gw2!.files).filter(([p]) => p.startsWith("/etc/ssh/"))) });
    await must("gw2", "sshd -t -f /etc/ssh/sshd_config && rcctl reload sshd");
    const bad = await labExec(lab, "gw2", "printf 'PermitTunnel sideways\\n' > /tmp/bad && sshd -t -f /tmp/bad");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("PermitTunnel");
  });

  it("rcctl starts the client (a real ssh -w) and h1 pings h2 through the tunnel", async () => {
    await install("gw1", { ...states.gw1!, files: Object.fromEntries(Object.entries(states.gw1!.files).filter(([p]) => p.startsWith("/etc/ssh/") || p.startsWith("/etc/rc.d/"))) });
    await must("gw1", "rcctl enable sshtun0 && rcctl start sshtun0");
    await pingsThrough();
    expect(await must("gw1", "rcctl ls started")).toContain("sshtun0\n");
    expect(await must("gw1", "ifconfig tun0")).toContain("\tstatus: active\n");
    expect(await must("gw2", "ifconfig tun0")).toContain("\tstatus: active\n");
  }, 60_000);

  it("the rc.d loop starts ssh again after it dies (the link or the server went away)", async () => {
    const pid = (await must("gw1", "pgrep -f '^/usr/bin/ssh -N -w 0:0'")).trim();
    expect(pid).toMatch(/^\d+$/);
    await must("gw1", `kill ${pid}`);
    await pingsThrough();
    const again = (await must("gw1", "pgrep -f '^/usr/bin/ssh -N -w 0:0'")).trim();
    expect(again).toMatch(/^\d+$/);
    expect(again).not.toBe(pid);
    // the service ran throughout: the loop supervised it
    expect(await must("gw1", "rcctl ls started")).toContain("sshtun0\n");
  }, 60_000);

  it("comes back after the client gateway reboots (rc starts the enabled daemon)", async () => {
    await labReboot(lab, "gw1");
    await pingsThrough();
    // and rcctl stop ends the real process
    await must("gw1", "rcctl stop sshtun0");
    expect(await must("gw1", "rcctl ls started")).not.toContain("sshtun0");
    // and stays stopped (the loop ended with it)
    await new Promise((r) => setTimeout(r, 2500));
    expect((await labExec(lab, "gw1", "pgrep -f '^/usr/bin/ssh -N -w 0:0'")).code).toBe(1);
  }, 60_000);
});
