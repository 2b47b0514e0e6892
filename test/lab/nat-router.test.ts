/**
 * The `nat` topology's NAT router is a real one: gw1 (10.0.0.2, behind nat1) reaches gw2 on the internet and
 * gw2 sees its packets come from the router's outside address 198.51.100.2; gw2 cannot open a connection to
 * gw1 (nothing is forwarded). The emulated isakmpd and iked bring a tunnel up across it only through NAT-T
 * (test/lab/emu/natt.ts): the planner's files for gw1 behind NAT, gw1 initiating; the flows each end shows,
 * ESP-in-UDP on the SAs (`ipsecctl -sa -v`), and a gw2 that names gw1's private address gets nothing. Lab prefix `n1`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labHostExec, labUp, type Lab } from "./api";
import { planAndRender } from "../../sdk/planner/index";
import { FP_KEY } from "../unit/planner/fixtures";
import { ikedBehindNat, isakmpdBehindNat, natToEnc0 } from "../unit/planner/nat-cases";

let lab: Lab;
beforeAll(async () => { lab = await labUp("nat", { prefix: "n1", quiet: true }); }, 120_000);
afterAll(async () => { if (lab) await labDown(lab); });

/** Polls a command until it succeeds (ARP, routes settle), a few seconds at most. */
async function until(gw: string, cmd: string, tries = 10) {
  let r = await labExec(lab, gw, cmd);
  for (let i = 1; i < tries && r.code !== 0; i++) r = await labExec(lab, gw, cmd);
  return r;
}

describe("the nat topology", () => {
  it("gw1 reaches gw2 through the NAT, which masquerades it as 198.51.100.2", async () => {
    const r = await until("gw1", "ping -c 1 -W 1 192.0.123.85");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // a UDP datagram to gw2 port 500 arrives from the NAT's outside address
    const listen = labExec(lab, "gw2", "timeout 5 python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind((\"0.0.0.0\",5500));d,a=s.recvfrom(100);print(a[0])'");
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) await labExec(lab, "gw1", "python3 -c 'import socket;socket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b\"x\",(\"192.0.123.85\",5500))'");
    expect((await listen).stdout.trim()).toBe("198.51.100.2");
  });
  it("gw2 cannot reach gw1's private address", async () => {
    expect((await labExec(lab, "gw2", "ping -c 1 -W 1 10.0.0.2")).code).not.toBe(0);
  });
});

/** Installs one of the planner's files on a gateway, 0600. */
async function put(gw: string, path: string, content: string) {
  const r = await labExec(lab, gw, `umask 077; cat > ${path}`, content);
  expect(r.code, r.stderr).toBe(0);
}

