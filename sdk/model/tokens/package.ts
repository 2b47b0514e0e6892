/**
 * The name of a package given to pkg_add(1), pkg_info(1) and pkg_delete(1) (packages-specs(7),
 * OpenBSD::PackageName): a *stem* (`openvpn`, `tinc`, `p5-Net-DNS`), optionally a flavor (`--` then
 * flavor words joined by `-`, e.g. `vim--no_x11`) and a branch (`%3.11`, e.g. `python%3.11`). A full name
 * with a version (`openvpn-2.6.12`) is refused: the provider installs what the mirror has and finds the
 * installed package again by its stem (pkg_info prints `STEM-VERSION`), and a version would stop the next
 * `pkg_add -u` from updating it. The name reaches a shell command line on the gateway, so only the
 * characters of that grammar are accepted, and never a leading `-` (an option).
 */
import { aString, Refusal, refuseUnsafe, type TokenRule } from "./refusal";

/** A stem's words: the first starts with a letter or digit; later ones (after `-`) do not start with a digit (that would be a version). */
const STEM = /^[A-Za-z0-9][A-Za-z0-9_+.]*(-[A-Za-z_+.][A-Za-z0-9_+.]*)*$/;
const FLAVOR = /^[a-z0-9_]*(-[a-z0-9_]+)*$/;
const BRANCH = /^[A-Za-z0-9._]+$/;

/** The parts of a package name: stem, flavor (may be empty) and branch. */
export interface PackageNameParts {
  stem: string;
  flavor?: string;
  branch?: string;
}

/** Splits a package name accepted by {@link packageName} into stem, flavor and branch. */
export function packageParts(name: string): PackageNameParts {
  const [main, branch] = name.split("%", 2) as [string, string | undefined];
  const at = main.indexOf("--");
  const stem = at < 0 ? main : main.slice(0, at);
  return { stem, ...(at >= 0 ? { flavor: main.slice(at + 2) } : {}), ...(branch !== undefined ? { branch } : {}) };
}

/** The stem of an installed package's full name as pkg_info prints it (`openvpn-2.6.12` → `openvpn`; OpenBSD::PackageName::splitstem). */
export function installedStem(fullName: string): string {
  const m = /^(.*?)-\d/.exec(fullName);
  return m ? m[1]! : fullName;
}

export const packageName: TokenRule = (v) => {
  const s = aString(v, "a package name", "openvpn");
  refuseUnsafe(s, "the pkg_add command line", "give the package's name as `pkg_info -Q NAME` lists it, e.g. `openvpn`");
  const fix = "give the package's stem as pkg_add takes it, e.g. `openvpn`, `tinc`, `vim--no_x11` or `python%3.11`";
  if (s.length > 100) throw new Refusal("longer than 100 characters", fix);
  if (s.startsWith("-")) throw new Refusal("starts with `-` (pkg_add would read it as an option)", fix);
  const { stem, flavor, branch } = packageParts(s);
  if (!STEM.test(stem)) {
    if (/-\d/.test(stem)) throw new Refusal("holds a version (`-` followed by a digit): the provider installs a package by its stem", `drop the version, e.g. \`${stem.replace(/-\d.*$/, "")}\``);
    throw new Refusal("not a package stem (letters, digits and `_+.`, words joined by `-`)", fix);
  }
  if (flavor !== undefined && !FLAVOR.test(flavor)) throw new Refusal("not a flavor after `--` (lower-case letters, digits and `_`, joined by `-`)", fix);
  if (branch !== undefined && !BRANCH.test(branch)) throw new Refusal("not a branch after `%` (letters, digits, `.` and `_`)", fix);
  return s;
};
