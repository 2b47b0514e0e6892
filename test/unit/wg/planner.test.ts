import { describe, expect, it } from "vitest";
import { planAndRender, PlanError } from "../../../sdk/planner/index";
import { deriveWgKeyPair } from "../../../sdk/planner/wgkeys";
import type { WireGuardEndSpec, WireGuardSpec } from "../../../sdk/planner/wireguard";
import { FP_KEY, gw, gw1, gw2, topo } from "../planner/fixtures";

const k1 = deriveWgKeyPair("seed-gw1", "gw1", "wg0");
const k2 = deriveWgKeyPair("seed-gw2", "gw2", "wg0");
const end = (node: string, inner: string, k: typeof k1, more: Partial<WireGuardEndSpec> = {}): WireGuardEndSpec => ({
  node, interface: "wg0", inner: { address: inner, prefix: 24 }, port: 51820, privateKey: k.privateKey, publicKey: k.publicKey, ...more,
});
const wgt = (more: Partial<WireGuardSpec> = {}): WireGuardSpec => ({ name: "site-a-b", left: end("gw1", "10.9.0.1", k1), right: end("gw2", "10.9.0.2", k2), ...more });
const plan = (ws: WireGuardSpec[], gateways = [gw1(), gw2()]) => planAndRender(topo({ gateways, tunnels: [], wireguard: ws }), { fingerprintKey: FP_KEY });
const issuesOf = (ws: WireGuardSpec[], gateways = [gw1(), gw2()]): string[] => {
  try {
    plan(ws, gateways);
  } catch (e) {
    if (e instanceof PlanError) return e.message.split("\n");
    throw e;
  }
  return [];
};

