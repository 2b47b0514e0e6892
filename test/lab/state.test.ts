// The emulator's state API: read-modify-write under a lock, peers' state read-only, services.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gatewayName, labInfo, peerGateways, readState, serviceRunning, setServiceRunning, withState, interfaces } from "./emu/state";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

describe("emulator state", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "emu-state-"));
    mkdirSync(join(dir, "var/emu"), { recursive: true });
    process.env.EMU_ROOT = dir;
  });
  afterEach(() => {
    delete process.env.EMU_ROOT;
    rmSync(dir, { recursive: true, force: true });
  });

  it("the lab description is one frozen value while lab.json is unchanged, and read anew once it changes", () => {
    const file = join(dir, "var/emu/lab.json");
    const old = new Date(Date.now() - 60_000);
    writeFileSync(file, JSON.stringify({ name: "gw1", lab: "t", peers: [{ name: "gw2", stateDir: "/x", addresses: ["192.0.2.1"] }] }));
    utimesSync(file, old, old);
    const a = labInfo()!;
    expect(labInfo()).toBe(a);
    expect(Object.isFrozen(a.peers[0]!.addresses)).toBe(true);
    expect(() => (a.peers[0]!.addresses as string[]).push("x")).toThrow(TypeError);
    writeFileSync(file, JSON.stringify({ name: "gw9", lab: "t", peers: [] }));
    expect(labInfo()?.name).toBe("gw9");
    expect(gatewayName()).toBe("gw9");
  });

  it("serialises concurrent read-modify-writes in one process", async () => {
    await Promise.all(Array.from({ length: 40 }, () => withState("counter", () => ({ n: 0 }), async (s) => {
      const n = s.n;
      await new Promise((r) => setTimeout(r, 1));
      return { n: n + 1 };
    })));
    expect(await readState("counter", () => ({ n: -1 }))).toEqual({ n: 40 });
  });

  it("serialises read-modify-writes across processes", async () => {
    const script = `import { withState } from ${JSON.stringify(join(import.meta.dirname, "emu/state.ts"))};
for (let i = 0; i < 10; i++) await withState("counter", () => ({ n: 0 }), (s) => ({ n: s.n + 1 }));`;
    const file = join(dir, "inc.mts");
    writeFileSync(file, script);
    const tsx = join(import.meta.dirname, "../../node_modules/tsx/dist/cli.mjs");
    await Promise.all(Array.from({ length: 4 }, () => new Promise<void>((res, rej) => {
      const p = spawn(process.execPath, [tsx, file], { env: { ...process.env, EMU_ROOT: dir }, stdio: "inherit" });
      p.on("exit", (c) => (c === 0 ? res() : rej(new Error(`exit ${c}`))));
    })));
    expect(await readState("counter", () => ({ n: -1 }))).toEqual({ n: 40 });
  });

  it("records running services", async () => {
    expect(await serviceRunning("isakmpd")).toBe(false);
    await setServiceRunning("isakmpd", true, "-K");
    expect(await serviceRunning("isakmpd")).toBe(true);
    await setServiceRunning("isakmpd", false);
    expect(await serviceRunning("isakmpd")).toBe(false);
  });
});

describe("peers", () => {
  let a: EmuRoot;
  let b: EmuRoot;
  beforeEach(() => {
    b = emuRoot("gw2", [["em1", "52:54:00:00:00:02", "internet"]]);
    a = emuRoot("gw1", [["em1", "52:54:00:00:00:01", "internet"]], [{ name: "gw2", dir: b.dir }]);
  });
  afterEach(() => { a.cleanup(); b.cleanup(); });

  it("names the gateway and lists the peers with their live addresses", async () => {
    await b.run("ifconfig", "em1", "inet", "192.0.123.85/24");
    process.env.EMU_ROOT = a.dir;
    try {
      expect(gatewayName()).toBe("gw1");
      const peers = await peerGateways();
      expect(peers.map((p) => [p.name, p.addresses])).toEqual([["gw2", ["192.0.123.85"]]]);
      expect((await interfaces()).map((i) => i.name)).toEqual(["em1", "enc0", "lo0"]);
    } finally {
      delete process.env.EMU_ROOT;
    }
  });
});
