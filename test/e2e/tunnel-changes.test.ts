/**
 * Changing a site-to-site tunnel the way an admin does over a gateway's life, through the real engine and the
 * components (inline program, the lab's site-to-site pair): IKEv1 (isakmpd) swapped for IKEv2 (iked) and back, then
 * the tunnel taken out of the program while the gateways stay. Each `pulumi up` succeeds, leaves one IKE daemon (or
 * none) running with its own file, the tunnel's flows up while it is declared, and a clean preview after it.
 *
 * Certificates, then the PSK again, bring the tunnel back up each time. A program refused at `up` on this stack leaves it as it is: nothing deleted, no gateway touched.
 *
 * Each of these used to fail: the commit stopped isakmpd before it deleted the old ipsec.conf's entries, which
 * needs isakmpd's FIFO (`ike_ipsec_establish: open(/var/run/isakmpd.fifo)`); on OpenBSD, where the FIFO stays after
 * isakmpd exits, the apply waited on it until the rollback timer put the gateway back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import type { Stack } from "@pulumi/pulumi/automation";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { destroyAndRemove, labStack } from "../support/stack";

const PSK = "tunnel-changes-e2e-PSK-5b1d9";
let lab: Lab;
let stack: Stack;
/** What the program declares: the tunnel's IKE daemon, or no tunnel. */
let tunnel: "isakmpd" | "iked" | "none" = "isakmpd";
/** The tunnel's authentication: the PSK, or certificates of a CertificateAuthority (gw2 known by a name). */
let x509 = false;
/** A second tunnel between the same networks, which the planner refuses. */
let conflicting = false;

const program = async () => {
  const conn = (side: string) => {
    const g = lab.gateways[side]!;
    return { host: g.host, port: g.port, user: g.user, privateKey: pulumi.secret(g.privateKey), hostKey: g.hostKey };
  };
  const gw1 = new openbsd.Gateway("gw1", { connection: conn("gw1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" }, rollbackSeconds: 30 });
  const gw2 = new openbsd.Gateway("gw2", { connection: conn("gw2"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" }, rollbackSeconds: 30 });
  if (tunnel !== "none") {
    const auth = x509
      ? { auth: "x509" as const, ca: new openbsd.CertificateAuthority("ca", { keySeed: pulumi.secret("tunnel-changes-e2e-ca-seed-7f3a"), commonName: "VPN CA" }) }
      : { psk: pulumi.secret(PSK) };
    new openbsd.SiteToSiteTunnel("net1-net2", { left: gw1, right: x509 ? { gateway: gw2, srcid: "gw2.example.org" } : gw2, ...auth, ike: tunnel, main: { auth: "hmac-sha2-256", enc: "aes-256" }, quick: { auth: "hmac-sha2-256", enc: "aes-256" } });
  }
  if (conflicting) new openbsd.SiteToSiteTunnel("again", { left: gw1, right: gw2, psk: pulumi.secret(PSK) });
  // (the program returns nothing: no stack output depends on the GatewayConfigs)
};

/** Which IKE daemon runs on `side`, which of the two files it has, and its flows between the two networks. */
async function ipsecOf(side: string): Promise<string> {
  const r = await labExec(lab, side, "{ rcctl check isakmpd; rcctl check iked; for f in /etc/ipsec.conf /etc/iked.conf; do [ -e $f ] && echo $f; done; ipsecctl -sf | grep -c 'from 172.16.0.0/24 to 192.168.15.0/24'; } 2>&1");
  return r.stdout;
}

/** `pulumi up` succeeds and changes exactly `want` resources; then the preview shows nothing to do. */
async function upTo(want: Record<string, number>): Promise<void> {
  const u = await stack.up({ color: "never" });
  expect(u.summary.result).toBe("succeeded");
  const { same: _same, ...changed } = u.summary.resourceChanges ?? {};
  expect(changed).toEqual(want);
  const p = await stack.preview({ color: "never" });
  expect(Object.keys(p.changeSummary).filter((k) => k !== "same")).toEqual([]);
}

/** Waits for both ends' flows (isakmpd and iked negotiate once both ends are committed). */
async function flowsUp(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const n = await Promise.all(["gw1", "gw2"].map((g) => labExec(lab, g, "ipsecctl -sf | grep -c 'from 172.16.0.0/24 to 192.168.15.0/24'")));
    if (n.every((r) => r.stdout.trim() === "1")) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "tchg", quiet: true });
  stack = await labStack("tunnel-changes", `t${process.pid}`, program);
});
afterAll(async () => {
  await destroyAndRemove(stack);
  if (lab) await labDown(lab);
});

