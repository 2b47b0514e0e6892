/**
 * isakmpd -S with sasyncd on a CARP pair (emulated, in-process): only the node whose carp interface is MASTER
 * (and whose sasyncd runs with `control isakmpd`) negotiates; the peer's tunnel follows the master; the BACKUP
 * holds the master's flows through sasyncd (same sharedkey).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { miniLab, type MiniLab } from "./harness";
import type { EmuInterface } from "../../lab/emu/state";

const carp = (state: "MASTER" | "BACKUP", advskew: number): EmuInterface => ({
  name: "carp2", flags: [], up: true, mtu: 1500, index: 9, groups: ["carp"],
  addresses: [{ family: "inet", address: "192.0.2.153", prefixlen: 24 }],
  carp: { vhid: 2, carpdev: "em1", advbase: 1, advskew, state },
});

let lab: MiniLab;
beforeEach(async () => {
  lab = await miniLab({
    gw1a: { em0: "172.16.0.2/24", em1: "192.0.2.154/24", extra: [carp("MASTER", 0)] },
    gw1b: { em0: "172.16.0.3/24", em1: "192.0.2.155/24", extra: [carp("BACKUP", 100)] },
    gw2: { em0: "192.168.15.1/24", em1: "192.0.123.85/24" },
  });
});
afterEach(async () => { await lab.done(); });

const A = 'ike esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 peer 192.0.123.85 psk "pair-secret"\n';
const B = 'ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 psk "pair-secret"\n';
const SYNC = (peer: string) => `interface carp2\npeer ${peer}\nsharedkey 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n`;
const FLOWS_GW2 =
  "flow esp in from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type use\n" +
  "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type require\n";

const FLOWS_PAIR =
  "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type use\n" +
  "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type require\n";

describe("isakmpd -S follows the carp master through sasyncd", () => {
  it("no tunnel until sasyncd runs; then with the master only; failover moves it", async () => {
    for (const [gw, conf] of [["gw1a", A], ["gw1b", A], ["gw2", B]] as const) {
      await lab.write(gw, "/etc/ipsec.conf", conf);
      expect((await lab.run(gw, "isakmpd", gw === "gw2" ? ["-K"] : ["-S", "-K"])).code).toBe(0);
      expect((await lab.run(gw, "ipsecctl", ["-f", "/etc/ipsec.conf"])).code).toBe(0);
    }
    expect((await lab.run("gw2", "ipsecctl", ["-sf"])).stdout).toBe(""); // both held passive by -S
    await lab.write("gw1a", "/etc/sasyncd.conf", SYNC("172.16.0.3"));
    await lab.write("gw1b", "/etc/sasyncd.conf", SYNC("172.16.0.2"));
    expect((await lab.run("gw1a", "sasyncd", [])).code).toBe(0);
    expect((await lab.run("gw1b", "sasyncd", [])).code).toBe(0);
    expect((await lab.run("gw2", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_GW2);
    expect((await lab.run("gw1a", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_PAIR);
    // the backup holds what the master's sasyncd sent it, its own isakmpd negotiated nothing
    expect((await lab.run("gw1b", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_PAIR);
    await lab.stop("gw1b", "sasyncd");
    expect((await lab.run("gw1b", "ipsecctl", ["-sf"])).stdout).toBe("");
    expect((await lab.run("gw1b", "sasyncd", [])).code).toBe(0);
    // failover: gw1b becomes master and negotiates; gw1a keeps the tunnel only through sasyncd
    await lab.carp("gw1a", "carp2", "BACKUP");
    await lab.carp("gw1b", "carp2", "MASTER");
    expect((await lab.run("gw1b", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_PAIR);
    expect((await lab.run("gw1a", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_PAIR);
    expect((await lab.run("gw2", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_GW2);
    await lab.stop("gw1a", "sasyncd");
    expect((await lab.run("gw1a", "ipsecctl", ["-sf"])).stdout).toBe("");
    expect((await lab.run("gw1b", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_PAIR);
  });

  it("sasyncd syncs nothing to a backup whose sharedkey differs", async () => {
    for (const [gw, conf] of [["gw1a", A], ["gw1b", A], ["gw2", B]] as const) {
      await lab.write(gw, "/etc/ipsec.conf", conf);
      await lab.run(gw, "isakmpd", gw === "gw2" ? ["-K"] : ["-S", "-K"]);
      await lab.run(gw, "ipsecctl", ["-f", "/etc/ipsec.conf"]);
    }
    await lab.write("gw1a", "/etc/sasyncd.conf", SYNC("172.16.0.3"));
    await lab.write("gw1b", "/etc/sasyncd.conf", SYNC("172.16.0.2").replace("0x00", "0xff"));
    expect((await lab.run("gw1a", "sasyncd", [])).code).toBe(0);
    expect((await lab.run("gw1b", "sasyncd", [])).code).toBe(0);
    expect((await lab.run("gw1a", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_PAIR);
    expect((await lab.run("gw1b", "ipsecctl", ["-sf"])).stdout).toBe("");
  });

  it("sasyncd with `control iked` leaves isakmpd -S passive", async () => {
    await lab.write("gw1a", "/etc/ipsec.conf", A);
    await lab.write("gw2", "/etc/ipsec.conf", B);
    await lab.run("gw1a", "isakmpd", ["-S", "-K"]);
    await lab.run("gw2", "isakmpd", ["-K"]);
    await lab.run("gw1a", "ipsecctl", ["-f", "/etc/ipsec.conf"]);
    await lab.run("gw2", "ipsecctl", ["-f", "/etc/ipsec.conf"]);
    await lab.write("gw1a", "/etc/sasyncd.conf", SYNC("172.16.0.3") + "control iked\n");
    expect((await lab.run("gw1a", "sasyncd", [])).code).toBe(0);
    expect((await lab.run("gw2", "ipsecctl", ["-sf"])).stdout).toBe("");
  });
});
