/**
 * OpenSSH public host keys (a Gateway's pinned `connection.hostKey`, an SshTunnel server's `hostKey`
 * written to the client's known_hosts): `TYPE BASE64` as in known_hosts without the host name.
 */
import { aString, Refusal, refuseUnsafe, type TokenRule } from "./refusal";

const TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/** A public host key: returns `TYPE BASE64` (a trailing comment dropped). One line: a newline would add a line to known_hosts. */
export const sshHostKey: TokenRule = (v) => {
  // blanks and a line end around the key (a key read from a file) are harmless; inside it they are not
  const s = aString(v, "an SSH host key", "ssh-ed25519 AAAAC3Nz…").trim();
  refuseUnsafe(s, "a known_hosts line", "give the key on one line, as `ssh-keyscan -t ed25519 HOST` prints it without the host name");
  const w = s.split(/ +/);
  if (w.length < 2 || w.length > 3 || !TYPES.test(w[0]!) || !/^[A-Za-z0-9+/]+={0,2}$/.test(w[1]!))
    throw new Refusal("not an OpenSSH public host key", "give it as in known_hosts without the host name, e.g. `ssh-ed25519 AAAAC3Nz…`");
  const blob = Buffer.from(w[1]!, "base64");
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len < 0 || blob.subarray(4, 4 + len).toString("latin1") !== w[0]) throw new Refusal(`the key data does not hold a \`${w[0]}\` key (cut or mixed up?)`, "copy the whole key from `ssh-keyscan -t ed25519 HOST`");
  return `${w[0]} ${w[1]}`;
};