describe("a tunnel changed over a gateway's life", () => {
  it("up with isakmpd (IKEv1)", async () => {
    const u = await stack.up({ color: "never" });
    expect(u.summary.result).toBe("succeeded");
    await flowsUp();
    expect(await ipsecOf("gw1")).toBe("isakmpd(ok)\niked(failed)\n/etc/ipsec.conf\n1\n");
  });

  it("switched to iked (IKEv2): isakmpd stopped, ipsec.conf gone, iked runs with iked.conf, flows up", async () => {
    tunnel = "iked";
    await upTo({ update: 2 });
    await flowsUp();
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(failed)\niked(ok)\n/etc/iked.conf\n1\n");
  });

  it("switched back to isakmpd", async () => {
    tunnel = "isakmpd";
    await upTo({ update: 2 });
    await flowsUp();
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(ok)\niked(failed)\n/etc/ipsec.conf\n1\n");
  });

  it("certificates, then the PSK again: the tunnel comes back up each time", async () => {
    // `ipsecctl -d` of a rule leaves its peer's phase 1 sections in isakmpd (ike.c ike_delete_config), and a load adds
    // its phase 1 transforms to those there: the RSA_SIG transform and gw2's Remote-ID of the certificates stayed
    // with the PSK's, and the tunnel never came back up. isakmpd is restarted instead, from an empty configuration
    x509 = true;
    await upTo({ create: 1, update: 2 });
    await flowsUp();
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(ok)\niked(failed)\n/etc/ipsec.conf\n1\n");
    x509 = false;
    await upTo({ delete: 1, update: 2 });
    await flowsUp();
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(ok)\niked(failed)\n/etc/ipsec.conf\n1\n");
  });

  it("a program refused at up (a second tunnel between the same networks) deletes nothing and changes no gateway", async () => {
    conflicting = true;
    let out = "";
    try {
      await expect(stack.up({ color: "never", onOutput: (o) => void (out += o) })).rejects.toThrow();
    } finally {
      conflicting = false;
    }
    expect(out).toContain('SiteToSiteTunnel "again", SiteToSiteTunnel "net1-net2", Gateway "gw1": networks = 192.168.15.0/24, 192.168.15.0/24: both tunnels of Gateway "gw1" protect overlapping remote networks');
    // the engine deletes what a program it thinks finished did not register: an inline program that logged errors
    // (the Automation API's) told it so, and the GatewayConfigs, which were never registered, went with their gateways
    expect(out).not.toMatch(/deleting|deleted/);
    const types = (await stack.exportStack()).deployment.resources.map((r: { type: string }) => r.type);
    expect(types.filter((t: string) => t === "openbsd:index:GatewayConfig")).toHaveLength(2);
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(ok)\niked(failed)\n/etc/ipsec.conf\n1\n");
    // what the refused run did record is the refused tunnel's component (no gateway state of its own): the next up
    // takes it out again, and changes nothing else
    await upTo({ delete: 1 });
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(ok)\niked(failed)\n/etc/ipsec.conf\n1\n");
  });

  it("the tunnel taken out of the program: no IKE daemon, no file, no flow; the gateways stay managed", async () => {
    tunnel = "none";
    await upTo({ update: 2, delete: 1 });
    for (const gw of ["gw1", "gw2"]) expect(await ipsecOf(gw), gw).toBe("isakmpd(failed)\niked(failed)\n0\n");
    expect((await stack.refresh({ color: "never" })).summary.resourceChanges).not.toHaveProperty("update");
  });
});
