/**
 * examples/11-ssh-tunnel under Pulumi's mocks: the files of both gateways, the derived client key only
 * inside secrets (0600), the public key a plain output; and SshTunnel's own argument checks, word for word.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import type { HostState } from "pulumi-openbsd";
import { recorded, setupMocks, tolerateRejections, valueOf } from "../components/mocks";
import { unwrap } from "../../../providers/secrets";
import { deriveSshTunnelKey } from "../../../sdk/planner/sshkeys";
import { OPENBSD_SSHD_CONFIG, renderSshdConfig } from "../../../sdk/planner/sshd-config";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nlab\n-----END OPENSSH PRIVATE KEY-----\n";
const SIG = "4dabf18193072939515e22adb298388d";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake";
let stopTolerating: () => Promise<unknown[]>;

beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
  const cfg: Record<string, string> = { "unit:sshKey": KEY };
  ["gw1", "gw2"].forEach((h, i) => {
    cfg[`unit:${h}Host`] = `169.254.9.${i * 2 + 1}`;
    cfg[`unit:${h}HostKey`] = HOST_KEY;
  });
  pulumi.runtime.setAllConfig(cfg, ["unit:sshKey"]);
});

afterAll(async () => {
  await stopTolerating();
});

describe("examples/11-ssh-tunnel", () => {
  it("renders both ends; the client key travels only as a secret", async () => {
    const mod = (await import(`../../../examples/${"11-ssh-tunnel"}/index.ts`)) as { default: () => Promise<Record<string, pulumi.Output<string> | string>> };
    const out = await mod.default();
    for (let i = 0; i < 200 && recorded.filter((r) => r.type === "openbsd:index:GatewayConfig").length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const cfgs = recorded.filter((r) => r.type === "openbsd:index:GatewayConfig");
    const s: Record<string, HostState> = Object.fromEntries(cfgs.map((r) => [r.name, unwrap<HostState>(r.inputs.state)]));
    const k = deriveSshTunnelKey(KEY, "gw1", 0);
    expect(s.gw1!.files["/etc/ssh/sshtun0_ed25519"]).toMatchObject({ content: k.privateKey, mode: "0600", secret: true });
    expect(s.gw1!.files["/etc/ssh/sshtun0_known_hosts"]!.content).toBe(`192.0.123.85 ${HOST_KEY}\n`);
    expect(s.gw1!.services.sshtun0).toEqual({ order: 10, enabled: true, running: true });
    // no sshdConfigFile: OpenBSD's stock file with the two edits
    expect(s.gw2!.files["/etc/ssh/sshd_config"]!.content).toBe(renderSshdConfig(OPENBSD_SSHD_CONFIG, [{ user: "root", address: "192.0.2.153", aliveInterval: 15, aliveCountMax: 3 }]));
    expect(s.gw2!.files["/etc/ssh/sshtun_authorized_keys"]!.content).toBe(`restrict,from="192.0.2.153",tunnel="0",command="/sbin/nologin" ${k.publicKey}\n`);
    expect(await valueOf(out.clientPublicKey as pulumi.Output<string>)).toBe(k.publicKey);
    expect(out.service).toBe("sshtun0");
    for (const r of cfgs) {
      const plain = JSON.stringify(r.inputs, (_, v) => (v && typeof v === "object" && SIG in v ? "(secret)" : v));
      for (const line of k.privateKey.split("\n").filter((l) => l.length > 20)) expect(plain).not.toContain(line);
    }
  });
});

describe("SshTunnel arguments", () => {
  const conn = (host: string): openbsd.ConnectionArgs => ({ host, privateKey: pulumi.secret(KEY), hostKey: HOST_KEY });
  const refused = (build: (g1: openbsd.Gateway, g2: openbsd.Gateway) => void, s: string): string[] => {
    const reported: string[] = [];
    const stop = openbsd.onUserError((e) => reported.push(e.message));
    try {
      const g1 = new openbsd.Gateway(`a${s}`, { connection: conn("169.254.7.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
      const g2 = new openbsd.Gateway(`b${s}`, { connection: conn("169.254.7.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
      expect(() => build(g1, g2)).toThrow(openbsd.Refused);
    } finally {
      stop();
    }
    return reported;
  };
  it("commits the server before the client (its sshd accepts the tunnel when the client's ssh starts)", async () => {
    const g1 = new openbsd.Gateway("order-c", { connection: conn("169.254.7.5"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const g2 = new openbsd.Gateway("order-s", { connection: conn("169.254.7.7"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    new openbsd.SshTunnel("order", { client: { gateway: g1, inner: "172.16.2.1" }, server: { gateway: g2, inner: "172.16.2.2" } });
    expect(await valueOf(g1.appliedAfter)).toEqual(["order-s"]);
    expect(await valueOf(g2.appliedAfter)).toEqual([]);
  });

  it("refuses a non-tun interface, a bad user and port, word for word", () => {
    expect(refused((g1, g2) => new openbsd.SshTunnel("t1", { client: { gateway: g1, interface: "gif0", inner: "172.16.2.1" }, server: { gateway: g2, inner: "172.16.2.2" } }), "1")).toEqual([
      'SshTunnel "t1": client.interface = gif0: not a tun interface; use `tunN`, e.g. `tun1`',
    ]);
    expect(refused((g1, g2) => new openbsd.SshTunnel("t2", { client: { gateway: g1, inner: "172.16.2.1" }, server: { gateway: g2, inner: "172.16.2.2" }, user: "root\n-oProxyCommand=x" }), "2")).toEqual([
      'SshTunnel "t2": user = root\\n-oProxyCommand=x: not a user name; give e.g. `root`',
    ]);
    expect(refused((g1, g2) => new openbsd.SshTunnel("t3", { client: { gateway: g1, inner: "172.16.2.1" }, server: { gateway: g2, inner: "172.16.2.2", port: 0 } }), "3")).toEqual([
      "SshTunnel \"t3\": server.port = 0: a TCP port is an integer in 1–65535; this is out of range; give an integer in 1–65535",
    ]);
  });
});
