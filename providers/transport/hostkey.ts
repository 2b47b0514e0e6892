/**
 * Host-key pinning (ARCHITECTURE.md D6): the expected key is given as in known_hosts without the host
 * name (`ssh-ed25519 AAAA…`); the key the server presents is compared blob for blob, and a mismatch
 * is refused with both SHA256 fingerprints, as OpenSSH prints them.
 */
import { createHash } from "node:crypto";

// the parse is shared with the Gateway component, which refuses a malformed or missing key at preview
export { parseHostKey, type PinnedKey } from "../../sdk/connection";

/** `SHA256:…` fingerprint of a key blob, as `ssh-keygen -l` prints it. */
export function keyFingerprint(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** Key type named inside a wire-format blob. */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1");
}
