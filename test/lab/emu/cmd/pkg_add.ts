/**
 * TEST DOUBLE — OpenBSD pkg_add(1) emulated for the pulumi-openbsd lab: installs a package of the lab's mirror
 * (emu/packages.ts: the Debian program under its OpenBSD path, its rc.d script, the /var/db/pkg entry).
 * `-I` (non-interactive), `-v`, `-x` accepted; a package already installed is left alone; an unknown one is
 * `Can't find NAME` and exit 1, as pkg_add says it.
 */
import type { Command } from "../command";
import { fullName, install, installedName, lookup } from "../packages";

const pkgAdd: Command = async (io) => {
  const names: string[] = [];
  for (const a of io.argv) {
    if (/^-[Ivxnm]+$/.test(a)) continue;
    if (a.startsWith("-")) {
      io.err(`usage: pkg_add [-acIinqrsUuVvxz] [-B pkg-destdir] [-D name[=value]] [-L localbase] [-l file] [-P type] pkg-name ...\n`);
      return 1;
    }
    names.push(a);
  }
  if (!names.length) {
    io.err("usage: pkg_add [-acIinqrsUuVvxz] [-B pkg-destdir] [-D name[=value]] [-L localbase] [-l file] [-P type] pkg-name ...\n");
    return 1;
  }
  let status = 0;
  const rcs: string[] = [];
  for (const n of names) {
    const p = lookup(n);
    if (!p) {
      io.err(`Can't find ${n}\n`);
      status = 1;
      continue;
    }
    if (await installedName(p)) continue;
    const e = await install(p);
    if (e) {
      io.err(`pkg_add: ${fullName(p)}: ${e}\n`);
      status = 1;
      continue;
    }
    io.out(`${fullName(p)}: ok\n`);
    if (p.rcd) rcs.push(`/etc/rc.d/${p.rcd.name}`);
  }
  if (rcs.length) io.out(`The following new rcscripts were installed: ${rcs.join(" ")}\nSee rcctl(8) for details.\n`);
  return status;
};

export default pkgAdd;
