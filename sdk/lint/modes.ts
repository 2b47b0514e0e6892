/**
 * File-mode checks the OpenBSD daemons enforce on their configuration files (reference/openbsd.md C.1):
 *
 * - ipsecctl and iked (`check_file_secrecy`): no group-write, group-exec or any "other" bit
 *   (mask 0037), else `FILE: group writable or world read/writable` and the file is refused, even
 *   with `-n` (golden iked c09).
 * - sasyncd (`conf_parse_file`): a regular file with no group or other bit (mask 0077), else
 *   `configuration file has bad owner, type or mode`.
 * - netstart fixes world-accessible hostname.if files itself (o-rwx) with a WARNING: reported as a warning.
 *
 * Owners cannot be judged from a mode, so they are not checked here.
 */
import type { Diagnostic } from "../model/diagnostics";
import type { LintKind } from "./kinds";

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** Formats permission bits as OpenBSD's chmod does, e.g. `0644`. */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/**
 * Checks `mode` (permission bits, or a full `st_mode` including the file type) of a file of `kind`.
 * Returns diagnostics at line 1, column 1, since the tools refuse the whole file.
 */
export function checkMode(kind: LintKind, file: string, mode: number): Diagnostic[] {
  const perms = mode & 0o7777;
  const at = (message: string, severity: Diagnostic["severity"] = "error"): Diagnostic[] => [{ file, line: 1, column: 1, message, severity }];
  switch (kind) {
    case "ipsec":
    case "iked": {
      if ((perms & 0o037) === 0) return [];
      const tool = kind === "ipsec" ? "ipsecctl" : "iked";
      return at(`group writable or world read/writable (mode ${octal(perms)}); ${tool} refuses the file: chmod 0600 ${file}`);
    }
    case "sasyncd": {
      const type = mode & S_IFMT;
      if ((perms & 0o077) === 0 && (type === 0 || type === S_IFREG)) return [];
      const what = type !== 0 && type !== S_IFREG ? "not a regular file" : `mode ${octal(perms)}`;
      return at(`configuration file has bad owner, type or mode (${what}); sasyncd refuses the file: make it a regular file, chmod 0600 ${file}`);
    }
    case "hostname":
      if ((perms & 0o007) === 0) return [];
      return at(`world-accessible hostname.if (mode ${octal(perms)}); netstart fixes it with a WARNING at every run: chmod 0640 ${file}`, "warning");
    case "pf":
    case "sysctl":
    case "rcconf":
      return [];
  }
}
