/**
 * OpenSSH public host keys (a Gateway's pinned `connection.hostKey`, an SshTunnel server's `hostKey`
 * written to the client's known_hosts): `TYPE BASE64` as in known_hosts without the host name.
 */
import { aString, PRIVATE_KEY, Refusal, refuseUnsafe, type TokenRule } from "./refusal";

const TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/**
 * What a user most often gives where a pinned host key belongs, told apart with its fix: a private key (the
 * login key, or the host's own), a fingerprint (`SHA256:…`, what `ssh-keygen -l` and a first login show), a
 * line of `ssh-keyscan` or known_hosts with its host name (plain or hashed `|1|…`) before the key, or a known_hosts
 * marker (`@cert-authority`, `@revoked`). Undefined for anything else (the caller's own refusal applies).
 */
export function hostKeyMistake(text: string): { reason: string; fix: string } | undefined {
  const example = "`ssh-ed25519 AAAAC3Nz…` (`ssh-keyscan -t ed25519 HOST` prints it)";
  if (PRIVATE_KEY.test(text)) {
    return { reason: "a private key, not the gateway's public host key", fix: `the key you log in with goes in \`privateKey\`; pin the gateway's own public host key here, e.g. ${example}` };
  }
  const w = text.trim().split(/\s+/);
  if (/^(SHA256|MD5):/.test(w[0] ?? "")) {
    return { reason: "a fingerprint, not the key: the whole key is pinned", fix: `give the key whose fingerprint this is, e.g. ${example}; \`ssh-keygen -lf FILE\` shows a key's fingerprint` };
  }
  if (/^@(cert-authority|revoked)$/.test(w[0] ?? "")) {
    return { reason: `a known_hosts marker (\`${w[0]}\`): only the gateway's own key can be pinned, not a certificate authority`, fix: `give the gateway's own host key, e.g. ${example}` };
  }
  if (w.length >= 3 && TYPES.test(w[1]!) && !TYPES.test(w[0]!)) {
    const host = w[0]!.startsWith("|1|") ? "a hashed host name" : `\`${w[0]!.slice(0, 64)}\``;
    return { reason: `starts with ${host}, as ssh-keyscan and known_hosts print a key`, fix: `give the key alone, without the host name: \`${w[1]} ${w[2]!.slice(0, 16)}…\`` };
  }
  return undefined;
}

/** A public host key: returns `TYPE BASE64` (a trailing comment dropped). One line: a newline would add a line to known_hosts. */
export const sshHostKey: TokenRule = (v) => {
  // blanks and a line end around the key (a key read from a file) are harmless; inside it they are not
  const s = aString(v, "an SSH host key", "ssh-ed25519 AAAAC3Nz…").trim();
  const m = hostKeyMistake(s);
  if (m) throw new Refusal(m.reason, m.fix);
  refuseUnsafe(s, "a known_hosts line", "give the key on one line, as `ssh-keyscan -t ed25519 HOST` prints it without the host name");
  const w = s.split(/ +/);
  if (w.length < 2 || w.length > 3 || !TYPES.test(w[0]!) || !/^[A-Za-z0-9+/]+={0,2}$/.test(w[1]!))
    throw new Refusal("not an OpenSSH public host key", "give it as in known_hosts without the host name, e.g. `ssh-ed25519 AAAAC3Nz…`");
  const blob = Buffer.from(w[1]!, "base64");
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len < 0 || blob.subarray(4, 4 + len).toString("latin1") !== w[0]) throw new Refusal(`the key data does not hold a \`${w[0]}\` key (cut or mixed up?)`, "copy the whole key from `ssh-keyscan -t ed25519 HOST`");
  return `${w[0]} ${w[1]}`;
};