describe("WireGuardTunnel in the planner", () => {
  it("writes /etc/hostname.wg0 on both ends, line for line, mode 0600 and secret", () => {
    const r = plan([wgt({ keepalive: 25 })]);
    const f1 = r.states.gw1!.files["/etc/hostname.wg0"]!;
    expect(f1.content.split("\n")).toEqual([
      `wgkey ${k1.privateKey} wgport 51820`,
      `wgpeer ${k2.publicKey} wgpka 25 wgendpoint 192.0.123.85 51820 wgaip 10.9.0.2/32 wgaip 192.168.15.0/24`,
      "inet 10.9.0.1 255.255.255.0",
      "up",
      // wg(4) adds no routes: the peer's network beyond the inner subnet is routed to its inner address
      "!route -q add -inet 192.168.15.0/24 10.9.0.2",
      "",
    ]);
    expect(f1).toMatchObject({ mode: "0600", secret: true });
    expect(r.states.gw1!.secrets).toContain(k1.privateKey);
    expect(r.states.gw1!.interfaces).toContain("wg0");
    expect(r.states.gw2!.files["/etc/hostname.wg0"]!.content.split("\n")[1]).toBe(`wgpeer ${k1.publicKey} wgpka 25 wgendpoint 192.0.2.153 51820 wgaip 10.9.0.1/32 wgaip 172.16.0.0/24`);
    // the peer's private key never reaches the other gateway
    expect(JSON.stringify(r.states.gw2)).not.toContain(k1.privateKey);
  });

  it("passes udp to the wg ports between the peers in the vpn anchor", () => {
    const r = plan([wgt({ right: end("gw2", "10.9.0.2", k2, { port: 51821 }) })]);
    expect(r.states.gw1!.files["/etc/pf.anchors/vpn"]!.content.split("\n")).toEqual([
      "pass in on em1 proto udp from 192.0.123.85 to (em1) port = 51820",
      "pass out on em1 proto udp from em1 to 192.0.123.85 port = 51821",
      "pass on wg0 all",
      "",
    ]);
    expect(r.states.gw1!.files["/etc/pf.conf"]!.content).toContain('anchor "vpn"');
  });

  it("merges the peers of tunnels sharing a hub's interface", () => {
    const k3 = deriveWgKeyPair("seed-gw3", "gw3", "wg0");
    const gw3 = gw("gw3", "198.51.100.7", "10.3.0.0/24");
    const r = plan([wgt(), { name: "hub-c", left: end("gw1", "10.9.0.1", k1), right: end("gw3", "10.9.0.3", k3) }], [gw1(), gw2(), gw3]);
    const lines = r.states.gw1!.files["/etc/hostname.wg0"]!.content.split("\n");
    expect(lines.filter((l) => l.startsWith("wgpeer"))).toEqual([
      `wgpeer ${k2.publicKey} wgendpoint 192.0.123.85 51820 wgaip 10.9.0.2/32 wgaip 192.168.15.0/24`,
      `wgpeer ${k3.publicKey} wgendpoint 198.51.100.7 51820 wgaip 10.9.0.3/32 wgaip 10.3.0.0/24`,
    ]);
  });

  it("refuses both-end mistakes at preview, naming resources, field, value and fix", () => {
    expect(issuesOf([wgt({ right: end("gw2", "10.8.0.2", k2) })])).toEqual([
      'WireGuardTunnel "site-a-b", Gateway "gw1", Gateway "gw2": left.inner, right.inner = 10.9.0.1/24, 10.8.0.2/24: the inner addresses are not in the same subnet; give both ends addresses of one subnet, e.g. `10.9.0.1/24` at one end and another address of 10.9.0.0/24 at the other',
    ]);
    expect(issuesOf([wgt({ right: end("gw2", "10.9.0.1", k2) })])).toEqual([
      'WireGuardTunnel "site-a-b", Gateway "gw1", Gateway "gw2": left.inner, right.inner = 10.9.0.1: both ends have the same inner address; give each end its own address of the subnet',
    ]);
    // both sites number their LAN 172.16.0.0/24: wg could not tell where to send
    expect(issuesOf([wgt()], [gw1(), gw("gw2", "192.0.123.85", "172.16.0.0/24")])).toEqual([
      '2 problems in the declared topology:',
      '- WireGuardTunnel "site-a-b", Gateway "gw1": right.networks = 172.16.0.0/24: overlaps 172.16.0.0/24 (Gateway "gw1" internal network 172.16.0.0/24) on wg0 of Gateway "gw1": wg(4) routes each address to one peer; give each peer distinct allowed networks',
      '- WireGuardTunnel "site-a-b", Gateway "gw2": left.networks = 172.16.0.0/24: overlaps 172.16.0.0/24 (Gateway "gw2" internal network 172.16.0.0/24) on wg0 of Gateway "gw2": wg(4) routes each address to one peer; give each peer distinct allowed networks',
    ]);
    expect(issuesOf([wgt({ left: end("gw1", "10.9.0.1", k1, { networks: ["10.9.0.1/32"] }), right: end("gw2", "10.9.0.2", k2, { networks: ["10.9.0.0/24"] }) })])[0]).toBe(
      'WireGuardTunnel "site-a-b", Gateway "gw1": right.networks = 10.9.0.0/24: overlaps 10.9.0.1 (left.inner) on wg0 of Gateway "gw1": wg(4) routes each address to one peer; give each peer distinct allowed networks',
    );
  });

  it("refuses IPsec-only forwarding on a gateway that routes networks through wg", () => {
    expect(issuesOf([wgt()], [gw1(), gw("gw2", "192.0.123.85", "192.168.15.0/24", { forwarding: { ipv4: 2, ipv6: 0 } })])).toEqual([
      'WireGuardTunnel "site-a-b", Gateway "gw2": forwarding.ipv4 = 2: net.inet.ip.forwarding=2 forwards only IPsec traffic, so 172.16.0.0/24 behind wg0 would not be forwarded; set `forwarding: { ipv4: 1 }` on the gateway',
    ]);
  });

  it("refuses a hub whose tunnels disagree on the interface, without showing keys", () => {
    const k3 = deriveWgKeyPair("seed-gw3", "gw3", "wg0");
    const gw3 = gw("gw3", "198.51.100.7", "10.3.0.0/24");
    const other = deriveWgKeyPair("seed-x", "gw1", "wg0");
    const msg = issuesOf([wgt(), { name: "hub-c", left: end("gw1", "10.9.0.1", other, { port: 51821 }), right: end("gw3", "10.9.0.3", k3) }], [gw1(), gw2(), gw3]);
    expect(msg).toEqual([
      "2 problems in the declared topology:",
      '- WireGuardTunnel "site-a-b", WireGuardTunnel "hub-c", Gateway "gw1": left.port = 51820 ≠ 51821: WireGuardTunnel "site-a-b" already sets wg0 on this gateway differently; give every tunnel on wg0 the same port, or use another interface',
      '- WireGuardTunnel "site-a-b", WireGuardTunnel "hub-c", Gateway "gw1": left.privateKey = (secret) ≠ (secret): WireGuardTunnel "site-a-b" already sets wg0 on this gateway differently; give every tunnel on wg0 the same privateKey, or use another interface',
    ]);
    expect(msg.join("\n")).not.toContain(other.privateKey);
  });
});
