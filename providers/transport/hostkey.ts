/**
 * Host-key pinning (ARCHITECTURE.md D6): the expected key is given as in known_hosts without the host
 * name (`ssh-ed25519 AAAA…`); the key the server presents is compared blob for blob, and a mismatch
 * is refused with both SHA256 fingerprints, as OpenSSH prints them.
 */
import { createHash } from "node:crypto";

/** A parsed `TYPE BASE64` public key. */
export interface PinnedKey {
  /** Key type, e.g. `ssh-ed25519`. */
  type: string;
  /** The wire-format key blob. */
  blob: Buffer;
}

/** Parses `ssh-ed25519 AAAA… [comment]`; returns an error text when malformed. */
export function parseHostKey(text: string): PinnedKey | string {
  const parts = text.trim().split(/\s+/);
  const [type, b64] = parts;
  if (!type || !b64 || !/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-\S+)$/.test(type)) {
    return `hostKey: \`${text.slice(0, 40)}\` is not an OpenSSH public key; give it as in known_hosts without the host name, e.g. \`ssh-ed25519 AAAAC3Nz…\``;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return `hostKey: the key data of \`${type}\` is not base64`;
  const blob = Buffer.from(b64, "base64");
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len < 0 || blob.subarray(4, 4 + len).toString("latin1") !== type) {
    return `hostKey: the key data does not hold a \`${type}\` key`;
  }
  return { type, blob };
}

/** `SHA256:…` fingerprint of a key blob, as `ssh-keygen -l` prints it. */
export function keyFingerprint(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** Key type named inside a wire-format blob. */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1");
}
