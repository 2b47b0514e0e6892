/**
 * The read script run for real by the shells at hand (dash, Debian's /bin/sh; mksh, the lab gateways' /bin/sh and ksh, of the pdksh family OpenBSD's
 * ksh belongs to, when installed) over real files: every file's bytes, mode and absence come back exactly, across
 * more files than one `cat` takes and more than ksh's here-document limit; a NUL byte the shell drops is drift.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classify, parseReadOutput, readScript, type LiveState } from "../../../providers/gateway/read-script";
import type { HostState, ManagedFile } from "../../../sdk/state";

const dir = mkdtempSync(join(tmpdir(), "read-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** name → content (undefined: missing) and mode. */
const FILES: Record<string, { content?: string; mode?: number }> = {
  a: { content: "pass\n" },
  b: { content: "no final newline", mode: 0o640 },
  c: {},
  d: { content: "\n\n" },
  e: { content: "" },
  f: { content: "x\0y\n" },
  g: { content: "@@ end\n==> g <==\n" },
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`h${i}`, { content: `file ${i}\n`, mode: 0o600 }])),
  i: {},
};
for (const [n, f] of Object.entries(FILES)) {
  if (f.content === undefined) continue;
  writeFileSync(join(dir, n), f.content);
  chmodSync(join(dir, n), f.mode ?? 0o644);
}

const want = (f: { content?: string; mode?: number }): ManagedFile => ({ content: f.content ?? "", mode: `0${(f.mode ?? 0o644).toString(8)}`, owner: "", group: "", check: "none" });
const desired: HostState = {
  files: Object.fromEntries(Object.entries(FILES).map(([n, f]) => [join(dir, n), want(f)])),
  sysctls: {}, services: {}, interfaces: [], anchors: {}, ipsec: { daemon: "none" },
} as HostState;

const shells = ["dash", "mksh"].filter((s) => existsSync(`/bin/${s}`) || existsSync(`/usr/bin/${s}`));

describe.each(shells)("the read script under %s", (shell) => {
  const script = readScript(desired, "0123abcd");
  const live = parseReadOutput(execFileSync(shell, ["-s"], { input: script, encoding: "utf8" }), "0123abcd") as LiveState;

  it("stays within ksh's 10 here-documents", () => {
    expect((script.match(/<<'/g) ?? []).length).toBe(10);
  });
  // a pdksh-family shell writes each heredoc to a temporary file: on a host whose disk is full the batched `cat`s
  // cannot run, and the read must still come back whole (each chunk falls back to one `cat` per file)
  if (shell === "mksh" && process.getuid?.() === 0) it("reads the same when the shell cannot write its heredocs (a full disk)", () => {
    const full = join(dir, "full");
    mkdirSync(full);
    const r = spawnSync("unshare", ["-m", "sh", "-c", `mount -t tmpfs -o size=16k tmpfs ${full} && { dd if=/dev/zero of=${full}/fill bs=4k 2>/dev/null; printf 'cat <<E\\nx\\nE\\n' | TMPDIR=${full} ${shell} -s >/dev/null 2>&1 || echo "no heredocs" >&2; TMPDIR=${full} ${shell} -s; }`], { input: script, encoding: "utf8" });
    expect(r.stderr).toBe("no heredocs\n");
    const again = parseReadOutput(r.stdout, "0123abcd") as LiveState;
    expect(again.files).toEqual(live.files);
  });
  it("keeps the heredoc count", () => {
    expect((script.match(/<<'/g) ?? []).length).toBe(10);
  });
  it("reads every file's bytes and mode, and which are missing", () => {
    for (const [n, f] of Object.entries(FILES)) {
      const got = live.files[join(dir, n)];
      if (f.content === undefined) expect(got, n).toBeNull();
      else if (n !== "f") expect([got?.content, got?.mode, got?.bytes], n).toEqual([f.content, want(f).mode, Buffer.byteLength(f.content)]);
    }
  });
  it("a file with a NUL byte is drifted although the rest of it reads the same", () => {
    const owners = Object.fromEntries(Object.entries(live.files).flatMap(([p, f]) => (f ? [[p, f.owner]] : [])));
    const d = { ...desired, files: Object.fromEntries(Object.entries(desired.files).map(([p, f]) => [p, { ...f, owner: owners[p] ?? "", group: live.files[p]?.group ?? "" }])) };
    d.files[join(dir, "f")]!.content = "xy\n";
    const drift = classify(d, live).drift;
    expect(live.files[join(dir, "f")]?.content).toBe("xy\n");
    expect(drift[`files["${join(dir, "f")}"]`]).toBe("file drifted");
    expect(drift[`files["${join(dir, "a")}"]`]).toBe("in sync");
    expect(drift[`files["${join(dir, "h8")}"]`]).toBe("in sync");
  });
});
