/**
 * The data path of an IPsec tunnel without NAT in the lab (test/lab/emu/espd.py): the lab kernel has no ESP, so
 * an established tunnel-mode ESP SA pair's packets travel as IP protocol 50 between the gateways' addresses, with
 * the SPI `ipsecctl -sa` shows and RFC 4303 framing (NULL cipher). h1 pings h2 across isakmpd's and iked's
 * tunnels; the data path stops with the flows (daemon stopped, reboot). Lab prefix `e1`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labHostExec, labReboot, labUp, type Lab } from "./api";

let lab: Lab;
beforeAll(async () => { lab = await labUp("site-to-site", { prefix: "e1", quiet: true }); }, 120_000);
afterAll(async () => { if (lab) await labDown(lab); });

const PSK = "lab-esp-datapath-psk";
const isakmpd = (from: string, to: string, peer: string) => `ike esp from ${from} to ${to} peer ${peer} \\
 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 psk ${PSK}
`;
// gw1 passive, gw2 active (as examples/07-iked)
const iked = (from: string, to: string, peer: string, local: string) =>
  `ikev2 "t" ${local === "192.0.2.153" ? "passive" : "active"} tunnel esp from ${from} to ${to} local ${local}${local === "192.0.2.153" ? "" : ` peer ${peer}`} psk "${PSK}"\n`;
const NETS = { gw1: ["172.16.0.0/24", "192.168.15.0/24", "192.0.123.85", "192.0.2.153"], gw2: ["192.168.15.0/24", "172.16.0.0/24", "192.0.2.153", "192.0.123.85"] } as const;

async function sh(gw: string, cmd: string): Promise<string> {
  const r = await labExec(lab, gw, cmd);
  expect(r.code, `${gw}: ${cmd}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}
/** h1 pings h2: a bounded wait for the data path, then three of three; false when nothing crosses. */
async function pings(): Promise<boolean> {
  const r = await labHostExec(lab, "h1", "for i in 1 2 3 4 5 6; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10");
  return r.code === 0;
}
/** The espd tun devices on a gateway (the data paths running there). */
const espLinks = async (gw: string) => (await sh(gw, "ip -o link show")).split("\n").filter((l) => / esp[0-9a-f]{6}: /.test(l)).length;
/** One ESP packet (IP protocol 50) gw2 receives from gw1 while h1 pings: its SPI in hex, as ipsecctl prints it. */
const SNIFF = `timeout 8 python3 -c 'import socket,struct
s=socket.socket(socket.AF_INET,socket.SOCK_RAW,50)
while True:
  d=s.recv(65535);h=(d[0]&15)*4
  if socket.inet_ntoa(d[12:16])=="192.0.2.153": print("0x%08x" % struct.unpack("!I",d[h:h+4])[0]); break'`;

describe("ESP between the gateways (no NAT)", () => {
  it("isakmpd: h1 pings h2 through IP protocol 50 carrying the SPI of gw1's outbound SA", async () => {
    for (const g of ["gw1", "gw2"] as const) {
      const [from, to, peer] = NETS[g];
      await sh(g, `printf '%s' '${isakmpd(from, to, peer)}' > /etc/ipsec.conf && chmod 600 /etc/ipsec.conf`);
      await sh(g, "echo net.inet.ip.forwarding=1 > /etc/sysctl.conf && sysctl net.inet.ip.forwarding=1 >/dev/null");
      await sh(g, "rcctl enable isakmpd && rcctl set isakmpd flags -K && rcctl start isakmpd >/dev/null && ipsecctl -f /etc/ipsec.conf");
    }
    // no read of ipsecctl -s yet: the data path on gw2 started when its ipsecctl -f established the tunnel;
    // gw1 (which loaded its rules first) starts its own at its next command that touches IPsec
    expect(await espLinks("gw2")).toBe(1);
    await sh("gw1", "ipsecctl -sf");
    expect(await espLinks("gw1")).toBe(1);
    const sniff = labExec(lab, "gw2", SNIFF);
    await new Promise((r) => setTimeout(r, 300));
    expect(await pings()).toBe(true);
    const spi = (await sniff).stdout.trim();
    expect(spi).toMatch(/^0x[0-9a-f]{8}$/);
    expect(await sh("gw1", "ipsecctl -sa")).toContain(`esp tunnel from 192.0.2.153 to 192.0.123.85 spi ${spi} `);
    expect(await sh("gw2", "ipsecctl -sa")).toContain(`esp tunnel from 192.0.2.153 to 192.0.123.85 spi ${spi} `);
    expect((await labHostExec(lab, "h2", "ping -c 3 -i 0.3 -W 2 172.16.0.10")).code).toBe(0);
  });

  it("isakmpd stopped: the flows and the data path go at once, and nothing crosses", async () => {
    await sh("gw2", "rcctl -f stop isakmpd >/dev/null");
    expect(await espLinks("gw2")).toBe(0);
    expect(await sh("gw1", "ipsecctl -sf")).toBe("");
    expect(await espLinks("gw1")).toBe(0);
    expect((await labHostExec(lab, "h1", "ping -c 2 -i 0.3 -W 1 192.168.15.10")).code).not.toBe(0);
    for (const g of ["gw1", "gw2"]) await sh(g, "rcctl -f stop isakmpd >/dev/null; rcctl disable isakmpd && rm /etc/ipsec.conf");
  });

  it("iked: h1 pings h2 across its tunnel; a reboot stops the data path and iked brings it back", async () => {
    for (const g of ["gw1", "gw2"] as const) {
      const [from, to, peer, local] = NETS[g];
      await sh(g, `printf '%s' '${iked(from, to, peer, local)}' > /etc/iked.conf && chmod 600 /etc/iked.conf`);
      await sh(g, "rcctl enable iked && rcctl start iked >/dev/null");
    }
    await sh("gw1", "ipsecctl -sf");
    expect(await pings()).toBe(true);
    expect(await espLinks("gw2")).toBe(1);
    await labReboot(lab, "gw2");
    // the boot's iked brought the tunnel back, and with it its data path (before any read of ipsecctl -s)
    expect(await espLinks("gw2")).toBe(1);
    expect(await sh("gw1", "ipsecctl -sf")).toContain("flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85");
    expect(await pings()).toBe(true);
    // iked stopped on gw2: its data path goes at once
    await sh("gw2", "rcctl stop iked >/dev/null");
    expect(await espLinks("gw2")).toBe(0);
  });
});
