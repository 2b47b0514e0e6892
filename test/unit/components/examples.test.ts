/**
 * Every example program (examples/NN-*) runs under Pulumi's mocks with the lab-like config it documents:
 * it declares one GatewayConfig per gateway, the planner accepts it (preview-time checks pass), and the
 * key files of its scenario are there. The e2e tests (test/e2e/scenarios) run the same programs through
 * the real engine against the lab.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { HostState } from "pulumi-openbsd";
import { recorded, setupMocks } from "./mocks";
import { unwrap } from "../../../providers/secrets";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nlab\n-----END OPENSSH PRIVATE KEY-----\n";
const HOSTS = ["gw1", "gw2", "gw3", "gw1a", "gw1b", "alice", "bob"];

beforeAll(async () => {
  await setupMocks();
  const cfg: Record<string, string> = {
    "unit:sshKey": KEY,
    "unit:psk": "204931646879ae1265a7d0437a51cc08fe8d7484",
    "unit:sharedkey": "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab",
    "unit:carpPass": "carp-secret",
    "unit:caSeed": "ca-seed-0123456789abcdef",
  };
  HOSTS.forEach((h, i) => {
    cfg[`unit:${h}Host`] = `169.254.9.${i * 2 + 1}`;
    cfg[`unit:${h}HostKey`] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake";
  });
  pulumi.runtime.setAllConfig(cfg, ["unit:sshKey", "unit:psk", "unit:sharedkey", "unit:carpPass", "unit:caSeed"]);
});

/** Runs an example and returns the HostState of each GatewayConfig it declared. */
async function run(dir: string): Promise<Record<string, HostState>> {
  const before = recorded.length;
  const mod = (await import(`../../../examples/${dir}/index.ts`)) as { default: () => Promise<unknown> };
  await mod.default();
  // wait until every GatewayConfig was registered (after sealing and planning)
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 10));
    if (recorded.slice(before).some((r) => r.type === "openbsd:index:GatewayConfig")) break;
  }
  await new Promise((r) => setTimeout(r, 50));
  const out: Record<string, HostState> = {};
  for (const r of recorded.slice(before)) if (r.type === "openbsd:index:GatewayConfig") out[r.name] = unwrap<HostState>(r.inputs.state);
  return out;
}

describe("examples under mocks", () => {
  it("01-site-to-site", async () => {
    const s = await run("01-site-to-site");
    expect(Object.keys(s).sort()).toEqual(["gw1", "gw2"]);
    expect(s.gw1!.files["/etc/ipsec.conf"]!.content).toContain("main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish");
  });
  it("02-enc0-filtering", async () => {
    const s = await run("02-enc0-filtering");
    expect(s.gw2!.files["/etc/pf.anchors/vpn"]!.content).toContain("tagged net1-to-net2");
  });
  it("03-ike-policy", async () => {
    const s = await run("03-ike-policy");
    expect(s.gw1!.files["/etc/ipsec.conf"]!.content.split("\n").filter((l) => l.startsWith("ike ")).length).toBe(2);
  });
  it("04-carp-redundancy", async () => {
    const s = await run("04-carp-redundancy");
    expect(Object.keys(s).sort()).toEqual(["gw1a", "gw1b", "gw2"]);
    expect(s.gw1b!.files["/etc/sasyncd.conf"]!.content).toContain("peer 172.16.0.2\n");
    expect(s.gw1a!.files["/etc/hostname.carp2"]!.content).toBe("inet 192.0.2.153 255.255.255.0 NONE vhid 2 carpdev em1 pass carp-secret advskew 0\n");
  });
  it("05-gif-tunnels", async () => {
    const s = await run("05-gif-tunnels");
    expect(s.bob!.interfaces).toEqual(["eoip0", "gif0", "gif1", "gre0"]);
  });
  it("06-rfc3884", async () => {
    const s = await run("06-rfc3884");
    expect(s.bob!.files["/etc/ipsec.conf"]!.content).toContain("esp transport from 192.0.2.2 to 192.0.2.1 spi 0xfeedbeef:0xdeadbeef");
  });
  it("07-iked", async () => {
    const s = await run("07-iked");
    expect(s.gw2!.files["/etc/iked.conf"]!.content).toContain("active tunnel esp");
  });
  it("08-manual-keying", async () => {
    const s = await run("08-manual-keying");
    expect(s.gw1!.files["/etc/ipsec.conf"]!.content).toMatch(/^flow esp from 172\.16\.0\.0\/24 to 192\.168\.15\.0\/24 peer 192\.0\.123\.85\nesp tunnel from 192\.0\.2\.153 to 192\.0\.123\.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes authkey 0x[0-9a-f]{64}:0x[0-9a-f]{64} enckey 0x[0-9a-f]{64}:0x[0-9a-f]{64}\n$/);
  });
  it("09-host-basics, with a remote.Command on the gateway's connection", async () => {
    const before = recorded.length;
    const s = await run("09-host-basics");
    expect(s.gw1!.services.ntpd).toEqual({ order: 10, enabled: true, flags: "-s", running: true });
    const cmd = recorded.slice(before).find((r) => r.type === "command:remote:Command");
    // the connection reaches remote.Command as a secret (it holds the private key)
    const conn = cmd?.inputs.connection as { "4dabf18193072939515e22adb298388d": string; value: Record<string, unknown> };
    expect(conn["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    expect(conn.value).toMatchObject({ host: "169.254.9.1", user: "root", port: 22, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake" });
  });

  it("14-isakmpd-pubkey", async () => {
    const s = await run("14-isakmpd-pubkey");
    expect(Object.keys(s).sort()).toEqual(["gw1", "gw2"]);
    const keys = (gw: string) => Object.keys(s[gw]!.files).filter((p) => p.startsWith("/etc/isakmpd/")).sort();
    expect(keys("gw1")).toEqual(["/etc/isakmpd/local.pub", "/etc/isakmpd/private/local.key", "/etc/isakmpd/pubkeys/fqdn/gw2.example.org"]);
    expect(keys("gw2")).toEqual(["/etc/isakmpd/local.pub", "/etc/isakmpd/private/local.key", "/etc/isakmpd/pubkeys/ipv4/192.0.2.153"]);
    expect(s.gw1!.files["/etc/isakmpd/private/local.key"]).toMatchObject({ mode: "0600", secret: true });
    expect(s.gw1!.files["/etc/ipsec.conf"]!.content).not.toContain("psk");
  });

  it("15-x509", async () => {
    const s = await run("15-x509");
    expect(Object.keys(s).sort()).toEqual(["gw1", "gw2"]);
    const keys = (gw: string) => Object.keys(s[gw]!.files).filter((p) => p.startsWith("/etc/isakmpd/")).sort();
    expect(keys("gw1")).toEqual(["/etc/isakmpd/ca/vpn-ca.crt", "/etc/isakmpd/certs/192.0.2.153.crt", "/etc/isakmpd/private/local.key"]);
    expect(keys("gw2")).toEqual(["/etc/isakmpd/ca/vpn-ca.crt", "/etc/isakmpd/certs/gw2.example.org.crt", "/etc/isakmpd/private/local.key"]);
  });

  it("16-nat-traversal", async () => {
    const s = await run("16-nat-traversal");
    expect(s.gw2!.files["/etc/ipsec.conf"]!.content).toContain("ike passive esp from 192.168.15.0/24 to 172.16.0.0/24 peer 198.51.100.2 ");
    expect(s.gw1!.files["/etc/sysctl.conf"]!.content).toContain("net.inet.esp.udpencap=1\n");
  });
});
