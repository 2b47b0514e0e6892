/**
 * TEST DOUBLE — OpenBSD packages in the pulumi-openbsd lab: the "mirror" pkg_add installs from, the package
 * database (`/var/db/pkg/NAME-VERSION/` with `+CONTENTS` and `+COMMENT`, as pkg_info reads it), and the package
 * daemons that rc.d starts for real (DESIGN.md D9: where a VPN needs a daemon Linux also has, the lab runs the
 * real one). Not OpenBSD: a package here is the Debian program (apt `openvpn`, `tinc`, installed by
 * scripts/setup.sh) made available under its OpenBSD path (`/usr/local/sbin/openvpn` → `/usr/sbin/openvpn`,
 * a symlink in the gateway's own /usr/local/sbin) plus its rc.d script.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rootPath } from "./state";

/** One package of the emulated mirror. */
export interface MirrorPackage {
  stem: string;
  version: string;
  /** `+COMMENT` (what `pkg_info` prints beside the name). */
  comment: string;
  /** Files installed: OpenBSD path → the Debian program it runs. */
  links: Record<string, string>;
  /** The rc.d script the package installs and what it runs (ports' pkg/NAME.rc). */
  rcd?: {
    name: string;
    /** `daemon=` of the rc.d script (what `rcctl check` looks for). */
    daemon: string;
    /** `daemon_flags=` default of the rc.d script (`rcctl getdef NAME flags`). */
    defaultFlags: string;
    /** Arguments that keep the daemon in the foreground (the lab supervises it instead of letting it fork). */
    foreground: string[];
  };
}

/** The emulated mirror (versions are the Debian packages' the lab runs). */
export const MIRROR: Record<string, MirrorPackage> = {
  openvpn: {
    stem: "openvpn",
    version: "2.6.14",
    comment: "easy-to-use, robust and highly configurable VPN",
    links: { "/usr/local/sbin/openvpn": "/usr/sbin/openvpn" },
    // ports net/openvpn pkg/openvpn.rc: daemon="${TRUEPREFIX}/sbin/openvpn --daemon", flags --config /etc/openvpn/server.conf
    rcd: { name: "openvpn", daemon: "/usr/local/sbin/openvpn", defaultFlags: "--config /etc/openvpn/server.conf", foreground: [] },
  },
  tinc: {
    stem: "tinc",
    version: "1.0.36",
    comment: "VPN daemon with full mesh routing",
    links: { "/usr/local/sbin/tincd": "/usr/sbin/tincd" },
    // ports net/tinc pkg/tincd.rc: daemon="${TRUEPREFIX}/sbin/tincd"; -D: do not detach (the lab supervises it)
    rcd: { name: "tincd", daemon: "/usr/local/sbin/tincd", defaultFlags: "", foreground: ["-D"] },
  },
};

const DB = "/var/db/pkg";

/** Full name (`openvpn-2.6.14`) of a mirror package. */
export const fullName = (p: MirrorPackage): string => `${p.stem}-${p.version}`;

/** The mirror package a name given to pkg_add/pkg_delete means: a stem, optionally `--flavor`/`%branch`, or a full name. */
export function lookup(name: string): MirrorPackage | undefined {
  const stem = name.split("%")[0]!.split("--")[0]!;
  const bare = /^(.*?)-\d/.exec(stem)?.[1] ?? stem;
  const p = MIRROR[bare];
  if (!p) return undefined;
  if (bare !== stem && stem !== fullName(p)) return undefined;
  return p;
}

/** Installed packages' full names, sorted (what `pkg_info -q` prints). */
export async function installed(): Promise<string[]> {
  try {
    return (await readdir(rootPath(DB))).filter((d) => !d.startsWith(".")).sort();
  } catch {
    return [];
  }
}

/** The installed package of `p`'s stem, if any. */
export async function installedName(p: MirrorPackage): Promise<string | undefined> {
  return (await installed()).find((n) => (/^(.*?)-\d/.exec(n)?.[1] ?? n) === p.stem);
}

/** The mirror package whose rc.d script is `svc`. */
export function packageDaemon(svc: string): MirrorPackage["rcd"] | undefined {
  return Object.values(MIRROR).find((p) => p.rcd?.name === svc)?.rcd;
}