/** `ipsecctl CMD` on gw1 (the initiator: its reads probe through the NAT), then on gw2, polled a few seconds. */
async function bothShow(cmd: string, want: Record<"gw1" | "gw2", string[]>) {
  let got: Record<string, string> = {};
  for (let i = 0; i < 10; i++) {
    got = { gw1: (await labExec(lab, "gw1", cmd)).stdout, gw2: (await labExec(lab, "gw2", cmd)).stdout };
    if ((["gw1", "gw2"] as const).every((g) => want[g].every((l) => got[g]!.includes(l)))) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  for (const g of ["gw1", "gw2"] as const) for (const l of want[g]) expect(got[g], `${g}: ${cmd}\n${got[g]}`).toContain(l);
  return got;
}

describe("the emulated IKE daemons across the NAT (NAT-T)", () => {
  it("isakmpd: flows on both ends, gw2's peer the NAT's address, SAs ESP-in-UDP on port 4500", async () => {
    const s = planAndRender(isakmpdBehindNat(), { fingerprintKey: FP_KEY }).states;
    for (const g of ["gw1", "gw2"] as const) {
      await put(g, "/etc/ipsec.conf", s[g]!.files["/etc/ipsec.conf"]!.content);
      const r = await labExec(lab, g, "rcctl enable isakmpd && rcctl set isakmpd flags -K && rcctl start isakmpd && ipsecctl -f /etc/ipsec.conf");
      expect(r.code, r.stderr).toBe(0);
    }
    await bothShow("ipsecctl -sf", {
      gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 10.0.0.2/32 dstid 192.0.123.85/32 type require"],
      gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 198.51.100.2 srcid 192.0.123.85/32 dstid 10.0.0.2/32 type require"],
    });
    const sa = await bothShow("ipsecctl -sa -v", { gw1: ["esp tunnel from 10.0.0.2 to 192.0.123.85 spi ", "\tudpencap: udpencap port 4500\n"], gw2: ["esp tunnel from 192.0.123.85 to 198.51.100.2 spi ", "\tudpencap: udpencap port 4500\n"] });
    expect(sa.gw1).not.toContain("198.51.100.2");
    // one SA has one SPI, seen from both ends (the NAT changes the addresses each end shows, not the SPI)
    const spis = (t: string) => [...t.matchAll(/ spi (0x[0-9a-f]{8})/g)].map((m) => m[1]).sort();
    expect(spis(sa.gw1!)).toHaveLength(2);
    expect(spis(sa.gw2!)).toEqual(spis(sa.gw1!));
    // without -v the SA lines are the plain ones (reference B.2)
    expect((await labExec(lab, "gw1", "ipsecctl -sa")).stdout).not.toContain("udpencap");
    // the tunnel carries h1's packets to h2 as ESP in UDP 4500 through the NAT (espd.py), and the replies back
    for (const g of ["gw1", "gw2"]) expect((await labExec(lab, g, "sysctl net.inet.ip.forwarding=1")).code).toBe(0);
    const ping = await labHostExec(lab, "h1", "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10");
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect((await labHostExec(lab, "nat1", "nft list chain ip nat postrouting")).stdout).toMatch(/udp dport 4500 counter packets [1-9]/);
  });

  it("isakmpd: gw2 naming gw1's private address never reaches it", async () => {
    const text = (await labExec(lab, "gw2", "cat /etc/ipsec.conf")).stdout.replace("peer 198.51.100.2", "peer 10.0.0.2");
    await put("gw2", "/etc/ipsec.conf", text);
    const r = await labExec(lab, "gw2", "ipsecctl -F && ipsecctl -f /etc/ipsec.conf");
    expect(r.code, r.stderr).toBe(0);
    await labExec(lab, "gw1", "ipsecctl -sf");
    expect((await labExec(lab, "gw2", "ipsecctl -sf")).stdout).not.toContain("flow esp out from 192.168.15.0/24 to 172.16.0.0/24");
    await labExec(lab, "gw1", "rcctl -f stop isakmpd; rcctl -f stop ipsec");
    await labExec(lab, "gw2", "rcctl -f stop isakmpd; rcctl -f stop ipsec");
  });

  it("isakmpd with natTo: gw1's flows for its true network, gw2's for the translated address; the anchor loads", async () => {
    const s = planAndRender(natToEnc0(), { fingerprintKey: FP_KEY }).states;
    for (const g of ["gw1", "gw2"] as const) {
      await put(g, "/etc/ipsec.conf", s[g]!.files["/etc/ipsec.conf"]!.content);
      await put(g, "/tmp/vpn.anchor", s[g]!.files["/etc/pf.anchors/vpn"]!.content);
      const r = await labExec(lab, g, "pfctl -a vpn -f /tmp/vpn.anchor && rcctl enable isakmpd && rcctl set isakmpd flags -K && rcctl start isakmpd && ipsecctl -f /etc/ipsec.conf");
      expect(r.code, r.stderr).toBe(0);
    }
    await bothShow("ipsecctl -sf", {
      gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 10.0.0.2/32 dstid 192.0.123.85/32 type require"],
      gw2: ["flow esp out from 192.168.15.0/24 to 10.99.0.1 peer 198.51.100.2 srcid 192.0.123.85/32 dstid 10.0.0.2/32 type require"],
    });
    expect((await labExec(lab, "gw1", "pfctl -a vpn -sr")).stdout).toContain("match out on enc0 inet from 172.16.0.0/24 to 192.168.15.0/24 nat-to 10.99.0.1\n");
    await labExec(lab, "gw1", "rcctl -f stop isakmpd; rcctl -f stop ipsec");
    await labExec(lab, "gw2", "rcctl -f stop isakmpd; rcctl -f stop ipsec");
  });

  it("iked with public keys: flows on both ends with the public address as gw1's ID", async () => {
    const s = planAndRender(ikedBehindNat(), { fingerprintKey: FP_KEY }).states;
    for (const g of ["gw1", "gw2"] as const) {
      for (const [path, f] of Object.entries(s[g]!.files)) if (path.startsWith("/etc/iked")) {
        await labExec(lab, g, `mkdir -p ${path.slice(0, path.lastIndexOf("/"))}`);
        await put(g, path, f.content);
      }
      const r = await labExec(lab, g, "rcctl -f start iked");
      expect(r.code, r.stderr).toBe(0);
    }
    await bothShow("ipsecctl -sf", {
      gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid IPV4/198.51.100.2 dstid IPV4/192.0.123.85 type require"],
      gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 198.51.100.2 srcid IPV4/192.0.123.85 dstid IPV4/198.51.100.2 type require"],
    });
    const sa = await bothShow("ipsecctl -sa -v", { gw1: ["from 10.0.0.2 to 192.0.123.85 spi ", "udpencap port 4500"], gw2: ["from 192.0.123.85 to 198.51.100.2 spi ", "udpencap port 4500"] });
    const spis = (t: string) => [...t.matchAll(/ spi (0x[0-9a-f]{8})/g)].map((m) => m[1]).sort();
    expect(spis(sa.gw2!)).toEqual(spis(sa.gw1!));
    const ping = await labHostExec(lab, "h2", "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 172.16.0.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 172.16.0.10");
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  });
});
