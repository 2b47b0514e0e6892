/**
 * isakmpd public-key authentication (issue 12): ike rules without psk and with both identities, each
 * gateway's RSA local.key (0600, secret) and its peer's public key under pubkeys/TYPE/ID; keys derived from
 * the key seeds, stable across runs, distinct per gateway, and each end's private key matching the public
 * key its peer installs.
 */
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/index";
import type { HostState } from "../../../sdk/state";
import { FP_KEY, gw, gw2, lines, topo, tunnel } from "./fixtures";
import type { CarpPairSpec } from "../../../sdk/planner/spec";

const plan = (t: Parameters<typeof planAndRender>[0]) => planAndRender(t, { fingerprintKey: FP_KEY });
const file = (s: HostState | undefined, path: string) => {
  const f = s?.files[path];
  if (!f) throw new Error(`no ${path}`);
  return f;
};
const pubkeyTunnel = (right: Record<string, unknown> = {}) =>
  tunnel({
    keying: { kind: "ike", auth: { kind: "publickey" }, phase1: { auth: "hmac-sha2-256", enc: "aes-256" }, phase2: { auth: "hmac-sha2-256", enc: "aes-256" } },
    right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], ...right },
  });

describe("isakmpd with public keys", () => {
  const r = plan(topo({ tunnels: [pubkeyTunnel()] }));
  const g1 = r.states.gw1!;
  const g2 = r.states.gw2!;

  it("writes ike rules without psk, with srcid and dstid (the addresses by default)", () => {
    expect(lines(file(g1, "/etc/ipsec.conf").content)).toEqual([
      "ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 srcid 192.0.2.153 dstid 192.0.123.85",
    ]);
    expect(lines(file(g2, "/etc/ipsec.conf").content)).toEqual([
      "ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 srcid 192.0.123.85 dstid 192.0.2.153",
    ]);
  });

  it("installs local.key 0600 (secret), local.pub and the peer's key by its ID", () => {
    const paths = (s: HostState) => Object.keys(s.files).filter((p) => p.startsWith("/etc/isakmpd/")).sort();
    expect(paths(g1)).toEqual(["/etc/isakmpd/local.pub", "/etc/isakmpd/private/local.key", "/etc/isakmpd/pubkeys/ipv4/192.0.123.85"]);
    expect(paths(g2)).toEqual(["/etc/isakmpd/local.pub", "/etc/isakmpd/private/local.key", "/etc/isakmpd/pubkeys/ipv4/192.0.2.153"]);
    expect(file(g1, "/etc/isakmpd/private/local.key")).toMatchObject({ mode: "0600", owner: "root", group: "wheel", secret: true });
    expect(file(g1, "/etc/isakmpd/local.pub")).toMatchObject({ mode: "0644" });
    expect(file(g1, "/etc/isakmpd/local.pub").secret).toBeFalsy();
    expect(file(g1, "/etc/isakmpd/private/local.key").content).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(file(g1, "/etc/isakmpd/local.pub").content).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it("pairs each private key with the public key its peer installs; 2048-bit RSA, distinct per gateway", () => {
    const k1 = createPrivateKey(file(g1, "/etc/isakmpd/private/local.key").content);
    const k2 = createPrivateKey(file(g2, "/etc/isakmpd/private/local.key").content);
    expect(k1.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
    const sig = sign("sha256", Buffer.from("phase 1"), k1);
    expect(verify("sha256", Buffer.from("phase 1"), createPublicKey(file(g2, "/etc/isakmpd/pubkeys/ipv4/192.0.2.153").content), sig)).toBe(true);
    expect(verify("sha256", Buffer.from("phase 1"), createPublicKey(file(g1, "/etc/isakmpd/pubkeys/ipv4/192.0.123.85").content), sig)).toBe(false);
    expect(file(g1, "/etc/isakmpd/pubkeys/ipv4/192.0.123.85").content).toBe(file(g2, "/etc/isakmpd/local.pub").content);
    expect(k1.export({ type: "pkcs1", format: "pem" })).not.toBe(k2.export({ type: "pkcs1", format: "pem" }));
  });

  it("derives the same keys on every run (a clean preview after up)", () => {
    const again = plan(topo({ tunnels: [pubkeyTunnel()] }));
    expect(again.states.gw1!.files["/etc/isakmpd/private/local.key"]).toEqual(g1.files["/etc/isakmpd/private/local.key"]);
  });

  it("names the peer's key after its srcid: pubkeys/fqdn/NAME", () => {
    const s = plan(topo({ tunnels: [pubkeyTunnel({ srcid: "gw2.example.org" })] }));
    expect(Object.keys(s.states.gw1!.files).filter((p) => p.includes("pubkeys"))).toEqual(["/etc/isakmpd/pubkeys/fqdn/gw2.example.org"]);
    expect(lines(s.states.gw1!.files["/etc/ipsec.conf"]!.content)[0]).toMatch(/ srcid 192\.0\.2\.153 dstid gw2\.example\.org$/);
    expect(lines(s.states.gw2!.files["/etc/ipsec.conf"]!.content)[0]).toMatch(/ srcid gw2\.example\.org dstid 192\.0\.2\.153$/);
  });

  it("a CARP pair answers with its first member's key, known to the peer by the CARP address", () => {
    const pair: CarpPairSpec = {
      name: "gw1", members: [{ gateway: "gw1a", advskew: 0, syncAddress: "172.16.0.2" }, { gateway: "gw1b", advskew: 100, syncAddress: "172.16.0.3" }],
      segments: [{ interface: "carp1", carpdev: "em0", address: { address: "172.16.0.1", prefix: 24 }, vhid: 1, password: "p1" }, { interface: "carp2", carpdev: "em1", address: { address: "192.0.2.153", prefix: 24 }, vhid: 2, password: "p2" }],
      external: "carp2", sharedkey: "ab".repeat(32), preempt: true,
    };
    const s = plan(topo({ gateways: [gw("gw1a", "192.0.2.154", "172.16.0.0/24"), gw("gw1b", "192.0.2.155", "172.16.0.0/24"), gw2()], pairs: [pair], tunnels: [pubkeyTunnel()] }));
    const key = (g: string) => file(s.states[g], "/etc/isakmpd/private/local.key").content;
    expect(key("gw1a")).toBe(key("gw1b"));
    expect(createPublicKey(createPrivateKey(key("gw1a"))).export({ type: "spki", format: "pem" })).toBe(file(s.states.gw2, "/etc/isakmpd/pubkeys/ipv4/192.0.2.153").content);
    expect(lines(file(s.states.gw1b, "/etc/ipsec.conf").content)[0]).toMatch(/ local 192\.0\.2\.153 peer 192\.0\.123\.85 .* srcid 192\.0\.2\.153 dstid 192\.0\.123\.85$/);
  });
});
