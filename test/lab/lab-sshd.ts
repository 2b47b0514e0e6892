/**
 * How the lab starts each gateway's real OpenSSH sshd (its management plane): the options on its command line,
 * beside `-D -f /etc/ssh/sshd_config`. They make a connection cheaper for the lab's 2-core machine without touching
 * the gateway's own sshd_config (which tests read and rewrite) or the provider's ssh2 settings (what users get):
 *
 * - `-r` (OpenSSH before 9.8): no re-execution of sshd for each connection. A re-exec re-randomizes the address
 *   space (worth it on a real host) and costs a fresh sshd start: dynamic linking of its ~20 libraries, config and
 *   host key — about a third of what a connection costs the lab (measured: 20 → 14 ms of CPU per connection).
 *   From 9.8 on, the listener starts `sshd-session` instead and has no such option: nothing is passed then.
 * - `KexAlgorithms ecdh-sha2-nistp256`: Debian's OpenSSH computes curve25519 with its portable reference code;
 *   P-256 comes from OpenSSL's tuned code (about 3 ms less per connection). The key exchange stays an ordinary
 *   one every client offers (ssh2, OpenSSH, paramiko); the host key stays ed25519, pinned as before.
 *
 * SIGHUP (`rcctl reload sshd`) re-executes sshd with the same command line, so a reload keeps these.
 *
 * The binary itself ({@link labSshdBinary}): OpenSSH of the machine's own version, built by `scripts/lab-sshd.sh` from
 * Debian's source as OpenBSD builds its sshd (no PAM, SELinux, Kerberos, libwrap, libaudit, libsystemd: 5 libraries
 * instead of 27), and placed at the gateway's /usr/sbin/sshd. Each connection forks sshd three times and tears each
 * copy down; with OpenBSD's few libraries that costs about 4 ms of CPU less per connection (mesh-50 refresh, measured).
 * When it is not built (no deb-src, no compiler), the gateway runs Debian's /usr/sbin/sshd.
 *
 * The test runner's own key ({@link LAB_CLIENT_KEY}) is ECDSA P-256 for the same reason: sshd checks the client's
 * signature on every connection, an ed25519 one with OpenSSH's portable reference code (~1.5 ms of CPU here, measured
 * with `ssh-keygen -Y check-novalidate`), a P-256 one with OpenSSL's (~0.1 ms). Users' keys are theirs to choose
 * (an ed25519 one is tested too: test/provider/gateway.test.ts); the gateways' host keys stay ed25519, pinned as before.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The lab's key exchange (see above). */
export const LAB_SSHD_KEX = "ecdh-sha2-nistp256";

/** The test runner's client key: `ssh-keygen` type and bits, and its file name in the lab directory (see above). */
export const LAB_CLIENT_KEY = { type: "ecdsa", bits: "256", file: "id_ecdsa" } as const;

let cached: string[] | undefined;
let binary: string | null | undefined;

/**
 * The gateways' sshd as `scripts/lab-sshd.sh` built it for the installed openssh-server (the same cache path), or
 * undefined when it is not built: the gateways then run the machine's /usr/sbin/sshd.
 */
export function labSshdBinary(): string | undefined {
  if (binary === undefined) {
    const v = spawnSync("dpkg-query", ["-W", "-f=${Version}", "openssh-server"], { encoding: "utf8" });
    const cache = process.env.PULUMI_OPENBSD_CACHE ?? join(process.env.HOME ?? "/root", ".cache", "pulumi-openbsd");
    const path = v.status === 0 && v.stdout ? join(cache, "lab-sshd", v.stdout.trim().replace(/[^A-Za-z0-9.+~-]/g, "_"), "sshd") : "";
    binary = path && existsSync(path) ? path : null;
  }
  return binary ?? undefined;
}

/** OpenSSH's version of `sshd` (`[9, 2]`), from `sshd -V`; undefined when it cannot be told. */
export function sshdVersion(sshd = "/usr/sbin/sshd"): [number, number] | undefined {
  const r = spawnSync(sshd, ["-V"], { encoding: "utf8" });
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(`${r.stdout ?? ""}${r.stderr ?? ""}`);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The options the lab gives every gateway's sshd after `-D -f /etc/ssh/sshd_config`. */
export function labSshdArgs(): string[] {
  if (cached) return cached;
  const v = sshdVersion();
  const rexec = v !== undefined && (v[0] < 9 || (v[0] === 9 && v[1] < 8));
  cached = [...(rexec ? ["-r"] : []), "-o", `KexAlgorithms=${LAB_SSHD_KEX}`];
  return cached;
}
