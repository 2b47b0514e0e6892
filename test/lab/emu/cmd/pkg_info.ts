/**
 * TEST DOUBLE — OpenBSD pkg_info(1) emulated for the pulumi-openbsd lab, from the package database
 * (/var/db/pkg, emu/packages.ts). Without names: every installed package, `NAME` padded to 20 columns then
 * its comment (OpenBSD::PkgInfo print_info with -I), or the bare names with `-q`. `-e NAME` (a stem or
 * `STEM-*`): exit 0 and print the installed name when installed, else exit 1. With names: the comment.
 */
import type { Command } from "../command";
import { installed, lookup } from "../packages";
import { readFile } from "node:fs/promises";
import { rootPath } from "../state";

const comment = async (n: string) => (await readFile(rootPath(`/var/db/pkg/${n}/+COMMENT`), "utf8").catch(() => "")).trim();
const stemOf = (n: string) => /^(.*?)-\d/.exec(n)?.[1] ?? n;

const pkgInfo: Command = async (io) => {
  let quiet = false;
  const names: string[] = [];
  const exists: string[] = [];
  const argv = [...io.argv];
  while (argv.length) {
    const a = argv.shift()!;
    if (a === "-e") exists.push(argv.shift() ?? "");
    else if (/^-[qIam]+$/.test(a)) quiet ||= a.includes("q");
    else if (a.startsWith("-")) {
      io.err("usage: pkg_info [-AaCcdfIKLMmPqRSstUvz] [-D nolock][-E filename] [-e pkg-name] [-l str] [-Q query] [-r pkgspec] [pkg-name ...]\n");
      return 1;
    } else names.push(a);
  }
  const all = await installed();
  if (exists.length) {
    let status = 0;
    for (const e of exists) {
      const stem = e.replace(/-\*$/, "");
      const hit = all.filter((n) => n === e || stemOf(n) === stem);
      if (!hit.length) status = 1;
      for (const h of hit) io.out(`${h}\n`);
    }
    return status;
  }
  if (!names.length) {
    for (const n of all) io.out(quiet ? `${n}\n` : `${n}${" ".repeat(Math.max(1, 20 - n.length))}${await comment(n)}\n`);
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const hit = all.find((i) => i === n || stemOf(i) === (lookup(n)?.stem ?? n));
    if (!hit) {
      io.err(`pkg_info: Can't find ${n}\n`);
      status = 1;
      continue;
    }
    io.out(quiet ? `${await comment(hit)}\n` : `Information for inst:${hit}\n\nComment:\n${await comment(hit)}\n\n`);
  }
  return status;
};

export default pkgInfo;
