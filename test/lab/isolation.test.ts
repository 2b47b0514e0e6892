// Two labs with different prefixes side by side: their own namespaces, management networks, roots and keys;
// taking one down leaves the other working. Plus the refusals of labUp.
import { afterAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp } from "./api";

describe("several labs", () => {
  afterAll(async () => {
    await labDown("t5a");
    await labDown("t5b");
  });

  it("do not collide and come down independently", async () => {
    const [a, b] = await Promise.all([labUp("gif", { prefix: "t5a", quiet: true }), labUp("gif", { prefix: "t5b", quiet: true })]);
    expect(a.gateways.alice!.host).not.toBe(b.gateways.alice!.host);
    expect(a.gateways.alice!.root).not.toBe(b.gateways.alice!.root);
    expect(a.gateways.alice!.hostKey).not.toBe(b.gateways.alice!.hostKey);
    await labExec(a, "alice", "sysctl net.inet.ip.forwarding=1");
    expect((await labExec(b, "alice", "sysctl -n net.inet.ip.forwarding")).stdout).toBe("0\n");
    await labDown(a);
    const r = await labExec(b, "bob", "ping -c1 -W2 192.0.2.1");
    expect(r.code).toBe(0);
    await expect(labExec(a, "alice", "true")).rejects.toThrow("lab t5a: not running");
  });

  it("refuses unknown topologies and bad prefixes", async () => {
    await expect(labUp("hub-and-spoke", { prefix: "t5x" })).rejects.toThrow("topology `hub-and-spoke`: unknown; one of site-to-site, carp, gif, nat, mesh-N");
    await expect(labUp("mesh-51", { prefix: "t5x" })).rejects.toThrow("mesh-51: N must be an integer from 2 to 50");
    await expect(labUp("gif", { prefix: "Bad-Prefix" })).rejects.toThrow("lab prefix `Bad-Prefix`: must be 1–6 lower-case letters/digits starting with a letter");
  });
});
