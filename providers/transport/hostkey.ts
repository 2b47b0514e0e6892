/**
 * Host-key pinning (ARCHITECTURE.md D6): the expected key is given as in known_hosts without the host
 * name (`ssh-ed25519 AAAA…`); the key the server presents is compared blob for blob, and a mismatch
 * is refused with both SHA256 fingerprints, as OpenSSH prints them.
 */
import { createHash } from "node:crypto";
import type { ServerHostKeyAlgorithm } from "ssh2";

// the parse is shared with the Gateway component, which refuses a malformed or missing key at preview
export { parseHostKey, type PinnedKey } from "../../sdk/connection";

/** `SHA256:…` fingerprint of a key blob, as `ssh-keygen -l` prints it. */
export function keyFingerprint(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/**
 * The host-key algorithms to offer for a pinned key of `type`: only the pinned key's own. OpenBSD's sshd has three
 * host keys (RSA, ECDSA, Ed25519: `ssh-keygen -A`) and signs the key exchange with the first algorithm of the
 * client's list it holds a key for; ssh2's own list starts with ssh-ed25519, so a gateway pinned by its ECDSA or RSA
 * key (the first lines `ssh-keyscan` prints) would present its Ed25519 key and be refused as a mismatch. An RSA key
 * signs with SHA-2 (RFC 8332; OpenSSH refuses SHA-1 `ssh-rsa` signatures since 8.8) before the old `ssh-rsa`.
 */
export function hostKeyAlgorithms(type: string): ServerHostKeyAlgorithm[] {
  return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type as ServerHostKeyAlgorithm];
}

/** Key type named inside a wire-format blob. */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1");
}
