// carp on the `carp` topology: the pair elects by advskew, the master holds the shared address for real (the
// internal host reaches it), demotion and destroy move it to the backup.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "./api";
import { run } from "./sh";

describe("carp topology", () => {
  let lab: Lab;
  const sh = (gw: string, cmd: string) => labExec(lab, gw, cmd);
  const carpLine = async (gw: string) => (await sh(gw, "ifconfig carp1")).stdout.split("\n").find((l) => l.startsWith("\tcarp:"));
  const holds = async (gw: string) => (await sh(gw, "ip -4 -o addr show dev em0")).stdout.includes("172.16.0.1/24");
  beforeAll(async () => { lab = await labUp("carp", { prefix: "t5c", quiet: true }); });
  afterAll(async () => { await labDown("t5c"); });

  it("elects the lower advskew as MASTER and puts the shared address on its em0 only", async () => {
    const cfg = (skew: number) => `printf 'inet 172.16.0.1 255.255.255.0 NONE vhid 1 carpdev em0 pass s3cr3t advskew ${skew}\\n' > /etc/hostname.carp1 && chmod 640 /etc/hostname.carp1 && sh /etc/netstart carp1`;
    expect((await sh("gw1a", cfg(0))).code).toBe(0);
    expect((await sh("gw1b", cfg(100))).code).toBe(0);
    expect(await carpLine("gw1a")).toBe("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 0");
    expect(await carpLine("gw1b")).toBe("\tcarp: BACKUP carpdev em0 vhid 1 advbase 1 advskew 100");
    expect(await holds("gw1a")).toBe(true);
    expect(await holds("gw1b")).toBe(false);
    expect((await run(["ip", "netns", "exec", "t5c-h1", "ping", "-c1", "-W2", "172.16.0.1"])).code).toBe(0);
  });

  it("hands the address over on demotion and back when undemoted", async () => {
    await sh("gw1a", "ifconfig -g carp carpdemote 50");
    expect(await carpLine("gw1a")).toBe("\tcarp: BACKUP carpdev em0 vhid 1 advbase 1 advskew 0");
    expect(await carpLine("gw1b")).toBe("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 100");
    expect(await holds("gw1a")).toBe(false);
    expect(await holds("gw1b")).toBe(true);
    await sh("gw1a", "ifconfig -g carp -carpdemote 50");
    expect(await holds("gw1a")).toBe(true);
    expect(await holds("gw1b")).toBe(false);
  });

  it("fails over when the master's carp interface is destroyed", async () => {
    expect((await sh("gw1a", "ifconfig carp1 destroy")).code).toBe(0);
    expect(await carpLine("gw1b")).toBe("\tcarp: MASTER carpdev em0 vhid 1 advbase 1 advskew 100");
    expect(await holds("gw1a")).toBe(false);
    expect(await holds("gw1b")).toBe(true);
  });
});
