/**
 * NAT traversal through the components (issue 12 item 2): `Gateway.external.nat` and a tunnel end's `natTo`,
 * refused at preview with one message naming resource, field, value and fix, and accepted into the files.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as openbsd from "pulumi-openbsd";
import { setupMocks, tolerateRejections, valueOf } from "./mocks";
import { Kit, PSK } from "../../support/bad-inputs";

let stopTolerating: () => Promise<unknown[]>;
beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});
afterAll(async () => {
  expect((await stopTolerating()).map((e) => String((e as Error)?.stack ?? e))).toEqual([]);
});

const behindNat = (k: Kit, nat: openbsd.NatArgs, address = "10.0.0.2") =>
  k.gw1({ external: { interface: "em1", address, nat } });

/** The messages reported while building, and whether the gateways' states were refused. */
async function refused(build: (k: Kit) => openbsd.Gateway[], s: string): Promise<string[]> {
  const reported: string[] = [];
  const stop = openbsd.onUserError((e) => reported.push(e.message));
  try {
    let gws: openbsd.Gateway[] = [];
    try {
      gws = build(new Kit(s));
    } catch (e) {
      expect(e).toBeInstanceOf(openbsd.Refused);
      return reported;
    }
    const r = await Promise.allSettled(gws.map((g) => valueOf(g.state)));
    expect(r.some((x) => x.status === "rejected")).toBe(true);
    return reported;
  } finally {
    stop();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }
}

describe("external.nat and natTo are checked at preview", () => {
  it("a public address with a prefix", async () => {
    expect(await refused((k) => [behindNat(k, { publicAddress: "198.51.100.2/24" })], "-n1")).toEqual([
      'Gateway "gw1-n1": external.nat.publicAddress = 198.51.100.2/24: a host address takes no prefix length; write `198.51.100.2`',
    ]);
  });
  it("a public address that is the gateway's own", async () => {
    expect(await refused((k) => [behindNat(k, { publicAddress: "10.0.0.2" })], "-n2")).toEqual([
      'Gateway "gw1-n2": external.nat.publicAddress = 10.0.0.2: it is the gateway\'s own external.address: a gateway reachable at its own address is not behind NAT; give the NAT router\'s public address, or remove `external.nat`',
    ]);
  });
  it("natTo given as a network", async () => {
    expect(await refused((k) => {
      const a = behindNat(k, { publicAddress: "198.51.100.2" });
      const b = k.gw2();
      new openbsd.SiteToSiteTunnel("net1-net2-n3", { left: { gateway: a, natTo: "10.99.0.0/24" }, right: b, psk: PSK, enc0: "filter" });
      return [a, b];
    }, "-n3")).toEqual([
      'SiteToSiteTunnel "net1-net2-n3": left.natTo = 10.99.0.0/24: a host address takes no prefix length; write `10.99.0.0`',
    ]);
  });
  it("accepted: the peer of a gateway behind NAT is the NAT's public address", async () => {
    const k = new Kit("-n4");
    const a = behindNat(k, { publicAddress: "198.51.100.2" });
    const b = k.gw2();
    const t = new openbsd.SiteToSiteTunnel("net1-net2-n4", { left: a, right: { gateway: b, mode: "passive" }, psk: PSK });
    const files = (await valueOf(b.config.state)).files;
    expect(files["/etc/pf.anchors/vpn"]?.content).toContain("pass in on em1 proto udp from 198.51.100.2 to (em1) port { 500 4500 }");
    expect(await valueOf(t.left)).toEqual({ node: "gw1-n4", address: "198.51.100.2", kind: "address", id: "10.0.0.2" });
  });
});
