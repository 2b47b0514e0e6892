/**
 * A login the gateway's sshd refused (ssh2: "All configured authentication methods failed"), explained with what
 * to check: which key was offered (its public key's fingerprint, as `ssh-keygen -lf KEY` prints it, so the user can
 * tell which of their keys the configuration holds) and the two usual causes on OpenBSD — the public key not in the
 * user's authorized_keys, and root logins being off (the installer's default answer to "Allow root ssh login?" is
 * `no`, written to sshd_config as `PermitRootLogin no`).
 */
import ssh2 from "ssh2";
import { keyFingerprint } from "./hostkey";

/** The fingerprint of the public half of `privateKey`, or undefined when ssh2 cannot read it. */
function publicFingerprint(privateKey: string): string | undefined {
  const k = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(k) ? k[0] : k;
  if (!key || key instanceof Error) return undefined;
  return keyFingerprint(key.getPublicSSH());
}

/** Whether ssh2's connection error is sshd refusing the login (not a network or protocol failure). */
export function isLoginRefused(e: Error): boolean {
  return (e as Error & { level?: string }).level === "client-authentication";
}

/** The message for a refused login of `user` with `privateKey` (never quoting the key). */
export function loginRefusal(user: string, privateKey: string): string {
  const fp = publicFingerprint(privateKey);
  const home = user === "root" ? "/root" : `~${user}`;
  return (
    `the gateway refused the login as ${user} with the connection's privateKey${fp ? ` (its public key is ${fp})` : ""}: ` +
    `add that public key to ${home}/.ssh/authorized_keys on the gateway` +
    (user === "root"
      ? "; root also needs `PermitRootLogin prohibit-password` in its /etc/ssh/sshd_config (the installer's default is `no`), or connect as a user that doas(1) lets run /bin/sh as root"
      : "")
  );
}
