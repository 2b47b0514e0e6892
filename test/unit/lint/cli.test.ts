import { execFile } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runLint, USAGE, type CliIo } from "../../../sdk/lint";
import { SHARED } from "../../support/shared";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "bin/pulumi-openbsd.mjs");
const run = promisify(execFile);

/** Runs the real CLI (`node bin/pulumi-openbsd.mjs ARGS`) and returns its exit status and output lines. */
async function cli(args: string[], cwd = ROOT): Promise<{ rc: number; out: string[]; err: string[] }> {
  const lines = (s: string) => s.split("\n").filter((l) => l !== "");
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd });
    return { rc: 0, out: lines(r.stdout), err: lines(r.stderr) };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { rc: x.code, out: lines(x.stdout), err: lines(x.stderr) };
  }
}

/** An in-memory CliIo: files by path with a mode. */
function memoryIo(files: Record<string, { text: string; mode?: number }>): CliIo & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return {
    outs,
    errs,
    out: (l) => outs.push(l),
    err: (l) => errs.push(l),
    read: (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
      return f.text;
    },
    mode: (p) => files[p]?.mode,
  };
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "h4-lint-"));
  writeFileSync(join(dir, "iked.conf"), 'ikev2 "e" active esp from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2\n');
  chmodSync(join(dir, "iked.conf"), 0o644);
  writeFileSync(join(dir, "sasyncd.conf"), "interface carp2\n");
  chmodSync(join(dir, "sasyncd.conf"), 0o640);
  writeFileSync(join(dir, "sysctl.conf"), "net.inet.ip.forwarding=1\n");
  chmodSync(join(dir, "sysctl.conf"), 0o644);
});
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

