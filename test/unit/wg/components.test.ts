/**
 * WireGuardTunnel / WireGuardMesh through the public components under Pulumi's mocks: rendered files,
 * public keys as plain outputs, private keys only inside secrets, bad input refused word for word.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import { setupMocks, tolerateRejections, valueOf } from "../components/mocks";
import { deriveWgKeyPair, wgPublicKey } from "../../../sdk/planner/wgkeys";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
const USER_KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
const PSK = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=";
const isSecret = (o: pulumi.Output<unknown>) => (o as unknown as { isSecret: Promise<boolean> }).isSecret;
let n = 0;
const gw = (ext: string, net: string, seed?: string) =>
  new openbsd.Gateway(`wg-${++n}`, {
    connection: { host: `169.254.7.${n}`, privateKey: pulumi.secret(KEY), hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey" },
    external: { interface: "em1", address: ext },
    internal: { interface: "em0", network: net },
    ...(seed ? { keySeed: pulumi.secret(seed) } : {}),
  });
const sealed = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

let stopTolerating: () => Promise<unknown[]>;
beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});
afterAll(async () => {
  expect((await stopTolerating()).map((e) => String((e as Error)?.stack ?? e))).toEqual([]);
});

/** The user errors reported while `build` runs and the group seals. */
async function refused(build: () => void): Promise<string[]> {
  const got: string[] = [];
  const stop = openbsd.onUserError((e) => got.push(e.message));
  try {
    build();
  } catch (e) {
    if (!(e instanceof openbsd.Refused)) throw e;
  }
  await sealed();
  await new Promise((r) => setTimeout(r, 50));
  stop();
  return got;
}

