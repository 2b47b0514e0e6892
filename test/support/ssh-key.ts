/**
 * Throwaway SSH private keys for tests that pass a connection through the provider's Check (which parses the key
 * with ssh2, providers/transport/private-key.ts) or stand up ssh2's own server: generated per test process, never a
 * real host's key.
 *
 * ssh2 1.17.0's `utils.generateKeyPairSync("ed25519")` writes a public key whose first byte is zero as 31 bytes
 * instead of 32 (about 1 key in 250: 76 of 20 000 measured), and its own parser then refuses the key as "Malformed
 * OpenSSH private key". A test process that drew such a key failed every test using it (13 unit tests in one run of
 * `npm test`). Keys are drawn again until ssh2 reads them back; OpenSSH's ssh-keygen, where users' keys come from,
 * always writes 32 bytes.
 */
import ssh2 from "ssh2";

/** A key pair from ssh2's generator that ssh2's own parser reads back (see above). */
export function testKeyPair(type: "ed25519" | "ecdsa" | "rsa", opts: { bits?: number } = {}): { private: string; public: string } {
  for (let i = 0; ; i++) {
    const k = type === "ed25519" ? ssh2.utils.generateKeyPairSync(type) : ssh2.utils.generateKeyPairSync(type, opts as { bits: number });
    if (!(ssh2.utils.parseKey(k.private) instanceof Error)) return k;
    if (i >= 20) throw new Error(`ssh2 generated ${i + 1} ${type} keys that it cannot parse`);
  }
}

/** An unencrypted ed25519 private key in OpenSSH's format. */
export const TEST_PRIVATE_KEY: string = testKeyPair("ed25519").private;
