// The lab end to end: site-to-site up, real sshd with a pinned host key, emulated commands over ssh, a real ping
// through a gif tunnel between the gateways, and a teardown that leaves nothing behind.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labHostExec, labUp, type Lab } from "./api";
import { run } from "./sh";
import { sshConnect, type Session } from "./helpers/ssh";

describe("site-to-site lab", () => {
  let lab: Lab;
  let gw1: Session;
  let gw2: Session;
  beforeAll(async () => {
    lab = await labUp("site-to-site", { prefix: "t5s", quiet: true });
    gw1 = await sshConnect(lab.gateways.gw1!);
    gw2 = await sshConnect(lab.gateways.gw2!);
  });
  afterAll(async () => {
    gw1?.end();
    gw2?.end();
    await labDown("t5s");
  });

  it("records both gateways with a management address, key and pinned host key", () => {
    const rec = JSON.parse(readFileSync(lab.stateFile, "utf8")) as Lab;
    expect(Object.keys(rec.gateways)).toEqual(["gw1", "gw2"]);
    expect(rec.gateways.gw1!.hostKey).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+$/);
    expect(rec.gateways.gw1!.hostKey).not.toBe(rec.gateways.gw2!.hostKey);
    expect(rec.gateways.gw1!.privateKey).toContain("BEGIN OPENSSH PRIVATE KEY");
  });

  it("refuses a host whose key is not the pinned one", async () => {
    await expect(sshConnect(lab.gateways.gw1!, lab.gateways.gw2!.hostKey)).rejects.toThrow(/verification failed/i);
  });

  it("runs the emulated commands over ssh as on the guide's gw1", async () => {
    const ifc = await gw1.exec("ifconfig em1");
    expect(ifc.code).toBe(0);
    expect(ifc.stdout).toMatch(/^em1: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n\tlladdr [0-9a-f:]{17}\n\tindex 2 priority 0 llprio 3\n\tgroups: egress\n\tmedia: Ethernet autoselect \(1000baseT full-duplex\)\n\tstatus: active\n\tinet 192\.0\.2\.153 netmask 0xffffff00 broadcast 192\.0\.2\.255\n$/);
    expect(await gw1.exec("rcctl get isakmpd flags")).toEqual({ stdout: "NO\n", stderr: "", code: 1 });
    expect(await gw1.exec("rcctl enable isakmpd && rcctl set isakmpd flags -K && rcctl get isakmpd flags")).toEqual({ stdout: "-K\n", stderr: "", code: 0 });
    expect(await gw1.exec("cat /etc/rc.conf.local; stat -c '%a %U:%G' /etc/rc.conf.local")).toEqual({ stdout: "isakmpd_flags=-K\n644 root:wheel\n", stderr: "", code: 0 });
    expect(await gw1.exec("sysctl net.inet.ip.forwarding")).toEqual({ stdout: "net.inet.ip.forwarding=0\n", stderr: "", code: 0 });
    expect(await gw1.exec("hostname; uname -s")).toEqual({ stdout: "gw1\nLinux\n", stderr: "", code: 0 });
  });

  it("keeps each gateway's /etc to itself", async () => {
    expect((await gw2.exec("cat /etc/rc.conf.local")).code).not.toBe(0);
    expect(existsSync(`${lab.gateways.gw1!.root}/etc/rc.conf.local`)).toBe(true);
    expect(existsSync("/etc/rc.conf.local")).toBe(false);
  });

  it("wires the internal segment for real and mirrors forwarding into the namespace's kernel", async () => {
    expect(lab.hosts).toEqual({ h1: { netns: "t5s-h1", address: "172.16.0.10" }, h2: { netns: "t5s-h2", address: "192.168.15.10" } });
    expect((await labHostExec(lab, "h1", "ping -c1 -W2 172.16.0.1")).code).toBe(0);
    expect((await labHostExec(lab, "h2", "ping -c1 -W2 192.168.15.1")).code).toBe(0);
    expect(await labExec(lab, "gw1", "cat /proc/sys/net/ipv4/ip_forward")).toEqual({ stdout: "0\n", stderr: "", code: 0 });
    expect((await gw1.exec("sysctl net.inet.ip.forwarding=1")).stdout).toBe("net.inet.ip.forwarding: 0 -> 1\n");
    expect(await labExec(lab, "gw1", "cat /proc/sys/net/ipv4/ip_forward")).toEqual({ stdout: "1\n", stderr: "", code: 0 });
    // gw1 reaches gw2 across the internet router
    expect((await gw1.exec("ping -c1 -W2 192.0.123.85")).code).toBe(0);
  });

  it("carries a real ping through a gif tunnel configured with ifconfig", async () => {
    const a = await gw1.exec("ifconfig gif0 create && ifconfig gif0 tunnel 192.0.2.153 192.0.123.85 && ifconfig gif0 inet 10.255.0.1 10.255.0.2 netmask 255.255.255.252");
    expect(a).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await gw2.exec("ifconfig gif0 tunnel 192.0.123.85 192.0.2.153 && ifconfig gif0 10.255.0.2 10.255.0.1 netmask 0xfffffffc")).code).toBe(0);
    expect((await gw1.exec("ifconfig gif0")).stdout).toContain("\ttunnel: inet 192.0.2.153 --> 192.0.123.85 ttl 64 nodf ecn\n\tinet 10.255.0.1 --> 10.255.0.2 netmask 0xfffffffc\n");
    const ping = await gw2.exec("ping -c 2 -W 2 10.255.0.1");
    expect(ping.code).toBe(0);
    expect(ping.stdout).toContain("2 packets transmitted, 2 received");
    // the inner address exists only on the tunnel: removing it stops the ping
    await gw1.exec("ifconfig gif0 destroy");
    expect((await gw2.exec("ping -c 1 -W 1 10.255.0.1")).code).not.toBe(0);
  });

  it("tears down everything it made, and is idempotent", async () => {
    gw1.end();
    gw2.end();
    const rec = JSON.parse(readFileSync(lab.stateFile, "utf8")) as { netns: string[]; rootLinks: string[]; pids: number[]; nsFiles: string[]; dirs: string[] };
    await labDown(lab);
    await labDown(lab);
    const netns = (await run(["ip", "netns", "list"])).stdout;
    for (const n of rec.netns) expect(netns).not.toMatch(new RegExp(`^${n}\\b`, "m"));
    const links = (await run(["ip", "-o", "link"])).stdout;
    for (const l of rec.rootLinks) expect(links).not.toContain(` ${l}@`);
    for (const p of rec.pids) expect(existsSync(`/proc/${p}`)).toBe(false);
    const mounts = readFileSync("/proc/self/mountinfo", "utf8");
    for (const f of rec.nsFiles) expect(mounts).not.toContain(f);
    for (const d of rec.dirs) expect(existsSync(d)).toBe(false);
    expect(existsSync(lab.stateFile)).toBe(false);
  });
});
