import { describe, expect, it } from "vitest";
import { planAndRender, PlanError } from "../../../sdk/planner/index";
import type { TincMemberSpec, TincSpec } from "../../../sdk/planner/tinc";
import { tincRsaKeyPair as deriveRsaKeyPair } from "../../../sdk/planner/rsakeys";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { FP_KEY, gw, gw1, gw2, topo } from "../planner/fixtures";

const k1 = deriveRsaKeyPair("seed-gw1", "tinc/gw1/vpn/gw1");
const k2 = deriveRsaKeyPair("seed-gw2", "tinc/gw2/vpn/gw2");
const k3 = deriveRsaKeyPair("seed-gw3", "tinc/gw3/vpn/gw3");
const member = (node: string, inner: string, k: typeof k1, more: Partial<TincMemberSpec> = {}): TincMemberSpec => ({
  node, name: node, inner: { address: inner, prefix: 24 }, port: 655, privateKey: k.privateKey, publicKey: k.publicKey, ...more,
});
const net = (members: TincMemberSpec[]): TincSpec => ({ resource: "vpn", netname: "vpn", members });
const gw3 = () => gw("gw3", "198.51.100.7", "10.3.0.0/24");
const three = () => net([member("gw1", "10.10.0.1", k1), member("gw2", "10.10.0.2", k2), member("gw3", "10.10.0.3", k3)]);
const plan = (ns: TincSpec[], gateways = [gw1(), gw2(), gw3()]) => planAndRender(topo({ gateways, tunnels: [], tinc: ns }), { fingerprintKey: FP_KEY });
const issuesOf = (ns: TincSpec[], gateways = [gw1(), gw2(), gw3()]): string => {
  try {
    plan(ns, gateways);
  } catch (e) {
    if (e instanceof PlanError) return e.message;
    throw e;
  }
  return "";
};

describe("TincNetwork in the planner", () => {
  it("derives a 2048-bit RSA pair per member in PKCS#1 PEM, stable", { timeout: 60_000 }, () => {
    expect(k1.privateKey.startsWith("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
    expect(k1.publicKey.startsWith("-----BEGIN RSA PUBLIC KEY-----\n")).toBe(true);
    expect(createPrivateKey(k1.privateKey).asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
    expect(createPublicKey(k1.privateKey).export({ type: "pkcs1", format: "pem" })).toBe(k1.publicKey);
    expect(deriveRsaKeyPair("seed-gw1", "tinc/gw1/vpn/gw1")).toEqual(k1);
    expect(k2.publicKey).not.toBe(k1.publicKey);
  });

  it("writes tinc.conf, every member's hosts file, the private key 0600, tinc-up, rc.d tincd -n vpn, the package", () => {
    const r = plan([three()]);
    const s = r.states.gw1!;
    expect(s.files["/etc/tinc/vpn/tinc.conf"]!.content).toBe("Name = gw1\nAddressFamily = ipv4\nInterface = tun0\nPort = 655\nConnectTo = gw2\nConnectTo = gw3\n");
    expect(s.files["/etc/tinc/vpn/hosts/gw2"]!.content).toBe(`Address = 192.0.123.85\nPort = 655\nSubnet = 10.10.0.2/32\nSubnet = 192.168.15.0/24\n\n${k2.publicKey}`);
    expect(s.files["/etc/tinc/vpn/hosts/gw1"]!.content).toContain("Subnet = 172.16.0.0/24\n");
    expect(s.files["/etc/tinc/vpn/rsa_key.priv"]).toMatchObject({ content: k1.privateKey, mode: "0600", secret: true });
    expect(s.files["/etc/tinc/vpn/tinc-up"]).toMatchObject({ mode: "0755" });
    expect(s.files["/etc/tinc/vpn/tinc-up"]!.content).toBe(
      '#!/bin/sh\n# run by tincd when the VPN interface comes up ($INTERFACE)\nifconfig "$INTERFACE" 10.10.0.1 netmask 255.255.255.0 up\n' +
        "route -q add -inet 10.10.0.0/24 10.10.0.1\nroute -q add -inet 192.168.15.0/24 10.10.0.1\nroute -q add -inet 10.3.0.0/24 10.10.0.1\nexit 0\n",
    );
    expect(s.services.tincd).toMatchObject({ enabled: true, flags: "-n vpn", running: true });
    expect(s.packages).toEqual(["tinc"]);
    // a member's private key never reaches another gateway
    expect(JSON.stringify(r.states.gw2)).not.toContain(k1.privateKey.split("\n")[1]);
    expect(s.files["/etc/pf.anchors/vpn"]!.content.split("\n")).toContain("pass in on em1 proto { tcp udp } from 192.0.123.85 to (em1) port = 655");
  });

  it("refuses at preview: inner addresses of different subnets, overlapping subnets, a gateway twice", () => {
    expect(issuesOf([net([member("gw1", "10.10.0.1", k1), member("gw2", "10.11.0.2", k2)])])).toBe(
      'TincNetwork "vpn", Gateway "gw2": members[1].inner = 10.11.0.2/24: not in the network\'s subnet 10.10.0.0/24 (members[0].inner); give every member an address of 10.10.0.0/24',
    );
    expect(issuesOf([net([member("gw1", "10.10.0.1", k1), member("gw2", "10.10.0.2", k2, { subnets: ["172.16.0.0/16"] })])])).toContain(
      "members[1].subnets = 172.16.0.0/16: overlaps 172.16.0.0/24 (members[0].subnets): tinc routes each address to one node; give each member distinct subnets",
    );
    expect(issuesOf([net([member("gw1", "10.10.0.1", k1), member("gw1", "10.10.0.2", k1, { name: "other" })])])).toContain("members[1].gateway = gw1: also members[0]; list each gateway once");
  });
});