/** Install `p`: links, rc.d script (a copy of the lab's rc.d wrapper naming it), database entry. Returns an error text. */
export async function install(p: MirrorPackage): Promise<string | undefined> {
  for (const target of Object.values(p.links)) if (!existsSync(target)) return `the lab host has no ${target} (Debian package \`${p.stem}\`: run scripts/setup.sh)`;
  for (const [path, target] of Object.entries(p.links)) {
    await mkdir(rootPath(path.slice(0, path.lastIndexOf("/"))), { recursive: true });
    await rm(rootPath(path), { force: true });
    await symlink(target, rootPath(path));
  }
  const plist = [`@name ${fullName(p)}`, `@comment ${p.comment}`, ...Object.keys(p.links).map((f) => `@bin ${f.replace(/^\/usr\/local\//, "")}`)];
  if (p.rcd) {
    const rc = rootPath(`/etc/rc.d/${p.rcd.name}`);
    // the lab's rc.d scripts are wrappers running the emulator's `rcd NAME`: the package's is the same, naming it
    const template = await readFile(rootPath("/etc/rc.d/cron"), "utf8").catch(() => undefined);
    if (!template) return "the lab gateway has no /etc/rc.d/cron to copy the rc.d wrapper from";
    await writeFile(rc, template.replace(/rc\.d\/cron/g, `rc.d/${p.rcd.name}`).replace(/rcd cron /g, `rcd ${p.rcd.name} `), { mode: 0o555 });
    plist.push(`@rcscript ${`/etc/rc.d/${p.rcd.name}`}`);
  }
  const dir = rootPath(`${DB}/${fullName(p)}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "+CONTENTS"), plist.join("\n") + "\n");
  await writeFile(join(dir, "+COMMENT"), p.comment + "\n");
  return undefined;
}

/** Remove installed package `name` (full name): its files, rc.d script and database entry. */
export async function remove(name: string): Promise<void> {
  const p = lookup(name);
  if (p) {
    for (const path of Object.keys(p.links)) await rm(rootPath(path), { force: true });
    if (p.rcd) await rm(rootPath(`/etc/rc.d/${p.rcd.name}`), { force: true });
  }
  await rm(rootPath(`${DB}/${name}`), { recursive: true, force: true });
}

/**
 * Start a package daemon for real, in the foreground under the emulator (detached from it), its output in
 * /var/log/NAME.log. Waits up to `settleMs` for an early exit (a bad config): then returns the log's
 * last lines as the failure. Otherwise returns its pid.
 */
export async function startDaemon(rcd: NonNullable<MirrorPackage["rcd"]>, flags: string, settleMs = 1500): Promise<{ pid: number } | { error: string }> {
  const log = rootPath(`/var/log/${rcd.name}.log`);
  const fd = openSync(log, "a");
  const argv = [...flags.split(/\s+/).filter(Boolean), ...rcd.foreground];
  const child = spawn(rcd.daemon, argv, { detached: true, stdio: ["ignore", fd, fd], cwd: "/" });
  closeSync(fd);
  const exited = await new Promise<number | null | "error">((resolve) => {
    const t = setTimeout(() => resolve(null), settleMs);
    child.once("exit", (code) => { clearTimeout(t); resolve(code ?? 1); });
    child.once("error", () => { clearTimeout(t); resolve("error"); });
  });
  if (exited !== null || !child.pid) {
    const tail = (await readFile(log, "utf8").catch(() => "")).trimEnd().split("\n").slice(-5).join("\n");
    return { error: `${rcd.daemon} ${argv.join(" ")} exited (${String(exited)})${tail ? `:\n${tail}` : ""}` };
  }
  child.unref();
  return { pid: child.pid };
}

/** Whether process `pid` is alive. */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stop a package daemon (SIGTERM, then SIGKILL after 3 s). */
export async function stopPid(pid: number | undefined): Promise<void> {
  if (!alive(pid)) return;
  try { process.kill(pid!, "SIGTERM"); } catch { return; }
  for (let i = 0; i < 30 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) try { process.kill(pid!, "SIGKILL"); } catch { /* gone */ }
}
