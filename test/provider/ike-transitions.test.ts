/**
 * Changes of a gateway's IPsec that stop isakmpd: the tunnel taken out of the program, isakmpd (IKEv1) swapped for
 * iked (IKEv2) and back, an IKE tunnel taken out beside a manually keyed one; and a destroy or a rollback on a
 * gateway whose isakmpd was stopped by hand.
 *
 * What makes these hard is isakmpd's FIFO: isakmpd leaves /var/run/isakmpd.fifo on disk when it stops, and
 * `ipsecctl -f`/`-d -f` of a file with `ike` rules then waits on it for good (the lab's emulator does the same,
 * test/lab/emu/ike-fifo.ts). The commit stops a dropped isakmpd before it deletes the old file's entries, so each
 * of these used to fail (`ike_ipsec_establish: open(/var/run/isakmpd.fifo)`) or hang.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostState } from "../../sdk/state";
import { expectedKernel, parseIpsecConf } from "../../sdk/model/ipsec";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, uninstall } from "../../providers/gateway/commit";
import { gwState, ipsecConf, PSK, targetOf, until } from "./fixtures";

let lab: Lab;
/** `cmd` on gw1, its stderr in line with its stdout. */
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", `{ ${cmd}; } 2>&1`);
  return r.stdout + r.stderr;
};
const ABSENT = (p: string) => `[ -e ${p} ] || echo ${p} absent`;
const gw1 = () => targetOf(lab.gateways.gw1!);

/** A manually keyed ESP tunnel beside the IKE one (seeds/003's form, keys of the guide's length). */
const MANUAL = [
  "flow esp from 172.16.0.0/24 to 10.99.0.0/24 peer 192.0.123.85",
  "esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes authkey 0x" + "ab".repeat(32) + ":0x" + "cd".repeat(32) + " enckey 0x" + "ef".repeat(16) + ":0x" + "01".repeat(16),
].join("\n") + "\n";
const MANUAL_FLOW = "flow esp out from 172.16.0.0/24 to 10.99.0.0/24 peer 192.0.123.85 type require";

/** gw1 with no IPsec at all: what is left when the program no longer declares the tunnel. */
function withoutIpsec(): HostState {
  const s = gwState("gw1");
  delete s.files["/etc/ipsec.conf"];
  delete s.services.isakmpd;
  delete s.services.ipsec;
  s.ipsec = { daemon: "none" };
  delete s.ipsecKernel;
  s.secrets = [];
  return s;
}

/** gw1 with the tunnel keyed by iked instead (IKEv2, iked.conf). */
function withIked(): HostState {
  const s = withoutIpsec();
  s.files["/etc/iked.conf"] = { content: `ikev2 "net1-net2" passive esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 psk "${PSK}"\n`, mode: "0600", owner: "root", group: "wheel", secret: true, check: "iked" };
  s.services.iked = { order: 1, enabled: true, running: true };
  s.ipsec = { daemon: "iked" };
  s.secrets = [PSK];
  return s;
}

/** gw1's ipsec.conf holding `text`, loaded at boot (ipsec=YES), isakmpd running for its ike rules when `ike`. */
function withIpsecConf(text: string, ike: boolean): HostState {
  const s = gwState("gw1");
  s.files["/etc/ipsec.conf"] = { ...s.files["/etc/ipsec.conf"]!, content: text };
  if (!ike) delete s.services.isakmpd;
  s.ipsec = { daemon: ike ? "isakmpd" : "none", ruleFile: "/etc/ipsec.conf" };
  s.ipsecKernel = expectedKernel(parseIpsecConf(text).value);
  return s;
}

/** Commits with the confirm's wait for the tunnel's flows cut to 3 s: gw2 has no tunnel here, they never come up. */
async function commitTo(olds: HostState | undefined, news: HostState, extra: { rollbackSeconds?: number } = {}): Promise<void> {
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  try {
    await commit(gw1(), { ...(olds ? { olds } : {}), news, rollbackSeconds: extra.rollbackSeconds ?? 60 });
  } finally {
    delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  }
}

const RUNNING = "rcctl check isakmpd; rcctl check iked; rcctl get isakmpd flags; rcctl get iked flags";

/** gw1 as a CARP member whose SAs sasyncd syncs (seeds/000 "Adding Redundancy"): isakmpd must then run with -S. */
function withSasyncd(): HostState {
  const s = gwState("gw1");
  s.files["/etc/hostname.carp1"] = { content: "inet 192.0.2.200 255.255.255.0 NONE vhid 1 carpdev em1 pass carp-pass-1\n", mode: "0640", owner: "root", group: "wheel", check: "none" };
  s.files["/etc/sasyncd.conf"] = { content: `interface carp1\npeer 192.0.123.85\nsharedkey 0x${"5a".repeat(32)}\n`, mode: "0600", owner: "root", group: "wheel", secret: true, check: "sasyncd" };
  s.interfaces = [...s.interfaces, "carp1"];
  s.services.sasyncd = { order: 3, enabled: true, running: true };
  return s;
}
/** The flags isakmpd really runs with: rc.subr's run file (rc.d adds -S when sasyncd is enabled). */
const ISAKMPD_RUNS_WITH = "sed -n 's/^daemon_flags=//p' /var/run/rc.d/isakmpd";

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "iketr", quiet: true });
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