describe("WireGuardTunnel", () => {
  it("renders hostname.wg0 on both gateways; private keys are secrets, public keys plain outputs", async () => {
    const a = gw("192.0.2.153", "172.16.0.0/24", "seed-a-0123456789abcdef");
    const b = gw("192.0.123.85", "192.168.15.0/24", "seed-b-0123456789abcdef");
    const t = new openbsd.WireGuardTunnel("wg-ab", { left: { gateway: a, inner: "10.9.0.1/24" }, right: { gateway: b, inner: "10.9.0.2/24", port: 51821, privateKey: pulumi.secret(USER_KEY) }, keepalive: 25, psk: pulumi.secret(PSK) });
    const ka = deriveWgKeyPair("seed-a-0123456789abcdef", a.gatewayName, "wg0");
    expect(await valueOf(t.leftPublicKey)).toBe(ka.publicKey);
    expect(await valueOf(t.rightPublicKey)).toBe(wgPublicKey(USER_KEY));
    expect(await isSecret(t.leftPublicKey)).toBe(false);
    const files = await valueOf(a.files);
    expect(files["/etc/hostname.wg0"]).toMatchObject({ mode: "0600", secret: true });
    expect(await isSecret(files["/etc/hostname.wg0"]!.content)).toBe(true);
    expect((await valueOf(files["/etc/hostname.wg0"]!.content)).split("\n")).toEqual([
      `wgkey ${ka.privateKey} wgport 51820`,
      `wgpeer ${wgPublicKey(USER_KEY)} wgpsk ${PSK} wgpka 25 wgendpoint 192.0.123.85 51821 wgaip 10.9.0.2/32 wgaip 192.168.15.0/24`,
      "inet 10.9.0.1 255.255.255.0",
      "up",
      "!route -q add -inet 192.168.15.0/24 10.9.0.2",
      "",
    ]);
    const fb = await valueOf(b.files);
    expect((await valueOf(fb["/etc/hostname.wg0"]!.content)).split("\n")[0]).toBe(`wgkey ${USER_KEY} wgport 51821`);
    expect(await isSecret(a.state)).toBe(true);
    expect(await valueOf(files["/etc/pf.anchors/vpn"]!.content)).toContain("pass in on em1 proto udp from 192.0.123.85 to (em1) port = 51820");
  });

  it("a mesh gives every member every other as a peer", async () => {
    const gs = [gw("198.18.0.1", "10.0.1.0/24"), gw("198.18.0.2", "10.0.2.0/24"), gw("198.18.0.3", "10.0.3.0/24")];
    const m = new openbsd.WireGuardMesh("mesh", { members: gs.map((g, i) => ({ gateway: g, inner: `10.99.0.${i + 1}/24` })) });
    expect(m.tunnels).toHaveLength(3);
    const f = await valueOf(gs[0]!.files);
    const lines = (await valueOf(f["/etc/hostname.wg0"]!.content)).split("\n");
    expect(lines.filter((l) => l.startsWith("wgpeer")).map((l) => l.replace(/^wgpeer \S+ /, ""))).toEqual([
      "wgendpoint 198.18.0.2 51820 wgaip 10.99.0.2/32 wgaip 10.0.2.0/24",
      "wgendpoint 198.18.0.3 51820 wgaip 10.99.0.3/32 wgaip 10.0.3.0/24",
    ]);
    expect(Object.keys(m.publicKeys)).toHaveLength(3);
  });

  it("hub and spoke: spokes reach each other through the hub", async () => {
    const [h, s1, s2] = [gw("198.19.0.1", "10.1.0.0/24"), gw("198.19.0.2", "10.2.0.0/24"), gw("198.19.0.3", "10.3.0.0/24")];
    const hub = new openbsd.WireGuardHub("hub", { hub: { gateway: h, inner: "10.8.0.1/24" }, spokes: [{ gateway: s1, inner: "10.8.0.2/24" }, { gateway: s2, inner: "10.8.0.3/24" }], keepalive: 25 });
    const f1 = (await valueOf((await valueOf(s1.files))["/etc/hostname.wg0"]!.content)).split("\n");
    expect(f1.slice(1)).toEqual([
      `wgpeer ${await valueOf(hub.hubPublicKey)} wgpka 25 wgendpoint 198.19.0.1 51820 wgaip 10.8.0.1/32 wgaip 10.1.0.0/24 wgaip 10.8.0.3/32 wgaip 10.3.0.0/24`,
      "inet 10.8.0.2 255.255.255.0",
      "up",
      "!route -q add -inet 10.1.0.0/24 10.8.0.1",
      "!route -q add -inet 10.3.0.0/24 10.8.0.1",
      "",
    ]);
    const fh = (await valueOf((await valueOf(h.files))["/etc/hostname.wg0"]!.content)).split("\n");
    expect(fh.filter((l) => l.startsWith("wgpeer")).map((l) => l.split(" ")[1])).toEqual([await valueOf(hub.spokePublicKeys[s1.gatewayName]!), await valueOf(hub.spokePublicKeys[s2.gatewayName]!)]);
    expect(fh.filter((l) => l.startsWith("!route"))).toEqual(["!route -q add -inet 10.2.0.0/24 10.8.0.2", "!route -q add -inet 10.3.0.0/24 10.8.0.3"]);
  });

  it("refuses bad input with one message naming resource, field, value and fix (never a key)", async () => {
    const a = gw("192.0.2.1", "172.16.1.0/24");
    const b = gw("192.0.2.2", "172.16.2.0/24");
    expect(await refused(() => new openbsd.WireGuardTunnel("bad-if", { left: { gateway: a, interface: "em0", inner: "10.9.0.1/24" }, right: { gateway: b, inner: "10.9.0.2/24" } }))).toEqual([
      'WireGuardTunnel "bad-if": left.interface = em0: not a wg interface; use `wgN`, e.g. `wg1`',
    ]);
    const c = gw("192.0.2.3", "172.16.3.0/24");
    const d = gw("192.0.2.4", "172.16.4.0/24");
    expect(await refused(() => new openbsd.WireGuardTunnel("bad-port", { left: { gateway: c, inner: "10.9.0.1/24", port: 0 }, right: { gateway: d, inner: "10.9.0.2/24" } }))).toEqual([
      'WireGuardTunnel "bad-port": left.port = 0: wgport is a UDP port, an integer in 1–65535; this is out of range; give a port such as 51820',
    ]);
    const e = gw("192.0.2.5", "172.16.5.0/24");
    const f = gw("192.0.2.6", "172.16.6.0/24");
    const badKey = "c2VjcmV0LWtleS1ub3QtMzItYnl0ZXM=";
    const m1 = await refused(() => new openbsd.WireGuardTunnel("bad-key", { left: { gateway: e, inner: "10.9.0.1/24", privateKey: pulumi.secret(badKey) }, right: { gateway: f, inner: "10.9.0.2/24" } }));
    expect(m1).toEqual([
      'WireGuardTunnel "bad-key": left.privateKey = (secret): a wgkey (private key) is 32 bytes in base64 (44 characters ending in =); this decodes to 23 bytes; generate one with `openssl rand -base64 32` (a private key) or `wg pubkey` (a public key)',
    ]);
    const g = gw("192.0.2.7", "172.16.7.0/24");
    const h = gw("192.0.2.8", "172.16.8.0/24");
    expect(await refused(() => new openbsd.WireGuardTunnel("bad-inner", { left: { gateway: g, inner: "10.9.0.1/24" }, right: { gateway: h, inner: "10.9.1.2/24" } }))).toEqual([
      `WireGuardTunnel "bad-inner", Gateway "${g.gatewayName}", Gateway "${h.gatewayName}": left.inner, right.inner = 10.9.0.1/24, 10.9.1.2/24: the inner addresses are not in the same subnet; give both ends addresses of one subnet, e.g. \`10.9.0.1/24\` at one end and another address of 10.9.0.0/24 at the other`,
    ]);
  });
});
