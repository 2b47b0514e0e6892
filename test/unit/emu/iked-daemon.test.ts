/**
 * The emulated iked/ikectl/isakmpd/sasyncd as daemons: refusals word for word, and IKEv2 flows that appear in
 * `ipsecctl -sf` only when both gateways' iked policies agree.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { miniLab, type MiniLab } from "./harness";
import { serviceRunning } from "../../lab/emu/state";

let lab: MiniLab;
beforeEach(async () => {
  lab = await miniLab({ gw1: { em0: "172.16.0.1/24", em1: "192.0.2.153/24" }, gw2: { em0: "192.168.15.1/24", em1: "192.0.123.85/24" } });
});
afterEach(async () => { await lab.done(); });

const GW1 = 'ikev2 "s2s" active esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 peer 192.0.123.85 psk "s3cret"\n';
const GW2 = 'ikev2 "s2s" passive esp from 192.168.15.0/24 to 172.16.0.0/24 local 192.0.123.85 peer 192.0.2.153 psk "s3cret"\n';

describe("iked as a service", () => {
  it("brings up IKEv2 flows when both ends agree, and drops them when one side's PSK changes", async () => {
    await lab.write("gw1", "/etc/iked.conf", GW1);
    await lab.write("gw2", "/etc/iked.conf", GW2);
    expect(await lab.run("gw1", "iked", [])).toEqual({ stdout: "", stderr: "", code: 0 });
    // only one side running: just iked's IPv6 deny flow
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("flow esp out from ::/0 to ::/0 type deny\n");
    expect((await lab.run("gw2", "iked", [])).code).toBe(0);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe(
      "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 srcid FQDN/gw1 dstid FQDN/gw2 type use\n" +
      "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid FQDN/gw1 dstid FQDN/gw2 type require\n" +
      "flow esp out from ::/0 to ::/0 type deny\n");
    expect((await lab.run("gw2", "ipsecctl", ["-sf"])).stdout).toBe(
      "flow esp in from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.2.153 srcid FQDN/gw2 dstid FQDN/gw1 type use\n" +
      "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 srcid FQDN/gw2 dstid FQDN/gw1 type require\n" +
      "flow esp out from ::/0 to ::/0 type deny\n");
    // both SADs hold the same two SAs (same SPIs); iked's default child SA proposal starts with aes-128-gcm
    const sa1 = (await lab.run("gw1", "ipsecctl", ["-ss"])).stdout;
    const sa2 = (await lab.run("gw2", "ipsecctl", ["-ss"])).stdout;
    expect(sa1).toBe(sa2);
    expect(sa1).toMatch(/^esp tunnel from 192\.0\.(2\.153|123\.85) to 192\.0\.(123\.85|2\.153) spi 0x[0-9a-f]{8} enc aes-128-gcm\n.*\n$/);
    // change the PSK on gw2 and reload: no tunnel any more
    await lab.write("gw2", "/etc/iked.conf", GW2.replace("s3cret", "other"));
    expect(await lab.run("gw2", "ikectl", ["reload"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("flow esp out from ::/0 to ::/0 type deny\n");
  });

  it("refuses an iked.conf readable by others, word for word, and does not start", async () => {
    await lab.write("gw1", "/etc/iked.conf", GW1, 0o644);
    expect(await lab.run("gw1", "iked", [])).toEqual({ stdout: "", stderr: "iked: /etc/iked.conf: group writable or world read/writable\n", code: 1 });
    expect((await lab.run("gw1", "ikectl", ["reload"])).stderr).toBe("ikectl: connect: /var/run/iked.sock: No such file or directory\n");
  });

  it("iked -n checks a file without starting", async () => {
    await lab.write("gw1", "/etc/iked.conf", GW1);
    expect(await lab.run("gw1", "iked", ["-n"])).toEqual({ stdout: "", stderr: "configuration OK\n", code: 0 });
    expect((await lab.run("gw1", "ikectl", ["show", "sa"])).code).toBe(1);
  });

  it("iked and isakmpd cannot both bind udp/500", async () => {
    await lab.write("gw1", "/etc/iked.conf", GW1);
    expect((await lab.run("gw1", "isakmpd", ["-K"])).code).toBe(0);
    expect(await lab.run("gw1", "iked", [])).toEqual({ stdout: "", stderr: "iked: udp_bind: bind 0.0.0.0:500: Address already in use\n", code: 1 });
  });
});

describe("ikectl", () => {
  it("load FILE replaces iked's policies; an invalid file is ignored; show sa lists the negotiated SAs", async () => {
    await lab.write("gw1", "/etc/iked.conf", GW1.replace("s3cret", "wrong"));
    await lab.write("gw1", "/etc/iked.good", GW1);
    await lab.write("gw1", "/etc/iked.bad", "ikev2 bogus\n");
    await lab.write("gw2", "/etc/iked.conf", GW2);
    await lab.run("gw1", "iked", []);
    await lab.run("gw2", "iked", []);
    expect((await lab.run("gw1", "ikectl", ["show", "sa"])).stdout).toBe("");
    expect(await lab.run("gw1", "ikectl", ["load", "/etc/iked.good"])).toEqual({ stdout: "", stderr: "", code: 0 });
    const shown = (await lab.run("gw1", "ikectl", ["show", "sa"])).stdout.split("\n").filter(Boolean);
    expect(shown).toHaveLength(2);
    expect(shown.every((l) => /^iked_sas: esp tunnel from 192\.0\.\S+ to 192\.0\.\S+ spi 0x[0-9a-f]{8} enc aes-128-gcm$/.test(l))).toBe(true);
    expect(await lab.run("gw1", "ikectl", ["load", "/etc/iked.bad"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toContain("type require");
    // reload re-reads the file iked was started with (the wrong PSK): the tunnel goes down
    expect(await lab.run("gw1", "ikectl", ["reload"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("flow esp out from ::/0 to ::/0 type deny\n");
  });
});

describe("sasyncd as a service", () => {
  const CONF = "interface carp2\npeer 10.0.0.3\nsharedkey 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  it("refuses a group-readable sasyncd.conf: silent without -d, sasyncd's words with -d", async () => {
    await lab.write("gw1", "/etc/sasyncd.conf", CONF, 0o640);
    expect(await lab.run("gw1", "sasyncd", [])).toEqual({ stdout: "", stderr: "", code: 1 });
    expect(await lab.run("gw1", "sasyncd", ["-d", "-n"])).toEqual({
      stdout: "",
      stderr: 'configuration file has bad owner, type or mode\nfailed to open "/etc/sasyncd.conf"\n',
      code: 1,
    });
  });

  it("refuses a 64-bit key and starts with a 256-bit one", async () => {
    await lab.write("gw1", "/etc/sasyncd.conf", "interface carp2\npeer 10.0.0.3\nsharedkey 0x0011223344556677\n");
    expect((await lab.run("gw1", "sasyncd", ["-d", "-n"])).stderr).toBe("sasyncd: config: bad shared key length 64, should be 128, 192 or 256 bits\n: Success\n");
    await lab.write("gw1", "/etc/sasyncd.conf", CONF);
    expect(await lab.run("gw1", "sasyncd", [])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await serviceRunning("sasyncd")).toBe(true);
  });
});