describe("IPsec changes that stop isakmpd", () => {
  it("the IKE tunnel taken out: isakmpd stopped and disabled, ipsec.conf gone, nothing left in the kernel", async () => {
    await commitTo(undefined, gwState("gw1"));
    expect(await gw(RUNNING)).toBe("isakmpd(ok)\niked(failed)\n-K\nNO\n");
    await commitTo(gwState("gw1"), withoutIpsec());
    expect(await gw(`${RUNNING}; ${ABSENT("/etc/ipsec.conf")}; ipsecctl -sf; ipsecctl -ss; rcctl get ipsec status`)).toBe(
      "isakmpd(failed)\niked(failed)\nNO\nNO\n/etc/ipsec.conf absent\n",
    );
    // and back: a new isakmpd takes the rules again
    await commitTo(withoutIpsec(), gwState("gw1"));
    expect(await gw(`${RUNNING}; grep -c '^ike ' /etc/ipsec.conf`)).toBe("isakmpd(ok)\niked(failed)\n-K\nNO\n1\n");
    // the FIFO the first isakmpd left is still there, as on OpenBSD: ipsecctl never met it without a reader
    expect(await gw("ls -l /var/run/isakmpd.fifo | cut -c1")).toBe("p\n");
  });

  it("isakmpd swapped for iked and back: each daemon runs alone with its own file", async () => {
    await commitTo(gwState("gw1"), withIked());
    expect(await gw(`${RUNNING}; ${ABSENT("/etc/ipsec.conf")}; ls -l /etc/iked.conf | cut -c1-10`)).toBe(
      "isakmpd(failed)\niked(ok)\nNO\n/etc/ipsec.conf absent\n-rw-------\n",
    );
    await commitTo(withIked(), gwState("gw1"));
    expect(await gw(`${RUNNING}; ${ABSENT("/etc/iked.conf")}; grep -c '^ike ' /etc/ipsec.conf`)).toBe(
      "isakmpd(ok)\niked(failed)\n-K\nNO\n/etc/iked.conf absent\n1\n",
    );
  });

  it("an IKE tunnel taken out beside a manually keyed one: isakmpd stops, the manual flow and SAs stay loaded", async () => {
    const mixed = withIpsecConf(ipsecConf("gw1") + MANUAL, true);
    const manual = withIpsecConf(MANUAL, false);
    await commitTo(gwState("gw1"), mixed);
    expect(await gw("ipsecctl -sf | grep -c 10.99.0.0; ipsecctl -ss | grep -c spi")).toBe("2\n2\n");
    await commitTo(mixed, manual);
    expect(await gw(`rcctl check isakmpd; ipsecctl -sf | grep -xF '${MANUAL_FLOW}'; ipsecctl -ss | grep -c spi`)).toBe(`isakmpd(failed)\n${MANUAL_FLOW}\n2\n`);
    // then the manual tunnel goes too: its flows and SAs are deleted though no isakmpd runs
    await commitTo(manual, withoutIpsec());
    expect(await gw("ipsecctl -sf; ipsecctl -ss; rcctl get ipsec status")).toBe("");
    await commitTo(withoutIpsec(), gwState("gw1"));
  });

  it("sasyncd added beside a running isakmpd: isakmpd restarted with -S (the guide's step); sasyncd taken out: restarted without", async () => {
    await commitTo(undefined, gwState("gw1"));
    expect(await gw(ISAKMPD_RUNS_WITH)).toBe("-K\n");
    await commitTo(gwState("gw1"), withSasyncd());
    expect(await gw(`${ISAKMPD_RUNS_WITH}; rcctl check sasyncd`)).toBe("-S -K\nsasyncd(ok)\n");
    // a commit that changes nothing leaves it running
    const since = await gw("grep -A2 '\"isakmpd\"' /var/emu/services.json | grep since");
    await commitTo(withSasyncd(), withSasyncd());
    expect(await gw("grep -A2 '\"isakmpd\"' /var/emu/services.json | grep since")).toBe(since);
    await commitTo(withSasyncd(), gwState("gw1"));
    expect(await gw(`${ISAKMPD_RUNS_WITH}; rcctl check sasyncd; rcctl get sasyncd status || echo disabled`)).toBe("-K\nsasyncd(failed)\ndisabled\n");
  });

  it("a destroy on a gateway whose isakmpd was stopped by hand restores at once (no wait on isakmpd's FIFO)", async () => {
    expect(await gw("cat /etc/rc.conf.local")).toContain("isakmpd_flags=-K");
    await gw("rcctl stop isakmpd");
    const t0 = Date.now();
    await uninstall(gw1(), gwState("gw1"));
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(await gw("ls /var/db/pulumi-openbsd; rcctl check isakmpd")).toBe("isakmpd(failed)\n");
    // the lab's gateways start with neither file
    expect(await gw(`${ABSENT("/etc/rc.conf.local")}; ${ABSENT("/etc/ipsec.conf")}`)).toBe("/etc/rc.conf.local absent\n/etc/ipsec.conf absent\n");
  });

  it("a rollback on a gateway whose isakmpd was stopped by hand puts the old ipsec.conf back and ends (no wait on isakmpd's FIFO)", async () => {
    await commitTo(undefined, gwState("gw1"));
    await gw("rcctl stop isakmpd");
    const SEEN = "ls /var/db/pulumi-openbsd/rollback; cat /etc/ipsec.conf; rcctl check isakmpd";
    const before = await gw(SEEN);
    // the connection is lost before the confirm: the rollback timer restores the old configuration by itself
    process.env.PULUMI_OPENBSD_FAULT = "before-confirm";
    try {
      await expect(commitTo(gwState("gw1"), gwState("gw1", { psk: "an0ther-PSK-for-the-rollback" }), { rollbackSeconds: 4 })).rejects.toThrow();
    } finally {
      delete process.env.PULUMI_OPENBSD_FAULT;
    }
    const restored = await until(gw, SEEN, (o) => o === before, 30_000);
    expect(restored).toBe(before);
    await uninstall(gw1(), gwState("gw1"));
  });
});