// Each test starts node (and one npx); they are independent (own files in `dir`), so they run
// concurrently: the processes' start-up overlaps instead of adding up. `expect` is the test's own.
describe.concurrent("pulumi-openbsd lint, the real process", { timeout: 60_000 }, () => {
  it("exits 1 and prints `file:line:col: message` for a world-readable iked.conf", async ({ expect }) => {
    const f = join(dir, "iked.conf");
    const r = await cli(["lint", f]);
    expect(r.rc).toBe(1);
    expect(r.out[0]).toBe(`${f}:1:1: group writable or world read/writable (mode 0644); iked refuses the file: chmod 0600 ${f}`);
  });

  it("exits 1 for a sasyncd.conf with group bits, with sasyncd's message", async ({ expect }) => {
    const f = join(dir, "sasyncd.conf");
    const r = await cli(["lint", "--kind", "sasyncd", f]);
    expect(r.rc).toBe(1);
    expect(r.out[0]).toBe(`${f}:1:1: configuration file has bad owner, type or mode (mode 0640); sasyncd refuses the file: make it a regular file, chmod 0600 ${f}`);
  });

  it("golden cases through the CLI: err-undefined-macro and err-ah-enc exit 1 at OpenBSD's line; guide-gw1 exits 0", async ({ expect }) => {
    const copy = (tool: string, name: string): string => {
      const f = join(dir, `${name}.conf`);
      writeFileSync(f, readFileSync(`${SHARED}/golden/${tool}/${name}.conf`));
      chmodSync(f, 0o600);
      return f;
    };
    const macro = copy("pfctl", "err-undefined-macro");
    const ah = copy("ipsecctl", "err-ah-enc");
    const gw1 = copy("ipsecctl", "guide-gw1");
    const [r1, r2, r3] = await Promise.all([cli(["lint", "--kind", "pf", macro]), cli(["lint", "--kind", "ipsec", ah]), cli(["lint", "--kind=ipsec.conf", gw1])]);
    expect(r1.rc).toBe(1);
    expect(r1.out[0]).toMatch(new RegExp(`^${macro.replace(/[.]/g, "\\.")}:1:[0-9]+: `));
    expect(r2.rc).toBe(1);
    expect(r2.out.length).toBeGreaterThan(0);
    expect(r3).toEqual({ rc: 0, out: [], err: [] });
  });

  it("stops a path that never ends (/dev/zero) at 64 MiB with exit 2, and still lints the other files", async ({ expect }) => {
    const r = await cli(["lint", "--kind", "sysctl", "/dev/zero", join(dir, "sysctl.conf")]);
    expect(r.rc).toBe(2);
    expect(r.err).toEqual(["pulumi-openbsd lint: /dev/zero: cannot read (larger than 64 MiB: not a configuration file)"]);
    expect(r.out).toEqual([]);
  });

  it("reads a pipe to its end: process substitution and standard input", async ({ expect }) => {
    const sh = (line: string) => run("bash", ["-c", line], { cwd: ROOT }).then((x) => x.stdout, (e: { code: number; stdout: string }) => `rc ${e.code}: ${e.stdout}`);
    const [sub, stdin] = await Promise.all([
      sh(`'${process.execPath}' '${BIN}' lint --kind pf <(printf 'pass in on em0 proto tcp to port 22\\nblock in quick on em0 from no-route\\n') && echo ok`),
      sh(`printf 'pass out\\npass in on\\n' | '${process.execPath}' '${BIN}' lint --kind pf -`),
    ]);
    expect(sub).toBe("ok\n");
    expect(stdin).toBe("rc 1: <stdin>:2:11: syntax error: unexpected end of line\n");
  });

  it("exits 2 with the usage text when no file is given", async ({ expect }) => {
    const r = await cli(["lint"]);
    expect(r.rc).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual(["pulumi-openbsd lint: no FILE given", ...USAGE.split("\n")]);
  });

  it("exits 2 for an unknown kind and an unknown subcommand", async ({ expect }) => {
    const [k, r] = await Promise.all([cli(["lint", "--kind", "ike", "x"]), cli(["frob"])]);
    expect(k.err[0]).toBe("pulumi-openbsd lint: --kind: unknown kind `ike`; one of ipsec, iked, pf, hostname, sasyncd, sysctl, rcconf");
    expect([r.rc, r.err[0]]).toEqual([2, "pulumi-openbsd: unknown subcommand `frob`; one of lint"]);
  });

  it("prints its version for --version and -V", async ({ expect }) => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    const [a, b] = await Promise.all([cli(["--version"]), cli(["-V"])]);
    expect(a).toEqual({ rc: 0, out: [`pulumi-openbsd ${version}`], err: [] });
    expect(b).toEqual(a);
  });

  it("runs from a folder whose path has a space and a non-ASCII letter, as npm installs it under /home/José/My Projects", async ({ expect }) => {
    // the package's layout (bin/, dist/, package.json) under such a folder: the program's own path was taken from its
    // file: URL (`/My%20Projects/`), so it looked for a folder that does not exist
    const pkg = join(dir, "My Projects José", "node_modules", "pulumi-openbsd");
    mkdirSync(pkg, { recursive: true });
    cpSync(join(ROOT, "bin"), join(pkg, "bin"), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(pkg, "package.json"));
    symlinkSync(join(ROOT, "dist"), join(pkg, "dist"));
    const f = join(dir, "iked.conf");
    const r = await run(process.execPath, [join(pkg, "bin", "pulumi-openbsd.mjs"), "lint", f]).then(
      (x) => ({ rc: 0, stdout: x.stdout, stderr: x.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ rc: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    expect(r).toEqual({ rc: 1, stdout: `${f}:1:1: group writable or world read/writable (mode 0644); iked refuses the file: chmod 0600 ${f}\n`, stderr: "" });
  });

  it("works as `npx pulumi-openbsd lint FILE` from the repository root", async ({ expect }) => {
    const f = join(dir, "iked.conf");
    let rc = 0;
    let stdout = "";
    try {
      stdout = (await run("npx", ["--no-install", "pulumi-openbsd", "lint", f], { cwd: ROOT })).stdout;
    } catch (e) {
      rc = (e as { code: number }).code;
      stdout = (e as { stdout: string }).stdout;
    }
    expect(rc).toBe(1);
    expect(stdout.split("\n")[0]).toBe(`${f}:1:1: group writable or world read/writable (mode 0644); iked refuses the file: chmod 0600 ${f}`);
  });
});

describe("runLint in process", () => {
  it("prints every diagnostic of every file and exits 1 when any is an error", () => {
    const io = memoryIo({ "/etc/ipsec.conf": { text: "", mode: 0o100604 }, "/etc/iked.conf": { text: "", mode: 0o100600 } });
    expect(runLint(["/etc/ipsec.conf", "/etc/iked.conf"], io)).toBe(1);
    expect(io.outs[0]).toBe("/etc/ipsec.conf:1:1: group writable or world read/writable (mode 0604); ipsecctl refuses the file: chmod 0600 /etc/ipsec.conf");
    expect(io.errs).toEqual([]);
  });

  it("prints a file's control characters escaped: a CR, a NUL or an escape sequence never reaches the terminal raw", () => {
    const io = memoryIo({
      "iked.conf": { text: 'ikev2 "x" esp from 10.0.0.1 to 10.1.0.0/16 peer 192.0.2.1\r\n\0\n', mode: 0o100600 },
      "pf.conf": { text: 'pass in on em0 label "\x1b[2J\x1b[31mOK"\r\n' },
    });
    expect(runLint(["iked.conf", "pf.conf"], io)).toBe(1);
    expect(io.outs).toEqual([
      "iked.conf:1:58: syntax error: unexpected `\\r`; expected a token that may follow an address",
      "iked.conf:2:1: syntax error: unexpected `\\0`; expected ikev2, set, user or a macro definition",
      "pf.conf:1:35: syntax error: unexpected `\\r`",
    ]);
  });

  it("exits 0 when there are only warnings", () => {
    const io = memoryIo({ "/etc/hostname.em0": { text: "up\n", mode: 0o100644 } });
    expect(runLint(["/etc/hostname.em0"], io)).toBe(0);
    expect(io.outs[0]).toBe("/etc/hostname.em0:1:1: warning: world-accessible hostname.if (mode 0644); netstart fixes it with a WARNING at every run: chmod 0640 /etc/hostname.em0");
  });

  it("accepts --kind=K, `--` and `-` for standard input", () => {
    const io = memoryIo({ "-": { text: "# nothing\n" }, "--weird": { text: "# nothing\n", mode: 0o600 } });
    expect(runLint(["--kind=ipsec", "-", "--", "--weird"], io)).toBe(0);
    expect(io.errs).toEqual([]);
  });

  it("refuses `-` without --kind and names without a kind (exit 2)", () => {
    const io = memoryIo({});
    expect(runLint(["-"], io)).toBe(2);
    expect(io.errs[0]).toBe("pulumi-openbsd lint: reading standard input (-) needs --kind");
    const io2 = memoryIo({});
    expect(runLint(["notes.txt"], io2)).toBe(2);
    expect(io2.errs[0]).toBe("pulumi-openbsd lint: notes.txt: cannot tell the kind of file from its name; pass --kind, one of ipsec, iked, pf, hostname, sasyncd, sysctl, rcconf");
  });

  it("follows ipsec.conf `include` through the I/O reader", () => {
    const io = memoryIo({ "/etc/ipsec.conf": { text: 'include "/etc/ipsec.d/tunnels.conf"\n', mode: 0o100600 } });
    expect(runLint(["/etc/ipsec.conf"], io)).toBe(1);
    expect(io.outs.join("\n")).toContain("failed to include file /etc/ipsec.d/tunnels.conf");
    const withInclude = { ...memoryIo({ "/etc/ipsec.conf": { text: 'include "/etc/ipsec.d/tunnels.conf"\n', mode: 0o100600 } }), include: (p: string) => (p === "/etc/ipsec.d/tunnels.conf" ? "flow esp from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2\n" : undefined) };
    expect(runLint(["/etc/ipsec.conf"], withInclude)).toBe(0);
    expect(withInclude.outs).toEqual([]);
  });

  it("exits 2 for an unreadable file and still lints the others", () => {
    const io = memoryIo({ "/etc/iked.conf": { text: "", mode: 0o100644 } });
    expect(runLint(["/etc/missing/ipsec.conf", "/etc/iked.conf"], io)).toBe(2);
    expect(io.errs).toEqual(["pulumi-openbsd lint: /etc/missing/ipsec.conf: cannot read (ENOENT)"]);
    expect(io.outs[0]).toMatch(/^\/etc\/iked\.conf:1:1: group writable/);
  });

  it("prints the usage for --help and exits 0; unknown options exit 2", () => {
    const io = memoryIo({});
    expect(runCli(["lint", "--help"], io)).toBe(0);
    expect(io.outs).toEqual([USAGE]);
    const io2 = memoryIo({});
    expect(runCli(["lint", "--fix", "x"], io2)).toBe(2);
    expect(io2.errs[0]).toBe("pulumi-openbsd lint: unknown option `--fix`");
  });
});
