/**
 * The components through Pulumi's mocks: attachment and sealing (Known hard problem 1, incl. async
 * programs), one GatewayConfig per gateway, CARP apply order, secrets, argument errors word for word.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import { recorded, setupMocks, tolerateRejections, valueOf } from "./mocks";

const PSK = "204931646879ae1265a7d0437a51cc08fe8d7484";
const conn = (host: string) => ({ host, privateKey: pulumi.secret(`-----BEGIN OPENSSH PRIVATE KEY-----\n${host}\n`), hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey" });
let n = 0;
/** The guide's two gateways, with unique resource names per test. */
function pair() {
  const i = ++n;
  const a = new openbsd.Gateway(`gw1-${i}`, { connection: conn("169.254.0.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", address: "172.16.0.1/24" } });
  const b = new openbsd.Gateway(`gw2-${i}`, { connection: conn("169.254.0.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
  return [a, b] as const;
}
/** The user error `fn` reports (printed once by Pulumi) before it throws openbsd.Refused. */
function reportedBy(fn: () => unknown): string {
  const seen: string[] = [];
  const stop = openbsd.onUserError((e) => seen.push(e.message));
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(openbsd.Refused);
    expect(seen).toHaveLength(1);
    return seen[0]!;
  } finally {
    stop();
  }
  throw new Error("no error");
}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A real await (a timer), then enough event-loop turns for the declaration group to seal even on a busy loop. */
async function realAwait(): Promise<void> {
  await tick(30);
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

let stopTolerating: () => Promise<unknown[]>;
beforeAll(async () => {
  await setupMocks();
  // the argument-error tests' refused programs reject their gateways' outputs with openbsd.Refused
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});
afterAll(async () => {
  expect(await stopTolerating()).toEqual([]);
});

describe("attachment and sealing", () => {
  it("a tunnel declared after its gateways is rendered into both GatewayConfigs", async () => {
    const [a, b] = pair();
    new openbsd.SiteToSiteTunnel(`t-${n}`, { left: a, right: b, psk: PSK, main: { auth: "hmac-sha2-256", enc: "blowfish" }, quick: { auth: "hmac-sha2-384", enc: "blowfish" } });
    const sa = await valueOf(a.config.state);
    const sb = await valueOf(b.config.state);
    expect(sa.files["/etc/ipsec.conf"]!.content).toBe(`ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk ${PSK}\n`);
    expect(sb.files["/etc/ipsec.conf"]!.content).toContain("from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 ");
    expect(sa.files["/etc/ipsec.conf"]!.secret).toBe(true);
  });

  it("an async program may await settled promises between declarations", async () => {
    const [a, b] = pair();
    await Promise.resolve();
    await Promise.resolve();
    new openbsd.SiteToSiteTunnel(`t-${n}`, { left: a, right: b, psk: PSK });
    expect((await valueOf(a.config.state)).files["/etc/ipsec.conf"]).toBeDefined();
  });

  it("a tunnel attached after the gateways were sealed is an error saying what to move", async () => {
    const [a, b] = pair();
    await realAwait(); // the group seals meanwhile
    expect(reportedBy(() => new openbsd.SiteToSiteTunnel("late", { left: a, right: b, psk: PSK }))).toContain(
      `SiteToSiteTunnel "late" attaches to Gateway "gw1-${n}" and Gateway "gw2-${n}" after their configuration was sealed ` +
        "(the program yielded to the event loop after declaring them, so their GatewayConfigs were already computed). " +
        `Declare SiteToSiteTunnel "late" in the same synchronous part of the program as Gateway "gw1-${n}" and Gateway "gw2-${n}" (move it before the first \`await\` that follows them), ` +
        "or keep the declarations open across the await with `openbsd.hold(promise)`.",
    );
    // and the sealed gateways were planned without it
    expect((await valueOf(a.config.state)).files["/etc/ipsec.conf"]).toBeUndefined();
  });

  it("openbsd.hold keeps the declarations open across a real await", async () => {
    const [a, b] = pair();
    await openbsd.hold(tick(30));
    new openbsd.SiteToSiteTunnel(`t-${n}`, { left: a, right: b, psk: PSK });
    expect((await valueOf(b.config.state)).files["/etc/ipsec.conf"]).toBeDefined();
  });

  it("an anchor attached late to one gateway names it", async () => {
    const [a] = pair();
    await realAwait();
    expect(reportedBy(() => new openbsd.PfAnchor("ssh", { gateway: a, rules: "pass in proto tcp to port 22" }))).toContain(
      `PfAnchor "ssh" attaches to Gateway "gw1-${n}" after its configuration was sealed (the program yielded to the event loop after declaring it, so its GatewayConfig was already computed).`,
    );
  });

  it("each gateway has exactly one GatewayConfig, whatever is attached", async () => {
    const before = recorded.length;
    const [a, b] = pair();
    new openbsd.SiteToSiteTunnel(`t-${n}`, { left: a, right: b, psk: PSK });
    new openbsd.SiteToSiteTunnel(`u-${n}`, { left: { gateway: a, networks: ["10.1.0.0/24"] }, right: { gateway: b, networks: ["10.2.0.0/24"] }, psk: PSK });
    new openbsd.PfAnchor(`x-${n}`, { gateway: a, name: "extra", rules: "pass in proto tcp to port 22" });
    await valueOf(a.config.state);
    await valueOf(b.config.state);
    const configs = recorded.slice(before).filter((r) => r.type === "openbsd:index:GatewayConfig" && r.name.endsWith(`-${n}`)).map((r) => r.name);
    expect(configs.sort()).toEqual([`gw1-${n}`, `gw2-${n}`]);
    expect(Object.keys((await valueOf(a.config.state)).anchors).sort()).toEqual(["extra", "vpn"]);
  });
});

describe("pf address ranges", () => {
  it("a PfAnchor rule with an address range is written canonically (`10.0.0.01 -10.0.0.9` as `10.0.0.1 - 10.0.0.9`); a range of two families is refused as pfctl refuses it", async () => {
    const [a] = pair();
    new openbsd.PfAnchor(`r-${n}`, { gateway: a, name: "ranges", rules: "pass in on em1 proto tcp from 10.0.0.01 -10.0.0.9 to any port 22\nblock in on em1 from ! 10.1.0.1 - 10.1.0.9" });
    expect((await valueOf(a.config.state)).files["/etc/pf.anchors/ranges"]!.content.split("\n").filter((l) => l.includes(" - "))).toEqual([
      "pass in on em1 proto tcp from 10.0.0.1 - 10.0.0.9 to any port = 22",
      "block in on em1 from ! 10.1.0.1 - 10.1.0.9 to any",
    ]);
    const [b] = pair();
    expect(reportedBy(() => new openbsd.PfAnchor(`m-${n}`, { gateway: b, rules: "pass in from 10.0.0.1 - 2001:db8::1" }))).toMatch(/^PfAnchor "m-\d+" rules:1:\d+: invalid address range/);
    await expect(valueOf(b.state)).rejects.toBeInstanceOf(openbsd.Refused);
  });
});

describe("argument errors", () => {
  it("argument errors name the component, field, value and fix", async () => {
    const [a, b] = pair();
    expect(reportedBy(() => new openbsd.SiteToSiteTunnel("no-psk", { left: a, right: b, auth: "psk" }))).toContain(
      'SiteToSiteTunnel "no-psk": psk = (none): `auth: "psk"` needs a pre-shared key; pass `psk: cfg.requireSecret("psk")`',
    );
    expect(reportedBy(() => new openbsd.SiteToSiteTunnel("port", { left: a, right: b, psk: PSK, policies: [{ port: 80 }] }))).toContain(
      'SiteToSiteTunnel "port": policies[0].proto = undefined: a port needs `proto: "tcp"` or `"udp"`; set proto or remove the port',
    );
    expect(reportedBy(() => new openbsd.PfAnchor("syntax", { gateway: a, rules: "pass in proto tcp to port" }))).toMatch(/^PfAnchor "syntax" rules:1:/);
    // the refused program's gateways get no state (nothing would be committed); let the group seal
    await expect(valueOf(a.state)).rejects.toBeInstanceOf(openbsd.Refused);
  });
});

describe("CARP pair", () => {
  it("the master's GatewayConfig depends on the backup's; both bind the tunnel to the CARP address", async () => {
    const i = ++n;
    const mk = (name: string, ext: string) => new openbsd.Gateway(name, { connection: conn(`169.254.1.${ext.split(".")[3]}`), external: { interface: "em1", address: ext }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const a = mk(`gw1a-${i}`, "192.0.2.154");
    const b = mk(`gw1b-${i}`, "192.0.2.155");
    const c = new openbsd.Gateway(`gw2-${i}`, { connection: conn("169.254.1.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    const p = new openbsd.CarpPair(`gw1-${i}`, {
      members: [{ gateway: b, advskew: 100, syncAddress: "172.16.0.3" }, { gateway: a, advskew: 0, syncAddress: "172.16.0.2" }],
      segments: [
        { interface: "carp1", carpdev: "em0", address: "172.16.0.1/24", vhid: 1, password: "p1" },
        { interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2, password: "p2" },
      ],
      pfsync: { syncdev: "em2" },
      sharedkey: "0x" + "ab".repeat(32),
    });
    new openbsd.SiteToSiteTunnel(`t-${i}`, { left: p, right: c, psk: PSK });
    expect(p.master).toBe(a);
    expect(p.backup).toBe(b);
    const sa = await valueOf(a.config.state);
    expect(sa.files["/etc/ipsec.conf"]!.content).toContain(" local 192.0.2.153 peer 192.0.123.85 ");
    expect((await valueOf(c.config.state)).files["/etc/ipsec.conf"]!.content).toContain(" peer 192.0.2.153 ");
    expect(sa.files["/etc/sasyncd.conf"]!.content).toBe(`interface carp2\npeer 172.16.0.3\nsharedkey 0x${"ab".repeat(32)}\n`);
    // the master's GatewayConfig waits for the backup's (its dependsOn resolves to the backup's resource)
    expect(await valueOf(a.appliedAfter)).toEqual([`gw1b-${i}`]);
    expect(await valueOf(b.appliedAfter)).toEqual([]);
  });
});

describe("connections", () => {
  it("hands a remote.Command-shaped connection, with the private key secret", async () => {
    const [a] = pair();
    const c = await valueOf(a.connection);
    expect(c).toEqual({ host: "169.254.0.1", port: 22, user: "root", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\n169.254.0.1\n", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey" });
    expect(await (a.connection as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });
});
