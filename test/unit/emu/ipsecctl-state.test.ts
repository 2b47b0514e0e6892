/**
 * The emulated ipsecctl/isakmpd pair on two gateways (in-process, no namespaces): ike rules reach isakmpd's
 * configuration, flows and SAs appear on both ends only when the rules agree and isakmpd -K runs on both;
 * `-f` is additive, `-d -f` removes, `-F` flushes; refusals word for word.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { miniLab, type MiniLab } from "./harness";

let lab: MiniLab;
beforeEach(async () => {
  lab = await miniLab({ gw1: { em0: "172.16.0.1/24", em1: "192.0.2.153/24" }, gw2: { em0: "192.168.15.1/24", em1: "192.0.123.85/24" } });
});
afterEach(async () => { await lab.done(); });

const xf = "main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish";
const GW1 = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 ${xf} psk "s3cret"\n`;
const GW2 = `ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 ${xf} psk "s3cret"\n`;
const FLOWS_GW1 =
  "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type use\n" +
  "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type require\n";
const FLOWS_GW2 =
  "flow esp in from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type use\n" +
  "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type require\n";

async function up(gw1 = GW1, gw2 = GW2, flags = ["-K"]): Promise<void> {
  await lab.write("gw1", "/etc/ipsec.conf", gw1);
  await lab.write("gw2", "/etc/ipsec.conf", gw2);
  for (const gw of ["gw1", "gw2"]) {
    expect((await lab.run(gw, "isakmpd", flags)).code).toBe(0);
    expect(await lab.run(gw, "ipsecctl", ["-f", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
  }
}

describe("ike rules and isakmpd", () => {
  it("without isakmpd, ipsecctl -f fails on the FIFO as ipsecctl does", async () => {
    await lab.write("gw1", "/etc/ipsec.conf", GW1);
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/ipsec.conf"])).toEqual({
      stdout: "",
      stderr: "ipsecctl: ike_ipsec_establish: open(/var/run/isakmpd.fifo): No such file or directory\n",
      code: 1,
    });
  });

  it("after isakmpd stopped, its FIFO stays and ipsecctl waits on it for good; a FIFO someone reads gets the rules", async () => {
    await lab.write("gw1", "/etc/ipsec.conf", GW1);
    expect((await lab.run("gw1", "isakmpd", ["-K"])).code).toBe(0);
    const fifo = join(lab.roots.gw1!, "var/run/isakmpd.fifo");
    expect(statSync(fifo).isFIFO()).toBe(true);
    await lab.stop("gw1", "isakmpd");
    expect(statSync(fifo).isFIFO()).toBe(true);
    // ike_ipsec_establish's blocking open: ipsecctl is still waiting when it is killed
    const killed = new AbortController();
    const run = lab.run("gw1", "ipsecctl", ["-f", "/etc/ipsec.conf"], undefined, killed.signal);
    const first = await Promise.race([run.then(() => "ended"), new Promise((r) => setTimeout(() => r("waiting"), 300))]);
    killed.abort();
    await run;
    expect(first).toBe("waiting");
    // `-i` another FIFO that a reader holds (as isakmpd holds its own, O_RDWR): the rule's lines are written there
    const mine = join(lab.roots.gw1!, "etc/mine.fifo");
    execFileSync("mkfifo", [mine]);
    const fd = openSync(mine, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      expect(await lab.run("gw1", "ipsecctl", ["-i", "/etc/mine.fifo", "-f", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
      const buf = Buffer.alloc(65536);
      const text = buf.subarray(0, readSync(fd, buf)).toString();
      expect(text).toContain("C set [Phase 1]:192.0.123.85=peer-192.0.123.85 force\n");
    } finally {
      closeSync(fd);
    }
    expect(await lab.run("gw1", "ipsecctl", ["-i", "/etc/ipsec.conf", "-f", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "ipsecctl: ike_ipsec_establish: /etc/ipsec.conf not a fifo\n", code: 1 });
  });

  it("mirrored rules with the same PSK bring the tunnel up on both gateways", async () => {
    await lab.write("gw1", "/etc/ipsec.conf", GW1);
    await lab.run("gw1", "isakmpd", ["-K"]);
    await lab.run("gw1", "ipsecctl", ["-f", "/etc/ipsec.conf"]);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe(""); // the peer has nothing yet
    await up();
    expect(await lab.run("gw1", "ipsecctl", ["-sf"])).toEqual({ stdout: FLOWS_GW1, stderr: "", code: 0 });
    expect(await lab.run("gw2", "ipsecctl", ["-sf"])).toEqual({ stdout: FLOWS_GW2, stderr: "", code: 0 });
    const sa1 = (await lab.run("gw1", "ipsecctl", ["-ss"])).stdout;
    expect(sa1).toBe((await lab.run("gw2", "ipsecctl", ["-ss"])).stdout);
    const lines = sa1.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.replace(/spi 0x[0-9a-f]{8}/, "spi X")).sort()).toEqual([
      "esp tunnel from 192.0.123.85 to 192.0.2.153 spi X auth hmac-sha2-384 enc blowfish",
      "esp tunnel from 192.0.2.153 to 192.0.123.85 spi X auth hmac-sha2-384 enc blowfish",
    ]);
    const spis = lines.map((l) => parseInt(/spi 0x([0-9a-f]{8})/.exec(l)![1]!, 16));
    expect(spis[0]!).toBeLessThan(spis[1]!); // sorted by SPI
    expect((await lab.run("gw1", "ipsecctl", ["-s", "all"])).stdout).toBe(`FLOWS:\n${FLOWS_GW1}\nSAD:\n${sa1}`);
    expect((await lab.run("gw1", "ipsecctl", ["-sa"])).stdout).toBe(`FLOWS:\n${FLOWS_GW1}\nSAD:\n${sa1}`);
  });

  it("a different PSK on one side: no flows (after -d -f of the old rules and -f of the new)", async () => {
    await up();
    await lab.write("gw2", "/etc/ipsec.conf.new", GW2.replace("s3cret", "changed"));
    expect(await lab.run("gw2", "ipsecctl", ["-d", "-f", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await lab.run("gw2", "ipsecctl", ["-f", "/etc/ipsec.conf.new"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    expect((await lab.run("gw2", "ipsecctl", ["-s", "all"])).stdout).toBe("FLOWS:\nNo flows\n\nSAD:\nNo entries\n");
  });

  it("ipsecctl -f adds to isakmpd's running configuration: same-named sections are overwritten (`C set … force`)", async () => {
    await up();
    await lab.write("gw2", "/etc/ipsec.conf.new", GW2.replace("s3cret", "changed"));
    await lab.run("gw2", "ipsecctl", ["-f", "/etc/ipsec.conf.new"]);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    await lab.run("gw2", "ipsecctl", ["-f", "/etc/ipsec.conf"]);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_GW1);
  });

  it("-f of a second tunnel keeps the first one (additive)", async () => {
    await up();
    const more = (a: string, b: string, peer: string) => `ike esp from ${a} to ${b} peer ${peer} ${xf} psk "s3cret"\n`;
    await lab.write("gw1", "/etc/more.conf", more("10.11.0.0/24", "10.22.0.0/24", "192.0.123.85"));
    await lab.write("gw2", "/etc/more.conf", more("10.22.0.0/24", "10.11.0.0/24", "192.0.2.153"));
    await lab.run("gw1", "ipsecctl", ["-f", "/etc/more.conf"]);
    await lab.run("gw2", "ipsecctl", ["-f", "/etc/more.conf"]);
    const flows = (await lab.run("gw1", "ipsecctl", ["-sf"])).stdout;
    expect(flows.startsWith(FLOWS_GW1)).toBe(true);
    expect(flows.split("\n").filter(Boolean)).toHaveLength(4);
    await lab.run("gw1", "ipsecctl", ["-d", "-f", "/etc/more.conf"]);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_GW1);
  });

  it("mismatched transforms or selectors never come up", async () => {
    await up(GW1, GW2.replace("quick auth hmac-sha2-384", "quick auth hmac-sha2-512"));
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    await up(GW1, GW2.replace("192.168.15.0/24", "192.168.16.0/24"));
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
  });

  it("needs -K on both isakmpd instances", async () => {
    await up(GW1, GW2, []);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
  });

  it("a restarted isakmpd has forgotten what ipsecctl told it", async () => {
    await up();
    await lab.stop("gw2", "isakmpd");
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    await lab.run("gw2", "isakmpd", ["-K"]);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    await lab.run("gw2", "ipsecctl", ["-f", "/etc/ipsec.conf"]);
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe(FLOWS_GW1);
  });
});

describe("manual flows and SAs", () => {
  const FLOW = "flow esp from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2\n";
  const SA = "esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x2000:0x2001 auth hmac-sha1 enc blowfish \\\n" +
    "\tauthkey 0x0102030405060708090a0b0c0d0e0f1011121314:0x14131211100f0e0d0c0b0a090807060504030201 \\\n" +
    "\tenckey 0x00112233445566778899aabbccddeeff00112233:0x33221100ffeeddccbbaa99887766554433221100\n";

  it("-f twice is additive, -d -f removes exactly the file's entries, -F flushes", async () => {
    await lab.write("gw1", "/etc/a.conf", FLOW);
    await lab.write("gw1", "/etc/b.conf", SA);
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/a.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/b.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/b.conf"])).toEqual({ stdout: "", stderr: "", code: 0 }); // EEXIST is ignored
    expect((await lab.run("gw1", "ipsecctl", ["-s", "all"])).stdout).toBe(
      "FLOWS:\n" +
      "flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 type require\n" +
      "flow esp in from 10.2.0.0/24 to 10.1.0.0/24 peer 198.51.100.2 type require\n" +
      "\nSAD:\n" +
      "esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x00002000 auth hmac-sha1 enc blowfish\n" +
      "esp tunnel from 192.0.2.2 to 192.0.2.1 spi 0x00002001 auth hmac-sha1 enc blowfish\n");
    expect(await lab.run("gw1", "ipsecctl", ["-d", "-f", "/etc/a.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    expect((await lab.run("gw1", "ipsecctl", ["-ss"])).stdout.split("\n")).toHaveLength(3);
    expect(await lab.run("gw1", "ipsecctl", ["-d", "-f", "/etc/a.conf"])).toEqual({
      stdout: "",
      stderr: "ipsecctl: PF_KEY failed: No such process\nipsecctl: failed to delete rule 0\nipsecctl: PF_KEY failed: No such process\nipsecctl: failed to delete rule 1\n",
      code: 1,
    });
    expect(await lab.run("gw1", "ipsecctl", ["-F"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-s", "all"])).stdout).toBe("FLOWS:\nNo flows\n\nSAD:\nNo entries\n");
  });

  it("-n changes nothing; -d -nv prints the isakmpd delete stream", async () => {
    await lab.write("gw1", "/etc/a.conf", FLOW);
    expect(await lab.run("gw1", "ipsecctl", ["-n", "-f", "/etc/a.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-sf"])).stdout).toBe("");
    await lab.write("gw1", "/etc/ipsec.conf", GW1);
    expect((await lab.run("gw1", "ipsecctl", ["-d", "-nv", "-f", "/etc/ipsec.conf"])).stdout).toBe(
      "t from-172.16.0.0/24-to-192.168.15.0/24\n" +
      "C rmv [Phase 2]:Connections=from-172.16.0.0/24-to-192.168.15.0/24\n" +
      "C rms [from-172.16.0.0/24-to-192.168.15.0/24]\n" +
      "C rms [phase2-from-172.16.0.0/24-to-192.168.15.0/24]\n");
  });
});

describe("refusals", () => {
  it("a group/world-readable ipsec.conf is refused, also with -n", async () => {
    await lab.write("gw1", "/etc/ipsec.conf", GW1, 0o644);
    const want = { stdout: "", stderr: "ipsecctl: /etc/ipsec.conf: group writable or world read/writable\nipsecctl: Syntax error in config file: ipsec rules not loaded\n", code: 1 };
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/ipsec.conf"])).toEqual(want);
    expect(await lab.run("gw1", "ipsecctl", ["-nf", "/etc/ipsec.conf"])).toEqual(want);
    await lab.write("gw1", "/etc/ipsec.conf", GW1, 0o640); // group read is allowed
    expect(await lab.run("gw1", "ipsecctl", ["-nf", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  it("a missing file, a syntax error, and bad options", async () => {
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/nope.conf"])).toEqual({ stdout: "", stderr: "ipsecctl: /etc/nope.conf: No such file or directory\nipsecctl: Syntax error in config file: ipsec rules not loaded\n", code: 1 });
    await lab.write("gw1", "/etc/ipsec.conf", 'ike esp form 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 psk "x"\n');
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "/etc/ipsec.conf: 1: syntax error\nipsecctl: Syntax error in config file: ipsec rules not loaded\n", code: 1 });
    expect(await lab.run("gw1", "ipsecctl", ["-s", "x"])).toEqual({ stdout: "", stderr: "ipsecctl: Unknown show modifier 'x'\nusage: ipsecctl [-cdFkmnv] [-D macro=value] [-f file] [-i fifo] [-s modifier]\n", code: 1 });
  });
});

describe("kernel SA names", () => {
  it("`enc aes` with a 256-bit key shows as aes-256 in -ss (the kernel names by key length), -nv keeps the rule's name", async () => {
    const k = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const a = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    await lab.write("gw1", "/etc/sa.conf", `esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x3000 enc aes authkey 0x${a} enckey 0x${k}\n`);
    expect((await lab.run("gw1", "ipsecctl", ["-nvf", "/etc/sa.conf"])).stdout).toBe("esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x00003000 auth hmac-sha2-256 enc aes\n");
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/sa.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-ss"])).stdout).toBe("esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x00003000 auth hmac-sha2-256 enc aes-256\n");
    expect(await lab.run("gw1", "ipsecctl", ["-d", "-f", "/etc/sa.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await lab.run("gw1", "ipsecctl", ["-ss"])).stdout).toBe("");
  });
});

describe("ike rules ipsecctl -n accepts but a load rejects (golden err-ah-enc)", () => {
  it("-n exits 0 silently; -f writes the partial stream and reports the failed rule", async () => {
    await lab.write("gw1", "/etc/ipsec.conf", 'ike ah from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 quick enc aes psk "x-secret"\n');
    expect(await lab.run("gw1", "ipsecctl", ["-n", "-f", "/etc/ipsec.conf"])).toEqual({ stdout: "", stderr: "", code: 0 });
    await lab.run("gw1", "isakmpd", ["-K"]);
    expect(await lab.run("gw1", "ipsecctl", ["-f", "/etc/ipsec.conf"])).toEqual({
      stdout: "",
      stderr: "ipsecctl: illegal transform aes\nipsecctl: failed to add ike rule 0\n",
      code: 1,
    });
  });
});
