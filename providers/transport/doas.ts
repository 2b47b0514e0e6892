/**
 * A login user other than root runs every script as `doas -n /bin/sh -s` (doas(1): `-n`, never ask for a
 * password — there is no terminal). When doas itself refuses, nothing ran: the only output is doas's own one line
 * on stderr and its exit status 1. That is told apart here and explained with the fix, as doas.conf(5) writes it.
 */

/** doas's refusals, as OpenBSD's doas.c prints them (OpenDoas prints the same). */
const REFUSAL = /^doas: (Authentication required|Operation not permitted|doas is not enabled, .*|.*doas\.conf.*)$/;

/** The command a non-root login runs (its script on stdin). */
export const DOAS_SHELL = "exec doas -n /bin/sh -s";

/**
 * Why `user` could not become root through doas, with the fix; undefined when the script ran (any other output, or
 * another exit status).
 */
export function doasRefusal(user: string, r: { stdout: string; stderr: string; code: number }): string | undefined {
  const line = r.stderr.trim();
  if (r.code !== 1 || r.stdout !== "" || line.includes("\n") || !REFUSAL.test(line)) return undefined;
  return (
    `${user} cannot run commands as root: \`doas -n /bin/sh -s\` refused (${line}). ` +
    `Let ${user} run /bin/sh as root without a password in the gateway's /etc/doas.conf (doas.conf(5)): \`permit nopass ${user} as root cmd /bin/sh\`; or connect as root`
  );
}
