/**
 * The emulated pfctl on a real lab gateway (site-to-site's gw1), through OpenBSD's paths: a pf.conf with a
 * queue tree, an af-to rule and a table file loads (`pfctl -f`), prints its queues before its rules (`-nv`),
 * a bad table file entry and a queue error are refused word for word and leave the loaded rules in place.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labPut, labUp, type Lab } from "./api";

let lab: Lab;
beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "f1q", quiet: true });
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

const sh = (cmd: string) => labExec(lab, "gw1", cmd);

describe("pfctl with queues, af-to and table files on a lab gateway", () => {
  it("loads and prints the queue tree before the rules", async () => {
    const ifs = (await sh("ifconfig")).stdout;
    const ext = /^(\w+\d+): /m.exec(ifs.split("\n").filter((l) => /^\w+\d+: /.test(l) && !/^lo\d/.test(l)).join("\n"))![1]!;
    await labPut(lab, "gw1", "/etc/pf.peers", "# peers\n192.0.2.0/24\n!192.0.2.9\n", 0o600);
    const conf = [
      `queue rootq on ${ext} bandwidth 100M, max 100M`,
      "queue std parent rootq bandwidth 90M default",
      "queue ike parent rootq bandwidth 10M, min 5M",
      'table <peers> persist file "/etc/pf.peers"',
      `pass out on ${ext} proto udp to port { 500 4500 } set queue ike`,
      `pass in on ${ext} inet6 from any to 64:ff9b::/96 af-to inet from (${ext})`,
      "pass in from <peers>",
      "",
    ].join("\n");
    await labPut(lab, "gw1", "/etc/pf.conf", conf, 0o600);
    expect(await sh("pfctl -o none -nvf /etc/pf.conf")).toEqual({
      stdout: [
        'table <peers> persist file "/etc/pf.peers"',
        `queue rootq on ${ext} bandwidth 100M, max 100M`,
        "queue std parent rootq bandwidth 90M default",
        "queue ike parent rootq bandwidth 10M, min 5M",
        `pass out on ${ext} proto udp from any to any port = 500 set (queue ike)`,
        `pass out on ${ext} proto udp from any to any port = 4500 set (queue ike)`,
        `pass in on ${ext} inet6 from any to 64:ff9b::/96 flags S/SA af-to inet from (${ext}) round-robin`,
        "pass in from <peers> to any flags S/SA",
        "",
      ].join("\n"),
      stderr: "/etc/pf.conf:4: skipping duplicate table checks for <peers>\n",
      code: 0,
    });
    expect(await sh("pfctl -o none -f /etc/pf.conf")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await sh("pfctl -sr")).stdout).toContain(`af-to inet from (${ext}) round-robin`);
  });

  it("a bad table file entry and a queue tree without default are refused word for word; the loaded rules stay", async () => {
    const before = (await sh("pfctl -sr")).stdout;
    await labPut(lab, "gw1", "/etc/pf.peers", "192.0.2.1\n192.0.2.300\n", 0o600);
    expect(await sh("pfctl -f /etc/pf.conf")).toEqual({
      stdout: "",
      stderr: 'no IP address found for 192.0.2.300\n/etc/pf.conf:4: file "/etc/pf.peers" contains bad data\npfctl: Syntax error in config file: pf rules not loaded\n',
      code: 1,
    });
    const ifs = (await sh("ifconfig")).stdout;
    const ext = /^(\w+\d+): /m.exec(ifs.split("\n").filter((l) => /^\w+\d+: /.test(l) && !/^lo\d/.test(l)).join("\n"))![1]!;
    await labPut(lab, "gw1", "/etc/pf.q", `queue rootq on ${ext} bandwidth 10M\nqueue a parent rootq bandwidth 5M\n`, 0o600);
    expect(await sh("pfctl -f /etc/pf.q")).toEqual({ stdout: "", stderr: "pfctl: no default queue specified\n", code: 1 });
    expect((await sh("pfctl -sr")).stdout).toBe(before);
  });
});
