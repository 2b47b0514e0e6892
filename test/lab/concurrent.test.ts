// Labs brought up at the same time by different processes: each gets its own management /24 (reserved under a lock
// across processes), and ssh with the recorded host key pinned reaches that lab's own gateway. A prefix whose lab is
// alive is refused; a lab whose owner died is collected by the next labUp.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { labDown, labUp, type Lab } from "./api";
import { procStart } from "./reserve";
import { run } from "./sh";
import { sshConnect } from "./helpers/ssh";

const repo = join(import.meta.dirname, "../..");
const tsx = join(repo, "node_modules/tsx/dist/esm/index.mjs");

interface Rec extends Lab { created: string; mgmtNet: number; ownerPid: number; netns: string[]; rootLinks: string[]; pids: number[]; nsFiles: string[]; dirs: string[] }
const record = (id: string) => JSON.parse(readFileSync(join(repo, ".state/lab", `${id}.json`), "utf8")) as Rec;

/** Run a lab script in a separate node process; resolves with its stdout, rejects with its stderr. */
async function child(script: string, ...args: string[]): Promise<string> {
  const r = await run([process.execPath, "--import", tsx, join(import.meta.dirname, script), ...args]);
  if (r.code !== 0) throw new Error(`${script} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Everything the record names is gone: namespaces, root links, processes, namespace files, directories, record. */
async function expectGone(rec: Rec): Promise<void> {
  const netns = (await run(["ip", "netns", "list"])).stdout;
  for (const n of rec.netns) expect(netns).not.toMatch(new RegExp(`^${n}\\b`, "m"));
  const links = (await run(["ip", "-o", "link"])).stdout;
  for (const l of rec.rootLinks) expect(links).not.toContain(` ${l}@`);
  // (zombies count as gone: the sshds of a lab made by another process are reparented to a PID 1 that may not reap)
  for (const p of rec.pids) expect(procStart(p)).toBeUndefined();
  const mounts = readFileSync("/proc/self/mountinfo", "utf8");
  for (const f of rec.nsFiles) expect(mounts).not.toContain(f);
  for (const d of rec.dirs) expect(existsSync(d)).toBe(false);
  expect(existsSync(rec.stateFile)).toBe(false);
}

describe("concurrent labs", () => {
  afterAll(async () => {
    for (const id of ["t7a", "t7b", "t7c", "t7s"]) await labDown(id);
  });

  it("get distinct management networks across processes, and ssh reaches each lab's own gateways", async () => {
    // two other processes (the CLI) and this one, all at once, each pausing 1 s between choosing its /24 and
    // recording it: without the lock they would all choose the same one
    process.env.LAB_RESERVE_HOLD_MS = "1000";
    await Promise.all([
      child("cli.ts", "up", "gif", "--prefix", "t7a"),
      child("cli.ts", "up", "gif", "--prefix", "t7b"),
      labUp("gif", { prefix: "t7c", quiet: true }),
    ]);
    delete process.env.LAB_RESERVE_HOLD_MS;
    const recs = ["t7a", "t7b", "t7c"].map(record);
    expect(new Set(recs.map((r) => r.mgmtNet)).size).toBe(3);
    for (const r of recs) {
      expect(r.ownerPid === process.pid).toBe(r.id === "t7c");
      for (const g of Object.values(r.gateways)) {
        expect(g.host).toMatch(new RegExp(`^169\\.254\\.${r.mgmtNet}\\.\\d+$`));
        // the recorded host key is this gateway's own, and pinning it reaches this lab's gateway of that name
        expect(readFileSync(join(g.root, "etc/ssh/ssh_host_ed25519_key.pub"), "utf8")).toMatch(new RegExp(`^${g.hostKey.replace(/[+/]/g, "\\$&")} `));
        const s = await sshConnect(g);
        const who = await s.exec("hostname; cat /var/emu/lab.json");
        s.end();
        expect(who.code).toBe(0);
        expect(who.stdout.split("\n")[0]).toBe(g.name);
        expect(JSON.parse(who.stdout.split("\n")[1]!)).toMatchObject({ name: g.name, lab: r.id, netns: `${r.id}-${g.name}` });
      }
    }
    // the same gateway name in another lab has another key: pinning it there is refused
    await expect(sshConnect({ ...recs[0]!.gateways.alice!, hostKey: recs[1]!.gateways.alice!.hostKey })).rejects.toThrow(/verification failed/i);

    // a running lab's prefix is refused, whether made by this process or by the CLI (whose process has exited)
    await expect(labUp("gif", { prefix: "t7c" })).rejects.toThrow(
      `lab prefix \`t7c\`: already in use by a running lab (gif, made by pid ${process.pid} (this process) at ${recs[2]!.created}); choose another prefix, or take it down first with labDown("t7c") or \`npm run lab:down -- t7c\``,
    );
    await expect(labUp("site-to-site", { prefix: "t7a" })).rejects.toThrow(`lab prefix \`t7a\`: already in use by a running lab (gif, made by \`npm run lab:up\` at ${recs[0]!.created})`);
    expect(record("t7a").mgmtNet).toBe(recs[0]!.mgmtNet);

    await Promise.all(["t7a", "t7b", "t7c"].map((id) => labDown(id)));
    for (const r of recs) await expectGone(r);
  });

  it("collects a lab whose owner process is gone on the next labUp, and reuses its prefix", async () => {
    await child("helpers/up-and-exit.ts", "gif", "t7s");
    const stale = record("t7s");
    expect(procStart(stale.ownerPid)).toBeUndefined();
    expect(stale.pids.some((p) => procStart(p) !== undefined)).toBe(true);
    const lab = await labUp("gif", { prefix: "t7s", quiet: true });
    const fresh = record("t7s");
    expect(fresh.ownerPid).toBe(process.pid);
    expect(lab.gateways.alice!.hostKey).not.toBe(stale.gateways.alice!.hostKey);
    for (const p of stale.pids) expect(procStart(p)).toBeUndefined();
    const s = await sshConnect(lab.gateways.bob!);
    expect((await s.exec("hostname")).stdout).toBe("bob\n");
    s.end();
    await labDown(lab);
    await expectGone(fresh);
  });
});
