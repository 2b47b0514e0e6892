/** examples/10-wireguard under Pulumi's mocks: both hostname.wg0 files, secret and 0600; public keys plain. */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { HostState } from "pulumi-openbsd";
import { recorded, setupMocks, valueOf } from "../components/mocks";
import { unwrap } from "../../../providers/secrets";
import { deriveWgKeyPair } from "../../../sdk/planner/wgkeys";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nlab\n-----END OPENSSH PRIVATE KEY-----\n";
const SIG = "4dabf18193072939515e22adb298388d";

beforeAll(async () => {
  await setupMocks();
  const cfg: Record<string, string> = { "unit:sshKey": KEY };
  ["gw1", "gw2"].forEach((h, i) => {
    cfg[`unit:${h}Host`] = `169.254.9.${i * 2 + 1}`;
    cfg[`unit:${h}HostKey`] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake";
  });
  pulumi.runtime.setAllConfig(cfg, ["unit:sshKey"]);
});

describe("examples/10-wireguard", () => {
  it("renders hostname.wg0 on both gateways, the private keys only inside secrets", async () => {
    const mod = (await import(`../../../examples/${"10-wireguard"}/index.ts`)) as { default: () => Promise<Record<string, pulumi.Output<string>>> };
    const out = await mod.default();
    for (let i = 0; i < 200 && recorded.filter((r) => r.type === "openbsd:index:GatewayConfig").length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const cfgs = recorded.filter((r) => r.type === "openbsd:index:GatewayConfig");
    const s: Record<string, HostState> = Object.fromEntries(cfgs.map((r) => [r.name, unwrap<HostState>(r.inputs.state)]));
    const k1 = deriveWgKeyPair(KEY, "gw1", "wg0");
    const k2 = deriveWgKeyPair(KEY, "gw2", "wg0");
    expect(s.gw1!.files["/etc/hostname.wg0"]!.content).toBe(
      `wgkey ${k1.privateKey} wgport 51820\n` +
        `wgpeer ${k2.publicKey} wgpka 25 wgendpoint 192.0.123.85 51820 wgaip 10.9.0.2/32 wgaip 192.168.15.0/24\n` +
        "inet 10.9.0.1 255.255.255.0\nup\n!route -q add -inet 192.168.15.0/24 10.9.0.2\n",
    );
    expect(s.gw2!.files["/etc/hostname.wg0"]).toMatchObject({ mode: "0600", secret: true });
    expect(await valueOf(out.gw1PublicKey!)).toBe(k1.publicKey);
    // what the GatewayConfigs send to the engine: the private keys appear only inside secret wrappers
    for (const r of cfgs) {
      const plain = JSON.stringify(r.inputs, (k, v) => (v && typeof v === "object" && SIG in v ? "(secret)" : v));
      expect(plain).not.toContain(k1.privateKey);
      expect(plain).not.toContain(k2.privateKey);
    }
  });
});
