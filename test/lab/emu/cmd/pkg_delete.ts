/**
 * TEST DOUBLE — OpenBSD pkg_delete(1) emulated for the pulumi-openbsd lab: removes an installed package (its
 * files, rc.d script and /var/db/pkg entry; emu/packages.ts). Like pkg_delete, a running daemon is not stopped.
 * A name not installed is `pkg_delete: NAME: not installed` … exit 1.
 */
import type { Command } from "../command";
import { installed, remove } from "../packages";

const stemOf = (n: string) => /^(.*?)-\d/.exec(n)?.[1] ?? n;

const pkgDelete: Command = async (io) => {
  const names = io.argv.filter((a) => !/^-[Iivxnqc]+$/.test(a));
  if (!names.length || names.some((n) => n.startsWith("-"))) {
    io.err("usage: pkg_delete [-acIinqsVvX] [-B pkg-destdir] [-D name[=value]] [pkg-name ...]\n");
    return 1;
  }
  const all = await installed();
  let status = 0;
  for (const n of names) {
    const stem = n.split("%")[0]!.split("--")[0]!;
    const hit = all.find((i) => i === n || stemOf(i) === stem);
    if (!hit) {
      io.err(`pkg_delete: ${n}: not installed\n`);
      status = 1;
      continue;
    }
    await remove(hit);
    io.out(`${hit}: ok\n`);
  }
  return status;
};

export default pkgDelete;
