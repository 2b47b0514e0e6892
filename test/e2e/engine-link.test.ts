/**
 * scripts/engine.sh puts the engine where the language host stand-in sits (.tools/bin) so that `pulumi` finds it
 * beside its own resolved path. When the checkout is on another file system than the engine cache (a tmpfs /tmp,
 * the cache under $HOME) a hard link is impossible; a symlink into the cache made every program run warn "using
 * pulumi-language-nodejs from $PATH" (user-folder's previews failed on it in a checkout under /dev/shm). The engine
 * is then copied, and copied again only when the build changes.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/env";

const CACHE = path.join(process.env.PULUMI_OPENBSD_CACHE ?? path.join(process.env.HOME ?? "/root", ".cache", "pulumi-openbsd"), "engine");
const VERSION = readFileSync(path.join(ROOT, "scripts", "engine.sh"), "utf8").match(/^DEFAULT_PULUMI_VERSION=(\S+)$/m)![1]!;
const cached = path.join(CACHE, `v${VERSION}`, "bin", "pulumi");
// /dev/shm is a tmpfs on Linux: another file system than the cache's
const other = mkdtempSync("/dev/shm/pob-engine-link-");
const sameFs = mkdtempSync(path.join(CACHE, "..", "engine-link-"));

afterAll(() => {
  rmSync(other, { recursive: true, force: true });
  rmSync(sameFs, { recursive: true, force: true });
});

/** Runs engine.sh linking into `bin`, with no other `pulumi` on PATH (so the cached build is what it links). */
function link(bin: string): string {
  return execFileSync("bash", [path.join(ROOT, "scripts", "engine.sh")], {
    cwd: ROOT,
    env: { ...process.env, PATH: "/usr/local/bin:/usr/bin:/bin", PULUMI_OPENBSD_TOOLS_BIN: bin },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("scripts/engine.sh: the engine resolves to the folder of the language host stand-in", () => {
  it("the cache and /dev/shm are on different file systems (what the next case needs)", () => {
    expect(statSync(cached).dev).not.toBe(statSync(other).dev);
  });

  it("across file systems: a copy in the folder, not a symlink into the cache, made once per build", () => {
    const bin = path.join(other, "bin");
    expect(link(bin).trim()).toBe(`v${VERSION}`);
    const engine = path.join(bin, "pulumi");
    expect(lstatSync(engine).isSymbolicLink()).toBe(false);
    expect(path.dirname(realpathSync(engine))).toBe(bin);
    expect(statSync(engine).size).toBe(statSync(cached).size);
    const first = statSync(engine);
    link(bin);
    const again = statSync(engine);
    expect([again.ino, again.mtimeMs]).toEqual([first.ino, first.mtimeMs]);
  });

  it("on the cache's file system: a hard link to the cached build", () => {
    const bin = path.join(sameFs, "bin");
    link(bin);
    const engine = path.join(bin, "pulumi");
    expect(lstatSync(engine).isSymbolicLink()).toBe(false);
    expect(statSync(engine).ino).toBe(statSync(cached).ino);
  });
});
