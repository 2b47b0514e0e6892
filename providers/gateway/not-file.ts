import { sq } from "./shell";

/**
 * A managed path that exists but is no regular file (a directory, a named pipe, a device, a link to one) stops the
 * commit before anything is staged (`@@notfile` and its `ls -ld` line, exit 1): it is never read, copied or replaced —
 * a named pipe would block the commit for good, a link to /dev/zero would fill the disk with its baseline copy.
 */
export function notFileLines(paths: readonly string[]): string[] {
  return [...new Set(paths)].sort().map((p) => `if [ -e ${sq(p)} ] && [ ! -f ${sq(p)} ]; then printf '@@notfile %s\\n' "$(ls -ld ${sq(p)} 2>&1)" >&2; exit 1; fi`);
}
