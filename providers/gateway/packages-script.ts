/**
 * Packages in the on-host scripts (sdk/state.ts `packages`): installed with `pkg_add -I NAME` by the stage
 * script before anything is staged (the rc.d scripts they bring must exist for `rcctl`), removed with
 * `pkg_delete -I NAME` when dropped from the state or on destroy — only those the provider installed, which
 * it records, one name a line, in `$D/packages` (a package that was there before is never removed).
 *
 * Decision: a package is not configuration, so it is not rolled back: a commit that fails after `pkg_add`
 * leaves the package installed (and recorded, so destroy removes it); the files, sysctls and services
 * are restored as usual. Names are checked against the package grammar (sdk/model/tokens/package.ts)
 * by the component, the planner and the provider's `check`, and single-quoted here.
 */
import { installedStem, packageParts } from "../../sdk/model/tokens/index";
import { sq } from "./shell";

/** The record of the packages the provider installed. */
export const PACKAGES_RECORD = '"$D/packages"';

/**
 * `pkgin STEM`: whether a package of that stem is installed (pkg_info -q prints `STEM-VERSION[-FLAVOR]`;
 * a stem's words never start with a digit, so `STEM-[0-9]*` is that stem and no longer one).
 */
const PKGIN = 'pkgin() { pkg_info -q 2>/dev/null | { while read -r n; do case "$n" in "$1"-[0-9]*) exit 0 ;; esac; done; exit 1; }; }';

/** Stage script lines: install each missing package and record it. */
export function installLines(packages: readonly string[] | undefined): string[] {
  if (!packages?.length) return [];
  const out = [PKGIN];
  for (const p of packages) {
    const q = sq(p);
    out.push(`pkgin ${sq(packageParts(p).stem)} || { E=$(pkg_add -I ${q} 2>&1) || fail ${sq(`pkg_add -I ${p}`)} "$E"; grep -qxF ${q} ${PACKAGES_RECORD} 2>/dev/null || rec ${q} ${PACKAGES_RECORD}; }`);
  }
  return out;
}

/**
 * Lines removing packages the provider installed: a failing pkg_delete is reported as `@@pkgfail NAME` and
 * its message on stderr, the script goes on, and the package stays recorded (the next destroy retries).
 */
export function removeLines(packages: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of packages) {
    const q = sq(p);
    out.push(
      `if grep -qxF ${q} ${PACKAGES_RECORD} 2>/dev/null; then if E=$(pkg_delete -I ${q} 2>&1); then grep -vxF ${q} ${PACKAGES_RECORD} > "$D/packages.new"; mv -f "$D/packages.new" ${PACKAGES_RECORD}; [ -s ${PACKAGES_RECORD} ] || rm -f ${PACKAGES_RECORD}; else printf '@@pkgfail %s\\n' ${q} >&2; esc "$E" >&2; fi; fi`,
    );
  }
  return out;
}

/** The stems installed, from `pkg_info -q` output (one `STEM-VERSION` per line). */
export function installedStems(pkgInfoQ: string): string[] {
  return pkgInfoQ.split("\n").map((l) => l.trim()).filter(Boolean).map(installedStem);
}
