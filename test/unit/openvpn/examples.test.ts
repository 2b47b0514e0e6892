/** examples/12-openvpn and 13-tinc under Pulumi's mocks: the files, the package, the keys only inside secrets. */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { HostState } from "pulumi-openbsd";
import { recorded, setupMocks } from "../components/mocks";
import { unwrap } from "../../../providers/secrets";
import { deriveOpenVpnKey } from "../../../sdk/planner/openvpn";
import { tincRsaKeyPair } from "../../../sdk/planner/rsakeys";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nlab\n-----END OPENSSH PRIVATE KEY-----\n";
const SIG = "4dabf18193072939515e22adb298388d";

beforeAll(async () => {
  await setupMocks();
  const cfg: Record<string, string> = { "unit:sshKey": KEY };
  ["gw1", "gw2", "gw3"].forEach((h, i) => {
    cfg[`unit:${h}Host`] = `169.254.9.${i * 2 + 1}`;
    cfg[`unit:${h}HostKey`] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake";
  });
  pulumi.runtime.setAllConfig(cfg, ["unit:sshKey"]);
});

async function run(dir: string, n: number): Promise<{ states: Record<string, HostState>; inputs: unknown[] }> {
  const before = recorded.length;
  const mod = (await import(`../../../examples/${dir}/index.ts`)) as { default: () => Promise<unknown> };
  await mod.default();
  for (let i = 0; i < 400 && recorded.slice(before).filter((r) => r.type === "openbsd:index:GatewayConfig").length < n; i++) await new Promise((r) => setTimeout(r, 10));
  const cfgs = recorded.slice(before).filter((r) => r.type === "openbsd:index:GatewayConfig");
  return { states: Object.fromEntries(cfgs.map((r) => [r.name, unwrap<HostState>(r.inputs.state)])), inputs: cfgs.map((r) => r.inputs) };
}

const plainOf = (inputs: unknown) => JSON.stringify(inputs, (_k, v) => (v && typeof v === "object" && SIG in v ? "(secret)" : v));

describe("examples/12-openvpn and 13-tinc", () => {
  it("12-openvpn: the config, the 0600 key (derived from gw1's seed) only inside secrets, the package and the service", async () => {
    const { states, inputs } = await run("12-openvpn", 2);
    const key = deriveOpenVpnKey(KEY, "site1-site2");
    expect(states.gw1!.files["/etc/openvpn/site1-site2.key"]).toMatchObject({ content: key, mode: "0600", secret: true });
    expect(states.gw2!.files["/etc/openvpn/site1-site2.conf"]!.content).toContain("secret /etc/openvpn/site1-site2.key 1\n");
    expect(states.gw1!.packages).toEqual(["openvpn"]);
    expect(states.gw2!.services.openvpn!.flags).toBe("--config /etc/openvpn/site1-site2.conf");
    for (const i of inputs) expect(plainOf(i)).not.toContain(key.split("\n")[5]);
  }, 30_000);

  it("13-tinc: three members, each private key only inside secrets and only on its gateway", async () => {
    const { states, inputs } = await run("13-tinc", 3);
    expect(Object.keys(states).sort()).toEqual(["gw1", "gw2", "gw3"]);
    const k1 = tincRsaKeyPair(KEY, "tinc/gw1/vpn/gw1"); // hosts/NAME holds the PKCS#1 public key
    expect(states.gw1!.files["/etc/tinc/vpn/rsa_key.priv"]).toMatchObject({ content: k1.privateKey, mode: "0600", secret: true });
    expect(states.gw3!.files["/etc/tinc/vpn/hosts/gw1"]!.content.endsWith(k1.publicKey)).toBe(true);
    expect(states.gw2!.files["/etc/tinc/vpn/tinc.conf"]!.content).toBe("Name = gw2\nAddressFamily = ipv4\nInterface = tun0\nPort = 655\nConnectTo = gw1\nConnectTo = gw3\n");
    expect(states.gw2!.services.tincd!.flags).toBe("-n vpn");
    for (const i of inputs) expect(plainOf(i)).not.toContain(k1.privateKey.split("\n")[3]);
    expect(JSON.stringify(states.gw2)).not.toContain(k1.privateKey.split("\n")[3]);
  }, 60_000); // three RSA prime searches (about a second each; more on a loaded machine)
});
